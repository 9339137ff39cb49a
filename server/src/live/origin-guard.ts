import { type IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

type Next = (error?: Error) => void;

/**
 * engine.io middleware that refuses sockets opened by pages of other sites (DESIGN.md §6): a
 * browser sends cookies with a websocket upgrade from any page, so without this any site the user
 * visits could read their dashboards. Allowed: the configured origins, or when none are configured
 * the server's own (Origin host = Host header); and requests without an Origin header, which do
 * not come from a browser page. Refusals get 403 (engine.io's own refusal of an upgrade is a 400).
 */
export function originGuard(allowedOrigins: readonly string[], onRefused: (origin: string) => void) {
  return (request: IncomingMessage, response: ServerResponse | { socket: Duplex }, next: Next): void => {
    const origin = request.headers.origin;
    if (origin === undefined || isAllowedOrigin(origin, request.headers.host, allowedOrigins)) {
      next();
      return;
    }
    onRefused(origin);
    refuse(response, next, 403, 'Forbidden', 'forbidden', `origin ${origin} may not open the live socket`);
  };
}

/** engine.io middleware refusing every new socket (503) while `unavailable()` holds. */
export function unavailableWhile(unavailable: () => boolean, message: string) {
  return (_request: IncomingMessage, response: ServerResponse | { socket: Duplex }, next: Next): void => {
    if (!unavailable()) {
      next();
      return;
    }
    refuse(response, next, 503, 'Service Unavailable', 'unavailable', message);
  };
}

function refuse(
  response: ServerResponse | { socket: Duplex },
  next: Next,
  status: number,
  statusText: string,
  code: string,
  message: string,
): void {
  const body = JSON.stringify({ error: { code, message } });
  const refused = () => next(new Error(message));
  if (response instanceof ServerResponse) {
    response.writeHead(status, { 'Content-Type': 'application/json' }).end(body, refused);
    return;
  }
  // An upgrade request: no HTTP response object yet, only the raw connection.
  response.socket.end(
    `HTTP/1.1 ${status} ${statusText}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    refused,
  );
}

export function isAllowedOrigin(
  origin: string,
  host: string | undefined,
  allowedOrigins: readonly string[],
): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // e.g. 'null' from a sandboxed frame or a file
  }
  if (allowedOrigins.length > 0) return allowedOrigins.includes(url.origin);
  return url.host === host;
}
