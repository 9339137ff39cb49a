import { authedFetch } from './access.mjs';

/** What the harness needs to know of the seeded organisation, read through the public API. */
export async function readOrganisation(url) {
  const accounts = [];
  let cursor = null;
  do {
    const query = new URLSearchParams({ limit: '500', ...(cursor ? { cursor } : {}) });
    const page = await getJson(`${url}/api/accounts?${query}`);
    accounts.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  const { members } = await getJson(`${url}/api/team-members`);
  return { accounts, members };
}

async function getJson(url) {
  const response = await authedFetch(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return response.json();
}

/**
 * One topic list per client, like the screens people keep open: half a team view with its
 * "what changed" feed (various filters), three in ten an account page of a hot account, the rest
 * the renewals view. Deterministic for a given organisation.
 */
export function topicMix({ accounts, members }, clients, hotCount = 20) {
  const byRole = (role) => members.filter((member) => member.role === role).map((member) => member.id);
  const managers = byRole('manager');
  const teamTopics = [
    'team:csm',
    'team:cse',
    'team:csa',
    'team:csm?region=emea',
    'team:cse?region=amer',
    'team:csm?segment=enterprise',
    'team:csa?tier=signature',
    'team:cse?region=apac&segment=mid_market',
    ...byRole('csm')
      .slice(0, 3)
      .map((id) => `team:csm?owner=${id}`),
    ...byRole('cse')
      .slice(0, 2)
      .map((id) => `team:cse?owner=${id}`),
    ...managers.slice(0, 2).map((id) => `team:csm?manager=${id}`),
  ];
  const hotIds = accounts.slice(0, hotCount).map((account) => account.id);
  const renewalTopics = ['renewals', 'renewals?days=90', 'renewals?days=365'];
  const assignments = [];
  for (let i = 0; i < clients; i += 1) {
    const kind = i % 10;
    if (kind < 5) assignments.push([teamTopics[i % teamTopics.length], 'changes']);
    else if (kind < 8) assignments.push([`account:${hotIds[i % hotIds.length]}`]);
    else assignments.push([renewalTopics[i % renewalTopics.length]]);
  }
  return { assignments, hotIds, topics: [...new Set(assignments.flat())] };
}
