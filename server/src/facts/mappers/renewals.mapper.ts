import type { Renewal } from '@pulse/domain';
import type { Row } from '../fact-rows.js';

export function toRenewal(row: Row<'renewals'>): Renewal {
  return {
    id: row.id,
    accountId: row.account_id,
    renewalDate: row.renewal_date,
    atrCents: row.atr_cents,
    forecastCents: row.forecast_cents,
    riskCategory: row.risk_category,
    riskReason: row.risk_reason,
    status: row.status,
    wonCents: row.won_cents,
    closedOn: row.closed_on,
  };
}
