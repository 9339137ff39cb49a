import { addMonths } from '../dates.js';
import type { AccountFacts, IsoDate } from '../facts.js';
import { arrAt } from '../revenue.js';
import type { AccountSummary, CompactArrMovement } from '../views.js';

type RevenuePart = Pick<AccountSummary, 'arrNowCents' | 'arr12MonthsAgoCents' | 'arrMovements'>;

/** ARR at `day` and 12 months before, and the movements (oldest first) team views sum over periods. */
export function revenuePart(facts: AccountFacts, day: IsoDate): RevenuePart {
  const movements: CompactArrMovement[] = facts.arrMovements
    .map((m) => ({ kind: m.kind, amountCents: m.amountCents, effectiveDate: m.effectiveDate }))
    .sort((a, b) => a.effectiveDate.localeCompare(b.effectiveDate));
  return {
    arrNowCents: arrAt(movements, day),
    arr12MonthsAgoCents: arrAt(movements, addMonths(day, -12)),
    arrMovements: movements,
  };
}
