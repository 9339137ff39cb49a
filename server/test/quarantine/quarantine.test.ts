import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MetricsRegistry } from '../../src/metrics/metrics.registry.js';
import { QuarantineRepository } from '../../src/quarantine/quarantine.repository.js';
import { QuarantineService } from '../../src/quarantine/quarantine.service.js';
import {
  type RetryPolicy,
  retryDelayMs,
  SCORING_RETRY_POLICY,
  shouldQuarantine,
} from '../../src/quarantine/retry-policy.js';
import type { ScoringFailure } from '../../src/scoring/scoring.service.js';
import { openTestDatabase, TEST_DRIVERS, type TestDatabase } from '../database/test-database.js';

describe('scoring retry policy', () => {
  const policy: RetryPolicy = { quarantineAfter: 3, firstDelayMs: 100, maxDelayMs: 1_000 };

  it('doubles the wait after each failure, up to the longest delay', () => {
    expect([1, 2, 3, 4, 5, 6].map((attempts) => retryDelayMs(attempts, policy))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
  });

  it('quarantines after the configured failures, or at once for an unreadable row', () => {
    expect([1, 2, 3, 4].map((attempts) => shouldQuarantine(attempts, false, policy))).toEqual([
      false,
      false,
      true,
      true,
    ]);
    expect(shouldQuarantine(1, true, policy)).toBe(true);
  });

  it('keeps retrying a quarantined account at most every few minutes', () => {
    expect(retryDelayMs(100, SCORING_RETRY_POLICY)).toBe(SCORING_RETRY_POLICY.maxDelayMs);
    expect(SCORING_RETRY_POLICY.maxDelayMs).toBeLessThanOrEqual(10 * 60_000);
  });
});

/** The service on a real database: failing accounts retried alone, quarantined, released on success. */
describe.each(TEST_DRIVERS)('quarantine on %s', (driver) => {
  let testDb: TestDatabase;
  let repository: QuarantineRepository;
  let service: QuarantineService;
  let registry: MetricsRegistry;
  /** Accounts the service asked to retry, in order, and whether the retry should now succeed. */
  let retried: string[][];
  let healthy: Set<string>;
  const policy: RetryPolicy = { quarantineAfter: 3, firstDelayMs: 30, maxDelayMs: 120 };

  const crash = (accountId: string): ScoringFailure => ({
    accountId,
    unreadable: null,
    reason: 'engine crashed',
  });

  beforeAll(async () => {
    testDb = await openTestDatabase(driver);
    const db = testDb.database.db;
    await sql`insert into team_members (id, name, email, role, region) values ('tm-1', 'Ada', 'a@x.io', 'csm', 'emea')`.execute(
      db,
    );
    for (const id of ['acc-1', 'acc-2', 'acc-3']) {
      await sql`insert into accounts (id, name, segment, region, success_tier, plan_tier, lifecycle_stage,
        licensed_seats, contract_start) values (${id}, ${id}, 'smb', 'emea', 'advanced', 'premium', 'adopting',
        10, '2024-03-01')`.execute(db);
    }
    repository = new QuarantineRepository(db);
  }, 60_000);
  afterAll(async () => {
    service?.onModuleDestroy();
    await testDb?.dispose();
  });

  /** A fresh service (as after a restart) whose retries score the accounts in `healthy` successfully. */
  function startService(retryPolicy: RetryPolicy): void {
    service?.onModuleDestroy();
    registry = new MetricsRegistry();
    service = new QuarantineService(repository, retryPolicy, registry);
    // What the pipeline does on a retry: score the account alone and settle the result.
    service.retryWith(async (accountIds) => {
      retried.push(accountIds);
      const ok = accountIds.filter((id) => healthy.has(id));
      const failures = accountIds.filter((id) => !healthy.has(id)).map(crash);
      await service.settle({ accountIds: ok, failures });
    });
  }

  beforeEach(async () => {
    await sql`delete from account_quarantine`.execute(testDb.database.db);
    retried = [];
    healthy = new Set();
    startService(policy);
  });

  const quarantinedGauge = async () =>
    Number(/^pulse_quarantined_accounts (\d+)$/m.exec(await registry.metrics())?.[1]);

  it('retries a failing account alone and quarantines it after the set attempts', async () => {
    await service.settle({ accountIds: ['acc-2', 'acc-3'], failures: [crash('acc-1')] });
    expect(await repository.list()).toEqual([]);

    await expect.poll(() => repository.find('acc-1'), { timeout: 2_000 }).not.toBeNull();
    expect(retried.length).toBeGreaterThanOrEqual(2);
    expect(new Set(retried.flat())).toEqual(new Set(['acc-1']));
    const quarantined = await repository.find('acc-1');
    expect(quarantined).toMatchObject({ accountId: 'acc-1', table: null, reason: 'engine crashed' });
    expect(quarantined?.attempts).toBeGreaterThanOrEqual(policy.quarantineAfter);
    expect(await quarantinedGauge()).toBe(1);

    // Still retried while quarantined; the first success lifts it and stops the retries.
    healthy.add('acc-1');
    await expect.poll(() => repository.find('acc-1'), { timeout: 2_000 }).toBeNull();
    expect(await quarantinedGauge()).toBe(0);
    const retriesSoFar = retried.length;
    await new Promise((resolve) => setTimeout(resolve, policy.maxDelayMs * 2));
    expect(retried.length).toBe(retriesSoFar);
  });

  it('quarantines an account with an unreadable row at once, and a later successful scoring releases it', async () => {
    startService({ ...policy, firstDelayMs: 60_000, maxDelayMs: 60_000 });
    await service.settle({
      accountIds: ['acc-2'],
      failures: [
        {
          accountId: 'acc-1',
          unreadable: {
            accountId: 'acc-1',
            table: 'health_overrides',
            rowId: '7',
            column: 'expires_at',
            value: 'infinity',
            reason: 'is not a finite instant',
          },
          reason: "health_overrides.expires_at of row 7 is not a finite instant ('infinity')",
        },
      ],
    });
    const since = (await repository.find('acc-1'))?.since;
    expect(await repository.find('acc-1')).toMatchObject({
      table: 'health_overrides',
      rowId: '7',
      column: 'expires_at',
      value: 'infinity',
      attempts: 1,
    });

    // Failing again keeps the first moment it was frozen.
    await service.settle({ accountIds: [], failures: [crash('acc-1')] });
    expect(await repository.find('acc-1')).toMatchObject({ since, attempts: 2, reason: 'engine crashed' });

    await service.settle({ accountIds: ['acc-1'], failures: [] });
    expect(await repository.find('acc-1')).toBeNull();
  });

  it('remembers quarantined accounts across a restart (a new service on the same table)', async () => {
    startService({ ...policy, firstDelayMs: 60_000, maxDelayMs: 60_000 });
    await service.settle({ accountIds: [], failures: [crash('acc-3'), crash('acc-3'), crash('acc-3')] });
    expect(await repository.count()).toBe(1);
    startService(policy);
    expect(await quarantinedGauge()).toBe(1);
    await service.settle({ accountIds: ['acc-3'], failures: [] });
    expect(await repository.count()).toBe(0);
  });
});
