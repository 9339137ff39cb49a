import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { type DatabaseHealth, DatabaseHealthRepository } from '../database/database-health.repository.js';

export interface HealthReport {
  status: 'ok' | 'unavailable';
  database: DatabaseHealth;
}

@ApiTags('health')
@Controller('api/health')
export class HealthController {
  constructor(private readonly health: DatabaseHealthRepository) {}

  @Get()
  @ApiOperation({ summary: 'Liveness and readiness: database reachable, migrations applied (503 when not)' })
  async check(@Res({ passthrough: true }) response: Response): Promise<HealthReport> {
    const database = await this.health.check();
    const ready = database.reachable && database.pendingMigrations.length === 0;
    response.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ready ? 'ok' : 'unavailable', database };
  }
}
