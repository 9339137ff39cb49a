import {
  REGIONS,
  type Region,
  type ScopeFilters,
  SEGMENTS,
  type Segment,
  SUCCESS_TIERS,
  type SuccessTier,
  type TeamViewKind,
} from '@pulse/domain';

/**
 * Topic keys name the views a client can watch. Every key has exactly one canonical spelling
 * (`topicKey(parseTopic(k).topic)`), so two clients asking for the same view share one stream:
 *
 *   team:cse | team:csm | team:csa   [?manager=&owner=&region=&segment=&tier=]  (sorted, empties dropped)
 *   account:<id>
 *   renewals[?days=N&manager=&owner=&region=&segment=&tier=]
 *                                    N in 1..730, rounded up to a RENEWAL_WINDOWS entry; absent means 180
 *   changes[?manager=&owner=&region=&segment=&tier=]
 *                                    the newest score moves with their causes, of the accounts in scope
 */
export type Topic =
  | { kind: 'team'; team: TeamViewKind; filters: ScopeFilters }
  | { kind: 'account'; accountId: string }
  | { kind: 'renewals'; days: number; filters: ScopeFilters }
  | { kind: 'changes'; filters: ScopeFilters };

export const TEAM_VIEW_KINDS = ['cse', 'csm', 'csa'] as const satisfies readonly TeamViewKind[];
export const TEAM_FILTER_KEYS = ['manager', 'owner', 'region', 'segment', 'tier'] as const;
export type TeamFilterKey = (typeof TEAM_FILTER_KEYS)[number];

export const RENEWALS_DEFAULT_DAYS = 180;
export const RENEWALS_MAX_DAYS = 730;
/**
 * The renewal windows users pick from (a month, a quarter or two, half a year, one and two years).
 * Any other `days` rounds up to the next of these, so the window still holds every renewal the
 * user asked about, and one process keeps at most this many renewals topics, however many windows
 * clients ask for.
 */
export const RENEWAL_WINDOWS = [30, 60, 90, 120, 180, 365, RENEWALS_MAX_DAYS] as const;

/** The renewal window serving `days` (1..RENEWALS_MAX_DAYS): the smallest that covers it. */
export function renewalWindow(days: number): number {
  return RENEWAL_WINDOWS.find((window) => window >= days) ?? RENEWALS_MAX_DAYS;
}

/** Ids of people and accounts ('tm-001', 'acc-0001'): short and URL-safe. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export type TopicErrorCode = 'unknown_topic' | 'invalid_topic';

export interface TopicError {
  code: TopicErrorCode;
  message: string;
}

export type ParsedTopic = { ok: true; topic: Topic; key: string } | { ok: false; error: TopicError };

const invalid = (message: string): ParsedTopic => ({ ok: false, error: { code: 'invalid_topic', message } });

function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}

/** Parses a topic key; the result carries the canonical key, or an error naming the part at fault. */
export function parseTopic(raw: unknown): ParsedTopic {
  if (typeof raw !== 'string' || raw.length === 0) {
    return invalid('topic must be a non-empty string');
  }
  if (raw.length > 512) return invalid('topic is longer than 512 characters');
  const queryStart = raw.indexOf('?');
  const path = queryStart === -1 ? raw : raw.slice(0, queryStart);
  const query = queryStart === -1 ? null : raw.slice(queryStart + 1);
  const params = readQuery(query);
  if (!params.ok) return invalid(`${path}: ${params.message}`);

  const colon = path.indexOf(':');
  const name = colon === -1 ? path : path.slice(0, colon);
  const arg = colon === -1 ? null : path.slice(colon + 1);

  let topic: Topic;
  switch (name) {
    case 'team': {
      if (arg === null || !isOneOf(TEAM_VIEW_KINDS, arg)) {
        return invalid(`team view must be one of ${TEAM_VIEW_KINDS.join(', ')} (got '${arg ?? ''}')`);
      }
      const filters = readTeamFilters(params.values);
      if (!filters.ok) return invalid(`${path}: ${filters.message}`);
      topic = { kind: 'team', team: arg, filters: filters.filters };
      break;
    }
    case 'account': {
      if (arg === null || !ID_PATTERN.test(arg)) {
        return invalid(`account id must match ${ID_PATTERN} (got '${arg ?? ''}')`);
      }
      if (params.values.size > 0) return invalid(`${path}: account topics take no parameters`);
      topic = { kind: 'account', accountId: arg };
      break;
    }
    case 'renewals': {
      if (arg !== null) return invalid(`renewals takes no ':' argument (got '${path}')`);
      const { days: rawDays, ...rest } = Object.fromEntries(params.values);
      const days = readRenewalDays(rawDays);
      if (typeof days === 'string') return invalid(`renewals: ${days}`);
      const filters = readTeamFilters(new Map(Object.entries(rest)), 'days');
      if (!filters.ok) return invalid(`renewals: ${filters.message}`);
      topic = { kind: 'renewals', days, filters: filters.filters };
      break;
    }
    case 'changes': {
      if (arg !== null) return invalid(`changes takes no ':' argument (got '${path}')`);
      const filters = readTeamFilters(params.values);
      if (!filters.ok) return invalid(`changes: ${filters.message}`);
      topic = { kind: 'changes', filters: filters.filters };
      break;
    }
    default:
      return {
        ok: false,
        error: {
          code: 'unknown_topic',
          message: `unknown topic '${name}': expected team:<cse|csm|csa>, account:<id>, renewals or changes`,
        },
      };
  }
  return { ok: true, topic, key: topicKey(topic) };
}

/** The canonical key of a topic: filters sorted by name, empty filters left out, renewal windows rounded up. */
export function topicKey(topic: Topic): string {
  switch (topic.kind) {
    case 'team': {
      const pairs = filterPairs(topic.filters);
      return pairs.length === 0 ? `team:${topic.team}` : `team:${topic.team}?${pairs.join('&')}`;
    }
    case 'account':
      return `account:${topic.accountId}`;
    case 'renewals':
      return [`renewals?days=${renewalWindow(topic.days)}`, ...filterPairs(topic.filters)].join('&');
    case 'changes': {
      const pairs = filterPairs(topic.filters);
      return pairs.length === 0 ? 'changes' : `changes?${pairs.join('&')}`;
    }
  }
}

/** Scope filters as `key=value` pairs, sorted by name, empty ones left out. */
function filterPairs(filters: ScopeFilters): string[] {
  const pairs: string[] = [];
  for (const key of TEAM_FILTER_KEYS) {
    const value = filters[key];
    if (value !== undefined && value !== '') pairs.push(`${key}=${encodeURIComponent(value)}`);
  }
  return pairs;
}

type QueryResult = { ok: true; values: Map<string, string> } | { ok: false; message: string };

function readQuery(query: string | null): QueryResult {
  const values = new Map<string, string>();
  if (query === null || query === '') return { ok: true, values };
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = eq === -1 ? part : part.slice(0, eq);
    const rawValue = eq === -1 ? '' : part.slice(eq + 1);
    let name: string;
    let value: string;
    try {
      name = decodeURIComponent(rawName);
      value = decodeURIComponent(rawValue.replaceAll('+', ' '));
    } catch {
      return { ok: false, message: `parameter '${rawName}' is not valid percent-encoding` };
    }
    if (values.has(name)) return { ok: false, message: `parameter '${name}' is given twice` };
    values.set(name, value);
  }
  return { ok: true, values };
}

type FiltersResult = { ok: true; filters: ScopeFilters } | { ok: false; message: string };

/** `also`: another parameter the topic takes besides the filters (named in the error). */
function readTeamFilters(values: Map<string, string>, also?: string): FiltersResult {
  const filters: ScopeFilters = {};
  for (const [name, value] of values) {
    if (!isOneOf(TEAM_FILTER_KEYS, name)) {
      const allowed = also === undefined ? TEAM_FILTER_KEYS : [also, ...TEAM_FILTER_KEYS];
      return {
        ok: false,
        message: `unknown ${also === undefined ? 'filter' : 'parameter'} '${name}' (allowed: ${allowed.join(', ')})`,
      };
    }
    if (value === '') continue;
    switch (name) {
      case 'region':
        if (!isOneOf<Region>(REGIONS, value)) return badValue(name, value, REGIONS);
        filters.region = value;
        break;
      case 'segment':
        if (!isOneOf<Segment>(SEGMENTS, value)) return badValue(name, value, SEGMENTS);
        filters.segment = value;
        break;
      case 'tier':
        if (!isOneOf<SuccessTier>(SUCCESS_TIERS, value)) return badValue(name, value, SUCCESS_TIERS);
        filters.tier = value;
        break;
      case 'owner':
      case 'manager':
        if (!ID_PATTERN.test(value)) {
          return { ok: false, message: `filter '${name}' must be a team member id (got '${value}')` };
        }
        filters[name] = value;
        break;
    }
  }
  return { ok: true, filters };
}

function badValue(name: string, value: string, allowed: readonly string[]): FiltersResult {
  return { ok: false, message: `filter '${name}' must be one of ${allowed.join(', ')} (got '${value}')` };
}

function readRenewalDays(raw: string | undefined): number | string {
  if (raw === undefined || raw === '') return RENEWALS_DEFAULT_DAYS;
  if (!/^\d{1,4}$/.test(raw)) return `days must be a whole number (got '${raw}')`;
  const days = Number(raw);
  if (days < 1 || days > RENEWALS_MAX_DAYS)
    return `days must be between 1 and ${RENEWALS_MAX_DAYS} (got ${days})`;
  return renewalWindow(days);
}
