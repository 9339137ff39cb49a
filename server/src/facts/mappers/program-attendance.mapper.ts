import type { ProgramAttendanceWithSession } from '@pulse/domain';
import type { AttendanceRow } from '../fact-rows.js';

/** An attendance row joined with its session (program_sessions columns ride along on the row). */
export function toProgramAttendance(row: AttendanceRow): ProgramAttendanceWithSession {
  return {
    id: row.id,
    sessionId: row.session_id,
    accountId: row.account_id,
    attendees: row.attendees,
    session: {
      id: row.session_id,
      kind: row.kind,
      title: row.title,
      useCase: row.use_case,
      heldOn: row.held_on,
    },
  };
}
