import { pointsColor, round2 } from './colors.js';
import type { PulseConfig } from './config.js';
import { daysBetween, toDate } from './dates.js';
import type { AccountFacts, Color, HealthOverride, IsoDate, IsoInstant } from './facts.js';
import { meetingCadence, personaEngagement } from './measures/engagement.js';
import { greyResult, type MeasureResult } from './measures/result.js';
import { ownerSentiment } from './measures/sentiment.js';
import { successPlanMeasure } from './measures/success-plan.js';
import { emergencyBadge, supportLoad } from './measures/support.js';
import { currentUsage, licenseUtilization, useCaseAdoption, userEngagement } from './measures/usage.js';
import { nextOpenRenewal, renewalForecastColor } from './revenue.js';
import { TIER_WORDS, tierApplicability } from './tiers.js';
import {
  type Badge,
  type ColorCause,
  GROUP_KEYS,
  type GroupKey,
  type GroupScore,
  type ManualOverrideInfo,
  MEASURE_KEYS,
  type Measure,
  type MeasureKey,
  type Scorecard,
} from './views.js';

export const MEASURE_GROUP: Record<MeasureKey, GroupKey> = {
  license_utilization: 'product',
  user_engagement: 'product',
  scm_adoption: 'product',
  ci_adoption: 'product',
  security_adoption: 'product',
  cd_adoption: 'product',
  owner_sentiment: 'risk',
  success_plan: 'outcomes',
  support_load: 'voice_of_customer',
  meeting_cadence: 'engagement',
  persona_engagement: 'engagement',
};

export const MEASURE_LABEL: Record<MeasureKey, string> = {
  license_utilization: 'License utilization',
  user_engagement: 'User engagement',
  scm_adoption: 'SCM adoption',
  ci_adoption: 'CI adoption',
  security_adoption: 'Security adoption',
  cd_adoption: 'CD adoption',
  owner_sentiment: 'Owner sentiment',
  success_plan: 'Success plan',
  support_load: 'Support load',
  meeting_cadence: 'Meeting cadence',
  persona_engagement: 'Persona engagement',
};

/** The measure results of an account at `asOf`, after tier applicability and the onboarding grace. */
export function measureResults(
  facts: AccountFacts,
  asOf: IsoDate,
  config: PulseConfig,
): { results: Record<MeasureKey, MeasureResult>; onboardingGrace: boolean } {
  const { account } = facts;
  const applies = tierApplicability(account.successTier);
  const usage = currentUsage(facts.usageSnapshots, asOf, config);
  const noUsage = usage.tooOld
    ? greyResult(`product usage older than ${config.usageMaxAgeDays} days`)
    : greyResult('no product usage data');
  const snapshot = usage.snapshot;
  const notInTier = greyResult(`not measured for the ${TIER_WORDS[account.successTier]} tier`);

  const results: Record<MeasureKey, MeasureResult> = {
    license_utilization: snapshot ? licenseUtilization(account, snapshot, asOf, config) : noUsage,
    user_engagement: snapshot ? userEngagement(snapshot, config) : noUsage,
    scm_adoption: snapshot ? useCaseAdoption('scm', snapshot, account.planTier, config) : noUsage,
    ci_adoption: snapshot ? useCaseAdoption('ci', snapshot, account.planTier, config) : noUsage,
    security_adoption: snapshot ? useCaseAdoption('security', snapshot, account.planTier, config) : noUsage,
    cd_adoption: snapshot ? useCaseAdoption('cd', snapshot, account.planTier, config) : noUsage,
    owner_sentiment: applies.sentiment
      ? ownerSentiment(account, facts.timeline, asOf, config, facts.ownerHistory)
      : notInTier,
    success_plan: applies.ownerLedMeasures ? successPlanMeasure(facts.successPlan, asOf, config) : notInTier,
    support_load: supportLoad(facts.supportTickets, asOf, config),
    meeting_cadence: applies.ownerLedMeasures
      ? meetingCadence(account, facts.timeline, asOf, config)
      : notInTier,
    persona_engagement: applies.ownerLedMeasures
      ? personaEngagement(facts.timeline, asOf, config)
      : notInTier,
  };

  const onboardingGrace = daysBetween(account.contractStart, asOf) < config.onboardingGraceDays;
  if (onboardingGrace) {
    for (const key of MEASURE_KEYS) {
      if (key === 'owner_sentiment') continue;
      results[key] = greyResult(
        `first ${config.onboardingGraceDays} days of the contract`,
        results[key].inputs,
      );
    }
  }
  return { results, onboardingGrace };
}

/** Measures of each group in MEASURE_KEYS order (sums run in that order, so results never move). */
const GROUP_MEASURES = {} as Record<GroupKey, readonly MeasureKey[]>;
for (const group of GROUP_KEYS)
  GROUP_MEASURES[group] = MEASURE_KEYS.filter((m) => MEASURE_GROUP[m] === group);

/**
 * Weighted aggregation with grey redistribution (KPIS.md §1.3): each measure's effective weight is
 * its share of the whole score in percent, so score = Σ effectiveWeight × points / 100.
 * Plain loops: this runs for every scorecard of every trend date of every account.
 */
export function aggregate(
  results: Record<MeasureKey, MeasureResult>,
  config: PulseConfig,
): {
  score: number | null;
  groups: Record<GroupKey, GroupScore>;
  effectiveWeights: Record<MeasureKey, number>;
} {
  const effectiveWeights = {} as Record<MeasureKey, number>;
  for (const m of MEASURE_KEYS) effectiveWeights[m] = 0;
  const groups = {} as Record<GroupKey, GroupScore>;
  const liveGroups: { key: GroupKey; weight: number; measureWeight: number }[] = [];
  for (const key of GROUP_KEYS) {
    let measureWeight = 0;
    let weightedPoints = 0;
    let live = 0;
    for (const m of GROUP_MEASURES[key]) {
      const points = results[m].points;
      if (points === null) continue;
      live++;
      measureWeight += config.measureWeights[m];
      weightedPoints += config.measureWeights[m] * points;
    }
    let score: number | null = null;
    if (live > 0 && measureWeight > 0) {
      score = weightedPoints / measureWeight;
      liveGroups.push({ key, weight: config.groupWeights[key], measureWeight });
    }
    groups[key] = {
      key,
      weight: config.groupWeights[key],
      effectiveWeight: 0,
      score,
      color: pointsColor(score, config),
    };
  }
  let totalGroupWeight = 0;
  for (const g of liveGroups) totalGroupWeight += g.weight;
  if (totalGroupWeight <= 0) return { score: null, groups, effectiveWeights };
  let raw = 0;
  for (const g of liveGroups) {
    const groupShare = (100 * g.weight) / totalGroupWeight;
    groups[g.key].effectiveWeight = groupShare;
    for (const m of GROUP_MEASURES[g.key]) {
      const points = results[m].points;
      if (points === null) continue;
      const weight = (groupShare * config.measureWeights[m]) / g.measureWeight;
      effectiveWeights[m] = weight;
      raw += (weight * points) / 100;
    }
  }
  return { score: round2(raw), groups, effectiveWeights };
}

/** The manual override in force at `at`: created by then, not cleared, not expired; latest wins. */
export function activeOverride(overrides: HealthOverride[], at: IsoInstant): HealthOverride | null {
  let active: HealthOverride | null = null;
  for (const o of overrides) {
    if (o.createdAt > at) continue;
    if (o.clearedAt !== null && o.clearedAt <= at) continue;
    if (o.expiresAt !== null && o.expiresAt <= at) continue;
    if (
      active === null ||
      o.createdAt > active.createdAt ||
      (o.createdAt === active.createdAt && o.id > active.id)
    ) {
      active = o;
    }
  }
  return active;
}

/** End-of-day instant of a date, used when `asOf` is given as a date. */
function asInstant(asOf: IsoDate | IsoInstant): IsoInstant {
  return asOf.length > 10 ? asOf : `${asOf}T23:59:59.999Z`;
}

/** The account's health scorecard at `asOf` (KPIS.md §1). */
export function computeScorecard(
  facts: AccountFacts,
  asOf: IsoDate | IsoInstant,
  config: PulseConfig,
): Scorecard {
  const at = asInstant(asOf);
  const day = toDate(at);
  const { results, onboardingGrace } = measureResults(facts, day, config);
  const { score, groups, effectiveWeights } = aggregate(results, config);

  const measures = {} as Record<MeasureKey, Measure>;
  for (const key of MEASURE_KEYS) {
    const r = results[key];
    measures[key] = {
      key,
      group: MEASURE_GROUP[key],
      label: MEASURE_LABEL[key],
      value: r.value,
      color: r.color,
      points: r.points,
      weight: config.measureWeights[key],
      effectiveWeight: effectiveWeights[key],
      inputs: r.inputs,
      stale: r.stale,
      info: r.info,
      reason: r.reason,
    };
  }

  // Overrides, highest precedence last (KPIS.md §1.3): the manual override always wins.
  let color: Color = pointsColor(score, config);
  let colorCause: ColorCause = 'score';
  let label: string | null = null;
  if (score === null) {
    color = 'grey';
    colorCause = 'no_data';
    label = 'No data';
  }
  if (measures.owner_sentiment.color === 'red') {
    color = 'red';
    colorCause = 'sentiment_override';
    label = 'Red sentiment';
  }
  const willChurn = facts.account.lifecycleStage === 'will_churn';
  if (willChurn) {
    color = 'grey';
    colorCause = 'will_churn';
    label = 'Will churn';
  }
  const override = activeOverride(facts.healthOverrides, at);
  let overridden: ManualOverrideInfo | null = null;
  if (override) {
    // A will-churn stage and a manual override: config.willChurnBeatsOverride says which wins.
    const suspended = willChurn && config.willChurnBeatsOverride;
    overridden = {
      id: override.id,
      color: override.color,
      reason: override.reason,
      authorId: override.authorId,
      createdAt: override.createdAt,
      expiresAt: override.expiresAt,
      computedColor: color,
      suspendedBy: suspended ? 'will_churn' : null,
    };
    if (!suspended) {
      color = override.color;
      colorCause = 'manual_override';
      label = willChurn ? 'Overridden (will churn)' : 'Overridden';
    }
  }

  const badges: Badge[] = [];
  const emergency = emergencyBadge(facts.supportTickets, day, config);
  if (emergency) badges.push(emergency);
  if (measures.owner_sentiment.stale) {
    badges.push({
      key: 'stale_sentiment',
      color: 'grey',
      text: measures.owner_sentiment.info ?? 'sentiment is stale',
    });
  }
  if (measures.support_load.info)
    badges.push({ key: 'no_recent_tickets', color: 'yellow', text: measures.support_load.info });
  if (onboardingGrace)
    badges.push({ key: 'onboarding', color: 'grey', text: 'first 30 days of the contract' });

  const renewal = nextOpenRenewal(facts.renewals);
  return {
    accountId: facts.account.id,
    asOf: at,
    score,
    color,
    label,
    colorCause,
    overridden,
    excludedFromHealthAverages: willChurn,
    onboardingGrace,
    renewalForecastColor: renewal ? renewalForecastColor(renewal) : 'grey',
    groups,
    measures,
    badges,
  };
}
