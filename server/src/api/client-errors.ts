import type { Server } from 'node:http';
import { type ApiErrorBody, ApiErrorCode } from './api-errors.js';

/**
 * Requests Node rejects before Express sees them (a URL beyond the 16 kB header limit, a malformed
 * request line) get the API's error body too, instead of Node's bare status line.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, reason, body] = describe(error.code);
    const json = JSON.stringify(body);
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
    );
  });
}

function describe(code: string | undefined): [number, string, ApiErrorBody] {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return [
        431,
        'Request Header Fields Too Large',
        {
          error: {
            code: ApiErrorCode.HeadersTooLarge,
            message: 'the URL and headers exceed the server limit of 16 kB; shorten the query',
          },
        },
      ];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [
        408,
        'Request Timeout',
        { error: { code: ApiErrorCode.BadRequest, message: 'the request did not arrive in time' } },
      ];
    default:
      return [
        400,
        'Bad Request',
        {
          error: { code: ApiErrorCode.BadRequest, message: `malformed HTTP request (${code ?? 'unknown'})` },
        },
      ];
  }
}
