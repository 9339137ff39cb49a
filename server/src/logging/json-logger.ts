import type { IncomingMessage } from 'node:http';
import { type Params, PinoLogger, Logger as PinoNestLogger } from 'nestjs-pino';
import { pino } from 'pino';
import type { LogLevel } from '../config/app-config.js';

/** Probes and scrapes come every few seconds: logging each would drown the log. */
const QUIET_PATHS = /^\/(metrics|api\/health)(\/|\?|$)/;

/**
 * Structured logs (one JSON object a line, pino) at `LOG_LEVEL`: the same logger for Nest's own
 * lines, every service's `Logger` and the HTTP requests (pino-http, with a request id).
 */
export function jsonLogging(level: LogLevel): { params: Params; logger: PinoNestLogger } {
  const params: Params = {
    pinoHttp: {
      logger: pino({ level: level === 'verbose' ? 'trace' : level }),
      autoLogging: { ignore: (request: IncomingMessage) => QUIET_PATHS.test(request.url ?? '') },
    },
  };
  return { params, logger: new PinoNestLogger(new PinoLogger(params), params) };
}
