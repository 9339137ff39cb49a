import type { PulseConfig } from '../config.js';
import {
  type AccountFacts,
  type Color,
  type IsoDate,
  type PlanTier,
  USE_CASES,
  type UsageSnapshot,
  type UseCase,
} from '../facts.js';
import { fiscalQuarter } from '../fiscal.js';
import { currentUsage, useCaseAdoptionColor } from '../measures/usage.js';
import type { AccountSummary } from '../views.js';

/** Adoption colour of one use case in one usage snapshot. */
type AdoptionColor = (useCase: UseCase, snapshot: UsageSnapshot) => Color;

function adoptionColor(planTier: PlanTier, config: PulseConfig): AdoptionColor {
  return (useCase, snapshot) => useCaseAdoptionColor(useCase, snapshot, planTier, config);
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

/**
 * The account's primary use case (KPIS.md §2): the one set on the account, else the use case of the
 * success plan's first objective (lowest id) that names one.
 */
export function primaryUseCaseOf(facts: Pick<AccountFacts, 'account' | 'successPlan'>): UseCase | null {
  if (facts.account.primaryUseCase !== null) return facts.account.primaryUseCase;
  let first: { id: number; useCase: UseCase } | null = null;
  for (const o of facts.successPlan?.objectives ?? []) {
    if (o.useCase !== null && (first === null || o.id < first.id)) first = { id: o.id, useCase: o.useCase };
  }
  return first?.useCase ?? null;
}

/**
 * First date the primary use case turned green and stayed non-red on the next measurement; a green
 * measurement with no next one yet does not count (KPIS.md §2).
 */
export function primaryUseCaseGreenSince(
  facts: AccountFacts,
  asOf: IsoDate,
  config: PulseConfig,
): IsoDate | null {
  return greenSince(facts, asOf, adoptionColor(facts.account.planTier, config));
}

function greenSince(facts: AccountFacts, asOf: IsoDate, colorOf: AdoptionColor): IsoDate | null {
  const useCase = primaryUseCaseOf(facts);
  if (useCase === null) return null;
  const snapshots = facts.usageSnapshots
    .filter((s) => s.measuredOn <= asOf)
    .sort((a, b) => a.measuredOn.localeCompare(b.measuredOn));
  const colors = snapshots.map((s) => colorOf(useCase, s));
  for (let i = 0; i < snapshots.length; i++) {
    const next = colors[i + 1];
    if (colors[i] === 'green' && next !== undefined && next !== 'red') return snapshots[i]!.measuredOn;
  }
  return null;
}

/** An account's adoption colours at any date, each snapshot's colours worked out once. */
export interface DatedUsageColors {
  colorOf: AdoptionColor;
  colorsOn: (date: IsoDate) => Record<UseCase, Color>;
}

export function rememberedUsageColors(facts: AccountFacts, config: PulseConfig): DatedUsageColors {
  const colorOf = rememberedAdoptionColor(facts.account.planTier, config);
  const colorsOn = (date: IsoDate) =>
    snapshotColors(currentUsage(facts.usageSnapshots, date, config).snapshot, colorOf);
  return { colorOf, colorsOn };
}

type UsagePart = Pick<
  AccountSummary,
  | 'useCaseColors'
  | 'useCaseColorsAtQuarterStart'
  | 'greenUseCases'
  | 'primaryUseCase'
  | 'primaryUseCaseColor'
  | 'primaryUseCaseGreenSince'
  | 'licenseUtilization'
>;

/**
 * Use-case adoption at `day` and at the start of its fiscal quarter, the primary use case, and
 * licensed seats in use. No green count when no use case has a fresh measurement.
 */
export function usagePart(
  facts: AccountFacts,
  day: IsoDate,
  config: PulseConfig,
  { colorOf, colorsOn }: DatedUsageColors,
): UsagePart {
  const { account } = facts;
  const colors = colorsOn(day);
  const allGrey = USE_CASES.every((uc) => colors[uc] === 'grey');
  const primary = primaryUseCaseOf(facts);
  const { snapshot } = currentUsage(facts.usageSnapshots, day, config);
  return {
    useCaseColors: colors,
    useCaseColorsAtQuarterStart: colorsOn(fiscalQuarter(day, config).start),
    greenUseCases: allGrey ? null : USE_CASES.filter((uc) => colors[uc] === 'green').length,
    primaryUseCase: primary,
    primaryUseCaseColor: primary ? colors[primary] : 'grey',
    primaryUseCaseGreenSince: greenSince(facts, day, colorOf),
    licenseUtilization:
      snapshot && account.licensedSeats > 0 ? snapshot.billableUsers / account.licensedSeats : null,
  };
}
