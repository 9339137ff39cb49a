import { LiveClient } from '@pulse/protocol';

/**
 * PULSE_ADMIN_TOKEN of the benchmarked server: every bench client (REST and live socket) sends
 * it, since every /api route and the socket need a session or token (issue 10).
 */
export const BENCH_ADMIN_TOKEN = 'bench-admin-token-0123456789abcdefghijklmnop';

export const AUTH_HEADERS = { authorization: `Bearer ${BENCH_ADMIN_TOKEN}` };

/** fetch() as the admin token. */
export function authedFetch(url, init = {}) {
  return fetch(url, { ...init, headers: { ...AUTH_HEADERS, ...init.headers } });
}

/** LiveClient.connect, authenticated as the admin token in the socket.io handshake. */
export function connectLive(url, options = {}) {
  return LiveClient.connect(url, {
    ...options,
    socket: { auth: { token: BENCH_ADMIN_TOKEN }, ...options.socket },
  });
}
