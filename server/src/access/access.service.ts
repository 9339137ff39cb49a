import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ScopeFilters } from '@pulse/domain';
import { parseCookie } from 'cookie';
import { type AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { AccessRepository, type MemberRow, type SessionRow, type TokenRow } from './access.repository.js';
import { actorOf, type Caller } from './caller.js';

/** The session cookie: http-only, same-site, secure when Pulse is served over https. */
export const SESSION_COOKIE = 'pulse_session';
/** Header a cookie-authenticated write must carry, equal to the session's CSRF token. */
export const CSRF_HEADER = 'x-pulse-csrf';

/** Credentials as they arrive: the Authorization header, the socket's auth.token, the Cookie header. */
export interface Credentials {
  authorization?: string | undefined;
  token?: unknown;
  cookie?: string | undefined;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const secret = () => randomBytes(32).toString('base64url');
/** last_used_at is written at most this often per token: a busy script must not write on every call. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Who a request or socket is (sessions, API and display tokens, PULSE_ADMIN_TOKEN), and the
 * lifecycle of sessions and tokens with their audit entries. Secrets are never stored: sessions
 * and tokens are kept as SHA-256 hashes, so a copy of the database signs nobody in.
 */
@Injectable()
export class AccessService {
  private readonly adminTokenHash: Buffer | null;
  private readonly touchedAt = new Map<string, number>();

  constructor(
    private readonly repository: AccessRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.adminTokenHash = config.adminToken ? createHash('sha256').update(config.adminToken).digest() : null;
  }

  /** The caller behind these credentials, or null (a Bearer token wins over a cookie). */
  async authenticate(credentials: Credentials): Promise<Caller | null> {
    const bearer = /^Bearer\s+(\S+)$/i.exec(credentials.authorization ?? '')?.[1];
    const token = bearer ?? (typeof credentials.token === 'string' ? credentials.token : undefined);
    if (token !== undefined) return this.fromToken(token);
    const sessionId = credentials.cookie ? parseCookie(credentials.cookie)[SESSION_COOKIE] : undefined;
    if (!sessionId) return null;
    const session = await this.repository.liveSession(sha256(sessionId), new Date());
    return session ? callerOfSession(session) : null;
  }

  private async fromToken(token: string): Promise<Caller | null> {
    if (this.adminTokenHash) {
      const hash = createHash('sha256').update(token).digest();
      if (timingSafeEqual(hash, this.adminTokenHash)) {
        return {
          kind: 'api',
          role: 'admin',
          memberId: null,
          name: 'PULSE_ADMIN_TOKEN',
          canWrite: true,
          session: null,
          tokenId: 'admin-token',
          display: null,
        };
      }
    }
    // Display tokens are exchanged for a session on the wall (signInDisplay), not sent as Bearer.
    const row = await this.repository.tokenByHash(sha256(token));
    if (row?.kind !== 'api') return null;
    this.touch(row.id);
    return {
      kind: 'api',
      role: 'service',
      memberId: null,
      name: row.name,
      canWrite: row.scope === 'read_write',
      session: null,
      tokenId: row.id,
      display: null,
    };
  }

  private touch(tokenId: string): void {
    const now = Date.now();
    if (now - (this.touchedAt.get(tokenId) ?? 0) < TOUCH_EVERY_MS) return;
    this.touchedAt.set(tokenId, now);
    void this.repository.touchToken(tokenId, new Date(now)).catch(() => this.touchedAt.delete(tokenId));
  }

  /** Opens a session for a person; the returned secret goes into the cookie, only its hash is stored. */
  async signIn(
    member: MemberRow,
    method: 'oidc' | 'demo' | 'test-harness',
  ): Promise<{ sessionId: string; caller: Caller }> {
    const sessionId = secret();
    const csrfToken = secret();
    const idHash = sha256(sessionId);
    await this.repository.insertSession({
      idHash,
      memberId: member.id,
      displayTokenId: null,
      csrfToken,
      expiresAt: new Date(Date.now() + this.config.sessionHours * 3_600_000),
    });
    await this.repository.audit({
      event: 'sign_in',
      actor: `member:${member.id}`,
      subject: member.email,
      detail: { method, role: member.role },
    });
    return { sessionId, caller: callerOfSession({ idHash, csrfToken, member, display: null }) };
  }

  /** A wall's display token, carried once in its URL, becomes a session that lasts until revoked. */
  async signInDisplay(token: string): Promise<{ sessionId: string; caller: Caller } | null> {
    const row = await this.repository.tokenByHash(sha256(token));
    if (row?.kind !== 'display') return null;
    const sessionId = secret();
    const csrfToken = secret();
    const idHash = sha256(sessionId);
    await this.repository.insertSession({
      idHash,
      memberId: null,
      displayTokenId: row.id,
      csrfToken,
      expiresAt: null,
    });
    this.touch(row.id);
    await this.repository.audit({ event: 'display_sign_in', actor: `display:${row.id}`, subject: row.name });
    return { sessionId, caller: callerOfSession({ idHash, csrfToken, member: null, display: row }) };
  }

  async signOut(caller: Caller): Promise<void> {
    if (!caller.session) return;
    await this.repository.revokeSession(caller.session.idHash);
    await this.repository.audit({ event: 'sign_out', actor: actorOf(caller) });
  }

  /** Creates a token; the secret is returned once and never again. */
  async createToken(
    creator: Caller,
    spec: {
      kind: 'api' | 'display';
      name: string;
      scope: 'read' | 'read_write';
      views: readonly string[];
      filters: ScopeFilters;
    },
  ): Promise<{ token: TokenRow; secret: string }> {
    const value = `pulse_${spec.kind}_${secret()}`;
    const token = await this.repository.insertToken({
      id: `tok-${randomBytes(6).toString('hex')}`,
      ...spec,
      tokenHash: sha256(value),
      createdBy: actorOf(creator),
    });
    await this.repository.audit({
      event: 'token_created',
      actor: actorOf(creator),
      subject: token.id,
      detail: {
        kind: spec.kind,
        name: spec.name,
        scope: spec.scope,
        views: spec.views,
        filters: spec.filters,
      },
    });
    return { token, secret: value };
  }

  listTokens(): Promise<TokenRow[]> {
    return this.repository.listTokens();
  }

  tokenById(id: string): Promise<TokenRow | null> {
    return this.repository.tokenById(id);
  }

  async revokeToken(revoker: Caller, id: string): Promise<boolean> {
    const revoked = await this.repository.revokeToken(id);
    if (revoked)
      await this.repository.audit({ event: 'token_revoked', actor: actorOf(revoker), subject: id });
    return revoked;
  }

  /** Of the sockets' credentials, those that ended since they connected (revoked or expired). */
  async ended(callers: readonly Caller[]): Promise<Set<Caller>> {
    const sessions = callers.flatMap((caller) => (caller.session ? [caller.session.idHash] : []));
    // API tokens, and display tokens (a wall's session ends with its token).
    const tokens = callers.flatMap((caller) =>
      caller.tokenId && caller.tokenId !== 'admin-token' ? [caller.tokenId] : [],
    );
    const [endedSessions, revokedTokens] = await Promise.all([
      this.repository.endedSessions([...new Set(sessions)], new Date()),
      this.repository.revokedTokenIds([...new Set(tokens)]),
    ]);
    return new Set(
      callers.filter(
        (caller) =>
          (caller.session && endedSessions.has(caller.session.idHash)) ||
          (caller.tokenId && revokedTokens.has(caller.tokenId)),
      ),
    );
  }

  audit(entry: Parameters<AccessRepository['audit']>[0]): Promise<void> {
    return this.repository.audit(entry);
  }

  auditLog(limit: number) {
    return this.repository.auditLog(limit);
  }
}

function callerOfSession(session: SessionRow): Caller {
  const base = { session: { idHash: session.idHash, csrfToken: session.csrfToken } };
  if (session.member) {
    return {
      ...base,
      kind: 'person',
      role: session.member.role,
      memberId: session.member.id,
      name: session.member.name,
      canWrite: true,
      tokenId: null,
      display: null,
    };
  }
  const token = session.display!;
  return {
    ...base,
    kind: 'display',
    role: 'display',
    memberId: null,
    name: token.name,
    canWrite: false,
    tokenId: token.id,
    display: { views: token.views, filters: token.filters },
  };
}
