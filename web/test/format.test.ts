import { describe, expect, it } from 'vitest';
import {
  formatDataAge,
  formatDays,
  formatInputValue,
  formatKpiValue,
  formatMoney,
  formatMoneyChange,
  formatMoneyFull,
  formatPercent,
  formatPoints,
  formatPointsChange,
} from '../src/format/index.js';

describe('money from whole cents', () => {
  it.each([
    [123_456_789, '$1.2M'],
    [500_000_000, '$5M'],
    [35_000_000, '$350K'],
    [99_900, '$999'],
    [0, '$0'],
    [-5_000_000, '-$50K'],
    [-123_456_789, '-$1.2M'],
    [null, '—'],
    [Number.NaN, '—'],
  ])('formatMoney(%s) = %s', (cents, text) => {
    expect(formatMoney(cents)).toBe(text);
  });

  it('shows whole dollars in full for tables', () => {
    expect(formatMoneyFull(123_456_789)).toBe('$1,234,568');
    expect(formatMoneyFull(-250_000)).toBe('-$2,500');
  });

  it.each([
    [12_000_000, '+$120K'],
    [-12_000_000, '-$120K'],
    [0, '$0'],
  ])('signs movements: %s → %s', (cents, text) => {
    expect(formatMoneyChange(cents)).toBe(text);
  });
});

describe('percent, days and points', () => {
  it.each([
    [0.873, 0, '87%'],
    [0.9, 0, '90%'],
    [1.12, 0, '112%'],
    [0, 0, '0%'],
    [-0.05, 0, '-5%'],
    [0.8756, 1, '87.6%'],
    [null, 0, '—'],
  ])('formatPercent(%s, %s) = %s', (fraction, digits, text) => {
    expect(formatPercent(fraction, digits)).toBe(text);
  });

  it('formats days and points, keeping the sign of negative values', () => {
    expect(formatDays(12)).toBe('12 d');
    expect(formatDays(-3)).toBe('-3 d');
    expect(formatPoints(70.8333)).toBe('70.8');
    expect(formatPoints(75)).toBe('75');
    expect(formatPointsChange(-5.6)).toBe('-5.6');
    expect(formatPointsChange(2.44)).toBe('+2.4');
    expect(formatPointsChange(0)).toBe('0');
  });

  it.each([
    [0.92, 'ratio', '92%'],
    [480_000_000, 'cents', '$4.8M'],
    [14, 'days', '14 d'],
    [74.25, 'points', '74.3'],
    [1234, 'count', '1,234'],
    [null, 'ratio', '—'],
  ] as const)('a KPI value %s in %s reads %s', (value, unit, text) => {
    expect(formatKpiValue(value, unit)).toBe(text);
  });
});

describe('data age', () => {
  const now = new Date(2026, 2, 3, 16, 30).getTime();

  it('gives the clock time for data from today', () => {
    expect(formatDataAge(new Date(2026, 2, 3, 14, 2).toISOString(), now)).toBe('data from 14:02');
  });

  it('adds the day for older data', () => {
    expect(formatDataAge(new Date(2026, 2, 1, 9, 5).toISOString(), now)).toBe('data from 1 Mar 09:05');
  });

  it('says so when there is no data yet', () => {
    expect(formatDataAge(null, now)).toBe('no data yet');
  });
});

describe('formatInputValue', () => {
  it.each([
    [0.03697104677060133, '0.037'],
    [0.69, '0.69'],
    [2245, '2245'],
    [12.3456, '12.3'],
    [null, '—'],
    ['green', 'green'],
    [false, 'false'],
  ])('shows %s as %s', (value, shown) => {
    expect(formatInputValue(value)).toBe(shown);
  });
});
