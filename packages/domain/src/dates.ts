import type { IsoDate, IsoInstant } from './facts.js';

const DAY_MS = 86_400_000;

/** The calendar date (UTC) of a date or instant string. */
export function toDate(value: IsoDate | IsoInstant): IsoDate {
  return value.slice(0, 10);
}

function epochDay(date: IsoDate): number {
  return Math.floor(Date.parse(`${toDate(date)}T00:00:00.000Z`) / DAY_MS);
}

function fromEpochDay(day: number): IsoDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Whole calendar days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: IsoDate | IsoInstant, to: IsoDate | IsoInstant): number {
  return epochDay(to) - epochDay(from);
}

export function addDays(date: IsoDate | IsoInstant, days: number): IsoDate {
  return fromEpochDay(epochDay(date) + days);
}

/** Same day of month `months` later (clamped to the month's last day). */
export function addMonths(date: IsoDate | IsoInstant, months: number): IsoDate {
  const [y, m, d] = toDate(date).split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** Whole months elapsed from `from` to `to` (a month counts once its day-of-month is reached). */
export function monthsBetween(from: IsoDate | IsoInstant, to: IsoDate | IsoInstant): number {
  const [fy, fm, fd] = toDate(from).split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = toDate(to).split('-').map(Number) as [number, number, number];
  let months = (ty - fy) * 12 + (tm - fm);
  if (td < fd) months -= 1;
  return months;
}

/** Last day of the month before `date`'s month. */
export function previousMonthEnd(date: IsoDate): IsoDate {
  return addDays(`${toDate(date).slice(0, 8)}01`, -1);
}

/** The trend dates: `count − 1` previous month-ends then `asOf`, oldest first. */
export function trendDates(asOf: IsoDate, count: number): IsoDate[] {
  const dates: IsoDate[] = [asOf];
  let cursor = asOf;
  while (dates.length < count) {
    cursor = previousMonthEnd(cursor);
    dates.unshift(cursor);
  }
  return dates;
}

/** Whether an instant or date falls on or before the end of the day `asOf`. */
export function onOrBefore(value: IsoDate | IsoInstant, asOf: IsoDate): boolean {
  return toDate(value) <= asOf;
}
