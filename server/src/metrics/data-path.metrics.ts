import { Injectable } from '@nestjs/common';
import type { Histogram } from 'prom-client';
import { histogram, LATENCY_BUCKETS } from './metric.js';
import { MetricsRegistry } from './metrics.registry.js';

/** Timings along the data path (DESIGN.md §1), observed by the stage that knows them. */
@Injectable()
export class DataPathMetrics {
  /** Commit of a delta's newest change → the delta handed to subscribers (or, clustered, stored in Redis). */
  readonly commitToPublish: Histogram;
  /** Commit of a batch's newest change → the change feed handing the batch on. */
  readonly feedLag: Histogram;
  /** One change-feed batch through scoring, views and topics. */
  readonly batch: Histogram;
  /** Scoring of one batch's dirty accounts. */
  readonly scoring: Histogram;

  constructor(registry: MetricsRegistry) {
    this.commitToPublish = histogram(registry, {
      name: 'pulse_commit_to_publish_seconds',
      help: 'Database commit of the newest change in a delta to the delta being published to subscribers',
      buckets: LATENCY_BUCKETS,
    });
    this.feedLag = histogram(registry, {
      name: 'pulse_change_feed_lag_seconds',
      help: 'Database commit of the newest change in a batch to the change feed reading it',
      buckets: LATENCY_BUCKETS,
    });
    this.batch = histogram(registry, {
      name: 'pulse_change_batch_seconds',
      help: 'Duration of one change-feed batch: scoring, views and topics',
      buckets: LATENCY_BUCKETS,
    });
    this.scoring = histogram(registry, {
      name: 'pulse_scoring_seconds',
      help: 'Duration of scoring the dirty accounts of one batch',
      buckets: LATENCY_BUCKETS,
    });
  }

  /** Observes the time since an ISO commit time. */
  sinceCommit(metric: Histogram, at: string): void {
    metric.observe(Math.max(0, (Date.now() - Date.parse(at)) / 1000));
  }
}
