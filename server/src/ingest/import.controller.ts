import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { ImportMapping, ImportPreview, IngestResult, MappingInfo } from '@pulse/protocol';
import type { Request } from 'express';
import { Access } from '../access/access.decorators.js';
import { invalidParameter } from '../api/api-errors.js';
import { type FieldParser, identifier, oneOf, parseQuery } from '../api/query-parser.js';
import { CsvImportService } from './csv-import.service.js';
import { importMappingSchema } from './csv-values.js';
import { BUILT_IN_MAPPINGS } from './import-mappings.js';
import { ImportMappingsRepository } from './import-mappings.repository.js';
import { requireContentType, tableParameter } from './ingest-parameters.js';

const mappingJson: FieldParser<ImportMapping> = (raw, field) => {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw invalidParameter(field, 'is not JSON');
  }
  return parseMapping(value, field);
};

function parseMapping(value: unknown, field: string): ImportMapping {
  const parsed = importMappingSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalidParameter([field, ...(issue?.path ?? [])].join('.'), issue?.message ?? 'is not a mapping');
  }
  return parsed.data;
}

const source = identifier();
const IMPORT_QUERY = { mode: oneOf(['preview', 'commit'] as const), source, mapping: mappingJson };

/**
 * `POST /api/import/<table>` (text/csv): preview (default) lists every bad row before anything is
 * written; `mode=commit` writes the whole file in one transaction. Columns are mapped by header:
 * `mapping` (JSON) given inline, else the mapping saved for `source`, else headers named as fields.
 * Meant for admins and managers: the app's access guard decides who may call it.
 */
@ApiTags('import')
@Controller('api/import')
// Loading a file rewrites facts every screen shows: admins and managers in the app, and integrations.
@Access({ roles: ['admin', 'manager', 'service'] })
export class ImportController {
  constructor(
    private readonly imports: CsvImportService,
    private readonly mappings: ImportMappingsRepository,
  ) {}

  @Get('mappings')
  @ApiOperation({ summary: 'Saved and built-in CSV column mappings, per table and source' })
  @ApiQuery({ name: 'table', required: false })
  async listMappings(@Query() query: Record<string, unknown>): Promise<MappingInfo[]> {
    const { table } = parseQuery(query, { table: (raw: string) => tableParameter(raw).name as string });
    return this.allMappings(table);
  }

  @Put('mappings/:table/:source')
  @ApiOperation({ summary: 'Save the CSV column mapping of a source system for a table' })
  async saveMapping(
    @Param('table') tableName: string,
    @Param('source') rawSource: string,
    @Body() body: unknown,
  ): Promise<MappingInfo> {
    const table = tableParameter(tableName);
    const name = source(rawSource, 'source');
    const mapping = parseMapping(body, 'body');
    await this.mappings.save(table.name, name, mapping);
    return { table: table.name, source: name, mapping, builtIn: false };
  }

  @Post(':table')
  @HttpCode(200)
  @ApiConsumes('text/csv')
  @ApiOperation({ summary: 'Preview or commit a CSV file of rows for a facts table' })
  @ApiQuery({ name: 'mode', required: false, enum: ['preview', 'commit'] })
  @ApiQuery({ name: 'source', required: false, description: 'use the mapping saved for this source' })
  @ApiQuery({ name: 'mapping', required: false, description: 'JSON column mapping (overrides source)' })
  async import(
    @Param('table') tableName: string,
    @Req() request: Request,
    @Query() query: Record<string, unknown>,
  ): Promise<ImportPreview | IngestResult> {
    const table = tableParameter(tableName);
    const parsed = parseQuery(query, IMPORT_QUERY);
    requireContentType(request, 'text/csv');
    let mapping = parsed.mapping;
    if (!mapping && parsed.source) {
      const saved = (await this.allMappings(table.name)).find((m) => m.source === parsed.source);
      if (!saved)
        throw invalidParameter('source', `no mapping saved for ${table.name} from '${parsed.source}'`);
      mapping = saved.mapping;
    }
    mapping ??= importMappingSchema.parse({});
    return parsed.mode === 'commit'
      ? this.imports.commit(table, request, mapping)
      : this.imports.preview(table, request, mapping);
  }

  private async allMappings(table?: string): Promise<MappingInfo[]> {
    const saved = (await this.mappings.list(table)).map((row) => ({
      table: row.table,
      source: row.source,
      mapping: importMappingSchema.parse(row.mapping),
      builtIn: false,
    }));
    const builtIn = BUILT_IN_MAPPINGS.filter(
      (m) =>
        (!table || m.table === table) && !saved.some((s) => s.table === m.table && s.source === m.source),
    ).map((m) => ({ ...m, builtIn: true }));
    return [...builtIn, ...saved];
  }
}
