import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/app.js';
import { loadConfig } from '../../src/config/app-config.js';
import { startTestApp, type TestApp } from '../app-harness.js';
import { TEST_DRIVERS } from '../database/test-database.js';

const SECRET = 'a-shared-secret-of-32-characters';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

/** A local HTTP receiver: records every POST; `failures[path]` answers 500 that many times first. */
async function startReceiver() {
  const requests: Received[] = [];
  const failures = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      requests.push({
        path,
        headers: request.headers,
        body: Buffer.concat(chunks).toString(),
        at: Date.now(),
      });
      const left = failures.get(path) ?? 0;
      if (path === '/down' || left > 0) {
        failures.set(path, left - 1);
        response.writeHead(500).end('receiver failing');
      } else {
        response.writeHead(200).end('ok');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    failures,
    /** Requests a receiver took (200), each idempotency key once per path. */
    accepted(path: string) {
      return requests.filter((r) => r.path === path);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface Mail {
  to: string[];
  subject: string;
  text: string;
  messageId: string;
  idempotencyKey: string;
}

/** A local SMTP server (smtp-server) keeping every message it accepts. */
async function startSmtp() {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const to = [parsed.to]
            .flat()
            .flatMap((address) => address?.value.map((v) => v.address ?? '') ?? []);
          mails.push({
            to,
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            messageId: parsed.messageId ?? '',
            idempotencyKey: String(parsed.headers.get('x-pulse-idempotency-key') ?? ''),
          });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 5_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Generous: the suite shares two cores with the rest of CI. */
const TEST_TIMEOUT = 60_000;

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(TEST_DRIVERS)('alerts delivered exactly once on %s', (driver) => {
  let pulse: TestApp;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  const used = new Set<string>();

  const send = async (method: string, path: string, body?: unknown) => {
    const response = await pulse.fetch(path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // biome-ignore lint/suspicious/noExplicitAny: test reads the JSON it checks
    return { status: response.status, body: (response.status === 204 ? null : await response.json()) as any };
  };

  /** An account that is not red, whose CSM's red sentiment will turn it red; each test takes its own. */
  async function healthyAccount(): Promise<{ id: string; name: string; csm: string; csmEmail: string }> {
    const rows = await sql<{ id: string; name: string; csm_id: string; email: string }>`
      select a.id, a.name, a.csm_id, m.email from accounts a
      join account_scores s on s.account_id = a.id
      join team_members m on m.id = a.csm_id
      where s.color in ('green', 'yellow') and a.lifecycle_stage not in ('will_churn', 'churned')
        and a.success_tier in ('essentials', 'advanced', 'signature')
      order by a.id`.execute(pulse.database.db);
    const row = rows.rows.find((r) => !used.has(r.id))!;
    used.add(row.id);
    return { id: row.id, name: row.name, csm: row.csm_id, csmEmail: row.email };
  }

  /** The outside write: a SQL client logs a red call for the account as its CSM. */
  const turnRed = (account: { id: string; csm: string }) =>
    sql`insert into timeline_entries (account_id, author_id, kind, occurred_at, sentiment, summary)
        values (${account.id}, ${account.csm}, 'call', now(), 'red', 'Escalation: considering leaving')`.execute(
      pulse.database.db,
    );

  const forAccount = (path: string, accountId: string) =>
    receiver.requests.filter((r) => r.path === path && JSON.parse(r.body).account?.id === accountId);
  const slackFor = (accountId: string) =>
    receiver.requests.filter((r) => r.path === '/slack' && r.body.includes(`/accounts/${accountId}`));
  const mailsFor = (name: string) => smtp.mails.filter((mail) => mail.subject.includes(name));

  beforeAll(async () => {
    receiver = await startReceiver();
    smtp = await startSmtp();
    const defaults = loadConfig({});
    pulse = await startTestApp(driver, {
      alerts: { ...defaults.alerts, smtpUrl: smtp.url, retryBaseMs: 50, maxAttempts: 5 },
    });
    const rule = await send('POST', '/api/alert-rules', {
      name: 'Red accounts',
      trigger: 'turned_red',
      channels: [
        { kind: 'slack', url: `${receiver.url}/slack` },
        { kind: 'webhook', url: `${receiver.url}/hook`, secret: SECRET },
        { kind: 'email' },
      ],
    });
    expect(rule.status).toBe(201);
  }, 180_000);

  afterAll(async () => {
    await pulse?.stop();
    await receiver?.close();
    await smtp?.close();
  }, TEST_TIMEOUT);

  it(
    'an account turned red by an outside SQL write sends one Slack post, one signed webhook and one e-mail within 2 s',
    async () => {
      const account = await healthyAccount();
      const before = Date.now();
      await turnRed(account);
      const [hook] = await waitFor('the webhook', () => {
        const hooks = forAccount('/hook', account.id);
        return hooks.length > 0 ? hooks : undefined;
      });
      const [slack] = await waitFor('the Slack post', () => slackFor(account.id)[0] && slackFor(account.id));
      const [mail] = await waitFor('the e-mail', () => mailsFor(account.name)[0] && mailsFor(account.name));
      expect(Math.max(hook!.at, slack!.at) - before).toBeLessThan(2_000);

      // The webhook: the account, the move, its causes, the link, signed with the shared secret.
      const message = JSON.parse(hook!.body);
      expect(message.account).toMatchObject({ id: account.id, name: account.name });
      expect(message.to.color).toBe('red');
      expect(message.from.color).not.toBe('red');
      expect(message.reason).toMatch(/^turned red: owner sentiment is red \(score [\d.]+\)$/);
      expect(message.causes.map((c: { measure: string }) => c.measure)).toContain('owner_sentiment');
      expect(message.moveUrl).toMatch(new RegExp(`/accounts/${account.id}\\?change=\\d+$`));
      const { t, v1 } = Object.fromEntries(
        String(hook!.headers['x-pulse-signature'])
          .split(',')
          .map((part) => part.split('=')),
      );
      expect(v1).toBe(createHmac('sha256', SECRET).update(`${t}.${hook!.body}`).digest('hex'));
      expect(hook!.headers['idempotency-key']).toBe(message.idempotencyKey);

      // Slack: text with the account, old and new score and colour, and the causes.
      const post = JSON.parse(slack!.body);
      expect(post.text).toContain(account.name);
      expect(post.text).toMatch(/→ [\d.]+ \(red\)/);
      expect(post.text).toMatch(/Owner sentiment −[\d.]+/);
      expect(slack!.headers['idempotency-key']).toBeTruthy();

      // E-mail to the owners and their managers, with the move and its causes.
      expect(mail!.to).toContain(account.csmEmail);
      expect(mail!.text).toContain('Causes, measure by measure');
      expect(mail!.text).toContain(`?change=${message.scoreChangeId}`);
      expect(mail!.messageId).toContain(mail!.idempotencyKey);

      // The bell of the CSM lists it, linked to the score move that raised it.
      const bell = await pulse.get<{
        recentCount: number;
        alerts: { accountId: string; scoreChangeId: number }[];
      }>(`/api/alerts?member=${account.csm}`);
      expect(bell.body.recentCount).toBeGreaterThanOrEqual(1);
      const alert = bell.body.alerts.find((a) => a.accountId === account.id)!;
      expect(alert.scoreChangeId).toBe(message.scoreChangeId);
      const history = await pulse.get<{ scoreHistory: { id: number; toColor: string }[] }>(
        `/api/accounts/${account.id}`,
      );
      expect(history.body.scoreHistory.find((move) => move.id === alert.scoreChangeId)?.toColor).toBe('red');

      // Exactly once: nothing more arrives.
      await settle(1_000);
      expect([
        forAccount('/hook', account.id).length,
        slackFor(account.id).length,
        mailsFor(account.name).length,
      ]).toEqual([1, 1, 1]);
    },
    TEST_TIMEOUT,
  );

  it(
    'a receiver answering 500 three times then 200 gets the alert once, after backoff',
    async () => {
      const account = await healthyAccount();
      receiver.failures.set('/hook', 3);
      await turnRed(account);
      const tries = await waitFor('four tries', () => {
        const hooks = forAccount('/hook', account.id);
        return hooks.length >= 4 ? hooks : undefined;
      });
      // One message, tried four times under one idempotency key; waits grow (50 ms base, doubling, jitter ≥ half).
      expect(new Set(tries.map((r) => r.headers['idempotency-key'])).size).toBe(1);
      const waits = tries.slice(1).map((r, i) => r.at - tries[i]!.at);
      expect(waits[0]).toBeGreaterThanOrEqual(25 - 5);
      expect(waits[2]).toBeGreaterThanOrEqual(100 - 5);
      await settle(800);
      expect(forAccount('/hook', account.id)).toHaveLength(4);
      expect(slackFor(account.id)).toHaveLength(1);
      expect(mailsFor(account.name)).toHaveLength(1);
      const rules = await pulse.get<{ failingReceivers: unknown[] }>('/api/alert-rules');
      expect(rules.body.failingReceivers).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it(
    'a receiver that keeps failing is marked failing after N tries and shown with the rules',
    async () => {
      const created = await send('POST', '/api/alert-rules', {
        name: 'Down receiver',
        trigger: 'sentiment_red',
        channels: [{ kind: 'slack', url: `${receiver.url}/down` }],
      });
      const account = await healthyAccount();
      await turnRed(account);
      const failing = await waitFor('the receiver marked failing', async () => {
        const rules = await pulse.get<{
          failingReceivers: { target: string; consecutiveFailures: number }[];
        }>('/api/alert-rules');
        return rules.body.failingReceivers.find((r) => r.target.endsWith('/down'));
      });
      expect(failing.consecutiveFailures).toBe(5);
      expect(receiver.requests.filter((r) => r.path === '/down')).toHaveLength(5);
      expect((await send('DELETE', `/api/alert-rules/${created.body.id}`)).status).toBe(204);
    },
    TEST_TIMEOUT,
  );

  it(
    'a muted account sends nothing',
    async () => {
      const account = await healthyAccount();
      const muted = await send('PUT', `/api/accounts/${account.id}/mute`, { hours: 2, member: account.csm });
      expect(muted.body.mute.by).toBe(account.csm);
      await turnRed(account);
      await waitFor('the account red', async () => {
        const detail = await pulse.get<{ scorecard: { color: string } }>(`/api/accounts/${account.id}`);
        return detail.body.scorecard.color === 'red' ? true : undefined;
      });
      await settle(1_000);
      expect([
        forAccount('/hook', account.id).length,
        slackFor(account.id).length,
        mailsFor(account.name).length,
      ]).toEqual([0, 0, 0]);
    },
    TEST_TIMEOUT,
  );

  it('an alert raised while no process delivers (killed before sending) is delivered after restart, once', async () => {
    const account = await healthyAccount();
    await pulse.close();
    await pulse.start({ alerts: { ...pulse.config.alerts, deliver: false } });
    await turnRed(account);
    await waitFor('the alert in the outbox', async () => {
      const rows = await pulse.database.db
        .selectFrom('alerts')
        .select('id')
        .where('account_id', '=', account.id)
        .execute();
      return rows.length > 0 ? rows : undefined;
    });
    await settle(300);
    expect(forAccount('/hook', account.id)).toHaveLength(0);
    await pulse.close();
    await pulse.start();
    await waitFor('the webhook after restart', () => forAccount('/hook', account.id)[0]);
    await waitFor('the e-mail after restart', () => mailsFor(account.name)[0]);
    await settle(800);
    expect([
      forAccount('/hook', account.id).length,
      slackFor(account.id).length,
      mailsFor(account.name).length,
    ]).toEqual([1, 1, 1]);
  }, 120_000);

  // Two processes on one database: PostgreSQL only (an embedded database has one opener).
  if (driver === 'pg')
    it('with two processes delivering from one database, each alert is sent once', async () => {
      const second = await startServer({ ...pulse.config, port: 0 }, { logger: ['error', 'warn'] });
      try {
        const accounts = [await healthyAccount(), await healthyAccount(), await healthyAccount()];
        for (const account of accounts) await turnRed(account);
        for (const account of accounts)
          await waitFor('the webhook', () => forAccount('/hook', account.id)[0]);
        await settle(1_000);
        const counts = accounts.map((account) => [
          forAccount('/hook', account.id).length,
          slackFor(account.id).length,
          mailsFor(account.name).length,
        ]);
        expect(counts).toEqual(accounts.map(() => [1, 1, 1]));
      } finally {
        await second.close();
      }
    }, 120_000);

  it(
    'refuses a bad rule with the field and the reason',
    async () => {
      const bad = await send('POST', '/api/alert-rules', {
        name: 'x',
        trigger: 'turned_red',
        threshold: 5,
        channels: [{ kind: 'slack', url: `${receiver.url}/slack` }],
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'invalid_parameter', field: 'threshold' });
      const badUrl = await send('POST', '/api/alert-rules', {
        name: 'x',
        trigger: 'health_drop',
        channels: [{ kind: 'webhook', url: 'ftp://nowhere', secret: SECRET }],
      });
      expect(badUrl.body.error).toMatchObject({ field: 'channels.0.url' });
      const listed = await pulse.get<{ rules: { channels: { secret?: string }[] }[] }>('/api/alert-rules');
      expect(JSON.stringify(listed.body.rules)).not.toContain(SECRET);
    },
    TEST_TIMEOUT,
  );
});
