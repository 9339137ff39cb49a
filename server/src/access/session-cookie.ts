import type { Request, Response } from 'express';
import type { AppConfig } from '../config/app-config.js';
import { SESSION_COOKIE } from './access.service.js';

/** Browsers keep a cookie at most 400 days: a wall display's session is renewed on each sign-in. */
const DISPLAY_COOKIE_MS = 400 * 24 * 3_600_000;

/** The origin browsers use for Pulse: the first PULSE_PUBLIC_URL, else the request's own. */
export function publicOrigin(config: AppConfig, request: Request): string {
  return config.publicOrigins[0] ?? `${request.protocol}://${request.get('host')}`;
}

/** Secure when Pulse is served over https (directly, or as PULSE_PUBLIC_URL says behind a proxy). */
function isHttps(config: AppConfig, request: Request): boolean {
  return request.secure || publicOrigin(config, request).startsWith('https:');
}

/** Sets the http-only, same-site session cookie (lax: the identity provider's redirect back keeps it). */
export function setSessionCookie(
  config: AppConfig,
  request: Request,
  response: Response,
  sessionId: string,
  kind: 'person' | 'display',
): void {
  response.cookie(SESSION_COOKIE, sessionId, {
    httpOnly: true,
    sameSite: 'lax',
    secure: isHttps(config, request),
    path: '/',
    maxAge: kind === 'display' ? DISPLAY_COOKIE_MS : config.sessionHours * 3_600_000,
  });
}

export function clearSessionCookie(config: AppConfig, request: Request, response: Response): void {
  response.clearCookie(SESSION_COOKIE, {
    httpOnly: true,
    sameSite: 'lax',
    secure: isHttps(config, request),
    path: '/',
  });
}
