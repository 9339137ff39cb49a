import { type Kysely, sql } from 'kysely';

const TRIGGERS = [
  'turned_red',
  'health_drop',
  'sentiment_red',
  'renewal_at_risk',
  'plan_at_risk',
  'use_case_stalled',
];
const CHANNELS = ['slack', 'webhook', 'email'];
const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'];
const list = (values: readonly string[]) => values.map((value) => `'${value}'`).join(', ');

/**
 * Alerts (issue 12). `alerts` is the outbox: its rows are written in the transaction that records the
 * score change raising them; the deliverer plans each into `alert_deliveries` (one per receiver,
 * each with the idempotency key every message carries) and leases due deliveries, so with several
 * processes one sends each.
 */
const STATEMENTS = [
  `create table alert_rules (
    id bigint generated always as identity primary key,
    name text not null,
    trigger text not null,
    threshold numeric,
    scope jsonb not null default '{}',
    quiet_hours numeric,
    channels jsonb not null default '[]',
    enabled boolean not null default true,
    created_by text references team_members (id) on delete set null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint alert_rules_name_check check (length(trim(name)) > 0),
    constraint alert_rules_trigger_check check (trigger in (${list(TRIGGERS)})),
    constraint alert_rules_threshold_check check (threshold >= 0),
    constraint alert_rules_quiet_hours_check check (quiet_hours >= 0)
  )`,
  `create table alerts (
    id bigint generated always as identity primary key,
    rule_id bigint not null references alert_rules (id) on delete cascade,
    account_id text not null references accounts (id) on delete cascade,
    score_change_id bigint references score_changes (id) on delete set null,
    trigger text not null,
    reason text not null,
    from_score numeric(5, 2),
    to_score numeric(5, 2),
    from_color text,
    to_color text,
    contributions jsonb,
    raised_at timestamptz not null,
    planned_at timestamptz
  )`,
  'create index alerts_unplanned_idx on alerts (id) where planned_at is null',
  'create index alerts_rule_account_idx on alerts (rule_id, account_id, raised_at desc)',
  'create index alerts_score_change_idx on alerts (score_change_id)',
  `create table alert_recipients (
    alert_id bigint not null references alerts (id) on delete cascade,
    member_id text not null references team_members (id) on delete cascade,
    primary key (alert_id, member_id)
  )`,
  'create index alert_recipients_member_idx on alert_recipients (member_id, alert_id desc)',
  `create table alert_deliveries (
    id bigint generated always as identity primary key,
    alert_id bigint not null references alerts (id) on delete cascade,
    channel text not null,
    target text not null,
    secret text,
    idempotency_key uuid not null unique default gen_random_uuid(),
    status text not null default 'pending',
    attempts integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    leased_until timestamptz,
    last_error text,
    delivered_at timestamptz,
    constraint alert_deliveries_channel_check check (channel in (${list(CHANNELS)})),
    constraint alert_deliveries_status_check check (status in (${list(DELIVERY_STATUSES)})),
    constraint alert_deliveries_target_unique unique (alert_id, channel, target)
  )`,
  `create index alert_deliveries_due_idx on alert_deliveries (next_attempt_at) where status = 'pending'`,
  `create table alert_receivers (
    channel text not null,
    target text not null,
    consecutive_failures integer not null default 0,
    failing_since timestamptz,
    last_error text,
    last_success_at timestamptz,
    primary key (channel, target)
  )`,
  `create table account_mutes (
    account_id text primary key references accounts (id) on delete cascade,
    muted_until timestamptz not null,
    muted_by text references team_members (id) on delete set null,
    created_at timestamptz not null default now()
  )`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'account_mutes',
    'alert_receivers',
    'alert_deliveries',
    'alert_recipients',
    'alerts',
    'alert_rules',
  ])
    await sql.raw(`drop table if exists ${table}`).execute(db);
}
