import { isDeepStrictEqual } from 'node:util';
import { type AccountDetail, LiveClient, type TopicStream } from '@pulse/protocol';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_HEADERS,
  freshCluster,
  liveClient,
  type PulseProcess,
  REDIS_URL,
  requireServices,
  startPulse,
  waitUntil,
} from './cluster-harness.js';

/**
 * Three Pulse processes on one PostgreSQL and one Redis (DESIGN.md §9): clients on every process
 * see an outside SQL write; the leader is killed with SIGKILL while writes go on; another process
 * leads within 5 s and every client on the survivors ends equal to a fresh snapshot, with the
 * last write of every account on screen.
 */
describe('cluster failover', () => {
  let cluster: Awaited<ReturnType<typeof freshCluster>>;
  const processes: PulseProcess[] = [];
  const clients: Array<{ process: PulseProcess; client: LiveClient; streams: Map<string, TopicStream> }> = [];
  let sql: pg.Pool;
  let accountIds: string[];
  /** Every (epoch, seq) each stream showed, in order. */
  const positions = new Map<TopicStream, Array<{ epoch: string; seq: number }>>();

  beforeAll(async () => {
    await requireServices();
    cluster = await freshCluster();
    const env = {
      DATABASE_URL: cluster.databaseUrl,
      REDIS_URL,
      PULSE_REDIS_PREFIX: cluster.prefix,
      PULSE_DEMO_ACCOUNTS: '60',
      PULSE_COALESCE_MS: '20',
    };
    // The first one leads and seeds; the others join once it is ready.
    processes.push(await startPulse(env));
    await waitUntil(() => processes[0]!.isLeader(), 'the first process to lead');
    // The third one logs at info, the others at warn (the harness's default).
    processes.push(...(await Promise.all([startPulse(env), startPulse({ ...env, LOG_LEVEL: 'info' })])));
    sql = new pg.Pool({ connectionString: cluster.databaseUrl, max: 4 });
    const { rows } = await sql.query<{ id: string }>('select id from accounts order by id limit 3');
    accountIds = rows.map((row) => row.id);
  }, 120_000);

  afterAll(async () => {
    for (const { client } of clients) client.close();
    await Promise.all(processes.map((pulse) => pulse.kill('SIGTERM')));
    await sql?.end();
    await cluster?.drop();
  });

  const topics = () => ['team:csm', ...accountIds.map((id) => `account:${id}`)];

  it('shows an outside SQL write to clients on every process', async () => {
    for (const pulse of processes) {
      for (let i = 0; i < 2; i += 1) {
        const client = liveClient(pulse.url);
        const streams = new Map(topics().map((topic) => [topic, client.subscribe(topic)]));
        for (const stream of streams.values()) {
          const seen: Array<{ epoch: string; seq: number }> = [];
          positions.set(stream, seen);
          stream.onChange((view) => {
            const last = seen.at(-1);
            if (view.epoch !== null && (last?.epoch !== view.epoch || last.seq !== view.seq)) {
              seen.push({ epoch: view.epoch, seq: view.seq });
            }
          });
        }
        clients.push({ process: pulse, client, streams });
      }
    }
    await waitUntil(
      () =>
        clients.every(({ streams }) =>
          [...streams.values()].every((stream) => stream.view.status === 'live'),
        ),
      'every client live on every topic',
    );
    await sql.query('update accounts set name = $2 where id = $1', [accountIds[0], 'Outside write 0']);
    await waitUntil(
      () =>
        clients.every(
          ({ streams }) =>
            (streams.get(`account:${accountIds[0]}`)!.view.state as AccountDetail).account.name ===
            'Outside write 0',
        ),
      'the write on every client',
    );
    // Every process's API too (followers reload their read model when the leader publishes).
    const listed = async (pulse: PulseProcess) => {
      const page = (await (
        await fetch(`${pulse.url}/api/accounts?limit=200`, { headers: ADMIN_HEADERS })
      ).json()) as {
        items: Array<{ id: string; name: string }>;
      };
      return page.items.find((item) => item.id === accountIds[0])?.name;
    };
    await waitUntil(
      async () => (await Promise.all(processes.map(listed))).every((name) => name === 'Outside write 0'),
      'the write in every process API',
    );
  }, 60_000);

  it('names the operations series on /metrics', async () => {
    const leader = processes[0]!;
    const text = await (await fetch(`${leader.url}/metrics`)).text();
    const count = (series: string) => Number(new RegExp(`^${series} (\\S+)$`, 'm').exec(text)?.[1]);
    // The outside write above went through each stage once at least.
    expect(count('pulse_commit_to_publish_seconds_count')).toBeGreaterThan(0);
    expect(count('pulse_change_feed_lag_seconds_count')).toBeGreaterThan(0);
    expect(count('pulse_change_batch_seconds_count')).toBeGreaterThan(0);
    expect(count('pulse_scoring_seconds_count')).toBeGreaterThan(0);
    expect(count('nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    expect(count('pulse_live_sockets')).toBe(2);
    expect(count('pulse_live_subscriptions{topic="team:csm"}')).toBe(2);
    expect(count('pulse_leader')).toBe(1);
    expect(count('pulse_redis_up')).toBe(1);
    const follower = await (await fetch(`${processes[1]!.url}/metrics`)).text();
    expect(follower).toMatch(/^pulse_leader 0$/m);
    expect(follower).toMatch(/^pulse_live_subscriptions\{topic="team:csm"\} 2$/m);
  });

  it('logs JSON lines at LOG_LEVEL', () => {
    const entries = processes.map((pulse) =>
      pulse.output
        .join('')
        .split('\n')
        .filter((line) => line.trim())
        .map((line) => JSON.parse(line) as { level: number; context?: string; msg: string }),
    );
    // pino levels: 30 info, 40 warn.
    for (const entry of [...entries[0]!, ...entries[1]!])
      expect(entry.level, entry.msg).toBeGreaterThanOrEqual(40);
    expect(entries[2]!.some((entry) => entry.level === 30 && /^Dashboard on /.test(entry.msg))).toBe(true);
  });

  it('fails over within 5 s of a SIGKILL mid-stream, losing no update', async () => {
    const leader = (await Promise.all(processes.map((pulse) => pulse.isLeader()))).indexOf(true);
    expect(leader).toBeGreaterThanOrEqual(0);
    const survivors = processes.filter((_, index) => index !== leader);
    const lastName = new Map<string, string>();
    let writes = 0;
    let writing = true;
    const writer = (async () => {
      while (writing) {
        const id = accountIds[writes % accountIds.length]!;
        const name = `Write ${writes}`;
        await sql.query('update accounts set name = $2 where id = $1', [id, name]);
        lastName.set(id, name);
        writes += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await processes[leader]!.kill('SIGKILL');
    const killedAt = Date.now();
    await waitUntil(
      async () =>
        (await Promise.all(survivors.map((pulse) => pulse.isLeader().catch(() => false)))).includes(true),
      'another process to lead',
      5_000,
    );
    const failoverMs = Date.now() - killedAt;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    writing = false;
    await writer;
    expect(writes).toBeGreaterThan(50);

    const surviving = clients.filter(({ process }) => survivors.includes(process));
    // Fresh snapshots from a new client on a survivor: what every other client must equal.
    const fresh = liveClient(survivors[0]!.url);
    try {
      await waitUntil(
        () => {
          const expected = new Map(topics().map((topic) => [topic, fresh.subscribe(topic).view]));
          if (![...expected.values()].every((view) => view.status === 'live')) return false;
          const named = accountIds.every(
            (id) => (expected.get(`account:${id}`)!.state as AccountDetail).account.name === lastName.get(id),
          );
          return (
            named &&
            surviving.every(({ streams }) =>
              topics().every((topic) =>
                equalJson(streams.get(topic)!.view.state, expected.get(topic)!.state),
              ),
            )
          );
        },
        'every surviving client equal to a fresh snapshot with the last writes',
        20_000,
      );
    } finally {
      fresh.close();
    }
    expect(failoverMs).toBeLessThan(5_000);
    // The new leader continued every stream (same epoch, next seq): no client saw a position twice
    // or went back, and none needed a new snapshot.
    for (const { streams } of surviving) {
      for (const stream of streams.values()) {
        const seen = positions.get(stream)!;
        expect(new Set(seen.map((position) => position.epoch)).size).toBe(1);
        for (let i = 1; i < seen.length; i += 1) expect(seen[i]!.seq).toBeGreaterThan(seen[i - 1]!.seq);
      }
    }
  }, 60_000);

  it('hands the leadership over at once on SIGTERM, sending its clients to reconnect', async () => {
    const alive = processes.filter(
      (pulse) => pulse.child.exitCode === null && pulse.child.signalCode === null,
    );
    const leader = alive[(await Promise.all(alive.map((pulse) => pulse.isLeader()))).indexOf(true)]!;
    const other = alive.find((pulse) => pulse !== leader)!;
    const itsClients = clients.filter(({ process }) => process === leader);
    const stoppedAt = Date.now();
    await leader.kill('SIGTERM');
    // Nest re-raises the signal once it has shut down; SIGKILL would mean it hung (see PulseProcess.kill).
    expect(leader.child.signalCode).toBe('SIGTERM');
    await waitUntil(() => other.isLeader(), 'the last process to lead', 5_000);
    // The lock is freed by the shutdown, not found free at the next try after a timeout.
    expect(Date.now() - stoppedAt).toBeLessThan(3_000);
    for (const { streams } of itsClients) {
      for (const stream of streams.values()) expect(stream.view.status).toBe('offline');
    }
  }, 30_000);
});

const equalJson = (a: unknown, b: unknown) => isDeepStrictEqual(a, b);
