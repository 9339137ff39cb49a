import type { MeasureKey } from './views.js';

/** How a measure's value or input reads: the unit a person sees next to the number. */
export type ReadingUnit =
  | 'share'
  | 'count'
  | 'days'
  | 'months'
  | 'per_user'
  | 'per_pipeline'
  | 'yes_no'
  | 'text';

/**
 * Every measure input by the name the engine gives it, with the words and unit a person reads:
 * the account page and the printed brief show these, never the engine's names.
 */
export const MEASURE_INPUT_LABELS: Readonly<Record<string, { label: string; unit: ReadingUnit }>> = {
  active_users_28d: { label: 'Active users (28 days)', unit: 'count' },
  billable_users: { label: 'Billable users', unit: 'count' },
  licensed_seats: { label: 'Licensed seats', unit: 'count' },
  months_since_start: { label: 'Months since the contract started', unit: 'months' },
  git_operation_users_share: { label: 'Users doing Git operations', unit: 'share' },
  ci_builds_per_user: { label: 'CI builds', unit: 'per_user' },
  scanner_users_share: { label: 'Users running security scanners', unit: 'share' },
  scans_per_pipeline: { label: 'Security scans', unit: 'per_pipeline' },
  scanner_types: { label: 'Scanner types in use', unit: 'count' },
  deploying_users_share: { label: 'Users deploying', unit: 'share' },
  deployments_per_user: { label: 'Deployments', unit: 'per_user' },
  deployment_success_rate: { label: 'Successful deployments', unit: 'share' },
  planning_users_share: { label: 'Users planning with issues or epics', unit: 'share' },
  sentiment: { label: 'Latest sentiment', unit: 'text' },
  age_days: { label: 'Sentiment age', unit: 'days' },
  status: { label: 'Plan status', unit: 'text' },
  objectives: { label: 'Objectives', unit: 'count' },
  tickets_opened_30d: { label: 'Tickets opened (30 days)', unit: 'count' },
  last_meeting: { label: 'Last meeting', unit: 'text' },
  priority: { label: 'Account priority', unit: 'count' },
  dev_lead: { label: 'Development lead took part', unit: 'yes_no' },
  security_lead: { label: 'Security lead took part', unit: 'yes_no' },
};

/** The unit of each measure's value (what its "Value" column holds). */
export const MEASURE_VALUE_UNIT: Readonly<Record<MeasureKey, ReadingUnit>> = {
  license_utilization: 'share',
  user_engagement: 'share',
  scm_adoption: 'share',
  ci_adoption: 'per_user',
  security_adoption: 'share',
  cd_adoption: 'share',
  owner_sentiment: 'days',
  success_plan: 'share',
  support_load: 'count',
  meeting_cadence: 'days',
  persona_engagement: 'count',
};

/** An input's name in words ("Users deploying"); an unknown name is shown as it is. */
export function inputLabel(name: string): string {
  return MEASURE_INPUT_LABELS[name]?.label ?? name;
}
