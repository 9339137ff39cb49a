/** Rows read as JSON carry instants as strings; both forms become ISO 'YYYY-MM-DDTHH:mm:ss.sssZ'. */
export const iso = (instant: Date | string) =>
  typeof instant === 'string' && UTC_JSON_INSTANT.test(instant)
    ? `${instant.slice(0, 19)}${millis(instant)}Z`
    : new Date(instant).toISOString();

/**
 * How PostgreSQL writes a timestamptz into JSON in a UTC session ('2026-11-27T14:55:55.12+00:00'):
 * rewritten as text, without a Date, because every loaded row carries instants (a bulk sync reads
 * millions); any other form goes through Date.
 */
const UTC_JSON_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?\+00:00$/;

/** The fraction of a second to exactly three digits, as toISOString writes it (truncated, as Date does). */
const millis = (instant: string) => {
  const fraction = instant.length > 25 ? instant.slice(20, instant.length - 6) : '';
  return `.${fraction.padEnd(3, '0').slice(0, 3)}`;
};

export const isoOrNull = (instant: Date | string | null) => (instant === null ? null : iso(instant));

/** An account row is kept even when unreadable (see screenFactRows): its instants as stored then. */
export const isoOrStored = (instant: Date | string) =>
  Number.isNaN(new Date(instant).getTime()) ? String(instant) : iso(instant);
