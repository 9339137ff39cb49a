import { Inject, Injectable } from '@nestjs/common';
import type { Role, ScopeFilters } from '@pulse/domain';
import type { PulseDatabase } from '../database/create-database.js';
import { DATABASE } from '../database/database.module.js';

export interface MemberRow {
  id: string;
  name: string;
  email: string;
  role: Role;
}

export interface SessionRow {
  idHash: string;
  csrfToken: string;
  member: MemberRow | null;
  display: TokenRow | null;
}

export interface TokenRow {
  id: string;
  kind: 'api' | 'display';
  name: string;
  scope: 'read' | 'read_write';
  views: string[];
  filters: ScopeFilters;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface AuditEntry {
  event: string;
  actor: string;
  subject?: string | null;
  detail?: Record<string, unknown>;
}

const TOKEN_COLUMNS = [
  'access_tokens.id',
  'access_tokens.kind',
  'access_tokens.name',
  'access_tokens.scope',
  'access_tokens.views',
  'access_tokens.filters',
  'access_tokens.created_by',
  'access_tokens.created_at',
  'access_tokens.last_used_at',
  'access_tokens.revoked_at',
] as const;

type TokenSelect = {
  id: string;
  kind: 'api' | 'display';
  name: string;
  scope: 'read' | 'read_write';
  views: string[];
  filters: Record<string, string>;
  created_by: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
};

const toToken = (row: TokenSelect): TokenRow => ({
  id: row.id,
  kind: row.kind,
  name: row.name,
  scope: row.scope,
  views: row.views,
  filters: row.filters as ScopeFilters,
  createdBy: row.created_by,
  createdAt: row.created_at.toISOString(),
  lastUsedAt: row.last_used_at?.toISOString() ?? null,
  revokedAt: row.revoked_at?.toISOString() ?? null,
});

/** Sessions, tokens, sign-ins in flight and the audit log (migration 0003). */
@Injectable()
export class AccessRepository {
  constructor(@Inject(DATABASE) private readonly database: PulseDatabase) {}

  private get db() {
    return this.database.db;
  }

  async memberByEmail(email: string): Promise<MemberRow | null> {
    const row = await this.db
      .selectFrom('team_members')
      .select(['id', 'name', 'email', 'role'])
      .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
      .executeTakeFirst();
    return row ?? null;
  }

  async memberById(id: string): Promise<MemberRow | null> {
    const row = await this.db
      .selectFrom('team_members')
      .select(['id', 'name', 'email', 'role'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row ?? null;
  }

  /** One person per role for the demo's sign-in page: the first by id of each. */
  async personas(roles: readonly Role[]): Promise<MemberRow[]> {
    const rows = await this.db
      .selectFrom('team_members')
      .select(['id', 'name', 'email', 'role'])
      .where('role', 'in', [...roles])
      .orderBy('id')
      .execute();
    const first = new Map<Role, MemberRow>();
    for (const row of rows) if (!first.has(row.role)) first.set(row.role, row);
    return roles.flatMap((role) => first.get(role) ?? []);
  }

  async insertSession(session: {
    idHash: string;
    memberId: string | null;
    displayTokenId: string | null;
    csrfToken: string;
    expiresAt: Date | null;
  }): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        id_hash: session.idHash,
        member_id: session.memberId,
        display_token_id: session.displayTokenId,
        csrf_token: session.csrfToken,
        expires_at: session.expiresAt,
      })
      .execute();
  }

  /** A live session: not revoked, not expired, its display token (if any) not revoked. */
  async liveSession(idHash: string, now: Date): Promise<SessionRow | null> {
    const row = await this.db
      .selectFrom('sessions')
      .leftJoin('team_members', 'team_members.id', 'sessions.member_id')
      .leftJoin('access_tokens', 'access_tokens.id', 'sessions.display_token_id')
      .select([
        'sessions.id_hash',
        'sessions.csrf_token',
        'sessions.expires_at',
        'sessions.revoked_at as session_revoked_at',
        'team_members.id as member_id',
        'team_members.name as member_name',
        'team_members.email as member_email',
        'team_members.role as member_role',
        ...TOKEN_COLUMNS,
      ])
      .where('sessions.id_hash', '=', idHash)
      .executeTakeFirst();
    if (!row || row.session_revoked_at !== null) return null;
    if (row.expires_at !== null && row.expires_at <= now) return null;
    const member =
      row.member_id !== null
        ? { id: row.member_id, name: row.member_name!, email: row.member_email!, role: row.member_role! }
        : null;
    const display = row.id !== null ? toToken(row as TokenSelect) : null;
    if (display?.revokedAt) return null;
    if (!member && !display) return null;
    return { idHash: row.id_hash, csrfToken: row.csrf_token, member, display };
  }

  async revokeSession(idHash: string): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ revoked_at: new Date() })
      .where('id_hash', '=', idHash)
      .where('revoked_at', 'is', null)
      .execute();
  }

  async insertToken(token: {
    id: string;
    kind: 'api' | 'display';
    name: string;
    tokenHash: string;
    scope: 'read' | 'read_write';
    views: readonly string[];
    filters: ScopeFilters;
    createdBy: string;
  }): Promise<TokenRow> {
    const row = await this.db
      .insertInto('access_tokens')
      .values({
        id: token.id,
        kind: token.kind,
        name: token.name,
        token_hash: token.tokenHash,
        scope: token.scope,
        views: [...token.views],
        filters: JSON.stringify(token.filters),
        created_by: token.createdBy,
      })
      .returning(TOKEN_COLUMNS)
      .executeTakeFirstOrThrow();
    return toToken(row);
  }

  async tokenByHash(tokenHash: string): Promise<TokenRow | null> {
    const row = await this.db
      .selectFrom('access_tokens')
      .select(TOKEN_COLUMNS)
      .where('token_hash', '=', tokenHash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row ? toToken(row) : null;
  }

  async tokenById(id: string): Promise<TokenRow | null> {
    const row = await this.db
      .selectFrom('access_tokens')
      .select(TOKEN_COLUMNS)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toToken(row) : null;
  }

  async listTokens(): Promise<TokenRow[]> {
    const rows = await this.db
      .selectFrom('access_tokens')
      .select(TOKEN_COLUMNS)
      .orderBy('created_at')
      .execute();
    return rows.map(toToken);
  }

  /** Revokes the token and every session opened with it; false when it was unknown or already revoked. */
  async revokeToken(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const now = new Date();
      const revoked = await trx
        .updateTable('access_tokens')
        .set({ revoked_at: now })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      await trx
        .updateTable('sessions')
        .set({ revoked_at: now })
        .where('display_token_id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
      return Number(revoked.numUpdatedRows) > 0;
    });
  }

  /** Of the given token ids, those revoked (an open wall checks its token with this). */
  async revokedTokenIds(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('access_tokens')
      .select('id')
      .where('id', 'in', [...ids])
      .where('revoked_at', 'is not', null)
      .execute();
    return new Set(rows.map((row) => row.id));
  }

  /** Of the given session hashes, those no longer live (revoked or expired). */
  async endedSessions(idHashes: readonly string[], now: Date): Promise<Set<string>> {
    if (idHashes.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('sessions')
      .select('id_hash')
      .where('id_hash', 'in', [...idHashes])
      .where((eb) => eb.or([eb('revoked_at', 'is not', null), eb('expires_at', '<=', now)]))
      .execute();
    return new Set(rows.map((row) => row.id_hash));
  }

  async touchToken(id: string, at: Date): Promise<void> {
    await this.db.updateTable('access_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
  }

  async insertSignInAttempt(attempt: {
    state: string;
    codeVerifier: string;
    nonce: string;
    returnTo: string;
  }): Promise<void> {
    // Attempts never finished (the person closed the tab) are cleared as new ones start.
    await this.db
      .deleteFrom('sign_in_attempts')
      .where('created_at', '<', new Date(Date.now() - 15 * 60_000))
      .execute();
    await this.db
      .insertInto('sign_in_attempts')
      .values({
        state: attempt.state,
        code_verifier: attempt.codeVerifier,
        nonce: attempt.nonce,
        return_to: attempt.returnTo,
      })
      .execute();
  }

  /** Takes (reads and deletes) a sign-in attempt: each state can finish one sign-in only. */
  async takeSignInAttempt(
    state: string,
  ): Promise<{ codeVerifier: string; nonce: string; returnTo: string } | null> {
    const row = await this.db
      .deleteFrom('sign_in_attempts')
      .where('state', '=', state)
      .where('created_at', '>=', new Date(Date.now() - 15 * 60_000))
      .returning(['code_verifier', 'nonce', 'return_to'])
      .executeTakeFirst();
    return row ? { codeVerifier: row.code_verifier, nonce: row.nonce, returnTo: row.return_to } : null;
  }

  async audit(entry: AuditEntry): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({
        event: entry.event,
        actor: entry.actor,
        subject: entry.subject ?? null,
        detail: JSON.stringify(entry.detail ?? {}),
      })
      .execute();
  }

  async auditLog(limit: number): Promise<Array<AuditEntry & { at: string }>> {
    const rows = await this.db
      .selectFrom('audit_log')
      .select(['at', 'event', 'actor', 'subject', 'detail'])
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ ...row, at: row.at.toISOString() }));
  }
}
