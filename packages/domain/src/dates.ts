import type { IsoDate, IsoInstant } from './facts.js';

const DAY_MS = 86_400_000;

/** The calendar date (UTC) of a date or instant string. */
export function toDate(value: IsoDate | IsoInstant): IsoDate {
  return value.slice(0, 10);
}

function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) value = value * 10 + (text.charCodeAt(i) - 48);
  return value;
}

/**
 * Days since 1970-01-01 of the calendar date at the start of `date` (days-from-civil arithmetic:
 * this runs for every dated fact of every account, and Date.parse is an order of magnitude slower).
 */
function epochDay(date: IsoDate | IsoInstant): number {
  const month = digits(date, 5, 2);
  const year = digits(date, 0, 4) - (month <= 2 ? 1 : 0);
  const day = digits(date, 8, 2);
  const era = Math.floor(year / 400);
  const yearOfEra = year - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
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
