import type { HealthOverride } from '@pulse/domain';
import type { Row } from '../fact-rows.js';
import { iso, isoOrNull } from './instants.js';

export function toHealthOverride(row: Row<'health_overrides'>): HealthOverride {
  return {
    id: row.id,
    accountId: row.account_id,
    color: row.color,
    reason: row.reason,
    authorId: row.author_id,
    createdAt: iso(row.created_at),
    expiresAt: isoOrNull(row.expires_at),
    clearedAt: isoOrNull(row.cleared_at),
    clearedBy: row.cleared_by,
  };
}
