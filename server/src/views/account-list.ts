import {
  type AccountSummary,
  addDays,
  type Color,
  type OwnerRole,
  type Region,
  type Segment,
  type SuccessTier,
} from '@pulse/domain';
import type { AccountListPage } from '@pulse/protocol';

export const ACCOUNT_SORTS = [
  'name',
  '-name',
  'score',
  '-score',
  'arr',
  '-arr',
  'renewal',
  '-renewal',
] as const;
export type AccountSort = (typeof ACCOUNT_SORTS)[number];

export interface AccountListQuery {
  /** Only these accounts (e.g. the ones behind a KPI card). */
  ids?: string[];
  /** Only these accounts, best match first (a name search): the order when no sort is asked for. */
  matches?: string[];
  region?: Region;
  segment?: Segment;
  tier?: SuccessTier;
  owner?: string;
  role?: OwnerRole;
  color?: Color;
  renewalWithinDays?: number;
  sort?: AccountSort;
  limit?: number;
  /** Opaque position returned as `nextCursor` by the previous page. */
  cursor?: string;
}

const nextRenewalDate = (summary: AccountSummary): string | null =>
  Object.values(summary.renewals)
    .filter((renewal) => renewal.status === 'open')
    .map((renewal) => renewal.renewalDate)
    .sort()[0] ?? null;

type SortKey = string | number | null;
const SORT_KEYS: Record<'name' | 'score' | 'arr' | 'renewal', (s: AccountSummary) => SortKey> = {
  name: (s) => s.name,
  score: (s) => s.healthScore,
  arr: (s) => s.arrNowCents,
  renewal: nextRenewalDate,
};

/** Nulls last in both directions, then id, so every position is unique and a cursor is stable. */
function compareKeys(a: SortKey, b: SortKey, descending: boolean): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  const order = a < b ? -1 : 1;
  return descending ? -order : order;
}

export function encodeCursor(key: SortKey, id: string): string {
  return Buffer.from(JSON.stringify([key, id])).toString('base64url');
}

export function decodeCursor(cursor: string): [SortKey, string] | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[1] === 'string') {
      const [key, id] = value as [unknown, string];
      if (key === null || typeof key === 'string' || typeof key === 'number') return [key, id];
    }
  } catch {
    // fall through: not a cursor of ours
  }
  return null;
}

/** Filters, sorts and pages account summaries. The cursor must be valid (checked by the caller). */
export function listAccounts(
  summaries: readonly AccountSummary[],
  query: AccountListQuery,
  asOf: string,
): AccountListPage {
  const horizon = query.renewalWithinDays === undefined ? null : addDays(asOf, query.renewalWithinDays);
  const roles: readonly OwnerRole[] = query.role ? [query.role] : ['csm', 'cse', 'csa', 'ae', 'rm'];
  const only = query.ids ? new Set(query.ids) : null;
  const rank = query.matches ? new Map(query.matches.map((id, position) => [id, position])) : null;
  const matches = summaries.filter((s) => {
    if (only && !only.has(s.accountId)) return false;
    if (rank && !rank.has(s.accountId)) return false;
    if (query.region && s.region !== query.region) return false;
    if (query.segment && s.segment !== query.segment) return false;
    if (query.tier && s.successTier !== query.tier) return false;
    if (query.color && s.healthColor !== query.color) return false;
    if (query.owner && !roles.some((role) => s.owners[role] === query.owner)) return false;
    if (horizon !== null) {
      const renewal = nextRenewalDate(s);
      if (renewal === null || renewal < asOf || renewal > horizon) return false;
    }
    return true;
  });
  const sort = query.sort ?? 'name';
  const descending = sort.startsWith('-');
  const keyOf: (s: AccountSummary) => SortKey =
    rank && !query.sort
      ? (s) => rank.get(s.accountId) ?? null
      : SORT_KEYS[sort.replace('-', '') as keyof typeof SORT_KEYS];
  const compare = (a: AccountSummary, b: AccountSummary) =>
    compareKeys(keyOf(a), keyOf(b), descending) || a.accountId.localeCompare(b.accountId);
  matches.sort(compare);

  let start = 0;
  const position = query.cursor ? decodeCursor(query.cursor) : null;
  if (position) {
    const [key, id] = position;
    const after = matches.findIndex(
      (s) => (compareKeys(keyOf(s), key, descending) || s.accountId.localeCompare(id)) > 0,
    );
    start = after === -1 ? matches.length : after;
  }
  const limit = query.limit ?? 50;
  const page = matches.slice(start, start + limit);
  const last = page.at(-1);
  return {
    items: page.map((s) => ({
      id: s.accountId,
      name: s.name,
      region: s.region,
      segment: s.segment,
      tier: s.successTier,
      healthScore: s.healthScore,
      healthColor: s.healthColor,
      healthLabel: s.healthLabel,
      arrCents: s.arrNowCents,
      renewalDate: nextRenewalDate(s),
      primaryUseCase: s.primaryUseCase,
      primaryUseCaseColor: s.primaryUseCaseColor,
      owners: s.owners,
    })),
    total: matches.length,
    nextCursor: last && start + limit < matches.length ? encodeCursor(keyOf(last), last.accountId) : null,
  };
}
