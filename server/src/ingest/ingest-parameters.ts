import { HttpStatus } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError, ApiErrorCode, invalidParameter, quote } from '../api/api-errors.js';
import { INGEST_TABLE_NAMES, type IngestTable, ingestTable } from './ingest-tables.js';

/** The facts table a path names, or a 404 listing the tables there are. */
export function tableParameter(name: string): IngestTable {
  const table = ingestTable(name);
  if (!table) {
    throw new ApiError(
      HttpStatus.NOT_FOUND,
      ApiErrorCode.NotFound,
      `table: ${quote(name)} is not a facts table (one of: ${INGEST_TABLE_NAMES.join(', ')})`,
      'table',
    );
  }
  return table;
}

/** A 415 unless the request's body is of `type`. */
export function requireContentType(request: Request, type: string): void {
  if (!request.is(type)) {
    throw new ApiError(
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      ApiErrorCode.BadRequest,
      `Content-Type: must be ${type} (got ${request.headers['content-type'] ? quote(request.headers['content-type']) : 'none'})`,
      'Content-Type',
    );
  }
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** The Idempotency-Key header: printable ASCII, 1 to 200 characters (a UUID is usual). */
export function idempotencyKey(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(raw)) {
    throw invalidParameter('Idempotency-Key', 'must be 1 to 200 printable ASCII characters');
  }
  return raw;
}
