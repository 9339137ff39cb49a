import type { PulseConfig } from '../config.js';
import { daysBetween } from '../dates.js';
import type {
  Color,
  IsoDate,
  Milestone,
  Objective,
  ObjectiveStatus,
  OutcomeStage,
  SuccessPlan,
} from '../facts.js';
import type { PlanStatusShown } from '../views.js';
import { colorResult, type MeasureResult } from './result.js';

const OPEN_STATUSES: ReadonlySet<ObjectiveStatus> = new Set([
  'not_started',
  'on_track',
  'watchpoint',
  'concern',
]);
const DROPPED_STATUSES: ReadonlySet<ObjectiveStatus> = new Set(['closed_lost', 'closed_not_relevant']);

export function isOpenObjective(objective: Objective): boolean {
  return OPEN_STATUSES.has(objective.status);
}

/** Plan colour (KPIS.md §3) with the reason. */
export function planColor(
  plan: SuccessPlan | null,
  asOf: IsoDate,
  config: PulseConfig,
): { color: Color; reason: string } {
  if (plan === null) return { color: 'red', reason: 'no success plan' };
  if (!plan.objectives.some((o) => !DROPPED_STATUSES.has(o.status))) {
    return { color: 'red', reason: 'no objective other than closed lost / not relevant' };
  }
  const updatedDaysAgo = daysBetween(plan.updatedAt, asOf);
  if (plan.status === 'completed') return completedPlanColor(plan, updatedDaysAgo, config);
  const problems: string[] = [];
  if (plan.status !== 'active') problems.push(`plan is ${plan.status}`);
  if (!plan.hasStrategy) problems.push('strategy missing');
  if (!plan.hasHighlights) problems.push('highlights missing');
  if (!plan.objectives.some(isOpenObjective)) problems.push('no open objective');
  else if (
    !plan.objectives.some((o) => isOpenObjective(o) && o.dueDate !== null && hasText(o.successCriteria))
  ) {
    problems.push('no open objective with a due date and success criteria');
  }
  if (updatedDaysAgo > config.planStaleDays) problems.push(`not updated for ${updatedDaysAgo} days`);
  if (problems.length > 0) return { color: 'yellow', reason: problems.join('; ') };
  return { color: 'green', reason: 'active plan with strategy, highlights and a dated open objective' };
}

/** A completed plan (PulseConfig.completedPlan): green for a while after a success, then yellow. */
function completedPlanColor(
  plan: SuccessPlan,
  updatedDaysAgo: number,
  config: PulseConfig,
): { color: Color; reason: string } {
  if (!plan.objectives.some((o) => o.status === 'closed_success')) {
    return { color: 'yellow', reason: 'plan completed without an objective closed in success' };
  }
  if (updatedDaysAgo > config.completedPlan.greenForDays) {
    return { color: 'yellow', reason: `plan completed ${updatedDaysAgo} days ago: plan the next objectives` };
  }
  return { color: 'green', reason: `plan completed ${updatedDaysAgo} days ago with objectives reached` };
}

function hasText(value: string | null): boolean {
  return value !== null && value.trim().length > 0;
}

function milestoneProgress(milestone: Milestone): number {
  return milestone.status === 'done' ? 1 : milestone.progressPct / 100;
}

function objectiveProgress(objective: Objective): number {
  if (objective.status === 'closed_success') return 1;
  const counted = objective.milestones.filter((m) => m.status !== 'cancelled');
  if (counted.length === 0) return 0;
  return counted.reduce((sum, m) => sum + milestoneProgress(m), 0) / counted.length;
}

/** Plan % complete (fraction 0–1); null when no objective counts. */
export function planPercentComplete(plan: SuccessPlan | null): number | null {
  if (plan === null) return null;
  const counted = plan.objectives.filter((o) => !DROPPED_STATUSES.has(o.status));
  if (counted.length === 0) return null;
  return counted.reduce((sum, o) => sum + objectiveProgress(o), 0) / counted.length;
}

/** The CSE KPI: green plan with an open dated objective holding an owned, dated technical milestone. */
export function greenWithTechnicalMilestones(plan: SuccessPlan | null, color: Color): boolean {
  if (plan === null || color !== 'green') return false;
  return plan.objectives.some(
    (o) =>
      isOpenObjective(o) &&
      o.dueDate !== null &&
      o.milestones.some(
        (m) => m.technical && m.ownerId !== null && m.dueDate !== null && m.status !== 'cancelled',
      ),
  );
}

export function planStatusShown(plan: SuccessPlan | null, color: Color): PlanStatusShown {
  if (plan === null) return 'none';
  if (plan.status === 'draft') return 'draft';
  if (plan.status === 'completed') return 'completed';
  return color === 'green' ? 'active_green' : color === 'yellow' ? 'active_yellow' : 'active_red';
}

export function outcomeFunnel(plan: SuccessPlan | null): Record<OutcomeStage, number> {
  const funnel: Record<OutcomeStage, number> = { proposed: 0, accepted: 0, delivered: 0, verified: 0 };
  for (const o of plan?.objectives ?? []) if (o.outcomeStage !== null) funnel[o.outcomeStage] += 1;
  return funnel;
}

export function successPlanMeasure(
  plan: SuccessPlan | null,
  asOf: IsoDate,
  config: PulseConfig,
): MeasureResult {
  const { color, reason } = planColor(plan, asOf, config);
  const inputs = plan
    ? [
        { name: 'status', value: plan.status, date: plan.updatedAt },
        { name: 'objectives', value: plan.objectives.length, date: null },
      ]
    : [];
  return colorResult(color, planPercentComplete(plan), reason, inputs, config);
}
