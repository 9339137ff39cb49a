import { bandColor } from '../colors.js';
import type { PulseConfig } from '../config.js';
import { trendDates } from '../dates.js';
import type { IsoDate, TeamMember } from '../facts.js';
import { fiscalQuarter } from '../fiscal.js';
import { netArrWaterfall } from '../revenue.js';
import { bookOf, filterRetentionCohort, filterSummaries } from '../scope.js';
import type {
  AccountSummary,
  KpiCard,
  LeaderboardEntry,
  ScopeFilters,
  TeamView,
  TeamViewKind,
} from '../views.js';
import type { CardContext, CardDefinition, CardValue } from './card-definition.js';
import { adoptionMatrix, healthDistribution, planFunnel } from './charts.js';
import { CSA_EXTRA_CARDS } from './csa-cards.js';
import { CSE_CARDS } from './cse-cards.js';
import { CSM_CARDS } from './csm-cards.js';
import { leaderboardMembers } from './leaderboard.js';

export const TEAM_VIEW_CARDS: Record<TeamViewKind, readonly CardDefinition[]> = {
  cse: CSE_CARDS,
  csm: CSM_CARDS,
  csa: [...CSM_CARDS, ...CSA_EXTRA_CARDS],
};

function buildCards(
  definitions: readonly CardDefinition[],
  accounts: readonly AccountSummary[],
  cohort: readonly AccountSummary[],
  member: TeamMember | null,
  asOf: IsoDate,
  config: PulseConfig,
  withTrend: boolean,
): Record<string, KpiCard> {
  const dates = withTrend ? trendDates(asOf, config.trendPoints) : [asOf];
  const contexts = dates.map(
    (at): CardContext => ({
      at,
      isNow: at === asOf,
      period: fiscalQuarter(at, config),
      accounts,
      cohort,
      member,
      config,
    }),
  );
  const cards: Record<string, KpiCard> = {};
  for (const def of definitions) {
    const bands = def.bands(config);
    const trend = [];
    let now: CardValue | null = null;
    for (const ctx of contexts) {
      const result = def.compute(ctx);
      if (result === null) continue;
      trend.push({ date: ctx.at, value: result.value });
      if (ctx.isNow) now = result;
    }
    const value = now?.value ?? null;
    cards[def.key] = {
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
  const accounts = filterSummaries(summaries, members, filters);
  const cohort = filterRetentionCohort(summaries, members, filters);
  const definitions = TEAM_VIEW_CARDS[view];
  const attributeFilters: ScopeFilters = {
    region: filters.region,
    segment: filters.segment,
    tier: filters.tier,
  };
  const attributeScoped = filterSummaries(summaries, members, attributeFilters);

  const leaderboard: Record<string, LeaderboardEntry> = {};
  for (const member of leaderboardMembers(view, members, filters)) {
    const book = bookOf(member.id, attributeScoped);
    const memberCohort = filterRetentionCohort(summaries, members, { ...attributeFilters, owner: member.id });
    leaderboard[member.id] = {
      member: { id: member.id, name: member.name, role: member.role },
      accountCount: book.length,
      // A leaderboard compares people now; trends are the team cards' (and cost a card per date).
      cards: buildCards(definitions, book, memberCohort, member, asOf, config, false),
    };
  }

  const ownerMember =
    filters.owner !== undefined ? (members.find((m) => m.id === filters.owner) ?? null) : null;
  return {
    view,
    filters,
    asOf,
    period: fiscalQuarter(asOf, config),
    accountCount: accounts.length,
    cards: buildCards(definitions, accounts, cohort, ownerMember, asOf, config, true),
    healthDistribution: healthDistribution(accounts),
    netArrWaterfall: netArrWaterfall(
      accounts.map((s) => s.arrMovements),
      asOf,
      config.waterfallQuarters,
      config,
    ),
    adoptionMatrix: adoptionMatrix(accounts),
    planFunnel: planFunnel(accounts),
    leaderboard,
  };
}
