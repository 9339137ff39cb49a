import type { IsoDate, IsoInstant } from './facts.js';

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

/** Inverse of `epochDay` (civil-from-days), formatted without a Date for the same reason. */
function fromEpochDay(epoch: number): IsoDate {
  const z = epoch + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return formatDate(year, month, day);
}

function formatDate(year: number, month: number, day: number): IsoDate {
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
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
  const index = digits(date, 0, 4) * 12 + (digits(date, 5, 2) - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return formatDate(year, month, Math.min(digits(date, 8, 2), daysInMonth(year, month)));
}

/** Whole months elapsed from `from` to `to` (a month counts once its day-of-month is reached). */
export function monthsBetween(from: IsoDate | IsoInstant, to: IsoDate | IsoInstant): number {
  let months = (digits(to, 0, 4) - digits(from, 0, 4)) * 12 + (digits(to, 5, 2) - digits(from, 5, 2));
  if (digits(to, 8, 2) < digits(from, 8, 2)) months -= 1;
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
