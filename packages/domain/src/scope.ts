import type { OwnerRole, TeamMember } from './facts.js';
import { OWNER_ROLES } from './facts.js';
import type { AccountSummary, ScopeFilters } from './views.js';

type Owners = Record<OwnerRole, string | null>;

function ownedByAny(owners: Owners, people: ReadonlySet<string>): boolean {
  // A loop, not `some` with a closure: asked per account and group on every live change.
  for (const role of OWNER_ROLES) {
    const id = owners[role];
    if (id !== null && people.has(id)) return true;
  }
  return false;
}

/** Book of a person: accounts where they are CSM, CSE, CSA, AE or RM and that are not churned. */
export function bookOf<T extends Pick<AccountSummary, 'owners' | 'churned'>>(
  memberId: string,
  summaries: readonly T[],
): T[] {
  const people = new Set([memberId]);
  return summaries.filter((s) => !s.churned && ownedByAny(s.owners, people));
}

/** Everyone reporting to a manager, transitively (the manager excluded; cycles are tolerated). */
export function reportsOf(managerId: string, members: readonly TeamMember[]): TeamMember[] {
  const found = new Map<string, TeamMember>();
  let frontier = [managerId];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const m of members) {
      if (m.managerId !== null && frontier.includes(m.managerId) && !found.has(m.id) && m.id !== managerId) {
        found.set(m.id, m);
        next.push(m.id);
      }
    }
    frontier = next;
  }
  return [...found.values()];
}

/** The people a filter narrows to (owner, or the manager's reports), or null when not narrowed. */
export function scopePeople(filters: ScopeFilters, members: readonly TeamMember[]): Set<string> | null {
  let people: Set<string> | null = null;
  if (filters.manager !== undefined) people = new Set(reportsOf(filters.manager, members).map((m) => m.id));
  if (filters.owner !== undefined) {
    people =
      people === null ? new Set([filters.owner]) : new Set([...people].filter((id) => id === filters.owner));
  }
  return people;
}

function matchesAttributes(s: AccountSummary, filters: ScopeFilters): boolean {
  return (
    (filters.region === undefined || s.region === filters.region) &&
    (filters.segment === undefined || s.segment === filters.segment) &&
    (filters.tier === undefined || s.successTier === filters.tier)
  );
}

/** Whether one of `people` delivered one of the account's engagements (`engagements.cse_id`). */
export function deliveredByAny(s: Pick<AccountSummary, 'engagements'>, people: ReadonlySet<string>): boolean {
  for (const key in s.engagements) {
    const cse = s.engagements[key]!.cseId;
    if (cse !== null && people.has(cse)) return true;
  }
  return false;
}

/**
 * Whether an account is in scope now: attribute filters, then — when an owner or manager is given
 * (`people`, from scopePeople) — the books of those people (churned accounts leave a book), and with
 * `engagementCredit` (the CSE view) also the accounts where they delivered an engagement.
 * Without a person filter churned accounts stay, for revenue and retention.
 */
export function inScopeNow(
  s: AccountSummary,
  filters: ScopeFilters,
  people: ReadonlySet<string> | null,
  engagementCredit = false,
): boolean {
  if (!matchesAttributes(s, filters)) return false;
  if (people === null) return true;
  return !s.churned && (ownedByAny(s.owners, people) || (engagementCredit && deliveredByAny(s, people)));
}

/** Whether an account is in the retention cohort's scope: people matched against the owners at t0. */
export function inRetentionCohort(
  s: AccountSummary,
  filters: ScopeFilters,
  people: ReadonlySet<string> | null,
): boolean {
  return matchesAttributes(s, filters) && (people === null || ownedByAny(s.ownersAt12MonthsAgo, people));
}

/** Accounts in scope now (see inScopeNow). */
export function filterSummaries(
  summaries: readonly AccountSummary[],
  members: readonly TeamMember[],
  filters: ScopeFilters,
): AccountSummary[] {
  const people = scopePeople(filters, members);
  return summaries.filter((s) => inScopeNow(s, filters, people));
}

/** The retention cohort's scope (see inRetentionCohort). */
export function filterRetentionCohort(
  summaries: readonly AccountSummary[],
  members: readonly TeamMember[],
  filters: ScopeFilters,
): AccountSummary[] {
  const people = scopePeople(filters, members);
  return summaries.filter((s) => inRetentionCohort(s, filters, people));
}
