/**
 * What every number of Pulse means, in words, generated from the configuration the engine scores
 * with: the in-app KPI help (/help/kpis, card and measure tooltips) reads this, so the text can
 * never disagree with the thresholds actually applied.
 */
import type { PulseConfig } from './config.js';
import { MEASURE_GROUP, MEASURE_LABEL } from './scorecard.js';
import { bandsRule, CARD_GUIDES, formatThreshold } from './team-views/card-guide.js';
import { TEAM_VIEW_CARDS } from './team-views/team-view.js';
import { type GroupKey, type KpiUnit, MEASURE_KEYS, type MeasureKey, type TeamViewKind } from './views.js';

export interface CardHelp {
  key: string;
  label: string;
  unit: KpiUnit;
  /** The team views showing the card. */
  views: TeamViewKind[];
  definition: string;
  formula: string;
  /** The target in words ("90 %"), or null when the card is informational. */
  target: string | null;
  /** How the card is coloured, in words. */
  colorRule: string;
  source: string;
}

export interface MeasureHelp {
  key: MeasureKey;
  label: string;
  group: GroupKey;
  groupLabel: string;
  /** Weight inside its group and the group's weight in the health score. */
  weight: number;
  groupWeight: number;
  definition: string;
  colorRule: string;
  source: string;
}

export interface KpiHelp {
  cards: CardHelp[];
  measures: MeasureHelp[];
  /** How the health score is put together from the measures. */
  healthScore: string;
}

export const GROUP_LABEL: Record<GroupKey, string> = {
  product: 'Product',
  risk: 'Risk',
  outcomes: 'Outcomes',
  voice_of_customer: 'Voice of the customer',
  engagement: 'Engagement',
};

const pct = (value: number) => formatThreshold(value, 'ratio');
const USAGE = 'The latest product usage snapshot (usage_snapshots), if not older than the usage age limit.';

interface MeasureGuide {
  definition: string;
  colorRule: (c: PulseConfig) => string;
  source: string;
}

const MEASURE_GUIDES: Record<MeasureKey, MeasureGuide> = {
  license_utilization: {
    definition: 'The share of licensed seats in use: billable users / licensed seats.',
    colorRule: (c) => {
      const {
        monthBoundaries: [m1, m2, m3],
        low,
        mid,
        high,
      } = c.licenseUtilization;
      return `Grey in the first ${m1} months. Red below ${pct(low)}. Up to ${pct(mid)}: yellow before month ${m2}, red after. Up to ${pct(high)}: green before month ${m2}, yellow before month ${m3}, red after. Above ${pct(high)}: green.`;
    },
    source: `${USAGE} Licensed seats and contract start of the account.`,
  },
  user_engagement: {
    definition: 'The share of billable users active in the last 28 days.',
    colorRule: (c) => bandsRule(c.userEngagement, 'ratio'),
    source: USAGE,
  },
  scm_adoption: {
    definition: 'Source-code management adoption: the share of billable users doing Git operations.',
    colorRule: (c) =>
      `Red up to ${pct(c.adoption.scmGitUsersShare.redMax)}, yellow up to ${pct(c.adoption.scmGitUsersShare.yellowMax)}, green above.`,
    source: USAGE,
  },
  ci_adoption: {
    definition: 'Continuous-integration adoption: CI builds per billable user.',
    colorRule: (c) =>
      `Red up to ${c.adoption.ciBuildsPerUser.redMax} builds a user, yellow up to ${c.adoption.ciBuildsPerUser.yellowMax}, green above.`,
    source: USAGE,
  },
  security_adoption: {
    definition:
      'Security adoption: the share of users running scanners, scans per pipeline and scanner types in use, averaged. Ultimate plan only.',
    colorRule: (c) => {
      const a = c.adoption;
      return `Scanner users: red up to ${pct(a.securityScannerUsersShare.redMax)}, green from ${pct(a.securityScannerUsersShare.greenMin)}. Scans per pipeline: yellow ${a.securityScansPerPipeline.yellowMin}–${a.securityScansPerPipeline.yellowMax}, red below, green above. Scanner types: red up to ${a.securityScannerTypes.redMax}, green from ${a.securityScannerTypes.greenMin}. The measure takes the mean of their points (green ≥ ${c.scoreBands.green}, yellow ≥ ${c.scoreBands.yellow}).`;
    },
    source: `${USAGE} Grey unless the plan tier is Ultimate.`,
  },
  cd_adoption: {
    definition:
      'Continuous-delivery adoption: deploying users, deployments per user and deployment success, averaged.',
    colorRule: (c) => {
      const a = c.adoption;
      return `Deploying users: yellow ${pct(a.cdDeployingUsersShare.yellowMin)}–${pct(a.cdDeployingUsersShare.yellowMax)}. Deployments a user: yellow ${a.cdDeploymentsPerUser.yellowMin}–${a.cdDeploymentsPerUser.yellowMax}. Success rate: yellow ${pct(a.cdSuccessRate.yellowMin)}–${pct(a.cdSuccessRate.yellowMax)}. Below each range red, above it green; the measure takes the mean of their points.`;
    },
    source: USAGE,
  },
  owner_sentiment: {
    definition: 'The latest sentiment (green, yellow, red) the account’s owner logged on the timeline.',
    colorRule: (c) =>
      `The logged colour. Flagged stale after ${c.sentiment.staleAfterDays} days, grey after ${c.sentiment.greyAfterDays}. A red sentiment makes the whole account red.`,
    source: 'Timeline entries of the CSM or CSA (the CSE for CSE-assigned accounts).',
  },
  success_plan: {
    definition: 'The colour of the account’s success plan.',
    colorRule: (c) =>
      `Green: an active plan with strategy, highlights and an open objective with a due date and success criteria. Yellow when any of these is missing or the plan was not updated for ${c.planStaleDays} days. Red with no plan, or when every objective was closed lost or not relevant. Grey where the tier has no plans.`,
    source: 'Success plans and their objectives (success_plans, sp_objectives).',
  },
  support_load: {
    definition: 'Support tickets opened in the trailing window.',
    colorRule: (c) =>
      `Tickets in ${c.support.windowDays} days: green 1–${c.support.greenMax}, yellow up to ${c.support.yellowMax}, red above; none at all is yellow with a note; grey when the account never had a ticket.`,
    source: 'Support tickets (support_tickets).',
  },
  meeting_cadence: {
    definition: 'Days since the last call, meeting, workshop or EBR.',
    colorRule: (c) =>
      `Priority 1: green up to ${c.cadence[1].greenMaxDays} days, yellow up to ${c.cadence[1].yellowMaxDays}, red after. Priority 2: green up to ${c.cadence[2].greenMaxDays}, yellow up to ${c.cadence[2].yellowMaxDays}, red after.`,
    source: 'Timeline entries (timeline_entries).',
  },
  persona_engagement: {
    definition: 'Whether the customer’s development lead and security lead took part recently.',
    colorRule: (c) =>
      `Over the last ${c.personaWindowDays} days: green when both took part, yellow when one did, red when neither.`,
    source: 'People named on timeline entries (timeline_entries).',
  },
};

/** Every team card and scorecard measure explained, with this configuration's thresholds. */
export function kpiHelp(config: PulseConfig): KpiHelp {
  const cards = new Map<string, CardHelp>();
  for (const [view, definitions] of Object.entries(TEAM_VIEW_CARDS) as [
    TeamViewKind,
    typeof TEAM_VIEW_CARDS.csm,
  ][]) {
    for (const def of definitions) {
      const known = cards.get(def.key);
      if (known) {
        known.views.push(view);
        continue;
      }
      const guide = CARD_GUIDES[def.key];
      if (!guide) throw new Error(`card '${def.key}' has no guide in CARD_GUIDES`);
      const bands = def.bands(config);
      const dayLimits =
        def.key === 'time_to_engage'
          ? config.timeToEngage
          : def.key === 'time_to_first_value'
            ? config.timeToFirstValue
            : def.key === 'time_to_onboard'
              ? config.timeToOnboard
              : null;
      cards.set(def.key, {
        key: def.key,
        label: def.label,
        unit: def.unit,
        views: [view],
        definition: guide.definition,
        formula: guide.formula,
        target: bands
          ? formatThreshold(bands.green, def.unit)
          : dayLimits
            ? `≤ ${dayLimits.greenMaxDays} days`
            : def.key === 'book_arr'
              ? 'the person’s book target'
              : null,
        colorRule:
          guide.colorRule?.(config) ??
          (bands ? bandsRule(bands, def.unit) : 'Informational: not coloured (grey), no target.'),
        source: guide.source,
      });
    }
  }
  const measures = MEASURE_KEYS.map((key): MeasureHelp => {
    const group = MEASURE_GROUP[key];
    const guide = MEASURE_GUIDES[key];
    return {
      key,
      label: MEASURE_LABEL[key],
      group,
      groupLabel: GROUP_LABEL[group],
      weight: config.measureWeights[key],
      groupWeight: config.groupWeights[group],
      definition: guide.definition,
      colorRule: guide.colorRule(config),
      source: guide.source,
    };
  });
  const { green, yellow, red } = config.points;
  return {
    cards: [...cards.values()],
    measures,
    healthScore: `Each measure’s colour gives points (green ${green}, yellow ${yellow}, red ${red}; grey measures are left out and their weight shared among the others). A group scores the weighted mean of its measures, and the health score is the weighted mean of the groups (0–100): green from ${config.scoreBands.green}, yellow from ${config.scoreBands.yellow}, red below. A red owner sentiment makes the account red whatever its score; an account marked will churn is grey and left out of health averages; a manual override sets the colour until it expires.`,
  };
}
