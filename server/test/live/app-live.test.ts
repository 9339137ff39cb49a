import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REGIONS, type Region, type Scorecard, type TeamView } from '@pulse/domain';
import type { AccountDetail, AccountListPage, ChangesState, Delta } from '@pulse/protocol';
import { LiveClient, LiveEvents, type TopicStream } from '@pulse/protocol';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../app-harness.js';
import { TEST_DRIVERS } from '../database/test-database.js';
import { waitFor } from './live-harness.js';

const run = promisify(execFile);

async function waitForAsync(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The whole server, live: a committed write reaches subscribed clients as ordered deltas from the
 * real pipeline (change feed → scoring → views → hub), and clients converge on what a fresh load
 * shows after the database connection dies and after the server restarts.
 */
describe.each(TEST_DRIVERS)('live dashboard data on %s', (driver) => {
  let pulse: TestApp;
  let client: LiveClient;
  let target: AccountDetail;
  const streams = new Map<string, TopicStream<unknown>>();
  const topics = () => [...streams.keys()];
  /** A region the target account is not in: its feed must not show the target's moves. */
  let otherRegion: Region;

  /** A plain SQL client outside the server: psql on Postgres; the server's own connection on PGlite. */
  async function writeSql(statement: string): Promise<void> {
    if (driver === 'pg') {
      await run('psql', [pulse.config.databaseUrl ?? '', '-v', 'ON_ERROR_STOP=1', '-qc', statement]);
    } else {
      await sql.raw(statement).execute(pulse.database.db);
    }
  }

  const sentiment = (color: 'red' | 'green', summary: string) =>
    `insert into timeline_entries (account_id, author_id, kind, occurred_at, sentiment, personas, summary)
     values ('${target.account.id}', '${target.account.csmId}', 'call', now(), '${color}', '{}', '${summary}')`;

  const stream = <S>(topic: string) => streams.get(topic) as TopicStream<S>;

  async function expectConverged(): Promise<void> {
    await waitFor(
      () => topics().every((topic) => stream(topic).view.status === 'live'),
      'every topic live',
      20_000,
    );
    const fresh = pulse.liveClient();
    try {
      for (const topic of topics()) {
        const check = fresh.subscribe(topic);
        await waitFor(() => check.view.status === 'live', `fresh snapshot of ${topic}`, 20_000);
        await waitFor(
          () => JSON.stringify(stream(topic).view.state) === JSON.stringify(check.view.state),
          `${topic} equal to a fresh snapshot`,
          10_000,
        );
      }
    } finally {
      fresh.close();
    }
    // The REST API serves the same states (retried: a background rescoring may still be publishing).
    for (const [topic, path] of [
      ['team:csm', '/api/kpis/csm'],
      [`account:${target.account.id}`, `/api/accounts/${target.account.id}`],
    ] as const) {
      let rest: unknown;
      await waitForAsync(async () => {
        rest = (await pulse.get(path)).body;
        return JSON.stringify(stream(topic).view.state) === JSON.stringify(rest);
      }, `${topic} equal to ${path}`);
      expect(stream(topic).view.state).toEqual(rest);
    }
  }

  beforeAll(async () => {
    pulse = await startTestApp(driver);
    // An account whose colour comes from its score and whose CSM's sentiment counts (KPIS.md §1.1).
    const list = await pulse.get<AccountListPage>('/api/accounts?color=green&limit=500');
    for (const item of list.body.items) {
      const detail = (await pulse.get<AccountDetail>(`/api/accounts/${item.id}`)).body;
      const tierWithSentiment = ['essentials', 'advanced', 'signature'].includes(detail.account.successTier);
      if (tierWithSentiment && detail.account.csmId && detail.scorecard.colorCause === 'score') {
        target = detail;
        break;
      }
    }
    expect(target, 'a green CSM-tier account in the demo').toBeDefined();
    otherRegion = REGIONS.find((region) => region !== target.account.region) as Region;
    client = pulse.liveClient();
    for (const topic of [
      'team:csm',
      'team:cse?region=emea',
      `account:${target.account.id}`,
      'changes',
      `changes?owner=${target.account.csmId}`,
      `changes?region=${otherRegion}`,
      'renewals',
    ]) {
      const topicStream = client.subscribe(topic);
      streams.set(topicStream.topic, topicStream);
    }
    await waitFor(() => topics().every((topic) => stream(topic).view.status === 'live'), 'snapshots', 30_000);
  }, 240_000);

  afterAll(async () => {
    client?.close();
    await pulse?.stop();
  });

  it('turns an account red on every subscribed screen when its CSM logs red sentiment', async () => {
    const account = stream<AccountDetail>(`account:${target.account.id}`);
    const team = stream<TeamView>('team:csm');
    const changes = stream<ChangesState>('changes');
    const redBefore = team.view.state?.healthDistribution.colors.red.count ?? 0;
    const seqBefore = account.view.seq;
    const feedDeltas: Delta[] = [];
    const onDelta = (delta: Delta) => {
      if (delta.topic === 'changes') feedDeltas.push(delta);
    };
    client.socket.on(LiveEvents.delta, onDelta);

    await writeSql(sentiment('red', 'Champion left; blocked on budget'));

    await waitFor(() => account.view.state?.scorecard.color === 'red', 'the account turning red', 10_000);
    const scorecard = account.view.state?.scorecard as Scorecard;
    expect(scorecard.colorCause).toBe('sentiment_override');
    expect(account.view.seq).toBeGreaterThan(seqBefore);
    expect(Date.parse(account.view.at ?? '')).toBeGreaterThan(Date.now() - 60_000);
    await waitFor(
      () => team.view.state?.healthDistribution.colors.red.count === redBefore + 1,
      'one more red account on the CSM view',
      10_000,
    );
    await waitFor(
      () =>
        Object.values(changes.view.state?.changes ?? {}).some(
          (change) => change.accountId === target.account.id && change.toColor === 'red',
        ),
      'the move in the "what changed" feed',
      10_000,
    );
    client.socket.off(LiveEvents.delta, onDelta);
    // The move reached the feed as its one entry, as the feed shows it (the oldest may age out).
    const [arrival] = feedDeltas.filter((delta) => delta.ops.some((op) => op.op === 'add'));
    const added = arrival?.ops.filter((op) => op.op === 'add') ?? [];
    expect(added).toEqual([
      {
        op: 'add',
        path: expect.stringMatching(/^\/changes\/\d+$/),
        value: expect.objectContaining({ accountId: target.account.id, toColor: 'red' }),
      },
    ]);
    expect(arrival?.ops.filter((op) => op.op !== 'add' && op.op !== 'remove')).toEqual([]);
    expect(JSON.stringify(arrival).length).toBeLessThan(1024);
    // A team view's feed holds the moves of its own accounts only: the CSM's book has the move,
    // another region's feed never shows it, and every move in the CSM's feed is of their book.
    const csm = target.account.csmId as string;
    const csmFeed = stream<ChangesState>(`changes?owner=${csm}`);
    await waitFor(
      () =>
        Object.values(csmFeed.view.state?.changes ?? {}).some(
          (change) => change.accountId === target.account.id && change.toColor === 'red',
        ),
      "the move in the CSM's own feed",
      10_000,
    );
    const book = new Set(
      (await pulse.get<AccountListPage>(`/api/accounts?owner=${csm}&limit=500`)).body.items.map(
        (item) => item.id,
      ),
    );
    expect(
      Object.values(csmFeed.view.state?.changes ?? {}).filter((change) => !book.has(change.accountId)),
    ).toEqual([]);
    const elsewhere = stream<ChangesState>(`changes?region=${otherRegion}`);
    expect(
      Object.values(elsewhere.view.state?.changes ?? {}).map((change) => change.accountId),
    ).not.toContain(target.account.id);
    await expectConverged();
  }, 60_000);

  it.runIf(driver === 'pg')(
    'recovers when the database kills its listening connection',
    async () => {
      const admin = new pg.Client({ connectionString: pulse.config.databaseUrl ?? '' });
      await admin.connect();
      try {
        const killed = await admin.query(
          `select pg_terminate_backend(pid) from pg_stat_activity
         where datname = current_database() and application_name = 'pulse-listen'`,
        );
        expect(killed.rowCount).toBeGreaterThan(0);
      } finally {
        await admin.end();
      }
      await writeSql(sentiment('green', 'Budget approved, champion back'));
      const account = stream<AccountDetail>(`account:${target.account.id}`);
      await waitFor(
        () => account.view.state?.scorecard.colorCause !== 'sentiment_override',
        'recovery',
        20_000,
      );
      await expectConverged();
    },
    60_000,
  );

  it('shows clients offline while the server is down, then resynchronises them after a restart', async () => {
    await pulse.close();
    await waitFor(
      () => topics().every((topic) => stream(topic).view.status === 'offline'),
      'offline',
      10_000,
    );
    // On Postgres the write lands while no server runs, and the restarted server must still deliver
    // it; the embedded database lives inside the server, so there it is written after the restart.
    const write = () => writeSql(sentiment('red', 'Escalation after the outage'));
    if (driver === 'pg') await write();
    await pulse.start();
    if (driver === 'pglite') await write();
    const account = stream<AccountDetail>(`account:${target.account.id}`);
    await waitFor(
      () => account.view.state?.scorecard.colorCause === 'sentiment_override',
      'red again',
      30_000,
    );
    await expectConverged();
  }, 120_000);
});
