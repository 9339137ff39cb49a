import type { KpiCard } from '@pulse/domain';
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import KpiCardTile from '../src/components/KpiCardTile.vue';

function card(overrides: Partial<KpiCard> = {}): KpiCard {
  return {
    key: 'green_success_plans',
    label: 'Green success plans',
    value: 0.82,
    unit: 'ratio',
    color: 'yellow',
    target: 0.9,
    trend: [
      { date: '2026-01-31', value: 0.7 },
      { date: '2026-02-28', value: null },
      { date: '2026-03-31', value: 0.78 },
      { date: '2026-04-30', value: 0.82 },
    ],
    accountIds: ['acc-0001', 'acc-0002', 'acc-0003'],
    detail: {},
    ...overrides,
  };
}

describe('KPI card', () => {
  it('shows the value in its unit, its colour and its target', () => {
    const wrapper = mount(KpiCardTile, { props: { card: card() } });
    expect(wrapper.get('[data-testid=kpi-value]').text()).toBe('82%');
    expect(wrapper.get('[data-testid=kpi-color]').text()).toBe('Yellow');
    expect(wrapper.get('[data-testid=kpi-target]').text()).toBe('90%');
    expect(wrapper.classes()).toContain('yellow');
    expect(wrapper.text()).toContain('Green success plans');
  });

  it('formats money cards and shows no target when there is none', () => {
    const wrapper = mount(KpiCardTile, {
      props: { card: card({ unit: 'cents', value: -45_000_000, target: null, color: 'red' }) },
    });
    expect(wrapper.get('[data-testid=kpi-value]').text()).toBe('-$450K');
    expect(wrapper.find('[data-testid=kpi-target]').exists()).toBe(false);
    expect(wrapper.classes()).toContain('red');
  });

  it('draws the trend with a gap where a value is missing', () => {
    const wrapper = mount(KpiCardTile, { props: { card: card() } });
    // Points 1 | gap | 3,4: only the run of two known points is a line.
    expect(wrapper.findAll('polyline')).toHaveLength(1);
  });

  it('is a focusable button that asks for its accounts when pressed', async () => {
    const wrapper = mount(KpiCardTile, { props: { card: card() } });
    const button = wrapper.get('button');
    expect(button.attributes('aria-label')).toBe(
      'Green success plans: 82%, yellow, target 90%. Show 3 accounts.',
    );
    await button.trigger('click');
    const drilled = wrapper.emitted<[KpiCard]>('drill') ?? [];
    expect(drilled).toHaveLength(1);
    expect(drilled[0]?.[0].accountIds).toEqual(['acc-0001', 'acc-0002', 'acc-0003']);
  });
});
