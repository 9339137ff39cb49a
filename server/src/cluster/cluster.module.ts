import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { TOPIC_RELAY } from '../live/topic-relay.js';
import { CLUSTER_CONFIG, type ClusterConfig } from './cluster.config.js';
import { ClusterMetrics } from './cluster.metrics.js';
import { ClusterService } from './cluster.service.js';
import { LEADER_DATABASE_URL, LeaderElection } from './leader-election.service.js';
import { RedisTopicRelay } from './redis-topic-relay.js';

/** The Redis relay the live hub publishes to and follows (imported by the live module). */
@Module({})
export class ClusterRelayModule {
  static forRoot(config: ClusterConfig): DynamicModule {
    return {
      module: ClusterRelayModule,
      providers: [
        { provide: CLUSTER_CONFIG, useValue: config },
        ClusterMetrics,
        RedisTopicRelay,
        { provide: TOPIC_RELAY, useExisting: RedisTopicRelay },
      ],
      exports: [CLUSTER_CONFIG, ClusterMetrics, RedisTopicRelay, TOPIC_RELAY],
    };
  }
}

/**
 * Leader election and the cluster's life (DESIGN.md §9). `imports`: the relay module (the same
 * instance the live module imports), the live hub, the pipeline and the read model.
 */
@Module({})
export class ClusterModule {
  static forRoot(databaseUrl: string, imports: NonNullable<ModuleMetadata['imports']>): DynamicModule {
    return {
      module: ClusterModule,
      imports,
      providers: [{ provide: LEADER_DATABASE_URL, useValue: databaseUrl }, LeaderElection, ClusterService],
      exports: [ClusterService],
    };
  }
}
