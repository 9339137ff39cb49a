import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { LEADER_LOCK_KEY } from './cluster.config.js';

export const LEADER_DATABASE_URL = Symbol('LEADER_DATABASE_URL');

/**
 * One leader at a time: the process holding a PostgreSQL session advisory lock. PostgreSQL frees
 * the lock as soon as the holder's connection ends (a killed process's socket is closed by the
 * kernel), so another process takes it at its next try (every `electionMs`). A leader whose lock
 * connection fails cannot know whether it still leads, so it stops at once (`onLost`); fencing in
 * Redis (see RedisTopicRelay) refuses anything it still tries to publish.
 */
@Injectable()
export class LeaderElection implements OnApplicationShutdown {
  private readonly logger = new Logger('Cluster');
  private client: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private leading = false;
  private stopped = false;
  private trying = false;
  private onElected: () => Promise<void> = async () => {};
  private onLost: (reason: string) => void = () => {};

  constructor(@Inject(LEADER_DATABASE_URL) private readonly databaseUrl: string) {}

  get isLeader(): boolean {
    return this.leading;
  }

  /** What to do on becoming the leader, and on losing the leadership without having asked to. */
  configure(onElected: () => Promise<void>, onLost: (reason: string) => void): void {
    this.onElected = onElected;
    this.onLost = onLost;
  }

  /** Tries at once, then every `intervalMs` until it leads. */
  campaign(intervalMs: number): void {
    void this.tryToLead();
    this.timer = setInterval(() => void this.tryToLead(), intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    const client = this.client;
    this.client = null;
    // Ending the session frees the lock: the next process takes over without waiting for a timeout.
    await client?.end().catch(() => {});
  }

  private async tryToLead(): Promise<void> {
    if (this.leading || this.stopped || this.trying) return;
    this.trying = true;
    try {
      const client = await this.connection();
      const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [
        LEADER_LOCK_KEY,
      ]);
      if (!rows[0]!.locked || this.stopped) return;
      this.leading = true;
      if (this.timer) clearInterval(this.timer);
      this.logger.log('this process now leads the cluster');
      await this.onElected();
    } catch (error) {
      if (this.leading) {
        this.onLost(`taking the lead failed: ${String(error)}`);
      } else {
        this.logger.warn(`could not campaign for the leadership: ${String(error)}`);
      }
    } finally {
      this.trying = false;
    }
  }

  private async connection(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = new pg.Client({
      connectionString: this.databaseUrl,
      application_name: 'pulse-leader-lock',
      keepAlive: true,
    });
    const lost = (why: string) => {
      if (this.client === client) this.client = null;
      if (this.leading && !this.stopped) this.onLost(`the leader lock's database connection ${why}`);
    };
    client.on('error', (error) => lost(`failed: ${error.message}`));
    client.on('end', () => lost('ended'));
    await client.connect();
    this.client = client;
    return client;
  }
}
