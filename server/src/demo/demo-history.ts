import type { LifecycleStage, OwnerRole, SuccessTier } from '@pulse/domain';
import type { NewAccount } from '../database/database.types.js';
import { dayOf as dayOfInstant, instant, isoDate } from './demo-calendar.js';
import type { Random } from './prng.js';

/**
 * The demo organisation's past (issue 14): the facts history of its mutable rows, told at seed time
 * so the as-of picker and the calibration page have something true to show out of the box. The
 * present rows are generated first and stay as they are; the past is drawn from a separate random
 * stream and ends in them: the last version of every row is the live row itself.
 */

/**
 * One version of a row in the facts history: valid over [from, to) (from null: since ever; to null:
 * still), its image the live row with `patch` laid over it (columns as the row's JSON spells them).
 */
export interface PastVersion {
  readonly from: Date | null;
  readonly to: Date | null;
  readonly patch: Readonly<Record<string, unknown>>;
}

export interface DemoPast {
  /** The account row's versions, from its creation. */
  readonly account: PastVersion[];
  /** Each renewal's versions, in the order of the account's renewals. */
  readonly renewals: PastVersion[][];
  /** The success plan's versions (null: no plan). */
  readonly plan: PastVersion[] | null;
}

type Owner = { role: OwnerRole; member_id: string | null; valid_from: Date };
type Cents = number | string | bigint;
type RenewalRow = {
  renewal_date: string;
  atr_cents: Cents;
  forecast_cents: Cents;
  risk_category?: string | null;
  status?: string;
  won_cents?: Cents | null;
  closed_on?: string | null;
};
type TimelineNote = (day: number, author: string, summary: string, sentiment: 'yellow' | 'red') => void;

export interface PastInput {
  readonly today: number;
  readonly account: NewAccount;
  readonly contractStart: number;
  readonly churnedOn: number | null;
  readonly returnedOn: number | null;
  readonly expansions: readonly number[];
  /** Who owned the account from when; an upgrade or downgrade of tier edits it to agree. */
  readonly ownerHistory: Owner[];
  readonly renewals: readonly RenewalRow[];
  readonly planStatus: string | null;
  /** The role whose sentiment counts (csa, csm or the assigned cse), null when none does. */
  readonly sentimentRole: OwnerRole | null;
  /** Architects of the region: a downgraded account had one before. */
  readonly regionCsas: readonly string[];
  /** Writes an owner's sentiment note on `day` (a dated fact: the engine cuts it at its date). */
  readonly note: TimelineNote;
}

/** Share of churns the account team saw coming: sentiment turned red months before. */
const CHURNS_SEEN_COMING = 0.7;
/** Share of the seen churns that were also flagged will-churn weeks before the renewal. */
const CHURNS_FLAGGED = 0.6;

export function tellPast(random: Random, input: PastInput): DemoPast {
  const { today, account, contractStart, churnedOn, returnedOn } = input;
  const ownerAt = (role: OwnerRole, at: Date): string | null => {
    let member: string | null = null;
    for (const owner of input.ownerHistory)
      if (owner.role === role && owner.valid_from <= at) member = owner.member_id;
    return member;
  };

  // Tier changes at an anniversary: some advanced books were essentials (no architect yet), some
  // signature ones advanced (no assigned engineer yet), some essentials had an architect once.
  const ageDays = today - contractStart;
  const lastAnniversary = contractStart + 365 * Math.floor(Math.max(0, ageDays - 30) / 365);
  let earlierTier: SuccessTier | null = null;
  const tierRoll = random.float();
  if (ageDays > 500 && lastAnniversary > contractStart && churnedOn === null) {
    const changedAt = instant(lastAnniversary, 9);
    const moveStart = (role: OwnerRole) => {
      for (const owner of input.ownerHistory)
        if (owner.role === role && owner.valid_from < changedAt) owner.valid_from = changedAt;
    };
    if (account.success_tier === 'advanced' && tierRoll < 0.3) {
      earlierTier = 'essentials';
      moveStart('csa');
    } else if (account.success_tier === 'signature' && tierRoll < 0.3) {
      earlierTier = 'advanced';
      moveStart('cse');
    } else if (account.success_tier === 'essentials' && tierRoll < 0.15 && input.regionCsas.length > 0) {
      earlierTier = 'advanced';
      input.ownerHistory.push(
        { role: 'csa', member_id: random.pick(input.regionCsas), valid_from: instant(contractStart, 0) },
        { role: 'csa', member_id: null, valid_from: changedAt },
      );
    }
  }
  const tierChangeDay = earlierTier === null ? null : lastAnniversary;

  // A churn seen coming: the owner's sentiment turned yellow, then red, and the renewal's forecast
  // and the lifecycle followed; an unforeseen churn was forecast to renew until days before.
  let churnRiskDay: number | null = null;
  let willChurnFrom: number | null = null;
  if (churnedOn !== null) {
    const seen = input.sentimentRole !== null && random.chance(CHURNS_SEEN_COMING);
    if (seen) {
      churnRiskDay = churnedOn - random.int(100, 150);
      const notes: [number, string, 'yellow' | 'red'][] = [
        [churnedOn - random.int(200, 260), 'Adoption stalled; sponsor asking about cost', 'yellow'],
        [churnRiskDay, 'Champion left; renewal at risk', 'red'],
        [churnedOn - random.int(30, 75), 'Sponsor confirmed they are evaluating a competitor', 'red'],
      ];
      for (const [day, summary, sentiment] of notes) {
        const author = day >= contractStart ? ownerAt(input.sentimentRole!, instant(day, 12)) : null;
        if (author) input.note(day, author, summary, sentiment);
      }
      if (random.chance(CHURNS_FLAGGED)) willChurnFrom = churnedOn - random.int(14, 45);
    } else {
      willChurnFrom = churnedOn - random.int(5, 20);
    }
  }

  // The open renewal's forecast moved to what it is now some weeks ago.
  const openRenewal = input.renewals.find((r) => r.status === 'open');
  const openSince = openRenewal
    ? Math.max(returnedOn ?? contractStart, dayOf(openRenewal.renewal_date) - 365)
    : 0;
  const forecastMovedDay = openRenewal ? Math.max(openSince + 1, today - random.int(10, 80)) : null;
  const willChurnNowFrom =
    account.lifecycle_stage === 'will_churn' && forecastMovedDay !== null && forecastMovedDay < today
      ? forecastMovedDay
      : null;

  const since = (day: number) => (returnedOn !== null && day >= returnedOn ? returnedOn : contractStart);
  const nextRenewal = (day: number) => {
    const base = since(day);
    return base + 365 * Math.ceil((day + 1 - base) / 365);
  };
  const churnedAt = (day: number) =>
    churnedOn !== null && day >= churnedOn && (returnedOn === null || day < returnedOn);
  const lifecycleAt = (day: number): LifecycleStage => {
    if (churnedAt(day)) return 'churned';
    if (willChurnFrom !== null && churnedOn !== null && day >= willChurnFrom && day < churnedOn)
      return 'will_churn';
    if (willChurnNowFrom !== null && day >= willChurnNowFrom) return 'will_churn';
    if (day - since(day) < 90) return 'onboarding';
    if (nextRenewal(day) - day <= 90) return 'renewing';
    if (input.expansions.some((e) => e <= day && day - e <= 180)) return 'expanding';
    return 'adopting';
  };
  const known = (date: string | null | undefined, day: number) => (date && dayOf(date) <= day ? date : null);
  const accountAt = (day: number, at: Date): Record<string, unknown> => ({
    csm_id: ownerAt('csm', at),
    cse_id: ownerAt('cse', at),
    csa_id: ownerAt('csa', at),
    ae_id: ownerAt('ae', at),
    rm_id: ownerAt('rm', at),
    success_tier: tierChangeDay !== null && day < tierChangeDay ? earlierTier : account.success_tier,
    lifecycle_stage: lifecycleAt(day),
    renewal_date: churnedAt(day) ? null : isoDate(nextRenewal(day)),
    onboarding_start: known(account.onboarding_start, day),
    onboarding_closed: known(account.onboarding_closed, day),
    first_value_date: known(account.first_value_date, day),
  });

  const changeDays = new Set<number>([contractStart + 90]);
  for (let a = contractStart + 365; a < today + 365; a += 365) changeDays.add(a - 90).add(a);
  if (returnedOn !== null) changeDays.add(returnedOn).add(returnedOn + 90);
  for (const e of input.expansions) changeDays.add(e).add(e + 181);
  for (const day of [churnedOn, willChurnFrom, willChurnNowFrom, tierChangeDay])
    if (day !== null) changeDays.add(day);
  for (const owner of input.ownerHistory) changeDays.add(dayOfInstant(owner.valid_from));
  for (const date of [account.onboarding_start, account.onboarding_closed, account.first_value_date])
    if (date) changeDays.add(dayOf(date));
  const starts = [...changeDays].filter((day) => day > contractStart && day < today).sort((a, b) => a - b);
  const created = new Date(account.created_at as Date);
  const accountVersions = versionsOf(
    created,
    starts.map((day) => ({ at: instant(day, 9), day })),
    (day, at) => differences(accountAt(day, at), account as Record<string, unknown>),
  );

  const renewals = input.renewals.map((renewal) =>
    renewalPast(random, renewal, {
      today,
      contractStart,
      churnedOn,
      churnRiskDay,
      willChurnFrom,
      forecastMovedDay: renewal === openRenewal ? forecastMovedDay : null,
      openSince,
    }),
  );

  let plan: PastVersion[] | null = null;
  if (input.planStatus !== null) {
    const activated = (returnedOn ?? contractStart) + random.int(7, 45);
    const draft = { status: 'draft', has_highlights: false };
    plan =
      input.planStatus === 'draft' || activated >= today
        ? [{ from: null, to: null, patch: {} }]
        : input.planStatus === 'active'
          ? versionsOf(null, [{ at: instant(activated, 10), day: activated }], (day) =>
              day < activated ? draft : {},
            )
          : versionsOf(
              null,
              [activated, Math.max(activated + 1, today - random.int(5, 60))].map((day) => ({
                at: instant(day, 10),
                day,
              })),
              (day) => (day < activated ? draft : { status: 'active' }),
            );
  }

  return { account: accountVersions, renewals, plan };
}

/** A closed renewal was open and forecast before it closed; an open one was forecast to renew at first. */
function renewalPast(
  random: Random,
  renewal: RenewalRow,
  story: {
    today: number;
    contractStart: number;
    churnedOn: number | null;
    churnRiskDay: number | null;
    willChurnFrom: number | null;
    forecastMovedDay: number | null;
    openSince: number;
  },
): PastVersion[] {
  const due = dayOf(renewal.renewal_date);
  const atRenewal = {
    risk_category: 'will_renew',
    risk_reason: null,
    forecast_cents: Number(renewal.atr_cents),
  };
  const open = { status: 'open', won_cents: null, closed_on: null };
  if (renewal.status === 'open') {
    const moved = story.forecastMovedDay;
    const created = instant(story.openSince, 8);
    const unchanged =
      renewal.risk_category === 'will_renew' && Number(renewal.forecast_cents) === Number(renewal.atr_cents);
    if (moved === null || moved >= story.today || unchanged) return [{ from: created, to: null, patch: {} }];
    return versionsOf(created, [{ at: instant(moved, 11), day: moved }], (day) =>
      day < moved ? atRenewal : {},
    );
  }
  const created = instant(Math.max(story.contractStart, due - 365), 8);
  const closedOn = renewal.closed_on ? dayOf(renewal.closed_on) : due;
  // The patch of the version that starts on each day; the close (the live row) ends the list.
  const moves = new Map<number, Record<string, unknown>>();
  if (renewal.status === 'lost' && story.churnedOn === due) {
    if (story.churnRiskDay !== null)
      moves.set(story.churnRiskDay, {
        ...open,
        risk_category: 'will_churn_actionable',
        risk_reason: 'Champion left; executive sponsor open to a recovery plan',
        forecast_cents: Number(renewal.atr_cents),
      });
    if (story.willChurnFrom !== null) moves.set(story.willChurnFrom, open);
  } else if (Number(renewal.won_cents ?? 0) !== Number(renewal.atr_cents)) {
    moves.set(due - random.int(20, 90), { ...open, forecast_cents: Number(renewal.won_cents) });
  }
  const first = { ...open, ...atRenewal };
  const days = [...moves.keys()]
    .filter((day) => day > dayOf(created.toISOString()) && day < closedOn)
    .sort((a, b) => a - b);
  return versionsOf(
    created,
    [...days.map((day) => ({ at: instant(day, 11), day })), { at: instant(closedOn, 17), day: closedOn }],
    (day) => moves.get(day) ?? first,
  );
}

/**
 * Versions from `first` (null: since ever) with a change at each of `changes`; `patchAt` gives the
 * patch of the version starting at a day (the last version is always the live row: patch {}).
 * Consecutive versions with the same patch are one.
 */
function versionsOf(
  first: Date | null,
  changes: readonly { at: Date; day: number }[],
  patchAt: (day: number, at: Date) => Record<string, unknown>,
): PastVersion[] {
  const starts: { at: Date | null; day: number }[] = [
    { at: first, day: first === null ? Number.NEGATIVE_INFINITY : dayOf(first.toISOString()) },
    ...changes.filter((c) => first === null || c.at > first),
  ];
  const versions: { from: Date | null; to: Date | null; patch: Record<string, unknown> }[] = [];
  starts.forEach((start, i) => {
    const last = i === starts.length - 1;
    const patch = last ? {} : patchAt(start.day, start.at ?? new Date(0));
    const previous = versions.at(-1);
    if (previous && samePatch(previous.patch, patch)) return;
    if (previous) previous.to = start.at;
    versions.push({ from: start.at, to: null, patch });
  });
  return versions;
}

/** The columns of `image` whose value differs from the live row's. */
function differences(image: Record<string, unknown>, live: Record<string, unknown>): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const key in image) if ((image[key] ?? null) !== (live[key] ?? null)) patch[key] = image[key];
  return patch;
}

function samePatch(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

const dayOf = (date: string) => Math.floor(Date.parse(date.slice(0, 10)) / 86_400_000);
