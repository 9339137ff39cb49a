import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { RenewalsView } from '@pulse/domain';
import { LiveEvents, RENEWALS_MAX_DAYS, type SubscribeAck, type TeamMembersResponse } from '@pulse/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TopicHub } from '../../src/live/topic-hub.service.js';
import { startTestApp, type TestApp } from '../app-harness.js';
import { TEST_DRIVERS } from '../database/test-database.js';
import { MemoryTopicSource, type RawSocket, startLiveServer } from './live-harness.js';

const PUBLIC_URL = 'https://pulse.example.com';

/** A websocket upgrade to the live socket, as a browser page at `origin` would send it: the status answered. */
function upgradeStatus(baseUrl: string, headers: Record<string, string>): Promise<number> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const request = http.request({
      hostname,
      port,
      path: '/socket.io/?EIO=4&transport=websocket',
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        ...headers,
      },
    });
    request.on('upgrade', (response, socket) => {
      socket.destroy();
      resolve(response.statusCode ?? 0);
    });
    request.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end();
  });
}

/**
 * Who may open the live socket and what a topic may name, on the whole server: the Origin check
 * of the websocket upgrade, filters naming nobody, and renewal windows sharing few topics.
 */
describe.each(TEST_DRIVERS)('live socket access on %s', (driver) => {
  let pulse: TestApp;
  let socket: RawSocket;

  beforeAll(async () => {
    pulse = await startTestApp(driver, { publicOrigins: [PUBLIC_URL, 'http://wall.example.com:8080'] });
    socket = pulse.socket();
  }, 120_000);
  afterAll(async () => {
    socket?.disconnect();
    await pulse?.stop();
  }, 60_000);

  const subscribe = (topic: string): Promise<SubscribeAck> =>
    new Promise((resolve) => socket.emit(LiveEvents.subscribe, { topic }, resolve));

  it('refuses the websocket upgrade from a page of another site with 403', async () => {
    expect(await upgradeStatus(pulse.baseUrl, { Origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(pulse.baseUrl, { Origin: 'https://pulse.example.com.evil.example' })).toBe(
      403,
    );
    expect(await upgradeStatus(pulse.baseUrl, { Origin: 'null' })).toBe(403);
    // The server's own address is not in PULSE_PUBLIC_URL here, so it is refused too.
    expect(await upgradeStatus(pulse.baseUrl, { Origin: pulse.baseUrl })).toBe(403);
  });

  it('accepts the configured origins, and clients that send no Origin (not a browser page)', async () => {
    expect(await upgradeStatus(pulse.baseUrl, { Origin: PUBLIC_URL })).toBe(101);
    expect(await upgradeStatus(pulse.baseUrl, { Origin: 'http://wall.example.com:8080' })).toBe(101);
    expect(await upgradeStatus(pulse.baseUrl, {})).toBe(101);
  });

  it('refuses a team topic whose owner or manager names no team member', async () => {
    const { members } = (await pulse.get<TeamMembersResponse>('/api/team-members')).body;
    const someone = members.find((member) => member.role === 'csm')!;
    expect(await subscribe(`team:csm?owner=${someone.id}`)).toEqual({ ok: true });
    expect(await subscribe('team:csm?owner=tm-nobody')).toEqual({
      ok: false,
      error: { code: 'not_found', message: "filter 'owner': no team member 'tm-nobody'" },
    });
    expect(await subscribe('team:cse?manager=tm-nobody&region=emea')).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: expect.stringContaining("filter 'manager'") },
    });
    const hub = pulse.app.get(TopicHub);
    expect(hub.topicKeys.filter((key) => key.includes('tm-nobody'))).toEqual([]);
  });

  it('serves renewals?days=1..730 from the few renewal windows, live and over REST alike', async () => {
    const answers = await Promise.all(
      Array.from({ length: RENEWALS_MAX_DAYS }, (_, i) => subscribe(`renewals?days=${i + 1}`)),
    );
    expect(answers.every((answer) => answer.ok)).toBe(true);
    const hub = pulse.app.get(TopicHub);
    expect(hub.topicKeys.filter((key) => key.startsWith('renewals')).sort()).toEqual(
      [30, 60, 90, 120, 180, 365, 730].map((days) => `renewals?days=${days}`).sort(),
    );
    // REST rounds the same way: 100 days shows the 120-day window.
    const asked = await pulse.get<RenewalsView>('/api/kpis/renewals?days=100');
    const window = await pulse.get<RenewalsView>('/api/kpis/renewals?days=120');
    expect(asked.status).toBe(200);
    expect(asked.body).toEqual(window.body);
  });
});

describe('live socket origin without PULSE_PUBLIC_URL', () => {
  it("accepts only pages of the server's own origin (Origin host = Host)", async () => {
    const server = await startLiveServer(new MemoryTopicSource());
    try {
      const { host } = new URL(server.url);
      expect(await upgradeStatus(server.url, { Origin: `http://${host}` })).toBe(101);
      expect(await upgradeStatus(server.url, { Origin: 'http://evil.example' })).toBe(403);
      expect(await upgradeStatus(server.url, { Origin: `http://${host}`, Host: 'evil.example' })).toBe(403);
      expect(await upgradeStatus(server.url, {})).toBe(101);
    } finally {
      await server.close();
    }
  });
});
