import type { ScopeFilters, TeamViewKind } from '@pulse/domain';
import { RENEWALS_DEFAULT_DAYS, RENEWALS_MAX_DAYS, renewalWindow, topicKey } from '@pulse/protocol';
import type { LocationQuery } from 'vue-router';

/**
 * The live topics each view watches, in one place: the views subscribe them, and a wall holds
 * them for every view it rotates through so each keeps its last data while the server is away.
 */
/** The score moves of the accounts a team view's filters hold (the server scopes the feed). */
export function changesTopic(filters: ScopeFilters): string {
  return topicKey({ kind: 'changes', filters });
}

export function teamTopic(view: TeamViewKind, filters: ScopeFilters): string {
  return topicKey({ kind: 'team', team: view, filters });
}

/** `days` from the URL when it is a whole number of days the server serves (1..730), else null. */
export function requestedRenewalDays(query: LocationQuery): number | null {
  const raw = query.days;
  if (raw === undefined || raw === null || raw === '') return null;
  const text = Array.isArray(raw) ? raw[0] : raw;
  if (typeof text !== 'string' || !/^\d{1,4}$/.test(text.trim())) return null;
  const days = Number(text);
  return days >= 1 && days <= RENEWALS_MAX_DAYS ? days : null;
}

/** The window the renewals view streams: the requested days rounded up to a served window. */
export function renewalDays(query: LocationQuery): number {
  const days = requestedRenewalDays(query);
  return days === null ? RENEWALS_DEFAULT_DAYS : renewalWindow(days);
}

/** The renewals of the window in `query`, scoped like the team views (region, segment, tier, owner, manager). */
export function renewalsTopic(query: LocationQuery, filters: ScopeFilters): string {
  return topicKey({ kind: 'renewals', days: renewalDays(query), filters });
}
