import { LiveClient, LiveEvents } from '@pulse/protocol';
import { afterEach, expect, it } from 'vitest';
import { type LiveServer, MemoryTopicSource, sleep, startLiveServer, waitFor } from './live-harness.js';

const TOPIC = 'account:acc-1';
const PUBLISHES = 400;

let server: LiveServer | undefined;
let client: LiveClient | undefined;
afterEach(async () => {
  client?.close();
  await server?.close();
});

/** The websocket under a socket.io-client socket, to stop reading from it like a stalled browser. */
function tcpOf(live: LiveClient): { pause(): void; resume(): void } {
  const engine = live.socket.io.engine as unknown as {
    transport: { ws: { _socket: { pause(): void; resume(): void } } };
  };
  return engine.transport.ws._socket;
}

it('cuts a client that stops reading back to a fresh snapshot instead of buffering every delta', async () => {
  const source = new MemoryTopicSource();
  source.write('acc-1', { name: 'Acme', region: 'emea', score: 1, notes: '' });
  server = await startLiveServer(source, {
    coalesceMs: 0,
    maxQueuedBytes: 512 * 1024,
    lagCheckMs: 20,
  });
  client = LiveClient.connect(server.url, { socket: { forceNew: true } });
  const events: string[] = [];
  client.socket.onAny((event: string) => events.push(event));
  const stream = client.subscribe(TOPIC);
  await waitFor(() => stream.view.status === 'live', 'live');

  tcpOf(client).pause();
  const bulky = 'n'.repeat(64 * 1024);
  let last: unknown;
  for (let i = 1; i <= PUBLISHES; i += 1) {
    last = { account: { id: 'acc-1', name: 'Acme', region: 'emea', score: i, notes: `${bulky}${i}` } };
    server.hub.publish(TOPIC, last, new Date());
    if (i % 10 === 0) await sleep(2);
  }
  tcpOf(client).resume();

  await waitFor(
    () => (stream.view.state as { account?: { score: number } })?.account?.score === PUBLISHES,
    'caught up',
    15_000,
  );
  expect(stream.view.state).toEqual(last);
  const deltas = events.filter((e) => e === LiveEvents.delta).length;
  const snapshots = events.filter((e) => e === LiveEvents.snapshot).length;
  expect(snapshots).toBeGreaterThanOrEqual(2);
  expect(deltas).toBeLessThan(PUBLISHES / 2);
}, 30_000);
