import type { PulseConfig } from './config.js';
import { addDays, daysBetween } from './dates.js';
import type { IsoDate, TeamMember } from './facts.js';
import { shiftQuarter } from './fiscal.js';
import { nextOpenRenewal } from './revenue.js';
import { filterSummaries } from './scope.js';
import type { AccountSummary, RenewalListAccount, RenewalRow, RenewalsView, ScopeFilters } from './views.js';

/** ARR at risk of an open renewal: the shortfall of the forecast, or the whole ATR if it will churn. */
export function arrAtRisk(renewal: {
  atrCents: number;
  forecastCents: number;
  riskCategory: string;
}): number {
  if (renewal.riskCategory === 'will_churn') return renewal.atrCents;
  return Math.max(0, renewal.atrCents - renewal.forecastCents);
}

/**
 * The orders a person can pick for the renewals table, shared by the screen and its CSV export so
 * both list rows alike: ARR at risk is the view's own order (null: keep it), then date or ATR.
 */
export const RENEWAL_SORTS = {
  risk: null,
  date: (a: RenewalRow, b: RenewalRow) => a.renewalDate.localeCompare(b.renewalDate),
  atr: (a: RenewalRow, b: RenewalRow) => b.atrCents - a.atrCents,
} as const satisfies Record<string, ((a: RenewalRow, b: RenewalRow) => number) | null>;
export type RenewalSort = keyof typeof RENEWAL_SORTS;
export const RENEWAL_SORT_KEYS = Object.keys(RENEWAL_SORTS) as RenewalSort[];

/** The rows in the picked order (a new array; the view's order is kept for 'risk'). */
export function sortRenewalRows(rows: readonly RenewalRow[], sort: RenewalSort): RenewalRow[] {
  const compare = RENEWAL_SORTS[sort];
  return compare === null ? [...rows] : [...rows].sort(compare);
}

/** End of the renewals window: `days` after asOf, or the end of the configured fiscal quarters. */
export function renewalsWindowEnd(asOf: IsoDate, days: number | undefined, config: PulseConfig): IsoDate {
  if (days !== undefined) return addDays(asOf, days);
  return shiftQuarter(asOf, config.renewals.windowQuarters - 1, config).end;
}

/**
 * What one account brings to every renewals view of a day, whatever the window: its open renewals
 * from that day on as table rows, and whether (and how) it is listed beside the table.
 */
interface AccountRenewals {
  /** Open renewals on or after asOf, in the summary's order. */
  rows: RenewalRow[];
  redWithin120Days: boolean;
  expansionCandidate: boolean;
  /** Set when the account is in either list. */
  listed: RenewalListAccount | null;
}

/**
 * Each account's part of the renewals views of one day (and one config), kept while its summary
 * object is the same: a view rebuilt after a batch rebuilds only the accounts the batch rescored,
 * and an unchanged account keeps the very same row objects, which a diff passes over at a glance.
 */
export interface RenewalsCache {
  asOf: IsoDate | null;
  parts: WeakMap<AccountSummary, AccountRenewals>;
}

export const renewalsCache = (): RenewalsCache => ({ asOf: null, parts: new WeakMap() });

function accountRenewals(s: AccountSummary, asOf: IsoDate, config: PulseConfig): AccountRenewals {
  const redLimit = addDays(asOf, config.renewals.redWithinDays);
  const open = Object.values(s.renewals).filter((r) => r.status === 'open' && r.renewalDate >= asOf);
  const redWithin120Days = s.healthColor === 'red' && open.some((r) => r.renewalDate <= redLimit);
  const expansionCandidate =
    s.licenseUtilization !== null &&
    s.licenseUtilization > config.renewals.expansionLicenseUtilization &&
    s.primaryUseCaseColor === 'green';
  const rows = open.map(
    (r): RenewalRow => ({
      renewalId: r.id,
      accountId: s.accountId,
      accountName: s.name,
      renewalDate: r.renewalDate,
      daysToRenewal: daysBetween(asOf, r.renewalDate),
      healthScore: s.healthScore,
      healthColor: s.healthColor,
      healthTrend:
        s.healthScore !== null && s.scoreThirtyDaysAgo !== null
          ? Math.round((s.healthScore - s.scoreThirtyDaysAgo) * 100) / 100
          : null,
      forecastColor: r.forecastColor,
      atrCents: r.atrCents,
      forecastCents: r.forecastCents,
      netArrAtStakeCents: r.forecastCents - r.atrCents,
      arrAtRiskCents: arrAtRisk(r),
      riskCategory: r.riskCategory,
      riskReason: r.riskReason,
      primaryUseCase: s.primaryUseCase,
      primaryUseCaseColor: s.primaryUseCaseColor,
      planStatus: s.plan.status,
      lastEngagementDate: s.lastEngagementDate,
      owners: s.owners,
    }),
  );
  let listed: RenewalListAccount | null = null;
  if (redWithin120Days || expansionCandidate) {
    const next = nextOpenRenewal(Object.values(s.renewals).filter((r) => r.renewalDate >= asOf));
    listed = {
      accountId: s.accountId,
      accountName: s.name,
      arrCents: s.arrNowCents,
      licenseUtilization: s.licenseUtilization,
      primaryUseCaseColor: s.primaryUseCaseColor,
      nextRenewalDate: next?.renewalDate ?? null,
      nextRenewalAtrCents: next?.atrCents ?? null,
    };
  }
  return { rows, redWithin120Days, expansionCandidate, listed };
}

/**
 * Open renewals in the window with everything AE/RM need, sorted by ARR at risk (KPIS.md §7).
 * With a `cache` (one per config) the accounts whose summary it has seen that day are not redone.
 */
export function buildRenewalsView(
  summaries: readonly AccountSummary[],
  members: readonly TeamMember[],
  options: { days?: number; filters?: ScopeFilters },
  asOf: IsoDate,
  config: PulseConfig,
  cache: RenewalsCache = renewalsCache(),
): RenewalsView {
  const filters = options.filters ?? {};
  const accounts = filterSummaries(summaries, members, filters).filter((s) => !s.churned);
  const windowEnd = renewalsWindowEnd(asOf, options.days, config);
  if (cache.asOf !== asOf) {
    cache.asOf = asOf;
    cache.parts = new WeakMap();
  }

  const rows: Record<string, RenewalRow> = {};
  const redWithin120Days: string[] = [];
  const expansionCandidates: string[] = [];
  const listedAccounts: Record<string, RenewalListAccount> = {};
  const totals = { atrCents: 0, forecastCents: 0, arrAtRiskCents: 0 };
  for (const s of accounts) {
    let part = cache.parts.get(s);
    if (part === undefined) {
      part = accountRenewals(s, asOf, config);
      cache.parts.set(s, part);
    }
    if (part.redWithin120Days) redWithin120Days.push(s.accountId);
    if (part.expansionCandidate) expansionCandidates.push(s.accountId);
    if (part.listed) listedAccounts[s.accountId] = part.listed;
    for (const row of part.rows) {
      if (row.renewalDate > windowEnd) continue;
      rows[String(row.renewalId)] = row;
      totals.atrCents += row.atrCents;
      totals.forecastCents += row.forecastCents;
      totals.arrAtRiskCents += row.arrAtRiskCents;
    }
  }
  const order = Object.keys(rows).sort((a, b) => {
    const ra = rows[a]!;
    const rb = rows[b]!;
    return (
      rb.arrAtRiskCents - ra.arrAtRiskCents ||
      ra.renewalDate.localeCompare(rb.renewalDate) ||
      ra.renewalId - rb.renewalId
    );
  });
  return {
    asOf,
    windowEnd,
    filters,
    rows,
    order,
    redWithin120Days,
    expansionCandidates,
    listedAccounts,
    totals,
  };
}
