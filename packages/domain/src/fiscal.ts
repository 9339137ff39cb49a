import type { PulseConfig } from './config.js';
import { addDays, addMonths, toDate } from './dates.js';
import type { IsoDate } from './facts.js';
import type { Period } from './views.js';

export interface FiscalQuarter extends Period {
  fiscalYear: number;
  quarter: 1 | 2 | 3 | 4;
}

/** Fiscal year of a date: named after the calendar year in which it ends (FY27 = Feb 2026 – Jan 2027). */
export function fiscalYear(date: IsoDate, config: PulseConfig): number {
  const [y, m] = toDate(date).split('-').map(Number) as [number, number];
  return m > config.fiscalYearEndMonth ? y + 1 : y;
}

export function fiscalYearStart(fy: number, config: PulseConfig): IsoDate {
  const startMonth = (config.fiscalYearEndMonth % 12) + 1;
  const startYear = startMonth === 1 ? fy : fy - 1;
  return `${startYear}-${String(startMonth).padStart(2, '0')}-01`;
}

export function fiscalQuarter(date: IsoDate, config: PulseConfig): FiscalQuarter {
  const fy = fiscalYear(date, config);
  const yearStart = fiscalYearStart(fy, config);
  const [sy, sm] = yearStart.split('-').map(Number) as [number, number];
  const [y, m] = toDate(date).split('-').map(Number) as [number, number];
  const monthIndex = (y - sy) * 12 + (m - sm);
  const quarter = (Math.floor(monthIndex / 3) + 1) as 1 | 2 | 3 | 4;
  const start = addMonths(yearStart, (quarter - 1) * 3);
  const end = addDays(addMonths(start, 3), -1);
  return { fiscalYear: fy, quarter, start, end, label: `FY${String(fy % 100).padStart(2, '0')}-Q${quarter}` };
}

/** The fiscal quarter `offset` quarters after (negative: before) the one holding `date`. */
export function shiftQuarter(date: IsoDate, offset: number, config: PulseConfig): FiscalQuarter {
  return fiscalQuarter(addMonths(fiscalQuarter(date, config).start, offset * 3), config);
}
