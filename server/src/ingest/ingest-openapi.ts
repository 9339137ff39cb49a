import type { OpenAPIObject } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiErrorCode } from '../api/api-errors.js';
import { INGEST_TABLES } from './ingest-tables.js';

const ingestResultSchema = z.object({
  table: z.string(),
  received: z.number().int().describe('rows in the batch'),
  inserted: z.number().int().describe('rows new to the table'),
  updated: z.number().int().describe('rows whose values changed'),
  unchanged: z.number().int().describe('rows already stored exactly so (a repeated batch)'),
});

const errorSchema = z.object({
  error: z.object({
    code: z.enum(Object.values(ApiErrorCode)),
    message: z.string(),
    field: z.string().optional(),
    rows: z
      .array(
        z.object({
          index: z.number().int().describe('position of the row in the batch, from 0'),
          field: z.string().optional(),
          reason: z.string(),
          line: z.number().int().optional().describe('CSV import: line of the file'),
        }),
      )
      .optional()
      .describe('every refused row (code invalid_rows)'),
  }),
});

const openApi = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;

const pascal = (name: string) => name.replace(/(^|_)(\w)/g, (_, __, c: string) => c.toUpperCase());

/**
 * Replaces the generic `/api/ingest/{table}` path with one path per facts table, each with its row
 * schema generated from the same zod schema that validates the rows.
 */
export function describeIngestApi(document: OpenAPIObject): void {
  const generic = document.paths['/api/ingest/{table}']?.post;
  delete document.paths['/api/ingest/{table}'];
  document.components ??= {};
  document.components.schemas ??= {};
  const { schemas } = document.components;
  schemas.IngestResult = openApi(ingestResultSchema);
  schemas.ApiError = openApi(errorSchema);
  const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
  const error = (description: string) => ({
    description,
    content: { 'application/json': { schema: ref('ApiError') } },
  });
  for (const table of INGEST_TABLES) {
    const rowName = `${pascal(table.name)}Row`;
    schemas[rowName] = openApi(table.schema);
    document.paths[`/api/ingest/${table.name}`] = {
      post: {
        ...(generic ?? {}),
        operationId: `ingest_${table.name}`,
        summary: `Upsert ${table.name} rows by ${table.key.join(' + ')}`,
        description: `${table.describe} A batch is written whole or not at all; a repeated batch changes nothing.`,
        tags: ['ingest'],
        parameters: [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            description: 'a retried request with the same key gets the first answer and writes nothing',
            schema: { type: 'string', maxLength: 200 },
          },
        ],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { type: 'array', items: ref(rowName) } } },
        },
        responses: {
          200: { description: 'written', content: { 'application/json': { schema: ref('IngestResult') } } },
          400: error('not a JSON array, or malformed JSON'),
          413: error('body over the size limit'),
          415: error('Content-Type is not application/json'),
          422: error('rows refused (each with index, field and reason); nothing written'),
        },
      },
    };
  }
}
