import type { SuccessPlan } from '@pulse/domain';
import type { Row } from '../fact-rows.js';
import { groupChildren } from './group-children.js';
import { iso } from './instants.js';

/** Success plans with their objectives and each objective's milestones; orphans are dropped. */
export function toSuccessPlans(
  plans: Row<'success_plans'>[],
  objectives: Row<'sp_objectives'>[],
  milestones: Row<'sp_milestones'>[],
): SuccessPlan[] {
  const milestonesOf = groupChildren(
    milestones.map((row) => ({
      id: row.id,
      objectiveId: row.objective_id,
      title: row.title,
      technical: row.technical,
      ownerId: row.owner_id,
      dueDate: row.due_date,
      status: row.status,
      progressPct: row.progress_pct,
    })),
    (milestone) => milestone.objectiveId,
  );
  const objectivesOf = groupChildren(
    objectives.map((row) => ({
      id: row.id,
      planId: row.plan_id,
      title: row.title,
      useCase: row.use_case,
      dueDate: row.due_date,
      status: row.status,
      successCriteria: row.success_criteria,
      outcomeStage: row.outcome_stage,
      milestones: milestonesOf.get(row.id) ?? [],
    })),
    (objective) => objective.planId,
  );
  return plans.map((row) => ({
    id: row.id,
    accountId: row.account_id,
    status: row.status,
    hasStrategy: row.has_strategy,
    hasHighlights: row.has_highlights,
    updatedAt: iso(row.updated_at),
    objectives: objectivesOf.get(row.id) ?? [],
  }));
}
