import { arrAt } from '../revenue.js';
import {
  type CardDefinition,
  deliverablesOnTime,
  engagedIn,
  live,
  noBands,
  primaryAdoption,
  share,
  withinPeriod,
} from './card-definition.js';

/** The CSE view's cards (KPIS.md §7.1). */
export const CSE_CARDS: CardDefinition[] = [
  {
    key: 'cse_green_plans_with_milestones',
    label: 'Green success plans with technical milestones & objectives',
    unit: 'ratio',
    bands: (c) => c.cseKpi.greenPlans,
    compute: (ctx) => {
      if (!ctx.isNow) return null;
      const engaged = live(ctx.accounts).filter((s) => engagedIn(s, ctx));
      const result = share(
        engaged.filter((s) => s.plan.greenWithTechnicalMilestones),
        engaged,
      );
      const complete = engaged.map((s) => s.plan.percentComplete).filter((p): p is number => p !== null);
      const mean = complete.length > 0 ? complete.reduce((a, b) => a + b, 0) / complete.length : null;
      return { ...result, detail: { ...result.detail, meanPercentComplete: mean } };
    },
  },
  {
    key: 'deliverables_on_time',
    label: 'Deliverables achieved within the timeline',
    unit: 'ratio',
    bands: (c) => c.cseKpi.deliverablesOnTime,
    compute: (ctx) => deliverablesOnTime(ctx),
  },
  {
    key: 'csat',
    label: 'Post-engagement CSAT',
    unit: 'ratio',
    bands: (c) => c.cseKpi.csat,
    compute: (ctx) => {
      const min = ctx.config.cseKpi.csatMinResponses;
      let sent = 0;
      let answered = 0;
      let satisfied = 0;
      let npsResponses = 0;
      let promoters = 0;
      let detractors = 0;
      const ids = new Set<string>();
      for (const s of ctx.accounts) {
        for (const survey of Object.values(s.surveys)) {
          if (survey.engagementId === null) continue;
          const responded = survey.score !== null && withinPeriod(survey.respondedOn, ctx);
          if (survey.kind === 'csat') {
            if (withinPeriod(survey.sentOn, ctx)) sent += 1;
            if (!responded) continue;
            answered += 1;
            ids.add(s.accountId);
            if ((survey.score as number) >= 4) satisfied += 1;
          } else if (responded) {
            npsResponses += 1;
            ids.add(s.accountId);
            if ((survey.score as number) >= 9) promoters += 1;
            else if ((survey.score as number) <= 6) detractors += 1;
          }
        }
      }
      return {
        value: answered >= min ? satisfied / answered : null,
        accountIds: [...ids],
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
    compute: (ctx) => {
      let completed = 0;
      let documented = 0;
      const ids = new Set<string>();
      for (const s of ctx.accounts) {
        for (const e of Object.values(s.engagements)) {
          if (e.status !== 'completed' || !withinPeriod(e.completedOn, ctx)) continue;
          completed += 1;
          ids.add(s.accountId);
          if (e.docUpdateDates.some((d) => d <= ctx.at)) documented += 1;
        }
      }
      return {
        value: completed > 0 ? documented / completed : null,
        accountIds: [...ids],
        detail: { completed, documented },
      };
    },
  },
  {
    key: 'engaged_primary_use_case_adoption',
    label: 'Primary use-case adoption of engaged accounts',
    unit: 'ratio',
    bands: (c) => c.primaryUseCaseAdoption,
    compute: (ctx) =>
      primaryAdoption(
        ctx,
        live(ctx.accounts).filter((s) => engagedIn(s, ctx)),
      ),
  },
  {
    key: 'arr_engaged',
    label: 'ARR engaged',
    unit: 'ratio',
    bands: noBands,
    compute: (ctx) => {
      let total = 0;
      let engagedArr = 0;
      const engaged: string[] = [];
      for (const s of live(ctx.accounts)) {
        const arr = arrAt(s.arrMovements, ctx.at);
        total += arr;
        if (engagedIn(s, ctx)) {
          engagedArr += arr;
          engaged.push(s.accountId);
        }
      }
      return {
        value: total > 0 ? engagedArr / total : null,
        accountIds: engaged,
        detail: { engagedArrCents: engagedArr },
      };
    },
  },
  {
    key: 'program_reach',
    label: 'Program reach (accounts attending)',
    unit: 'ratio',
    bands: noBands,
    compute: (ctx) => {
      const accounts = live(ctx.accounts);
      let webinar = 0;
      let lab = 0;
      const reached = accounts.filter((s) => {
        const attended = s.programAttendance.filter((p) => withinPeriod(p.heldOn, ctx));
        for (const p of attended) {
          if (p.kind === 'webinar') webinar += p.attendees;
          else lab += p.attendees;
        }
        return attended.length > 0;
      });
      const result = share(reached, accounts);
      return {
        ...result,
        accountIds: reached.map((s) => s.accountId),
        detail: { ...result.detail, webinarAttendees: webinar, handsOnLabAttendees: lab },
      };
    },
  },
];
