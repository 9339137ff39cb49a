import type { AccountFacts } from '../facts.js';
import { renewalForecastColor } from '../revenue.js';
import type { AccountSummary, RenewalSummary } from '../views.js';

/** Every renewal of the account by id, with its forecast colour. */
export function renewalsPart(facts: AccountFacts): Pick<AccountSummary, 'renewals'> {
  const renewals: Record<string, RenewalSummary> = {};
  for (const r of facts.renewals) {
    renewals[String(r.id)] = {
      id: r.id,
      renewalDate: r.renewalDate,
      atrCents: r.atrCents,
      forecastCents: r.forecastCents,
      riskCategory: r.riskCategory,
      riskReason: r.riskReason,
      status: r.status,
      wonCents: r.wonCents,
      closedOn: r.closedOn,
      forecastColor: renewalForecastColor(r),
    };
  }
  return { renewals };
}
