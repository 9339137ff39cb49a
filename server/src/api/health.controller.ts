import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../access/access.decorators.js';
import { type DatabaseHealth, DatabaseHealthRepository } from '../database/database-health.repository.js';
import { type QuarantinedAccount, QuarantineRepository } from '../quarantine/quarantine.repository.js';

/** Quarantined accounts listed in full in the report; the count covers them all. */
const QUARANTINE_SHOWN = 5;

export interface HealthReport {
  status: 'ok' | 'unavailable';
  database: DatabaseHealth;
  /**
   * Accounts whose score is frozen by an unreadable row (the service stays ready: every other
   * account is live). Null when the database cannot be asked.
   */
  quarantine: { count: number; accounts: QuarantinedAccount[] } | null;
}

@ApiTags('health')
@Controller('api/health')
@Public()
export class HealthController {
  constructor(
    private readonly health: DatabaseHealthRepository,
    private readonly quarantine: QuarantineRepository,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'Liveness and readiness: database reachable, migrations applied (503 when not); quarantined accounts',
  })
  async check(@Res({ passthrough: true }) response: Response): Promise<HealthReport> {
    const database = await this.health.check();
    const ready = database.reachable && database.pendingMigrations.length === 0;
    response.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status: ready ? 'ok' : 'unavailable',
      database,
      quarantine: ready ? await this.quarantined() : null,
    };
  }

  private async quarantined(): Promise<HealthReport['quarantine']> {
    const accounts = await this.quarantine.list();
    return { count: accounts.length, accounts: accounts.slice(0, QUARANTINE_SHOWN) };
  }
}
