import type { SupportTicket } from '@pulse/domain';
import type { Row } from '../fact-rows.js';
import { iso, isoOrNull } from './instants.js';

export function toSupportTicket(row: Row<'support_tickets'>): SupportTicket {
  return {
    id: row.id,
    accountId: row.account_id,
    severity: row.severity,
    openedAt: iso(row.opened_at),
    closedAt: isoOrNull(row.closed_at),
    subject: row.subject,
  };
}
