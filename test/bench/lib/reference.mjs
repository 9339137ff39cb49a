import { parseTopic } from '@pulse/protocol';
import { authedFetch, connectLive } from './access.mjs';
import { canonicalJson, stateHash } from './state-hash.mjs';

/**
 * The reference a converged client must equal: a fresh snapshot of each topic from a new client,
 * and whether it also equals the REST view of the same thing (where the API has one).
 */
export async function freshReference(url, topics, timeoutMs = 120_000) {
  const client = connectLive(url, { staleAfterMs: 60_000 });
  try {
    const views = await Promise.all(
      topics.map(
        (topic) =>
          new Promise((resolve, reject) => {
            const stream = client.subscribe(topic);
            const timer = setTimeout(() => reject(new Error(`no snapshot of ${topic}`)), timeoutMs);
            const settle = (view) => {
              if (view.status === 'error') reject(new Error(`${topic}: ${view.error?.message}`));
              if (view.state === undefined || view.status !== 'live') return;
              clearTimeout(timer);
              stop();
              resolve(view);
            };
            const stop = stream.onChange(settle);
            settle(stream.view);
          }),
      ),
    );
    const expected = {};
    const rest = { compared: 0, equal: 0, differing: [] };
    for (const [index, view] of views.entries()) {
      expected[topics[index]] = {
        hash: stateHash(view.state),
        epoch: view.epoch,
        seq: view.seq,
        stateBytes: JSON.stringify(view.state).length,
      };
      const path = restPath(view.topic);
      if (!path) continue;
      const response = await authedFetch(`${url}${path}`);
      rest.compared += 1;
      const body = response.ok ? await response.json() : null;
      if (body !== null && canonicalJson(body) === canonicalJson(view.state)) rest.equal += 1;
      else if (rest.differing.length < 10) {
        rest.differing.push({
          topic: view.topic,
          path,
          status: response.status,
          firstDifference: body === null ? null : firstDifference(view.state, body),
        });
      }
    }
    const stateBytes = Object.fromEntries(
      Object.entries(expected).map(([topic, { stateBytes }]) => [topic, stateBytes]),
    );
    return { expected, rest, stateBytes };
  } finally {
    client.close();
  }
}

/** The REST resource showing the same view as a topic, or null when there is none. */
function restPath(key) {
  const parsed = parseTopic(key);
  if (!parsed.ok) return null;
  const { topic } = parsed;
  const query = (entries) => {
    const params = new URLSearchParams(Object.entries(entries).filter(([, value]) => value != null));
    const text = params.toString();
    return text ? `?${text}` : '';
  };
  switch (topic.kind) {
    case 'team':
      return `/api/kpis/${topic.team}${query(topic.filters)}`;
    case 'renewals':
      return `/api/kpis/renewals${query({ days: topic.days })}`;
    case 'account':
      return `/api/accounts/${encodeURIComponent(topic.accountId)}`;
    default:
      return null;
  }
}

/** Path and both values of the first place where two JSON values differ (for a readable report). */
function firstDifference(snapshot, restBody, path = '') {
  if (canonicalJson(snapshot) === canonicalJson(restBody)) return null;
  const isObject = (value) => value !== null && typeof value === 'object';
  if (isObject(snapshot) && isObject(restBody)) {
    const keys = [...new Set([...Object.keys(snapshot), ...Object.keys(restBody)])].sort();
    for (const key of keys) {
      const found = firstDifference(snapshot[key], restBody[key], `${path}/${key}`);
      if (found) return found;
    }
  }
  const clip = (value) => (value === undefined ? 'absent' : canonicalJson(value).slice(0, 200));
  return { path: path || '/', snapshot: clip(snapshot), rest: clip(restBody) };
}
