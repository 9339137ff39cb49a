import type { Selectable } from 'kysely';
import type { Database } from '../database/database.types.js';

/** A row of `table` as the facts statement returns it (JSON: instants come as strings). */
export type Row<T extends keyof Database> = Selectable<Database[T]>;

/** A program attendance row with its session's columns. */
export interface AttendanceRow {
  id: number;
  session_id: number;
  account_id: string;
  attendees: number;
  kind: Row<'program_sessions'>['kind'];
  title: string;
  use_case: Row<'program_sessions'>['use_case'];
  held_on: string;
}

/** What `loadAccountFacts`' statement returns: one JSON array of rows per table. */
export interface FactRows {
  accounts: Row<'accounts'>[];
  owners: Row<'account_owner_history'>[];
  arr: Row<'arr_movements'>[];
  usage: Row<'usage_snapshots'>[];
  timeline: Row<'timeline_entries'>[];
  tickets: Row<'support_tickets'>[];
  plans: Row<'success_plans'>[];
  objectives: Row<'sp_objectives'>[];
  milestones: Row<'sp_milestones'>[];
  engagements: Row<'engagements'>[];
  deliverables: Row<'deliverables'>[];
  doc_updates: Row<'doc_updates'>[];
  surveys: Row<'surveys'>[];
  renewals: Row<'renewals'>[];
  attendance: AttendanceRow[];
  overrides: Row<'health_overrides'>[];
}
