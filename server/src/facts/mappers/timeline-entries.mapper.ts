import type { TimelineEntry } from '@pulse/domain';
import type { Row } from '../fact-rows.js';
import { iso } from './instants.js';

export function toTimelineEntry(row: Row<'timeline_entries'>): TimelineEntry {
  return {
    id: row.id,
    accountId: row.account_id,
    authorId: row.author_id,
    kind: row.kind,
    occurredAt: iso(row.occurred_at),
    sentiment: row.sentiment,
    personas: row.personas,
    summary: row.summary,
  };
}
