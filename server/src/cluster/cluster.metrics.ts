import { Injectable } from '@nestjs/common';
import type { Gauge, Histogram } from 'prom-client';
import { gauge, histogram, LATENCY_BUCKETS } from '../metrics/metric.js';
import { MetricsRegistry } from '../metrics/metrics.registry.js';

/** What `GET /metrics` shows of the cluster: who leads, whether Redis is there, how fast publishes land in it. */
@Injectable()
export class ClusterMetrics {
  readonly leader: Gauge;
  readonly redisUp: Gauge;
  private readonly redisPublish: Histogram;

  constructor(registry: MetricsRegistry) {
    this.leader = gauge(registry, {
      name: 'pulse_leader',
      help: '1 while this process leads the cluster (reads the change feed, scores, publishes topics), else 0',
    });
    this.redisUp = gauge(registry, {
      name: 'pulse_redis_up',
      help: '1 while this process is connected to Redis, else 0 (its sockets are sent to reconnect)',
    });
    this.redisPublish = histogram(registry, {
      name: 'pulse_redis_publish_seconds',
      help: 'Duration of storing one delta (and, every few, its snapshot) in Redis',
      buckets: LATENCY_BUCKETS,
    });
  }

  published(seconds: number): void {
    this.redisPublish.observe(seconds);
  }
}
