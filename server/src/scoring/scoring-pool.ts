import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Piscina } from 'piscina';
import { type ScoreRowsInput, type ScoreRowsResult, scoreRows } from './score-rows.js';

/**
 * The threads run `scoreRows` from the server's built module (the package's `./score-rows`
 * export has no source form), however the server itself was loaded: built, or from TypeScript
 * sources under the test runner (which therefore needs `pnpm build` first, as for @pulse/domain).
 */
const SCORE_ROWS_MODULE = pathToFileURL(
  createRequire(import.meta.url).resolve('@pulse/server/score-rows'),
).href;

/**
 * Batches up to this size are scored on the calling thread: a live change dirties a handful of
 * accounts (a few ms of CPU each), and copying their facts to a thread and the results back cost
 * more than that (one dirty account: 3.9 → 6.1 ms of server CPU through the pool, measured with
 * `bench seed`). Bulk syncs and full passes go through the threads.
 */
const IN_PROCESS_MAX_ACCOUNTS = 10;

/**
 * A thread's young generation, above V8's default (semi-spaces of 32 MB, not 16): a chunk's parsed
 * facts survived many scavenges of the default size and were copied at each. Scoring 100-account
 * chunks in a loop: 0.34 → 0.26 ms an account; a cold pass of 20,000 accounts 14 → 12.5 s of
 * process CPU.
 */
const YOUNG_GENERATION_MB = 96;

/**
 * Worker threads that do the CPU part of scoring, so the event loop stays free for heartbeats and
 * deltas while a bulk sync or a full pass is scored. One core is left to the main thread.
 */
@Injectable()
export class ScoringPool implements OnModuleDestroy {
  readonly threads = Math.max(1, availableParallelism() - 1);
  private readonly pool = new Piscina<ScoreRowsInput, ScoreRowsResult>({
    filename: SCORE_ROWS_MODULE,
    name: 'scoreRows',
    minThreads: 1,
    maxThreads: this.threads,
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
  });

  /** Rejects, like scoreRows throws, when any account of the batch cannot be scored. */
  async score(accounts: number, input: ScoreRowsInput): Promise<ScoreRowsResult> {
    if (accounts <= IN_PROCESS_MAX_ACCOUNTS) return scoreRows(input);
    return this.pool.run(input);
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.destroy();
  }
}
