import type { ArrMovement } from '@pulse/domain';
import type { Row } from '../fact-rows.js';

export function toArrMovement(row: Row<'arr_movements'>): ArrMovement {
  return {
    id: row.id,
    accountId: row.account_id,
    kind: row.kind,
    amountCents: row.amount_cents,
    effectiveDate: row.effective_date,
    note: row.note,
  };
}
