import { COLORS, OUTCOME_STAGES, USE_CASES } from '../facts.js';
import { WATERFALL_SUMS_PER_QUARTER, type WaterfallSpan, waterfallOf, waterfallPart } from '../revenue.js';
import type {
  AdoptionMatrix,
  HealthDistribution,
  NetArrWaterfall,
  PlanFunnel,
  PlanStatusShown,
} from '../views.js';
import { type Fold, noPart } from './fold.js';

/** Health distribution: sums [count, ARR] per colour then [live accounts, ARR]; ids per colour, then turned red. */
export const HEALTH_DISTRIBUTION: Fold<HealthDistribution, unknown> = {
  sums: COLORS.length * 2 + 2,
  lists: COLORS.length + 1,
  part: (s) => {
    if (s.churned) return noPart(HEALTH_DISTRIBUTION);
    const sums = new Array<number>(COLORS.length * 2 + 2).fill(0);
    const listed = new Array<boolean>(COLORS.length + 1).fill(false);
    const c = COLORS.indexOf(s.healthColor);
    sums[c * 2] = 1;
    sums[c * 2 + 1] = s.arrNowCents;
    sums[COLORS.length * 2] = 1;
    sums[COLORS.length * 2 + 1] = s.arrNowCents;
    listed[c] = true;
    listed[COLORS.length] = s.turnedRedThisWeek;
    return { sums, listed };
  },
  finish: (sums, lists) => {
    const totalArr = sums[COLORS.length * 2 + 1]!;
    const colors = Object.fromEntries(
      COLORS.map((c, i) => [
        c,
        {
          count: sums[i * 2]!,
          arrCents: sums[i * 2 + 1]!,
          arrShare: totalArr > 0 ? sums[i * 2 + 1]! / totalArr : null,
          accountIds: lists[i]!,
        },
      ]),
    ) as HealthDistribution['colors'];
    return {
      colors,
      totalCount: sums[COLORS.length * 2]!,
      totalArrCents: totalArr,
      turnedRedThisWeek: lists[COLORS.length]!,
    };
  },
};

/** Adoption matrix: sums [count, ARR] per use case and colour. */
export const ADOPTION_MATRIX: Fold<AdoptionMatrix, unknown> = {
  sums: USE_CASES.length * COLORS.length * 2,
  lists: 0,
  part: (s) => {
    const sums = new Array<number>(USE_CASES.length * COLORS.length * 2).fill(0);
    if (!s.churned) {
      USE_CASES.forEach((uc, u) => {
        const cell = (u * COLORS.length + COLORS.indexOf(s.useCaseColors[uc])) * 2;
        sums[cell] = 1;
        sums[cell + 1] = s.arrNowCents;
      });
    }
    return { sums, listed: [] };
  },
  finish: (sums) => {
    const matrix = {} as AdoptionMatrix;
    USE_CASES.forEach((uc, u) => {
      matrix[uc] = Object.fromEntries(
        COLORS.map((c, i) => {
          const cell = (u * COLORS.length + i) * 2;
          return [c, { count: sums[cell]!, arrCents: sums[cell + 1]! }];
        }),
      ) as AdoptionMatrix[typeof uc];
    });
    return matrix;
  },
};

export const PLAN_STATUSES_SHOWN: readonly PlanStatusShown[] = [
  'none',
  'draft',
  'active_green',
  'active_yellow',
  'active_red',
  'completed',
];

/** Plan funnel: sums [accounts per plan status shown, then objectives per outcome stage]. */
export const PLAN_FUNNEL: Fold<PlanFunnel, unknown> = {
  sums: PLAN_STATUSES_SHOWN.length + OUTCOME_STAGES.length,
  lists: 0,
  part: (s) => {
    if (s.churned || !s.plan.applicable) return noPart(PLAN_FUNNEL);
    const sums = new Array<number>(PLAN_STATUSES_SHOWN.length).fill(0);
    sums[PLAN_STATUSES_SHOWN.indexOf(s.plan.status)] = 1;
    for (const stage of OUTCOME_STAGES) sums.push(s.plan.outcomeFunnel[stage]);
    return { sums, listed: [] };
  },
  finish: (sums) => ({
    statuses: Object.fromEntries(
      PLAN_STATUSES_SHOWN.map((status, i) => [status, sums[i]!]),
    ) as PlanFunnel['statuses'],
    outcomeStages: Object.fromEntries(
      OUTCOME_STAGES.map((stage, i) => [stage, sums[PLAN_STATUSES_SHOWN.length + i]!]),
    ) as PlanFunnel['outcomeStages'],
  }),
};

/** Net ARR waterfall over these quarters of the accounts in scope (churned ones too: their churn is in it). */
export function netArrWaterfallFold(spans: readonly WaterfallSpan[]): Fold<NetArrWaterfall, unknown> {
  return {
    sums: spans.length * WATERFALL_SUMS_PER_QUARTER,
    lists: 0,
    part: (s) => ({ sums: waterfallPart(s.arrMovements, spans), listed: [] }),
    finish: (sums) => waterfallOf(spans, sums),
  };
}
