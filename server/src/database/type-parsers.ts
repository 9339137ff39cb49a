/**
 * One set of result parsers for both drivers so rows look the same on pg and PGlite:
 * bigint → number (exact only: the facts' CHECK bounds keep cents far below 2^53, and a value
 * beyond is refused, never rounded), numeric → number, date → 'YYYY-MM-DD',
 * timestamptz → Date. Everything else keeps the driver's default (jsonb parsed, text[] as array).
 */
export const PG_TYPE_OIDS = {
  int8: 20,
  numeric: 1700,
  date: 1082,
  timestamptz: 1184,
} as const;

const toNumber = (value: string): number => Number(value);

const toExactInteger = (value: string): number => {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) {
    throw new RangeError(`bigint ${value} is beyond the exact integer range of a JavaScript number`);
  }
  return number;
};

export const RESULT_PARSERS: Readonly<Record<number, (value: string) => unknown>> = {
  [PG_TYPE_OIDS.int8]: toExactInteger,
  [PG_TYPE_OIDS.numeric]: toNumber,
  [PG_TYPE_OIDS.date]: (value: string) => value,
  [PG_TYPE_OIDS.timestamptz]: (value: string) => new Date(value),
};
