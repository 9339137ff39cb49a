import type {
  Color,
  EngagementKind,
  LifecycleStage,
  ObjectiveStatus,
  OwnerRole,
  Persona,
  PlanTier,
  RiskCategory,
  Segment,
  SentimentColor,
  SuccessTier,
  TicketSeverity,
  UseCase,
} from '@pulse/domain';
import type { Insertable } from 'kysely';
import type {
  ArrMovementsTable,
  DeliverablesTable,
  DocUpdatesTable,
  EngagementsTable,
  HealthOverridesTable,
  NewAccount,
  RenewalsTable,
  SpMilestonesTable,
  SpObjectivesTable,
  SuccessPlansTable,
  SupportTicketsTable,
  SurveysTable,
  TimelineEntriesTable,
  UsageSnapshotsTable,
} from '../database/database.types.js';
import { instant, isoDate } from './demo-calendar.js';
import { type DemoPast, tellPast } from './demo-history.js';
import { DEMO_REGIONS, type DemoTeam } from './demo-team.js';
import type { Random } from './prng.js';

type Row<T> = Omit<Insertable<T>, 'id' | 'account_id'>;

export interface DemoObjective {
  readonly objective: Omit<Row<SpObjectivesTable>, 'plan_id'>;
  readonly milestones: Omit<Row<SpMilestonesTable>, 'objective_id'>[];
}

export interface DemoEngagement {
  readonly engagement: Row<EngagementsTable>;
  readonly deliverables: Omit<Row<DeliverablesTable>, 'engagement_id'>[];
  readonly docUpdates: Omit<Row<DocUpdatesTable>, 'engagement_id'>[];
  readonly surveys: Omit<Row<SurveysTable>, 'engagement_id'>[];
}

/** Every row of one demo account, children keyed by their parent's position. */
export interface DemoAccount {
  readonly account: NewAccount;
  readonly ownerHistory: { role: OwnerRole; member_id: string | null; valid_from: Date }[];
  readonly arrMovements: Row<ArrMovementsTable>[];
  readonly usage: Row<UsageSnapshotsTable>[];
  readonly timeline: Row<TimelineEntriesTable>[];
  readonly tickets: Row<SupportTicketsTable>[];
  readonly renewals: Row<RenewalsTable>[];
  readonly surveys: Row<SurveysTable>[];
  readonly plan: { plan: Row<SuccessPlansTable>; objectives: DemoObjective[] } | null;
  readonly engagements: DemoEngagement[];
  readonly attendance: { sessionIndex: number; attendees: number }[];
  readonly overrides: Row<HealthOverridesTable>[];
  /** The facts history of the account's mutable rows, ending in the rows above. */
  readonly past: DemoPast;
}

/** The colour each measure of this account is steered towards (grey = no data or not applicable). */
interface Targets {
  license: Color;
  engagement: Color;
  scm: Color;
  ci: Color;
  security: Color;
  cd: Color;
  agile: Color;
  sentiment: Color;
  plan: Color;
  support: Color;
  cadence: Color;
  persona: Color;
}

const SEGMENT_ARR_CENTS: Record<Segment, [number, number]> = {
  enterprise: [20_000_000, 200_000_000],
  mid_market: [5_000_000, 30_000_000],
  smb: [1_000_000, 6_000_000],
  public_sector: [10_000_000, 100_000_000],
};
const SEGMENT_SEATS: Record<Segment, [number, number]> = {
  enterprise: [500, 5000],
  mid_market: [100, 800],
  smb: [10, 150],
  public_sector: [200, 3000],
};
const COMPANY_WORDS = [
  'Acme',
  'Globex',
  'Initech',
  'Umbrella',
  'Stark',
  'Wayne',
  'Tyrell',
  'Cyberdyne',
  'Soylent',
  'Hooli',
  'Vandelay',
  'Wonka',
  'Aperture',
  'Black Mesa',
  'Oscorp',
  'Monarch',
  'Nakatomi',
  'Gringotts',
  'Duff',
  'Pied Piper',
  'Massive',
  'Dunder',
  'Prestige',
  'Sirius',
  'Zorg',
  'Vehement',
  'Gekko',
  'Kramerica',
];
const COMPANY_SUFFIXES = [
  'Systems',
  'Labs',
  'Bank',
  'Health',
  'Logistics',
  'Energy',
  'Retail',
  'Media',
  'Agency',
];
const RISK_REASONS: Record<RiskCategory, string | null> = {
  will_renew: null,
  will_contract: 'Budget cut: reducing seats to active users',
  will_contract_actionable: 'Seat reduction unless the CI rollout lands this quarter',
  will_churn: 'Consolidating on a competitor after a merger',
  will_churn_actionable: 'Champion left; executive sponsor open to a recovery plan',
};
const USE_CASES: readonly UseCase[] = ['scm', 'ci', 'security', 'cd', 'agile'];
const COLORS: readonly Color[] = ['green', 'yellow', 'red', 'grey'];

export interface AccountContext {
  readonly index: number;
  /** asOf as an epoch day: the anchor every date is relative to. */
  readonly today: number;
  readonly team: DemoTeam;
  readonly sessionCount: number;
  readonly sessionDays: readonly number[];
  /** An independent stream for the account's past, so telling it leaves the present rows as they are. */
  readonly past: Random;
}

/** Number of leading accounts whose measures are forced through every colour in turn. */
export const SHOWCASE_ACCOUNTS = 16;

export function generateAccount(random: Random, context: AccountContext): DemoAccount {
  const { index, today, team } = context;
  const showcase = index < SHOWCASE_ACCOUNTS ? COLORS[index % 4]! : null;

  // Who and what.
  const region = DEMO_REGIONS[index % 4 === 3 && index < SHOWCASE_ACCOUNTS ? 3 : pickRegion(random)]!;
  const segment: Segment =
    region === 'pubsec'
      ? random.chance(0.85)
        ? 'public_sector'
        : 'enterprise'
      : random.weighted({ enterprise: 3, mid_market: 4, smb: 3 });
  let tier: SuccessTier =
    segment === 'smb'
      ? random.weighted({ on_demand: 6, cse_assigned: 3, essentials: 1 })
      : segment === 'mid_market'
        ? random.weighted({ on_demand: 2, cse_assigned: 3, essentials: 4, advanced: 1 })
        : random.weighted({ cse_assigned: 1, essentials: 3, advanced: 3, signature: 2 });
  let planTier: PlanTier = random.weighted({ free: 1, premium: 5, ultimate: 4 });
  if (showcase) {
    tier =
      showcase === 'grey'
        ? index < 8
          ? 'cse_assigned'
          : 'on_demand'
        : (['essentials', 'advanced', 'signature'] as const)[index % 3]!;
    planTier = showcase === 'grey' ? 'premium' : 'ultimate';
  }
  const priority: 1 | 2 = tier === 'advanced' || tier === 'signature' || random.chance(0.2) ? 1 : 2;
  const ownerLed = tier === 'essentials' || tier === 'advanced' || tier === 'signature';
  const regionTeam = team.regions[region];
  const csmId = ownerLed ? random.pick(regionTeam.csms) : null;
  const cseId =
    tier === 'cse_assigned' || tier === 'signature'
      ? random.pick(regionTeam.cses)
      : tier === 'on_demand'
        ? random.pick(team.pooledCses)
        : null;
  const csaId = tier === 'advanced' || tier === 'signature' ? random.pick(regionTeam.csas) : null;
  const sentimentOwner = csaId ?? csmId ?? (tier === 'cse_assigned' ? cseId : null);

  // When: contract age up to ~3.3 years; showcase ages make the license colour reachable.
  let ageDays = random.int(5, 1200);
  if (showcase)
    ageDays = { green: 400 + index * 20, yellow: 100 + index * 5, red: 330 + index * 30, grey: 40 + index }[
      showcase
    ];
  const contractStart = today - ageDays;

  const targets = pickTargets(random, showcase, { tier, planTier, ageDays, ownerLed });

  // ARR ledger and renewals at each anniversary.
  const arrMovements: Row<ArrMovementsTable>[] = [];
  const renewals: Row<RenewalsTable>[] = [];
  const [minArr, maxArr] = SEGMENT_ARR_CENTS[segment];
  let arr = roundCents(random.float(minArr, maxArr));
  arrMovements.push({
    kind: 'new',
    amount_cents: arr,
    effective_date: isoDate(contractStart),
    note: 'Initial subscription',
  });
  let churnedOn: number | null = null;
  let lastExpansion: number | null = null;
  let anniversary = contractStart + 365;
  for (; anniversary <= today; anniversary += 365) {
    const atr = arr;
    const roll = random.float();
    if (roll < 0.06) {
      arrMovements.push({
        kind: 'churn',
        amount_cents: arr,
        effective_date: isoDate(anniversary),
        note: 'Did not renew',
      });
      renewals.push(closedRenewal(anniversary, atr, 'lost', 0, 'will_churn'));
      arr = 0;
      churnedOn = anniversary;
      break;
    }
    if (roll < 0.16) {
      const cut = roundCents(arr * random.float(0.1, 0.4));
      arrMovements.push({
        kind: 'contraction',
        amount_cents: cut,
        effective_date: isoDate(anniversary),
        note: 'Seat reduction at renewal',
      });
      arr -= cut;
    } else if (roll < 0.55) {
      const growth = roundCents(arr * random.float(0.1, 0.6));
      arrMovements.push({
        kind: 'expansion',
        amount_cents: growth,
        effective_date: isoDate(anniversary),
        note: 'Upsell at renewal',
      });
      arr += growth;
      lastExpansion = anniversary;
    }
    renewals.push(closedRenewal(anniversary, atr, 'won', arr, arr < atr ? 'will_contract' : 'will_renew'));
    const midTerm = anniversary + random.int(90, 270);
    if (midTerm < today && random.chance(0.2)) {
      const growth = roundCents(arr * random.float(0.05, 0.3));
      arrMovements.push({
        kind: 'expansion',
        amount_cents: growth,
        effective_date: isoDate(midTerm),
        note: 'Mid-term seat add',
      });
      arr += growth;
      lastExpansion = midTerm;
    }
  }
  // A few churned customers come back months later.
  let returnedOn: number | null = null;
  if (churnedOn !== null && random.chance(0.2)) {
    const back = churnedOn + random.int(90, 270);
    if (back < today - 30) {
      arr = roundCents(random.float(minArr, maxArr) / 2);
      arrMovements.push({
        kind: 'new',
        amount_cents: arr,
        effective_date: isoDate(back),
        note: 'Returned customer',
      });
      returnedOn = back;
    }
  }
  const churned = churnedOn !== null && returnedOn === null;
  const renewalDay = churned
    ? null
    : (returnedOn ?? contractStart) + 365 * Math.ceil((today + 1 - (returnedOn ?? contractStart)) / 365);
  let risk: RiskCategory | null = null;
  if (renewalDay !== null) {
    risk = showcase
      ? (['will_renew', 'will_contract_actionable', 'will_contract', 'will_churn_actionable'] as const)[
          index % 4
        ]!
      : random.weighted({
          will_renew: 55,
          will_contract: 10,
          will_contract_actionable: 10,
          will_churn: 7,
          will_churn_actionable: 8,
        });
    if (index === SHOWCASE_ACCOUNTS - 1) risk = 'will_churn';
    const forecast =
      risk === 'will_renew'
        ? arr * (random.chance(0.06) ? random.float(0.8, 0.95) : random.float(1, 1.3))
        : risk === 'will_contract'
          ? arr * random.float(0.6, 0.9)
          : risk === 'will_contract_actionable'
            ? arr * (random.chance(0.7) ? 1 : random.float(0.8, 0.95))
            : risk === 'will_churn'
              ? 0
              : arr;
    renewals.push({
      renewal_date: isoDate(renewalDay),
      atr_cents: arr,
      // A renewal that will churn forecasts nothing; the $1 floor of amounts does not apply to it.
      forecast_cents: forecast === 0 ? 0 : roundCents(forecast),
      risk_category: risk,
      risk_reason: RISK_REASONS[risk],
      status: 'open',
      won_cents: null,
      closed_on: null,
    });
  }
  const activeSince = returnedOn ?? contractStart;
  const endDay = churned ? churnedOn! : today;

  const lifecycle: LifecycleStage = churned
    ? 'churned'
    : risk === 'will_churn'
      ? 'will_churn'
      : today - activeSince < 90
        ? 'onboarding'
        : renewalDay !== null && renewalDay - today <= 90
          ? 'renewing'
          : lastExpansion !== null && today - lastExpansion <= 180
            ? 'expanding'
            : 'adopting';

  // Seats and usage.
  const [minSeats, maxSeats] = SEGMENT_SEATS[segment];
  const seats = random.int(minSeats, maxSeats);
  const primaryUseCase: UseCase | null = random.chance(0.9)
    ? random.weighted({ scm: 3, ci: 4, security: 2, cd: 2, agile: 1 })
    : null;
  const trend = random.weighted({ growing: 4, stalling: 3, falling: 2 });
  const usageStale = targets.engagement === 'grey';
  const usage = generateUsage(random, {
    seats,
    targets,
    activeSince,
    endDay,
    today,
    usageStale,
    trend,
    ageDays,
  });
  const firstValueDay = firstLicenseUse(usage, seats);

  const onboardingStart = today - activeSince < 540 ? activeSince + random.int(0, 10) : null;
  const onboardingDays = random.weighted({ fast: 5, slow: 2, late: 1 });
  const onboardingLength = { fast: random.int(20, 45), slow: random.int(46, 60), late: random.int(61, 95) }[
    onboardingDays
  ];
  const onboardingClosed =
    onboardingStart !== null && onboardingStart + onboardingLength <= today
      ? onboardingStart + onboardingLength
      : null;

  const timeline = generateTimeline(random, {
    targets,
    priority,
    tier,
    activeSince,
    endDay,
    today,
    onboardingStart,
    author: sentimentOwner ?? cseId,
    sentimentOwner,
  });
  const tickets = generateTickets(random, targets.support, activeSince, endDay, today, index);
  const plan =
    ownerLed || random.chance(0.15)
      ? generatePlan(random, targets.plan, today, primaryUseCase, cseId ?? csaId ?? csmId)
      : null;
  const { engagements, surveys } = generateEngagements(random, {
    tier,
    cseId,
    activeSince,
    endDay,
    today,
    ownerLed,
  });

  const attendance = random
    .sample(
      Array.from({ length: context.sessionCount }, (_, i) => i).filter(
        (i) => context.sessionDays[i]! >= activeSince,
      ),
      random.weighted({ none: 3, few: 5, many: 2 }) === 'none' ? 0 : random.int(1, 5),
    )
    .map((sessionIndex) => ({ sessionIndex, attendees: random.int(1, 12) }));

  const overrides: Row<HealthOverridesTable>[] = [];
  if (index % 53 === 7 && !churned) {
    const variant = ((index / 53) % 3) | 0;
    overrides.push({
      color: random.pick(['green', 'yellow', 'red'] as const),
      reason: [
        'Exec escalation in progress; account team owns recovery',
        'Data lag after instance migration',
        'Strategic logo: health reviewed weekly',
      ][variant]!,
      author_id: regionTeam.manager,
      created_at: instant(today - random.int(3, 40), 15),
      expires_at: variant === 1 ? instant(today - 1, 15) : instant(today + random.int(14, 60), 15),
      cleared_at: variant === 2 ? instant(today - 1, 9) : null,
      cleared_by: variant === 2 ? regionTeam.manager : null,
    });
  }

  const id = `acc-${String(index + 1).padStart(5, '0')}`;
  const name = `${COMPANY_WORDS[index % COMPANY_WORDS.length]} ${COMPANY_SUFFIXES[Math.floor(index / COMPANY_WORDS.length) % COMPANY_SUFFIXES.length]}${index >= COMPANY_WORDS.length * COMPANY_SUFFIXES.length ? ` ${Math.floor(index / (COMPANY_WORDS.length * COMPANY_SUFFIXES.length)) + 1}` : ''}`;
  const owners: Partial<Record<OwnerRole, string | null>> = {
    csm: csmId,
    cse: cseId,
    csa: csaId,
    ae: random.pick(regionTeam.aes),
    rm: random.pick(regionTeam.rms),
  };
  const ownerHistory: DemoAccount['ownerHistory'] = [];
  for (const [role, member] of Object.entries(owners) as [OwnerRole, string | null][]) {
    if (!member) continue;
    // Some books were handed over (retention is attributed to the owner at the cohort start).
    const handover =
      role === 'csm' && today - contractStart > 200 && random.chance(0.15)
        ? today - random.int(30, 180)
        : null;
    if (handover !== null) {
      const previous = random.pick(
        regionTeam.csms
          .filter((csm) => csm !== member)
          .concat(regionTeam.csms)
          .slice(0, 3),
      );
      ownerHistory.push({ role, member_id: previous, valid_from: instant(contractStart, 0) });
      ownerHistory.push({ role, member_id: member, valid_from: instant(handover, 9) });
    } else {
      ownerHistory.push({ role, member_id: member, valid_from: instant(contractStart, 0) });
    }
  }

  const account: NewAccount = {
    id,
    name,
    segment,
    region,
    success_tier: tier,
    plan_tier: planTier,
    priority,
    lifecycle_stage: lifecycle,
    primary_use_case: primaryUseCase,
    csm_id: csmId,
    cse_id: cseId,
    csa_id: csaId,
    ae_id: owners.ae ?? null,
    rm_id: owners.rm ?? null,
    licensed_seats: seats,
    contract_start: isoDate(contractStart),
    renewal_date: renewalDay === null ? null : isoDate(renewalDay),
    onboarding_start: onboardingStart === null ? null : isoDate(onboardingStart),
    onboarding_closed: onboardingClosed === null ? null : isoDate(onboardingClosed),
    first_value_date: firstValueDay !== null && random.chance(0.05) ? isoDate(firstValueDay) : null,
    created_at: instant(contractStart, 8),
    updated_at: instant(Math.max(contractStart, today - random.int(0, 60)), 8),
  };
  const past = tellPast(context.past, {
    today,
    account,
    contractStart,
    churnedOn,
    returnedOn,
    expansions: arrMovements
      .filter((m) => m.kind === 'expansion')
      .map((m) => Date.parse(m.effective_date) / 86_400_000),
    ownerHistory,
    renewals,
    planStatus: plan?.plan.status ?? null,
    sentimentRole: csaId ? 'csa' : csmId ? 'csm' : tier === 'cse_assigned' && cseId ? 'cse' : null,
    regionCsas: regionTeam.csas,
    note: (day, author, summary, sentiment) =>
      timeline.push({
        author_id: author,
        kind: 'note',
        occurred_at: instant(day, 16),
        sentiment,
        personas: [],
        summary,
      }),
  });

  return {
    account,
    ownerHistory,
    arrMovements,
    usage,
    timeline,
    tickets,
    renewals,
    surveys,
    plan,
    engagements,
    attendance,
    overrides,
    past,
  };
}

function pickRegion(random: Random): number {
  return ({ amer: 0, emea: 1, apac: 2, pubsec: 3 } as const)[
    random.weighted({ amer: 40, emea: 25, apac: 15, pubsec: 20 })
  ];
}

const roundCents = (cents: number) => Math.max(100, Math.round(cents / 100) * 100);

function closedRenewal(
  day: number,
  atr: number,
  status: 'won' | 'lost',
  won: number,
  risk: RiskCategory,
): Row<RenewalsTable> {
  return {
    renewal_date: isoDate(day),
    atr_cents: atr,
    forecast_cents: won,
    risk_category: risk,
    risk_reason: RISK_REASONS[risk],
    status,
    won_cents: won,
    closed_on: isoDate(day - 3),
  };
}

function pickTargets(
  random: Random,
  showcase: Color | null,
  account: { tier: SuccessTier; planTier: PlanTier; ageDays: number; ownerLed: boolean },
): Targets {
  const colour = () => (showcase ?? random.weighted({ green: 50, yellow: 27, red: 18, grey: 5 })) as Color;
  const sentimentCapable = account.tier !== 'on_demand';
  const targets: Targets = {
    license: 'green',
    engagement: showcase ?? random.weighted({ green: 50, yellow: 28, red: 19, grey: 3 }),
    scm: colour(),
    ci: colour(),
    security: account.planTier === 'ultimate' ? colour() : 'grey',
    cd: colour(),
    agile: colour(),
    sentiment: sentimentCapable ? colour() : 'grey',
    plan: account.ownerLed ? colour() : 'grey',
    support: colour(),
    cadence: account.ownerLed ? colour() : 'grey',
    persona: account.ownerLed ? colour() : 'grey',
  };
  // License utilization can only be yellow in months 2–9 and is grey before month 2.
  const months = account.ageDays / 30.44;
  targets.license =
    months < 2
      ? 'grey'
      : months < 9
        ? random.weighted({ green: 4, yellow: 4, red: 2 })
        : random.weighted({ green: 6, red: 3 });
  if (showcase && showcase !== 'grey') targets.license = showcase;
  return targets;
}

/** A value in the band of `colour` for a metric with increasing bands [red, yellow, green]. */
function inBand(
  random: Random,
  colour: Color,
  bands: { red: [number, number]; yellow: [number, number]; green: [number, number] },
) {
  const band = colour === 'grey' ? bands.red : bands[colour];
  return random.float(band[0], band[1]);
}

function generateUsage(
  random: Random,
  input: {
    seats: number;
    targets: Targets;
    activeSince: number;
    endDay: number;
    today: number;
    usageStale: boolean;
    trend: 'growing' | 'stalling' | 'falling';
    ageDays: number;
  },
): Row<UsageSnapshotsTable>[] {
  const { seats, targets, trend } = input;
  const months = input.ageDays / 30.44;
  const utilization =
    targets.license === 'green'
      ? random.float(0.8, 1.05)
      : targets.license === 'yellow'
        ? months < 6
          ? random.float(0.15, 0.45)
          : random.float(0.55, 0.72)
        : targets.license === 'red'
          ? random.chance(0.4)
            ? random.float(0.02, 0.08)
            : months >= 9
              ? random.float(0.3, 0.7)
              : random.float(0.02, 0.08)
          : random.float(0.05, 0.5);
  const current = {
    active: inBand(random, targets.engagement, {
      red: [0.25, 0.45],
      yellow: [0.55, 0.77],
      green: [0.82, 0.96],
    }),
    scm: inBand(random, targets.scm, { red: [0.02, 0.09], yellow: [0.12, 0.3], green: [0.38, 0.9] }),
    ciBuilds: inBand(random, targets.ci, { red: [0, 1.8], yellow: [5, 35], green: [45, 120] }),
    scanners: inBand(random, targets.security, { red: [0, 0.04], yellow: [0.07, 0.18], green: [0.22, 0.6] }),
    scansPerPipeline: inBand(random, targets.security, {
      red: [0, 0.08],
      yellow: [0.15, 0.45],
      green: [0.6, 1.5],
    }),
    scannerTypes: { green: random.int(3, 6), yellow: 2, red: random.int(0, 1), grey: 0 }[targets.security],
    deployers: inBand(random, targets.cd, { red: [0, 0.04], yellow: [0.06, 0.11], green: [0.14, 0.4] }),
    deploymentsPerUser: inBand(random, targets.cd, { red: [0, 1.5], yellow: [2.5, 6.5], green: [8, 20] }),
    deploySuccess: inBand(random, targets.cd, { red: [0.05, 0.2], yellow: [0.4, 0.75], green: [0.85, 0.98] }),
    planners: inBand(random, targets.agile, { red: [0.05, 0.15], yellow: [0.25, 0.45], green: [0.55, 0.9] }),
  };
  // Monthly snapshots over the last 18 months of the subscription; the newest one hits the targets.
  const last = input.usageStale
    ? input.today - random.int(65, 110)
    : Math.min(input.endDay, input.today - random.int(1, 5));
  const first = Math.max(input.activeSince + 20, last - 18 * 30);
  const rows: Row<UsageSnapshotsTable>[] = [];
  const steps = Math.max(0, Math.floor((last - first) / 30));
  for (let step = steps; step >= 0; step--) {
    const day = last - step * 30;
    const progress = steps === 0 ? 1 : 1 - step / steps;
    const factor =
      trend === 'growing' ? 0.35 + 0.65 * progress : trend === 'falling' ? 1.6 - 0.6 * progress : 1;
    const wobble = () => (step === 0 ? 1 : random.float(0.92, 1.08));
    const scale = (value: number) => value * factor * wobble();
    const billable = Math.max(1, Math.round(seats * Math.min(1.1, scale(utilization))));
    const share = (ratio: number) => Math.min(billable, Math.round(billable * Math.min(1, scale(ratio))));
    const pipelines = Math.max(1, Math.round(billable * scale(current.ciBuilds) * 0.3));
    const deployments = Math.round(billable * scale(current.deploymentsPerUser));
    const planners = share(current.planners);
    rows.push({
      measured_on: isoDate(day),
      billable_users: billable,
      active_users_28d: share(current.active),
      git_operation_users: share(current.scm),
      ci_builds: Math.round(billable * scale(current.ciBuilds)),
      ci_pipelines: pipelines,
      scanner_users: share(current.scanners),
      scans: Math.round(pipelines * scale(current.scansPerPipeline)),
      scanner_types: current.scannerTypes,
      deploying_users: share(current.deployers),
      deployments,
      successful_deployments: Math.round(deployments * Math.min(1, current.deploySuccess * wobble())),
      issue_users: planners,
      epic_users: Math.round(planners * random.float(0.2, 0.6)),
    });
  }
  return rows;
}

function firstLicenseUse(usage: Row<UsageSnapshotsTable>[], seats: number): number | null {
  const reached = usage.find((row) => row.billable_users / Math.max(1, seats) >= 0.1);
  return reached ? Date.parse(reached.measured_on) / 86_400_000 : null;
}

function generateTimeline(
  random: Random,
  input: {
    targets: Targets;
    priority: 1 | 2;
    tier: SuccessTier;
    activeSince: number;
    endDay: number;
    today: number;
    onboardingStart: number | null;
    author: string | null;
    sentimentOwner: string | null;
  },
): Row<TimelineEntriesTable>[] {
  const { targets, today } = input;
  const rows: Row<TimelineEntriesTable>[] = [];
  const add = (
    day: number,
    kind: Row<TimelineEntriesTable>['kind'],
    personas: Persona[],
    summary: string,
    sentiment: SentimentColor | null = null,
    author = input.author,
  ) => {
    if (day < input.activeSince || day > Math.min(input.endDay, today)) return;
    rows.push({
      author_id: author,
      kind,
      occurred_at: instant(day, random.int(8, 17), random.int(0, 59)),
      sentiment,
      personas,
      summary,
    });
  };
  const p1 = input.priority === 1;
  const lastMeetingAgo = {
    green: random.int(2, p1 ? 30 : 55),
    yellow: p1 ? random.int(38, 58) : random.int(68, 88),
    red: p1 ? random.int(65, 150) : random.int(95, 170),
    grey: random.int(5, 60),
  }[targets.cadence];
  const personasByTarget: Record<Color, Persona[][]> = {
    green: [['dev_lead', 'champion'], ['security_lead']],
    yellow: [[random.pick(['dev_lead', 'security_lead'] as const), 'champion']],
    red: [['executive'], ['other']],
    grey: [[random.pick(['dev_lead', 'champion', 'admin'] as const)]],
  };
  const recentPersonas = personasByTarget[targets.persona];

  // Calls and meetings, newest first, back to the start of the relationship or a year ago.
  const horizon = Math.max(input.activeSince, today - 365);
  let day = today - lastMeetingAgo;
  let n = 0;
  while (day >= horizon) {
    const recent = today - day <= 90;
    const personas: Persona[] = recent
      ? (recentPersonas[n % recentPersonas.length] ?? [])
      : random.sample(
          ['dev_lead', 'security_lead', 'champion', 'executive', 'admin'] as const,
          random.int(0, 2),
        );
    const kind = n % 5 === 3 ? 'workshop' : random.pick(['call', 'meeting', 'call'] as const);
    add(
      day,
      kind,
      personas,
      kind === 'workshop'
        ? 'CI/CD workshop with platform team'
        : 'Cadence call: adoption review and next steps',
    );
    n++;
    day -= random.int(p1 ? 20 : 30, p1 ? 45 : 75);
  }
  // Personas of the last 90 days reach the account by email too when meetings are sparse.
  if (targets.persona === 'green' && lastMeetingAgo > 45) {
    add(today - random.int(5, 40), 'email', ['dev_lead', 'security_lead'], 'Follow-up on scanner rollout');
  }
  // Executive business reviews (never more recent than the last meeting chosen above).
  const ebrEvery = input.tier === 'advanced' || input.tier === 'signature' ? 182 : 365;
  if (input.tier !== 'on_demand' && input.tier !== 'cse_assigned' && random.chance(0.75)) {
    add(
      today - random.int(Math.max(10, lastMeetingAgo), Math.max(lastMeetingAgo, Math.round(ebrEvery * 1.1))),
      'ebr',
      ['executive', 'champion'],
      'Executive business review',
    );
  }
  if (input.onboardingStart !== null) {
    const engageAfter = random.weighted({ fast: 6, slow: 2, late: 1 });
    const engageDay =
      input.onboardingStart +
      { fast: random.int(2, 14), slow: random.int(15, 21), late: random.int(22, 40) }[engageAfter];
    if (engageDay <= today - lastMeetingAgo) add(engageDay, 'call', ['champion', 'admin'], 'Kickoff call');
  }
  for (let i = random.int(1, 3); i > 0; i--)
    add(
      today - random.int(1, 200),
      random.pick(['email', 'note'] as const),
      [],
      'Shared upgrade guide and office-hours link',
    );

  // The owner's sentiment: latest entry decides the colour; 90–120 days old is stale, older is grey.
  if (input.sentimentOwner) {
    const previous = random.pick(['green', 'yellow', 'red'] as const);
    add(today - random.int(150, 300), 'note', [], 'Quarterly health note', previous, input.sentimentOwner);
    if (targets.sentiment !== 'grey') {
      const ago = random.chance(0.12) ? random.int(91, 118) : random.int(1, 85);
      add(today - ago, 'note', [], 'Account health note', targets.sentiment, input.sentimentOwner);
    }
  }
  return rows;
}

function generateTickets(
  random: Random,
  target: Color,
  activeSince: number,
  endDay: number,
  today: number,
  index: number,
): Row<SupportTicketsTable>[] {
  if (target === 'grey') return [];
  const rows: Row<SupportTicketsTable>[] = [];
  const add = (openedDay: number, severity: TicketSeverity, closedAfter: number | null, subject: string) => {
    if (openedDay < activeSince || openedDay > endDay) return;
    const opened = instant(openedDay, random.int(0, 23), random.int(0, 59));
    const closed =
      closedAfter === null || openedDay + closedAfter > today
        ? null
        : new Date(opened.getTime() + closedAfter * 86_400_000 + 3_600_000);
    rows.push({ severity, opened_at: opened, closed_at: closed, subject });
  };
  const recent = {
    green: random.int(1, 5),
    yellow: random.chance(0.3) ? 0 : random.int(6, 15),
    red: random.int(16, 22),
    grey: 0,
  }[target];
  for (let i = 0; i < recent; i++) {
    add(
      today - random.int(0, 29),
      random.weighted({ high: 2, normal: 6, low: 3 }),
      random.chance(0.7) ? random.int(0, 6) : null,
      'Runner registration fails intermittently',
    );
  }
  for (let i = random.int(1, 6); i > 0; i--)
    add(
      today - random.int(31, 365),
      random.weighted({ high: 1, normal: 5, low: 3 }),
      random.int(1, 20),
      'Question about merge request approvals',
    );
  // Emergencies: some open now, some closed within the last week, some long past.
  const emergency =
    index % 23 === 4
      ? 'open'
      : index % 23 === 9
        ? 'recent'
        : random.weighted({ none: 90, open: 2, recent: 3, old: 5 });
  if (emergency === 'open')
    add(today - random.int(0, 2), 'emergency', null, 'Production pipelines blocked after upgrade');
  if (emergency === 'recent') add(today - random.int(2, 6), 'emergency', 1, 'Self-managed instance down');
  if (emergency === 'old') add(today - random.int(30, 300), 'emergency', 1, 'Registry unavailable');
  return rows;
}

function generatePlan(
  random: Random,
  target: Color,
  today: number,
  primaryUseCase: UseCase | null,
  milestoneOwner: string | null,
): DemoAccount['plan'] {
  const variant =
    target === 'green'
      ? 'green'
      : target === 'yellow'
        ? random.pick(['draft', 'no_highlights', 'stale', 'no_open', 'completed'] as const)
        : target === 'red'
          ? random.pick(['none', 'only_closed_lost'] as const)
          : random.pick(['green', 'draft'] as const);
  if (variant === 'none') return null;
  const updatedAgo = variant === 'stale' ? random.int(95, 200) : random.int(1, 80);
  const plan: Row<SuccessPlansTable> = {
    status: variant === 'draft' ? 'draft' : variant === 'completed' ? 'completed' : 'active',
    has_strategy: variant !== 'draft' || random.chance(0.5),
    has_highlights: variant !== 'no_highlights' && (variant !== 'draft' || random.chance(0.5)),
    updated_at: instant(today - updatedAgo, 10),
  };
  const openStatuses: ObjectiveStatus[] = ['not_started', 'on_track', 'on_track', 'watchpoint', 'concern'];
  const closedStatuses: ObjectiveStatus[] =
    variant === 'only_closed_lost'
      ? ['closed_lost', 'closed_not_relevant']
      : ['closed_success', 'closed_success', 'closed_lost', 'closed_not_relevant'];
  const count = random.int(1, 4);
  const objectives: DemoObjective[] = [];
  for (let i = 0; i < count; i++) {
    const open =
      variant === 'only_closed_lost' || variant === 'no_open' || variant === 'completed'
        ? false
        : i === 0 || random.chance(0.6);
    const status = open ? random.pick(openStatuses) : random.pick(closedStatuses);
    const useCase = i === 0 && primaryUseCase ? primaryUseCase : random.pick(USE_CASES);
    const dueDay = open ? today + random.int(-20, 200) : today - random.int(10, 300);
    const milestones: DemoObjective['milestones'] = [];
    for (let m = random.int(i === 0 && variant === 'green' ? 1 : 0, 3); m > 0; m--) {
      const done = !open || random.chance(0.3);
      const msStatus = done ? 'done' : random.weighted({ not_started: 2, in_progress: 5, cancelled: 1 });
      milestones.push({
        title: random.pick([
          'Migrate repositories',
          'Roll out CI templates',
          'Enable SAST and dependency scanning',
          'First production deploy',
          'Train champions',
        ]),
        technical: m === 1 || random.chance(0.6),
        owner_id: random.chance(0.85) ? milestoneOwner : null,
        due_date: random.chance(0.9) ? isoDate(dueDay - random.int(0, 60)) : null,
        status: msStatus,
        progress_pct: msStatus === 'done' ? 100 : msStatus === 'in_progress' ? random.int(10, 90) : 0,
      });
    }
    objectives.push({
      objective: {
        title: `${useCase.toUpperCase()} outcome: ${random.pick(['cut lead time by half', 'replace legacy tooling', 'shift security left', 'one platform for all teams'])}`,
        use_case: useCase,
        due_date: open && i === 0 ? isoDate(dueDay) : random.chance(0.8) ? isoDate(dueDay) : null,
        status,
        success_criteria:
          open && i === 0
            ? 'Measured in usage data and confirmed by the champion'
            : random.chance(0.6)
              ? 'Agreed with sponsor'
              : null,
        outcome_stage: random.chance(0.7)
          ? random.pick(['proposed', 'accepted', 'delivered', 'verified'] as const)
          : null,
      },
      milestones,
    });
  }
  return { plan, objectives };
}

function generateEngagements(
  random: Random,
  input: {
    tier: SuccessTier;
    cseId: string | null;
    activeSince: number;
    endDay: number;
    today: number;
    ownerLed: boolean;
  },
): { engagements: DemoEngagement[]; surveys: Row<SurveysTable>[] } {
  const { today } = input;
  const engagements: DemoEngagement[] = [];
  const plans: { kind: EngagementKind; cse: string | null }[] = [];
  if (input.cseId) {
    for (let i = random.int(input.tier === 'on_demand' ? 0 : 1, 3); i > 0; i--) {
      plans.push({
        kind:
          today - input.activeSince < 120 && i === 1
            ? 'onboarding'
            : random.pick(['workshop', 'migration', 'health_check', 'workshop'] as const),
        cse: input.cseId,
      });
    }
  }
  // CSA accelerators against the tier's entitlement (advanced 2 a year, signature 4).
  const accelerators =
    input.tier === 'signature' ? random.int(1, 4) : input.tier === 'advanced' ? random.int(0, 2) : 0;
  for (let i = 0; i < accelerators; i++) plans.push({ kind: 'accelerator', cse: null });

  for (const { kind, cse } of plans) {
    const start = Math.max(input.activeSince, today - random.int(10, 540));
    if (start > input.endDay) continue;
    const length = random.int(20, 90);
    const status =
      start + length <= today
        ? random.weighted({ completed: 12, cancelled: 1 })
        : random.weighted({ active: 5, planned: 1 });
    const completed = status === 'completed' ? start + length : null;
    const deliverables: DemoEngagement['deliverables'] = [];
    for (let d = random.int(1, 4); d > 0; d--) {
      const due = start + random.int(7, length);
      const outcome =
        status === 'cancelled'
          ? 'cancelled'
          : random.weighted({ on_time: 78, late: 12, open: 7, cancelled: 3 });
      const deliveredOn =
        outcome === 'on_time' ? due - random.int(0, 5) : outcome === 'late' ? due + random.int(1, 20) : null;
      const delivered = deliveredOn !== null && deliveredOn <= today;
      deliverables.push({
        title: random.pick([
          'Architecture review',
          'Pipeline templates',
          'Runbook',
          'Migration plan',
          'Security scan baseline',
        ]),
        due_date: isoDate(due),
        delivered_on: delivered ? isoDate(deliveredOn) : null,
        status: outcome === 'cancelled' ? 'cancelled' : delivered ? 'delivered' : 'open',
      });
    }
    const docUpdates: DemoEngagement['docUpdates'] = [];
    if (completed !== null && random.chance(0.9)) {
      for (let u = random.int(1, 2); u > 0; u--)
        docUpdates.push({
          url: `https://docs.pulse.example/engagements/${kind}/${start}-${u}`,
          updated_on: isoDate(Math.min(today, completed + random.int(0, 7))),
        });
    }
    const surveys: DemoEngagement['surveys'] = [];
    if (completed !== null && completed + 2 <= today) {
      const responded = random.chance(0.75) && completed + 9 <= today;
      surveys.push({
        kind: 'csat',
        sent_on: isoDate(completed + 2),
        responded_on: responded ? isoDate(completed + random.int(3, 9)) : null,
        score: responded ? Number(random.weighted({ 5: 45, 4: 30, 3: 12, 2: 8, 1: 5 })) : null,
      });
    }
    engagements.push({
      engagement: {
        cse_id: cse,
        kind,
        status,
        started_on: status === 'planned' ? isoDate(Math.max(start, today + 1)) : isoDate(start),
        completed_on: completed === null ? null : isoDate(completed),
      },
      deliverables,
      docUpdates,
      surveys,
    });
  }
  // Relationship NPS once a year for owner-led accounts.
  const surveys: Row<SurveysTable>[] = [];
  if (input.ownerLed) {
    for (
      let sent = input.endDay - random.int(20, 200);
      sent >= Math.max(input.activeSince, today - 730);
      sent -= 365
    ) {
      const responded = random.chance(0.5);
      surveys.push({
        kind: 'nps',
        sent_on: isoDate(sent),
        responded_on: responded ? isoDate(sent + random.int(1, 14)) : null,
        score: responded ? random.pick([10, 9, 9, 8, 8, 7, 6, 5, 3, 10]) : null,
      });
    }
  }
  return { engagements, surveys };
}
