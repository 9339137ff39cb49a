import { sql } from 'kysely';
import pg from 'pg';
import type { ChangeBatch } from '../../src/changes/change-batch.js';
import { type ChangeFeedConfig, DEFAULT_CHANGE_FEED_CONFIG } from '../../src/changes/change-feed.config.js';
import { ChangeFeedReader } from '../../src/changes/change-feed-reader.service.js';
import { ChangeLogRepository } from '../../src/changes/change-log.repository.js';
import type { PulseDatabase } from '../../src/database/create-database.js';
import type { TestDatabase } from '../database/test-database.js';

export const accountInsert = (id: string) =>
  `insert into accounts (id, name, segment, region, success_tier, plan_tier, lifecycle_stage, licensed_seats, contract_start)
   values ('${id}', 'Account ${id}', 'enterprise', 'emea', 'signature', 'ultimate', 'adopting', 10, '2024-01-01')`;

/**
 * Runs SQL the way any SQL client would: a separate connection on pg, the embedded instance on
 * PGlite (one statement at a time there: `;`-separated statements must not contain `;`).
 */
export async function plainSql(test: TestDatabase, text: string): Promise<void> {
  if (test.database.driver === 'pglite') {
    for (const statement of text.split(';')) await sql.raw(statement).execute(test.database.db);
    return;
  }
  const client = new pg.Client({ connectionString: test.location });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export function newReader(database: PulseDatabase, config: Partial<ChangeFeedConfig> = {}): ChangeFeedReader {
  return new ChangeFeedReader(database, new ChangeLogRepository(database.db), {
    ...DEFAULT_CHANGE_FEED_CONFIG,
    ...config,
  });
}

/** Everything a reader hands out. */
export function record(reader: ChangeFeedReader): { batches: ChangeBatch[]; accountIds: Set<string> } {
  const batches: ChangeBatch[] = [];
  const accountIds = new Set<string>();
  reader.onBatch((batch) => {
    batches.push(batch);
    for (const id of batch.accountIds) accountIds.add(id);
  });
  return { batches, accountIds };
}

export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates a cursor at the current horizon: a reader using it sees only changes from now on. */
export async function startCursorNow(database: PulseDatabase, cursorName: string): Promise<void> {
  const changeLog = new ChangeLogRepository(database.db);
  await changeLog.saveMark(cursorName, await changeLog.settledHorizon());
}
