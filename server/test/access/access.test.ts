import { createHash } from 'node:crypto';
import { LiveEvents, type LiveSocket, type SubscribeAck } from '@pulse/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../app-harness.js';
import { TEST_DRIVERS } from '../database/test-database.js';
import { waitFor } from '../live/live-harness.js';

interface Member {
  id: string;
  role: string;
  manager_id: string | null;
  title: string | null;
}
interface Account {
  id: string;
  owners: string[];
}

/** What a caller asks for: an account page, a team view with filters, or the renewals view. */
type Ask =
  | { account: string }
  | { team: string; filters: Record<string, string> }
  | { renewals: true; filters?: Record<string, string> };

interface Row {
  who: string;
  ask: Ask;
  allowed: boolean;
  why: string;
}

const query = (filters: Record<string, string>) => {
  const text = new URLSearchParams(filters).toString();
  return text ? `?${text}` : '';
};
const restPath = (ask: Ask) =>
  'account' in ask
    ? `/api/accounts/${ask.account}`
    : 'team' in ask
      ? `/api/kpis/${ask.team}${query(ask.filters)}`
      : `/api/kpis/renewals${query(ask.filters ?? {})}`;
const topicOf = (ask: Ask) =>
  'account' in ask
    ? `account:${ask.account}`
    : 'team' in ask
      ? `team:${ask.team}${query(ask.filters)}`
      : `renewals${query(ask.filters ?? {})}`;

const subscribe = (socket: LiveSocket, topic: string): Promise<SubscribeAck> =>
  socket.timeout(20_000).emitWithAck(LiveEvents.subscribe, { topic });

/** Connects a socket and resolves once connected (or rejects with the connect_error message). */
function connected(socket: LiveSocket): Promise<LiveSocket> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => reject(error));
  });
}

/**
 * Issue 10's access rules over REST and the live socket, on the demo organisation: each role
 * signs in and reads what it may, and is refused what it may not (404 / 403 over REST,
 * `forbidden` on subscribe). Expectations come from the organisation's rows, not from the code
 * under test: the management chain is walked here, the owners read from the accounts table.
 */
describe.each(TEST_DRIVERS)('access on %s', (driver) => {
  let pulse: TestApp;
  let members: Member[];
  let accounts: Account[];
  const people: Partial<Record<string, Member>> = {};
  const cookies: Record<string, string> = {};
  const sockets: Record<string, LiveSocket> = {};
  const rows: Row[] = [];

  /** Everyone under a manager, walked down the chain. */
  const chainOf = (managerId: string): Set<string> => {
    const found = new Set([managerId]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const m of members) {
        if (m.manager_id !== null && found.has(m.manager_id) && !found.has(m.id)) {
          found.add(m.id);
          grew = true;
        }
      }
    }
    return found;
  };
  const accountOwnedBy = (ids: Set<string>) => accounts.find((a) => a.owners.some((o) => ids.has(o)))!;
  const accountNotOwnedBy = (ids: Set<string>) => accounts.find((a) => !a.owners.some((o) => ids.has(o)))!;

  beforeAll(async () => {
    pulse = await startTestApp(driver);
    const db = pulse.database.db;
    members = await db
      .selectFrom('team_members')
      .select(['id', 'role', 'manager_id', 'title'])
      .orderBy('id')
      .execute();
    accounts = (
      await db
        .selectFrom('accounts')
        .select(['id', 'csm_id', 'cse_id', 'csa_id', 'ae_id', 'rm_id'])
        .orderBy('id')
        .execute()
    ).map((a) => ({
      id: a.id,
      owners: [a.csm_id, a.cse_id, a.csa_id, a.ae_id, a.rm_id].filter((o): o is string => o !== null),
    }));
    const byRole = (role: string) => members.filter((m) => m.role === role);
    const owning = (role: string) => byRole(role).find((m) => accounts.some((a) => a.owners.includes(m.id)))!;
    people.vp = members.find((m) => m.role === 'manager' && m.title === 'VP Customer Success')!;
    const regional = byRole('manager').filter((m) => m.manager_id === people.vp!.id);
    people.managerA = regional[0]!;
    people.managerB = regional[1]!;
    people.csmA = byRole('csm').find(
      (m) => m.manager_id === people.managerA!.id && accounts.some((a) => a.owners.includes(m.id)),
    )!;
    people.csmB = byRole('csm').find(
      (m) => m.manager_id === people.managerB!.id && accounts.some((a) => a.owners.includes(m.id)),
    )!;
    for (const role of ['cse', 'csa', 'ae', 'rm'] as const) people[role] = owning(role);
    people.admin = byRole('admin')[0]!;
    for (const [who, member] of Object.entries(people)) {
      expect(member, `the demo organisation has a ${who}`).toBeDefined();
      const { cookie } = await pulse.signInAs(member!.id);
      cookies[who] = cookie;
      sockets[who] = await connected(pulse.socket({ auth: {}, extraHeaders: { cookie } }));
    }

    const { vp, managerA, managerB, csmA, csmB, ae, cse } = people as Record<string, Member>;
    const own = (who: string) => accountOwnedBy(new Set([people[who]!.id])).id;
    const notOwn = (who: string) => accountNotOwnedBy(new Set([people[who]!.id])).id;
    const csmAAccount = own('csmA');
    const csmBAccount = accountNotOwnedBy(chainOf(managerA!.id));
    expect(csmBAccount.owners, 'a CSM B account').toContain(csmB!.id);
    const add = (who: string, ask: Ask, allowed: boolean, why: string) =>
      rows.push({ who, ask, allowed, why });

    add('vp', { account: csmAAccount }, true, "a manager's report's report's account");
    add('managerA', { account: csmAAccount }, true, "a manager's report's account");
    add('managerB', { account: csmAAccount }, false, "another team's account");
    add('managerA', { account: csmBAccount.id }, false, "another team's account");
    add('csmA', { account: csmAAccount }, true, 'own book');
    add('csmA', { account: csmBAccount.id }, false, "another CSM's account");
    add('ae', { account: own('ae') }, true, 'an account the AE sells');
    add('ae', { account: notOwn('ae') }, false, 'an account the AE does not sell');
    add('rm', { account: own('rm') }, true, 'an account the RM renews');
    add('rm', { account: notOwn('rm') }, false, 'an account the RM does not renew');
    add('cse', { account: own('cse') }, true, 'own book');
    add('cse', { account: notOwn('cse') }, false, 'not in the book');
    add('csa', { account: own('csa') }, true, 'own book');
    add('csa', { account: notOwn('csa') }, false, 'not in the book');
    add('admin', { account: csmBAccount.id }, true, 'admins see everything');
    add('csmA', { team: 'csm', filters: { owner: csmA!.id } }, true, 'own book as a team view');
    add('csmA', { team: 'csm', filters: { owner: csmB!.id } }, false, "another CSM's book");
    add('csmA', { team: 'csm', filters: {} }, false, 'the whole organisation is wider than the book');
    add('csmA', { team: 'csm', filters: { region: 'emea' } }, false, 'a region is wider than the book');
    add('managerA', { team: 'csm', filters: { manager: managerA!.id } }, true, "own reports' books");
    add('managerA', { team: 'cse', filters: { owner: csmA!.id } }, true, "a report's book");
    add('managerA', { team: 'csm', filters: { manager: vp!.id } }, false, "the manager's manager's books");
    add('vp', { team: 'csm', filters: { owner: csmA!.id } }, true, "a report's report's book");
    add('vp', { team: 'csm', filters: { manager: managerB!.id } }, true, "a report's reports");
    add('ae', { team: 'csm', filters: { owner: ae!.id } }, true, 'the AE’s accounts as a team view');
    add('rm', { team: 'csa', filters: { manager: vp!.id } }, false, 'the RM is not in the CS chain');
    add(
      'cse',
      { team: 'cse', filters: { owner: cse!.id, region: 'emea' } },
      true,
      'a narrower view of the own book',
    );
    add('csa', { team: 'csa', filters: { owner: cse!.id } }, false, "a colleague's book");
    add('admin', { team: 'csm', filters: {} }, true, 'admins see the organisation');
    add('csmA', { renewals: true }, false, 'renewals of the organisation');
    add('admin', { renewals: true }, true, 'admins see every renewal');
    add('csmA', { renewals: true, filters: { owner: csmA!.id } }, true, 'renewals of the own book');
    add('csmA', { renewals: true, filters: { owner: csmB!.id } }, false, "renewals of a colleague's book");
  }, 180_000);

  afterAll(async () => {
    for (const socket of Object.values(sockets)) socket.disconnect();
    await pulse?.stop();
  }, 60_000);

  it('checks at least 30 allowed/forbidden pairs over REST and the live socket', async () => {
    const outcomes: string[] = [];
    for (const row of rows) {
      const response = await pulse.fetch(restPath(row.ask), { headers: { cookie: cookies[row.who]! } });
      const body = (await response.json()) as { error?: { code: string } };
      const restAllowed = response.status === 200;
      const refusedAs = 'account' in row.ask ? 404 : 403;
      if (!restAllowed) {
        expect(response.status, `${row.who} ${restPath(row.ask)}`).toBe(refusedAs);
        expect(body.error?.code).toBe(refusedAs === 404 ? 'not_found' : 'forbidden');
      }
      const ack = await subscribe(sockets[row.who]!, topicOf(row.ask));
      if (!ack.ok) expect(ack.error.code, `${row.who} ${topicOf(row.ask)}`).toBe('forbidden');
      const line = (via: string, allowed: boolean) =>
        `${allowed === row.allowed ? 'ok  ' : 'FAIL'} ${row.who} ${via} ${'account' in row.ask ? 'account' : restPath(row.ask)} (${row.why}): ${allowed ? 'allowed' : 'refused'}`;
      outcomes.push(line('REST', restAllowed), line('socket', ack.ok));
    }
    expect(outcomes.filter((line) => line.startsWith('FAIL'))).toEqual([]);
    expect(outcomes.length).toBeGreaterThanOrEqual(30);
  }, 120_000);

  it('scopes the "what changed" feed like a team view: own book yes, the organisation or a colleague no', async () => {
    const { csmA, csmB, managerA } = people as Record<string, Member>;
    const asked: Record<string, boolean> = {};
    for (const [who, topic] of [
      ['csmA', 'changes'],
      ['csmA', `changes?owner=${csmA!.id}`],
      ['csmA', `changes?owner=${csmB!.id}`],
      ['managerA', `changes?manager=${managerA!.id}`],
      ['managerA', 'changes?region=emea'],
      ['admin', 'changes'],
    ] as const) {
      const ack = await subscribe(sockets[who]!, topic);
      if (!ack.ok) expect(ack.error.code).toBe('forbidden');
      asked[`${who} ${topic}`] = ack.ok;
    }
    expect(asked).toEqual({
      'csmA changes': false,
      [`csmA changes?owner=${csmA!.id}`]: true,
      [`csmA changes?owner=${csmB!.id}`]: false,
      [`managerA changes?manager=${managerA!.id}`]: true,
      'managerA changes?region=emea': false,
      'admin changes': true,
    });
  });

  it('lets those who may import read the tables to import into, and tells others who may, in words', async () => {
    const tables = (who: string) => pulse.fetch('/api/ingest', { headers: { cookie: cookies[who]! } });
    expect((await tables('managerA')).status).toBe(200);
    const refused = await tables('csmA');
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      error: { code: 'forbidden', message: 'only admins and managers may do this' },
    });
  });

  it('lists only the accounts in the caller’s book, whatever the filters', async () => {
    const csm = people.csmA!;
    const response = await pulse.fetch('/api/accounts?limit=500', { headers: { cookie: cookies.csmA! } });
    const page = (await response.json()) as { items: Array<{ id: string }> };
    const book = new Set(accounts.filter((a) => a.owners.includes(csm.id)).map((a) => a.id));
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((item) => book.has(item.id))).toBe(true);
  });

  it('answers 401 on every documented /api route but health and sign-in, and refuses the socket', async () => {
    const document = (await (await fetch(`${pulse.baseUrl}/api/docs/json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const open = new Set([
      'get /api/health',
      // Probes of load balancers and orchestrators (issue 9): no account data, no credentials.
      'get /api/health/live',
      'get /api/health/ready',
      'get /api/auth/options',
      'post /api/auth/demo',
      'get /api/auth/oidc/login',
      'get /api/auth/oidc/callback',
      'post /api/auth/display',
    ]);
    const answers: string[] = [];
    for (const [path, methods] of Object.entries(document.paths)) {
      if (!path.startsWith('/api/')) continue;
      for (const method of Object.keys(methods)) {
        if (open.has(`${method} ${path}`)) continue;
        const url = `${pulse.baseUrl}${path.replace(/\{[^}]+\}/g, 'csm')}`;
        const response = await fetch(url, { method: method.toUpperCase() });
        const body = (await response.json()) as { error?: { code?: string } };
        answers.push(`${method} ${path} ${response.status} ${body.error?.code}`);
      }
    }
    expect(answers.length).toBeGreaterThan(5);
    expect(answers.filter((answer) => !answer.endsWith(' 401 unauthorized'))).toEqual([]);
    // A wrong token is no better than none.
    const wrong = await fetch(`${pulse.baseUrl}/api/accounts`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    await expect(connected(pulse.socket({ auth: {} }))).rejects.toThrow('unauthorized');
    await expect(connected(pulse.socket({ auth: { token: 'not-a-token' } }))).rejects.toThrow('unauthorized');
  });

  it('creates API tokens shown once and stored hashed; a read token reads over REST and the socket', async () => {
    const created = await pulse.fetch('/api/tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'api', name: 'nightly export', scope: 'read' }),
    });
    expect(created.status).toBe(201);
    const { token, secret } = (await created.json()) as { token: { id: string }; secret: string };
    const stored = await pulse.database.db
      .selectFrom('access_tokens')
      .select('token_hash')
      .where('id', '=', token.id)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).toBe(createHash('sha256').update(secret).digest('hex'));

    const read = await fetch(`${pulse.baseUrl}/api/kpis/csm`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(read.status).toBe(200);
    const socket = await connected(pulse.socket({ auth: { token: secret } }));
    try {
      expect(await subscribe(socket, 'team:csm')).toEqual({ ok: true });
    } finally {
      socket.disconnect();
    }
    // Not an admin: may not manage tokens, read-only anyway.
    const refused = await fetch(`${pulse.baseUrl}/api/tokens`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(refused.status).toBe(403);

    const listed = (await (await pulse.fetch('/api/tokens')).json()) as {
      tokens: Array<{ id: string; lastUsedAt: string | null }>;
    };
    const entry = listed.tokens.find((t) => t.id === token.id)!;
    expect(entry.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(secret);

    expect((await pulse.fetch(`/api/tokens/${token.id}`, { method: 'DELETE' })).status).toBe(204);
    const after = await fetch(`${pulse.baseUrl}/api/kpis/csm`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(after.status).toBe(401);
  });

  it('binds a manager’s display token to its views and filters, and cuts its open wall within 5 s of revocation', async () => {
    const manager = people.managerA!;
    const { cookie, csrfToken } = await pulse.signInAs(manager.id);
    const wider = await pulse.fetch('/api/tokens', {
      method: 'POST',
      headers: { cookie, 'x-pulse-csrf': csrfToken, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'display', name: 'lobby', views: ['csm'], filters: { region: 'emea' } }),
    });
    expect(wider.status, 'a manager may not make a wall wider than their reports').toBe(403);
    const noCsrf = await pulse.fetch('/api/tokens', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'display',
        name: 'lobby',
        views: ['csm'],
        filters: { manager: manager.id },
      }),
    });
    expect(noCsrf.status, 'a cookie write without the CSRF header').toBe(403);
    const created = await pulse.fetch('/api/tokens', {
      method: 'POST',
      headers: { cookie, 'x-pulse-csrf': csrfToken, 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'display',
        name: 'team wall',
        views: ['csm'],
        filters: { manager: manager.id },
      }),
    });
    expect(created.status).toBe(201);
    const { token, secret, wallUrl } = (await created.json()) as {
      token: { id: string };
      secret: string;
      wallUrl: string;
    };
    expect(wallUrl).toBe(`/wall?views=csm&manager=${manager.id}&token=${encodeURIComponent(secret)}`);

    const displaySession = await fetch(`${pulse.baseUrl}/api/auth/display`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: secret }),
    });
    expect(displaySession.status).toBe(200);
    const setCookie = displaySession.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const wallCookie = setCookie.split(';')[0]!;

    // Read-only and bound: its own view, nothing wider, no account lists, no writes.
    const wall = await connected(pulse.socket({ auth: {}, extraHeaders: { cookie: wallCookie } }));
    expect(await subscribe(wall, `team:csm?manager=${manager.id}`)).toEqual({ ok: true });
    expect((await subscribe(wall, 'team:csm')) as { error?: { code: string } }).toMatchObject({
      error: { code: 'forbidden' },
    });
    expect(await subscribe(wall, `team:cse?manager=${manager.id}`)).toMatchObject({
      error: { code: 'forbidden' },
    });
    const list = await fetch(`${pulse.baseUrl}/api/accounts`, { headers: { cookie: wallCookie } });
    expect(list.status).toBe(403);

    const revokedAt = Date.now();
    const revoke = await pulse.fetch(`/api/tokens/${token.id}`, {
      method: 'DELETE',
      headers: { cookie, 'x-pulse-csrf': csrfToken },
    });
    expect(revoke.status).toBe(204);
    await waitFor(() => !wall.connected, 'the wall to be disconnected', 5_000);
    expect(Date.now() - revokedAt).toBeLessThan(5_000);
    const again = await fetch(`${pulse.baseUrl}/api/kpis/csm?manager=${manager.id}`, {
      headers: { cookie: wallCookie },
    });
    expect(again.status).toBe(401);
  });

  it('cuts a wall within 5 s when its token is revoked by another process (straight in the database)', async () => {
    const created = await pulse.fetch('/api/tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'display', name: 'office wall', views: ['csm'] }),
    });
    const { token, secret } = (await created.json()) as { token: { id: string }; secret: string };
    const session = await fetch(`${pulse.baseUrl}/api/auth/display`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: secret }),
    });
    const wallCookie = session.headers.get('set-cookie')!.split(';')[0]!;
    const wall = await connected(pulse.socket({ auth: {}, extraHeaders: { cookie: wallCookie } }));
    expect(await subscribe(wall, 'team:csm')).toEqual({ ok: true });
    await pulse.database.db
      .updateTable('access_tokens')
      .set({ revoked_at: new Date() })
      .where('id', '=', token.id)
      .execute();
    await waitFor(() => !wall.connected, 'the wall to be disconnected', 5_000);
  }, 20_000);

  it('signs out with the CSRF header only, and records sign-ins and tokens in the audit log', async () => {
    const { cookie, csrfToken } = await pulse.signInAs(people.csmB!.id);
    const forged = await pulse.fetch('/api/auth/sign-out', { method: 'POST', headers: { cookie } });
    expect(forged.status).toBe(403);
    const signOut = await pulse.fetch('/api/auth/sign-out', {
      method: 'POST',
      headers: { cookie, 'x-pulse-csrf': csrfToken },
    });
    expect(signOut.status).toBe(204);
    expect((await pulse.fetch('/api/auth/me', { headers: { cookie } })).status).toBe(401);

    const { entries } = (await (await pulse.fetch('/api/tokens/audit?limit=1000')).json()) as {
      entries: Array<{ event: string; actor: string }>;
    };
    const events = new Set(entries.map((entry) => entry.event));
    for (const event of ['sign_in', 'sign_out', 'token_created', 'token_revoked', 'display_sign_in']) {
      expect(events, event).toContain(event);
    }
  });

  it('limits sign-in requests per address (429 in the API’s error format)', async () => {
    let last = 0;
    let body: unknown = null;
    for (let i = 0; i < 40 && last !== 429; i += 1) {
      const response = await fetch(`${pulse.baseUrl}/api/auth/display`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: `guess-${i}` }),
      });
      last = response.status;
      body = await response.json();
    }
    expect(last).toBe(429);
    expect(body).toEqual({ error: { code: 'too_many_requests', message: expect.any(String) } });
  });
});
