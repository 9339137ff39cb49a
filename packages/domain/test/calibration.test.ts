import { describe, expect, it } from 'vitest';
import {
  type AccountFacts,
  type CalibrationOutcome,
  calibrationOutcome,
  calibrationQuarters,
  calibrationReport,
  calibrationSample,
  defaultConfig as config,
} from '../src/index.js';
import { account, entry, facts, movement, usage } from './fixtures.js';

const QUARTER = { label: 'FY26-Q2', start: '2025-05-01' };
const TODAY = '2026-06-15';

describe('calibration outcome over the 12 months after the quarter start', () => {
  const landed = movement('new', 100_00, '2024-01-01');
  it.each<[string, ReturnType<typeof movement>[], string, CalibrationOutcome, string | null]>([
    ['no movement', [landed], TODAY, 'renewed', null],
    ['expanded', [landed, movement('expansion', 10_00, '2026-01-01')], TODAY, 'renewed', null],
    ['contracted by a cent', [landed, movement('contraction', 1, '2026-05-01')], TODAY, 'contracted', null],
    [
      'contracted the day after the window',
      [landed, movement('contraction', 1, '2026-05-02')],
      TODAY,
      'renewed',
      null,
    ],
    [
      'churned on the last day',
      [landed, movement('churn', 100_00, '2026-05-01')],
      TODAY,
      'churned',
      '2026-05-01',
    ],
    [
      'churned and came back',
      [landed, movement('churn', 100_00, '2025-09-01'), movement('new', 50_00, '2025-12-01')],
      TODAY,
      'churned',
      '2025-09-01',
    ],
    ['window still open', [landed], '2026-04-30', 'pending', null],
    [
      'window open but churned already',
      [landed, movement('churn', 100_00, '2025-09-01')],
      '2026-01-01',
      'churned',
      '2025-09-01',
    ],
  ])('%s → %s', (_, arrMovements, today, outcome, churnedOn) => {
    expect(calibrationOutcome({ arrMovements }, QUARTER.start, today)).toEqual({ outcome, churnedOn });
  });

  it('samples the past fiscal quarters before the current one', () => {
    expect(calibrationQuarters(TODAY, 4, config).map((q) => `${q.label} ${q.start}`)).toEqual([
      'FY26-Q2 2025-05-01',
      'FY26-Q3 2025-08-01',
      'FY26-Q4 2025-11-01',
      'FY27-Q1 2026-02-01',
    ]);
  });
});

/**
 * A crafted organisation whose outcomes are known: 10 accounts red at the quarter start (red
 * sentiment), 7 of which churned on 2025-07-15; 10 healthy ones, 1 of which churned.
 */
function organisation(): AccountFacts[] {
  const accounts: AccountFacts[] = [];
  for (let i = 0; i < 20; i++) {
    const id = `acc-${String(i).padStart(2, '0')}`;
    const red = i < 10;
    const churns = red ? i < 7 : i === 10;
    accounts.push(
      facts({
        // landed a month before the quarter: red in its first month-end only by sentiment
        account: account({ id, contractStart: '2025-04-01' }),
        arrMovements: [
          movement('new', (i + 1) * 1_000_00, '2025-04-01', id),
          ...(churns ? [movement('churn', (i + 1) * 1_000_00, '2025-07-15', id)] : []),
        ],
        usageSnapshots: [usage({ accountId: id, measuredOn: '2025-04-20' })],
        timeline: [
          entry({
            accountId: id,
            occurredAt: '2025-04-20T10:00:00.000Z',
            sentiment: red ? 'red' : 'green',
            personas: ['dev_lead', 'security_lead'],
          }),
        ],
        supportTickets: [],
        successPlan: null,
      }),
    );
  }
  return accounts;
}

describe('calibration report on a crafted organisation', () => {
  // Facts that never changed: as they stand today is as they stood at every month-end.
  const samples = organisation().map((f) => calibrationSample(f, f, QUARTER, TODAY, config, () => f)!);
  const report = calibrationReport(samples);

  it('scores each account at the quarter start over its facts then', () => {
    expect(samples.filter((s) => s.color === 'red')).toHaveLength(10);
    expect(
      samples.filter((s) => s.color === 'red' || s.color === 'yellow' || s.color === 'grey'),
    ).toHaveLength(samples.filter((s) => s.color !== 'green').length);
    expect(samples.slice(10).every((s) => s.color !== 'red')).toBe(true);
  });

  it('says 70 % of the red accounts churned, and counts colour against outcome', () => {
    expect(report.redChurnRate).toBe(0.7);
    expect(report.byColor.red.churned.accounts).toBe(7);
    expect(report.byColor.red.renewed.accounts).toBe(3);
    expect(report.quarters).toEqual(['FY26-Q2']);
    const redChurnedCells = report.cells.filter((c) => c.color === 'red' && c.outcome === 'churned');
    expect(redChurnedCells.reduce((n, c) => n + c.accounts, 0)).toBe(7);
  });

  it('shares churned ARR that was flagged beforehand, and the days of warning the first red gave', () => {
    // red churns: accounts 0..6, ARR 1..7 thousand; the other churn: account 10, 11 thousand
    const healthyChurn = samples[10]!;
    const flagged = healthyChurn.color === 'yellow' ? 39 : 28;
    expect(report.churnedArrFlaggedShare).toBeCloseTo(flagged / 39, 12);
    // red at every month-end from 2025-04-30 (sentiment of 2025-04-20, stale but kept) to the churn
    expect(report.medianWarningDays).toBe(76);
    expect(report.churnsWarned).toEqual({ warned: 7, churned: 8 });
  });

  it('names owner sentiment as the measure that best predicted churn', () => {
    const [best] = report.measures;
    expect(best).toMatchObject({ key: 'owner_sentiment', redAmongChurned: 7 / 8, redAmongKept: 3 / 12 });
    expect(best!.lift).toBeCloseTo(3.5, 12);
  });

  it('leaves out accounts that were not paying customers at the quarter start', () => {
    const later = facts({ arrMovements: [movement('new', 100_00, '2025-06-01')] });
    expect(calibrationSample(later, later, QUARTER, TODAY, config, () => later)).toBeNull();
  });

  it('reads the days of warning over the facts as they stood at each month-end, not as known later', () => {
    // acc-00's red sentiment of 2025-04-20 was logged only in June: until then its owner said green.
    const known = organisation()[0]!;
    const before = { ...known, timeline: known.timeline.map((e) => ({ ...e, sentiment: 'green' as const })) };
    const factsAt = (date: string) => (date >= '2025-06-01' ? known : before);
    const sample = calibrationSample(before, known, QUARTER, TODAY, config, factsAt)!;
    expect(sample.churnedOn).toBe('2025-07-15');
    // red at the month-end of 2025-06-30 only; today's facts would claim 76 days from 2025-04-30
    expect(sample.warningDays).toBe(15);
    expect(calibrationSample(before, known, QUARTER, TODAY, config, () => known)!.warningDays).toBe(76);
    // Marked will-churn (grey) at the last month-end: the red month-ends before it still warned.
    const willChurn = { ...known, account: { ...known.account, lifecycleStage: 'will_churn' as const } };
    const marked = (date: string) => (date >= '2025-06-01' ? willChurn : known);
    expect(calibrationSample(known, known, QUARTER, TODAY, config, marked)!.warningDays).toBe(76);
    // An account that did not exist at a month-end was not red then.
    expect(calibrationSample(before, known, QUARTER, TODAY, config, () => undefined)!.warningDays).toBeNull();
  });
});
