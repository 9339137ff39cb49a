import { type AccountSummary, defaultConfig, scoreBatch } from '@pulse/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertRaiser } from '../../src/alerts/alert-raiser.service.js';
import { AlertRulesCache } from '../../src/alerts/alert-rules.cache.js';
import { AlertsRepository } from '../../src/alerts/alerts.repository.js';
import { systemClock } from '../../src/clock/clock.js';
import { seedDemo } from '../../src/demo/seed.js';
import { FactsRepository } from '../../src/facts/facts.repository.js';
import { ScoresRepository } from '../../src/scoring/scores.repository.js';
import { ScoringService } from '../../src/scoring/scoring.service.js';
import { ScoringPool } from '../../src/scoring/scoring-pool.js';
import { openTestDatabase, TEST_DRIVERS, type TestDatabase } from '../database/test-database.js';

const byId = (summaries: readonly AccountSummary[]) =>
  [...summaries].sort((a, b) => a.accountId.localeCompare(b.accountId));

/**
 * Scoring in the worker threads, chunk by chunk with several chunks in flight, gives what scoring
 * the same facts in one piece on this thread gives: same summaries, same recorded score moves.
 */
describe.each(TEST_DRIVERS)('scoring in the worker pool on %s', (driver) => {
  let testDb: TestDatabase;
  let pool: ScoringPool;
  let scoring: ScoringService;
  let facts: FactsRepository;
  let scores: ScoresRepository;

  beforeAll(async () => {
    testDb = await openTestDatabase(driver);
    // More accounts than one chunk holds, so several chunks are scored at once.
    await seedDemo(testDb.database.db, { accounts: 250, seed: 11 });
    facts = new FactsRepository(testDb.database.db);
    scores = new ScoresRepository(testDb.database.db);
    pool = new ScoringPool();
    const alerts = new AlertsRepository(testDb.database.db);
    const raiser = new AlertRaiser(new AlertRulesCache(alerts, facts), alerts);
    scoring = new ScoringService(facts, scores, pool, defaultConfig, raiser, systemClock);
  }, 120_000);
  afterAll(async () => {
    await pool?.onModuleDestroy();
    await testDb?.dispose();
  });

  it('stores the summaries and score moves that scoring in one piece computes', async () => {
    const ids = await facts.listAccountIds();
    const first = new Date('2026-03-01T12:00:00Z');
    const full = await scoring.scoreAll(first);
    expect(full.failures).toEqual([]);
    expect(full.accountIds.sort()).toEqual([...ids].sort());

    const loaded = await facts.loadAccountFacts(ids);
    const inOnePiece = scoreBatch({
      facts: loaded.facts,
      previous: new Map(),
      asOf: first.toISOString(),
      config: defaultConfig,
    });
    expect(byId(full.summaries)).toEqual(byId(inOnePiece.scored.map((entry) => entry.summary)));
    expect(byId(await scores.loadSummaries())).toEqual(byId(full.summaries));

    // Three months on, scores move: the moves recorded are those against the stored scorecards.
    const later = new Date('2026-06-01T12:00:00Z');
    const previous = await scores.loadScorecards(ids);
    const rescored = await scoring.scoreAccounts(ids, later);
    const expected = scoreBatch({
      facts: loaded.facts,
      previous,
      asOf: later.toISOString(),
      config: defaultConfig,
    });
    expect(expected.changes.length).toBeGreaterThan(0);
    const key = (change: { accountId: string }) => change.accountId;
    expect([...rescored.changes].sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
      [...expected.changes].sort((a, b) => key(a).localeCompare(key(b))),
    );
  }, 120_000);
});
