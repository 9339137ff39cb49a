/**
 * Output types of the KPI engine. Entity lists are objects keyed by id (stable JSON patches);
 * ordering, where it matters, is carried by a separate id array.
 */
import type {
  ArrMovementKind,
  Cents,
  Color,
  EngagementKind,
  EngagementStatus,
  IsoDate,
  IsoInstant,
  LifecycleStage,
  OutcomeStage,
  OwnerRole,
  PlanTier,
  ProgramKind,
  Region,
  RenewalStatus,
  RiskCategory,
  Role,
  Segment,
  SuccessTier,
  SurveyKind,
  UseCase,
} from './facts.js';

export type { Color } from './facts.js';

export const GROUP_KEYS = ['product', 'risk', 'outcomes', 'voice_of_customer', 'engagement'] as const;
export type GroupKey = (typeof GROUP_KEYS)[number];

export const MEASURE_KEYS = [
  'license_utilization',
  'user_engagement',
  'scm_adoption',
  'ci_adoption',
  'security_adoption',
  'cd_adoption',
  'owner_sentiment',
  'success_plan',
  'support_load',
  'meeting_cadence',
  'persona_engagement',
] as const;
export type MeasureKey = (typeof MEASURE_KEYS)[number];

/** One input value behind a measure, with the date it was observed. */
export interface MeasureInput {
  name: string;
  value: number | string | boolean | null;
  date: IsoDate | IsoInstant | null;
}

export interface Measure {
  key: MeasureKey;
  group: GroupKey;
  label: string;
  /** The measured quantity (ratio, days, count); null when there is no data. */
  value: number | null;
  color: Color;
  /** Colour points 0–100; null when grey. */
  points: number | null;
  /** Weight inside the group (KPIS.md §1.1). */
  weight: number;
  /** Share of the health score in percent after grey weights are shared out; 0 when grey. */
  effectiveWeight: number;
  inputs: MeasureInput[];
  stale: boolean;
  /** Info badge text (e.g. "no tickets in 30 days"), or null. */
  info: string | null;
  /** Why the measure has its colour, in words. */
  reason: string;
}

export interface GroupScore {
  key: GroupKey;
  weight: number;
  /** Share of the health score in percent after grey groups are shared out; 0 when grey. */
  effectiveWeight: number;
  score: number | null;
  color: Color;
}

export const BADGE_KEYS = [
  'emergency_tickets',
  'stale_sentiment',
  'no_recent_tickets',
  'onboarding',
] as const;
export type BadgeKey = (typeof BADGE_KEYS)[number];

export interface Badge {
  key: BadgeKey;
  color: Color;
  text: string;
}

/** What decided the final colour of a scorecard. */
export type ColorCause = 'score' | 'will_churn' | 'sentiment_override' | 'no_data' | 'manual_override';

export interface ManualOverrideInfo {
  id: number;
  color: Color;
  reason: string;
  authorId: string;
  createdAt: IsoInstant;
  expiresAt: IsoInstant | null;
  /** Colour the account would have without the override. */
  computedColor: Color;
  /** Set while the override is kept but not applied (a will-churn account, see PulseConfig). */
  suspendedBy: 'will_churn' | null;
}

export interface Scorecard {
  accountId: string;
  asOf: IsoInstant;
  /** Health points 0–100 (2 decimals); null when every group is grey. */
  score: number | null;
  color: Color;
  label: string | null;
  colorCause: ColorCause;
  overridden: ManualOverrideInfo | null;
  /** will_churn accounts: kept in revenue and retention, left out of health averages. */
  excludedFromHealthAverages: boolean;
  /** First 30 days of the contract: every measure but sentiment is grey. */
  onboardingGrace: boolean;
  renewalForecastColor: Color;
  groups: Record<GroupKey, GroupScore>;
  measures: Record<MeasureKey, Measure>;
  badges: Badge[];
}

export type ScoreChangeCause =
  | 'sentiment_override'
  | 'score_below_50'
  | 'renewal_forecast_red'
  | 'override'
  | 'will_churn'
  | 'no_data'
  /** A move from no score at all (every measure grey) to one: the first data arrived. */
  | 'first_score';

export interface MeasureContribution {
  key: MeasureKey;
  label: string;
  /** Points this measure moved the score by; the contributions sum exactly to `change`. */
  points: number;
}

export interface ScoreChange {
  accountId: string;
  fromScore: number | null;
  toScore: number | null;
  fromColor: Color;
  toColor: Color;
  /** toScore − fromScore (2 decimals); null when either side has no score. */
  change: number | null;
  contributions: Record<MeasureKey, MeasureContribution>;
  /** Set when the account turned red (or a colour moved for a reason other than the score). */
  cause: ScoreChangeCause | null;
  /** "82 → 74: CI adoption −5.6, success plan −2.4". */
  text: string;
}

// ─── Account summary: per-account inputs of every team KPI ──────────────────────────────────────

export interface TimeToValueResult {
  /** Days taken (or elapsed so far when not reached); null when the clock has not started. */
  days: number | null;
  reached: boolean;
  color: Color;
}

export interface CompactArrMovement {
  kind: ArrMovementKind;
  amountCents: Cents;
  effectiveDate: IsoDate;
}

export interface RenewalSummary {
  id: number;
  renewalDate: IsoDate;
  atrCents: Cents;
  forecastCents: Cents;
  riskCategory: RiskCategory;
  riskReason: string | null;
  status: RenewalStatus;
  wonCents: Cents | null;
  closedOn: IsoDate | null;
  forecastColor: Color;
}

export interface DeliverableSummary {
  id: number;
  dueDate: IsoDate;
  deliveredOn: IsoDate | null;
  status: 'open' | 'delivered' | 'cancelled';
}

export interface EngagementSummary {
  id: number;
  cseId: string | null;
  kind: EngagementKind;
  status: EngagementStatus;
  startedOn: IsoDate | null;
  completedOn: IsoDate | null;
  /** Dates of the engagement's doc updates. */
  docUpdateDates: IsoDate[];
  deliverables: DeliverableSummary[];
}

export interface SurveySummary {
  id: number;
  kind: SurveyKind;
  engagementId: number | null;
  sentOn: IsoDate;
  respondedOn: IsoDate | null;
  score: number | null;
}

export interface AttendanceSummary {
  sessionId: number;
  kind: ProgramKind;
  heldOn: IsoDate;
  attendees: number;
}

/** Plan status shown per account (KPIS.md §3). */
export type PlanStatusShown =
  | 'none'
  | 'draft'
  | 'active_green'
  | 'active_yellow'
  | 'active_red'
  | 'completed';

export interface PlanSummary {
  /** Whether success plans apply to the account's tier. */
  applicable: boolean;
  status: PlanStatusShown;
  color: Color;
  percentComplete: number | null;
  /** The CSE KPI: green plan with an open dated objective carrying an owned, dated technical milestone. */
  greenWithTechnicalMilestones: boolean;
  outcomeFunnel: Record<OutcomeStage, number>;
}

/** State of the account at one trend date, derived by scoring the dated facts at that date. */
export interface SummaryHistoryPoint {
  score: number | null;
  color: Color;
  excludedFromHealthAverages: boolean;
  useCaseColors: Record<UseCase, Color>;
  primaryUseCaseColor: Color;
  cadenceColor: Color;
  ebrCovered: boolean;
  sentimentStale: boolean;
}

export interface AccountSummary {
  accountId: string;
  name: string;
  asOf: IsoDate;
  region: Region;
  segment: Segment;
  successTier: SuccessTier;
  planTier: PlanTier;
  priority: 1 | 2;
  lifecycleStage: LifecycleStage;
  churned: boolean;
  owners: Record<OwnerRole, string | null>;
  /** Owners 12 months before asOf: GRR/NRR cohorts are attributed to them. */
  ownersAt12MonthsAgo: Record<OwnerRole, string | null>;

  healthScore: number | null;
  healthColor: Color;
  healthLabel: string | null;
  overridden: boolean;
  excludedFromHealthAverages: boolean;
  scoreThirtyDaysAgo: number | null;
  thirtyDaysAgo: IsoDate;
  colorSevenDaysAgo: Color;
  /** Health points `turnedRedWindowDays` before asOf (the alerts' 'dropped in 7 days'). */
  scoreSevenDaysAgo: number | null;
  turnedRedThisWeek: boolean;
  turnedRedCause: ScoreChangeCause | null;

  arrNowCents: Cents;
  arr12MonthsAgoCents: Cents;
  arrMovements: CompactArrMovement[];

  useCaseColors: Record<UseCase, Color>;
  useCaseColorsAtQuarterStart: Record<UseCase, Color>;
  greenUseCases: number | null;
  primaryUseCase: UseCase | null;
  primaryUseCaseColor: Color;
  primaryUseCaseGreenSince: IsoDate | null;
  licenseUtilization: number | null;

  plan: PlanSummary;

  ebrApplicable: boolean;
  lastEbrDate: IsoDate | null;
  ebrDates: IsoDate[];
  ebrOverdue: boolean;
  cadenceApplicable: boolean;
  cadenceColor: Color;
  daysSinceLastMeeting: number | null;
  lastEngagementDate: IsoDate | null;

  timeToEngage: TimeToValueResult;
  timeToFirstValue: TimeToValueResult;
  timeToOnboard: TimeToValueResult;

  sentimentColor: Color;
  sentimentDate: IsoInstant | null;
  sentimentStale: boolean;

  renewals: Record<string, RenewalSummary>;
  engagements: Record<string, EngagementSummary>;
  surveys: Record<string, SurveySummary>;
  programAttendance: AttendanceSummary[];

  acceleratorEntitlementPerYear: number;
  acceleratorsLast365Days: number;
  daysSinceLastAccelerator: number | null;
  acceleratorOverdue: boolean;
  /** Red when overdue (even with the year's entitlement met), else the delivered share's band; grey when not entitled. */
  acceleratorColor: Color;

  /** Keyed by trend date (the last month-ends and asOf). */
  history: Record<IsoDate, SummaryHistoryPoint>;
}

// ─── Team views ─────────────────────────────────────────────────────────────────────────────────

export type KpiUnit = 'ratio' | 'cents' | 'count' | 'days' | 'points';

export interface TrendPoint {
  date: IsoDate;
  value: number | null;
}

export interface KpiCard {
  key: string;
  label: string;
  value: number | null;
  unit: KpiUnit;
  color: Color;
  target: number | null;
  trend: TrendPoint[];
  /** The accounts behind the number (drill-down). */
  accountIds: string[];
  detail: Record<string, number | string | null>;
}

export type TeamViewKind = 'cse' | 'csm' | 'csa';

export interface ScopeFilters {
  region?: Region;
  segment?: Segment;
  tier?: SuccessTier;
  owner?: string;
  manager?: string;
}

export interface Period {
  label: string;
  start: IsoDate;
  end: IsoDate;
}

export interface ColorBucket {
  count: number;
  arrCents: Cents;
  arrShare: number | null;
  accountIds: string[];
}

export interface HealthDistribution {
  colors: Record<Color, ColorBucket>;
  totalCount: number;
  totalArrCents: Cents;
  turnedRedThisWeek: string[];
}

export interface WaterfallQuarter {
  quarter: string;
  start: IsoDate;
  end: IsoDate;
  startArrCents: Cents;
  newCents: Cents;
  expansionCents: Cents;
  contractionCents: Cents;
  churnCents: Cents;
  netCents: Cents;
  growthNetCents: Cents;
  endArrCents: Cents;
}

export interface NetArrWaterfall {
  quarters: Record<string, WaterfallQuarter>;
  order: string[];
}

export type AdoptionMatrix = Record<UseCase, Record<Color, { count: number; arrCents: Cents }>>;

export interface PlanFunnel {
  statuses: Record<PlanStatusShown, number>;
  outcomeStages: Record<OutcomeStage, number>;
}

export interface MemberRef {
  id: string;
  name: string;
  role: Role;
}

/**
 * A card on a leaderboard row: its value, colour and target (a CSM's own book target) and how many
 * accounts are behind it. Label and unit are the team card's (the table's columns); the accounts
 * come from the drill-down API; a row has no trend. Whole cards on every row made a
 * whole-organisation team view 12.8 MB at 50,000 accounts and 1,250 rows, 8.8 MB of it here, and
 * each change of a row's value travelled three times (value, trend point, detail).
 */
export interface LeaderboardCard extends Pick<KpiCard, 'value' | 'color' | 'target'> {
  /** How many accounts are behind the value. */
  accountCount: number;
}

export interface LeaderboardEntry {
  member: MemberRef;
  accountCount: number;
  cards: Record<string, LeaderboardCard>;
}

export interface TeamView {
  view: TeamViewKind;
  filters: ScopeFilters;
  asOf: IsoDate;
  period: Period;
  accountCount: number;
  cards: Record<string, KpiCard>;
  healthDistribution: HealthDistribution;
  netArrWaterfall: NetArrWaterfall;
  adoptionMatrix: AdoptionMatrix;
  planFunnel: PlanFunnel;
  leaderboard: Record<string, LeaderboardEntry>;
}

export interface RenewalRow {
  renewalId: number;
  accountId: string;
  accountName: string;
  renewalDate: IsoDate;
  daysToRenewal: number;
  healthScore: number | null;
  healthColor: Color;
  /** Score change against 30 days earlier; null when either score is missing. */
  healthTrend: number | null;
  forecastColor: Color;
  atrCents: Cents;
  forecastCents: Cents;
  /** forecast − ATR: what the renewal adds (positive) or loses (negative). */
  netArrAtStakeCents: Cents;
  /** max(ATR − forecast, 0); the whole ATR when the category is will_churn. */
  arrAtRiskCents: Cents;
  riskCategory: RiskCategory;
  riskReason: string | null;
  primaryUseCase: UseCase | null;
  primaryUseCaseColor: Color;
  planStatus: PlanStatusShown;
  lastEngagementDate: IsoDate | null;
  owners: Record<OwnerRole, string | null>;
}

/** An account named in the renewals view's short lists (it may renew outside the window). */
export interface RenewalListAccount {
  accountId: string;
  accountName: string;
  arrCents: Cents;
  licenseUtilization: number | null;
  primaryUseCaseColor: Color;
  nextRenewalDate: IsoDate | null;
  nextRenewalAtrCents: Cents | null;
}

export interface RenewalsView {
  asOf: IsoDate;
  windowEnd: IsoDate;
  filters: ScopeFilters;
  rows: Record<string, RenewalRow>;
  /** Row ids sorted by ARR at risk (largest first), then renewal date. */
  order: string[];
  /** Account ids: red health with an open renewal within 120 days. */
  redWithin120Days: string[];
  /** Account ids: license utilization > 0.90 and the primary use case green. */
  expansionCandidates: string[];
  /** The accounts of both lists, keyed by id. */
  listedAccounts: Record<string, RenewalListAccount>;
  totals: { atrCents: Cents; forecastCents: Cents; arrAtRiskCents: Cents };
}
