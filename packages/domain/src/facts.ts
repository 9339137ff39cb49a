/**
 * Input facts of the KPI engine. They mirror the SQL facts tables of the data contract field by
 * field, in camelCase. Dates are ISO 'YYYY-MM-DD' strings, instants ISO 'YYYY-MM-DDTHH:mm:ss.sssZ'
 * strings, money is whole cents as `number`, fractions are 0–1.
 */

/** ISO calendar date, 'YYYY-MM-DD'. */
export type IsoDate = string;
/** ISO instant, 'YYYY-MM-DDTHH:mm:ss.sssZ'. */
export type IsoInstant = string;
/** Whole cents of the reporting currency. */
export type Cents = number;

export const ROLES = ['cse', 'csm', 'csa', 'ae', 'rm', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const OWNER_ROLES = ['csm', 'cse', 'csa', 'ae', 'rm'] as const;
export type OwnerRole = (typeof OWNER_ROLES)[number];
export const REGIONS = ['amer', 'emea', 'apac', 'pubsec'] as const;
export type Region = (typeof REGIONS)[number];
export const SEGMENTS = ['enterprise', 'mid_market', 'smb', 'public_sector'] as const;
export type Segment = (typeof SEGMENTS)[number];
export const SUCCESS_TIERS = ['on_demand', 'cse_assigned', 'essentials', 'advanced', 'signature'] as const;
export type SuccessTier = (typeof SUCCESS_TIERS)[number];
export const PLAN_TIERS = ['free', 'premium', 'ultimate'] as const;
export type PlanTier = (typeof PLAN_TIERS)[number];
export const LIFECYCLE_STAGES = [
  'onboarding',
  'adopting',
  'expanding',
  'renewing',
  'will_churn',
  'churned',
] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];
export const USE_CASES = ['scm', 'ci', 'security', 'cd', 'agile'] as const;
export type UseCase = (typeof USE_CASES)[number];
export const COLORS = ['green', 'yellow', 'red', 'grey'] as const;
export type Color = (typeof COLORS)[number];
/** A colour a person can log (sentiment): never grey. */
export type SentimentColor = Exclude<Color, 'grey'>;
export const ARR_MOVEMENT_KINDS = ['new', 'expansion', 'contraction', 'churn'] as const;
export type ArrMovementKind = (typeof ARR_MOVEMENT_KINDS)[number];
export const TIMELINE_KINDS = ['call', 'meeting', 'ebr', 'workshop', 'email', 'note'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];
export const PERSONAS = ['dev_lead', 'security_lead', 'executive', 'champion', 'admin', 'other'] as const;
export type Persona = (typeof PERSONAS)[number];
export const TICKET_SEVERITIES = ['emergency', 'high', 'normal', 'low'] as const;
export type TicketSeverity = (typeof TICKET_SEVERITIES)[number];
export const PLAN_STATUSES = ['draft', 'active', 'completed'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];
export const OBJECTIVE_STATUSES = [
  'not_started',
  'on_track',
  'watchpoint',
  'concern',
  'closed_success',
  'closed_lost',
  'closed_not_relevant',
] as const;
export type ObjectiveStatus = (typeof OBJECTIVE_STATUSES)[number];
export const OUTCOME_STAGES = ['proposed', 'accepted', 'delivered', 'verified'] as const;
export type OutcomeStage = (typeof OUTCOME_STAGES)[number];
export const MILESTONE_STATUSES = ['not_started', 'in_progress', 'done', 'cancelled'] as const;
export type MilestoneStatus = (typeof MILESTONE_STATUSES)[number];
export const ENGAGEMENT_KINDS = [
  'onboarding',
  'workshop',
  'accelerator',
  'migration',
  'health_check',
] as const;
export type EngagementKind = (typeof ENGAGEMENT_KINDS)[number];
export const ENGAGEMENT_STATUSES = ['planned', 'active', 'completed', 'cancelled'] as const;
export type EngagementStatus = (typeof ENGAGEMENT_STATUSES)[number];
export const DELIVERABLE_STATUSES = ['open', 'delivered', 'cancelled'] as const;
export type DeliverableStatus = (typeof DELIVERABLE_STATUSES)[number];
export const SURVEY_KINDS = ['csat', 'nps'] as const;
export type SurveyKind = (typeof SURVEY_KINDS)[number];
export const RISK_CATEGORIES = [
  'will_renew',
  'will_contract',
  'will_contract_actionable',
  'will_churn',
  'will_churn_actionable',
] as const;
export type RiskCategory = (typeof RISK_CATEGORIES)[number];
export const RENEWAL_STATUSES = ['open', 'won', 'lost'] as const;
export type RenewalStatus = (typeof RENEWAL_STATUSES)[number];
export const PROGRAM_KINDS = ['webinar', 'hands_on_lab'] as const;
export type ProgramKind = (typeof PROGRAM_KINDS)[number];

export interface TeamMember {
  id: string;
  name: string;
  email: string;
  role: Role;
  region: Region;
  managerId: string | null;
  title: string | null;
  bookArrTargetCents: Cents | null;
}

export interface Account {
  id: string;
  name: string;
  segment: Segment;
  region: Region;
  successTier: SuccessTier;
  planTier: PlanTier;
  priority: 1 | 2;
  lifecycleStage: LifecycleStage;
  primaryUseCase: UseCase | null;
  csmId: string | null;
  cseId: string | null;
  csaId: string | null;
  aeId: string | null;
  rmId: string | null;
  licensedSeats: number;
  contractStart: IsoDate;
  renewalDate: IsoDate | null;
  onboardingStart: IsoDate | null;
  onboardingClosed: IsoDate | null;
  /** Manual time-to-first-value date; wins over the usage-derived one. */
  firstValueDate: IsoDate | null;
  createdAt: IsoInstant;
  updatedAt: IsoInstant;
}

export interface OwnerAssignment {
  id: number;
  accountId: string;
  role: OwnerRole;
  memberId: string | null;
  validFrom: IsoInstant;
}

export interface ArrMovement {
  id: number;
  accountId: string;
  kind: ArrMovementKind;
  /** Always positive; the kind gives the sign. */
  amountCents: Cents;
  effectiveDate: IsoDate;
  note: string | null;
}

export interface UsageSnapshot {
  id: number;
  accountId: string;
  measuredOn: IsoDate;
  billableUsers: number;
  activeUsers28d: number;
  gitOperationUsers: number;
  ciBuilds: number;
  ciPipelines: number;
  scannerUsers: number;
  scans: number;
  scannerTypes: number;
  deployingUsers: number;
  deployments: number;
  successfulDeployments: number;
  issueUsers: number;
  epicUsers: number;
}

export interface TimelineEntry {
  id: number;
  accountId: string;
  authorId: string | null;
  kind: TimelineKind;
  occurredAt: IsoInstant;
  sentiment: SentimentColor | null;
  personas: Persona[];
  summary: string;
}

export interface SupportTicket {
  id: number;
  accountId: string;
  severity: TicketSeverity;
  openedAt: IsoInstant;
  closedAt: IsoInstant | null;
  subject: string;
}

export interface Milestone {
  id: number;
  objectiveId: number;
  title: string;
  technical: boolean;
  ownerId: string | null;
  dueDate: IsoDate | null;
  status: MilestoneStatus;
  progressPct: number;
}

export interface Objective {
  id: number;
  planId: number;
  title: string;
  useCase: UseCase | null;
  dueDate: IsoDate | null;
  status: ObjectiveStatus;
  successCriteria: string | null;
  outcomeStage: OutcomeStage | null;
  milestones: Milestone[];
}

export interface SuccessPlan {
  id: number;
  accountId: string;
  status: PlanStatus;
  hasStrategy: boolean;
  hasHighlights: boolean;
  updatedAt: IsoInstant;
  objectives: Objective[];
}

export interface Deliverable {
  id: number;
  engagementId: number;
  title: string;
  dueDate: IsoDate;
  deliveredOn: IsoDate | null;
  status: DeliverableStatus;
}

export interface DocUpdate {
  id: number;
  engagementId: number;
  url: string;
  updatedOn: IsoDate;
}

export interface Engagement {
  id: number;
  accountId: string;
  cseId: string | null;
  kind: EngagementKind;
  status: EngagementStatus;
  startedOn: IsoDate | null;
  completedOn: IsoDate | null;
  deliverables: Deliverable[];
  docUpdates: DocUpdate[];
}

export interface Survey {
  id: number;
  accountId: string;
  engagementId: number | null;
  kind: SurveyKind;
  sentOn: IsoDate;
  respondedOn: IsoDate | null;
  /** csat 1..5, nps 0..10; null until answered. */
  score: number | null;
}

export interface Renewal {
  id: number;
  accountId: string;
  renewalDate: IsoDate;
  atrCents: Cents;
  forecastCents: Cents;
  riskCategory: RiskCategory;
  riskReason: string | null;
  status: RenewalStatus;
  wonCents: Cents | null;
  closedOn: IsoDate | null;
}

export interface ProgramSession {
  id: number;
  kind: ProgramKind;
  title: string;
  useCase: UseCase | null;
  heldOn: IsoDate;
}

export interface ProgramAttendance {
  id: number;
  sessionId: number;
  accountId: string;
  attendees: number;
}

/** Attendance joined with its session, as the account's facts carry it. */
export interface ProgramAttendanceWithSession extends ProgramAttendance {
  session: ProgramSession;
}

export interface HealthOverride {
  id: number;
  accountId: string;
  color: Color;
  reason: string;
  authorId: string;
  createdAt: IsoInstant;
  expiresAt: IsoInstant | null;
  clearedAt: IsoInstant | null;
  clearedBy: string | null;
}

/** Everything the engine needs about one account; the server loads this per account. */
export interface AccountFacts {
  account: Account;
  ownerHistory: OwnerAssignment[];
  arrMovements: ArrMovement[];
  usageSnapshots: UsageSnapshot[];
  timeline: TimelineEntry[];
  supportTickets: SupportTicket[];
  successPlan: SuccessPlan | null;
  engagements: Engagement[];
  surveys: Survey[];
  renewals: Renewal[];
  programAttendance: ProgramAttendanceWithSession[];
  healthOverrides: HealthOverride[];
}
