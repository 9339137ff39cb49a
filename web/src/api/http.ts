/** A failed API call, with the server's message when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** GET a JSON resource of the Pulse API; throws ApiError naming the status and the server's reason. */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
      signal: signal ?? null,
    });
  } catch (cause) {
    if (signal?.aborted) throw cause;
    throw new ApiError(0, 'The server cannot be reached.');
  }
  if (response.status === 401) {
    // Signed out meanwhile (session expired or revoked): sign in again, then come back here.
    const { goToSignIn } = await import('./session.js');
    goToSignIn();
  }
  if (!response.ok) {
    // The server's own words when it sent them (the status stays on the error, not in the text).
    let reason = `${response.status} ${response.statusText}`.trim();
    try {
      const body = (await response.json()) as { message?: unknown; error?: { message?: unknown } };
      const message = body.error?.message ?? body.message;
      if (typeof message === 'string') reason = message;
    } catch {
      // Not JSON: keep the status.
    }
    throw new ApiError(response.status, reason);
  }
  return (await response.json()) as T;
}

/** Builds `path?a=1&b=2`, leaving out empty values (the API rejects empty parameters). */
export function withQuery(path: string, query: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** PUT, POST or DELETE JSON; throws ApiError with the server's message (and the field it names). */
export async function sendJson<T>(
  method: 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T | null> {
  const { csrfHeaders } = await import('./session.js');
  const csrf = await csrfHeaders();
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...csrf,
      },
      body: body === undefined ? null : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'The server cannot be reached.');
  }
  if (response.status === 204) return null;
  const json = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
  if (!response.ok)
    throw new ApiError(response.status, json?.error?.message ?? `${response.status} ${response.statusText}`);
  return json as T;
}
