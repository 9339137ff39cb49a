import type { AccountFacts, IsoDate } from '../facts.js';
import type { AccountSummary, EngagementSummary, SurveySummary } from '../views.js';

type EngagementsPart = Pick<AccountSummary, 'engagements' | 'surveys' | 'programAttendance'>;

/**
 * The CSE's engagements by id (doc updates up to `day`), the surveys sent, and the program
 * sessions held by `day` that the account attended.
 */
export function engagementsPart(facts: AccountFacts, day: IsoDate): EngagementsPart {
  const engagements: Record<string, EngagementSummary> = {};
  for (const e of facts.engagements) {
    engagements[String(e.id)] = {
      id: e.id,
      cseId: e.cseId,
      kind: e.kind,
      status: e.status,
      startedOn: e.startedOn,
      completedOn: e.completedOn,
      docUpdateDates: e.docUpdates
        .filter((d) => d.updatedOn <= day)
        .map((d) => d.updatedOn)
        .sort(),
      deliverables: e.deliverables.map((d) => ({
        id: d.id,
        dueDate: d.dueDate,
        deliveredOn: d.deliveredOn,
        status: d.status,
      })),
    };
  }
  const surveys: Record<string, SurveySummary> = {};
  for (const s of facts.surveys) {
    surveys[String(s.id)] = {
      id: s.id,
      kind: s.kind,
      engagementId: s.engagementId,
      sentOn: s.sentOn,
      respondedOn: s.respondedOn,
      score: s.score,
    };
  }
  return {
    engagements,
    surveys,
    programAttendance: facts.programAttendance
      .filter((p) => p.session.heldOn <= day)
      .map((p) => ({
        sessionId: p.sessionId,
        kind: p.session.kind,
        heldOn: p.session.heldOn,
        attendees: p.attendees,
      })),
  };
}
