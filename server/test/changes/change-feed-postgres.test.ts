import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeFeedReader } from '../../src/changes/change-feed-reader.service.js';
import { openTestDatabase, type TestDatabase } from '../database/test-database.js';
import {
  accountInsert,
  newReader,
  plainSql,
  record,
  sleep,
  startCursorNow,
  waitFor,
} from './change-feed-harness.js';

const WRITERS = 8;
const WRITES_PER_WRITER = 1_000;

/** Real PostgreSQL only: PGlite runs one transaction at a time, so nothing commits out of order there. */
describe.skipIf(!process.env.DATABASE_URL)('ChangeFeedReader on a real PostgreSQL', () => {
  let test: TestDatabase;
  let cursorName = '';
  let cursors = 0;
  const readers: ChangeFeedReader[] = [];
  const clients: pg.Client[] = [];

  const connect = async (applicationName = 'pulse-test-writer') => {
    const client = new pg.Client({ connectionString: test.location, application_name: applicationName });
    await client.connect();
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    test = await openTestDatabase('pg');
  }, 60_000);
  afterAll(async () => {
    await test?.dispose();
  }, 60_000);
  beforeEach(async () => {
    cursorName = `pg-test-${++cursors}`;
    await startCursorNow(test.database, cursorName);
  });
  afterEach(async () => {
    for (const reader of readers.splice(0)) await reader.stop();
    for (const client of clients.splice(0)) await client.end().catch(() => undefined);
  });

  it('holds back a committed change until an older open transaction settles, and loses neither', async () => {
    const reader = newReader(test.database, { cursorName, pollMs: 60_000, settleRetryMs: 10 });
    readers.push(reader);
    const { accountIds } = record(reader);
    await reader.start();
    const older = await connect();
    const younger = await connect();
    // The older transaction takes its id and change_log row first but commits last: a cursor over
    // change_log ids would move past its row before the row is visible.
    await older.query('begin');
    await older.query(accountInsert('acc-older'));
    await younger.query(accountInsert('acc-younger'));
    await sleep(150);
    expect(accountIds.has('acc-younger')).toBe(false);
    await older.query('commit');
    await waitFor(() => accountIds.has('acc-older') && accountIds.has('acc-younger'), 'both accounts');
  });

  it('is not held back by a long write transaction in another database on the same server', async () => {
    const reader = newReader(test.database, { cursorName, pollMs: 60_000 });
    readers.push(reader);
    const { accountIds } = record(reader);
    await reader.start();
    const neighbour = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await neighbour.connect();
    clients.push(neighbour);
    await neighbour.query('begin');
    await neighbour.query('select pg_current_xact_id()'); // holds an xid, like a long import
    try {
      await plainSql(test, accountInsert('acc-next-door'));
      await waitFor(() => accountIds.has('acc-next-door'), 'the change despite the neighbour', 2_000);
    } finally {
      await neighbour.query('rollback');
    }
  });

  it(`sees every account written by ${WRITERS} concurrent writers × ${WRITES_PER_WRITER} writes in interleaved long and short transactions`, async () => {
    // The accounts exist beforehand (without change rows), so each write is one update of its own account.
    const ids = Array.from({ length: WRITERS }, (_, w) =>
      Array.from({ length: WRITES_PER_WRITER }, (_, i) => `acc-w${w}-${String(i).padStart(4, '0')}`),
    );
    const setup = await connect();
    await setup.query("begin; set local pulse.skip_change_log = 'on'");
    await setup.query(
      `insert into accounts (id, name, segment, region, success_tier, plan_tier, lifecycle_stage, licensed_seats, contract_start)
       select id, id, 'smb', 'amer', 'essentials', 'premium', 'adopting', 1, '2024-01-01' from unnest($1::text[]) as id`,
      [ids.flat()],
    );
    await setup.query('commit');

    const reader = newReader(test.database, { cursorName, pollMs: 2_000, settleRetryMs: 10, pageSize: 500 });
    readers.push(reader);
    const { accountIds, batches } = record(reader);
    await reader.start();

    const writers = await Promise.all(ids.map(() => connect()));
    await Promise.all(
      writers.map(async (client, w) => {
        const mine = ids[w]!;
        let i = 0;
        let transaction = 0;
        while (i < mine.length) {
          // Odd writers hold long transactions with pauses; even writers commit quickly and often,
          // so ids are handed out in one order and become visible in another.
          const long = (w + transaction) % 2 === 1;
          const size = long ? 40 : 1 + (transaction % 3);
          await client.query('begin');
          for (const id of mine.slice(i, i + size)) {
            await client.query('update accounts set licensed_seats = licensed_seats + 1 where id = $1', [id]);
            if (long && i % 10 === 0) await sleep(2);
            i += 1;
          }
          await client.query('commit');
          transaction += 1;
        }
      }),
    );

    await waitFor(() => accountIds.size === WRITERS * WRITES_PER_WRITER, 'every written account', 30_000);
    const missing = ids.flat().filter((id) => !accountIds.has(id));
    expect(missing).toEqual([]);
    expect(batches.reduce((rows, batch) => rows + batch.rowCount, 0)).toBe(WRITERS * WRITES_PER_WRITER);
  }, 90_000);

  it('listens again after its listening backend is terminated, catching up on what it missed', async () => {
    // No safety-net timer within the test: only the doorbell and the catch-up can deliver.
    const reader = newReader(test.database, { cursorName, pollMs: 600_000, retryMinMs: 50 });
    readers.push(reader);
    const { accountIds } = record(reader);
    await reader.start();
    const admin = await connect('pulse-test-admin');
    const listeners = async () =>
      (
        await admin.query<{ pid: number }>(
          "select pid from pg_stat_activity where application_name = 'pulse-listen' and datname = current_database()",
        )
      ).rows.map((row) => row.pid);
    const [original] = await listeners();
    expect(original).toBeDefined();

    await admin.query('select pg_terminate_backend($1)', [original]);
    await plainSql(test, accountInsert('acc-while-down'));
    await waitFor(async () => (await listeners()).some((pid) => pid !== original), 'a new listening backend');
    await waitFor(() => accountIds.has('acc-while-down'), 'the catch-up read');

    await plainSql(test, accountInsert('acc-after'));
    await waitFor(() => accountIds.has('acc-after'), 'the doorbell on the new connection');
  });
});
