import { Body, Controller, Get, Headers, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { IngestResult, IngestTableInfo } from '@pulse/protocol';
import type { Request } from 'express';
import { Access } from '../access/access.decorators.js';
import { IngestService } from './ingest.service.js';
import { idempotencyKey, requireContentType, tableParameter } from './ingest-parameters.js';
import { INGEST_TABLES, requiredFields, schemaFields } from './ingest-tables.js';

/**
 * `POST /api/ingest/<table>`: a JSON array of rows upserted by key, all or nothing. Request and
 * response schemas per table are added to the OpenAPI document by describeIngestApi.
 * Meant for integrations (an API token; writes need a read+write one) and admins.
 */
@ApiTags('ingest')
@Controller('api/ingest')
@Access({ roles: ['admin', 'service'] })
export class IngestController {
  constructor(private readonly ingest: IngestService) {}

  @Get()
  // Those who may import a CSV read the tables' contracts too: the import screen is built from them.
  @Access({ roles: ['admin', 'manager', 'service'] })
  @ApiOperation({ summary: 'Facts tables that take rows, with their key and fields' })
  tables(): IngestTableInfo[] {
    return INGEST_TABLES.map((table) => ({
      name: table.name,
      key: table.key,
      fields: schemaFields(table),
      required: requiredFields(table),
    }));
  }

  @Post(':table')
  @HttpCode(200)
  @ApiOperation({ summary: 'Upsert a batch of rows into a facts table (see the per-table paths)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async write(
    @Param('table') name: string,
    @Req() request: Request,
    @Body() body: unknown,
    @Headers('idempotency-key') key?: string,
  ): Promise<IngestResult> {
    const table = tableParameter(name);
    requireContentType(request, 'application/json');
    return this.ingest.ingest(table, body, idempotencyKey(key));
  }
}
