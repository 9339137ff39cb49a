import type { Role, ScopeFilters } from '@pulse/domain';

/**
 * Who is asking, resolved once per request or socket (AccessService.authenticate):
 * - `person`: someone signed in (a session cookie), with their role from team_members;
 * - `api`: an API token or PULSE_ADMIN_TOKEN (automation: sees every account);
 * - `display`: a wall display, bound to its token's views and filters, read-only.
 */
export interface Caller {
  readonly kind: 'person' | 'api' | 'display';
  /** A person's role; `admin` for PULSE_ADMIN_TOKEN; `service` for other API tokens; `display` for walls. */
  readonly role: Role | 'service' | 'display';
  /** The team member signed in (people only). */
  readonly memberId: string | null;
  readonly name: string;
  /** Whether the caller may change anything at all (a read-only token may not). */
  readonly canWrite: boolean;
  /** Cookie sessions: writes must echo the session's CSRF token. Null for Bearer tokens. */
  readonly session: { readonly idHash: string; readonly csrfToken: string } | null;
  /** API or display token id (`admin-token` for PULSE_ADMIN_TOKEN). */
  readonly tokenId: string | null;
  /** Display tokens: the views a wall may show, and the filters each is bound to. */
  readonly display: { readonly views: readonly string[]; readonly filters: ScopeFilters } | null;
}

/** Roles whose scope is their own book. */
export const BOOK_ROLES = ['cse', 'csm', 'csa', 'ae', 'rm'] as const;

/** Views a wall-display token may be bound to (the wall's panels). */
export const DISPLAY_VIEWS = ['cse', 'csm', 'csa', 'renewals'] as const;

/** What the audit log names as the actor. */
export function actorOf(caller: Caller): string {
  if (caller.memberId) return `member:${caller.memberId}`;
  return `${caller.kind}:${caller.tokenId ?? 'unknown'}`;
}
