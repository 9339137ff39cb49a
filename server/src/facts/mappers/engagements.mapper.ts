import type { Engagement } from '@pulse/domain';
import type { Row } from '../fact-rows.js';
import { groupChildren } from './group-children.js';

/** Engagements with their deliverables and doc updates; orphans are dropped. */
export function toEngagements(
  engagements: Row<'engagements'>[],
  deliverables: Row<'deliverables'>[],
  docUpdates: Row<'doc_updates'>[],
): Engagement[] {
  const deliverablesOf = groupChildren(
    deliverables.map((row) => ({
      id: row.id,
      engagementId: row.engagement_id,
      title: row.title,
      dueDate: row.due_date,
      deliveredOn: row.delivered_on,
      status: row.status,
    })),
    (deliverable) => deliverable.engagementId,
  );
  const docUpdatesOf = groupChildren(
    docUpdates.map((row) => ({
      id: row.id,
      engagementId: row.engagement_id,
      url: row.url,
      updatedOn: row.updated_on,
    })),
    (docUpdate) => docUpdate.engagementId,
  );
  return engagements.map((row) => ({
    id: row.id,
    accountId: row.account_id,
    cseId: row.cse_id,
    kind: row.kind,
    status: row.status,
    startedOn: row.started_on,
    completedOn: row.completed_on,
    deliverables: deliverablesOf.get(row.id) ?? [],
    docUpdates: docUpdatesOf.get(row.id) ?? [],
  }));
}
