import { bandColor } from '../colors.js';
import type { PulseConfig } from '../config.js';
import { daysBetween } from '../dates.js';
import type { AccountFacts, Color, IsoDate } from '../facts.js';
import type { AccountSummary } from '../views.js';

type AcceleratorsPart = Pick<
  AccountSummary,
  | 'acceleratorEntitlementPerYear'
  | 'acceleratorsLast365Days'
  | 'daysSinceLastAccelerator'
  | 'acceleratorOverdue'
  | 'acceleratorColor'
>;

/**
 * Accelerators the success tier entitles the account to per year, those completed in the last 365
 * days, and whether the next is overdue (counted from contract start before the first one).
 * Tiers without the entitlement are never overdue.
 */
export function acceleratorsPart(facts: AccountFacts, day: IsoDate, config: PulseConfig): AcceleratorsPart {
  const { account } = facts;
  const entitlement = config.accelerators.perYear[account.successTier] ?? 0;
  const accelerators = facts.engagements
    .filter(
      (e) =>
        e.kind === 'accelerator' &&
        e.status === 'completed' &&
        e.completedOn !== null &&
        e.completedOn <= day,
    )
    .map((e) => e.completedOn as IsoDate)
    .sort();
  const lastAccelerator = accelerators.at(-1) ?? null;
  const daysSinceLastAccelerator = daysBetween(lastAccelerator ?? account.contractStart, day);
  const delivered = accelerators.filter((d) => daysBetween(d, day) < 365).length;
  const overdue = entitlement > 0 && daysSinceLastAccelerator > config.accelerators.overdueDays;
  return {
    acceleratorEntitlementPerYear: entitlement,
    acceleratorsLast365Days: delivered,
    daysSinceLastAccelerator: entitlement > 0 ? daysSinceLastAccelerator : null,
    acceleratorOverdue: overdue,
    acceleratorColor: acceleratorColor(entitlement, delivered, overdue, config),
  };
}

/** KPIS.md §7.3: overdue after 120 days = red, whatever was delivered earlier in the year. */
function acceleratorColor(
  entitlement: number,
  delivered: number,
  overdue: boolean,
  config: PulseConfig,
): Color {
  if (entitlement <= 0) return 'grey';
  if (overdue) return 'red';
  return bandColor(Math.min(delivered, entitlement) / entitlement, config.ownBands.acceleratorDelivery);
}
