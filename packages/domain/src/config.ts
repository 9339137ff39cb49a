import type { Role, SuccessTier } from './facts.js';

/** Lower bounds of the green and yellow bands of a "higher is better" KPI; below yellow is red. */
export interface Bands {
  green: number;
  yellow: number;
}

/** Day limits of a "lower is better" clock: green ≤ greenMaxDays, yellow ≤ yellowMaxDays, red above. */
export interface DayLimits {
  greenMaxDays: number;
  yellowMaxDays: number;
}

/** Every threshold of KPIS.md in one place; defaults are the KPIS.md values. */
export interface PulseConfig {
  /** Month (1–12) in which the fiscal year ends; FY named after the calendar year it ends in. */
  fiscalYearEndMonth: number;
  points: { green: number; yellow: number; red: number };
  scoreBands: { green: number; yellow: number };
  groupWeights: {
    product: number;
    risk: number;
    outcomes: number;
    voice_of_customer: number;
    engagement: number;
  };
  measureWeights: {
    license_utilization: number;
    user_engagement: number;
    scm_adoption: number;
    ci_adoption: number;
    security_adoption: number;
    cd_adoption: number;
    owner_sentiment: number;
    success_plan: number;
    support_load: number;
    meeting_cadence: number;
    persona_engagement: number;
  };
  usageMaxAgeDays: number;
  onboardingGraceDays: number;
  licenseUtilization: {
    /** Month boundaries of the table columns: < 2, 2–<6, 6–<9, ≥ 9. */
    monthBoundaries: [number, number, number];
    low: number;
    mid: number;
    high: number;
  };
  userEngagement: Bands;
  sentiment: { staleAfterDays: number; greyAfterDays: number };
  support: { windowDays: number; greenMax: number; yellowMax: number };
  emergency: { recentClosedDays: number };
  cadence: Record<1 | 2, DayLimits>;
  personaWindowDays: number;
  adoption: {
    scmGitUsersShare: { redMax: number; yellowMax: number };
    ciBuildsPerUser: { redMax: number; yellowMax: number };
    securityScannerUsersShare: { redMax: number; greenMin: number };
    securityScansPerPipeline: { yellowMin: number; yellowMax: number };
    securityScannerTypes: { redMax: number; greenMin: number };
    cdDeployingUsersShare: { yellowMin: number; yellowMax: number };
    cdDeploymentsPerUser: { yellowMin: number; yellowMax: number };
    cdSuccessRate: { yellowMin: number; yellowMax: number };
    agileUsersShare: { yellowMin: number; yellowMax: number };
  };
  platformAdoptionUseCases: number;
  platformAdoption: Bands;
  primaryUseCaseAdoption: Bands;
  useCaseExpansion: Bands;
  planStaleDays: number;
  /**
   * A completed success plan [ours; KPIS.md §3 is silent]: its outcomes were reached, so it stays
   * green for `greenForDays` after its last update when at least one objective closed in success,
   * then turns yellow ("completed: plan the next objectives"). A completed plan whose objectives all
   * closed lost or not relevant stays red, as any plan without a live objective (§3's first rule).
   */
  completedPlan: { greenForDays: number };
  /**
   * A manual override on a will-churn account [ours; KPIS.md §1.3 lists both as overrides]:
   * `lifecycle` — the will-churn stage wins (grey "Will churn", out of health averages); the
   * override is kept, shown as suspended, and applies again if the stage changes before it expires.
   * `override` — the person's colour wins while the account stays out of health averages.
   */
  willChurnBeatsOverride: boolean;
  /**
   * Pulse's own bands, where KPIS.md names a KPI but gives no bands; all in one place so an
   * organisation sees which colours are ours and tunes them here:
   * - acceleratorDelivery: CSA 'accelerators delivered against entitlement' (delivered / owed);
   * - greenSuccessPlans: CSM 'green success plans' share;
   * - cadenceCoverage: CSM 'cadence coverage' share.
   */
  ownBands: { acceleratorDelivery: Bands; greenSuccessPlans: Bands; cadenceCoverage: Bands };
  grr: Bands;
  nrr: Bands;
  renewalRate: Bands;
  /** Book ARR targets in cents per role; a member's own target wins. */
  bookArrTargetCents: Partial<Record<Role, number>>;
  /** Yellow from this fraction of the book target. */
  bookArrYellowShare: number;
  timeToEngage: DayLimits;
  timeToFirstValue: DayLimits & { threshold: number };
  timeToOnboard: DayLimits;
  ebr: { coverageWindowDays: number; coverage: Bands; overdueDays: Partial<Record<SuccessTier, number>> };
  cseKpi: {
    greenPlans: Bands;
    deliverablesOnTime: Bands;
    csat: Bands;
    csatMinResponses: number;
    docsPerEngagement: Bands;
  };
  /**
   * Accelerators per year by tier and the overdue limit [GL]. An entitled account is red on
   * accelerators when its last one (or its contract start, before the first) is more than
   * `overdueDays` old, even when the year's entitlement is met; else its delivered share takes
   * `ownBands.acceleratorDelivery`.
   */
  accelerators: { perYear: Partial<Record<SuccessTier, number>>; overdueDays: number };
  /** Default window: this fiscal quarter and the next (`windowQuarters`), unless days are given. */
  renewals: { windowQuarters: number; redWithinDays: number; expansionLicenseUtilization: number };
  trendPoints: number;
  waterfallQuarters: number;
  turnedRedWindowDays: number;
  scoreTrendDays: number;
  /** [ours] defaults of the alert rules' thresholds (a rule may set its own). */
  alerts: {
    /** 'Health dropped by ≥ N points' over `turnedRedWindowDays`. */
    healthDropPoints: number;
    /** 'Renewal within N days forecast red or at risk' (KPIS.md's 120-day renewal list). */
    renewalWithinDays: number;
    /** 'Success plan not updated for N days' (KPIS.md §3's quarterly update). */
    planNotUpdatedDays: number;
    /** Default quiet period: the same rule does not alert on the same account again within it. */
    quietHours: number;
  };
}

export const defaultConfig: PulseConfig = {
  fiscalYearEndMonth: 1,
  points: { green: 87.5, yellow: 62.5, red: 25 },
  scoreBands: { green: 75, yellow: 50 },
  groupWeights: { product: 50, risk: 25, outcomes: 10, voice_of_customer: 5, engagement: 10 },
  measureWeights: {
    license_utilization: 30,
    user_engagement: 10,
    scm_adoption: 15,
    ci_adoption: 15,
    security_adoption: 15,
    cd_adoption: 15,
    owner_sentiment: 100,
    success_plan: 100,
    support_load: 100,
    meeting_cadence: 50,
    persona_engagement: 50,
  },
  usageMaxAgeDays: 60,
  onboardingGraceDays: 30,
  licenseUtilization: { monthBoundaries: [2, 6, 9], low: 0.1, mid: 0.5, high: 0.75 },
  userEngagement: { green: 0.8, yellow: 0.5 },
  sentiment: { staleAfterDays: 90, greyAfterDays: 120 },
  support: { windowDays: 30, greenMax: 5, yellowMax: 15 },
  emergency: { recentClosedDays: 7 },
  cadence: { 1: { greenMaxDays: 35, yellowMaxDays: 60 }, 2: { greenMaxDays: 65, yellowMaxDays: 90 } },
  personaWindowDays: 90,
  adoption: {
    scmGitUsersShare: { redMax: 0.1, yellowMax: 0.33 },
    ciBuildsPerUser: { redMax: 2, yellowMax: 40 },
    securityScannerUsersShare: { redMax: 0.05, greenMin: 0.2 },
    securityScansPerPipeline: { yellowMin: 0.1, yellowMax: 0.5 },
    securityScannerTypes: { redMax: 1, greenMin: 3 },
    cdDeployingUsersShare: { yellowMin: 0.05, yellowMax: 0.12 },
    cdDeploymentsPerUser: { yellowMin: 2, yellowMax: 7 },
    cdSuccessRate: { yellowMin: 0.25, yellowMax: 0.8 },
    agileUsersShare: { yellowMin: 0.2, yellowMax: 0.5 },
  },
  platformAdoptionUseCases: 3,
  platformAdoption: { green: 0.4, yellow: 0.25 },
  primaryUseCaseAdoption: { green: 0.7, yellow: 0.5 },
  useCaseExpansion: { green: 0.25, yellow: 0.1 },
  planStaleDays: 90,
  completedPlan: { greenForDays: 90 },
  willChurnBeatsOverride: true,
  ownBands: {
    acceleratorDelivery: { green: 0.9, yellow: 0.75 },
    greenSuccessPlans: { green: 0.9, yellow: 0.75 },
    cadenceCoverage: { green: 0.75, yellow: 0.5 },
  },
  grr: { green: 0.9, yellow: 0.85 },
  nrr: { green: 1.1, yellow: 1.0 },
  renewalRate: { green: 0.9, yellow: 0.85 },
  bookArrTargetCents: { csm: 500_000_000, cse: 500_000_000, csa: 500_000_000 },
  bookArrYellowShare: 0.8,
  timeToEngage: { greenMaxDays: 14, yellowMaxDays: 21 },
  timeToFirstValue: { greenMaxDays: 30, yellowMaxDays: 45, threshold: 0.1 },
  timeToOnboard: { greenMaxDays: 45, yellowMaxDays: 60 },
  ebr: {
    coverageWindowDays: 365,
    coverage: { green: 0.75, yellow: 0.5 },
    overdueDays: { essentials: 365, advanced: 182, signature: 182 },
  },
  cseKpi: {
    greenPlans: { green: 0.9, yellow: 0.75 },
    deliverablesOnTime: { green: 0.9, yellow: 0.75 },
    csat: { green: 0.85, yellow: 0.7 },
    csatMinResponses: 5,
    docsPerEngagement: { green: 0.95, yellow: 0.8 },
  },
  accelerators: {
    perYear: { advanced: 2, signature: 4 },
    overdueDays: 120,
  },
  renewals: { windowQuarters: 2, redWithinDays: 120, expansionLicenseUtilization: 0.9 },
  trendPoints: 6,
  waterfallQuarters: 4,
  turnedRedWindowDays: 7,
  scoreTrendDays: 30,
  alerts: { healthDropPoints: 10, renewalWithinDays: 120, planNotUpdatedDays: 90, quietHours: 24 },
};
