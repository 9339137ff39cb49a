import { Global, Module } from '@nestjs/common';
import { DataPathMetrics } from './data-path.metrics.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsRegistry } from './metrics.registry.js';

/** `GET /metrics`, and the registry any module injects to add its metrics. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsRegistry, DataPathMetrics],
  exports: [MetricsRegistry, DataPathMetrics],
})
export class MetricsModule {}
