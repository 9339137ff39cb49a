import type { KpiUnit, ReadingUnit } from '@pulse/domain';

/**
 * Display formatting only: every number arrives computed by the server (@pulse/domain); these
 * functions never decide a colour or a threshold.
 */

const MISSING = '—';

const compactMoney = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  notation: 'compact',
  minimumFractionDigits: 0,
  maximumFractionDigits: 1,
});
const fullMoney = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 0,
});

function isNumber(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Whole cents → compact dollars: 123_456_789 → "$1.2M", -50_000_00 → "-$50K". */
export function formatMoney(cents: number | null | undefined): string {
  if (!isNumber(cents)) return MISSING;
  return compactMoney.format(cents / 100);
}

/** Whole cents → dollars without cents, for tables and tooltips: "$1,234,568". */
export function formatMoneyFull(cents: number | null | undefined): string {
  if (!isNumber(cents)) return MISSING;
  return fullMoney.format(Math.round(cents / 100));
}

/** Like formatMoney with an explicit sign, for movements: "+$1.2M", "-$300K", "$0". */
export function formatMoneyChange(cents: number | null | undefined): string {
  if (!isNumber(cents)) return MISSING;
  const text = formatMoney(Math.abs(cents));
  if (cents > 0) return `+${text}`;
  if (cents < 0) return `-${text}`;
  return text;
}

/** Fraction 0–1 (or above, e.g. NRR 1.12) → "87%"; `digits` decimals when asked. */
export function formatPercent(fraction: number | null | undefined, digits = 0): string {
  if (!isNumber(fraction)) return MISSING;
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** Whole days → "12 d"; negative means in the past: "-3 d". */
export function formatDays(days: number | null | undefined): string {
  if (!isNumber(days)) return MISSING;
  return `${Math.round(days)} d`;
}

/** Health points 0–100 → "74.2" (one decimal, trailing .0 dropped). */
export function formatPoints(points: number | null | undefined): string {
  if (!isNumber(points)) return MISSING;
  return String(Math.round(points * 10) / 10);
}

/** Signed points change → "+2.4", "-5.6". */
export function formatPointsChange(points: number | null | undefined): string {
  if (!isNumber(points)) return MISSING;
  const rounded = Math.round(points * 10) / 10;
  return rounded > 0 ? `+${rounded}` : String(rounded);
}

/** Plain counts with grouping: 12345 → "12,345". */
export function formatCount(count: number | null | undefined): string {
  if (!isNumber(count)) return MISSING;
  return count.toLocaleString('en-US');
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function toDate(at: string | number | Date): Date {
  return at instanceof Date ? at : new Date(at);
}

/** Local clock time "14:02". */
export function formatClock(at: string | number | Date): string {
  const date = toDate(at);
  return `${pad2(date.getHours())}:${pad2(date.getMinutes())}`;
}

/** ISO date or instant → "3 Mar 2026". */
export function formatDate(at: string | number | Date | null | undefined): string {
  if (at === null || at === undefined) return MISSING;
  const date = toDate(at);
  if (Number.isNaN(date.getTime())) return MISSING;
  return date.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
}

/**
 * How old the data on a tile is: "data from 14:02" the same day, "data from 3 Mar 14:02" otherwise.
 * `at` is the commit time of the newest change the tile includes.
 */
export function formatDataAge(
  at: string | number | Date | null | undefined,
  now: number = Date.now(),
): string {
  if (at === null || at === undefined) return 'no data yet';
  const date = toDate(at);
  if (Number.isNaN(date.getTime())) return 'no data yet';
  const sameDay = new Date(now).toDateString() === date.toDateString();
  const day = sameDay ? '' : `${date.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' })} `;
  return `data from ${day}${formatClock(date)}`;
}

/** Elapsed time in words, for feeds: "just now", "4 min ago", "3 h ago", "2 d ago". */
export function formatAgo(at: string | number | Date, now: number = Date.now()): string {
  const seconds = Math.max(0, (now - toDate(at).getTime()) / 1000);
  if (seconds < 45) return 'just now';
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} d ago`;
}

/** snake_case enum value → "Will contract actionable". */
export function formatLabel(value: string | null | undefined): string {
  if (!value) return MISSING;
  const words = value.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A KPI value in its unit: ratio → "87%", cents → "$1.2M", days → "12 d", points → "74.2". */
export function formatKpiValue(value: number | null | undefined, unit: KpiUnit): string {
  switch (unit) {
    case 'ratio':
      return formatPercent(value);
    case 'cents':
      return formatMoney(value);
    case 'days':
      return formatDays(value);
    case 'points':
      return formatPoints(value);
    case 'count':
      return formatCount(value);
  }
}

/** A measured input as a person reads it: whole numbers as they are, fractions to 3 significant digits. */
export function formatInputValue(value: number | string | boolean | null): string {
  if (value === null) return '—';
  if (typeof value !== 'number' || Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(3)));
}

/** A measure's value or input in its unit, as the domain names it: "62 %", "14 builds a user", "yes". */
export function formatReading(value: number | string | boolean | null, unit: ReadingUnit): string {
  if (value === null) return MISSING;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string') return formatLabel(value);
  switch (unit) {
    case 'share':
      return formatPercent(value, value < 0.1 ? 1 : 0);
    case 'days':
      return `${formatCount(Math.round(value))} d`;
    case 'months':
      return `${formatCount(value)} months`;
    case 'per_user':
      return `${formatInputValue(value)} a user`;
    case 'per_pipeline':
      return `${formatInputValue(value)} a pipeline`;
    case 'yes_no':
      return value ? 'yes' : 'no';
    default:
      return formatInputValue(value);
  }
}
