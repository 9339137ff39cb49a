/** Demo dates are whole days counted from the Unix epoch (UTC), so arithmetic has no time zones. */
const DAY_MS = 86_400_000;

export const dayOf = (instant: Date): number => Math.floor(instant.getTime() / DAY_MS);
/** Formatted once per day: a seed formats millions of dates but only a few thousand distinct days. */
const isoDates = new Map<number, string>();
export function isoDate(day: number): string {
  let date = isoDates.get(day);
  if (date === undefined) {
    date = new Date(day * DAY_MS).toISOString().slice(0, 10);
    isoDates.set(day, date);
  }
  return date;
}
/** An instant on `day` at `hour` UTC plus `minute`. */
export const instant = (day: number, hour = 12, minute = 0): Date =>
  new Date(day * DAY_MS + hour * 3_600_000 + minute * 60_000);

/** Today at 00:00 UTC: the default anchor of the demo data. */
export function startOfTodayUtc(now: Date = new Date()): Date {
  return new Date(dayOf(now) * DAY_MS);
}
