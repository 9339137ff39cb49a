import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorCode } from '../../src/api/api-errors.js';
import { startTestApp, type TestApp } from '../app-harness.js';
import { TEST_DRIVERS } from '../database/test-database.js';

interface ErrorBody {
  error: { code: string; field?: string; message: string };
}

/** Names every plain object inherits: a lookup that is not own-property-only finds them. */
const BUILT_IN_NAMES = [
  'valueOf',
  'toString',
  'toLocaleString',
  'constructor',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  '__proto__',
  '__defineGetter__',
  '__lookupSetter__',
];
const ROUTES = [
  '/api/accounts',
  '/api/accounts/acc-00001',
  '/api/kpis/csm',
  '/api/kpis/renewals',
  '/api/team-members',
];

async function request(pulse: TestApp, path: string, init?: RequestInit) {
  const response = await pulse.fetch(path, init);
  return { status: response.status, body: (await response.json()) as ErrorBody };
}

function reasonJsonParseGives(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as SyntaxError).message;
  }
  throw new Error(`${text} is valid JSON`);
}

function expectApiError(body: ErrorBody, code: ApiErrorCode, field?: string) {
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  if (field !== undefined) {
    expect(body.error.field).toBe(field);
    expect(body.error.message).toContain(field);
  }
}

describe.each(TEST_DRIVERS)('odd input on %s answers 4xx in the API error format', (driver) => {
  let pulse: TestApp;

  beforeAll(async () => {
    pulse = await startTestApp(driver, { demoAccounts: 3 });
  }, 120_000);

  afterAll(async () => {
    await pulse?.stop();
  });

  it.each(ROUTES.flatMap((route) => BUILT_IN_NAMES.map((name) => [route, name])))(
    '%s?%s=x is an unknown parameter',
    async (route, name) => {
      const { status, body } = await request(pulse, `${route}?${name}=x`);
      expect(status).toBe(400);
      expectApiError(body, ApiErrorCode.UnknownParameter, name);
    },
  );

  it.each([
    ['region[x]=emea', 'region[x]'],
    ['a[b]=1', 'a[b]'],
    ['a[]=1', 'a[]'],
    ['__proto__[region]=emea', '__proto__[region]'],
  ])('bracket syntax ?%s is an unknown parameter named %s', async (query, field) => {
    const { status, body } = await request(pulse, `/api/accounts?${query}`);
    expect(status).toBe(400);
    expectApiError(body, ApiErrorCode.UnknownParameter, field);
  });

  it.each([
    ['%00', 'a NUL byte'],
    ['acc%0A1', 'a line break'],
    ['a%20b', 'a space'],
    ['%C3%A9t%C3%A9', 'letters outside the id alphabet'],
    ['x'.repeat(65), 'an over-long id'],
  ])('an account id with %s (%s) is an invalid id', async (id) => {
    const { status, body } = await request(pulse, `/api/accounts/${id}`);
    expect(status).toBe(400);
    expectApiError(body, ApiErrorCode.InvalidParameter, 'id');
    // A 10 kB id does not come back 10 kB long.
    expect(body.error.message.length).toBeLessThan(200);
  });

  it('a well-formed id that names no account stays a 404', async () => {
    const { status, body } = await request(pulse, '/api/accounts/acc-nope.1:x');
    expect(status).toBe(404);
    expectApiError(body, ApiErrorCode.NotFound);
    expect(body.error.message).toContain('acc-nope.1:x');
  });

  it.each(['/api/accounts/%E0%A4%A', '/api/accounts/%FF', '/api/kpis/%C0'])(
    'bad percent-encoding in the path %s is named',
    async (path) => {
      const { status, body } = await request(pulse, path);
      expect(status).toBe(400);
      expectApiError(body, ApiErrorCode.InvalidEncoding, 'path');
      expect(body.error.message).toContain(path.split('/').at(-1));
    },
  );

  it.each([
    ['region=%E0%A4%A', 'region'],
    ['limit=%', 'limit'],
    ['%FF=1', 'query'],
  ])('bad percent-encoding in the query ?%s is named (%s)', async (query, field) => {
    const { status, body } = await request(pulse, `/api/accounts?${query}`);
    expect(status).toBe(400);
    expectApiError(body, ApiErrorCode.InvalidEncoding, field);
  });

  it.each(['{"region": emea}', '{"region":', '[1,]'])(
    'a malformed JSON body %s is invalid_json, with the reason',
    async (text) => {
      const { status, body } = await request(pulse, '/api/accounts', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: text,
      });
      expect(status).toBe(400);
      expectApiError(body, ApiErrorCode.InvalidJson, 'body');
      expect(body.error.message).toContain(reasonJsonParseGives(text));
    },
  );

  it('a body over the size limit is payload_too_large', async () => {
    const { status, body } = await request(pulse, '/api/accounts', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ padding: 'x'.repeat(200_000) }),
    });
    expect(status).toBe(413);
    expectApiError(body, ApiErrorCode.PayloadTooLarge, 'body');
  });

  it('a URL past the 16 kB header limit is headers_too_large, not a bare status line', async () => {
    const { status, body } = await request(pulse, `/api/accounts?ids=${'acc-1,'.repeat(4000)}`);
    expect(status).toBe(431);
    expectApiError(body, ApiErrorCode.HeadersTooLarge);
  });

  it('an unknown API route is not_found', async () => {
    const { status, body } = await request(pulse, '/api/nothing-here?x=1');
    expect(status).toBe(404);
    expectApiError(body, ApiErrorCode.NotFound);
    expect(body.error.message).toContain('/api/nothing-here');
  });

  // Last: it breaks the database under the running server.
  it('a fault of the server is a 500 internal whose answer hides the details', async () => {
    await pulse.database.db.destroy();
    const { status, body } = await request(pulse, '/api/accounts/acc-00001');
    expect(status).toBe(500);
    expectApiError(body, ApiErrorCode.Internal);
    expect(body.error.message).not.toMatch(/destroy|driver|kysely|stack|at /i);
  });
});
