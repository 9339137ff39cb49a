import {
  type AccountSummary,
  addDays,
  COLORS,
  type Color,
  defaultConfig,
  ENGAGEMENT_KINDS,
  ENGAGEMENT_STATUSES,
  type IsoDate,
  LIFECYCLE_STAGES,
  OUTCOME_STAGES,
  OWNER_ROLES,
  type OwnerRole,
  type PlanStatusShown,
  PROGRAM_KINDS,
  REGIONS,
  RENEWAL_STATUSES,
  RISK_CATEGORIES,
  SEGMENTS,
  SUCCESS_TIERS,
  type SummaryHistoryPoint,
  type TeamMember,
  type TimeToValueResult,
  trendDates,
  USE_CASES,
  type UseCase,
} from '../src/index.js';
import { AS_OF, member } from './fixtures.js';

/**
 * A random organisation of account summaries, for the property test and the benchmark of the
 * incremental team views. Summaries are drawn field by field (not scored from facts): the views
 * must hold for any summary, and random fields reach corners that scored facts rarely do.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** mulberry32 */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A date within `days` before (or a little after) asOf. */
  date(days = 800): IsoDate {
    return addDays(AS_OF, 20 - this.int(days));
  }
}

const PLAN_STATUSES_SHOWN: PlanStatusShown[] = [
  'none',
  'draft',
  'active_green',
  'active_yellow',
  'active_red',
  'completed',
];

const TREND = trendDates(AS_OF, defaultConfig.trendPoints);

/** People: managers in two chains, and CSMs, CSEs, CSAs, AEs and RMs reporting to them. */
export function randomMembers(random: Random, perRole = 4): TeamMember[] {
  const members: TeamMember[] = [
    member({ id: 'mgr-1', role: 'manager', region: 'emea' }),
    member({ id: 'mgr-2', role: 'manager', region: 'amer' }),
    member({ id: 'mgr-1a', role: 'manager', region: 'emea', managerId: 'mgr-1' }),
  ];
  for (const role of OWNER_ROLES) {
    for (let i = 0; i < perRole; i++) {
      members.push(
        member({
          id: `${role}-${i}`,
          role,
          region: random.pick(REGIONS),
          managerId: random.pick(['mgr-1', 'mgr-2', 'mgr-1a', null]),
          bookArrTargetCents: random.chance(0.5) ? 100_000_00 * (1 + random.int(5)) : null,
        }),
      );
    }
  }
  return members;
}

function colors(random: Random): Record<UseCase, Color> {
  return Object.fromEntries(USE_CASES.map((uc) => [uc, random.pick(COLORS)])) as Record<UseCase, Color>;
}

function timeToValue(random: Random): TimeToValueResult {
  if (random.chance(0.2)) return { days: null, reached: false, color: 'grey' };
  return { days: random.int(200), reached: random.chance(0.6), color: random.pick(COLORS) };
}

function owners(random: Random, members: readonly TeamMember[]): Record<OwnerRole, string | null> {
  return Object.fromEntries(
    OWNER_ROLES.map((role) => {
      const candidates = members.filter((m) => m.role === role);
      return [role, random.chance(0.15) ? null : random.pick(candidates).id];
    }),
  ) as Record<OwnerRole, string | null>;
}

function historyPoint(random: Random): SummaryHistoryPoint {
  return {
    score: random.chance(0.1) ? null : Math.round(random.next() * 10_000) / 100,
    color: random.pick(COLORS),
    excludedFromHealthAverages: random.chance(0.1),
    useCaseColors: colors(random),
    primaryUseCaseColor: random.pick(COLORS),
    cadenceColor: random.pick(COLORS),
    ebrCovered: random.chance(0.5),
    sentimentStale: random.chance(0.3),
  };
}

export function randomSummary(random: Random, id: string, members: readonly TeamMember[]): AccountSummary {
  const movements = Array.from({ length: random.int(4) }, (_, i) => ({
    kind: i === 0 ? ('new' as const) : random.pick(['expansion', 'contraction', 'churn'] as const),
    amountCents: (1 + random.int(5000)) * 100 + random.int(100),
    effectiveDate: random.date(),
  }));
  const engagements = Object.fromEntries(
    Array.from({ length: random.int(3) }, (_, i) => {
      const engagementId = random.int(1_000_000) * 10 + i;
      return [
        String(engagementId),
        {
          id: engagementId,
          cseId: null,
          kind: random.pick(ENGAGEMENT_KINDS),
          status: random.pick(ENGAGEMENT_STATUSES),
          startedOn: random.chance(0.8) ? random.date(300) : null,
          completedOn: random.chance(0.6) ? random.date(200) : null,
          docUpdateDates: random.chance(0.5) ? [random.date(200)] : [],
          deliverables: Array.from({ length: random.int(3) }, (_, d) => ({
            id: engagementId * 10 + d,
            dueDate: random.date(200),
            deliveredOn: random.chance(0.6) ? random.date(200) : null,
            status: random.pick(['open', 'delivered', 'cancelled'] as const),
          })),
        },
      ];
    }),
  );
  const engagementIds = Object.values(engagements).map((e) => e.id);
  const surveys = Object.fromEntries(
    Array.from({ length: random.int(4) }, (_, i) => {
      const kind = random.pick(['csat', 'nps'] as const);
      return [
        String(i),
        {
          id: i,
          kind,
          engagementId: engagementIds.length > 0 && random.chance(0.8) ? random.pick(engagementIds) : null,
          sentOn: random.date(200),
          respondedOn: random.chance(0.7) ? random.date(200) : null,
          score: random.chance(0.9) ? random.int(kind === 'csat' ? 6 : 11) : null,
        },
      ];
    }),
  );
  const renewals = Object.fromEntries(
    Array.from({ length: random.int(3) }, (_, i) => {
      const status = random.pick(RENEWAL_STATUSES);
      const atr = (1 + random.int(1000)) * 100;
      return [
        String(i),
        {
          id: i,
          renewalDate: random.date(500),
          atrCents: atr,
          forecastCents: atr + (random.int(200) - 100) * 100,
          riskCategory: random.pick(RISK_CATEGORIES),
          riskReason: null,
          status,
          wonCents: status === 'won' ? random.int(atr * 2) : null,
          closedOn: status === 'open' ? null : random.date(500),
          forecastColor: random.pick(COLORS),
        },
      ];
    }),
  );
  const entitlement = random.chance(0.4) ? 1 + random.int(4) : 0;
  const overdue = random.chance(0.3);
  const history = Object.fromEntries(
    TREND.filter(() => !random.chance(0.03)).map((date) => [date, historyPoint(random)]),
  );
  return {
    accountId: id,
    name: id,
    asOf: AS_OF,
    region: random.pick(REGIONS),
    segment: random.pick(SEGMENTS),
    successTier: random.pick(SUCCESS_TIERS),
    planTier: 'premium',
    priority: 1,
    lifecycleStage: random.pick(LIFECYCLE_STAGES),
    churned: random.chance(0.1),
    owners: owners(random, members),
    ownersAt12MonthsAgo: owners(random, members),
    healthScore: random.chance(0.1) ? null : Math.round(random.next() * 10_000) / 100,
    healthColor: random.pick(COLORS),
    healthLabel: null,
    overridden: false,
    excludedFromHealthAverages: random.chance(0.1),
    scoreThirtyDaysAgo: null,
    thirtyDaysAgo: addDays(AS_OF, -30),
    colorSevenDaysAgo: random.pick(COLORS),
    scoreSevenDaysAgo: null,
    turnedRedThisWeek: random.chance(0.1),
    turnedRedCause: null,
    arrNowCents: movements.reduce(
      (sum, m) => sum + (m.kind === 'new' || m.kind === 'expansion' ? 1 : -1) * m.amountCents,
      0,
    ),
    arr12MonthsAgoCents: 0,
    arrMovements: movements,
    useCaseColors: colors(random),
    useCaseColorsAtQuarterStart: colors(random),
    greenUseCases: null,
    primaryUseCase: random.chance(0.8) ? random.pick(USE_CASES) : null,
    primaryUseCaseColor: random.pick(COLORS),
    primaryUseCaseGreenSince: null,
    licenseUtilization: random.next(),
    plan: {
      applicable: random.chance(0.8),
      status: random.pick(PLAN_STATUSES_SHOWN),
      color: random.pick(COLORS),
      percentComplete: random.chance(0.3) ? null : random.next(),
      greenWithTechnicalMilestones: random.chance(0.4),
      outcomeFunnel: Object.fromEntries(OUTCOME_STAGES.map((stage) => [stage, random.int(4)])) as Record<
        (typeof OUTCOME_STAGES)[number],
        number
      >,
    },
    ebrApplicable: random.chance(0.6),
    lastEbrDate: null,
    ebrDates: Array.from({ length: random.int(3) }, () => random.date(300)),
    ebrOverdue: false,
    cadenceApplicable: random.chance(0.7),
    cadenceColor: random.pick(COLORS),
    daysSinceLastMeeting: null,
    lastEngagementDate: null,
    timeToEngage: timeToValue(random),
    timeToFirstValue: timeToValue(random),
    timeToOnboard: timeToValue(random),
    sentimentColor: random.pick(COLORS),
    sentimentDate: null,
    sentimentStale: random.chance(0.3),
    renewals,
    engagements,
    surveys,
    programAttendance: Array.from({ length: random.int(3) }, (_, i) => ({
      sessionId: i,
      kind: random.pick(PROGRAM_KINDS),
      heldOn: random.date(200),
      attendees: 1 + random.int(5),
    })),
    acceleratorEntitlementPerYear: entitlement,
    acceleratorsLast365Days: random.int(5),
    daysSinceLastAccelerator: null,
    acceleratorOverdue: overdue,
    acceleratorColor:
      entitlement <= 0 ? 'grey' : overdue ? 'red' : random.pick(['green', 'yellow', 'red'] as const),
    history,
  };
}

/** The account ids of an organisation of `n` accounts, in account order. */
export const accountId = (i: number) => `acc-${String(i).padStart(5, '0')}`;
