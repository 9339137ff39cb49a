import { BadRequestException, NotFoundException } from '@nestjs/common';

/** Error codes of the REST API; the socket gateway uses the same words in its error acknowledgements. */
export enum ApiErrorCode {
  UnknownParameter = 'unknown_parameter',
  InvalidParameter = 'invalid_parameter',
  NotFound = 'not_found',
}

export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string; field?: string };
}

export function invalidParameter(field: string, reason: string): BadRequestException {
  const body: ApiErrorBody = {
    error: { code: ApiErrorCode.InvalidParameter, field, message: `${field}: ${reason}` },
  };
  return new BadRequestException(body);
}

export function unknownParameter(field: string, allowed: readonly string[]): BadRequestException {
  const body: ApiErrorBody = {
    error: {
      code: ApiErrorCode.UnknownParameter,
      field,
      message: `${field}: unknown parameter (allowed: ${allowed.join(', ') || 'none'})`,
    },
  };
  return new BadRequestException(body);
}

export function notFound(what: string, id: string): NotFoundException {
  const body: ApiErrorBody = {
    error: { code: ApiErrorCode.NotFound, message: `${what} '${id}' does not exist` },
  };
  return new NotFoundException(body);
}
