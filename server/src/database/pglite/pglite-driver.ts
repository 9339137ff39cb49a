import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { ConnectionLock } from './connection-lock.js';

export interface PGliteDriverOptions {
  /** How long a query waits for an open transaction before failing (default 60 s). */
  readonly lockTimeoutMs?: number;
}

/**
 * PGlite has one backend, so the driver hands out one logical connection at a time. A Kysely
 * transaction runs inside `pglite.transaction()`, which holds PGlite's own transaction mutex (so
 * PGlite's LISTEN/UNLISTEN never land inside our transaction) and always ends in COMMIT or ROLLBACK.
 */
export class PGliteDriver implements Driver {
  readonly #lock: ConnectionLock;

  constructor(
    private readonly pglite: PGlite,
    options: PGliteDriverOptions = {},
  ) {
    this.#lock = new ConnectionLock(options.lockTimeoutMs ?? 60_000);
  }

  async init(): Promise<void> {
    await this.pglite.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#lock.acquire();
    return new PGliteConnection(this.pglite);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await (connection as PGliteConnection).begin(settings);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PGliteConnection).end('commit');
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PGliteConnection).end('rollback');
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoteIdentifier(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to savepoint ${quoteIdentifier(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release savepoint ${quoteIdentifier(name)}`));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    try {
      // A transaction Kysely never finished (e.g. an abandoned controlled transaction) is rolled back
      // rather than left holding the backend.
      await (connection as PGliteConnection).end('rollback');
    } finally {
      this.#lock.release();
    }
  }

  async destroy(): Promise<void> {
    if (!this.pglite.closed) await this.pglite.close();
  }
}

const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Promise.withResolvers, which Node 20 lacks. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

interface OpenTransaction {
  readonly tx: Transaction;
  /** Settles the `pglite.transaction()` callback: resolve = COMMIT, reject = ROLLBACK. */
  readonly finish: (outcome: 'commit' | 'rollback') => void;
  /** Settles when PGlite has committed or rolled back. */
  readonly done: Promise<void>;
}

class RollbackRequested extends Error {}

class PGliteConnection implements DatabaseConnection {
  #transaction: OpenTransaction | null = null;

  constructor(private readonly pglite: PGlite) {}

  async begin(settings: TransactionSettings): Promise<void> {
    if (this.#transaction) throw new Error('PGlite: a transaction is already open on this connection');
    const started = deferred<Transaction>();
    const outcome = deferred<'commit' | 'rollback'>();
    const done = this.pglite
      .transaction(async (tx) => {
        started.resolve(tx);
        if ((await outcome.promise) === 'rollback') throw new RollbackRequested();
      })
      .catch((error: unknown) => {
        if (!(error instanceof RollbackRequested)) throw error;
      });
    // BEGIN itself can fail (closed database): surface that instead of waiting for the callback.
    done.catch((error: unknown) => started.reject(error));
    const tx = await started.promise;
    this.#transaction = { tx, finish: outcome.resolve, done };
    const modes = [
      settings.isolationLevel ? `isolation level ${settings.isolationLevel}` : null,
      settings.accessMode ?? null,
    ].filter((mode) => mode !== null);
    if (modes.length > 0) await tx.query(`set transaction ${modes.join(', ')}`);
  }

  async end(outcome: 'commit' | 'rollback'): Promise<void> {
    const transaction = this.#transaction;
    if (!transaction) return;
    this.#transaction = null;
    transaction.finish(outcome);
    await transaction.done;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const target = this.#transaction?.tx ?? this.pglite;
    const result = await target.query<R>(compiledQuery.sql, [...compiledQuery.parameters]);
    // PGlite runs the query on this thread and settles it with microtasks only, so a run of
    // queries awaited one after another (a 100,000-row import's change-feed pages, loads and score
    // writes) never let a timer, socket or request in: one turn of the event loop after each query
    // bounds a stall to one statement (measured after a 100,000-row import: 74 s → 4 s).
    await setImmediatePromise();
    const command = result.command?.toUpperCase();
    const changes =
      command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE';
    return {
      rows: result.rows,
      ...(changes ? { numAffectedRows: BigInt(result.rowCount ?? result.affectedRows ?? 0) } : {}),
    };
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    yield await this.executeQuery<R>(compiledQuery);
  }
}
