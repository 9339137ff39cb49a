import type { PulseConfig } from '../config.js';
import type { Color, IsoDate, OutcomeStage, TeamMember, UseCase } from '../facts.js';
import { arrBuckets, netArr, waterfallSpans } from '../revenue.js';
import { inRetentionCohort, inScopeNow } from '../scope.js';
import type { AccountSummary, PlanStatusShown, ScopeFilters, TeamViewKind } from '../views.js';
import type { CardContext } from './card-definition.js';
import { CARD_GUIDES, type DrillDecision, type DrillUnit } from './card-guide.js';
import { foldAll } from './fold.js';
import { TEAM_VIEW_CARDS, teamViewScopes } from './team-view.js';

export const WATERFALL_BUCKETS = ['new', 'expansion', 'contraction', 'churn'] as const;
export type WaterfallBucket = (typeof WATERFALL_BUCKETS)[number];

/** What was clicked: a card (of the team, or of one leaderboard member), or a part of a chart. */
export type DrillTarget =
  | { kind: 'card'; key: string; member?: string }
  | { kind: 'adoption'; useCase: UseCase; color: Color }
  | { kind: 'waterfall'; quarter: string; bucket?: WaterfallBucket }
  | { kind: 'plan'; status: PlanStatusShown }
  | { kind: 'outcome'; stage: OutcomeStage };

export interface DrillRow {
  accountId: string;
  name: string;
  healthScore: number | null;
  healthColor: Color;
  healthLabel: string | null;
  arrCents: number;
  /** The deciding column's value for this account. */
  value: number | string | null;
  /** Misses the card's target (listed first). */
  misses: boolean;
}

export interface DrillDown {
  /** The column that decides whether an account counts or misses. */
  column: { label: string; unit: DrillUnit };
  /** Accounts that miss first, worst first within each group, then by ARR. */
  rows: DrillRow[];
  misses: number;
}

/** A drill-down naming something the view does not have; `field` is the query parameter at fault. */
export class UnknownDrillTarget extends Error {
  constructor(
    readonly field: 'card' | 'member' | 'quarter',
    message: string,
  ) {
    super(message);
  }
}

function row(s: AccountSummary, decision: DrillDecision): DrillRow {
  return {
    accountId: s.accountId,
    name: s.name,
    healthScore: s.healthScore,
    healthColor: s.healthColor,
    healthLabel: s.healthLabel,
    arrCents: s.arrNowCents,
    value: decision.value,
    misses: decision.misses,
  };
}

function ordered(rows: DrillRow[], worstFirst: 'low' | 'high'): DrillRow[] {
  const sign = worstFirst === 'low' ? 1 : -1;
  const byValue = (a: DrillRow['value'], b: DrillRow['value']): number => {
    if (a === b) return 0;
    if (a === null) return 1;
    if (b === null) return -1;
    return (
      sign * (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b)))
    );
  };
  return rows.sort(
    (a, b) => Number(b.misses) - Number(a.misses) || byValue(a.value, b.value) || b.arrCents - a.arrCents,
  );
}

const COLOR_RANK: Record<string, number> = { red: 0, yellow: 1, grey: 2, green: 3 };

/**
 * The accounts behind a number, each with the column that decides it: for a card, exactly the
 * accounts the card counts (its `accountIds`), those missing the target first; for a chart part,
 * the accounts in it.
 */
export function drillDown(
  view: TeamViewKind,
  target: DrillTarget,
  summaries: readonly AccountSummary[],
  members: readonly TeamMember[],
  filters: ScopeFilters,
  asOf: IsoDate,
  config: PulseConfig,
): DrillDown {
  const scopes = teamViewScopes(view, members, filters, asOf, config);
  if (target.kind === 'card') {
    const def = TEAM_VIEW_CARDS[view].find((card) => card.key === target.key);
    const guide = CARD_GUIDES[target.key];
    const scope = target.member === undefined ? scopes.team : scopes.leaderboard.get(target.member);
    if (!def || !guide) throw new UnknownDrillTarget('card', `no card '${target.key}' on the ${view} view`);
    if (!scope)
      throw new UnknownDrillTarget('member', `'${target.member}' is not on the ${view} leaderboard`);
    const ctx: CardContext = scope.contexts.at(-1)!;
    const accounts = summaries.filter((s) =>
      def.over === 'cohort'
        ? inRetentionCohort(s, scope.filters, scope.people)
        : inScopeNow(s, scope.filters, scope.people),
    );
    const value = foldAll(def, accounts, ctx);
    const counted = new Set(value?.accountIds ?? []);
    const rows = accounts.filter((s) => counted.has(s.accountId)).map((s) => row(s, guide.decide(s, ctx)));
    // Colours read worst first (red, yellow, grey, green) whatever the column's direction.
    if (guide.column.unit === 'color') {
      rows.sort(
        (a, b) =>
          Number(b.misses) - Number(a.misses) ||
          (COLOR_RANK[String(a.value)] ?? 2) - (COLOR_RANK[String(b.value)] ?? 2) ||
          b.arrCents - a.arrCents,
      );
    } else ordered(rows, guide.column.worstFirst);
    return { column: guide.column, rows, misses: rows.filter((r) => r.misses).length };
  }

  const accounts = summaries.filter((s) => inScopeNow(s, scopes.team.filters, scopes.team.people));
  const live = accounts.filter((s) => !s.churned);
  switch (target.kind) {
    case 'adoption': {
      const rows = live
        .filter((s) => s.useCaseColors[target.useCase] === target.color)
        .map((s) => row(s, { value: s.licenseUtilization, misses: false }));
      return { column: { label: 'Seats used', unit: 'ratio' }, rows: ordered(rows, 'low'), misses: 0 };
    }
    case 'waterfall': {
      const span = waterfallSpans(asOf, config.waterfallQuarters, config).find(
        (q) => q.quarter === target.quarter,
      );
      if (!span) throw new UnknownDrillTarget('quarter', `no quarter '${target.quarter}' on the waterfall`);
      const bucket = target.bucket;
      const amountOf = (s: AccountSummary) => {
        const b = arrBuckets(s.arrMovements, span.start, span.end);
        return bucket === undefined ? netArr(b) : b[`${bucket}Cents`];
      };
      // Every account the quarter moved; a net drill-down lists the largest losses first.
      const rows = accounts
        .map((s) => row(s, { value: amountOf(s), misses: bucket === undefined && amountOf(s) < 0 }))
        .filter((r) => r.value !== 0);
      const what = bucket === undefined ? 'Net' : `${bucket[0]!.toUpperCase()}${bucket.slice(1)}`;
      return {
        column: { label: `${what} ARR in ${span.quarter}`, unit: 'cents' },
        rows: ordered(rows, bucket === undefined ? 'low' : 'high'),
        misses: rows.filter((r) => r.misses).length,
      };
    }
    case 'plan': {
      const rows = live
        .filter((s) => s.plan.applicable && s.plan.status === target.status)
        .map((s) => row(s, { value: s.plan.percentComplete, misses: false }));
      return { column: { label: 'Plan complete', unit: 'ratio' }, rows: ordered(rows, 'low'), misses: 0 };
    }
    case 'outcome': {
      const rows = live
        .filter((s) => s.plan.applicable && s.plan.outcomeFunnel[target.stage] > 0)
        .map((s) => row(s, { value: s.plan.outcomeFunnel[target.stage], misses: false }));
      return {
        column: { label: `Objectives ${target.stage}`, unit: 'count' },
        rows: ordered(rows, 'high'),
        misses: 0,
      };
    }
  }
}
