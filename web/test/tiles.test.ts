import type { LeaderboardCard, LeaderboardEntry } from '@pulse/domain';
import type { FeedEntry } from '@pulse/protocol';
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import ChangesFeed from '../src/components/ChangesFeed.vue';
import LeaderboardTable from '../src/components/LeaderboardTable.vue';
import PlanFunnelChart from '../src/components/PlanFunnelChart.vue';
import TileFrame from '../src/components/TileFrame.vue';

describe('tile frame state hook', () => {
  it.each([
    { props: { status: 'live' as const, at: '2026-11-23T05:00:00Z' }, state: 'live' },
    { props: { status: 'stale' as const, at: '2026-11-23T05:00:00Z' }, state: 'stale' },
    { props: { status: 'offline' as const, at: '2026-11-23T05:00:00Z' }, state: 'offline' },
    { props: { status: 'connecting' as const, loading: true }, state: 'loading' },
    { props: { status: 'offline' as const, loading: true }, state: 'loading' },
    { props: { status: 'error' as const, error: 'Cannot load: boom' }, state: 'error' },
  ])('says $state for $props', ({ props, state }) => {
    const wrapper = mount(TileFrame, { props: { title: 'By owner', ...props } });
    expect(wrapper.get('section').attributes('data-state')).toBe(state);
  });
});

const COLUMNS = ['a', 'b', 'c', 'd'].map((key) => ({ key, label: `KPI ${key}`, unit: 'ratio' as const }));

function entries(count: number): Record<string, LeaderboardEntry> {
  const card = (): LeaderboardCard => ({ value: 0.5, color: 'yellow', target: null, accountCount: 0 });
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => {
      const id = `tm-${i}`;
      const cards = Object.fromEntries(COLUMNS.map((column) => [column.key, card()]));
      return [id, { member: { id, name: `Person ${i}`, role: 'csm' }, accountCount: 3, cards }];
    }),
  );
}

/**
 * happy-dom does no layout: a tile 300 px wide and 100 px high, a 20 px heading row, 15 px rows,
 * and a table 100 px plus 80 px per KPI column wide.
 */
function stubLayout(): void {
  const size = (el: Element) => {
    if (el.tagName === 'THEAD') return 20;
    if (el.tagName === 'TR' && el.parentElement?.tagName === 'TBODY') return 15;
    return 0;
  };
  vi.spyOn(Element.prototype, 'getBoundingClientRect').mockImplementation(function (this: Element) {
    return {
      height: size(this),
      width: 0,
      top: 0,
      left: 0,
      right: 0,
      bottom: size(this),
      x: 0,
      y: 0,
    } as DOMRect;
  });
  // Spied where the DOM defines them (Element or HTMLElement, depending on the property).
  const owner = (name: string): Element => {
    let proto: object = HTMLElement.prototype;
    while (!Object.hasOwn(proto, name)) proto = Object.getPrototypeOf(proto);
    return proto as Element;
  };
  const box = (name: 'clientHeight' | 'clientWidth' | 'scrollWidth', value: (el: Element) => number) =>
    vi.spyOn(owner(name), name, 'get').mockImplementation(function (this: Element) {
      return value(this);
    });
  box('clientHeight', (el) => (el.classList.contains('leaderboard') ? 100 : 0));
  box('clientWidth', (el) => (el.classList.contains('leaderboard') ? 300 : 0));
  box('scrollWidth', (el) => (el.tagName === 'TABLE' ? 100 + 80 * el.querySelectorAll('th.kpi').length : 0));
}

describe('leaderboard', () => {
  afterEach(() => vi.restoreAllMocks());

  it('on a wall shows only the columns and whole rows that fit its tile, and says how many more', async () => {
    stubLayout();
    const wrapper = mount(LeaderboardTable, { props: { entries: entries(9), columns: COLUMNS, fit: true } });
    await flushPromises();
    // 100 + 80 × 2 = 260 ≤ 300 px; a 25.6 px line (16 px text) for "more": (100 − 25.6 − 20) / 15 = 3.6 rows.
    expect(wrapper.findAll('th.kpi').map((th) => th.text())).toEqual(['KPI a', 'KPI b']);
    expect(wrapper.findAll('tbody tr')).toHaveLength(3);
    expect(wrapper.get('[data-testid="more-rows"]').text()).toBe('+ 6 more owners · + 2 more measures');
  });

  it('on a page shows every column and row (the tile scrolls instead)', async () => {
    stubLayout();
    const wrapper = mount(LeaderboardTable, { props: { entries: entries(9), columns: COLUMNS } });
    await flushPromises();
    expect(wrapper.findAll('th.kpi')).toHaveLength(4);
    expect(wrapper.findAll('tbody tr')).toHaveLength(9);
  });

  it('names the full KPI in a tooltip when its heading is clamped', () => {
    const columns = [
      {
        key: 'long',
        label: 'Green success plans with technical milestones & objectives',
        unit: 'ratio' as const,
      },
    ];
    const wrapper = mount(LeaderboardTable, { props: { entries: {}, columns } });
    expect(wrapper.get('th.kpi button').attributes('title')).toContain(columns[0]!.label);
  });
});

describe('counts that reconcile', () => {
  it('draws each outcome stage as long as its count, not as a narrowing funnel', () => {
    const wrapper = mount(PlanFunnelChart, {
      props: {
        funnel: {
          statuses: { none: 1, draft: 0, active_green: 0, active_yellow: 0, active_red: 0, completed: 0 },
          outcomeStages: { proposed: 62, accepted: 67, delivered: 69, verified: 61 },
        },
      },
    });
    const widths = Object.fromEntries(
      wrapper.findAll('[data-stage]').map((li) => [
        li.attributes('data-stage'),
        Number.parseFloat(
          li
            .get('.bar')
            .attributes('style')
            ?.replace(/.*width:\s*/, '') ?? '',
        ),
      ]),
    );
    expect(widths.delivered).toBe(100);
    expect(widths.verified!).toBeLessThan(widths.proposed!);
    expect(widths.proposed!).toBeLessThan(widths.accepted!);
    expect(widths.accepted!).toBeLessThan(widths.delivered!);
    expect(wrapper.findAll('.stages .count').map((el) => el.text())).toEqual(['62', '67', '69', '61']);
  });

  it('lists the feed newest first, each move with the measures that moved it most', () => {
    const entry = (minute: number, moves: FeedEntry['moves']): FeedEntry => ({
      accountId: `acc-${minute}`,
      accountName: `Account ${minute}`,
      changedAt: `2026-11-27T10:0${minute}:00Z`,
      fromScore: 80.8,
      toScore: 77.1,
      fromColor: 'green',
      toColor: 'yellow',
      cause: null,
      moves,
    });
    const wrapper = mount(ChangesFeed, {
      props: {
        changes: {
          changes: {
            1: entry(1, []),
            2: entry(2, [
              { label: 'CI adoption', points: -2.46 },
              { label: 'Success plan', points: -1.24 },
            ]),
          },
        },
      },
      global: { stubs: { RouterLink: { template: '<a><slot /></a>' } } },
    });
    const rows = wrapper.findAll('li');
    expect(rows.map((li) => li.attributes('data-account'))).toEqual(['acc-2', 'acc-1']);
    expect(rows[0]!.get('.why').text()).toBe('CI adoption -2.5, Success plan -1.2');
    expect(rows[1]!.find('.why').exists()).toBe(false);
  });

  it('a leaderboard cell listing fewer accounts than the owner’s book says how many more and why', async () => {
    const board = entries(1);
    const entry = board['tm-0']!;
    entry.accountCount = 16;
    entry.cards.a = { ...entry.cards.a!, accountCount: 14 };
    const wrapper = mount(LeaderboardTable, { props: { entries: board, columns: COLUMNS } });
    await wrapper.get('tbody button.value').trigger('click');
    const [title, target, note] = wrapper.emitted('drill')![0] as [
      string,
      { card: string; member: string },
      string,
    ];
    expect(title).toContain('Person 0, KPI a');
    // The server lists exactly the member's accounts behind that card (the same 14).
    expect(target).toEqual({ card: 'a', member: 'tm-0' });
    expect(note).toBe("2 more of Person 0's 16 accounts are churned or have nothing this measure counts");
  });
});
