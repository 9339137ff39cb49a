import type { PulseConfig } from '../config.js';
import { daysBetween, onOrBefore } from '../dates.js';
import type { IsoDate, SupportTicket } from '../facts.js';
import type { Badge } from '../views.js';
import { colorResult, greyResult, type MeasureResult } from './result.js';

/** Tickets opened in the trailing window: green 1–5, yellow 6–15 (or 0, with a badge), red ≥ 16. */
export function supportLoad(tickets: SupportTicket[], asOf: IsoDate, config: PulseConfig): MeasureResult {
  const known = tickets.filter((t) => onOrBefore(t.openedAt, asOf));
  if (known.length === 0) return greyResult('no support data');
  const { windowDays, greenMax, yellowMax } = config.support;
  const recent = known.filter((t) => daysBetween(t.openedAt, asOf) < windowDays).length;
  const inputs = [{ name: 'tickets_opened_30d', value: recent, date: asOf }];
  if (recent === 0) {
    return colorResult('yellow', 0, `no tickets in ${windowDays} days`, inputs, config, {
      info: `no tickets in ${windowDays} days`,
    });
  }
  const color = recent <= greenMax ? 'green' : recent <= yellowMax ? 'yellow' : 'red';
  return colorResult(color, recent, `${recent} tickets opened in ${windowDays} days`, inputs, config);
}

/** Emergency badge: red while one is open, yellow if one closed in the last 7 days. */
export function emergencyBadge(tickets: SupportTicket[], asOf: IsoDate, config: PulseConfig): Badge | null {
  const emergencies = tickets.filter((t) => t.severity === 'emergency' && onOrBefore(t.openedAt, asOf));
  const open = emergencies.filter((t) => t.closedAt === null || !onOrBefore(t.closedAt, asOf));
  if (open.length > 0)
    return { key: 'emergency_tickets', color: 'red', text: `${open.length} open emergency ticket(s)` };
  const recent = emergencies.filter(
    (t) => t.closedAt !== null && daysBetween(t.closedAt, asOf) < config.emergency.recentClosedDays,
  );
  if (recent.length > 0) {
    return { key: 'emergency_tickets', color: 'yellow', text: `emergency ticket closed in the last 7 days` };
  }
  return null;
}
