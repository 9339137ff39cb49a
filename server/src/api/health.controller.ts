import {
  type BeforeApplicationShutdown,
  Controller,
  Get,
  HttpStatus,
  Inject,
  Optional,
  Res,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../access/access.decorators.js';
import { ClusterService } from '../cluster/cluster.service.js';
import { type DatabaseHealth, DatabaseHealthRepository } from '../database/database-health.repository.js';
import { type QuarantinedAccount, QuarantineRepository } from '../quarantine/quarantine.repository.js';

/** Quarantined accounts listed in full in the report; the count covers them all. */
const QUARANTINE_SHOWN = 5;

export interface HealthReport {
  status: 'ok' | 'unavailable';
  database: DatabaseHealth;
  /** Clustered (REDIS_URL): whether Redis answers and whether this process leads; null otherwise. */
  cluster: { redis: boolean; leader: boolean } | null;
  /**
   * Accounts whose score is frozen by an unreadable row (the service stays ready: every other
   * account is live). Null when the database cannot be asked.
   */
  quarantine: { count: number; accounts: QuarantinedAccount[] } | null;
}

@ApiTags('health')
@Controller('api/health')
@Public()
export class HealthController implements BeforeApplicationShutdown {
  /** Set once the process is shutting down: the load balancer stops sending it anything new. */
  private draining = false;

  constructor(
    private readonly health: DatabaseHealthRepository,
    private readonly quarantine: QuarantineRepository,
    @Optional() @Inject(ClusterService) private readonly cluster: ClusterService | null = null,
  ) {}

  beforeApplicationShutdown(): void {
    this.draining = true;
  }

  @Get()
  @ApiOperation({
    summary:
      'Readiness with details: database reachable, migrations applied, Redis when clustered (503 when not); quarantined accounts',
  })
  async check(@Res({ passthrough: true }) response: Response): Promise<HealthReport> {
    const database = await this.health.check();
    const cluster = this.cluster ? { redis: this.cluster.redisReady, leader: this.cluster.isLeader } : null;
    const ready =
      !this.draining &&
      database.reachable &&
      database.pendingMigrations.length === 0 &&
      (cluster === null || cluster.redis);
    response.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status: ready ? 'ok' : 'unavailable',
      database,
      cluster,
      quarantine: ready ? await this.quarantined() : null,
    };
  }

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers (restart it when this fails)' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: 503 while the database or (clustered) Redis is unreachable, or while shutting down',
  })
  async ready(@Res({ passthrough: true }) response: Response): Promise<Pick<HealthReport, 'status'>> {
    const { status } = await this.check(response);
    return { status };
  }

  private async quarantined(): Promise<HealthReport['quarantine']> {
    const accounts = await this.quarantine.list();
    return { count: accounts.length, accounts: accounts.slice(0, QUARANTINE_SHOWN) };
  }
}
