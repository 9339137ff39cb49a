import { type BoundedTable, boundViolation, type ColumnBound, FACT_BOUNDS } from './fact-bounds.js';
import type { FactRows } from './fact-rows.js';

/** A stored value the engine cannot represent (it got in before the schema's range checks). */
export interface UnreadableRow {
  accountId: string;
  table: BoundedTable;
  rowId: string;
  column: string;
  value: string;
  reason: string;
}

/** Each table's bounds as a list, made once: every loaded row is checked (a bulk sync: millions). */
const BOUNDS_BY_TABLE = Object.fromEntries(
  Object.entries(FACT_BOUNDS).map(([table, bounds]) => [table, Object.entries<ColumnBound>(bounds)]),
) as Record<BoundedTable, [string, ColumnBound][]>;

/**
 * Leaves out every row with a value out of its column's bounds (see fact-bounds.ts) and reports it
 * against its account, found through the row's parents for child tables. An unreadable accounts
 * row is reported but kept, so the account page can still show what is stored; it is never scored.
 */
export function screenFactRows(raw: FactRows): { rows: FactRows; unreadable: UnreadableRow[] } {
  const unreadable: UnreadableRow[] = [];
  const ofAccount = (row: { account_id: string }) => row.account_id;
  const planAccount = new Map(raw.plans.map((row) => [row.id, row.account_id]));
  const objectiveAccount = new Map(raw.objectives.map((row) => [row.id, planAccount.get(row.plan_id)]));
  const engagementAccount = new Map(raw.engagements.map((row) => [row.id, row.account_id]));
  const ofEngagement = (row: { engagement_id: number }) => engagementAccount.get(row.engagement_id);
  /** Reports each out-of-bounds value of `row`; true when it has none. */
  const isReadable = (
    table: BoundedTable,
    row: object,
    accountId: string | undefined,
    rowId: number | string,
  ) => {
    let readable = true;
    for (const [column, bound] of BOUNDS_BY_TABLE[table]) {
      const value = (row as Record<string, unknown>)[column];
      const reason = boundViolation(bound, value);
      if (reason === null) continue;
      readable = false;
      if (accountId === undefined) continue;
      unreadable.push({ accountId, table, rowId: String(rowId), column, value: String(value), reason });
    }
    return readable;
  };
  const screen = <R extends { id: number | string }>(
    table: BoundedTable,
    rows: readonly R[],
    accountOf: (row: R) => string | undefined,
    rowIdOf: (row: R) => number | string = (row) => row.id,
  ): R[] => rows.filter((row) => isReadable(table, row, accountOf(row), rowIdOf(row)));
  // An unreadable accounts row is kept, only reported: the account page still shows what is stored.
  for (const row of raw.accounts) isReadable('accounts', row, row.id, row.id);
  const rows: FactRows = {
    accounts: raw.accounts,
    owners: screen('account_owner_history', raw.owners, ofAccount),
    arr: screen('arr_movements', raw.arr, ofAccount),
    usage: screen('usage_snapshots', raw.usage, ofAccount),
    timeline: screen('timeline_entries', raw.timeline, ofAccount),
    tickets: screen('support_tickets', raw.tickets, ofAccount),
    plans: screen('success_plans', raw.plans, ofAccount),
    objectives: screen('sp_objectives', raw.objectives, (row) => planAccount.get(row.plan_id)),
    milestones: screen('sp_milestones', raw.milestones, (row) => objectiveAccount.get(row.objective_id)),
    engagements: screen('engagements', raw.engagements, ofAccount),
    deliverables: screen('deliverables', raw.deliverables, ofEngagement),
    doc_updates: screen('doc_updates', raw.doc_updates, ofEngagement),
    surveys: screen('surveys', raw.surveys, ofAccount),
    renewals: screen('renewals', raw.renewals, ofAccount),
    // An attendance row carries its session's columns too; a bad session is reported as itself.
    attendance: screen(
      'program_sessions',
      screen('program_attendance', raw.attendance, ofAccount),
      ofAccount,
      (row) => row.session_id,
    ),
    overrides: screen('health_overrides', raw.overrides, ofAccount),
  };
  return { rows, unreadable };
}
