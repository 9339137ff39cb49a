import { COLORS, USE_CASES } from '../facts.js';
import type {
  AccountSummary,
  AdoptionMatrix,
  HealthDistribution,
  PlanFunnel,
  PlanStatusShown,
} from '../views.js';
import { live } from './card-definition.js';

export function healthDistribution(accounts: readonly AccountSummary[]): HealthDistribution {
  const colors = Object.fromEntries(
    COLORS.map((c) => [
      c,
      { count: 0, arrCents: 0, arrShare: null as number | null, accountIds: [] as string[] },
    ]),
  ) as HealthDistribution['colors'];
  let totalArr = 0;
  const active = live(accounts);
  for (const s of active) {
    const bucket = colors[s.healthColor];
    bucket.count += 1;
    bucket.arrCents += s.arrNowCents;
    bucket.accountIds.push(s.accountId);
    totalArr += s.arrNowCents;
  }
  for (const c of COLORS) colors[c].arrShare = totalArr > 0 ? colors[c].arrCents / totalArr : null;
  return {
    colors,
    totalCount: active.length,
    totalArrCents: totalArr,
    turnedRedThisWeek: active.filter((s) => s.turnedRedThisWeek).map((s) => s.accountId),
  };
}

export function adoptionMatrix(accounts: readonly AccountSummary[]): AdoptionMatrix {
  const matrix = {} as AdoptionMatrix;
  for (const uc of USE_CASES) {
    matrix[uc] = Object.fromEntries(
      COLORS.map((c) => [c, { count: 0, arrCents: 0 }]),
    ) as AdoptionMatrix[typeof uc];
  }
  for (const s of live(accounts)) {
    for (const uc of USE_CASES) {
      const cell = matrix[uc][s.useCaseColors[uc]];
      cell.count += 1;
      cell.arrCents += s.arrNowCents;
    }
  }
  return matrix;
}

export function planFunnel(accounts: readonly AccountSummary[]): PlanFunnel {
  const statuses: Record<PlanStatusShown, number> = {
    none: 0,
    draft: 0,
    active_green: 0,
    active_yellow: 0,
    active_red: 0,
    completed: 0,
  };
  const outcomeStages = { proposed: 0, accepted: 0, delivered: 0, verified: 0 };
  for (const s of live(accounts)) {
    if (!s.plan.applicable) continue;
    statuses[s.plan.status] += 1;
    for (const stage of Object.keys(outcomeStages) as (keyof typeof outcomeStages)[]) {
      outcomeStages[stage] += s.plan.outcomeFunnel[stage];
    }
  }
  return { statuses, outcomeStages };
}
