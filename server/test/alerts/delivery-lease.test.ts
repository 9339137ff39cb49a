import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertsRepository } from '../../src/alerts/alerts.repository.js';
import { seedDemo } from '../../src/demo/seed.js';
import { openTestDatabase, TEST_DRIVERS, type TestDatabase } from '../database/test-database.js';

/**
 * A process that dies mid-send leaves its lease: nobody else sends the delivery while the lease
 * runs, and after it the delivery is due again with the same idempotency key (the receiver drops
 * a copy it has already taken).
 */
describe.each(TEST_DRIVERS)('a delivery leased by a process that died, on %s', (driver) => {
  let testDb: TestDatabase;
  let alerts: AlertsRepository;

  beforeAll(async () => {
    testDb = await openTestDatabase(driver);
    const db = testDb.database.db;
    await seedDemo(db, { accounts: 3, seed: 5 });
    alerts = new AlertsRepository(db);
    const rule = await alerts.insertRule({
      name: 'Red',
      trigger: 'turned_red',
      threshold: null,
      scope: {},
      quietHours: null,
      channels: [{ kind: 'slack', url: 'http://127.0.0.1:9/hook' }],
      enabled: true,
      createdBy: null,
    });
    const account = await db.selectFrom('accounts').select('id').orderBy('id').executeTakeFirstOrThrow();
    await db
      .insertInto('alerts')
      .values({
        rule_id: rule.id,
        account_id: account.id,
        trigger: 'turned_red',
        reason: 'turned red',
        from_score: 60,
        to_score: 40,
        from_color: 'yellow',
        to_color: 'red',
        contributions: null,
        raised_at: new Date(),
      })
      .execute();
    const planned = await alerts.planNextIfAny(10, async () => (alert) => ({
      recipients: [],
      deliveries: [{ alertId: alert.id, channel: 'slack', target: 'http://127.0.0.1:9/hook', secret: null }],
    }));
    expect(planned).toBe(1);
  }, 120_000);

  afterAll(async () => {
    await testDb?.dispose();
  });

  it('is not handed to another process during the lease, and is due again with the same key after it', async () => {
    const [first, ...more] = await alerts.leaseDue(10, 300);
    expect(more).toEqual([]);
    expect(first!.attempts).toBe(1);
    // The process "dies" here: it never marks the delivery.
    expect(await alerts.leaseDue(10, 300)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const [again] = await alerts.leaseDue(10, 300);
    expect(again).toMatchObject({ id: first!.id, idempotencyKey: first!.idempotencyKey, attempts: 2 });
    await alerts.markDelivered(again!);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await alerts.leaseDue(10, 300)).toEqual([]);
  });
});
