/**
 * What the engine can represent, column by column, for every facts table an outside writer can
 * reach. One source for both guards: migration 0002 turns it into CHECK constraints, and the facts
 * loader applies it to rows that got in before those constraints (or past a dropped one).
 */

/** Dates and instants outside these years are typing mistakes or sentinels ('infinity'). */
export const PLAUSIBLE_DATES = { from: '1900-01-01', to: '2200-12-31' } as const;

/** People on one account (seats, users, attendees): more than the world's largest employer. */
export const MAX_PEOPLE = 10_000_000;

/** Events in one usage period (builds, scans, deployments): the int4 range, kept exact. */
export const MAX_EVENTS = 2_000_000_000;

/**
 * Cents in one money column: $10 bn. Far below 2^53, so each value is exact as a JavaScript number
 * and so is any realistic sum of them (up to ~900 such extremes).
 */
export const MAX_MONEY_CENTS = 1_000_000_000_000;

export type ColumnBound =
  | { kind: 'date' }
  | { kind: 'instant' }
  | { kind: 'integer'; min: number; max: number };

const date: ColumnBound = { kind: 'date' };
const instant: ColumnBound = { kind: 'instant' };
const between = (min: number, max: number): ColumnBound => ({ kind: 'integer', min, max });
const people = between(0, MAX_PEOPLE);
const events = between(0, MAX_EVENTS);
const money = between(0, MAX_MONEY_CENTS);

/** Bounded columns per facts table (enumerations and text are guarded by 0001's constraints). */
export const FACT_BOUNDS = {
  team_members: { book_arr_target_cents: money },
  accounts: {
    priority: between(1, 2),
    licensed_seats: people,
    contract_start: date,
    renewal_date: date,
    onboarding_start: date,
    onboarding_closed: date,
    first_value_date: date,
    created_at: instant,
    updated_at: instant,
  },
  account_owner_history: { valid_from: instant },
  arr_movements: { amount_cents: between(1, MAX_MONEY_CENTS), effective_date: date },
  usage_snapshots: {
    measured_on: date,
    billable_users: people,
    active_users_28d: people,
    git_operation_users: people,
    ci_builds: events,
    ci_pipelines: events,
    scanner_users: people,
    scans: events,
    scanner_types: between(0, 7),
    deploying_users: people,
    deployments: events,
    successful_deployments: events,
    issue_users: people,
    epic_users: people,
  },
  timeline_entries: { occurred_at: instant },
  support_tickets: { opened_at: instant, closed_at: instant },
  success_plans: { updated_at: instant },
  sp_objectives: { due_date: date },
  sp_milestones: { due_date: date, progress_pct: between(0, 100) },
  engagements: { started_on: date, completed_on: date },
  deliverables: { due_date: date, delivered_on: date },
  doc_updates: { updated_on: date },
  surveys: { sent_on: date, responded_on: date, score: between(0, 10) },
  renewals: {
    renewal_date: date,
    closed_on: date,
    atr_cents: money,
    forecast_cents: money,
    won_cents: money,
  },
  program_sessions: { held_on: date },
  program_attendance: { attendees: between(1, MAX_PEOPLE) },
  health_overrides: { created_at: instant, expires_at: instant, cleared_at: instant },
} as const satisfies Record<string, Record<string, ColumnBound>>;

export type BoundedTable = keyof typeof FACT_BOUNDS;

/** A calendar day leads both forms as they come from the database (dates, and instants as JSON). */
const FOUR_DIGIT_DAY = /^\d{4}-\d\d-\d\d/;
const ANY_DAY = /^\d+-\d\d-\d\d/;
const OUTSIDE_DATES = `is outside ${PLAUSIBLE_DATES.from}..${PLAUSIBLE_DATES.to}`;

/**
 * Why `value` (as read from a row: a date string, an instant string or Date, a number) breaks
 * `bound`, or null when the engine can use it. Null values pass: NOT NULL is the schema's job.
 */
export function boundViolation(bound: ColumnBound, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (bound.kind === 'integer') {
    if (typeof value !== 'number' || !Number.isFinite(value)) return 'is not a finite number';
    if (!Number.isSafeInteger(value)) return 'is not an exact integer';
    if (value < bound.min || value > bound.max) return `is outside ${bound.min}..${bound.max}`;
    return null;
  }
  const text = value instanceof Date ? dateText(value) : String(value);
  if (FOUR_DIGIT_DAY.test(text) && !text.endsWith(' BC')) {
    // Within four-digit years, ISO days compare as text (the hot path: every loaded row passes here).
    const day = text.slice(0, 10);
    return day >= PLAUSIBLE_DATES.from && day <= PLAUSIBLE_DATES.to ? null : OUTSIDE_DATES;
  }
  return ANY_DAY.test(text) ? OUTSIDE_DATES : `is not a finite ${bound.kind}`;
}

const dateText = (value: Date) => (Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString());
