import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../access/access.decorators.js';
import { MetricsRegistry } from './metrics.registry.js';

@ApiTags('metrics')
@Controller('metrics')
// Scraped by Prometheus inside the network: counts and timings only, no account or person.
@Public()
export class MetricsController {
  constructor(private readonly registry: MetricsRegistry) {}

  @Get()
  @ApiOperation({ summary: 'Metrics in the Prometheus text format' })
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}
