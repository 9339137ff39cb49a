import type { PulseConfig } from '../config.js';
import type { AccountFacts, IsoDate } from '../facts.js';
import {
  greenWithTechnicalMilestones,
  outcomeFunnel,
  planColor,
  planPercentComplete,
  planStatusShown,
} from '../measures/success-plan.js';
import { tierApplicability } from '../tiers.js';
import type { AccountSummary } from '../views.js';

/** The success plan at `day`: grey where the tier has no owner-led measures. */
export function planPart(
  facts: AccountFacts,
  day: IsoDate,
  config: PulseConfig,
): Pick<AccountSummary, 'plan'> {
  const applies = tierApplicability(facts.account.successTier);
  const plan = planColor(facts.successPlan, day, config);
  return {
    plan: {
      applicable: applies.ownerLedMeasures,
      status: planStatusShown(facts.successPlan, plan.color),
      color: applies.ownerLedMeasures ? plan.color : 'grey',
      percentComplete: planPercentComplete(facts.successPlan),
      greenWithTechnicalMilestones: greenWithTechnicalMilestones(facts.successPlan, plan.color),
      outcomeFunnel: outcomeFunnel(facts.successPlan),
    },
  };
}
