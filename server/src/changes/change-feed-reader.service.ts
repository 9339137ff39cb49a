import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  Optional,
} from '@nestjs/common';
import type { PulseDatabase, Unlisten } from '../database/create-database.js';
import { DATABASE } from '../database/database.module.js';
import { DataPathMetrics } from '../metrics/data-path.metrics.js';
import type { ChangeBatch } from './change-batch.js';
import { CHANGE_FEED_CONFIG, CHANGES_CHANNEL, type ChangeFeedConfig } from './change-feed.config.js';
import { ChangeLogRepository, type ChangeRow } from './change-log.repository.js';

export type ChangeBatchListener = (batch: ChangeBatch) => void | Promise<void>;

const xidBelow = (a: string, b: string) => BigInt(a) < BigInt(b);

/**
 * Reads the change_log outbox losslessly (DESIGN.md §3).
 *
 * Invariant: every change_log row whose transaction id is below `mark` has been handed to the
 * listeners. A read takes the settled horizon H (the xmin of a fresh snapshot, ignoring running
 * transactions of other databases; see settledHorizon): every transaction of this database below
 * H has committed or aborted, so the rows with mark ≤ xid < H are all visible and final, and any
 * row that appears later belongs to a transaction ≥ H. After the listeners accept them, mark := H.
 * Ids are no cursor: a transaction that started earlier can insert a smaller id later than a
 * younger one commits. Rows of later transactions that are already visible wait for the next
 * read (soon, see settleRetryMs). Reading a row twice is harmless, so the mark is saved after
 * the listeners have run; a crash in between replays the batch.
 */
@Injectable()
export class ChangeFeedReader implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ChangeFeedReader.name);
  private readonly listeners = new Set<ChangeBatchListener>();
  private mark: string | null = null;
  private running = false;
  private reading: Promise<void> | null = null;
  private readAgain = false;
  private failures = 0;
  private pollTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private lastPruneAt = 0;
  private unlisten: Unlisten | null = null;
  private listenAttempts = 0;

  constructor(
    @Inject(DATABASE) private readonly database: PulseDatabase,
    private readonly changeLog: ChangeLogRepository,
    @Inject(CHANGE_FEED_CONFIG) private readonly config: ChangeFeedConfig,
    @Optional() @Inject(DataPathMetrics) private readonly metrics: DataPathMetrics | null = null,
  ) {}

  /**
   * Calls `listener` with each batch; the cursor moves past a batch only once every listener's
   * promise resolved (a rejection makes the reader retry the same changes later).
   */
  onBatch(listener: ChangeBatchListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.startOnBoot) await this.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  /** Loads the cursor, listens for the doorbell, starts the safety-net timer and catches up. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.mark = (await this.changeLog.readMark(this.config.cursorName)) ?? '0';
    await this.listen();
    this.pollTimer = setInterval(() => this.wake(), this.config.pollMs).unref();
    await this.readNow();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.pollTimer = null;
    this.retryTimer = null;
    const unlisten = this.unlisten;
    this.unlisten = null;
    await unlisten?.();
    await this.reading;
  }

  /**
   * The settled horizon now: a full scoring pass that starts reading facts after this call covers
   * every change below it, so the caller may then `skipBelow` it.
   */
  settledHorizon(): Promise<string> {
    return this.changeLog.settledHorizon();
  }

  /** Records every change below `horizon` as handled (call before `start`; never moves the mark back). */
  async skipBelow(horizon: string): Promise<void> {
    const mark = (await this.changeLog.readMark(this.config.cursorName)) ?? '0';
    if (xidBelow(mark, horizon)) await this.changeLog.saveMark(this.config.cursorName, horizon);
  }

  /** Asks for a read soon (doorbell, timer); reads never overlap. */
  wake(): void {
    void this.readNow();
  }

  /** Reads now (or right after the read in progress); resolves when the feed has been read. */
  readNow(): Promise<void> {
    if (!this.running) return Promise.resolve();
    if (this.reading) {
      this.readAgain = true;
      return this.reading;
    }
    this.reading = (async () => {
      do {
        this.readAgain = false;
        await this.readOnce();
      } while (this.readAgain && this.running);
    })().finally(() => {
      this.reading = null;
    });
    return this.reading;
  }

  private async readOnce(): Promise<void> {
    const mark = this.mark;
    if (mark === null) return;
    try {
      const horizon = await this.changeLog.settledHorizon();
      if (!xidBelow(mark, horizon)) return;
      const { batch, waiting } = await this.collect(mark, horizon);
      if (batch.rowCount > 0) {
        const started = performance.now();
        this.metrics?.sinceCommit(this.metrics.feedLag, batch.at);
        await Promise.all([...this.listeners].map((listener) => listener(batch)));
        this.metrics?.batch.observe((performance.now() - started) / 1000);
        await this.changeLog.saveMark(this.config.cursorName, horizon);
      }
      this.mark = horizon;
      this.failures = 0;
      if (waiting) this.retryIn(this.config.settleRetryMs);
      await this.pruneNowAndThen(horizon);
    } catch (error) {
      this.failures += 1;
      const delay = this.backoff(this.failures);
      this.logger.warn(`reading the change feed failed (retry in ${delay} ms): ${String(error)}`);
      this.retryIn(delay);
    }
  }

  /** All settled rows from `mark`, page by page, folded into one batch. */
  private async collect(mark: string, horizon: string): Promise<{ batch: ChangeBatch; waiting: boolean }> {
    const batch: ChangeBatch = {
      accountIds: new Set(),
      memberIds: new Set(),
      tables: new Set(),
      global: false,
      at: new Date(0).toISOString(),
      rowCount: 0,
    };
    let newest = 0;
    let waiting = false;
    let afterId = 0;
    for (;;) {
      const rows: ChangeRow[] = await this.changeLog.readFrom(mark, horizon, afterId, this.config.pageSize);
      for (const row of rows) {
        if (!row.settled) {
          waiting = true;
          continue;
        }
        batch.rowCount += 1;
        batch.tables.add(row.tableName);
        if (row.accountId !== null) batch.accountIds.add(row.accountId);
        if (row.memberId !== null) batch.memberIds.add(row.memberId);
        if (row.accountId === null && row.memberId === null) batch.global = true;
        newest = Math.max(newest, row.createdAt.getTime());
      }
      if (rows.length < this.config.pageSize) break;
      afterId = rows[rows.length - 1]!.id;
    }
    batch.at = new Date(newest).toISOString();
    return { batch, waiting };
  }

  private async pruneNowAndThen(mark: string): Promise<void> {
    if (Date.now() - this.lastPruneAt < this.config.pruneEveryMs) return;
    this.lastPruneAt = Date.now();
    await this.changeLog.prune(mark, this.config.retentionMinutes);
  }

  private retryIn(delayMs: number): void {
    if (!this.running || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.wake();
    }, delayMs).unref();
  }

  private backoff(attempt: number): number {
    return Math.min(this.config.retryMaxMs, this.config.retryMinMs * 2 ** Math.min(attempt - 1, 16));
  }

  /** LISTEN for the doorbell; when the listening connection is lost, listen again with backoff and catch up. */
  private async listen(): Promise<void> {
    if (!this.running) return;
    try {
      const unlisten = await this.database.listen(
        CHANGES_CHANNEL,
        () => this.wake(),
        (error) => {
          this.unlisten = null;
          this.logger.warn(`lost the ${CHANGES_CHANNEL} listener: ${error.message}`);
          this.relisten();
        },
      );
      if (!this.running) {
        await unlisten();
        return;
      }
      this.unlisten = unlisten;
      this.listenAttempts = 0;
    } catch (error) {
      this.logger.warn(`could not listen on ${CHANGES_CHANNEL}: ${String(error)}`);
      this.relisten();
    }
  }

  private relisten(): void {
    if (!this.running) return;
    this.listenAttempts += 1;
    setTimeout(async () => {
      await this.listen();
      // Doorbells rung while nobody listened are lost: read whatever they announced.
      if (this.unlisten) this.wake();
    }, this.backoff(this.listenAttempts)).unref();
  }
}
