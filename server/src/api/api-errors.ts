import { HttpException, HttpStatus } from '@nestjs/common';
import type { RowError } from '@pulse/protocol';

/** Error codes of the REST API; the socket gateway uses the same words in its error acknowledgements. */
export enum ApiErrorCode {
  UnknownParameter = 'unknown_parameter',
  InvalidParameter = 'invalid_parameter',
  /** Percent-encoding in the path or query that does not decode to UTF-8 text. */
  InvalidEncoding = 'invalid_encoding',
  /** A request body that is not JSON. */
  InvalidJson = 'invalid_json',
  PayloadTooLarge = 'payload_too_large',
  /** A request line and headers beyond Node's limit (a very long URL, usually). */
  HeadersTooLarge = 'headers_too_large',
  NotFound = 'not_found',
  /** Rows of a batch (REST ingest, CSV import) that cannot be written: every one is listed in `rows`. */
  InvalidRows = 'invalid_rows',
  /** A write the database refused as a whole (a unique or check constraint the row checks do not cover). */
  ConstraintViolation = 'constraint_violation',
  /** An Idempotency-Key sent again with a different request. */
  IdempotencyKeyReused = 'idempotency_key_reused',
  /** No valid session or token (sign in, or send `Authorization: Bearer <token>`). */
  Unauthorized = 'unauthorized',
  /** Signed in, but this caller may not do or see that (role, scope, read-only token, CSRF). */
  Forbidden = 'forbidden',
  /** Too many sign-in or token requests from one address: wait and retry. */
  TooManyRequests = 'too_many_requests',
  /** Any other refusal of the request itself (unsupported media type, aborted upload, …). */
  BadRequest = 'bad_request',
  /** A fault of the server; the details are in its log, never in the answer. */
  Internal = 'internal',
}

export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string; field?: string; rows?: RowError[] };
}

/** The one error type of the API: an HTTP status with the body every client reads. */
export class ApiError extends HttpException {
  constructor(
    status: HttpStatus,
    readonly code: ApiErrorCode,
    message: string,
    readonly field?: string,
    readonly rows?: RowError[],
  ) {
    super(message, status);
    this.name = 'ApiError';
  }

  get body(): ApiErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.field ? { field: this.field } : {}),
        ...(this.rows ? { rows: this.rows } : {}),
      },
    };
  }
}

/** A user's value inside a message: bounded, so a 10 kB id does not come back 10 kB long. */
export function quote(raw: string, maxLength = 80): string {
  return `'${raw.length > maxLength ? `${raw.slice(0, maxLength)}…` : raw}'`;
}

export function invalidParameter(field: string, reason: string): ApiError {
  return new ApiError(HttpStatus.BAD_REQUEST, ApiErrorCode.InvalidParameter, `${field}: ${reason}`, field);
}

export function unknownParameter(field: string, allowed: readonly string[]): ApiError {
  return new ApiError(
    HttpStatus.BAD_REQUEST,
    ApiErrorCode.UnknownParameter,
    `${field}: unknown parameter (allowed: ${allowed.join(', ') || 'none'})`,
    field,
  );
}

export function invalidEncoding(where: string, raw: string): ApiError {
  return new ApiError(
    HttpStatus.BAD_REQUEST,
    ApiErrorCode.InvalidEncoding,
    `${where}: ${quote(raw)} is not valid percent-encoding of UTF-8 text`,
    where,
  );
}

export function notFound(what: string, id: string): ApiError {
  return new ApiError(HttpStatus.NOT_FOUND, ApiErrorCode.NotFound, `${what} ${quote(id)} does not exist`);
}

/**
 * A batch refused because of some of its rows: 422, bad rows listed, nothing written. `total` is
 * the count of errors when `rows` lists only the first of them.
 */
export function invalidRows(rows: RowError[], total = rows.length): ApiError {
  const first = rows[0];
  const where = first ? `row ${first.index}${first.field ? ` ${first.field}` : ''}: ${first.reason}` : '';
  const more = total > 1 ? ` (${total - 1} more error${total === 2 ? '' : 's'})` : '';
  const listed = total > rows.length ? `; the first ${rows.length} are listed` : '';
  return new ApiError(
    HttpStatus.UNPROCESSABLE_ENTITY,
    ApiErrorCode.InvalidRows,
    `rows refused, nothing written; ${where}${more}${listed}`,
    undefined,
    rows,
  );
}

export function unauthorized(message = 'sign in, or send Authorization: Bearer <token>'): ApiError {
  return new ApiError(HttpStatus.UNAUTHORIZED, ApiErrorCode.Unauthorized, message);
}

export function forbidden(message: string, field?: string): ApiError {
  return new ApiError(HttpStatus.FORBIDDEN, ApiErrorCode.Forbidden, message, field);
}
