import type { KpiCard, TeamView } from '@pulse/domain';
import {
  type Delta,
  LiveClient,
  LiveEvents,
  type LiveSocket,
  type Snapshot,
  type SubscribeAck,
  type SubscribeRequest,
} from '@pulse/protocol';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import { createMemoryHistory, createRouter } from 'vue-router';
import ConnectionBanner from '../src/components/ConnectionBanner.vue';
import { setLiveClient } from '../src/live/client.js';
import { routes } from '../src/router.js';
import TeamViewPage from '../src/views/TeamView.vue';

type Handler = (...args: unknown[]) => void;

/**
 * Stands in for the socket.io socket (the transport is tested in packages/protocol and server):
 * `deliver` plays the server, `emit` records what the client sends, subscribes are answered by
 * `onSubscribe` the way the server does — what is owed first, then the acknowledgement.
 */
class FakeSocket {
  connected = false;
  private readonly handlers = new Map<string, Handler[]>();
  readonly subscribes: SubscribeRequest[] = [];
  readonly sent: [string, unknown][] = [];
  onSubscribe: (request: SubscribeRequest) => void = () => {};

  timeout(_ms: number) {
    return {
      emit: (
        _event: string,
        request: SubscribeRequest,
        ack: (err: Error | null, response: SubscribeAck) => void,
      ) => {
        this.subscribes.push(request);
        this.onSubscribe(request);
        ack(null, { ok: true });
      },
    };
  }

  on(event: string, handler: Handler): this {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
    return this;
  }

  emit(event: string, payload?: unknown): this {
    this.sent.push([event, payload]); // client → server messages (unsubscribe) need no answer here
    return this;
  }

  deliver(event: string, ...args: unknown[]): void {
    for (const handler of this.handlers.get(event) ?? []) handler(...args);
  }

  connectNow(): void {
    this.connected = true;
    this.deliver('connect');
  }

  drop(): void {
    this.connected = false;
    this.deliver('disconnect', 'transport close');
  }

  disconnect(): void {
    this.drop();
  }
}

function kpi(key: string, label: string, value: number, color: KpiCard['color']): KpiCard {
  return {
    key,
    label,
    value,
    unit: 'ratio',
    color,
    target: 0.9,
    trend: [],
    accountIds: ['acc-0001'],
    detail: {},
  };
}

function teamState(nrr: number): TeamView {
  const bucket = { count: 0, arrCents: 0, arrShare: null, accountIds: [] };
  return {
    view: 'csm',
    filters: {},
    asOf: '2026-03-03',
    period: { label: 'FY27 Q1', start: '2026-02-01', end: '2026-04-30' },
    accountCount: 1,
    cards: {
      nrr: kpi('nrr', 'Net retention', nrr, 'yellow'),
      grr: kpi('grr', 'Gross retention', 0.93, 'green'),
    },
    healthDistribution: {
      colors: {
        green: { ...bucket, count: 1, accountIds: ['acc-0001'] },
        yellow: bucket,
        red: bucket,
        grey: bucket,
      },
      totalCount: 1,
      totalArrCents: 0,
      turnedRedThisWeek: [],
    },
    netArrWaterfall: { quarters: {}, order: [] },
    adoptionMatrix: {} as TeamView['adoptionMatrix'],
    planFunnel: {
      statuses: { none: 0, draft: 0, active_green: 1, active_yellow: 0, active_red: 0, completed: 0 },
      outcomeStages: { proposed: 0, accepted: 0, delivered: 0, verified: 0 },
    },
    leaderboard: {},
  };
}

const EPOCH = 'epoch-1';
const AT = '2026-03-03T14:02:00.000Z';

describe('live stream → store → screen', () => {
  let socket: FakeSocket;
  let client: LiveClient;

  beforeEach(() => {
    socket = new FakeSocket();
    client = new LiveClient(socket as unknown as LiveSocket, { staleAfterMs: 60_000 });
    setLiveClient(client);
    setActivePinia(createPinia());
    // The people list (filter options) is plain REST; this test is about the live stream.
    vi.stubGlobal(
      'fetch',
      async () => new Response('{"members":[]}', { headers: { 'content-type': 'application/json' } }),
    );
    socket.onSubscribe = (request) => {
      if (request.topic === 'team:csm') {
        const snapshot: Snapshot<TeamView> = {
          topic: 'team:csm',
          epoch: EPOCH,
          seq: 1,
          state: teamState(1.04),
          at: AT,
        };
        socket.deliver(LiveEvents.snapshot, snapshot);
      }
      if (request.topic === 'changes') {
        socket.deliver(LiveEvents.snapshot, {
          topic: 'changes',
          epoch: EPOCH,
          seq: 1,
          state: { changes: {} },
          at: AT,
        });
      }
    };
  });

  afterEach(() => {
    client.close();
    vi.unstubAllGlobals();
  });

  async function mountTeamView() {
    const router = createRouter({ history: createMemoryHistory(), routes });
    await router.push('/csm');
    await router.isReady();
    const wrapper = mount(
      defineComponent(() => () => [h(ConnectionBanner), h(TeamViewPage, { view: 'csm' })]),
      { global: { plugins: [router] }, attachTo: document.body },
    );
    await flushPromises();
    return wrapper;
  }

  function nrrValue(wrapper: Awaited<ReturnType<typeof mountTeamView>>): string {
    return wrapper.get('[data-kpi=nrr] [data-testid=kpi-value]').text();
  }

  it('shows skeletons until the snapshot, then the snapshot values', async () => {
    const wrapper = await mountTeamView();
    expect(wrapper.find('[data-kpi=nrr]').exists()).toBe(false);
    expect(wrapper.find('[aria-label="Loading"]').exists()).toBe(true);

    socket.connectNow();
    await flushPromises();

    expect(socket.subscribes.map((s) => s.topic).sort()).toEqual(['changes', 'team:csm']);
    expect(nrrValue(wrapper)).toBe('104%');
    expect(wrapper.get('[data-testid=data-age]').text()).toContain('data from');
    wrapper.unmount();
  });

  it('changes the number on screen when a delta arrives, and ignores a replayed one', async () => {
    const wrapper = await mountTeamView();
    socket.connectNow();
    await flushPromises();

    const delta: Delta = {
      topic: 'team:csm',
      epoch: EPOCH,
      seq: 2,
      ops: [
        { op: 'replace', path: '/cards/nrr/value', value: 1.12 },
        { op: 'replace', path: '/cards/nrr/color', value: 'green' },
      ],
      at: '2026-03-03T14:05:00.000Z',
    };
    socket.deliver(LiveEvents.delta, delta);
    await flushPromises();
    expect(nrrValue(wrapper)).toBe('112%');
    expect(wrapper.get('[data-kpi=nrr]').classes()).toContain('green');

    // seq ≤ last is dropped: a stale replay must not move the number back.
    socket.deliver(LiveEvents.delta, {
      ...delta,
      seq: 2,
      ops: [{ op: 'replace', path: '/cards/nrr/value', value: 0.5 }],
    });
    await flushPromises();
    expect(nrrValue(wrapper)).toBe('112%');
    wrapper.unmount();
  });

  it('greys out and shows the reconnecting banner when the socket drops, then resyncs from its position', async () => {
    const wrapper = await mountTeamView();
    socket.connectNow();
    await flushPromises();

    socket.drop();
    await flushPromises();
    expect(wrapper.find('[data-testid=reconnecting]').exists()).toBe(true);
    expect(wrapper.get('.cards-tile').classes()).toContain('degraded');
    expect(wrapper.get('.cards-tile [data-testid=data-age]').text()).toMatch(/^offline · data from /);
    expect(nrrValue(wrapper)).toBe('104%'); // last known value stays, greyed

    // On reconnect the client asks to resume from seq 1; the server answers with a newer snapshot.
    socket.onSubscribe = (request) => {
      if (request.topic !== 'team:csm') return;
      socket.deliver(LiveEvents.snapshot, {
        topic: 'team:csm',
        epoch: 'epoch-2',
        seq: 7,
        state: teamState(0.97),
        at: AT,
      });
    };
    socket.subscribes.length = 0;
    socket.connectNow();
    await flushPromises();

    expect(socket.subscribes.find((s) => s.topic === 'team:csm')?.since).toEqual({ epoch: EPOCH, seq: 1 });
    expect(wrapper.find('[data-testid=reconnecting]').exists()).toBe(false);
    expect(wrapper.get('.cards-tile').classes()).not.toContain('degraded');
    expect(nrrValue(wrapper)).toBe('97%');
    wrapper.unmount();
  });

  it('releases its topics when the view goes away', async () => {
    const wrapper = await mountTeamView();
    socket.connectNow();
    await flushPromises();
    expect(socket.sent).toEqual([]);
    wrapper.unmount();
    expect(socket.sent).toEqual(
      expect.arrayContaining([
        [LiveEvents.unsubscribe, { topic: 'team:csm' }],
        [LiveEvents.unsubscribe, { topic: 'changes' }],
      ]),
    );
  });
});
