import type {
  Color,
  OwnerRole,
  PlanStatusShown,
  Region,
  ScopeFilters,
  ScoreChangeCause,
  Segment,
  SuccessTier,
  UseCase,
} from '@pulse/domain';

// Display names. Typed as complete records over the domain's unions, so a new value fails the
// typecheck here instead of showing up unlabelled.

export const REGION_LABELS: Record<Region, string> = {
  amer: 'AMER',
  emea: 'EMEA',
  apac: 'APAC',
  pubsec: 'Public sector',
};

export const SEGMENT_LABELS: Record<Segment, string> = {
  enterprise: 'Enterprise',
  mid_market: 'Mid-market',
  smb: 'SMB',
  public_sector: 'Public sector',
};

export const TIER_LABELS: Record<SuccessTier, string> = {
  on_demand: 'On demand',
  cse_assigned: 'CSE assigned',
  essentials: 'Essentials',
  advanced: 'Advanced',
  signature: 'Signature',
};

export const USE_CASE_LABELS: Record<UseCase, string> = {
  scm: 'SCM',
  ci: 'CI',
  security: 'Security',
  cd: 'CD',
  agile: 'Agile planning',
};

export const COLOR_LABELS: Record<Color, string> = {
  green: 'Green',
  yellow: 'Yellow',
  red: 'Red',
  grey: 'Grey',
};

/** Display order of colours in charts and tables. */
export const COLORS_IN_ORDER: Color[] = ['green', 'yellow', 'red', 'grey'];

export const OWNER_ROLE_LABELS: Record<OwnerRole, string> = {
  csm: 'CSM',
  cse: 'CSE',
  csa: 'CSA',
  ae: 'AE',
  rm: 'RM',
};

export const PLAN_STATUS_LABELS: Record<PlanStatusShown, string> = {
  none: 'No plan',
  draft: 'Draft',
  active_green: 'Active · green',
  active_yellow: 'Active · yellow',
  active_red: 'Active · red',
  completed: 'Completed',
};

/** Keys of a record in a fixed display order (JSON objects carry no meaningful order). */
/** A scope in words ('EMEA · Enterprise · team of Elena Petrova'); null for the whole organisation. */
export function scopeInWords(scope: ScopeFilters, nameOf: (id: string) => string): string | null {
  const parts = [
    scope.region && REGION_LABELS[scope.region],
    scope.segment && SEGMENT_LABELS[scope.segment],
    scope.tier && TIER_LABELS[scope.tier],
    scope.owner && `book of ${nameOf(scope.owner)}`,
    scope.manager && `team of ${nameOf(scope.manager)}`,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : null;
}

export function keysOf<K extends string>(labels: Record<K, string>): K[] {
  return Object.keys(labels) as K[];
}

/** Why an account's colour moved other than by its score, in words (feed, account page). */
export const SCORE_CHANGE_CAUSE_LABELS: Record<ScoreChangeCause, string> = {
  sentiment_override: 'owner sentiment red',
  score_below_50: 'score fell below 50',
  renewal_forecast_red: 'renewal forecast red',
  override: 'manual override',
  will_churn: 'marked will churn',
  no_data: 'no data',
  first_score: 'enough data to score',
};

/** A cause as received (any string on the wire) in words. */
export function causeText(cause: string): string {
  const known = SCORE_CHANGE_CAUSE_LABELS[cause as ScoreChangeCause];
  if (known) return known;
  const words = cause.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
