import net from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import { type AccountDetail, type TopicStatus } from '@pulse/protocol';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  freshCluster,
  liveClient,
  type PulseProcess,
  REDIS_URL,
  requireServices,
  startPulse,
  waitUntil,
} from './cluster-harness.js';

/** A TCP proxy to Redis that the test can cut (every connection dropped, new ones refused) and restore. */
async function redisProxy(target: URL) {
  const port = await freePort();
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  const open = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((inbound) => {
        const outbound = net.connect(Number(target.port || 6379), target.hostname);
        for (const socket of [inbound, outbound]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => {});
        }
        inbound.pipe(outbound).pipe(inbound);
        inbound.on('close', () => outbound.destroy());
        outbound.on('close', () => inbound.destroy());
      });
      server.listen(port, '127.0.0.1', resolve);
    });
  await open();
  return {
    url: `redis://127.0.0.1:${port}`,
    async cut() {
      const closed = new Promise((resolve) => server?.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    restore: open,
  };
}

/** A follower that loses Redis sends its clients to reconnect, and they converge once it is back. */
describe('a gateway losing Redis', () => {
  let cluster: Awaited<ReturnType<typeof freshCluster>>;
  const processes: PulseProcess[] = [];
  let sql: pg.Pool;

  beforeAll(async () => {
    await requireServices();
    cluster = await freshCluster();
    const env = {
      DATABASE_URL: cluster.databaseUrl,
      PULSE_REDIS_PREFIX: cluster.prefix,
      PULSE_DEMO_ACCOUNTS: '40',
      PULSE_COALESCE_MS: '20',
    };
    processes.push(await startPulse({ ...env, REDIS_URL }));
    await waitUntil(() => processes[0]!.isLeader(), 'the first process to lead');
    sql = new pg.Pool({ connectionString: cluster.databaseUrl, max: 2 });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(processes.map((pulse) => pulse.kill('SIGTERM')));
    await sql?.end();
    await cluster?.drop();
  });

  it('shows its clients reconnecting, then converges when Redis returns', async () => {
    const proxy = await redisProxy(new URL(REDIS_URL));
    const gateway = await startPulse({
      DATABASE_URL: cluster.databaseUrl,
      PULSE_REDIS_PREFIX: cluster.prefix,
      REDIS_URL: proxy.url,
      PULSE_COALESCE_MS: '20',
    });
    processes.push(gateway);
    const { rows } = await sql.query<{ id: string }>('select id from accounts order by id limit 1');
    const accountId = rows[0]!.id;
    const topics = ['team:csm', `account:${accountId}`];
    const client = liveClient(gateway.url, { socket: { reconnectionDelayMax: 500 } });
    try {
      const streams = topics.map((topic) => client.subscribe(topic));
      const seen = new Set<TopicStatus>();
      for (const stream of streams) stream.onChange((view) => seen.add(view.status));
      await waitUntil(() => streams.every((stream) => stream.view.status === 'live'), 'the client live');

      await proxy.cut();
      await waitUntil(
        () => streams.every((stream) => stream.view.status === 'offline'),
        'the client reconnecting',
      );
      const health = await fetch(`${gateway.url}/api/health`);
      expect(health.status, JSON.stringify(await health.json())).toBe(503);
      // Committed while the gateway cannot hear about it.
      await sql.query('update accounts set name = $2 where id = $1', [
        accountId,
        'Renamed during the outage',
      ]);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(streams.every((stream) => stream.view.status === 'offline')).toBe(true);

      await proxy.restore();
      const fresh = liveClient(processes[0]!.url);
      try {
        await waitUntil(
          () => {
            const expected = topics.map((topic) => fresh.subscribe(topic).view);
            return (
              expected.every((view) => view.status === 'live') &&
              (expected[1]!.state as AccountDetail).account.name === 'Renamed during the outage' &&
              streams.every(
                (stream, index) =>
                  stream.view.status === 'live' &&
                  isDeepStrictEqual(stream.view.state, expected[index]!.state),
              )
            );
          },
          'the client to converge after Redis returned',
          30_000,
        );
      } finally {
        fresh.close();
      }
      expect(seen.has('offline')).toBe(true);
      expect((await fetch(`${gateway.url}/api/health/ready`)).status).toBe(200);
    } finally {
      client.close();
      await proxy.cut();
    }
  }, 90_000);
});
