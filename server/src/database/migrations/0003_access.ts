import { type Kysely, sql } from 'kysely';

/**
 * Access (DESIGN.md §6): server-side sessions (revocable, surviving restarts), API and wall-display
 * tokens stored as SHA-256 hashes only, sign-ins in flight (OIDC state and PKCE verifier), and the
 * audit log. None of these tables feed the change log: they are not facts.
 */
const TABLES = [
  `create table access_tokens (
    id text primary key,
    kind text not null,
    name text not null,
    token_hash text not null unique,
    scope text not null,
    views text[] not null default '{}',
    filters jsonb not null default '{}',
    created_by text not null,
    created_at timestamptz not null default now(),
    last_used_at timestamptz,
    revoked_at timestamptz,
    constraint access_tokens_kind_check check (kind in ('api', 'display')),
    constraint access_tokens_scope_check check (scope in ('read', 'read_write'))
  )`,
  `create table sessions (
    id_hash text primary key,
    member_id text references team_members (id) on delete cascade,
    display_token_id text references access_tokens (id) on delete cascade,
    csrf_token text not null,
    created_at timestamptz not null default now(),
    expires_at timestamptz,
    revoked_at timestamptz,
    constraint sessions_holder_check check ((member_id is null) <> (display_token_id is null))
  )`,
  `create table sign_in_attempts (
    state text primary key,
    code_verifier text not null,
    nonce text not null,
    return_to text not null,
    created_at timestamptz not null default now()
  )`,
  `create table audit_log (
    id bigint generated always as identity primary key,
    at timestamptz not null default now(),
    event text not null,
    actor text not null,
    subject text,
    detail jsonb not null default '{}'
  )`,
  'create index sessions_display_token_idx on sessions (display_token_id) where display_token_id is not null',
  'create index audit_log_at_idx on audit_log (at)',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of TABLES) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['audit_log', 'sign_in_attempts', 'sessions', 'access_tokens']) {
    await sql.raw(`drop table if exists ${table}`).execute(db);
  }
}
