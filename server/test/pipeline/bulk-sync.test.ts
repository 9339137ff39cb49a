import type { TeamView } from '@pulse/domain';
import { LiveClient, LiveEvents } from '@pulse/protocol';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_DEMO_ACCOUNTS, type TestApp } from '../app-harness.js';
import { TEST_DRIVERS } from '../database/test-database.js';
import { sleep, waitFor } from '../live/live-harness.js';

/** A nightly usage sync: today's snapshot for every account, from its latest one, in one statement. */
const USAGE_SYNC = sql`
  insert into usage_snapshots (account_id, measured_on, billable_users, active_users_28d,
    git_operation_users, ci_builds, ci_pipelines, scanner_users, scans, scanner_types,
    deploying_users, deployments, successful_deployments, issue_users, epic_users)
  select distinct on (account_id) account_id, current_date, billable_users, active_users_28d / 2,
         git_operation_users, ci_builds, ci_pipelines, scanner_users, scans, scanner_types,
         deploying_users, deployments, successful_deployments, issue_users, epic_users
  from usage_snapshots order by account_id, measured_on desc
  on conflict (account_id, measured_on) do update set active_users_28d = excluded.active_users_28d`;

/**
 * A bulk sync (one transaction rewriting every account's usage) is scored in chunks by the worker
 * pool, yet reaches each screen as one step: one delta per team view, already the final state.
 */
describe.each(TEST_DRIVERS)('bulk sync on %s', (driver) => {
  let pulse: TestApp;
  let client: LiveClient;
  const topics = ['team:csm', 'team:cse'];
  const deltas = new Map<string, number>(topics.map((topic) => [topic, 0]));

  beforeAll(async () => {
    pulse = await startTestApp(driver);
    client = pulse.liveClient();
    client.socket.on(LiveEvents.delta, (delta) =>
      deltas.set(delta.topic, (deltas.get(delta.topic) ?? 0) + 1),
    );
  }, 120_000);
  afterAll(async () => {
    client?.close();
    await pulse?.stop();
  });

  it('rescores every account and shows the sync as one delta per team view, equal to a fresh load', async () => {
    const streams = topics.map((topic) => client.subscribe<TeamView>(topic));
    await waitFor(() => streams.every((stream) => stream.view.status === 'live'), 'team views live', 20_000);
    const before = streams.map((stream) => stream.view.state);
    const syncedAt = new Date();

    const written = await pulse.database.db.transaction().execute((trx) => USAGE_SYNC.execute(trx));
    expect(Number(written.numAffectedRows)).toBe(TEST_DEMO_ACCOUNTS);

    await waitFor(
      () => topics.every((topic) => deltas.get(topic)! > 0),
      'a delta on every team view',
      60_000,
    );
    // Time for any second delta of the same sync (half a sync first, the rest later) to show up.
    await sleep(1_500);
    expect(Object.fromEntries(deltas)).toEqual(Object.fromEntries(topics.map((topic) => [topic, 1])));
    const rescored = await sql<{ n: number }>`
      select count(*)::int as n from account_scores where as_of >= ${syncedAt}`.execute(pulse.database.db);
    expect(rescored.rows[0]!.n).toBe(TEST_DEMO_ACCOUNTS);

    const fresh = pulse.liveClient();
    try {
      for (const [index, topic] of topics.entries()) {
        const check = fresh.subscribe<TeamView>(topic);
        await waitFor(() => check.view.status === 'live', `fresh snapshot of ${topic}`, 20_000);
        expect(streams[index]!.view.state).toEqual(check.view.state);
        expect(streams[index]!.view.state).not.toEqual(before[index]);
      }
    } finally {
      fresh.close();
    }
  }, 120_000);

  it('exposes the event loop delay on /metrics', async () => {
    const text = await (await fetch(`${pulse.baseUrl}/metrics`)).text();
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds \d/m);
  });
});
