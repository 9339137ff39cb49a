import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Response } from 'express';
import { ApiError, ApiErrorCode } from './api-errors.js';

/**
 * Every error that leaves the HTTP server does so as an {@link ApiErrorBody}: our own refusals,
 * Express's and body-parser's (which Nest hands over as HttpExceptions with the original as
 * `cause`), Nest's 404 for unknown routes, and anything unexpected as a generic 500 whose details
 * go to the log only.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Api');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const error = toApiError(exception);
    if (error.code === ApiErrorCode.Internal) {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
      );
    }
    if (response.headersSent) {
      response.end();
      return;
    }
    response.status(error.getStatus()).json(error.body);
  }
}

function toApiError(exception: unknown): ApiError {
  if (exception instanceof ApiError) return exception;
  if (!(exception instanceof HttpException) || exception.getStatus() >= 500) {
    return new ApiError(
      HttpStatus.INTERNAL_SERVER_ERROR,
      ApiErrorCode.Internal,
      'internal error; see the server log',
    );
  }
  const status = exception.getStatus();
  const cause = exception.cause as { type?: unknown; message?: string } | undefined;
  // Express fails to decode a path parameter with a URIError; body-parser tags its errors with a type.
  if (cause instanceof URIError) {
    return new ApiError(
      status,
      ApiErrorCode.InvalidEncoding,
      `path: ${cause.message}; use UTF-8 percent-encoding`,
      'path',
    );
  }
  if (cause?.type === 'entity.parse.failed') {
    return new ApiError(status, ApiErrorCode.InvalidJson, `body: not valid JSON (${cause.message})`, 'body');
  }
  if (status === HttpStatus.PAYLOAD_TOO_LARGE) {
    return new ApiError(status, ApiErrorCode.PayloadTooLarge, `body: ${exception.message}`, 'body');
  }
  if (status === HttpStatus.NOT_FOUND) return new ApiError(status, ApiErrorCode.NotFound, exception.message);
  if (status === HttpStatus.TOO_MANY_REQUESTS) {
    return new ApiError(status, ApiErrorCode.TooManyRequests, 'too many requests: wait a minute and retry');
  }
  if (status === HttpStatus.UNAUTHORIZED)
    return new ApiError(status, ApiErrorCode.Unauthorized, exception.message);
  if (status === HttpStatus.FORBIDDEN) return new ApiError(status, ApiErrorCode.Forbidden, exception.message);
  return new ApiError(status, ApiErrorCode.BadRequest, exception.message);
}
