import { type Kysely, sql } from 'kysely';

/** `column in (...)` CHECK for an enumeration; the constraint name says which column failed. */
const oneOf = (table: string, column: string, values: readonly string[]) =>
  `constraint ${table}_${column}_check check (${column} in (${values.map((v) => `'${v}'`).join(', ')}))`;

const ROLES = ['cse', 'csm', 'csa', 'ae', 'rm', 'manager', 'admin'];
const OWNER_ROLES = ['csm', 'cse', 'csa', 'ae', 'rm'];
const REGIONS = ['amer', 'emea', 'apac', 'pubsec'];
const SEGMENTS = ['enterprise', 'mid_market', 'smb', 'public_sector'];
const SUCCESS_TIERS = ['on_demand', 'cse_assigned', 'essentials', 'advanced', 'signature'];
const PLAN_TIERS = ['free', 'premium', 'ultimate'];
const LIFECYCLE_STAGES = ['onboarding', 'adopting', 'expanding', 'renewing', 'will_churn', 'churned'];
const USE_CASES = ['scm', 'ci', 'security', 'cd', 'agile'];
const COLORS = ['green', 'yellow', 'red', 'grey'];
const SENTIMENTS = ['green', 'yellow', 'red'];
const ARR_KINDS = ['new', 'expansion', 'contraction', 'churn'];
const TIMELINE_KINDS = ['call', 'meeting', 'ebr', 'workshop', 'email', 'note'];
const PERSONAS = ['dev_lead', 'security_lead', 'executive', 'champion', 'admin', 'other'];
const SEVERITIES = ['emergency', 'high', 'normal', 'low'];
const PLAN_STATUSES = ['draft', 'active', 'completed'];
const OBJECTIVE_STATUSES = [
  'not_started',
  'on_track',
  'watchpoint',
  'concern',
  'closed_success',
  'closed_lost',
  'closed_not_relevant',
];
const OUTCOME_STAGES = ['proposed', 'accepted', 'delivered', 'verified'];
const MILESTONE_STATUSES = ['not_started', 'in_progress', 'done', 'cancelled'];
const ENGAGEMENT_KINDS = ['onboarding', 'workshop', 'accelerator', 'migration', 'health_check'];
const ENGAGEMENT_STATUSES = ['planned', 'active', 'completed', 'cancelled'];
const DELIVERABLE_STATUSES = ['open', 'delivered', 'cancelled'];
const SURVEY_KINDS = ['csat', 'nps'];
const RISK_CATEGORIES = [
  'will_renew',
  'will_contract',
  'will_contract_actionable',
  'will_churn',
  'will_churn_actionable',
];
const RENEWAL_STATUSES = ['open', 'won', 'lost'];
const PROGRAM_KINDS = ['webinar', 'hands_on_lab'];
const CHANGE_OPS = ['INSERT', 'UPDATE', 'DELETE'];

const ID = 'id bigint generated always as identity primary key';
const ACCOUNT_FK = 'account_id text not null references accounts (id) on delete cascade';
const MEMBER_FK = 'references team_members (id) on delete set null';

const TABLES = [
  `create table team_members (
    id text primary key,
    name text not null,
    email text not null unique,
    role text not null,
    region text not null,
    manager_id text ${MEMBER_FK},
    title text,
    book_arr_target_cents bigint,
    ${oneOf('team_members', 'role', ROLES)},
    ${oneOf('team_members', 'region', REGIONS)},
    constraint team_members_book_arr_target_cents_check check (book_arr_target_cents >= 0),
    constraint team_members_manager_id_check check (manager_id <> id)
  )`,
  `create table accounts (
    id text primary key,
    name text not null,
    segment text not null,
    region text not null,
    success_tier text not null,
    plan_tier text not null,
    priority smallint not null default 2,
    lifecycle_stage text not null,
    primary_use_case text,
    csm_id text ${MEMBER_FK},
    cse_id text ${MEMBER_FK},
    csa_id text ${MEMBER_FK},
    ae_id text ${MEMBER_FK},
    rm_id text ${MEMBER_FK},
    licensed_seats integer not null,
    contract_start date not null,
    renewal_date date,
    onboarding_start date,
    onboarding_closed date,
    first_value_date date,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    ${oneOf('accounts', 'segment', SEGMENTS)},
    ${oneOf('accounts', 'region', REGIONS)},
    ${oneOf('accounts', 'success_tier', SUCCESS_TIERS)},
    ${oneOf('accounts', 'plan_tier', PLAN_TIERS)},
    constraint accounts_priority_check check (priority in (1, 2)),
    ${oneOf('accounts', 'lifecycle_stage', LIFECYCLE_STAGES)},
    ${oneOf('accounts', 'primary_use_case', USE_CASES)},
    constraint accounts_licensed_seats_check check (licensed_seats >= 0),
    constraint accounts_onboarding_closed_check check (onboarding_closed >= onboarding_start)
  )`,
  `create table account_owner_history (
    ${ID},
    ${ACCOUNT_FK},
    role text not null,
    member_id text ${MEMBER_FK},
    valid_from timestamptz not null default now(),
    ${oneOf('account_owner_history', 'role', OWNER_ROLES)}
  )`,
  `create table arr_movements (
    ${ID},
    ${ACCOUNT_FK},
    kind text not null,
    amount_cents bigint not null,
    effective_date date not null,
    note text,
    ${oneOf('arr_movements', 'kind', ARR_KINDS)},
    constraint arr_movements_amount_cents_check check (amount_cents > 0)
  )`,
  `create table usage_snapshots (
    ${ID},
    ${ACCOUNT_FK},
    measured_on date not null,
    billable_users integer not null,
    active_users_28d integer not null,
    git_operation_users integer not null,
    ci_builds integer not null,
    ci_pipelines integer not null,
    scanner_users integer not null,
    scans integer not null,
    scanner_types integer not null,
    deploying_users integer not null,
    deployments integer not null,
    successful_deployments integer not null,
    issue_users integer not null,
    epic_users integer not null,
    unique (account_id, measured_on),
    constraint usage_snapshots_counts_check check (
      billable_users >= 0 and active_users_28d >= 0 and git_operation_users >= 0 and ci_builds >= 0
      and ci_pipelines >= 0 and scanner_users >= 0 and scans >= 0 and deploying_users >= 0
      and deployments >= 0 and successful_deployments >= 0 and issue_users >= 0 and epic_users >= 0),
    constraint usage_snapshots_scanner_types_check check (scanner_types between 0 and 7),
    constraint usage_snapshots_successful_deployments_check check (successful_deployments <= deployments)
  )`,
  `create table timeline_entries (
    ${ID},
    ${ACCOUNT_FK},
    author_id text ${MEMBER_FK},
    kind text not null,
    occurred_at timestamptz not null,
    sentiment text,
    personas text[] not null default '{}',
    summary text not null,
    ${oneOf('timeline_entries', 'kind', TIMELINE_KINDS)},
    ${oneOf('timeline_entries', 'sentiment', SENTIMENTS)},
    constraint timeline_entries_personas_check check (personas <@ array[${PERSONAS.map((p) => `'${p}'`).join(', ')}]::text[])
  )`,
  `create table support_tickets (
    ${ID},
    ${ACCOUNT_FK},
    severity text not null,
    opened_at timestamptz not null,
    closed_at timestamptz,
    subject text not null,
    ${oneOf('support_tickets', 'severity', SEVERITIES)},
    constraint support_tickets_closed_at_check check (closed_at >= opened_at)
  )`,
  `create table success_plans (
    ${ID},
    account_id text not null unique references accounts (id) on delete cascade,
    status text not null,
    has_strategy boolean not null default false,
    has_highlights boolean not null default false,
    updated_at timestamptz not null default now(),
    ${oneOf('success_plans', 'status', PLAN_STATUSES)}
  )`,
  `create table sp_objectives (
    ${ID},
    plan_id bigint not null references success_plans (id) on delete cascade,
    title text not null,
    use_case text,
    due_date date,
    status text not null,
    success_criteria text,
    outcome_stage text,
    ${oneOf('sp_objectives', 'use_case', USE_CASES)},
    ${oneOf('sp_objectives', 'status', OBJECTIVE_STATUSES)},
    ${oneOf('sp_objectives', 'outcome_stage', OUTCOME_STAGES)}
  )`,
  `create table sp_milestones (
    ${ID},
    objective_id bigint not null references sp_objectives (id) on delete cascade,
    title text not null,
    technical boolean not null default false,
    owner_id text ${MEMBER_FK},
    due_date date,
    status text not null,
    progress_pct smallint not null default 0,
    ${oneOf('sp_milestones', 'status', MILESTONE_STATUSES)},
    constraint sp_milestones_progress_pct_check check (progress_pct between 0 and 100)
  )`,
  `create table engagements (
    ${ID},
    ${ACCOUNT_FK},
    cse_id text ${MEMBER_FK},
    kind text not null,
    status text not null,
    started_on date,
    completed_on date,
    ${oneOf('engagements', 'kind', ENGAGEMENT_KINDS)},
    ${oneOf('engagements', 'status', ENGAGEMENT_STATUSES)},
    constraint engagements_completed_on_check check (completed_on >= started_on)
  )`,
  `create table deliverables (
    ${ID},
    engagement_id bigint not null references engagements (id) on delete cascade,
    title text not null,
    due_date date not null,
    delivered_on date,
    status text not null,
    ${oneOf('deliverables', 'status', DELIVERABLE_STATUSES)}
  )`,
  `create table doc_updates (
    ${ID},
    engagement_id bigint not null references engagements (id) on delete cascade,
    url text not null,
    updated_on date not null
  )`,
  `create table surveys (
    ${ID},
    ${ACCOUNT_FK},
    engagement_id bigint references engagements (id) on delete set null,
    kind text not null,
    sent_on date not null,
    responded_on date,
    score smallint,
    ${oneOf('surveys', 'kind', SURVEY_KINDS)},
    constraint surveys_score_check check (
      score is null or (kind = 'csat' and score between 1 and 5) or (kind = 'nps' and score between 0 and 10)),
    constraint surveys_responded_on_check check (responded_on >= sent_on)
  )`,
  `create table renewals (
    ${ID},
    ${ACCOUNT_FK},
    renewal_date date not null,
    atr_cents bigint not null,
    forecast_cents bigint not null,
    risk_category text not null,
    risk_reason text,
    status text not null default 'open',
    won_cents bigint,
    closed_on date,
    constraint renewals_atr_cents_check check (atr_cents >= 0),
    constraint renewals_forecast_cents_check check (forecast_cents >= 0),
    constraint renewals_won_cents_check check (won_cents >= 0),
    ${oneOf('renewals', 'risk_category', RISK_CATEGORIES)},
    ${oneOf('renewals', 'status', RENEWAL_STATUSES)}
  )`,
  `create table program_sessions (
    ${ID},
    kind text not null,
    title text not null,
    use_case text,
    held_on date not null,
    ${oneOf('program_sessions', 'kind', PROGRAM_KINDS)},
    ${oneOf('program_sessions', 'use_case', USE_CASES)}
  )`,
  `create table program_attendance (
    ${ID},
    session_id bigint not null references program_sessions (id) on delete cascade,
    ${ACCOUNT_FK},
    attendees integer not null,
    unique (session_id, account_id),
    constraint program_attendance_attendees_check check (attendees > 0)
  )`,
  `create table health_overrides (
    ${ID},
    ${ACCOUNT_FK},
    color text not null,
    reason text not null,
    author_id text not null references team_members (id),
    created_at timestamptz not null default now(),
    expires_at timestamptz,
    cleared_at timestamptz,
    cleared_by text ${MEMBER_FK},
    ${oneOf('health_overrides', 'color', COLORS)},
    constraint health_overrides_reason_check check (length(trim(reason)) > 0),
    constraint health_overrides_expires_at_check check (expires_at > created_at)
  )`,
  `create table account_scores (
    account_id text primary key references accounts (id) on delete cascade,
    score numeric(5, 2),
    color text not null,
    label text,
    scorecard jsonb not null,
    summary jsonb not null,
    computed_at timestamptz not null default now(),
    as_of timestamptz not null,
    ${oneOf('account_scores', 'color', COLORS)},
    constraint account_scores_score_check check (score between 0 and 100)
  )`,
  `create table score_changes (
    ${ID},
    ${ACCOUNT_FK},
    changed_at timestamptz not null,
    from_score numeric(5, 2),
    to_score numeric(5, 2),
    from_color text,
    to_color text not null,
    contributions jsonb not null default '[]',
    cause text,
    ${oneOf('score_changes', 'from_color', COLORS)},
    ${oneOf('score_changes', 'to_color', COLORS)}
  )`,
  `create table change_log (
    ${ID},
    xid xid8 not null default pg_current_xact_id(),
    account_id text,
    table_name text not null,
    op text not null,
    member_id text,
    created_at timestamptz not null default now(),
    ${oneOf('change_log', 'op', CHANGE_OPS)}
  )`,
  `create table change_cursor (
    name text primary key,
    last_id bigint not null default 0,
    updated_at timestamptz not null default now()
  )`,
];

const INDEXES = [
  'create index team_members_manager_id_idx on team_members (manager_id)',
  'create index accounts_csm_id_idx on accounts (csm_id)',
  'create index accounts_cse_id_idx on accounts (cse_id)',
  'create index accounts_csa_id_idx on accounts (csa_id)',
  'create index accounts_ae_id_idx on accounts (ae_id)',
  'create index accounts_rm_id_idx on accounts (rm_id)',
  'create index accounts_renewal_date_idx on accounts (renewal_date)',
  'create index account_owner_history_account_id_idx on account_owner_history (account_id, role, valid_from)',
  'create index arr_movements_account_id_idx on arr_movements (account_id, effective_date)',
  // usage_snapshots (account_id, measured_on) is covered by its unique constraint.
  'create index timeline_entries_account_id_idx on timeline_entries (account_id, occurred_at)',
  'create index support_tickets_account_id_idx on support_tickets (account_id, opened_at)',
  'create index sp_objectives_plan_id_idx on sp_objectives (plan_id)',
  'create index sp_milestones_objective_id_idx on sp_milestones (objective_id)',
  'create index engagements_account_id_idx on engagements (account_id)',
  'create index engagements_cse_id_idx on engagements (cse_id)',
  'create index deliverables_engagement_id_idx on deliverables (engagement_id)',
  'create index doc_updates_engagement_id_idx on doc_updates (engagement_id)',
  'create index surveys_account_id_idx on surveys (account_id)',
  'create index surveys_engagement_id_idx on surveys (engagement_id)',
  'create index renewals_account_id_idx on renewals (account_id)',
  "create index renewals_renewal_date_idx on renewals (renewal_date) where status = 'open'",
  'create index program_attendance_account_id_idx on program_attendance (account_id)',
  'create index health_overrides_account_id_idx on health_overrides (account_id)',
  'create index score_changes_account_id_idx on score_changes (account_id, changed_at)',
  'create index score_changes_changed_at_idx on score_changes (changed_at)',
  'create index account_scores_color_idx on account_scores (color)',
  // The change-feed reader selects by transaction id (xid >= its mark): without this it scans the outbox.
  'create index change_log_xid_idx on change_log (xid)',
];

/**
 * The outbox. `pulse_record_change` is the single place that appends to change_log and rings the
 * doorbell (empty payload: notifications are folded per transaction and never carry data).
 * Bulk loaders may set `pulse.skip_change_log = 'on'` for their transaction and then log one row per
 * account themselves (the demo seed does).
 */
const RECORD_CHANGE = `
create function pulse_record_change(p_account_id text, p_table text, p_op text, p_member_id text)
returns void language plpgsql as $$
begin
  if current_setting('pulse.skip_change_log', true) = 'on' then
    return;
  end if;
  insert into change_log (account_id, table_name, op, member_id) values (p_account_id, p_table, p_op, p_member_id);
  perform pg_notify('pulse_changes', '');
end $$`;

/** Trigger functions, one per way of finding the account a row belongs to. */
const TRIGGER_FUNCTIONS = [
  // Tables with their own account_id column; a row moved to another account dirties both.
  `create function pulse_log_account_row() returns trigger language plpgsql as $$
  begin
    if tg_op <> 'INSERT' then
      perform pulse_record_change(old.account_id, tg_table_name, tg_op, null);
    end if;
    if tg_op = 'INSERT' or (tg_op = 'UPDATE' and new.account_id is distinct from old.account_id) then
      perform pulse_record_change(new.account_id, tg_table_name, tg_op, null);
    end if;
    return null;
  end $$`,
  `create function pulse_log_account() returns trigger language plpgsql as $$
  begin
    perform pulse_record_change(case when tg_op = 'DELETE' then old.id else new.id end, tg_table_name, tg_op, null);
    return null;
  end $$`,
  `create function pulse_log_team_member() returns trigger language plpgsql as $$
  begin
    perform pulse_record_change(null, tg_table_name, tg_op, case when tg_op = 'DELETE' then old.id else new.id end);
    return null;
  end $$`,
  // Child rows: when the parent is already gone (cascading delete) its own trigger has logged the account.
  `create function pulse_log_objective() returns trigger language plpgsql as $$
  declare
    v_account_id text;
  begin
    select p.account_id into v_account_id from success_plans p
      where p.id = case when tg_op = 'DELETE' then old.plan_id else new.plan_id end;
    if v_account_id is not null then
      perform pulse_record_change(v_account_id, tg_table_name, tg_op, null);
    end if;
    return null;
  end $$`,
  `create function pulse_log_milestone() returns trigger language plpgsql as $$
  declare
    v_account_id text;
  begin
    select p.account_id into v_account_id from sp_objectives o join success_plans p on p.id = o.plan_id
      where o.id = case when tg_op = 'DELETE' then old.objective_id else new.objective_id end;
    if v_account_id is not null then
      perform pulse_record_change(v_account_id, tg_table_name, tg_op, null);
    end if;
    return null;
  end $$`,
  `create function pulse_log_engagement_child() returns trigger language plpgsql as $$
  declare
    v_account_id text;
  begin
    select e.account_id into v_account_id from engagements e
      where e.id = case when tg_op = 'DELETE' then old.engagement_id else new.engagement_id end;
    if v_account_id is not null then
      perform pulse_record_change(v_account_id, tg_table_name, tg_op, null);
    end if;
    return null;
  end $$`,
  // A session concerns every account that attended it; with none yet it is logged without account.
  `create function pulse_log_program_session() returns trigger language plpgsql as $$
  declare
    v_session_id bigint := case when tg_op = 'DELETE' then old.id else new.id end;
    v_logged boolean := false;
    v_account_id text;
  begin
    for v_account_id in select a.account_id from program_attendance a where a.session_id = v_session_id loop
      perform pulse_record_change(v_account_id, tg_table_name, tg_op, null);
      v_logged := true;
    end loop;
    if not v_logged then
      perform pulse_record_change(null, tg_table_name, tg_op, null);
    end if;
    return null;
  end $$`,
  // Owner history: who owned each account from when (retention cohorts use the owner at t0); a row with
  // member_id null means the role became vacant.
  `create function pulse_track_account_owners() returns trigger language plpgsql as $$
  begin
    if (tg_op = 'INSERT' and new.csm_id is not null) or (tg_op = 'UPDATE' and new.csm_id is distinct from old.csm_id) then
      insert into account_owner_history (account_id, role, member_id) values (new.id, 'csm', new.csm_id);
    end if;
    if (tg_op = 'INSERT' and new.cse_id is not null) or (tg_op = 'UPDATE' and new.cse_id is distinct from old.cse_id) then
      insert into account_owner_history (account_id, role, member_id) values (new.id, 'cse', new.cse_id);
    end if;
    if (tg_op = 'INSERT' and new.csa_id is not null) or (tg_op = 'UPDATE' and new.csa_id is distinct from old.csa_id) then
      insert into account_owner_history (account_id, role, member_id) values (new.id, 'csa', new.csa_id);
    end if;
    if (tg_op = 'INSERT' and new.ae_id is not null) or (tg_op = 'UPDATE' and new.ae_id is distinct from old.ae_id) then
      insert into account_owner_history (account_id, role, member_id) values (new.id, 'ae', new.ae_id);
    end if;
    if (tg_op = 'INSERT' and new.rm_id is not null) or (tg_op = 'UPDATE' and new.rm_id is distinct from old.rm_id) then
      insert into account_owner_history (account_id, role, member_id) values (new.id, 'rm', new.rm_id);
    end if;
    return null;
  end $$`,
];

const LOGGER_BY_TABLE: Record<string, string> = {
  team_members: 'pulse_log_team_member',
  accounts: 'pulse_log_account',
  arr_movements: 'pulse_log_account_row',
  usage_snapshots: 'pulse_log_account_row',
  timeline_entries: 'pulse_log_account_row',
  support_tickets: 'pulse_log_account_row',
  success_plans: 'pulse_log_account_row',
  sp_objectives: 'pulse_log_objective',
  sp_milestones: 'pulse_log_milestone',
  engagements: 'pulse_log_account_row',
  deliverables: 'pulse_log_engagement_child',
  doc_updates: 'pulse_log_engagement_child',
  surveys: 'pulse_log_account_row',
  renewals: 'pulse_log_account_row',
  program_sessions: 'pulse_log_program_session',
  program_attendance: 'pulse_log_account_row',
  health_overrides: 'pulse_log_account_row',
};

const TRIGGERS = [
  ...Object.entries(LOGGER_BY_TABLE).map(
    ([table, fn]) =>
      `create trigger ${table}_change_log after insert or update or delete on ${table}
       for each row execute function ${fn}()`,
  ),
  `create trigger accounts_owner_history after insert or update on accounts
   for each row execute function pulse_track_account_owners()`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [...TABLES, ...INDEXES, RECORD_CHANGE, ...TRIGGER_FUNCTIONS, ...TRIGGERS]) {
    await sql.raw(statement).execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'change_cursor',
    'change_log',
    'score_changes',
    'account_scores',
    'health_overrides',
    'program_attendance',
    'program_sessions',
    'renewals',
    'surveys',
    'doc_updates',
    'deliverables',
    'engagements',
    'sp_milestones',
    'sp_objectives',
    'success_plans',
    'support_tickets',
    'timeline_entries',
    'usage_snapshots',
    'arr_movements',
    'account_owner_history',
    'accounts',
    'team_members',
  ]) {
    await sql.raw(`drop table if exists ${table} cascade`).execute(db);
  }
  for (const fn of [
    'pulse_track_account_owners',
    'pulse_log_program_session',
    'pulse_log_engagement_child',
    'pulse_log_milestone',
    'pulse_log_objective',
    'pulse_log_team_member',
    'pulse_log_account',
    'pulse_log_account_row',
  ]) {
    await sql.raw(`drop function if exists ${fn}()`).execute(db);
  }
  await sql.raw('drop function if exists pulse_record_change(text, text, text, text)').execute(db);
}
