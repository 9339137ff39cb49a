import type { TeamMember } from '../facts.js';
import { scopePeople } from '../scope.js';
import type { ScopeFilters, TeamViewKind } from '../views.js';

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
