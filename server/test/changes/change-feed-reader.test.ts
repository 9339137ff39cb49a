import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeBatch } from '../../src/changes/change-batch.js';
import type { ChangeFeedConfig } from '../../src/changes/change-feed.config.js';
import { ChangeFeedReader } from '../../src/changes/change-feed-reader.service.js';
import { ChangesModule } from '../../src/changes/changes.module.js';
import { DATABASE, KYSELY } from '../../src/database/database.module.js';
import { openTestDatabase, TEST_DRIVERS, type TestDatabase } from '../database/test-database.js';
import {
  accountInsert,
  newReader,
  plainSql,
  record,
  sleep,
  startCursorNow,
  waitFor,
} from './change-feed-harness.js';

describe.each(TEST_DRIVERS)('ChangeFeedReader on %s', (driver) => {
  // One database for the file (opening and migrating one is slow); each test reads through its own
  // cursor, created at the current horizon, so it sees only what it writes.
  let test: TestDatabase;
  let cursorName = '';
  let cursors = 0;
  const readers: ChangeFeedReader[] = [];
  const reader = (config: Partial<ChangeFeedConfig> = {}) => {
    const created = newReader(test.database, { cursorName, pollMs: 60_000, ...config });
    readers.push(created);
    return created;
  };

  beforeAll(async () => {
    test = await openTestDatabase(driver);
  }, 60_000);
  afterAll(async () => {
    await test?.dispose();
  }, 60_000);
  beforeEach(async () => {
    cursorName = `test-${++cursors}`;
    await startCursorNow(test.database, cursorName);
  });
  afterEach(async () => {
    for (const created of readers.splice(0)) await created.stop();
  });

  it('turns a plain SQL write into a batch naming the account, the person or a global change', async () => {
    const feed = reader();
    const { batches, accountIds } = record(feed);
    await feed.start();
    const before = Date.now();
    await plainSql(test, accountInsert('acc-sql-1'));
    await waitFor(() => accountIds.has('acc-sql-1'), 'the doorbell to deliver acc-sql-1');
    expect(batches.at(-1)).toMatchObject({ tables: new Set(['accounts']), global: false, rowCount: 1 });
    expect(Date.parse(batches.at(-1)!.at)).toBeGreaterThanOrEqual(before - 1_000);

    await plainSql(
      test,
      "insert into team_members (id, name, email, role, region) values ('tm-1', 'Ada', 'ada@example.com', 'cse', 'emea')",
    );
    await waitFor(() => batches.some((b) => b.memberIds.has('tm-1')), 'member change');
    await plainSql(
      test,
      "insert into program_sessions (kind, title, held_on) values ('webinar', 'CI 101', '2025-01-10')",
    );
    await waitFor(() => batches.some((b) => b.global && b.tables.has('program_sessions')), 'global change');
  });

  it('folds many changes into one batch per read, one entry per account', async () => {
    const feed = reader();
    const { batches } = record(feed);
    await plainSql(test, `${accountInsert('acc-a')}; ${accountInsert('acc-b')}`);
    await plainSql(test, "update accounts set licensed_seats = 11 where id = 'acc-a'");
    await feed.start();
    expect(batches).toHaveLength(1);
    expect(batches[0]).toMatchObject({ accountIds: new Set(['acc-a', 'acc-b']), rowCount: 3 });
  });

  it('keeps its cursor across restarts: nothing consumed is replayed, nothing written meanwhile is lost', async () => {
    const first = reader();
    const firstSeen = record(first);
    await first.start();
    await plainSql(test, accountInsert('acc-1'));
    await waitFor(() => firstSeen.accountIds.has('acc-1'), 'acc-1');
    await first.stop();

    await plainSql(test, accountInsert('acc-2'));
    const second = reader();
    const secondSeen = record(second);
    await second.start();
    expect([...secondSeen.accountIds]).toEqual(['acc-2']);
  });

  it('skips what a full pass already covered (skipBelow the horizon taken before it)', async () => {
    await plainSql(test, accountInsert('acc-covered'));
    const feed = reader();
    const seen = record(feed);
    await feed.skipBelow(await feed.settledHorizon());
    await feed.start();
    await plainSql(test, accountInsert('acc-after-pass'));
    await waitFor(() => seen.accountIds.has('acc-after-pass'), 'the later change');
    expect([...seen.accountIds]).toEqual(['acc-after-pass']);
  });

  it('offers the same changes again when a listener fails, and moves on once it succeeds', async () => {
    const feed = reader({ retryMinMs: 20 });
    let failuresLeft = 2;
    const delivered: ChangeBatch[] = [];
    feed.onBatch(async (batch) => {
      if (failuresLeft-- > 0) throw new Error('scoring is down');
      delivered.push(batch);
    });
    await feed.start();
    await plainSql(test, accountInsert('acc-retry'));
    await waitFor(() => delivered.length > 0, 'delivery after retries');
    expect(delivered[0]!.accountIds).toEqual(new Set(['acc-retry']));
    await sleep(100);
    expect(delivered).toHaveLength(1);
  });

  it('prunes consumed rows past their retention and keeps the rest', async () => {
    await plainSql(test, `${accountInsert('acc-old')}; ${accountInsert('acc-new')}`);
    await sql`update change_log set created_at = now() - interval '2 hours' where account_id = 'acc-old'`.execute(
      test.database.db,
    );
    const feed = reader({ retentionMinutes: 60, pruneEveryMs: 0 });
    await feed.start();
    await plainSql(test, accountInsert('acc-later'));
    await feed.readNow();
    const left = await test.database.db
      .selectFrom('change_log')
      .select('account_id')
      .where('account_id', 'in', ['acc-old', 'acc-new', 'acc-later'])
      .orderBy('id')
      .execute();
    expect(left.map((row) => row.account_id)).toEqual(['acc-new', 'acc-later']);
  });

  it('starts with the application through ChangesModule and stops before the database closes', async () => {
    const database = test.database;
    @Global()
    @Module({
      providers: [
        { provide: DATABASE, useValue: database },
        { provide: KYSELY, useValue: database.db },
      ],
      exports: [DATABASE, KYSELY],
    })
    class TestDatabaseModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [TestDatabaseModule, ChangesModule.forRoot({ cursorName, pollMs: 60_000 })],
    }).compile();
    const seen = record(moduleRef.get(ChangeFeedReader));
    await moduleRef.init();
    await plainSql(test, accountInsert('acc-nest'));
    await waitFor(() => seen.accountIds.has('acc-nest'), 'acc-nest through the module');
    await moduleRef.close();
  });
});
