/** Demo dates are whole days counted from the Unix epoch (UTC), so arithmetic has no time zones. */
const DAY_MS = 86_400_000;

export const dayOf = (instant: Date): number => Math.floor(instant.getTime() / DAY_MS);
export const isoDate = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
/** An instant on `day` at `hour` UTC plus `minute`. */
export const instant = (day: number, hour = 12, minute = 0): Date =>
  new Date(day * DAY_MS + hour * 3_600_000 + minute * 60_000);

/** Today at 00:00 UTC: the default anchor of the demo data. */
export function startOfTodayUtc(now: Date = new Date()): Date {
  return new Date(dayOf(now) * DAY_MS);
}
