import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { parseTopic } from '@pulse/protocol';
import type { Redis } from 'ioredis';
import { TopicHub } from '../live/topic-hub.service.js';
import { StartupService } from '../pipeline/startup.service.js';
import { ViewsService } from '../views/views.service.js';
import { CLUSTER_CONFIG, type ClusterConfig } from './cluster.config.js';
import { ClusterMetrics } from './cluster.metrics.js';
import { LeaderElection } from './leader-election.service.js';
import { RedisTopicRelay } from './redis-topic-relay.js';

/** How often Redis's reachability is checked, and the leader looks for topics followers want. */
const WATCH_MS = 250;
const SWEEP_MS = 1_000;
/** A follower's API read model is reloaded at most this often while the leader publishes. */
const VIEWS_REFRESH_MS = 1_000;

/**
 * One process of a cluster (DESIGN.md §9): every process serves the API and its own sockets,
 * relaying topics from Redis; the elected leader also reads the change feed, scores, computes
 * every topic some process's clients watch, and publishes them. A process that loses Redis sends
 * its sockets away (their screens show "reconnecting") until Redis is back.
 */
@Injectable()
export class ClusterService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Cluster');
  private subscriber: Redis | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  /** Topics the leader keeps open for followers. */
  private readonly held = new Set<string>();
  private sweeping = false;
  private redisUp = true;
  private viewsTimer: NodeJS.Timeout | null = null;
  private stopping = false;

  constructor(
    private readonly relay: RedisTopicRelay,
    private readonly election: LeaderElection,
    private readonly hub: TopicHub,
    private readonly startup: StartupService,
    private readonly views: ViewsService,
    private readonly metrics: ClusterMetrics,
    @Inject(CLUSTER_CONFIG) private readonly config: ClusterConfig,
  ) {}

  get isLeader(): boolean {
    return this.election.isLeader;
  }

  get redisReady(): boolean {
    return this.relay.ready;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.relay.deliverTo((delta, ops) => this.hub.receive(delta, ops));
    this.relay.onFenced = () => this.stop('another process took the leadership');
    await this.relay.connect();
    this.metrics.redisUp.set(1);
    this.metrics.leader.set(0);
    await this.listen();
    this.every(WATCH_MS, () => this.watchRedis());
    this.every(this.config.demandTtlMs / 3, () => this.renewDemand());
    this.election.configure(
      () => this.lead(),
      (reason) => this.stop(reason),
    );
    this.election.campaign(this.config.electionMs);
  }

  onModuleDestroy(): void {
    this.stopping = true;
    for (const timer of this.timers) clearInterval(timer);
    if (this.viewsTimer) clearTimeout(this.viewsTimer);
    this.subscriber?.disconnect();
  }

  /** Elected: take the fencing term, start the data path, compute what followers watch. */
  private async lead(): Promise<void> {
    this.relay.term = String(await this.relay.commands.incr(this.relay.keys.term));
    this.metrics.leader.set(1);
    this.logger.log(`leading with term ${this.relay.term}`);
    await this.startup.lead();
    await this.hub.lead();
    await this.sweep();
    this.every(SWEEP_MS, () => void this.sweep());
  }

  /**
   * A leader that cannot be sure it still leads stops, rather than publishing beside its
   * successor: its process manager starts it again as a follower.
   */
  private stop(reason: string): void {
    if (this.stopping) return;
    this.stopping = true;
    this.logger.fatal(`stopping: ${reason}`);
    process.exit(1);
  }

  /** Pub/sub: followers asking for a topic (the leader opens it at once), the leader announcing changes. */
  private async listen(): Promise<void> {
    const subscriber = this.relay.commands.duplicate({
      connectionName: 'pulse-subscriber',
      enableOfflineQueue: true,
    });
    this.subscriber = subscriber;
    subscriber.on('error', () => {}); // reported by watchRedis
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.relay.keys.demandChannel) {
        if (this.isLeader) void this.holdTopic(message);
      } else if (!this.isLeader) {
        this.refreshViewsSoon();
      }
    });
    await subscriber.subscribe(this.relay.keys.demandChannel, this.relay.keys.publishedChannel);
  }

  private watchRedis(): void {
    const up = this.relay.ready;
    if (up === this.redisUp) return;
    this.redisUp = up;
    this.metrics.redisUp.set(up ? 1 : 0);
    if (!up) {
      this.logger.warn('lost Redis: live sockets are sent to reconnect until it is back');
      this.hub.disconnectAll();
      return;
    }
    this.logger.log('Redis is back');
    if (this.isLeader) {
      this.hub.republish();
      void this.sweep();
    }
  }

  /** Followers renew their interest in what they relay (so the leader keeps computing it). */
  private renewDemand(): void {
    if (this.isLeader || !this.relay.ready) return;
    this.relay.want(this.relay.followedTopics).catch(() => {});
  }

  /** The leader holds exactly the topics followers want. */
  private async sweep(): Promise<void> {
    if (this.sweeping || !this.relay.ready) return;
    this.sweeping = true;
    try {
      const wanted = new Set(await this.relay.wanted());
      for (const key of wanted) void this.holdTopic(key);
      for (const key of this.held) {
        if (wanted.has(key)) continue;
        this.held.delete(key);
        this.hub.unhold(key);
        this.relay.abandon(key);
      }
    } catch (error) {
      this.logger.warn(`reading the topics followers want failed: ${String(error)}`);
    } finally {
      this.sweeping = false;
    }
  }

  private async holdTopic(key: string): Promise<void> {
    if (this.held.has(key)) return;
    const parsed = parseTopic(key);
    if (!parsed.ok) return;
    this.held.add(key);
    try {
      await this.hub.hold(parsed.key, parsed.topic);
    } catch {
      // Refused (the follower was told why) or failed: asked again at the next sweep.
      this.held.delete(key);
    }
  }

  private refreshViewsSoon(): void {
    if (this.viewsTimer) return;
    this.viewsTimer = setTimeout(() => {
      this.viewsTimer = null;
      this.views
        .refreshAll()
        .catch((error) => this.logger.warn(`refreshing the API's views failed: ${String(error)}`));
    }, VIEWS_REFRESH_MS);
    this.viewsTimer.unref();
  }

  private every(ms: number, run: () => void): void {
    const timer = setInterval(run, ms);
    timer.unref();
    this.timers.push(timer);
  }
}
