import { isDeepStrictEqual } from 'node:util';
import type { TeamMember, TeamView } from '@pulse/domain';
import {
  type Delta,
  LiveClient,
  LiveEvents,
  parseTopic,
  type Topic,
  type TopicStream,
} from '@pulse/protocol';
import jsonpatch from 'fast-json-patch';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeFeedReader } from '../../src/changes/change-feed-reader.service.js';
import { SimulatorService } from '../../src/demo/simulator.service.js';
import { FactsRepository } from '../../src/facts/facts.repository.js';
import { ViewsService } from '../../src/views/views.service.js';
import { startTestApp, type TestApp } from '../app-harness.js';
import { TEST_DRIVERS } from '../database/test-database.js';
import { waitFor } from '../live/live-harness.js';

/**
 * Team topics are kept incrementally (retract an account's old part, add its new one) and their
 * deltas built from what changed. Whatever the writes — scores moving, accounts changing owner,
 * region, tier or lifecycle, people moving to another manager — every subscribed client ends up
 * with what the REST API's full rebuild of the same view shows.
 */
describe.each(TEST_DRIVERS)('incrementally kept team topics on %s', (driver) => {
  let pulse: TestApp;
  let client: LiveClient;
  let reader: ChangeFeedReader;
  let members: TeamMember[];
  const streams = new Map<string, TopicStream<TeamView>>();
  const deltas: Delta[] = [];

  /** Topic key → the REST path serving the same view, rebuilt from every summary. */
  const restPath = (topic: string) => {
    const [view, query] = topic.slice('team:'.length).split('?');
    return `/api/kpis/${view}${query ? `?${query}` : ''}`;
  };

  async function expectEveryTopicEqualsRebuild(): Promise<void> {
    await reader.readNow();
    for (const [topic, stream] of streams) {
      let rest: unknown;
      const deadline = Date.now() + 15_000;
      for (;;) {
        rest = (await pulse.get(restPath(topic))).body;
        if (stream.view.status === 'live' && isDeepStrictEqual(stream.view.state, rest)) break;
        if (Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(stream.view.state, topic).toEqual(rest);
    }
  }

  beforeAll(async () => {
    pulse = await startTestApp(driver);
    reader = pulse.app.get(ChangeFeedReader);
    members = await new FactsRepository(pulse.database.db).listTeamMembers();
    const manager = members.find((m) => m.role === 'manager')!;
    const csm = members.find((m) => m.role === 'csm')!;
    const cse = members.find((m) => m.role === 'cse')!;
    client = pulse.liveClient();
    client.socket.on(LiveEvents.delta, (delta: Delta) => deltas.push(delta));
    for (const topic of [
      'team:csm',
      'team:csm?region=emea',
      'team:csa?segment=enterprise&tier=signature',
      `team:csm?manager=${manager.id}`,
      `team:cse?owner=${cse.id}`,
      `team:csm?owner=${csm.id}`,
    ]) {
      const stream = client.subscribe<TeamView>(topic);
      streams.set(stream.topic, stream);
    }
    await waitFor(() => [...streams.values()].every((s) => s.view.status === 'live'), 'snapshots', 30_000);
  }, 240_000);

  afterAll(async () => {
    client?.close();
    await pulse?.stop();
  }, 60_000);

  it('follows simulated writes with deltas of what changed, never a whole view', async () => {
    const simulator = pulse.app.get(SimulatorService);
    for (let i = 0; i < 30; i++) await simulator.writeOnce();
    await expectEveryTopicEqualsRebuild();
    expect(deltas.length).toBeGreaterThan(0);
    for (const delta of deltas) for (const op of delta.ops) expect(op.path).not.toBe('');
  }, 60_000);

  it('moves accounts into and out of scopes when their owner, region, tier or lifecycle changes', async () => {
    const csms = members.filter((m) => m.role === 'csm');
    const owner = csms[0]!;
    const db = pulse.database.db;
    const pick = (where: ReturnType<typeof sql>) =>
      sql<{ id: string }>`select id from accounts where ${where} order by id limit 2`.execute(db);
    // Out of a scope: the watched CSM's book, EMEA, enterprise signature; then into them.
    const leaving = [
      ...(await pick(sql`csm_id = ${owner.id}`)).rows.map(
        ({ id }) => sql`update accounts set csm_id = ${csms[1]!.id} where id = ${id}`,
      ),
      ...(await pick(sql`region = 'emea'`)).rows.map(
        ({ id }) => sql`update accounts set region = 'amer' where id = ${id}`,
      ),
      ...(await pick(sql`segment = 'enterprise' and success_tier = 'signature'`)).rows.map(
        ({ id }) => sql`update accounts set success_tier = 'essentials' where id = ${id}`,
      ),
    ];
    const entering = [
      ...(await pick(sql`csm_id <> ${owner.id}`)).rows.map(
        ({ id }) => sql`update accounts set csm_id = ${owner.id} where id = ${id}`,
      ),
      ...(await pick(sql`region <> 'emea'`)).rows.map(
        ({ id }) => sql`update accounts set region = 'emea' where id = ${id}`,
      ),
      ...(await pick(sql`success_tier <> 'signature'`)).rows.map(
        ({ id }) =>
          sql`update accounts set segment = 'enterprise', success_tier = 'signature' where id = ${id}`,
      ),
      ...(await pick(sql`lifecycle_stage <> 'churned'`)).rows.map(
        ({ id }) => sql`update accounts set lifecycle_stage = 'churned' where id = ${id}`,
      ),
    ];
    expect(leaving.length).toBeGreaterThanOrEqual(3);
    for (const statement of leaving) await statement.execute(db);
    await expectEveryTopicEqualsRebuild();
    for (const statement of entering) await statement.execute(db);
    await expectEveryTopicEqualsRebuild();
  }, 60_000);

  it('follows people moving to another manager', async () => {
    const managers = members.filter((m) => m.role === 'manager');
    const movers = members.filter((m) => m.role === 'csm').slice(0, 3);
    for (const [i, mover] of movers.entries()) {
      const to = managers[(i + 1) % managers.length]!;
      await sql`update team_members set manager_id = ${to.id} where id = ${mover.id}`.execute(
        pulse.database.db,
      );
    }
    await expectEveryTopicEqualsRebuild();
  }, 60_000);

  it('applies overlapping batches whole and in order, and a topic opened meanwhile sees all of them', async () => {
    const views = pulse.app.get(ViewsService);
    const topic = (key: string): Topic => {
      const parsed = parseTopic(key);
      if (!parsed.ok) throw new Error(parsed.error.message);
      return parsed.topic;
    };
    const kept = topic('team:cse?region=amer');
    const before = (await views.load(kept)) as TeamView;
    // Every account changes twice, in two batches handed over at once (as a bulk sync and the
    // next batch can be): large enough to be staged slice by slice.
    const summaries = views.summariesInScope({});
    const ids = summaries.map((s) => s.accountId);
    const first = summaries.map((s) => ({ ...s, arrNowCents: s.arrNowCents + 100 }));
    const second = first.map((s, i) => ({ ...s, region: i % 2 === 0 ? ('amer' as const) : s.region }));
    const updates = [
      views.update(ids, { summaries: first, failures: [] }, false),
      views.update(ids, { summaries: second, failures: [] }, false),
    ];
    const openedMeanwhile = views.load(topic('team:csa?region=amer'));
    await Promise.all(updates);
    const update = views.takeUpdate(kept)!;
    const patched = jsonpatch.applyPatch(structuredClone(before), update.ops, true, false).newDocument;
    expect(patched).toEqual(views.teamView('cse', { region: 'amer' }));
    expect(update.state).toEqual(views.teamView('cse', { region: 'amer' }));
    expect(await openedMeanwhile).toEqual(views.teamView('csa', { region: 'amer' }));
    views.release(kept);
  }, 60_000);
});
