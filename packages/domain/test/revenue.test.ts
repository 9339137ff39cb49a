import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  arrAt,
  arrBuckets,
  bookArrColor,
  bookArrTarget,
  type Color,
  defaultConfig as config,
  growthNetArr,
  netArr,
  netArrWaterfall,
  type RiskCategory,
  renewalForecastColor,
  renewalRate,
  retention,
} from '../src/index.js';
import { movement } from './fixtures.js';

describe('ARR ledger (KPIS.md §4)', () => {
  const ledger = [
    movement('new', 100_00, '2024-03-01'),
    movement('expansion', 50_00, '2025-01-10'),
    movement('contraction', 30_00, '2025-06-01'),
    movement('churn', 120_00, '2025-09-30'),
    movement('new', 80_00, '2026-02-01'),
  ];

  it('sums movements effective on or before the date, through churn to 0 and back', () => {
    expect(arrAt(ledger, '2024-02-29')).toBe(0);
    expect(arrAt(ledger, '2024-03-01')).toBe(100_00);
    expect(arrAt(ledger, '2025-06-01')).toBe(120_00);
    expect(arrAt(ledger, '2025-09-30')).toBe(0);
    expect(arrAt(ledger, '2026-01-31')).toBe(0);
    expect(arrAt(ledger, '2026-02-01')).toBe(80_00);
  });

  it('computes net and growth net ARR for a period', () => {
    const b = arrBuckets(ledger, '2025-01-01', '2025-12-31');
    expect(b).toEqual({ newCents: 0, expansionCents: 50_00, contractionCents: 30_00, churnCents: 120_00 });
    expect(netArr(b)).toBe(-100_00);
    expect(growthNetArr(b)).toBe(-100_00);
    // the ledger's customer landed in this period: none of its movements is growth
    expect(growthNetArr(arrBuckets(ledger, '2024-01-01', '2026-12-31'))).toBe(0);
    expect(netArr(arrBuckets(ledger, '2024-01-01', '2026-12-31'))).toBe(80_00);
  });

  it('builds a waterfall by fiscal quarter whose buckets reconcile start and end ARR', () => {
    const w = netArrWaterfall([ledger], '2026-02-15', 4, config);
    expect(w.order).toEqual(['FY26-Q2', 'FY26-Q3', 'FY26-Q4', 'FY27-Q1']);
    expect(w.quarters['FY26-Q3']).toMatchObject({
      startArrCents: 120_00,
      churnCents: 120_00,
      netCents: -120_00,
      endArrCents: 0,
    });
    expect(w.quarters['FY27-Q1']).toMatchObject({ newCents: 80_00, growthNetCents: 0, end: '2026-02-15' });
    for (const q of Object.values(w.quarters)) expect(q.startArrCents + q.netCents).toBe(q.endArrCents);
  });
});

describe('retention cohorts', () => {
  it('computes GRR and NRR over accounts with ARR at t0 only', () => {
    const r = retention([
      { arrStartCents: 100, arrEndCents: 150 },
      { arrStartCents: 100, arrEndCents: 0 },
      { arrStartCents: 0, arrEndCents: 500 },
    ]);
    expect([r.grr, r.nrr]).toEqual([0.5, 0.75]);
    expect(retention([]).grr).toBeNull();
  });

  const cohortArb = fc.array(
    fc.record({
      start: fc.integer({ min: 1, max: 10_000_000 }),
      expansion: fc.integer({ min: 0, max: 10_000_000 }),
      contractionShare: fc.double({ min: 0, max: 1, noNaN: true }),
      churn: fc.boolean(),
    }),
    { minLength: 1, maxLength: 20 },
  );

  it('NRR = 1 + (expansion − contraction − churn) / start on a cohort without new business', () => {
    fc.assert(
      fc.property(cohortArb, (cohort) => {
        let expansion = 0;
        let contraction = 0;
        let churn = 0;
        let start = 0;
        const members = cohort.map((c) => {
          const ledger = [
            movement('new', c.start, '2025-01-01'),
            movement('expansion', c.expansion || 1, '2025-08-01'),
          ];
          const afterExpansion = c.start + (c.expansion || 1);
          const cut = Math.floor(afterExpansion * c.contractionShare);
          if (cut > 0) ledger.push(movement('contraction', cut, '2025-09-01'));
          if (c.churn && afterExpansion - cut > 0)
            ledger.push(movement('churn', afterExpansion - cut, '2025-10-01'));
          const b = arrBuckets(ledger, '2025-06-02', '2026-06-01');
          expansion += b.expansionCents;
          contraction += b.contractionCents;
          churn += b.churnCents;
          start += arrAt(ledger, '2025-06-01');
          return { arrStartCents: arrAt(ledger, '2025-06-01'), arrEndCents: arrAt(ledger, '2026-06-01') };
        });
        const r = retention(members);
        expect(r.nrr).toBeCloseTo(1 + (expansion - contraction - churn) / start, 12);
        expect(r.grr!).toBeLessThanOrEqual(1);
        expect(r.grr!).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('GRR never exceeds 1 nor NRR', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            arrStartCents: fc.integer({ min: 0, max: 1e9 }),
            arrEndCents: fc.integer({ min: 0, max: 1e9 }),
          }),
        ),
        (members) => {
          const r = retention(members);
          if (r.grr === null) return;
          expect(r.grr).toBeLessThanOrEqual(1);
          expect(r.grr).toBeLessThanOrEqual(r.nrr! + 1e-12);
        },
      ),
    );
  });
});

describe('renewals', () => {
  it.each<[number, number, RiskCategory, Color]>([
    [100, 100, 'will_renew', 'green'],
    [100, 120, 'will_renew', 'green'],
    [100, 99, 'will_renew', 'red'],
    [100, 100, 'will_churn', 'red'],
    [100, 100, 'will_contract', 'red'],
    [100, 100, 'will_churn_actionable', 'yellow'],
    [100, 100, 'will_contract_actionable', 'yellow'],
    [100, 90, 'will_contract_actionable', 'red'],
  ])('ATR %i, forecast %i, %s → %s', (atrCents, forecastCents, riskCategory, color) => {
    expect(renewalForecastColor({ atrCents, forecastCents, riskCategory })).toBe(color);
  });

  it('renewal rate = Σ min(won, ATR) / Σ ATR of closed renewals', () => {
    const r = renewalRate([
      { status: 'won', atrCents: 100, wonCents: 130 },
      { status: 'won', atrCents: 100, wonCents: 70 },
      { status: 'lost', atrCents: 200, wonCents: null },
      { status: 'open', atrCents: 999, wonCents: null },
    ]);
    expect(r).toEqual({ rate: 170 / 400, atrCents: 400, wonCents: 170 });
    expect(renewalRate([]).rate).toBeNull();
  });
});

describe('book ARR', () => {
  it.each<[number, Color]>([
    [500_000_000, 'green'],
    [499_999_999, 'yellow'],
    [400_000_000, 'yellow'],
    [399_999_999, 'red'],
  ])('%i cents against the $5M CSM target → %s', (arr, color) => {
    const target = bookArrTarget({ role: 'csm', bookArrTargetCents: null }, config);
    expect(bookArrColor(arr, target, config)).toBe(color);
  });

  it('prefers the member’s own target and is grey without one', () => {
    expect(bookArrTarget({ role: 'csm', bookArrTargetCents: 100 }, config)).toBe(100);
    expect(bookArrTarget({ role: 'ae', bookArrTargetCents: null }, config)).toBeNull();
    expect(bookArrColor(1, null, config)).toBe('grey');
  });
});
