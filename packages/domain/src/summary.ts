import type { PulseConfig } from './config.js';
import { explainScoreChange } from './contributions.js';
import { addDays, addMonths, daysBetween, toDate, trendDates } from './dates.js';
import { ebrApplies, ebrCovered, ebrDates, ebrOverdue } from './engagement.js';
import {
  type AccountFacts,
  type Color,
  type IsoDate,
  type IsoInstant,
  OWNER_ROLES,
  type OwnerRole,
  type PlanTier,
  USE_CASES,
  type UsageSnapshot,
  type UseCase,
} from './facts.js';
import { fiscalQuarter } from './fiscal.js';
import { lastMeetingDate } from './measures/engagement.js';
import {
  greenWithTechnicalMilestones,
  outcomeFunnel,
  planColor,
  planPercentComplete,
  planStatusShown,
} from './measures/success-plan.js';
import { currentUsage, useCaseAdoption } from './measures/usage.js';
import { arrAt, renewalForecastColor } from './revenue.js';
import { computeScorecard } from './scorecard.js';
import { tierApplicability } from './tiers.js';
import { timeToEngage, timeToFirstValue, timeToOnboard } from './time-to-value.js';
import type {
  AccountSummary,
  CompactArrMovement,
  EngagementSummary,
  RenewalSummary,
  Scorecard,
  SummaryHistoryPoint,
  SurveySummary,
} from './views.js';

/** Adoption colour of one use case in one usage snapshot. */
type AdoptionColor = (useCase: UseCase, snapshot: UsageSnapshot) => Color;

function adoptionColor(planTier: PlanTier, config: PulseConfig): AdoptionColor {
  return (useCase, snapshot) => useCaseAdoption(useCase, snapshot, planTier, config).color;
}

/**
 * `adoptionColor` remembered per snapshot and use case: a summary asks for the same few snapshots'
 * colours at many dates, and each adoption rule builds inputs and reasons that colours don't need.
 */
function rememberedAdoptionColor(planTier: PlanTier, config: PulseConfig): AdoptionColor {
  const colorOf = adoptionColor(planTier, config);
  const cache = new Map<UsageSnapshot, Partial<Record<UseCase, Color>>>();
  return (useCase, snapshot) => {
    let colors = cache.get(snapshot);
    if (colors === undefined) {
      colors = {};
      cache.set(snapshot, colors);
    }
    colors[useCase] ??= colorOf(useCase, snapshot);
    return colors[useCase];
  };
}

function snapshotColors(snapshot: UsageSnapshot | null, colorOf: AdoptionColor): Record<UseCase, Color> {
  const colors = {} as Record<UseCase, Color>;
  for (const uc of USE_CASES) colors[uc] = snapshot ? colorOf(uc, snapshot) : 'grey';
  return colors;
}

/** Adoption colour of every use case at `asOf` from the latest fresh usage snapshot. */
export function useCaseColors(
  facts: AccountFacts,
  asOf: IsoDate,
  config: PulseConfig,
): Record<UseCase, Color> {
  return snapshotColors(
    currentUsage(facts.usageSnapshots, asOf, config).snapshot,
    adoptionColor(facts.account.planTier, config),
  );
}

/** First date the primary use case turned green and was not red on the next measurement. */
export function primaryUseCaseGreenSince(
  facts: AccountFacts,
  asOf: IsoDate,
  config: PulseConfig,
): IsoDate | null {
  return greenSince(facts, asOf, adoptionColor(facts.account.planTier, config));
}

function greenSince(facts: AccountFacts, asOf: IsoDate, colorOf: AdoptionColor): IsoDate | null {
  const useCase = facts.account.primaryUseCase;
  if (useCase === null) return null;
  const snapshots = facts.usageSnapshots
    .filter((s) => s.measuredOn <= asOf)
    .sort((a, b) => a.measuredOn.localeCompare(b.measuredOn));
  const colors = snapshots.map((s) => colorOf(useCase, s));
  for (let i = 0; i < snapshots.length; i++) {
    const next = colors[i + 1];
    if (colors[i] === 'green' && next !== 'red') return snapshots[i]!.measuredOn;
  }
  return null;
}

/** Owner of each role at the end of `date`, from the owner history (current owner when there is none). */
export function ownersAt(facts: AccountFacts, date: IsoDate): Record<OwnerRole, string | null> {
  const end = `${date}T23:59:59.999Z`;
  const owners = {} as Record<OwnerRole, string | null>;
  for (const role of OWNER_ROLES) {
    const rows = facts.ownerHistory.filter((h) => h.role === role);
    if (rows.length === 0) {
      owners[role] = currentOwner(facts, role);
      continue;
    }
    let latest: (typeof rows)[number] | null = null;
    for (const h of rows) {
      if (
        h.validFrom <= end &&
        (latest === null ||
          h.validFrom > latest.validFrom ||
          (h.validFrom === latest.validFrom && h.id > latest.id))
      ) {
        latest = h;
      }
    }
    owners[role] = latest?.memberId ?? null;
  }
  return owners;
}

function currentOwner(facts: AccountFacts, role: OwnerRole): string | null {
  const a = facts.account;
  return { csm: a.csmId, cse: a.cseId, csa: a.csaId, ae: a.aeId, rm: a.rmId }[role];
}

/** The history point of `date`, from the scorecard of that date and the usage colours then. */
function historyPoint(
  facts: AccountFacts,
  card: Scorecard,
  date: IsoDate,
  colors: Record<UseCase, Color>,
  config: PulseConfig,
): SummaryHistoryPoint {
  const primary = facts.account.primaryUseCase;
  const ebrs = ebrDates(facts.timeline, date);
  return {
    score: card.score,
    color: card.color,
    excludedFromHealthAverages: card.excludedFromHealthAverages,
    useCaseColors: colors,
    primaryUseCaseColor: primary ? colors[primary] : 'grey',
    cadenceColor: card.measures.meeting_cadence.color,
    ebrCovered: ebrCovered(ebrs.at(-1) ?? null, date, config),
    sentimentStale: card.measures.owner_sentiment.stale,
  };
}

/**
 * Everything the team KPIs need about one account at `asOf`, so team views are built from
 * summaries alone. History points are derived by scoring the dated facts at each trend date.
 * `card` is the account's scorecard at `asOf` when the caller has already computed it.
 */
export function summarizeAccount(
  facts: AccountFacts,
  asOf: IsoDate | IsoInstant,
  config: PulseConfig,
  card: Scorecard = computeScorecard(facts, asOf, config),
): AccountSummary {
  const day = toDate(asOf);
  const { account } = facts;
  // Trend dates, the 30-day and the 7-day look-backs can fall on the same date: score each once.
  const cards = new Map<IsoDate, Scorecard>();
  const cardOn = (date: IsoDate): Scorecard => {
    let dated = cards.get(date);
    if (dated === undefined) {
      dated = computeScorecard(facts, date, config);
      cards.set(date, dated);
    }
    return dated;
  };
  const colorOf = rememberedAdoptionColor(account.planTier, config);
  const colorsOn = (date: IsoDate) =>
    snapshotColors(currentUsage(facts.usageSnapshots, date, config).snapshot, colorOf);

  const thirtyDaysAgo = addDays(day, -config.scoreTrendDays);
  const cardThirtyDaysAgo = cardOn(thirtyDaysAgo);
  const cardWeekAgo = cardOn(addDays(day, -config.turnedRedWindowDays));
  const turnedRedThisWeek = card.color === 'red' && cardWeekAgo.color !== 'red';

  const history: Record<IsoDate, SummaryHistoryPoint> = {};
  for (const date of trendDates(day, config.trendPoints)) {
    history[date] = historyPoint(facts, date === day ? card : cardOn(date), date, colorsOn(date), config);
  }

  const movements: CompactArrMovement[] = facts.arrMovements
    .map((m) => ({ kind: m.kind, amountCents: m.amountCents, effectiveDate: m.effectiveDate }))
    .sort((a, b) => a.effectiveDate.localeCompare(b.effectiveDate));
  const yearAgo = addMonths(day, -12);

  const colors = colorsOn(day);
  const greenCount = USE_CASES.filter((uc) => colors[uc] === 'green').length;
  const allGrey = USE_CASES.every((uc) => colors[uc] === 'grey');
  const primary = account.primaryUseCase;
  const { snapshot } = currentUsage(facts.usageSnapshots, day, config);

  const applies = tierApplicability(account.successTier);
  const plan = planColor(facts.successPlan, day, config);

  const ebrs = ebrDates(facts.timeline, day);
  const lastEbr = ebrs.at(-1) ?? null;
  const lastMeeting = lastMeetingDate(facts.timeline, day);

  const renewals: Record<string, RenewalSummary> = {};
  for (const r of facts.renewals) {
    renewals[String(r.id)] = {
      id: r.id,
      renewalDate: r.renewalDate,
      atrCents: r.atrCents,
      forecastCents: r.forecastCents,
      riskCategory: r.riskCategory,
      riskReason: r.riskReason,
      status: r.status,
      wonCents: r.wonCents,
      closedOn: r.closedOn,
      forecastColor: renewalForecastColor(r),
    };
  }
  const engagements: Record<string, EngagementSummary> = {};
  for (const e of facts.engagements) {
    engagements[String(e.id)] = {
      id: e.id,
      cseId: e.cseId,
      kind: e.kind,
      status: e.status,
      startedOn: e.startedOn,
      completedOn: e.completedOn,
      docUpdateDates: e.docUpdates
        .filter((d) => d.updatedOn <= day)
        .map((d) => d.updatedOn)
        .sort(),
      deliverables: e.deliverables.map((d) => ({
        id: d.id,
        dueDate: d.dueDate,
        deliveredOn: d.deliveredOn,
        status: d.status,
      })),
    };
  }
  const surveys: Record<string, SurveySummary> = {};
  for (const s of facts.surveys) {
    surveys[String(s.id)] = {
      id: s.id,
      kind: s.kind,
      engagementId: s.engagementId,
      sentOn: s.sentOn,
      respondedOn: s.respondedOn,
      score: s.score,
    };
  }

  const entitlement = config.accelerators.perYear[account.successTier] ?? 0;
  const accelerators = facts.engagements
    .filter(
      (e) =>
        e.kind === 'accelerator' &&
        e.status === 'completed' &&
        e.completedOn !== null &&
        e.completedOn <= day,
    )
    .map((e) => e.completedOn as IsoDate)
    .sort();
  const lastAccelerator = accelerators.at(-1) ?? null;
  const daysSinceLastAccelerator = daysBetween(lastAccelerator ?? account.contractStart, day);

  const sentiment = card.measures.owner_sentiment;
  const sentimentInput = sentiment.inputs.find((i) => i.name === 'sentiment');

  return {
    accountId: account.id,
    name: account.name,
    asOf: day,
    region: account.region,
    segment: account.segment,
    successTier: account.successTier,
    planTier: account.planTier,
    priority: account.priority,
    lifecycleStage: account.lifecycleStage,
    churned: account.lifecycleStage === 'churned',
    owners: {
      csm: account.csmId,
      cse: account.cseId,
      csa: account.csaId,
      ae: account.aeId,
      rm: account.rmId,
    },
    ownersAt12MonthsAgo: ownersAt(facts, yearAgo),

    healthScore: card.score,
    healthColor: card.color,
    healthLabel: card.label,
    overridden: card.overridden !== null,
    excludedFromHealthAverages: card.excludedFromHealthAverages,
    scoreThirtyDaysAgo: cardThirtyDaysAgo.score,
    thirtyDaysAgo,
    colorSevenDaysAgo: cardWeekAgo.color,
    turnedRedThisWeek,
    turnedRedCause: turnedRedThisWeek ? explainScoreChange(cardWeekAgo, card).cause : null,

    arrNowCents: arrAt(movements, day),
    arr12MonthsAgoCents: arrAt(movements, yearAgo),
    arrMovements: movements,

    useCaseColors: colors,
    useCaseColorsAtQuarterStart: colorsOn(fiscalQuarter(day, config).start),
    greenUseCases: allGrey ? null : greenCount,
    primaryUseCase: primary,
    primaryUseCaseColor: primary ? colors[primary] : 'grey',
    primaryUseCaseGreenSince: greenSince(facts, day, colorOf),
    licenseUtilization:
      snapshot && account.licensedSeats > 0 ? snapshot.billableUsers / account.licensedSeats : null,

    plan: {
      applicable: applies.ownerLedMeasures,
      status: planStatusShown(facts.successPlan, plan.color),
      color: applies.ownerLedMeasures ? plan.color : 'grey',
      percentComplete: planPercentComplete(facts.successPlan),
      greenWithTechnicalMilestones: greenWithTechnicalMilestones(facts.successPlan, plan.color),
      outcomeFunnel: outcomeFunnel(facts.successPlan),
    },

    ebrApplicable: ebrApplies(account),
    lastEbrDate: lastEbr,
    ebrDates: ebrs,
    ebrOverdue: ebrApplies(account) && ebrOverdue(account, lastEbr, day, config),
    cadenceApplicable: applies.ownerLedMeasures,
    cadenceColor: card.measures.meeting_cadence.color,
    daysSinceLastMeeting: lastMeeting ? daysBetween(lastMeeting, day) : null,
    lastEngagementDate: lastMeeting,

    timeToEngage: timeToEngage(facts, day, config),
    timeToFirstValue: timeToFirstValue(facts, day, config),
    timeToOnboard: timeToOnboard(facts, day, config),

    sentimentColor: sentiment.color,
    sentimentDate: typeof sentimentInput?.date === 'string' ? sentimentInput.date : null,
    sentimentStale: sentiment.stale,

    renewals,
    engagements,
    surveys,
    programAttendance: facts.programAttendance
      .filter((p) => p.session.heldOn <= day)
      .map((p) => ({
        sessionId: p.sessionId,
        kind: p.session.kind,
        heldOn: p.session.heldOn,
        attendees: p.attendees,
      })),

    acceleratorEntitlementPerYear: entitlement,
    acceleratorsLast365Days: accelerators.filter((d) => daysBetween(d, day) < 365).length,
    daysSinceLastAccelerator: entitlement > 0 ? daysSinceLastAccelerator : null,
    acceleratorOverdue: entitlement > 0 && daysSinceLastAccelerator > config.accelerators.overdueDays,

    history,
  };
}
