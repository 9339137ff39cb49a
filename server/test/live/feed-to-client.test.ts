import { isDeepStrictEqual } from 'node:util';
import { LiveClient, parseTopic, type Topic, type TopicStream } from '@pulse/protocol';
import fc from 'fast-check';
import type { Kysely } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeFeedReader } from '../../src/changes/change-feed-reader.service.js';
import type { Database } from '../../src/database/database.types.js';
import { type TopicChangeSet, TopicLoadError, type TopicSource } from '../../src/live/topic-source.js';
import { accountInsert, newReader, plainSql, startCursorNow } from '../changes/change-feed-harness.js';
import { openTestDatabase, TEST_DRIVERS, type TestDatabase } from '../database/test-database.js';
import { type LiveServer, startLiveServer, waitFor } from './live-harness.js';

/** Topics computed from the real accounts table: the live path end to end, without scoring. */
class AccountsTopicSource implements TopicSource {
  constructor(private readonly db: Kysely<Database>) {}

  async load(topic: Topic): Promise<unknown> {
    const query = this.db
      .selectFrom('accounts')
      .select(['id', 'name', 'region', 'licensed_seats'])
      .orderBy('id');
    switch (topic.kind) {
      case 'account': {
        const row = await query.where('id', '=', topic.accountId).executeTakeFirst();
        if (!row) throw new TopicLoadError('not_found', `no account ${topic.accountId}`);
        return { account: row };
      }
      case 'team': {
        const region = topic.filters.region;
        const rows = await (region ? query.where('region', '=', region) : query).execute();
        return { accounts: Object.fromEntries(rows.map((row) => [row.id, row])) };
      }
      default:
        return {};
    }
  }

  affectedBy(topic: Topic, changes: TopicChangeSet): boolean {
    if (topic.kind === 'account') return changes.accountIds.has(topic.accountId);
    return topic.kind === 'team' && (changes.global || changes.accountIds.size > 0);
  }
}

const TOPICS = ['team:cse', 'team:csm?region=emea', 'account:acc-p0', 'account:acc-p1'];
const ACCOUNTS = ['acc-p0', 'acc-p1', 'acc-p2', 'acc-p3'];

type Command =
  | { kind: 'write'; account: number; seats: number }
  | { kind: 'disconnect'; client: number }
  | { kind: 'reconnect'; client: number }
  | { kind: 'stall'; client: number }
  | { kind: 'pause'; ms: number };

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('write' as const), account: fc.nat(3), seats: fc.nat(500) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('disconnect' as const), client: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reconnect' as const), client: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('stall' as const), client: fc.nat(2) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('pause' as const), ms: fc.integer({ min: 0, max: 80 }) }),
  },
);

describe.each(TEST_DRIVERS)('SQL write → change feed → TopicHub → client, on %s', (driver) => {
  let test: TestDatabase;
  let source: AccountsTopicSource;
  let server: LiveServer;
  let reader: ChangeFeedReader;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    test = await openTestDatabase(driver);
    for (const id of ACCOUNTS) await plainSql(test, accountInsert(id));
    source = new AccountsTopicSource(test.database.db);
    server = await startLiveServer(source, { coalesceMs: 20, heartbeatMs: 300, maxQueuedBytes: 1_024 });
    await startCursorNow(test.database, 'live-e2e');
    reader = newReader(test.database, { cursorName: 'live-e2e', pollMs: 60_000, settleRetryMs: 10 });
    reader.onBatch((batch) => server.hub.onBatch(batch));
    await reader.start();
  }, 60_000);
  afterAll(async () => {
    await reader?.stop();
    await server?.close();
    await test?.dispose();
  }, 60_000);
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });

  const connect = () => {
    const client = LiveClient.connect(server.url, {
      socket: { forceNew: true, reconnectionDelay: 20, reconnectionDelayMax: 100 },
    });
    clients.push(client);
    return client;
  };
  const cold = async (key: string) => {
    const parsed = parseTopic(key);
    if (!parsed.ok) throw new Error(key);
    return JSON.parse(JSON.stringify(await source.load(parsed.topic)));
  };

  it('delivers a plain SQL write to a subscribed client as a delta', async () => {
    const client = connect();
    const stream = client.subscribe<{ account: { licensed_seats: number } }>('account:acc-p2');
    await waitFor(() => stream.view.status === 'live', 'live');
    const seq = stream.view.seq;
    await plainSql(test, "update accounts set licensed_seats = 777 where id = 'acc-p2'");
    await waitFor(() => stream.view.state?.account.licensed_seats === 777, 'the delta');
    expect(stream.view.seq).toBe(seq + 1);
  });

  it('leaves every client equal to a fresh snapshot and to a cold recomputation, whatever happens', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(commandArb, { minLength: 5, maxLength: 25 }), async (commands) => {
        const group = [connect(), connect(), connect()];
        const streams: TopicStream[][] = group.map((client) => TOPICS.map((key) => client.subscribe(key)));
        await waitFor(() => streams.flat().every((s) => s.view.status === 'live'), 'all live');
        const stalled = new Set<number>();
        // The client's TCP socket, to stop reading like a stalled browser (gone once disconnected).
        const tcp = (client: LiveClient) =>
          (
            client.socket.io.engine as unknown as {
              transport: { ws?: { _socket?: { pause(): void; resume(): void } } };
            }
          ).transport.ws?._socket;

        for (const command of commands) {
          const client = 'client' in command ? group[command.client]! : null;
          switch (command.kind) {
            case 'write':
              await plainSql(
                test,
                `update accounts set licensed_seats = ${command.seats} where id = '${ACCOUNTS[command.account]}'`,
              );
              break;
            case 'disconnect':
              client!.socket.disconnect();
              break;
            case 'reconnect':
              client!.socket.connect();
              break;
            case 'stall':
              if (client!.socket.connected && !stalled.has(command.client)) {
                tcp(client!)?.pause();
                stalled.add(command.client);
              }
              break;
            case 'pause':
              await new Promise((resolve) => setTimeout(resolve, command.ms));
              break;
          }
        }
        for (const index of stalled) tcp(group[index]!)?.resume();
        for (const client of group) if (!client.socket.connected) client.socket.connect();
        await reader.readNow();

        const expected = await Promise.all(TOPICS.map(cold));
        await waitFor(
          () => streams.every((row) => row.every((s, t) => isDeepStrictEqual(s.view.state, expected[t]))),
          'clients to converge',
          10_000,
        );
        const fresh = connect();
        const freshStreams = TOPICS.map((key) => fresh.subscribe(key));
        await waitFor(() => freshStreams.every((s) => s.view.status === 'live'), 'fresh snapshots');
        for (const [t, stream] of freshStreams.entries()) expect(stream.view.state).toEqual(expected[t]);
        for (const row of streams)
          for (const [t, stream] of row.entries()) expect(stream.view.state).toEqual(expected[t]);
        for (const client of clients.splice(0)) client.close();
      }),
      { numRuns: 6 },
    );
  }, 120_000);
});
