/** Rows read as JSON carry instants as strings; both forms become ISO 'YYYY-MM-DDTHH:mm:ss.sssZ'. */
export const iso = (instant: Date | string) => new Date(instant).toISOString();

export const isoOrNull = (instant: Date | string | null) => (instant === null ? null : iso(instant));

/** An account row is kept even when unreadable (see screenFactRows): its instants as stored then. */
export const isoOrStored = (instant: Date | string) =>
  Number.isNaN(new Date(instant).getTime()) ? String(instant) : iso(instant);
