/**
 * Kysely table interfaces, written by hand from the data contract (the migrations are the source of
 * truth for the SQL). Runtime values, identical on pg and PGlite (see type-parsers.ts):
 * bigint/count → number, numeric → number, date → 'YYYY-MM-DD' string, timestamptz → Date,
 * jsonb → parsed JSON, text[] → string[]. Enumerations are the @pulse/domain unions.
 */
import type {
  ArrMovementKind,
  Color,
  DeliverableStatus,
  EngagementKind,
  EngagementStatus,
  LifecycleStage,
  MilestoneStatus,
  ObjectiveStatus,
  OutcomeStage,
  OwnerRole,
  Persona,
  PlanStatus,
  PlanTier,
  ProgramKind,
  Region,
  RenewalStatus,
  RiskCategory,
  Role,
  Segment,
  SentimentColor,
  SuccessTier,
  SurveyKind,
  TicketSeverity,
  TimelineKind,
  UseCase,
} from '@pulse/domain';
import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';
import type { AlertsTables } from './alerts.types.js';

export type ChangeOp = 'INSERT' | 'UPDATE' | 'DELETE';

/** bigint columns: read as number, written as number, bigint or numeric string. */
type Int8 = ColumnType<number, number | bigint | string, number | bigint | string>;
type Identity = ColumnType<number, never, never>;
/** `date`: ISO 'YYYY-MM-DD'. */
type IsoDate = string;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type TimestampDefaultNow = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;
/** A column with a SQL default: optional on insert. */
type WithDefault<T> = ColumnType<T, T | undefined, T>;
/** The source system's record id (migration 0004): REST ingest and CSV import upsert by it. */
type ExternalId = WithDefault<string | null>;

export interface TeamMembersTable {
  id: string;
  name: string;
  email: string;
  role: Role;
  region: Region;
  manager_id: string | null;
  title: string | null;
  book_arr_target_cents: Int8 | null;
}

export interface AccountsTable {
  id: string;
  name: string;
  segment: Segment;
  region: Region;
  success_tier: SuccessTier;
  plan_tier: PlanTier;
  priority: WithDefault<1 | 2>;
  lifecycle_stage: LifecycleStage;
  primary_use_case: UseCase | null;
  csm_id: string | null;
  cse_id: string | null;
  csa_id: string | null;
  ae_id: string | null;
  rm_id: string | null;
  licensed_seats: number;
  contract_start: IsoDate;
  renewal_date: IsoDate | null;
  onboarding_start: IsoDate | null;
  onboarding_closed: IsoDate | null;
  first_value_date: IsoDate | null;
  /** Generated: the name folded for search (pulse_fold_text, migration 0004). */
  name_search: ColumnType<string, never, never>;
  created_at: TimestampDefaultNow;
  updated_at: TimestampDefaultNow;
}

export interface AccountOwnerHistoryTable {
  id: Identity;
  account_id: string;
  role: OwnerRole;
  member_id: string | null;
  valid_from: TimestampDefaultNow;
}

export interface ArrMovementsTable {
  id: Identity;
  external_id: ExternalId;
  account_id: string;
  kind: ArrMovementKind;
  amount_cents: Int8;
  effective_date: IsoDate;
  note: string | null;
}

export interface UsageSnapshotsTable {
  id: Identity;
  account_id: string;
  measured_on: IsoDate;
  billable_users: number;
  active_users_28d: number;
  git_operation_users: number;
  ci_builds: number;
  ci_pipelines: number;
  scanner_users: number;
  scans: number;
  scanner_types: number;
  deploying_users: number;
  deployments: number;
  successful_deployments: number;
  issue_users: number;
  epic_users: number;
}

export interface TimelineEntriesTable {
  id: Identity;
  external_id: ExternalId;
  account_id: string;
  author_id: string | null;
  kind: TimelineKind;
  occurred_at: Timestamp;
  sentiment: SentimentColor | null;
  personas: ColumnType<Persona[], Persona[] | undefined, Persona[]>;
  summary: string;
}

export interface SupportTicketsTable {
  id: Identity;
  external_id: ExternalId;
  account_id: string;
  severity: TicketSeverity;
  opened_at: Timestamp;
  closed_at: Timestamp | null;
  subject: string;
}

export interface SuccessPlansTable {
  id: Identity;
  account_id: string;
  status: PlanStatus;
  has_strategy: WithDefault<boolean>;
  has_highlights: WithDefault<boolean>;
  updated_at: TimestampDefaultNow;
}

export interface SpObjectivesTable {
  id: Identity;
  external_id: ExternalId;
  plan_id: Int8;
  title: string;
  use_case: UseCase | null;
  due_date: IsoDate | null;
  status: ObjectiveStatus;
  success_criteria: string | null;
  outcome_stage: OutcomeStage | null;
}

export interface SpMilestonesTable {
  id: Identity;
  external_id: ExternalId;
  objective_id: Int8;
  title: string;
  technical: WithDefault<boolean>;
  owner_id: string | null;
  due_date: IsoDate | null;
  status: MilestoneStatus;
  progress_pct: WithDefault<number>;
}

export interface EngagementsTable {
  id: Identity;
  external_id: ExternalId;
  account_id: string;
  cse_id: string | null;
  kind: EngagementKind;
  status: EngagementStatus;
  started_on: IsoDate | null;
  completed_on: IsoDate | null;
}

export interface DeliverablesTable {
  id: Identity;
  external_id: ExternalId;
  engagement_id: Int8;
  title: string;
  due_date: IsoDate;
  delivered_on: IsoDate | null;
  status: DeliverableStatus;
}

export interface DocUpdatesTable {
  id: Identity;
  external_id: ExternalId;
  engagement_id: Int8;
  url: string;
  updated_on: IsoDate;
}

export interface SurveysTable {
  id: Identity;
  external_id: ExternalId;
  account_id: string;
  engagement_id: Int8 | null;
  kind: SurveyKind;
  sent_on: IsoDate;
  responded_on: IsoDate | null;
  score: number | null;
}

export interface RenewalsTable {
  id: Identity;
  external_id: ExternalId;
  account_id: string;
  renewal_date: IsoDate;
  atr_cents: Int8;
  forecast_cents: Int8;
  risk_category: RiskCategory;
  risk_reason: string | null;
  status: WithDefault<RenewalStatus>;
  won_cents: Int8 | null;
  closed_on: IsoDate | null;
}

export interface ProgramSessionsTable {
  id: Identity;
  external_id: ExternalId;
  kind: ProgramKind;
  title: string;
  use_case: UseCase | null;
  held_on: IsoDate;
}

export interface ProgramAttendanceTable {
  id: Identity;
  session_id: Int8;
  account_id: string;
  attendees: number;
}

export interface HealthOverridesTable {
  id: Identity;
  external_id: ExternalId;
  account_id: string;
  color: Color;
  reason: string;
  author_id: string;
  created_at: TimestampDefaultNow;
  expires_at: Timestamp | null;
  cleared_at: Timestamp | null;
  cleared_by: string | null;
}

export interface AccountScoresTable {
  account_id: string;
  score: number | null;
  color: Color;
  label: string | null;
  /** The domain's Scorecard; write with JSON.stringify. */
  scorecard: Json<unknown>;
  /** The domain's AccountSummary; write with JSON.stringify. */
  summary: Json<unknown>;
  computed_at: TimestampDefaultNow;
  as_of: Timestamp;
}

export interface ScoreChangesTable {
  id: Identity;
  account_id: string;
  changed_at: Timestamp;
  from_score: number | null;
  to_score: number | null;
  from_color: Color | null;
  to_color: Color;
  /** Per-measure contributions; write with JSON.stringify. */
  contributions: ColumnType<unknown, string | undefined, string>;
  cause: string | null;
}

export interface ChangeLogTable {
  id: Identity;
  /** Transaction id (xid8) as a decimal string. */
  xid: ColumnType<string, never, never>;
  account_id: string | null;
  table_name: string;
  op: ChangeOp;
  member_id: string | null;
  created_at: TimestampDefaultNow;
}

/** An account whose scoring is frozen until the row that broke it is fixed (migration 0002). */
export interface AccountQuarantineTable {
  account_id: string;
  /** Where the unreadable value is; null when scoring failed for another reason. */
  table_name: string | null;
  row_id: string | null;
  column_name: string | null;
  value: string | null;
  reason: string;
  since: TimestampDefaultNow;
  attempts: number;
  updated_at: TimestampDefaultNow;
}

/** An API token (automation) or a wall-display token (migration 0003); only its SHA-256 is stored. */
export interface AccessTokensTable {
  id: string;
  kind: 'api' | 'display';
  name: string;
  token_hash: string;
  scope: 'read' | 'read_write';
  /** Display tokens: the wall views they may show (`csm`, `renewals`, …). */
  views: WithDefault<string[]>;
  /** Display tokens: the filters every view they show is bound to. */
  filters: ColumnType<Record<string, string>, string | undefined, string>;
  created_by: string;
  created_at: TimestampDefaultNow;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

/** A signed-in browser: a person's session, or a wall display's (the session id is stored hashed). */
export interface SessionsTable {
  id_hash: string;
  member_id: string | null;
  display_token_id: string | null;
  csrf_token: string;
  created_at: TimestampDefaultNow;
  /** Null for a wall display: it lasts until its token is revoked. */
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

/** An OIDC sign-in between the redirect to the identity provider and its callback. */
export interface SignInAttemptsTable {
  state: string;
  code_verifier: string;
  nonce: string;
  return_to: string;
  created_at: TimestampDefaultNow;
}

export interface AuditLogTable {
  id: Identity;
  at: TimestampDefaultNow;
  event: string;
  actor: string;
  subject: string | null;
  detail: ColumnType<Record<string, unknown>, string | undefined, string>;
}

export interface ChangeCursorTable {
  name: string;
  last_id: ColumnType<number, number | bigint | string | undefined, number | bigint | string>;
  updated_at: TimestampDefaultNow;
}

export interface IdempotencyKeysTable {
  key: string;
  request_hash: string;
  response: ColumnType<unknown, string | null, string | null>;
  created_at: TimestampDefaultNow;
}

export interface ImportMappingsTable {
  table_name: string;
  source: string;
  mapping: Json<unknown>;
  updated_at: TimestampDefaultNow;
}

/** Every version of every facts row with its validity [valid_from, valid_to) (migration 0006). */
export interface FactHistoryTable {
  id: Identity;
  table_name: string;
  row_id: string;
  account_id: string | null;
  valid_from: Date;
  /** Null while the version is current. */
  valid_to: Date | null;
  /** The row as to_jsonb gives it: the shape the facts loader reads. */
  image: unknown;
}

/** An account's renewal brief frozen at an instant (migration 0006). */
export interface BriefCheckpointsTable {
  id: Identity;
  account_id: string;
  label: string;
  taken_at: ColumnType<Date, Date | undefined, never>;
  taken_by: string | null;
}

export interface Database extends AlertsTables {
  team_members: TeamMembersTable;
  accounts: AccountsTable;
  account_owner_history: AccountOwnerHistoryTable;
  arr_movements: ArrMovementsTable;
  usage_snapshots: UsageSnapshotsTable;
  timeline_entries: TimelineEntriesTable;
  support_tickets: SupportTicketsTable;
  success_plans: SuccessPlansTable;
  sp_objectives: SpObjectivesTable;
  sp_milestones: SpMilestonesTable;
  engagements: EngagementsTable;
  deliverables: DeliverablesTable;
  doc_updates: DocUpdatesTable;
  surveys: SurveysTable;
  renewals: RenewalsTable;
  program_sessions: ProgramSessionsTable;
  program_attendance: ProgramAttendanceTable;
  health_overrides: HealthOverridesTable;
  account_scores: AccountScoresTable;
  score_changes: ScoreChangesTable;
  change_log: ChangeLogTable;
  change_cursor: ChangeCursorTable;
  account_quarantine: AccountQuarantineTable;
  idempotency_keys: IdempotencyKeysTable;
  import_mappings: ImportMappingsTable;
  fact_history: FactHistoryTable;
  brief_checkpoints: BriefCheckpointsTable;
  access_tokens: AccessTokensTable;
  sessions: SessionsTable;
  sign_in_attempts: SignInAttemptsTable;
  audit_log: AuditLogTable;
}

/** Facts tables: written by any client, watched by triggers (order = parents before children). */
export const FACTS_TABLES = [
  'team_members',
  'accounts',
  'arr_movements',
  'usage_snapshots',
  'timeline_entries',
  'support_tickets',
  'success_plans',
  'sp_objectives',
  'sp_milestones',
  'engagements',
  'deliverables',
  'doc_updates',
  'surveys',
  'renewals',
  'program_sessions',
  'program_attendance',
  'health_overrides',
] as const satisfies readonly (keyof Database)[];
export type FactsTable = (typeof FACTS_TABLES)[number];

export type TeamMember = Selectable<TeamMembersTable>;
export type NewTeamMember = Insertable<TeamMembersTable>;
export type Account = Selectable<AccountsTable>;
export type NewAccount = Insertable<AccountsTable>;
export type AccountUpdate = Updateable<AccountsTable>;
export type ChangeLogRow = Selectable<ChangeLogTable>;
export type AccountScoreRow = Selectable<AccountScoresTable>;
export type ScoreChangeRow = Selectable<ScoreChangesTable>;
