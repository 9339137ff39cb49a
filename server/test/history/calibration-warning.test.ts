import { defaultConfig } from '@pulse/domain';
import { type Kysely, sql, type Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CalibrationService } from '../../src/calibration/calibration.service.js';
import { systemClock } from '../../src/clock/clock.js';
import type { Database } from '../../src/database/database.types.js';
import { AsOfFactsRepository } from '../../src/facts/as-of-facts.repository.js';
import { FactsRepository } from '../../src/facts/facts.repository.js';
import { openTestDatabase, TEST_DRIVERS, type TestDatabase } from '../database/test-database.js';

/**
 * Calibration's days of warning over the facts as they stood at each month-end (issue 14): one
 * account, green until its CSM logs red on 2025-05-10, churns on 2025-07-15; after the churn a red
 * note is backdated to 2025-02-10. As the facts stood, the first red month-end of the run before
 * the churn is 2025-05-31: 45 days of warning. Over today's facts it would be 2025-02-28: 137 days.
 */
describe.each(TEST_DRIVERS)('days of warning as the facts stood, on %s', (driver) => {
  let testDb: TestDatabase;
  let db: Kysely<Database>;

  /** A write as a source system dates it: recorded in the history at `at`. */
  const dated = (at: string, write: (trx: Transaction<Database>) => Promise<unknown>) =>
    db.transaction().execute(async (trx) => {
      await sql`select set_config('pulse.valid_at', ${at}, true)`.execute(trx);
      await write(trx);
    });
  const note = (occurredAt: string, sentiment: 'green' | 'red') => (trx: Transaction<Database>) =>
    trx
      .insertInto('timeline_entries')
      .values({
        account_id: 'acc-1',
        author_id: 'tm-csm',
        kind: 'note',
        occurred_at: new Date(occurredAt),
        sentiment,
        summary: `${sentiment} note`,
      })
      .execute();

  beforeAll(async () => {
    testDb = await openTestDatabase(driver);
    db = testDb.database.db;
    await dated('2025-01-01T09:00:00Z', async (trx) => {
      await trx
        .insertInto('team_members')
        .values({ id: 'tm-csm', name: 'Cara Smith', email: 'cara@pulse.test', role: 'csm', region: 'emea' })
        .execute();
      await trx
        .insertInto('accounts')
        .values({
          id: 'acc-1',
          name: 'Leaving Ltd',
          segment: 'enterprise',
          region: 'emea',
          success_tier: 'essentials',
          plan_tier: 'ultimate',
          lifecycle_stage: 'adopting',
          csm_id: 'tm-csm',
          licensed_seats: 100,
          contract_start: '2025-01-01',
        })
        .execute();
      await trx
        .insertInto('arr_movements')
        .values({ account_id: 'acc-1', kind: 'new', amount_cents: 100_000_00, effective_date: '2025-01-01' })
        .execute();
    });
    await dated('2025-01-20T10:00:00Z', note('2025-01-20T10:00:00Z', 'green'));
    await dated('2025-05-10T10:00:00Z', note('2025-05-10T10:00:00Z', 'red'));
    await dated('2025-07-15T10:00:00Z', (trx) =>
      trx
        .insertInto('arr_movements')
        .values({
          account_id: 'acc-1',
          kind: 'churn',
          amount_cents: 100_000_00,
          effective_date: '2025-07-15',
        })
        .execute(),
    );
    await dated('2025-08-01T10:00:00Z', note('2025-02-10T10:00:00Z', 'red'));
  }, 120_000);

  afterAll(async () => {
    await testDb?.dispose();
  });

  it('counts from the first red month-end the history shows, not the one a later backdated note claims', async () => {
    const calibration = new CalibrationService(
      new FactsRepository(db),
      new AsOfFactsRepository(db),
      defaultConfig,
      systemClock,
    );
    // The quarters starting 2025-02-01 and 2025-05-01: the churn follows both.
    const report = await calibration.report(2, '2025-09-15');
    expect(report.quarters).toEqual(['FY26-Q1', 'FY26-Q2']);
    expect(report.churnsWarned).toEqual({ warned: 2, churned: 2 });
    expect(report.medianWarningDays).toBe(45);
  });
});
