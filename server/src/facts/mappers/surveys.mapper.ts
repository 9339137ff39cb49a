import type { Survey } from '@pulse/domain';
import type { Row } from '../fact-rows.js';

export function toSurvey(row: Row<'surveys'>): Survey {
  return {
    id: row.id,
    accountId: row.account_id,
    engagementId: row.engagement_id,
    kind: row.kind,
    sentOn: row.sent_on,
    respondedOn: row.responded_on,
    score: row.score,
  };
}
