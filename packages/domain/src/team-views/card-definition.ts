import { maxDaysColor } from '../colors.js';
import type { Bands, DayLimits, PulseConfig } from '../config.js';
import type { Color, EngagementKind, IsoDate, TeamMember } from '../facts.js';
import { arrAt, arrBuckets, type netArr, retentionOf } from '../revenue.js';
import { timeToValueContribution, timeToValueTeam } from '../time-to-value.js';
import type {
  AccountSummary,
  EngagementSummary,
  KpiUnit,
  Period,
  SummaryHistoryPoint,
  TimeToValueResult,
} from '../views.js';
import { type Fold, noPart, type Part } from './fold.js';

/** Inputs of one card computation at one date. */
export interface CardContext {
  at: IsoDate;
  /** `at` 12 months back, where look-back cards start (worked out once per date, not per account). */
  yearAgo: IsoDate;
  isNow: boolean;
  period: Period;
  member: TeamMember | null;
  /** In the CSE view narrowed to people: only engagements they delivered count (else null: all count). */
  creditedPeople: ReadonlySet<string> | null;
  config: PulseConfig;
}

export interface CardValue {
  value: number | null;
  accountIds: string[];
  detail?: Record<string, number | string | null>;
  color?: Color;
  target?: number | null;
}

interface CardBase {
  key: string;
  label: string;
  unit: KpiUnit;
  /** Colour bands; null when KPIS.md defines none (the card is grey-coloured, informational). */
  bands: (config: PulseConfig) => Bands | null;
}

/**
 * A card that is a fold over its accounts: retract-and-add keeps it current. Its value must come
 * from the sums alone (past dates are finished without id lists).
 */
export interface CardDefinition extends CardBase, Fold<CardValue, CardContext> {
  /** Only a value now: the past state it needs is not kept (no trend point at past dates). */
  nowOnly: boolean;
  /** The accounts it folds over: in scope now, or the retention cohort (owners at t − 12 months). */
  over: 'accounts' | 'cohort';
}

export const noBands = () => null;

export function historyAt(s: AccountSummary, at: IsoDate): SummaryHistoryPoint | undefined {
  return s.history[at];
}

export function withinPeriod(date: IsoDate | null, ctx: CardContext): boolean {
  return date !== null && date >= ctx.period.start && date <= ctx.at;
}

/**
 * Per summary, the credited engagements last worked out and for whom: every card at every date
 * asks again for the same people (a bulk sync folds tens of thousands of accounts).
 */
const lastCredited = new WeakMap<
  AccountSummary,
  { people: ReadonlySet<string> | null; engagements: readonly EngagementSummary[] }
>();

/**
 * The engagements that count in this context: all of them, or in a CSE view narrowed to people
 * those the people delivered (`engagements.cse_id`; one without a CSE counts for the account's CSE).
 */
export function creditedEngagements(s: AccountSummary, ctx: CardContext): readonly EngagementSummary[] {
  const people = ctx.creditedPeople;
  const last = lastCredited.get(s);
  if (last?.people === people) return last.engagements;
  const all = Object.values(s.engagements);
  const engagements =
    people === null
      ? all
      : all.filter((e) => {
          const cse = e.cseId ?? s.owners.cse;
          return cse !== null && people.has(cse);
        });
  lastCredited.set(s, { people, engagements });
  return engagements;
}

/** Engaged in the period: a credited engagement active by `at`, or completed within the period. */
export function engagedIn(s: AccountSummary, ctx: CardContext, kind?: EngagementKind): boolean {
  return creditedEngagements(s, ctx).some(
    (e) =>
      (kind === undefined || e.kind === kind) &&
      ((e.status === 'active' && e.startedOn !== null && e.startedOn <= ctx.at) ||
        (e.status === 'completed' && withinPeriod(e.completedOn, ctx))),
  );
}

const ZERO_SHARE: Part = { sums: [0, 0], listed: [false] };
const DENOMINATOR: Part = { sums: [0, 1], listed: [true] };
const NUMERATOR: Part = { sums: [1, 1], listed: [true] };

/** A share of accounts: sums [numerator, denominator]; the denominator's accounts are listed. */
export function sharePart(inDenominator: boolean, inNumerator: boolean): Part {
  if (!inDenominator) return ZERO_SHARE;
  return inNumerator ? NUMERATOR : DENOMINATOR;
}

export function shareValue(sums: readonly number[], accountIds: string[]): CardValue {
  const [numerator, denominator] = sums as [number, number];
  return {
    value: denominator > 0 ? numerator / denominator : null,
    accountIds,
    detail: { numerator, denominator },
  };
}

/** The card parts of a share of live accounts, as a fold over the accounts in scope. */
export function shareCard(
  base: CardBase & { nowOnly?: boolean },
  part: (s: AccountSummary, ctx: CardContext) => Part | null,
): CardDefinition {
  return {
    ...base,
    nowOnly: base.nowOnly ?? false,
    over: 'accounts',
    sums: 2,
    lists: 1,
    part: (s, ctx) => (s.churned ? ZERO_SHARE : part(s, ctx)),
    finish: (sums, lists) => shareValue(sums, lists[0]!),
  };
}

/** A share of live accounts whose past state comes from the summary history. */
export function historyShareCard(
  base: CardBase,
  applies: (s: AccountSummary) => boolean,
  passes: (h: SummaryHistoryPoint) => boolean,
): CardDefinition {
  return shareCard(base, (s, ctx) => {
    const h = historyAt(s, ctx.at);
    if (h === undefined) return null;
    return sharePart(applies(s), passes(h));
  });
}

export function deliverablesOnTimeCard(base: CardBase, kind?: EngagementKind): CardDefinition {
  return {
    ...base,
    nowOnly: false,
    over: 'accounts',
    sums: 2,
    lists: 1,
    part: (s, ctx) => {
      let due = 0;
      let onTime = 0;
      for (const e of creditedEngagements(s, ctx)) {
        if (kind !== undefined && e.kind !== kind) continue;
        for (const d of e.deliverables) {
          if (d.status === 'cancelled' || !withinPeriod(d.dueDate, ctx)) continue;
          due += 1;
          if (d.deliveredOn !== null && d.deliveredOn <= d.dueDate && d.deliveredOn <= ctx.at) onTime += 1;
        }
      }
      return { sums: [due, onTime], listed: [due > 0] };
    },
    finish: ([due, onTime], [ids]) => ({
      value: due! > 0 ? onTime! / due! : null,
      accountIds: ids!,
      detail: { due: due!, onTime: onTime! },
    }),
  };
}

/**
 * A time-to-value card (KPIS.md): the median days of the live accounts' reached clocks and the share
 * of decided clocks within target, as a fold (the days ranked), so a changed account costs
 * O(log n) instead of sorting the team again. Now only: past clocks are not kept.
 */
export function timeToValueCard(
  base: CardBase,
  pick: (s: AccountSummary) => TimeToValueResult,
  limitsOf: (config: PulseConfig) => DayLimits,
): CardDefinition {
  const fold = { sums: 2, lists: 1, ranks: 1 };
  return {
    ...base,
    nowOnly: true,
    over: 'accounts',
    ...fold,
    part: (s) => {
      if (s.churned) return noPart(fold);
      const { decided, green, reachedDays } = timeToValueContribution(pick(s));
      return { sums: [decided ? 1 : 0, green ? 1 : 0], listed: [decided], ranked: [reachedDays] };
    },
    finish: ([decided, green], [decidedIds], ctx, [reachedDays]) => {
      const team = timeToValueTeam(decided!, green!, reachedDays!);
      const dayLimits = limitsOf(ctx.config);
      return {
        value: team.medianDays,
        color: team.medianDays === null ? 'grey' : maxDaysColor(team.medianDays, dayLimits),
        target: dayLimits.greenMaxDays,
        accountIds: decidedIds!,
        detail: { withinTarget: team.withinTarget, decided: team.decided },
      };
    },
  };
}

/**
 * Primary use-case adoption of the live accounts `counts` admits: sums [green, with a primary use
 * case, their ARR, green ARR]; the accounts with a primary use case are listed.
 */
export function primaryAdoptionCard(
  base: CardBase,
  counts: (s: AccountSummary, ctx: CardContext) => boolean,
): CardDefinition {
  return {
    ...base,
    nowOnly: false,
    over: 'accounts',
    sums: 4,
    lists: 1,
    part: (s, ctx) => {
      if (s.churned || !counts(s, ctx)) return noPart({ sums: 4, lists: 1 });
      const h = historyAt(s, ctx.at);
      if (h === undefined) return null;
      if (s.primaryUseCase === null) return noPart({ sums: 4, lists: 1 });
      const arr = arrAt(s.arrMovements, ctx.at);
      const green = h.primaryUseCaseColor === 'green';
      return { sums: [green ? 1 : 0, 1, arr, green ? arr : 0], listed: [true] };
    },
    finish: (sums, [ids]) => {
      const [, , arr, greenArr] = sums as [number, number, number, number];
      const result = shareValue(sums, ids!);
      return { ...result, detail: { ...result.detail, arrWeighted: arr > 0 ? greenArr / arr : null } };
    },
  };
}

/** GRR or NRR over the retention cohort: sums [ARR at t0, ARR at t, retained]. */
export function retentionCard(base: CardBase, which: 'grr' | 'nrr'): CardDefinition {
  return {
    ...base,
    nowOnly: false,
    over: 'cohort',
    sums: 3,
    lists: 1,
    part: (s, ctx) => {
      const start = arrAt(s.arrMovements, ctx.yearAgo);
      if (start <= 0) return noPart({ sums: 3, lists: 1 });
      const end = arrAt(s.arrMovements, ctx.at);
      return { sums: [start, end, Math.min(end, start)], listed: [true] };
    },
    finish: ([start, end, retained], [ids], ctx) => {
      const r = retentionOf(start!, end!, retained!);
      return {
        value: r[which],
        accountIds: ids!,
        detail: {
          startCents: r.startCents,
          endCents: r.endCents,
          retainedCents: r.retainedCents,
          since: ctx.yearAgo,
        },
      };
    },
  };
}

/** Net ARR of the period to date (all accounts, churned too); accounts with a movement are listed. */
export function arrCard(base: CardBase, pick: typeof netArr): CardDefinition {
  return {
    ...base,
    nowOnly: false,
    over: 'accounts',
    sums: 1,
    lists: 1,
    part: (s, ctx) => ({
      sums: [pick(arrBuckets(s.arrMovements, ctx.period.start, ctx.at))],
      listed: [s.arrMovements.some((m) => withinPeriod(m.effectiveDate, ctx))],
    }),
    finish: ([total], [ids], ctx) => ({
      value: total!,
      accountIds: ids!,
      detail: { periodStart: ctx.period.start },
    }),
  };
}
