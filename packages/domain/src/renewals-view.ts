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

/** Open renewals in the window with everything AE/RM need, sorted by ARR at risk (KPIS.md §7). */
export function buildRenewalsView(
  summaries: readonly AccountSummary[],
  members: readonly TeamMember[],
  options: { days?: number; filters?: ScopeFilters },
  asOf: IsoDate,
  config: PulseConfig,
): RenewalsView {
  const filters = options.filters ?? {};
  const accounts = filterSummaries(summaries, members, filters).filter((s) => !s.churned);
  const windowEnd = renewalsWindowEnd(asOf, options.days, config);
  const redLimit = addDays(asOf, config.renewals.redWithinDays);

  const rows: Record<string, RenewalRow> = {};
  const redWithin120Days: string[] = [];
  const totals = { atrCents: 0, forecastCents: 0, arrAtRiskCents: 0 };
  for (const s of accounts) {
    const open = Object.values(s.renewals).filter((r) => r.status === 'open' && r.renewalDate >= asOf);
    if (s.healthColor === 'red' && open.some((r) => r.renewalDate <= redLimit))
      redWithin120Days.push(s.accountId);
    for (const r of open) {
      if (r.renewalDate > windowEnd) continue;
      const atRisk = arrAtRisk(r);
      rows[String(r.id)] = {
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
        arrAtRiskCents: atRisk,
        riskCategory: r.riskCategory,
        riskReason: r.riskReason,
        primaryUseCase: s.primaryUseCase,
        primaryUseCaseColor: s.primaryUseCaseColor,
        planStatus: s.plan.status,
        lastEngagementDate: s.lastEngagementDate,
        owners: s.owners,
      };
      totals.atrCents += r.atrCents;
      totals.forecastCents += r.forecastCents;
      totals.arrAtRiskCents += atRisk;
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
  const expansionCandidates = accounts
    .filter(
      (s) =>
        s.licenseUtilization !== null &&
        s.licenseUtilization > config.renewals.expansionLicenseUtilization &&
        s.primaryUseCaseColor === 'green',
    )
    .map((s) => s.accountId);
  const listed = new Set([...redWithin120Days, ...expansionCandidates]);
  const listedAccounts: Record<string, RenewalListAccount> = {};
  for (const s of accounts) {
    if (!listed.has(s.accountId)) continue;
    const next = nextOpenRenewal(Object.values(s.renewals).filter((r) => r.renewalDate >= asOf));
    listedAccounts[s.accountId] = {
      accountId: s.accountId,
      accountName: s.name,
      arrCents: s.arrNowCents,
      licenseUtilization: s.licenseUtilization,
      primaryUseCaseColor: s.primaryUseCaseColor,
      nextRenewalDate: next?.renewalDate ?? null,
      nextRenewalAtrCents: next?.atrCents ?? null,
    };
  }
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
