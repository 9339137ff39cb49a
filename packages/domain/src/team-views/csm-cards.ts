import { addMonths } from '../dates.js';
import { USE_CASES } from '../facts.js';
import { arrAt, bookArrColor, bookArrTarget, growthNetArr, netArr, renewalRate } from '../revenue.js';
import type { AccountSummary, RenewalSummary } from '../views.js';
import {
  arrCard,
  type CardDefinition,
  historyAt,
  historyShare,
  live,
  noBands,
  primaryAdoption,
  retentionCard,
  share,
  timeToValueCard,
  withinPeriod,
} from './card-definition.js';

/** The CSM view's cards (KPIS.md §7.2); the CSA view shows them too. */
export const CSM_CARDS: CardDefinition[] = [
  {
    key: 'average_health',
    label: 'Average health score',
    unit: 'points',
    bands: (c) => c.scoreBands,
    compute: (ctx) => {
      const scored: AccountSummary[] = [];
      let total = 0;
      for (const s of live(ctx.accounts)) {
        const h = historyAt(s, ctx.at);
        if (h === undefined) return null;
        // will_churn accounts stay out of health averages (KPIS.md §1.3)
        if (h.excludedFromHealthAverages || h.score === null) continue;
        scored.push(s);
        total += h.score;
      }
      return {
        value: scored.length > 0 ? Math.round((total / scored.length) * 100) / 100 : null,
        accountIds: scored.map((s) => s.accountId),
      };
    },
  },
  {
    key: 'green_success_plans',
    label: 'Green success plans',
    unit: 'ratio',
    bands: (c) => c.greenSuccessPlans,
    compute: (ctx) => {
      if (!ctx.isNow) return null;
      const applicable = live(ctx.accounts).filter((s) => s.plan.applicable);
      return share(
        applicable.filter((s) => s.plan.color === 'green'),
        applicable,
      );
    },
  },
  {
    key: 'ebr_coverage',
    label: 'EBR coverage',
    unit: 'ratio',
    bands: (c) => c.ebr.coverage,
    compute: (ctx) =>
      historyShare(
        ctx,
        (s) => s.ebrApplicable,
        (h) => h.ebrCovered,
      ),
  },
  {
    key: 'ebrs_delivered',
    label: 'EBRs delivered',
    unit: 'count',
    bands: noBands,
    compute: (ctx) => {
      const held = ctx.accounts.filter((s) => s.ebrDates.some((d) => withinPeriod(d, ctx)));
      const count = ctx.accounts.reduce(
        (n, s) => n + s.ebrDates.filter((d) => withinPeriod(d, ctx)).length,
        0,
      );
      return { value: count, accountIds: held.map((s) => s.accountId) };
    },
  },
  {
    key: 'cadence_coverage',
    label: 'Cadence coverage',
    unit: 'ratio',
    bands: (c) => c.cadenceCoverage,
    compute: (ctx) =>
      historyShare(
        ctx,
        (s) => s.cadenceApplicable,
        (h) => h.cadenceColor === 'green',
      ),
  },
  {
    key: 'time_to_engage',
    label: 'Time to engage',
    unit: 'days',
    bands: noBands,
    compute: (ctx) =>
      timeToValueCard(
        ctx,
        (s) => s.timeToEngage,
        (c) => c.timeToEngage,
      ),
  },
  {
    key: 'time_to_first_value',
    label: 'Time to first value',
    unit: 'days',
    bands: noBands,
    compute: (ctx) =>
      timeToValueCard(
        ctx,
        (s) => s.timeToFirstValue,
        (c) => c.timeToFirstValue,
      ),
  },
  {
    key: 'time_to_onboard',
    label: 'Time to onboard',
    unit: 'days',
    bands: noBands,
    compute: (ctx) =>
      timeToValueCard(
        ctx,
        (s) => s.timeToOnboard,
        (c) => c.timeToOnboard,
      ),
  },
  {
    key: 'primary_use_case_adoption',
    label: 'Primary use-case adoption',
    unit: 'ratio',
    bands: (c) => c.primaryUseCaseAdoption,
    compute: (ctx) => primaryAdoption(ctx, live(ctx.accounts)),
  },
  {
    key: 'use_case_expansion',
    label: 'Use-case expansion',
    unit: 'ratio',
    bands: (c) => c.useCaseExpansion,
    compute: (ctx) => {
      if (!ctx.isNow) return null;
      const accounts = live(ctx.accounts);
      return share(
        accounts.filter((s) =>
          USE_CASES.some(
            (uc) => s.useCaseColors[uc] === 'green' && s.useCaseColorsAtQuarterStart[uc] !== 'green',
          ),
        ),
        accounts,
      );
    },
  },
  {
    key: 'platform_adoption',
    label: 'Platform adoption (ARR share at 3+ use cases)',
    unit: 'ratio',
    bands: (c) => c.platformAdoption,
    compute: (ctx) => {
      const arrByCount = [0, 0, 0, 0];
      const platform: string[] = [];
      for (const s of live(ctx.accounts)) {
        const h = historyAt(s, ctx.at);
        if (h === undefined) return null;
        const green = USE_CASES.filter((uc) => h.useCaseColors[uc] === 'green').length;
        const bucket = Math.min(green, ctx.config.platformAdoptionUseCases);
        arrByCount[bucket]! += arrAt(s.arrMovements, ctx.at);
        if (bucket === ctx.config.platformAdoptionUseCases) platform.push(s.accountId);
      }
      const total = arrByCount.reduce((a, b) => a + b, 0);
      const shareOf = (n: number) => (total > 0 ? n / total : null);
      return {
        value: shareOf(arrByCount[3]!),
        accountIds: platform,
        detail: {
          arrShare0: shareOf(arrByCount[0]!),
          arrShare1: shareOf(arrByCount[1]!),
          arrShare2: shareOf(arrByCount[2]!),
          arrShare3Plus: shareOf(arrByCount[3]!),
        },
      };
    },
  },
  {
    key: 'grr',
    label: 'Gross retention (12 months)',
    unit: 'ratio',
    bands: (c) => c.grr,
    compute: (ctx) => retentionCard(ctx, 'grr'),
  },
  {
    key: 'nrr',
    label: 'Net retention (12 months)',
    unit: 'ratio',
    bands: (c) => c.nrr,
    compute: (ctx) => retentionCard(ctx, 'nrr'),
  },
  {
    key: 'net_arr',
    label: 'Net ARR (quarter to date)',
    unit: 'cents',
    bands: noBands,
    compute: (ctx) => arrCard(ctx, netArr),
  },
  {
    key: 'growth_net_arr',
    label: 'Growth net ARR (quarter to date)',
    unit: 'cents',
    bands: noBands,
    compute: (ctx) => arrCard(ctx, growthNetArr),
  },
  {
    key: 'renewal_rate',
    label: 'Renewal rate (closed in 12 months)',
    unit: 'ratio',
    bands: (c) => c.renewalRate,
    compute: (ctx) => {
      // Plain loops: this card runs for every owner and trend date of every live team view.
      const from = addMonths(ctx.at, -12);
      const closed: RenewalSummary[] = [];
      const accountIds = new Set<string>();
      for (const s of ctx.accounts) {
        for (const r of Object.values(s.renewals)) {
          if (r.status !== 'open' && r.closedOn !== null && r.closedOn > from && r.closedOn <= ctx.at) {
            closed.push(r);
            accountIds.add(s.accountId);
          }
        }
      }
      const rate = renewalRate(closed);
      return {
        value: rate.rate,
        accountIds: [...accountIds],
        detail: { atrCents: rate.atrCents, wonCents: rate.wonCents },
      };
    },
  },
  {
    key: 'stale_sentiment',
    label: 'Stale sentiment',
    unit: 'count',
    bands: noBands,
    compute: (ctx) => {
      const stale: AccountSummary[] = [];
      for (const s of live(ctx.accounts)) {
        const h = historyAt(s, ctx.at);
        if (h === undefined) return null;
        if (h.sentimentStale) stale.push(s);
      }
      return { value: stale.length, accountIds: stale.map((s) => s.accountId) };
    },
  },
  {
    key: 'book_arr',
    label: 'Book ARR',
    unit: 'cents',
    bands: noBands,
    compute: (ctx) => {
      const accounts = live(ctx.accounts);
      const arr = accounts.reduce((sum, s) => sum + arrAt(s.arrMovements, ctx.at), 0);
      const target = ctx.member ? bookArrTarget(ctx.member, ctx.config) : null;
      return {
        value: arr,
        accountIds: accounts.map((s) => s.accountId),
        target,
        color: bookArrColor(arr, target, ctx.config),
      };
    },
  },
];
