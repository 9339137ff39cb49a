import { OWNER_ROLES, type TeamMember } from '../facts.js';
import { scopePeople } from '../scope.js';
import type { AccountSummary, KpiCard, LeaderboardCard, ScopeFilters, TeamViewKind } from '../views.js';

/** The people listed on a view's leaderboard: members of the view's role within the filters. */
export function leaderboardMembers(
  view: TeamViewKind,
  members: readonly TeamMember[],
  filters: ScopeFilters,
): TeamMember[] {
  const people = scopePeople(filters, members);
  return members.filter(
    (m) =>
      m.role === view &&
      (people === null || people.has(m.id)) &&
      (filters.region === undefined || people !== null || m.region === filters.region),
  );
}

/**
 * The people whose leaderboard rows the accounts may be on: their owners now and 12 months ago,
 * and in the CSE view the CSEs who delivered their engagements. A row is one person's scope
 * (inScopeNow and inRetentionCohort with that person alone), which holds no other account.
 */
export function leaderboardPeopleOf(
  view: TeamViewKind,
  ...summaries: (AccountSummary | undefined)[]
): Set<string> {
  const people = new Set<string>();
  for (const s of summaries) {
    if (!s) continue;
    for (const role of OWNER_ROLES) {
      const now = s.owners[role];
      const then = s.ownersAt12MonthsAgo[role];
      if (now !== null) people.add(now);
      if (then !== null) people.add(then);
    }
    if (view !== 'cse') continue;
    for (const key in s.engagements) {
      const cse = s.engagements[key]!.cseId;
      if (cse !== null) people.add(cse);
    }
  }
  return people;
}

/**
 * Per person, the accounts their leaderboard row may hold (see leaderboardPeopleOf), in the order
 * given: each row then checks its own few accounts instead of every account of the organisation
 * (50,000 accounts and 1,250 rows took 46 s to open a view, checking each account per row).
 */
export function leaderboardCandidates(
  view: TeamViewKind,
  summaries: readonly AccountSummary[],
): Map<string, AccountSummary[]> {
  const candidates = new Map<string, AccountSummary[]>();
  for (const s of summaries) {
    for (const id of leaderboardPeopleOf(view, s)) {
      const list = candidates.get(id);
      if (list) list.push(s);
      else candidates.set(id, [s]);
    }
  }
  return candidates;
}

/** Each card as a leaderboard row shows it, made once per card (an unchanged card stays the same object). */
const shown = new WeakMap<KpiCard, LeaderboardCard>();

/** A row's cards as shown: value, colour, target and the accounts counted (see LeaderboardCard). */
export function leaderboardCards(cards: Readonly<Record<string, KpiCard>>): Record<string, LeaderboardCard> {
  const row: Record<string, LeaderboardCard> = {};
  for (const [key, card] of Object.entries(cards)) {
    let counted = shown.get(card);
    if (!counted) {
      counted = {
        value: card.value,
        color: card.color,
        target: card.target,
        accountCount: card.accountIds.length,
      };
      shown.set(card, counted);
    }
    row[key] = counted;
  }
  return row;
}
