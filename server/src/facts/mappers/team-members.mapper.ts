import type { Logger } from '@nestjs/common';
import type { TeamMember } from '@pulse/domain';
import { boundViolation, FACT_BOUNDS } from '../fact-bounds.js';
import type { Row } from '../fact-rows.js';

/** A team_members row with its book target as text: the bigint parser refuses a value beyond 2^53 rather than round it. */
export type TeamMemberRow = Pick<
  Row<'team_members'>,
  'id' | 'name' | 'email' | 'role' | 'region' | 'manager_id' | 'title'
> & { book_arr_target_cents: string | null };

/**
 * A team member as the engine can use them: a book target out of bounds (stored before the range
 * checks) is left out with a warning, so the role's default applies instead of every view failing
 * on one row.
 */
export function toTeamMember(row: TeamMemberRow, logger: Logger): TeamMember {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    region: row.region,
    managerId: row.manager_id,
    title: row.title,
    bookArrTargetCents: bookArrTarget(row.id, row.book_arr_target_cents, logger),
  };
}

function bookArrTarget(memberId: string, stored: string | null, logger: Logger): number | null {
  if (stored === null) return null;
  const reason = boundViolation(FACT_BOUNDS.team_members.book_arr_target_cents, Number(stored));
  if (reason === null) return Number(stored);
  logger.warn(
    `team_members row ${memberId}: book_arr_target_cents ${reason} ('${stored}'); the role's default target applies until it is fixed`,
  );
  return null;
}
