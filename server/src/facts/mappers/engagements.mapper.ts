import type { Engagement } from '@pulse/domain';
import type { Row } from '../fact-rows.js';

/** Engagements with their deliverables and doc updates; orphans are dropped. */
export function toEngagements(
  engagements: Row<'engagements'>[],
  deliverables: Row<'deliverables'>[],
  docUpdates: Row<'doc_updates'>[],
): Engagement[] {
  const byId = new Map<number, Engagement>();
  for (const row of engagements) {
    byId.set(row.id, {
      id: row.id,
      accountId: row.account_id,
      cseId: row.cse_id,
      kind: row.kind,
      status: row.status,
      startedOn: row.started_on,
      completedOn: row.completed_on,
      deliverables: [],
      docUpdates: [],
    });
  }
  for (const row of deliverables) {
    byId.get(row.engagement_id)?.deliverables.push({
      id: row.id,
      engagementId: row.engagement_id,
      title: row.title,
      dueDate: row.due_date,
      deliveredOn: row.delivered_on,
      status: row.status,
    });
  }
  for (const row of docUpdates) {
    byId.get(row.engagement_id)?.docUpdates.push({
      id: row.id,
      engagementId: row.engagement_id,
      url: row.url,
      updatedOn: row.updated_on,
    });
  }
  return [...byId.values()];
}
