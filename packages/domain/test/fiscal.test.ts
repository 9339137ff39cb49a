import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  defaultConfig as config,
  daysBetween,
  fiscalQuarter,
  fiscalYear,
  monthsBetween,
  shiftQuarter,
  trendDates,
} from '../src/index.js';

describe('fiscal calendar (year ends 31 January)', () => {
  it.each([
    ['2026-01-31', 2026, 4, '2025-11-01', '2026-01-31', 'FY26-Q4'],
    ['2026-02-01', 2027, 1, '2026-02-01', '2026-04-30', 'FY27-Q1'],
    ['2026-04-30', 2027, 1, '2026-02-01', '2026-04-30', 'FY27-Q1'],
    ['2026-05-01', 2027, 2, '2026-05-01', '2026-07-31', 'FY27-Q2'],
    ['2026-12-31', 2027, 4, '2026-11-01', '2027-01-31', 'FY27-Q4'],
    ['2027-01-31', 2027, 4, '2026-11-01', '2027-01-31', 'FY27-Q4'],
  ])('%s is fiscal year %i Q%i (%s – %s)', (date, fy, quarter, start, end, label) => {
    expect(fiscalYear(date, config)).toBe(fy);
    expect(fiscalQuarter(date, config)).toEqual({ fiscalYear: fy, quarter, start, end, label });
  });

  it('accepts instants', () => {
    expect(fiscalQuarter('2026-02-01T00:00:00.000Z', config).label).toBe('FY27-Q1');
  });

  it('follows a configured fiscal year end (December = calendar year)', () => {
    const calendar = { ...config, fiscalYearEndMonth: 12 };
    expect(fiscalQuarter('2026-01-01', calendar)).toMatchObject({
      fiscalYear: 2026,
      quarter: 1,
      start: '2026-01-01',
    });
    expect(fiscalQuarter('2026-12-31', calendar)).toMatchObject({ quarter: 4, end: '2026-12-31' });
    const june = { ...config, fiscalYearEndMonth: 6 };
    expect(fiscalQuarter('2026-07-01', june)).toMatchObject({
      fiscalYear: 2027,
      quarter: 1,
      end: '2026-09-30',
    });
  });

  it('shifts quarters across fiscal years', () => {
    expect(shiftQuarter('2026-02-15', -1, config).label).toBe('FY26-Q4');
    expect(shiftQuarter('2026-12-15', 1, config)).toMatchObject({ label: 'FY28-Q1', start: '2027-02-01' });
  });

  it('builds trend dates from previous month-ends to asOf', () => {
    expect(trendDates('2026-03-15', 4)).toEqual(['2025-12-31', '2026-01-31', '2026-02-28', '2026-03-15']);
  });
});

describe('calendar arithmetic', () => {
  it('agrees with the platform calendar across leap years and centuries', () => {
    for (let day = -30_000; day <= 60_000; day += 7) {
      const date = new Date(day * 86_400_000).toISOString().slice(0, 10);
      expect(daysBetween('1970-01-01', date)).toBe(day);
      expect(addDays(date, 1)).toBe(new Date((day + 1) * 86_400_000).toISOString().slice(0, 10));
    }
    expect(daysBetween('2024-02-28T23:59:59.999Z', '2024-03-01')).toBe(2);
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(monthsBetween('2026-01-31', '2026-02-28')).toBe(0);
    expect(monthsBetween('2026-01-15', '2026-03-15')).toBe(2);
  });
});
