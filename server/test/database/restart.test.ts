import type { TeamView } from '@pulse/domain';
import type { AccountListPage, TeamMembersResponse } from '@pulse/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_DEMO_ACCOUNTS, type TestApp } from '../app-harness.js';

/**
 * `pnpm start` keeps its embedded database between starts (issue 13: a later start serves at once):
 * a restart shows the demo of the first start, not a new one, and its simulator keeps writing.
 */
describe('a later start on the same embedded database', () => {
  let pulse: TestApp;

  beforeAll(async () => {
    pulse = await startTestApp('pglite');
  }, 180_000);

  afterAll(async () => {
    await pulse?.stop();
  });

  it('serves the accounts, people and views of the first start, without seeding again', async () => {
    const accountsBefore = await pulse.get<AccountListPage>('/api/accounts?limit=500&sort=name');
    const peopleBefore = await pulse.get<TeamMembersResponse>('/api/team-members');
    const viewBefore = await pulse.get<TeamView>('/api/kpis/csm');
    expect(accountsBefore.body.total).toBe(TEST_DEMO_ACCOUNTS);

    await pulse.close();
    await pulse.start();

    const accountsAfter = await pulse.get<AccountListPage>('/api/accounts?limit=500&sort=name');
    const peopleAfter = await pulse.get<TeamMembersResponse>('/api/team-members');
    const viewAfter = await pulse.get<TeamView>('/api/kpis/csm');
    // The stored scores are served as they were (the simulator is off: nothing moved them).
    const identity = (page: AccountListPage) =>
      page.items.map(({ id, name, arrCents, healthScore }) => ({ id, name, arrCents, healthScore }));
    expect(identity(accountsAfter.body)).toEqual(identity(accountsBefore.body));
    expect(peopleAfter.body.members.map((member) => member.id).sort()).toEqual(
      peopleBefore.body.members.map((member) => member.id).sort(),
    );
    expect(viewAfter.status).toBe(200);
    expect(viewAfter.body.accountCount).toBe(viewBefore.body.accountCount);
  }, 120_000);

  it('keeps the demo simulator writing after a restart', async () => {
    await pulse.close();
    await pulse.start({ simulateRate: 20 });
    const changes = async () => {
      const row = await pulse.database.db
        .selectFrom('change_log')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .executeTakeFirstOrThrow();
      return Number(row.count);
    };
    const before = await changes();
    await expect.poll(changes, { timeout: 15_000, interval: 200 }).toBeGreaterThan(before);
  }, 120_000);
});
