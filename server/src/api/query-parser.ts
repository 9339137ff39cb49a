import querystring from 'node:querystring';
import { invalidEncoding, invalidParameter, quote, unknownParameter } from './api-errors.js';

/** Turns one raw query-string value into a typed value, or throws a 400 naming the field. */
export type FieldParser<T> = (raw: string, field: string) => T;

export type ParsedQuery<S extends Record<string, FieldParser<unknown>>> = {
  [K in keyof S]?: ReturnType<S[K]>;
};

/**
 * Express's query parser (`app.set('query parser', …)`): Node's own, after checking that every key
 * and value is valid percent-encoding, which Node would otherwise turn silently into U+FFFD.
 * Keys stay literal (`a[b]` is the key "a[b]") and the result has no prototype.
 */
export function parseQueryString(raw: string | null | undefined): Record<string, unknown> {
  if (!raw) return {};
  for (const pair of raw.split('&')) {
    const equals = pair.indexOf('=');
    const key = equals < 0 ? pair : pair.slice(0, equals);
    const decodedKey = decode(key);
    if (decodedKey === null) throw invalidEncoding('query', key);
    if (equals >= 0 && decode(pair.slice(equals + 1)) === null) {
      throw invalidEncoding(decodedKey, pair.slice(equals + 1));
    }
  }
  return querystring.parse(raw);
}

function decode(component: string): string | null {
  try {
    return decodeURIComponent(component.replaceAll('+', ' '));
  } catch {
    return null;
  }
}

/**
 * Validates a request's query against a schema: unknown or repeated parameters and bad values are
 * rejected with the field and the reason, so a typo never silently widens a filter. Only the
 * schema's own keys count: `valueOf` or `__proto__` are unknown parameters like any other.
 */
export function parseQuery<S extends Record<string, FieldParser<unknown>>>(
  query: Record<string, unknown>,
  schema: S,
): ParsedQuery<S> {
  const allowed = Object.keys(schema);
  const parsed: Record<string, unknown> = {};
  for (const [field, raw] of Object.entries(query)) {
    if (!Object.hasOwn(schema, field)) throw unknownParameter(field, allowed);
    const parse = schema[field] as FieldParser<unknown>;
    if (typeof raw !== 'string') throw invalidParameter(field, 'must be given once, as a single value');
    if (raw === '') throw invalidParameter(field, 'must not be empty');
    parsed[field] = parse(raw, field);
  }
  return parsed as ParsedQuery<S>;
}

export function oneOf<const T extends string>(values: readonly T[]): FieldParser<T> {
  return (raw, field) => {
    if (!(values as readonly string[]).includes(raw)) {
      throw invalidParameter(field, `${quote(raw)} is not one of ${values.join(', ')}`);
    }
    return raw as T;
  };
}

export function integer(min: number, max: number): FieldParser<number> {
  return (raw, field) => {
    if (!/^-?\d+$/.test(raw)) throw invalidParameter(field, `${quote(raw)} is not a whole number`);
    const value = Number(raw);
    if (value < min || value > max) throw invalidParameter(field, `${value} is outside ${min}..${max}`);
    return value;
  };
}

export function identifier(maxLength = 64): FieldParser<string> {
  return (raw, field) => {
    if (raw.length > maxLength || !/^[\w.:-]+$/.test(raw)) {
      throw invalidParameter(
        field,
        `${quote(raw)} is not a valid id (letters, digits, - _ . : up to ${maxLength})`,
      );
    }
    return raw;
  };
}

/** A comma-separated list of ids, e.g. the accounts behind a KPI card. */
export function identifierList(maxCount: number): FieldParser<string[]> {
  const one = identifier();
  return (raw, field) => {
    const ids = raw.split(',');
    if (ids.length > maxCount) throw invalidParameter(field, `lists ${ids.length} ids; at most ${maxCount}`);
    return ids.map((id) => one(id, field));
  };
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A past moment to show a view as of: a date ('2026-06-30', the end of that UTC day, or now while
 * the day runs) or an ISO instant with its offset. The engine's day is the instant's UTC date.
 */
export function asOfMoment(now: () => Date): FieldParser<{ instant: Date; day: string }> {
  return (raw, field) => {
    const isDate = DATE_ONLY.test(raw);
    if (!isDate && !INSTANT.test(raw)) {
      throw invalidParameter(field, `${quote(raw)} is not a date (YYYY-MM-DD) or an ISO instant`);
    }
    const parsed = new Date(isDate ? `${raw}T23:59:59.999Z` : raw);
    if (Number.isNaN(parsed.getTime()) || (isDate && parsed.toISOString().slice(0, 10) !== raw)) {
      throw invalidParameter(field, `${quote(raw)} is not a real date`);
    }
    const current = now();
    if (!isDate && parsed > current) throw invalidParameter(field, `${quote(raw)} is in the future`);
    if (isDate && raw > current.toISOString().slice(0, 10)) {
      throw invalidParameter(field, `${quote(raw)} is in the future`);
    }
    const instant = parsed > current ? current : parsed;
    return { instant, day: instant.toISOString().slice(0, 10) };
  };
}
