import type { OwnerAssignment } from '@pulse/domain';
import type { Row } from '../fact-rows.js';
import { iso } from './instants.js';

export function toOwnerAssignment(row: Row<'account_owner_history'>): OwnerAssignment {
  return {
    id: row.id,
    accountId: row.account_id,
    role: row.role,
    memberId: row.member_id,
    validFrom: iso(row.valid_from),
  };
}
