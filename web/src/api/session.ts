import { ApiError } from './http.js';

/** Who is signed in (GET /api/auth/me). */
export interface Me {
  kind: 'person' | 'api' | 'display';
  role: string;
  memberId: string | null;
  name: string;
  /** Sent back as the x-pulse-csrf header on writes. */
  csrfToken: string | null;
  /** "My book": where this person lands after sign-in. */
  home: string;
  display: { views: string[]; filters: Record<string, string> } | null;
}

export const SIGN_IN_PATH = '/sign-in';

let me: Promise<Me | null> | null = null;

/** The signed-in caller, asked once per page load; null when nobody is signed in. */
export function loadMe(): Promise<Me | null> {
  me ??= fetch('/api/auth/me', { credentials: 'same-origin', headers: { accept: 'application/json' } }).then(
    async (response) => {
      if (response.status === 401) return null;
      if (!response.ok) throw new ApiError(response.status, `${response.status} ${response.statusText}`);
      return (await response.json()) as Me;
    },
    (error: unknown) => {
      me = null;
      throw error;
    },
  );
  return me;
}

/** Asks the server again on the next loadMe (after a socket was cut). */
export function forgetMe(): void {
  me = null;
}

/** The session ended (signed out elsewhere, expired, a wall's token revoked): to the sign-in page. */
export function goToSignIn(message?: string): void {
  if (window.location.pathname === SIGN_IN_PATH) return;
  const query = new URLSearchParams({ returnTo: window.location.pathname + window.location.search });
  if (message) query.set('error', message);
  window.location.assign(`${SIGN_IN_PATH}?${query}`);
}

/** The header every write from a signed-in browser carries (the server refuses cookie writes without it). */
export async function csrfHeaders(): Promise<Record<string, string>> {
  const csrf = (await loadMe().catch(() => null))?.csrfToken;
  return csrf ? { 'x-pulse-csrf': csrf } : {};
}

/** POSTs JSON with the session's CSRF token; returns the parsed answer or throws ApiError with the server's reason. */
export async function postJson<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: {
      accept: 'application/json',
      'content-type': 'application/json',
      ...(await csrfHeaders()),
    },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    let reason = response.statusText;
    try {
      const answer = (await response.json()) as { error?: { message?: string } };
      reason = answer.error?.message ?? reason;
    } catch {
      // Not JSON: keep the status text.
    }
    throw new ApiError(response.status, reason);
  }
  return (response.status === 204 ? undefined : await response.json()) as T;
}
