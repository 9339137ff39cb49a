import { bandColor } from '../colors.js';
import type { PulseConfig } from '../config.js';
import { addMonths, trendDates } from '../dates.js';
import type { IsoDate, TeamMember } from '../facts.js';
import { fiscalQuarter } from '../fiscal.js';
import { waterfallSpans } from '../revenue.js';
import { inRetentionCohort, inScopeNow, scopePeople } from '../scope.js';
import type {
  AccountSummary,
  KpiCard,
  LeaderboardEntry,
  ScopeFilters,
  TeamView,
  TeamViewKind,
  TrendPoint,
} from '../views.js';
import type { CardContext, CardDefinition, CardValue } from './card-definition.js';
import { ADOPTION_MATRIX, HEALTH_DISTRIBUTION, netArrWaterfallFold, PLAN_FUNNEL } from './charts.js';
import { CSA_EXTRA_CARDS } from './csa-cards.js';
import { CSE_CARDS } from './cse-cards.js';
import { CSM_CARDS } from './csm-cards.js';
import { foldAll } from './fold.js';
import { leaderboardCandidates, leaderboardCards, leaderboardMembers } from './leaderboard.js';

export const TEAM_VIEW_CARDS: Record<TeamViewKind, readonly CardDefinition[]> = {
  cse: CSE_CARDS,
  csm: CSM_CARDS,
  csa: [...CSM_CARDS, ...CSA_EXTRA_CARDS],
};

/** The scope of one set of cards: the team's (with trend) or one leaderboard member's (now only). */
export interface CardScope {
  /** Attribute filters (region, segment, tier). */
  filters: ScopeFilters;
  /** The people whose books are in scope; null when not narrowed to people. */
  people: ReadonlySet<string> | null;
  /** The CSE view: engagements count for the CSE who delivered them, whoever owns the account. */
  engagementCredit: boolean;
  /** One context per trend date, oldest first, the last one now. */
  contexts: CardContext[];
}

/** The scopes of a team view's cards: the team's, and one per leaderboard member (by id). */
export function teamViewScopes(
  view: TeamViewKind,
  members: readonly TeamMember[],
  filters: ScopeFilters,
  asOf: IsoDate,
  config: PulseConfig,
): { team: CardScope; leaderboard: Map<string, CardScope> } {
  const engagementCredit = view === 'cse';
  const contexts = (dates: IsoDate[], member: TeamMember | null, people: ReadonlySet<string> | null) =>
    dates.map(
      (at): CardContext => ({
        at,
        yearAgo: addMonths(at, -12),
        isNow: at === asOf,
        period: fiscalQuarter(at, config),
        member,
        creditedPeople: engagementCredit ? people : null,
        config,
      }),
    );
  const attributeFilters: ScopeFilters = {
    region: filters.region,
    segment: filters.segment,
    tier: filters.tier,
  };
  const owner = filters.owner !== undefined ? (members.find((m) => m.id === filters.owner) ?? null) : null;
  const leaderboard = new Map<string, CardScope>();
  for (const member of leaderboardMembers(view, members, filters)) {
    // A leaderboard compares people now; trends are the team cards' (and cost a card per date).
    const people = new Set([member.id]);
    leaderboard.set(member.id, {
      filters: attributeFilters,
      people,
      engagementCredit,
      contexts: contexts([asOf], member, people),
    });
  }
  const people = scopePeople(filters, members);
  return {
    team: {
      filters,
      people,
      engagementCredit,
      contexts: contexts(trendDates(asOf, config.trendPoints), owner, people),
    },
    leaderboard,
  };
}

/** A card's value at one date, or null when it has none there (no trend point). */
function cardValueAt(
  def: CardDefinition,
  ctx: CardContext,
  accounts: readonly AccountSummary[],
  cohort: readonly AccountSummary[],
): CardValue | null {
  if (def.nowOnly && !ctx.isNow) return null;
  return foldAll(def, def.over === 'cohort' ? cohort : accounts, ctx);
}

/** The card shown, from its trend points and its value now. */
export function kpiCard(
  def: CardDefinition,
  config: PulseConfig,
  trend: TrendPoint[],
  now: CardValue | null,
): KpiCard {
  const bands = def.bands(config);
  const value = now?.value ?? null;
  return {
    key: def.key,
    label: def.label,
    value,
    unit: def.unit,
    color: now?.color ?? (bands ? bandColor(value, bands) : 'grey'),
    target: now?.target !== undefined ? now.target : (bands?.green ?? null),
    trend,
    accountIds: now?.accountIds ?? [],
    detail: now?.detail ?? {},
  };
}

function buildCards(
  definitions: readonly CardDefinition[],
  scope: CardScope,
  accounts: readonly AccountSummary[],
  cohort: readonly AccountSummary[],
  config: PulseConfig,
): Record<string, KpiCard> {
  const cards: Record<string, KpiCard> = {};
  for (const def of definitions) {
    const trend: TrendPoint[] = [];
    let now: CardValue | null = null;
    for (const ctx of scope.contexts) {
      const result = cardValueAt(def, ctx, accounts, cohort);
      if (result === null) continue;
      trend.push({ date: ctx.at, value: result.value });
      if (ctx.isNow) now = result;
    }
    cards[def.key] = kpiCard(def, config, trend, now);
  }
  return cards;
}

/** A CSE, CSM or CSA team view (KPIS.md §7) built from account summaries alone. */
export function buildTeamView(
  view: TeamViewKind,
  summaries: readonly AccountSummary[],
  members: readonly TeamMember[],
  filters: ScopeFilters,
  asOf: IsoDate,
  config: PulseConfig,
): TeamView {
  const definitions = TEAM_VIEW_CARDS[view];
  const scopes = teamViewScopes(view, members, filters, asOf, config);
  const inScope = (scope: CardScope, among: readonly AccountSummary[] = summaries) => ({
    accounts: among.filter((s) => inScopeNow(s, scope.filters, scope.people, scope.engagementCredit)),
    cohort: among.filter((s) => inRetentionCohort(s, scope.filters, scope.people)),
  });

  const leaderboard: Record<string, LeaderboardEntry> = {};
  const candidates = leaderboardCandidates(view, summaries);
  for (const [id, scope] of scopes.leaderboard) {
    const member = scope.contexts[0]!.member!;
    const { accounts, cohort } = inScope(scope, candidates.get(id) ?? []);
    leaderboard[id] = {
      member: { id: member.id, name: member.name, role: member.role },
      accountCount: accounts.length,
      cards: leaderboardCards(buildCards(definitions, scope, accounts, cohort, config)),
    };
  }

  const { accounts, cohort } = inScope(scopes.team);
  return {
    view,
    filters,
    asOf,
    period: fiscalQuarter(asOf, config),
    accountCount: accounts.length,
    cards: buildCards(definitions, scopes.team, accounts, cohort, config),
    healthDistribution: foldAll(HEALTH_DISTRIBUTION, accounts, null)!,
    netArrWaterfall: foldAll(
      netArrWaterfallFold(waterfallSpans(asOf, config.waterfallQuarters, config)),
      accounts,
      null,
    )!,
    adoptionMatrix: foldAll(ADOPTION_MATRIX, accounts, null)!,
    planFunnel: foldAll(PLAN_FUNNEL, accounts, null)!,
    leaderboard,
  };
}
