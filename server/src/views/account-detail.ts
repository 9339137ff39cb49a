import {
  type AccountFacts,
  type AccountSummary,
  arrAt,
  type MemberRef,
  OWNER_ROLES,
  type OwnerRole,
  type Scorecard,
  type TeamMember,
} from '@pulse/domain';
import type { AccountDetail, ChangeEntry } from '@pulse/protocol';
import type { QuarantinedAccount } from '../quarantine/quarantine.repository.js';

/** What the account page is made of: live (stored scores) or as of a past instant (scored then). */
export interface AccountDetailParts {
  facts: AccountFacts;
  scorecard: Scorecard;
  summary: AccountSummary;
  scoreHistory: ChangeEntry[];
  quarantine: QuarantinedAccount | null;
  members: readonly TeamMember[];
}

/** The account page: owners named, the ARR ledger as a running total. */
export function accountDetailOf(parts: AccountDetailParts): AccountDetail {
  const { facts, scorecard, summary, scoreHistory, quarantine, members } = parts;
  const memberById = new Map(members.map((member) => [member.id, member]));
  const owners = {} as Record<OwnerRole, MemberRef | null>;
  for (const role of OWNER_ROLES) {
    const member = memberById.get(summary.owners[role] ?? '');
    owners[role] = member ? { id: member.id, name: member.name, role: member.role } : null;
  }
  const movements = [...facts.arrMovements].sort((a, b) => a.effectiveDate.localeCompare(b.effectiveDate));
  const arrHistory = movements.map((movement) => ({
    date: movement.effectiveDate,
    kind: movement.kind,
    amountCents: movement.amountCents,
    arrCents: arrAt(movements, movement.effectiveDate),
  }));
  return {
    account: facts.account,
    owners,
    scorecard,
    summary,
    successPlan: facts.successPlan,
    arrHistory,
    renewals: facts.renewals,
    scoreHistory,
    quarantine: quarantine && {
      table: quarantine.table,
      rowId: quarantine.rowId,
      column: quarantine.column,
      value: quarantine.value,
      reason: quarantine.reason,
      since: quarantine.since,
      attempts: quarantine.attempts,
    },
  };
}
