import type { Account, AccountFacts } from '@pulse/domain';
import type { FactRows } from './fact-rows.js';
import { toAccount } from './mappers/accounts.mapper.js';
import { toArrMovement } from './mappers/arr-movements.mapper.js';
import { toEngagements } from './mappers/engagements.mapper.js';
import { toHealthOverride } from './mappers/health-overrides.mapper.js';
import { toOwnerAssignment } from './mappers/owner-history.mapper.js';
import { toProgramAttendance } from './mappers/program-attendance.mapper.js';
import { toRenewal } from './mappers/renewals.mapper.js';
import { toSuccessPlans } from './mappers/success-plans.mapper.js';
import { toSupportTicket } from './mappers/support-tickets.mapper.js';
import { toSurvey } from './mappers/surveys.mapper.js';
import { toTimelineEntry } from './mappers/timeline-entries.mapper.js';
import { toUsageSnapshot } from './mappers/usage-snapshots.mapper.js';
import { screenFactRows, type UnreadableRow } from './row-screen.js';

export interface LoadedFacts {
  /** Every found account; one listed in `unreadable` lacks those rows (fit to show, not to score). */
  facts: AccountFacts[];
  unreadable: UnreadableRow[];
}

/**
 * The engine's input shapes from one JSON array of rows per facts table: the live facts as read
 * now, or the row images of the facts history as they stood at an instant. A row with a value out
 * of the engine's bounds never throws: it is left out and reported in `unreadable`.
 */
export function assembleFacts(raw: FactRows): LoadedFacts {
  const { rows, unreadable } = screenFactRows(raw);
  // Each row joins its account's facts; a row of an account not loaded has nowhere to go.
  const byAccount = new Map(rows.accounts.map((row) => [row.id, emptyFacts(toAccount(row))]));
  const factsOf = (accountId: string) => byAccount.get(accountId);
  for (const row of rows.owners) factsOf(row.account_id)?.ownerHistory.push(toOwnerAssignment(row));
  for (const row of rows.arr) factsOf(row.account_id)?.arrMovements.push(toArrMovement(row));
  for (const row of rows.usage) factsOf(row.account_id)?.usageSnapshots.push(toUsageSnapshot(row));
  for (const row of rows.timeline) factsOf(row.account_id)?.timeline.push(toTimelineEntry(row));
  for (const row of rows.tickets) factsOf(row.account_id)?.supportTickets.push(toSupportTicket(row));
  for (const plan of toSuccessPlans(rows.plans, rows.objectives, rows.milestones)) {
    const facts = factsOf(plan.accountId);
    if (facts) facts.successPlan = plan;
  }
  for (const engagement of toEngagements(rows.engagements, rows.deliverables, rows.doc_updates)) {
    factsOf(engagement.accountId)?.engagements.push(engagement);
  }
  for (const row of rows.surveys) factsOf(row.account_id)?.surveys.push(toSurvey(row));
  for (const row of rows.renewals) factsOf(row.account_id)?.renewals.push(toRenewal(row));
  for (const row of rows.attendance) {
    factsOf(row.account_id)?.programAttendance.push(toProgramAttendance(row));
  }
  for (const row of rows.overrides) factsOf(row.account_id)?.healthOverrides.push(toHealthOverride(row));
  return { facts: [...byAccount.values()], unreadable };
}

function emptyFacts(account: Account): AccountFacts {
  return {
    account,
    ownerHistory: [],
    arrMovements: [],
    usageSnapshots: [],
    timeline: [],
    supportTickets: [],
    successPlan: null,
    engagements: [],
    surveys: [],
    renewals: [],
    programAttendance: [],
    healthOverrides: [],
  };
}
