import { csrfHeaders } from './session.js';

/**
 * Downloads a CSV the server builds from a POSTed body (a drill-down's account ids can be more than
 * a URL holds). GET exports are plain links with the `download` attribute instead.
 */
export async function downloadPostedCsv(url: string, body: unknown, filename: string): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/csv', ...(await csrfHeaders()) },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    const failure = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(failure?.error?.message ?? `The export failed (${response.status}).`);
  }
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await response.blob());
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}
