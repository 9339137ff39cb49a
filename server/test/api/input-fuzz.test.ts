import http from 'node:http';
import { type ClientToServerEvents, LiveEvents, type ServerToClientEvents } from '@pulse/protocol';
import fc from 'fast-check';
import { type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorCode } from '../../src/api/api-errors.js';
import { startTestApp, type TestApp } from '../app-harness.js';
import { TEST_DRIVERS } from '../database/test-database.js';

/**
 * Property tests over what a stranger can send: random query strings on every GET route and random
 * payloads on the live socket. Fixed seed, so CI runs the same cases every time; PULSE_FUZZ_SEED
 * explores others (fast-check prints the seed and the smallest failing case).
 */
const SEED = Number(process.env.PULSE_FUZZ_SEED ?? 20_261_127);
const REST_RUNS = 1000;
const SOCKET_RUNS = 400;

const ERROR_CODES = new Set<string>(Object.values(ApiErrorCode));
const BUILT_IN_NAMES = Object.getOwnPropertyNames(Object.prototype);
const FILTER_NAMES = [
  'ids',
  'region',
  'segment',
  'tier',
  'owner',
  'manager',
  'role',
  'color',
  'renewalWithinDays',
  'sort',
  'limit',
  'cursor',
  'days',
];
const GOOD_VALUES = [
  'emea',
  'amer',
  'enterprise',
  'csm',
  'green',
  '-arr',
  '50',
  '0',
  '3650',
  'acc-00001',
  'tm-001',
];
const ODD_PIECES = [
  '%',
  '%0',
  '%00',
  '%E0%A4%A',
  '%FF',
  '%C0%AF',
  '%ED%A0%80',
  '+',
  '[',
  ']',
  '[]',
  '=',
  '&',
  '\0',
  '..',
];

/** Any text, sometimes a lone surrogate (sent as its UTF-8 replacement) or a long run. */
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.constantFrom(...ODD_PIECES),
  fc.integer({ min: 100, max: 20_000 }).map((n) => 'x'.repeat(n)),
);
const key = fc.oneof(
  fc.constantFrom(...BUILT_IN_NAMES, ...FILTER_NAMES),
  fc
    .tuple(fc.constantFrom(...BUILT_IN_NAMES, ...FILTER_NAMES), fc.constantFrom('[x]', '[]', '[0]', '.x'))
    .map(([name, suffix]) => name + suffix),
  text,
);
const value = fc.oneof(fc.constantFrom(...GOOD_VALUES), fc.integer().map(String), text);
/** Either properly percent-encoded or raw (only what HTTP cannot carry gets escaped, byte by byte). */
const component = (arbitrary: fc.Arbitrary<string>) =>
  fc.tuple(arbitrary, fc.boolean()).map(([raw, encode]) => (encode ? encodeStrictly(raw) : raw));
const queryString = fc
  .array(
    fc.oneof(
      fc.tuple(component(key), component(value)).map(([k, v]) => `${k}=${v}`),
      component(key),
    ),
    { maxLength: 6 },
  )
  .map((pairs) => pairs.join('&'));
const path = fc.oneof(
  fc.constantFrom(
    '/api/accounts',
    '/api/team-members',
    '/api/health',
    '/api/kpis/csm',
    '/api/kpis/cse',
    '/api/kpis/csa',
    '/api/kpis/renewals',
    '/api/accounts/acc-00001',
  ),
  component(text).map((id) => `/api/accounts/${id}`),
  component(text).map((view) => `/api/kpis/${view}`),
  component(text).map((rest) => `/api/${rest}`),
);

function encodeStrictly(raw: string): string {
  return [...raw].map((char) => (/^[\w.~-]$/.test(char) ? char : percentBytes(char))).join('');
}
/** HTTP carries bytes 0x21–0x7E in a request line; anything else goes as percent-escaped UTF-8. */
function sendable(raw: string): string {
  return raw.replace(/[^\x21-\x7e]/gu, percentBytes);
}
function percentBytes(char: string): string {
  return [...Buffer.from(char)]
    .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)
    .join('');
}

/** A raw HTTP request: fetch would normalise the very paths under test. */
function send(
  pulse: TestApp,
  method: string,
  target: string,
  body?: string,
): Promise<{ status: number; text: string; type: string }> {
  const { hostname, port } = new URL(pulse.baseUrl);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        hostname,
        port,
        method,
        path: sendable(target),
        headers: { ...pulse.authHeaders, ...(body ? { 'content-type': 'application/json' } : {}) },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text, type: response.headers['content-type'] ?? '' }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** Every failure is `{error:{code,message,field?}}` with a known code; nothing else is in it. */
function expectApiErrorBody(text: string, context: string): void {
  const body = JSON.parse(text) as { error?: Record<string, unknown> };
  expect(Object.keys(body), context).toEqual(['error']);
  const { code, message, field, ...rest } = body.error ?? {};
  expect(ERROR_CODES.has(String(code)), `${context}: code ${String(code)}`).toBe(true);
  expect(typeof message === 'string' && message.length > 0, context).toBe(true);
  expect(field === undefined || typeof field === 'string', context).toBe(true);
  expect(rest, context).toEqual({});
}

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
/** socket.io's default maxHttpBufferSize: a bigger message closes the connection. */
const MAX_MESSAGE_BYTES = 1_000_000;
const RESERVED_EVENTS = new Set([
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'newListener',
  'removeListener',
]);
const TOPICS = ['team:csm', 'team:cse?region=emea', 'account:acc-00001', 'renewals?days=90', 'changes'];
const topic = fc.oneof(
  fc.constantFrom(...TOPICS),
  fc
    .tuple(fc.constantFrom('team:', 'team:csm?', 'account:', 'renewals?days=', 'changes', ''), text)
    .map(([prefix, rest]) => prefix + rest),
  fc.jsonValue({ maxDepth: 2 }),
);
const payload = fc.oneof(
  { weight: 3, arbitrary: fc.record({ topic }, { requiredKeys: [] }) },
  {
    weight: 3,
    arbitrary: fc.record({
      topic,
      since: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ epoch: text, seq: fc.double() })),
    }),
  },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: text },
  // Around socket.io's 1 MB message limit: past it the server drops the connection and the client reconnects.
  {
    weight: 1,
    arbitrary: fc.integer({ min: 500_000, max: 1_500_000 }).map((n) => ({ topic: 'x'.repeat(n) })),
  },
);
const event = fc.oneof(
  { weight: 5, arbitrary: fc.constant(LiveEvents.subscribe) },
  { weight: 3, arbitrary: fc.constant(LiveEvents.unsubscribe) },
  { weight: 2, arbitrary: text.filter((name) => !RESERVED_EVENTS.has(name)) },
);

function isAck(ack: unknown): boolean {
  if (typeof ack !== 'object' || ack === null) return false;
  const { ok, error, ...rest } = ack as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return false;
  if (ok === true) return error === undefined;
  if (ok !== false || typeof error !== 'object' || error === null) return false;
  const { code, message } = error as Record<string, unknown>;
  return typeof code === 'string' && typeof message === 'string' && message.length > 0;
}

describe.each(TEST_DRIVERS)('fuzzing what clients send, on %s', (driver) => {
  let pulse: TestApp;

  beforeAll(async () => {
    pulse = await startTestApp(driver, { demoAccounts: 20 });
  }, 120_000);

  afterAll(async () => {
    await pulse?.stop();
  });

  it('random query strings on every GET route: never a 5xx, every 4xx in the API error format', async () => {
    await fc.assert(
      fc.asyncProperty(path, queryString, async (route, query) => {
        const target = query ? `${route}?${query}` : route;
        const { status, text, type } = await send(pulse, 'GET', target);
        expect(status, target).toBeLessThan(500);
        if (status >= 400) expectApiErrorBody(text, `GET ${target} → ${status}`);
        // A 3xx is the static files' "add a slash" for paths like /api/.. that leave the API.
        else if (status < 300) expect(type, target).toContain('application/json');
      }),
      { seed: SEED, numRuns: REST_RUNS, endOnFailure: true },
    );
  }, 120_000);

  it('random JSON-ish bodies: answered in the API error format', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          text,
          fc.jsonValue().map((json) => JSON.stringify(json) ?? ''),
        ),
        async (body) => {
          const { status, text: answer } = await send(pulse, 'POST', '/api/accounts', body || ' ');
          expect(status, body).toBeGreaterThanOrEqual(400);
          expect(status, body).toBeLessThan(500);
          expectApiErrorBody(answer, `POST ${body.slice(0, 80)} → ${status}`);
        },
      ),
      { seed: SEED, numRuns: 100, endOnFailure: true },
    );
  }, 60_000);

  it('random socket events and payloads: every ack is {ok} or {ok:false,error}, and the server stays up', async () => {
    // Reconnects quickly after an over-limit message cost the connection.
    const socket: LiveSocket = pulse.socket({
      reconnectionDelay: 50,
      reconnectionDelayMax: 200,
    });
    const badAcks: string[] = [];
    try {
      await fc.assert(
        fc.asyncProperty(event, payload, async (name, data) => {
          const shown = `${name} ${JSON.stringify(data)?.slice(0, 200)}`;
          const overLimit = Buffer.byteLength(JSON.stringify(data) ?? '') > MAX_MESSAGE_BYTES;
          let onDisconnect = () => {};
          const disconnected = new Promise<string>((resolve) => {
            onDisconnect = () => resolve('disconnected');
            socket.once('disconnect', onDisconnect);
          });
          const acked = new Promise<unknown>((resolve) => {
            (socket as unknown as Socket).emit(name, data, (ack: unknown) => {
              if (!isAck(ack)) badAcks.push(`${shown} → ${JSON.stringify(ack)}`);
              resolve(ack);
            });
          });
          try {
            // The subscribe contract promises an answer; other events may have none.
            if (name !== LiveEvents.subscribe && !overLimit) return;
            const outcome = await Promise.race([
              acked,
              disconnected,
              sleep(10_000).then(() => 'no ack in 10 s'),
            ]);
            if (outcome === 'disconnected') {
              // Only a message past the limit may cost the connection; the client then reconnects.
              expect(overLimit, `${shown} dropped the connection`).toBe(true);
              await Promise.race([
                new Promise((resolve) => socket.once('connect', () => resolve(undefined))),
                sleep(10_000),
              ]);
              expect(socket.connected, 'reconnected').toBe(true);
            } else if (name === LiveEvents.subscribe) {
              expect(isAck(outcome), `${shown} → ${JSON.stringify(outcome)}`).toBe(true);
            }
          } finally {
            socket.off('disconnect', onDisconnect);
          }
        }),
        { seed: SEED, numRuns: SOCKET_RUNS, endOnFailure: true },
      );
      // Acks of events that answer late had their chance.
      await sleep(500);
      expect(badAcks).toEqual([]);

      // Still serving: REST, and a normal subscription with its snapshot.
      expect((await pulse.get('/api/health')).status).toBe(200);
      const fresh: LiveSocket = pulse.socket();
      try {
        const snapshot = new Promise<string>((resolve) =>
          fresh.on(LiveEvents.snapshot, (s) => resolve(s.topic)),
        );
        const ack = await fresh.timeout(10_000).emitWithAck(LiveEvents.subscribe, { topic: 'team:csm' });
        expect(ack).toEqual({ ok: true });
        await expect(snapshot).resolves.toBe('team:csm');
      } finally {
        fresh.disconnect();
      }
    } finally {
      socket.disconnect();
    }
  }, 120_000);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
