import { USE_CASES } from '../facts.js';
import {
  arrAt,
  bookArrColor,
  bookArrTarget,
  growthNetArr,
  netArr,
  renewalRate,
  renewalRateOf,
} from '../revenue.js';
import {
  arrCard,
  type CardDefinition,
  historyAt,
  historyShareCard,
  noBands,
  primaryAdoptionCard,
  retentionCard,
  shareCard,
  sharePart,
  timeToValueCard,
  withinPeriod,
} from './card-definition.js';
import { noPart } from './fold.js';

const MICROPOINTS = 1_000_000;

/** The CSM view's cards (KPIS.md §7.2); the CSA view shows them too. */
export const CSM_CARDS: CardDefinition[] = [
  {
    key: 'average_health',
    label: 'Average health score',
    unit: 'points',
    bands: (c) => c.scoreBands,
    nowOnly: false,
    over: 'accounts',
    // sums [scored accounts, total score in millionths of a point]: whole numbers add up exactly
    // in any order, so the average is kept by retract-and-add and equals the full build.
    sums: 2,
    lists: 1,
    part: (s, ctx) => {
      if (s.churned) return noPart({ sums: 2, lists: 1 });
      const h = historyAt(s, ctx.at);
      if (h === undefined) return null;
      // will_churn accounts stay out of health averages (KPIS.md §1.3)
      if (h.excludedFromHealthAverages || h.score === null) return noPart({ sums: 2, lists: 1 });
      return { sums: [1, Math.round(h.score * MICROPOINTS)], listed: [true] };
    },
    finish: ([scored, total], [ids]) => ({
      value: scored! > 0 ? Math.round((total! / scored! / MICROPOINTS) * 100) / 100 : null,
      accountIds: ids!,
    }),
  },
  shareCard(
    {
      key: 'green_success_plans',
      label: 'Green success plans',
      unit: 'ratio',
      bands: (c) => c.ownBands.greenSuccessPlans,
      nowOnly: true,
    },
    (s) => sharePart(s.plan.applicable, s.plan.color === 'green'),
  ),
  historyShareCard(
    { key: 'ebr_coverage', label: 'EBR coverage', unit: 'ratio', bands: (c) => c.ebr.coverage },
    (s) => s.ebrApplicable,
    (h) => h.ebrCovered,
  ),
  {
    key: 'ebrs_delivered',
    label: 'EBRs delivered',
    unit: 'count',
    bands: noBands,
    nowOnly: false,
    over: 'accounts',
    sums: 1,
    lists: 1,
    part: (s, ctx) => {
      const held = s.ebrDates.filter((d) => withinPeriod(d, ctx)).length;
      return { sums: [held], listed: [held > 0] };
    },
    finish: ([count], [ids]) => ({ value: count!, accountIds: ids! }),
  },
  historyShareCard(
    {
      key: 'cadence_coverage',
      label: 'Cadence coverage',
      unit: 'ratio',
      bands: (c) => c.ownBands.cadenceCoverage,
    },
    (s) => s.cadenceApplicable,
    (h) => h.cadenceColor === 'green',
  ),
  timeToValueCard(
    { key: 'time_to_engage', label: 'Time to engage', unit: 'days', bands: noBands },
    (s) => s.timeToEngage,
    (c) => c.timeToEngage,
  ),
  timeToValueCard(
    { key: 'time_to_first_value', label: 'Time to first value', unit: 'days', bands: noBands },
    (s) => s.timeToFirstValue,
    (c) => c.timeToFirstValue,
  ),
  timeToValueCard(
    { key: 'time_to_onboard', label: 'Time to onboard', unit: 'days', bands: noBands },
    (s) => s.timeToOnboard,
    (c) => c.timeToOnboard,
  ),
  primaryAdoptionCard(
    {
      key: 'primary_use_case_adoption',
      label: 'Primary use-case adoption',
      unit: 'ratio',
      bands: (c) => c.primaryUseCaseAdoption,
    },
    () => true,
  ),
  shareCard(
    {
      key: 'use_case_expansion',
      label: 'Use-case expansion',
      unit: 'ratio',
      bands: (c) => c.useCaseExpansion,
      nowOnly: true,
    },
    (s) =>
      sharePart(
        true,
        USE_CASES.some(
          (uc) => s.useCaseColors[uc] === 'green' && s.useCaseColorsAtQuarterStart[uc] !== 'green',
        ),
      ),
  ),
  {
    key: 'platform_adoption',
    label: 'Platform adoption (ARR share at 3+ use cases)',
    unit: 'ratio',
    bands: (c) => c.platformAdoption,
    nowOnly: false,
    over: 'accounts',
    // sums: ARR of the accounts with 0, 1, 2 and 3+ green use cases
    sums: 4,
    lists: 1,
    part: (s, ctx) => {
      if (s.churned) return noPart({ sums: 4, lists: 1 });
      const h = historyAt(s, ctx.at);
      if (h === undefined) return null;
      const green = USE_CASES.filter((uc) => h.useCaseColors[uc] === 'green').length;
      const bucket = Math.min(green, ctx.config.platformAdoptionUseCases);
      const sums = [0, 0, 0, 0];
      sums[bucket] = arrAt(s.arrMovements, ctx.at);
      return { sums, listed: [bucket === ctx.config.platformAdoptionUseCases] };
    },
    finish: (arrByCount, [ids]) => {
      const total = arrByCount.reduce((a, b) => a + b, 0);
      const shareOf = (n: number) => (total > 0 ? n / total : null);
      return {
        value: shareOf(arrByCount[3]!),
        accountIds: ids!,
        detail: {
          arrShare0: shareOf(arrByCount[0]!),
          arrShare1: shareOf(arrByCount[1]!),
          arrShare2: shareOf(arrByCount[2]!),
          arrShare3Plus: shareOf(arrByCount[3]!),
        },
      };
    },
  },
  retentionCard(
    { key: 'grr', label: 'Gross retention (12 months)', unit: 'ratio', bands: (c) => c.grr },
    'grr',
  ),
  retentionCard(
    { key: 'nrr', label: 'Net retention (12 months)', unit: 'ratio', bands: (c) => c.nrr },
    'nrr',
  ),
  arrCard({ key: 'net_arr', label: 'Net ARR (quarter to date)', unit: 'cents', bands: noBands }, netArr),
  arrCard(
    { key: 'growth_net_arr', label: 'Growth net ARR (quarter to date)', unit: 'cents', bands: noBands },
    growthNetArr,
  ),
  {
    key: 'renewal_rate',
    label: 'Renewal rate (closed in 12 months)',
    unit: 'ratio',
    bands: (c) => c.renewalRate,
    nowOnly: false,
    over: 'accounts',
    // sums [ATR, won] of the renewals closed in the 12 months to the date
    sums: 2,
    lists: 1,
    part: (s, ctx) => {
      const from = ctx.yearAgo;
      const closed = Object.values(s.renewals).filter(
        (r) => r.status !== 'open' && r.closedOn !== null && r.closedOn > from && r.closedOn <= ctx.at,
      );
      const rate = renewalRate(closed);
      return { sums: [rate.atrCents, rate.wonCents], listed: [closed.length > 0] };
    },
    finish: ([atr, won], [ids]) => {
      const rate = renewalRateOf(atr!, won!);
      return {
        value: rate.rate,
        accountIds: ids!,
        detail: { atrCents: rate.atrCents, wonCents: rate.wonCents },
      };
    },
  },
  {
    key: 'stale_sentiment',
    label: 'Stale sentiment',
    unit: 'count',
    bands: noBands,
    nowOnly: false,
    over: 'accounts',
    sums: 1,
    lists: 1,
    part: (s, ctx) => {
      if (s.churned) return noPart({ sums: 1, lists: 1 });
      const h = historyAt(s, ctx.at);
      if (h === undefined) return null;
      return { sums: [h.sentimentStale ? 1 : 0], listed: [h.sentimentStale] };
    },
    finish: ([stale], [ids]) => ({ value: stale!, accountIds: ids! }),
  },
  {
    key: 'book_arr',
    label: 'Book ARR',
    unit: 'cents',
    bands: noBands,
    nowOnly: false,
    over: 'accounts',
    sums: 1,
    lists: 1,
    part: (s, ctx) =>
      s.churned ? noPart({ sums: 1, lists: 1 }) : { sums: [arrAt(s.arrMovements, ctx.at)], listed: [true] },
    finish: ([arr], [ids], ctx) => {
      const target = ctx.member ? bookArrTarget(ctx.member, ctx.config) : null;
      return { value: arr!, accountIds: ids!, target, color: bookArrColor(arr!, target, ctx.config) };
    },
  },
];
