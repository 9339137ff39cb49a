import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/database/database.types.js';
import { openTestDatabase, type TestDatabase } from './test-database.js';

describe('PGlite dialect', () => {
  let testDb: TestDatabase;
  let db: Kysely<Database>;

  beforeAll(async () => {
    testDb = await openTestDatabase('pglite', { lockTimeoutMs: 1_000 });
    db = testDb.database.db;
  }, 60_000);
  afterAll(async () => {
    await testDb?.dispose();
  });
  beforeEach(async () => {
    await sql`truncate change_cursor`.execute(db);
  });

  const cursors = async () =>
    (await db.selectFrom('change_cursor').select(['name', 'last_id']).orderBy('name').execute()).map(
      (row) => `${row.name}=${row.last_id}`,
    );

  it('commits a transaction', async () => {
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('change_cursor').values({ name: 'a', last_id: 1 }).execute();
      await trx.insertInto('change_cursor').values({ name: 'b', last_id: 2 }).execute();
    });
    expect(await cursors()).toEqual(['a=1', 'b=2']);
  });

  it('rolls back everything when the transaction fails, and keeps working afterwards', async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('change_cursor').values({ name: 'a', last_id: 1 }).execute();
        await trx.insertInto('change_cursor').values({ name: 'a', last_id: 2 }).execute(); // duplicate key
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(await cursors()).toEqual([]);
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('change_cursor').values({ name: 'b', last_id: 1 }).execute();
        throw new Error('application error');
      }),
    ).rejects.toThrow('application error');
    expect(await cursors()).toEqual([]);
    expect((await sql<{ one: number }>`select 1 as one`.execute(db)).rows).toEqual([{ one: 1 }]);
  });

  it('supports savepoints in a controlled transaction', async () => {
    const trx = await db.startTransaction().execute();
    await trx.insertInto('change_cursor').values({ name: 'kept', last_id: 1 }).execute();
    const savepoint = await trx.savepoint('before_mistake').execute();
    await savepoint.insertInto('change_cursor').values({ name: 'undone', last_id: 2 }).execute();
    await savepoint.rollbackToSavepoint('before_mistake').execute();
    await trx.commit().execute();
    expect(await cursors()).toEqual(['kept=1']);
  });

  it('serializes concurrent transactions without losing an update', async () => {
    await db.insertInto('change_cursor').values({ name: 'counter', last_id: 0 }).execute();
    await Promise.all(
      Array.from({ length: 20 }, () =>
        db.transaction().execute(async (trx) => {
          const { last_id } = await trx
            .selectFrom('change_cursor')
            .select('last_id')
            .where('name', '=', 'counter')
            .executeTakeFirstOrThrow();
          await trx
            .updateTable('change_cursor')
            .set({ last_id: last_id + 1 })
            .where('name', '=', 'counter')
            .execute();
        }),
      ),
    );
    expect(await cursors()).toEqual(['counter=20']);
  });

  it('fails instead of hanging when a query waits on a transaction that never finishes', async () => {
    const trx = await db.startTransaction().execute();
    await trx.insertInto('change_cursor').values({ name: 'pending', last_id: 1 }).execute();
    // The classic deadlock: the outer db used while a transaction holds PGlite's only backend.
    await expect(db.selectFrom('change_cursor').selectAll().execute()).rejects.toThrow(
      /PGlite connection busy/,
    );
    await trx.rollback().execute();
    expect(await cursors()).toEqual([]);
  });

  it('reports affected rows like the pg driver', async () => {
    await db
      .insertInto('change_cursor')
      .values([
        { name: 'a', last_id: 1 },
        { name: 'b', last_id: 1 },
      ])
      .execute();
    const result = await db.updateTable('change_cursor').set({ last_id: 5 }).executeTakeFirst();
    expect(result.numUpdatedRows).toBe(2n);
  });

  it('returns bigint, numeric, date and timestamptz the same way as the pg driver', async () => {
    const row = await sql<{ big: number; num: number; day: string; at: Date; arr: string[]; doc: unknown }>`
      select 9007199254740991::bigint as big, 12.34::numeric as num, date '2025-02-01' as day,
        timestamptz '2025-02-01T10:00:00Z' as at, array['dev_lead', 'executive'] as arr, '{"a": 1}'::jsonb as doc`.execute(
      db,
    );
    expect(row.rows[0]).toEqual({
      big: 9007199254740991,
      num: 12.34,
      day: '2025-02-01',
      at: new Date('2025-02-01T10:00:00Z'),
      arr: ['dev_lead', 'executive'],
      doc: { a: 1 },
    });
  });
});
