import { arrAt } from '../revenue.js';
import {
  type CardDefinition,
  creditedEngagements,
  deliverablesOnTimeCard,
  engagedIn,
  noBands,
  primaryAdoptionCard,
  withinPeriod,
} from './card-definition.js';
import { noPart } from './fold.js';

/** The CSE view's cards (KPIS.md §7.1). */
export const CSE_CARDS: CardDefinition[] = [
  {
    key: 'cse_green_plans_with_milestones',
    label: 'Green success plans with technical milestones & objectives',
    unit: 'ratio',
    bands: (c) => c.cseKpi.greenPlans,
    nowOnly: true,
    over: 'accounts',
    // sums [green with milestones, engaged, plans with a percent complete, their total percent]
    sums: 4,
    lists: 1,
    part: (s, ctx) => {
      if (s.churned || !engagedIn(s, ctx)) return noPart({ sums: 4, lists: 1 });
      const complete = s.plan.percentComplete;
      return {
        sums: [s.plan.greenWithTechnicalMilestones ? 1 : 0, 1, complete === null ? 0 : 1, complete ?? 0],
        listed: [true],
      };
    },
    finish: ([numerator, denominator, completeCount, completeTotal], [ids]) => ({
      value: denominator! > 0 ? numerator! / denominator! : null,
      accountIds: ids!,
      detail: {
        numerator: numerator!,
        denominator: denominator!,
        meanPercentComplete: completeCount! > 0 ? completeTotal! / completeCount! : null,
      },
    }),
  },
  deliverablesOnTimeCard({
    key: 'deliverables_on_time',
    label: 'Deliverables achieved within the timeline',
    unit: 'ratio',
    bands: (c) => c.cseKpi.deliverablesOnTime,
  }),
  {
    key: 'csat',
    label: 'Post-engagement CSAT',
    unit: 'ratio',
    bands: (c) => c.cseKpi.csat,
    nowOnly: false,
    over: 'accounts',
    // sums [CSAT sent, answered, satisfied, NPS responses, promoters, detractors]
    sums: 6,
    lists: 1,
    part: (s, ctx) => {
      const sums = [0, 0, 0, 0, 0, 0];
      let listed = false;
      const credited = new Set(creditedEngagements(s, ctx).map((e) => e.id));
      for (const survey of Object.values(s.surveys)) {
        if (survey.engagementId === null || !credited.has(survey.engagementId)) continue;
        const responded = survey.score !== null && withinPeriod(survey.respondedOn, ctx);
        if (survey.kind === 'csat') {
          if (withinPeriod(survey.sentOn, ctx)) sums[0]! += 1;
          if (!responded) continue;
          sums[1]! += 1;
          listed = true;
          if ((survey.score as number) >= 4) sums[2]! += 1;
        } else if (responded) {
          sums[3]! += 1;
          listed = true;
          if ((survey.score as number) >= 9) sums[4]! += 1;
          else if ((survey.score as number) <= 6) sums[5]! += 1;
        }
      }
      return { sums, listed: [listed] };
    },
    finish: (sums, [ids], ctx) => {
      const [sent, answered, satisfied, npsResponses, promoters, detractors] = sums as number[] as [
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      const min = ctx.config.cseKpi.csatMinResponses;
      return {
        value: answered >= min ? satisfied / answered : null,
        accountIds: ids!,
        detail: {
          responses: answered,
          sent,
          responseRate: sent > 0 ? Math.min(1, answered / sent) : null,
          nps: npsResponses >= min ? (100 * (promoters - detractors)) / npsResponses : null,
          npsResponses,
        },
      };
    },
  },
  {
    key: 'docs_per_engagement',
    label: 'Docs updated per engagement',
    unit: 'ratio',
    bands: (c) => c.cseKpi.docsPerEngagement,
    nowOnly: false,
    over: 'accounts',
    // sums [engagements completed in the period, those with a doc update]
    sums: 2,
    lists: 1,
    part: (s, ctx) => {
      let completed = 0;
      let documented = 0;
      for (const e of creditedEngagements(s, ctx)) {
        if (e.status !== 'completed' || !withinPeriod(e.completedOn, ctx)) continue;
        completed += 1;
        if (e.docUpdateDates.some((d) => d <= ctx.at)) documented += 1;
      }
      return { sums: [completed, documented], listed: [completed > 0] };
    },
    finish: ([completed, documented], [ids]) => ({
      value: completed! > 0 ? documented! / completed! : null,
      accountIds: ids!,
      detail: { completed: completed!, documented: documented! },
    }),
  },
  primaryAdoptionCard(
    {
      key: 'engaged_primary_use_case_adoption',
      label: 'Primary use-case adoption of engaged accounts',
      unit: 'ratio',
      bands: (c) => c.primaryUseCaseAdoption,
    },
    (s, ctx) => engagedIn(s, ctx),
  ),
  {
    key: 'arr_engaged',
    label: 'ARR engaged',
    unit: 'ratio',
    bands: noBands,
    nowOnly: false,
    over: 'accounts',
    // sums [ARR, engaged ARR]
    sums: 2,
    lists: 1,
    part: (s, ctx) => {
      if (s.churned) return noPart({ sums: 2, lists: 1 });
      const arr = arrAt(s.arrMovements, ctx.at);
      const engaged = engagedIn(s, ctx);
      return { sums: [arr, engaged ? arr : 0], listed: [engaged] };
    },
    finish: ([total, engagedArr], [ids]) => ({
      value: total! > 0 ? engagedArr! / total! : null,
      accountIds: ids!,
      detail: { engagedArrCents: engagedArr! },
    }),
  },
  {
    key: 'program_reach',
    label: 'Program reach (accounts attending)',
    unit: 'ratio',
    bands: noBands,
    nowOnly: false,
    over: 'accounts',
    // sums [accounts attending, live accounts, webinar attendees, hands-on lab attendees]
    sums: 4,
    lists: 1,
    part: (s, ctx) => {
      if (s.churned) return noPart({ sums: 4, lists: 1 });
      let webinar = 0;
      let lab = 0;
      const attended = s.programAttendance.filter((p) => withinPeriod(p.heldOn, ctx));
      for (const p of attended) {
        if (p.kind === 'webinar') webinar += p.attendees;
        else lab += p.attendees;
      }
      return { sums: [attended.length > 0 ? 1 : 0, 1, webinar, lab], listed: [attended.length > 0] };
    },
    finish: ([reached, accounts, webinar, lab], [ids]) => ({
      value: accounts! > 0 ? reached! / accounts! : null,
      accountIds: ids!,
      detail: {
        numerator: reached!,
        denominator: accounts!,
        webinarAttendees: webinar!,
        handsOnLabAttendees: lab!,
      },
    }),
  },
];
