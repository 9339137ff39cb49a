import type { Objective, SuccessPlan } from '@pulse/domain';
import type { Row } from '../fact-rows.js';
import { iso } from './instants.js';

/** Success plans with their objectives and each objective's milestones; orphans are dropped. */
export function toSuccessPlans(
  plans: Row<'success_plans'>[],
  objectives: Row<'sp_objectives'>[],
  milestones: Row<'sp_milestones'>[],
): SuccessPlan[] {
  const objectivesById = new Map<number, Objective>();
  for (const row of objectives) {
    objectivesById.set(row.id, {
      id: row.id,
      planId: row.plan_id,
      title: row.title,
      useCase: row.use_case,
      dueDate: row.due_date,
      status: row.status,
      successCriteria: row.success_criteria,
      outcomeStage: row.outcome_stage,
      milestones: [],
    });
  }
  for (const row of milestones) {
    objectivesById.get(row.objective_id)?.milestones.push({
      id: row.id,
      objectiveId: row.objective_id,
      title: row.title,
      technical: row.technical,
      ownerId: row.owner_id,
      dueDate: row.due_date,
      status: row.status,
      progressPct: row.progress_pct,
    });
  }
  const objectivesOfPlan = new Map<number, Objective[]>();
  for (const objective of objectivesById.values()) {
    const list = objectivesOfPlan.get(objective.planId);
    if (list) list.push(objective);
    else objectivesOfPlan.set(objective.planId, [objective]);
  }
  return plans.map((row) => ({
    id: row.id,
    accountId: row.account_id,
    status: row.status,
    hasStrategy: row.has_strategy,
    hasHighlights: row.has_highlights,
    updatedAt: iso(row.updated_at),
    objectives: objectivesOfPlan.get(row.id) ?? [],
  }));
}
