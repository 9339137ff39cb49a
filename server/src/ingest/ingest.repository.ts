import { Inject, Injectable } from '@nestjs/common';
import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import { KYSELY } from '../database/database.module.js';
import type { Database } from '../database/database.types.js';
import type { IngestTable, ParentLink, Reference } from './ingest-tables.js';

/** Counts of one upsert: rows new to the table, rows changed, and (by difference) rows already equal. */
export interface UpsertCounts {
  inserted: number;
  updated: number;
}

/** What a claimed Idempotency-Key already holds: the request it was first used with and its answer. */
export interface StoredIdempotentRequest {
  requestHash: string;
  response: unknown;
}

/**
 * PostgreSQL takes at most 65,535 parameters per statement; a chunk of rows stays well below it, and
 * small enough that the embedded database (which runs on the event loop) yields between chunks.
 */
const PARAMETERS_PER_STATEMENT = 30_000;
const MAX_ROWS_PER_STATEMENT = 1_000;

/** Idempotency keys are kept a day: long enough for any client's retries. */
const IDEMPOTENCY_KEY_DAYS = 1;

/** Writes of one ingest or import, inside its transaction: all of them commit together or none. */
export class IngestTransaction {
  constructor(private readonly trx: Transaction<Database>) {}

  /** The ids among `ids` that exist in `reference.table`. */
  async existingIds(reference: Reference, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await sql<{ id: string }>`
      select id from ${sql.table(reference.table)} where id = any(${ids}::text[])`.execute(this.trx);
    return new Set(rows.rows.map((row) => row.id));
  }

  /** Internal ids of the parent rows named by `keys` (source key → id). */
  async parentIds(parent: ParentLink, keys: string[]): Promise<Map<string, number>> {
    if (keys.length === 0) return new Map();
    const rows = await sql<{ key: string; id: number }>`
      select ${sql.ref(parent.by)} as key, id from ${sql.table(parent.table)}
      where ${sql.ref(parent.by)} = any(${keys}::text[])`.execute(this.trx);
    return new Map(rows.rows.map((row) => [row.key, Number(row.id)]));
  }

  /**
   * Inserts `rows` or updates the row with the same key, and only when a value differs: a batch sent
   * twice leaves the table, the change log and the dashboards as they were.
   */
  async upsert(table: IngestTable, columns: readonly string[], rows: readonly Record<string, unknown>[]) {
    const counts: UpsertCounts = { inserted: 0, updated: 0 };
    const chunkSize = Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(PARAMETERS_PER_STATEMENT / columns.length));
    for (let start = 0; start < rows.length; start += chunkSize) {
      const result = await upsertStatement(table, columns, rows.slice(start, start + chunkSize)).execute(
        this.trx,
      );
      for (const row of result.rows) {
        if (row.inserted) counts.inserted++;
        else counts.updated++;
      }
    }
    return counts;
  }

  /**
   * Takes `key` for this request. Returns null when the key is new; otherwise what it holds. A
   * concurrent request with the same key waits here until the first one commits or rolls back.
   */
  async claimIdempotencyKey(key: string, requestHash: string): Promise<StoredIdempotentRequest | null> {
    await this.trx
      .deleteFrom('idempotency_keys')
      .where('created_at', '<', sql<Date>`now() - make_interval(days => ${IDEMPOTENCY_KEY_DAYS})`)
      .execute();
    const claimed = await this.trx
      .insertInto('idempotency_keys')
      .values({ key, request_hash: requestHash })
      .onConflict((conflict) => conflict.column('key').doNothing())
      .returning('key')
      .executeTakeFirst();
    if (claimed) return null;
    const stored = await this.trx
      .selectFrom('idempotency_keys')
      .select(['request_hash', 'response'])
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    return { requestHash: stored.request_hash, response: stored.response };
  }

  async saveIdempotentResponse(key: string, response: unknown): Promise<void> {
    await this.trx
      .updateTable('idempotency_keys')
      .set({ response: JSON.stringify(response) })
      .where('key', '=', key)
      .execute();
  }
}

function upsertStatement(
  table: IngestTable,
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
): RawBuilder<{ inserted: boolean }> {
  const compared = columns.filter((column) => !table.key.includes(column));
  const assignments = [
    ...compared.map((column) => sql`${sql.ref(column)} = ${sql.ref(`excluded.${column}`)}`),
    ...(table.touched ?? []).map((column) => sql`${sql.ref(column)} = now()`),
  ];
  const current = sql.join(compared.map((column) => sql.ref(`${table.name}.${column}`)));
  const incoming = sql.join(compared.map((column) => sql.ref(`excluded.${column}`)));
  const values = sql.join(
    rows.map((row) => sql`(${sql.join(columns.map((column) => row[column] ?? null))})`),
  );
  return sql<{ inserted: boolean }>`
    insert into ${sql.table(table.name)} (${sql.join(columns.map((column) => sql.ref(column)))})
    values ${values}
    on conflict (${sql.join(table.key.map((column) => sql.ref(column)))}) do update
    set ${sql.join(assignments)}
    where (${current}) is distinct from (${incoming})
    returning (xmax = 0) as inserted`;
}

@Injectable()
export class IngestRepository {
  constructor(@Inject(KYSELY) private readonly db: Kysely<Database>) {}

  /** Runs `work` in one transaction: everything it writes commits together, or nothing does. */
  transaction<T>(work: (writes: IngestTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(new IngestTransaction(trx)));
  }
}
