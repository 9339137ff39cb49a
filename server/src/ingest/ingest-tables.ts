import {
  ARR_MOVEMENT_KINDS,
  COLORS,
  DELIVERABLE_STATUSES,
  ENGAGEMENT_KINDS,
  ENGAGEMENT_STATUSES,
  LIFECYCLE_STAGES,
  MILESTONE_STATUSES,
  OBJECTIVE_STATUSES,
  OUTCOME_STAGES,
  PERSONAS,
  PLAN_STATUSES,
  PLAN_TIERS,
  PROGRAM_KINDS,
  REGIONS,
  RENEWAL_STATUSES,
  RISK_CATEGORIES,
  ROLES,
  SEGMENTS,
  SUCCESS_TIERS,
  SURVEY_KINDS,
  TICKET_SEVERITIES,
  TIMELINE_KINDS,
  USE_CASES,
} from '@pulse/domain';
import { z } from 'zod';
import { FACTS_TABLES, type FactsTable } from '../database/database.types.js';
import { type BoundedTable, type ColumnBound, FACT_BOUNDS, PLAUSIBLE_DATES } from '../facts/fact-bounds.js';

/**
 * The write contract of every facts table: one zod schema per table validates REST ingest and CSV
 * import rows and generates the OpenAPI request schemas. Field names are the table's column names,
 * except references to a parent row, which name the parent by its key in the source system
 * (`engagement_external_id`, `session_external_id`, …) because internal ids are never handed out.
 * Bounds come from FACT_BOUNDS, the same object the database CHECKs are made from.
 */

/** Colours a person can log (never grey), as timeline_entries' CHECK allows. */
const SENTIMENT_COLORS = COLORS.filter((color) => color !== 'grey');

const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
const ID_RULE = 'letters, digits, - _ . : (1 to 64 characters)';

const recordId = () => z.string().regex(ID_PATTERN, ID_RULE);
const externalId = () => z.string().trim().min(1).max(200);
const text = (max = 500) => z.string().trim().min(1, 'must not be empty').max(max);

function bound(table: BoundedTable, column: string): ColumnBound {
  const columns = FACT_BOUNDS[table] as Record<string, ColumnBound>;
  const found = columns[column];
  if (!found) throw new Error(`no bound for ${table}.${column}`);
  return found;
}

const inYears = (day: string) => day >= PLAUSIBLE_DATES.from && day <= PLAUSIBLE_DATES.to;
const YEARS = `must be between ${PLAUSIBLE_DATES.from} and ${PLAUSIBLE_DATES.to}`;

/** A bounded column of `table` as its zod type: integer range, ISO date or ISO instant. */
function bounded(table: BoundedTable, column: string) {
  const columnBound = bound(table, column);
  switch (columnBound.kind) {
    case 'integer':
      return z.number().int().min(columnBound.min).max(columnBound.max);
    case 'date':
      return z.iso.date().refine(inYears, YEARS);
    case 'instant':
      return z.iso
        .datetime({ offset: true })
        .refine((instant) => inYears(new Date(instant).toISOString().slice(0, 10)), YEARS);
  }
}

/** A bounded integer column (when a default needs the number type). */
function boundedInteger(table: BoundedTable, column: string) {
  const columnBound = bound(table, column);
  if (columnBound.kind !== 'integer') throw new Error(`${table}.${column} is not an integer column`);
  return z.number().int().min(columnBound.min).max(columnBound.max);
}

const optional = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

/** `later` must not be before `earlier` when both are given (the table's CHECK, named by field). */
function notBefore(earlier: string, later: string, strictly = false) {
  return (row: Record<string, unknown>, context: z.RefinementCtx) => {
    const a = row[earlier];
    const b = row[later];
    if (typeof a !== 'string' || typeof b !== 'string') return;
    const [x, y] = [Date.parse(a), Date.parse(b)];
    if (strictly ? y <= x : y < x) {
      context.addIssue({
        code: 'custom',
        path: [later],
        message: `must be ${strictly ? 'after' : 'on or after'} ${earlier}`,
      });
    }
  };
}

const teamMembers = z
  .object({
    id: recordId(),
    name: text(200),
    email: z.email().max(320),
    role: z.enum(ROLES),
    region: z.enum(REGIONS),
    manager_id: optional(recordId()),
    title: optional(text(200)),
    book_arr_target_cents: optional(bounded('team_members', 'book_arr_target_cents')),
  })
  .strict()
  .superRefine((row, context) => {
    if (row.manager_id === row.id) {
      context.addIssue({ code: 'custom', path: ['manager_id'], message: 'must not be the member itself' });
    }
  });

const accounts = z
  .object({
    id: recordId(),
    name: text(200),
    segment: z.enum(SEGMENTS),
    region: z.enum(REGIONS),
    success_tier: z.enum(SUCCESS_TIERS),
    plan_tier: z.enum(PLAN_TIERS),
    priority: boundedInteger('accounts', 'priority').default(2),
    lifecycle_stage: z.enum(LIFECYCLE_STAGES),
    primary_use_case: optional(z.enum(USE_CASES)),
    csm_id: optional(recordId()),
    cse_id: optional(recordId()),
    csa_id: optional(recordId()),
    ae_id: optional(recordId()),
    rm_id: optional(recordId()),
    licensed_seats: bounded('accounts', 'licensed_seats'),
    contract_start: bounded('accounts', 'contract_start'),
    renewal_date: optional(bounded('accounts', 'renewal_date')),
    onboarding_start: optional(bounded('accounts', 'onboarding_start')),
    onboarding_closed: optional(bounded('accounts', 'onboarding_closed')),
    first_value_date: optional(bounded('accounts', 'first_value_date')),
  })
  .strict()
  .superRefine(notBefore('onboarding_start', 'onboarding_closed'));

const arrMovements = z
  .object({
    external_id: externalId(),
    account_id: recordId(),
    kind: z.enum(ARR_MOVEMENT_KINDS),
    amount_cents: bounded('arr_movements', 'amount_cents'),
    effective_date: bounded('arr_movements', 'effective_date'),
    note: optional(text(1000)),
  })
  .strict();

const usage = (column: string) => bounded('usage_snapshots', column);
const usageSnapshots = z
  .object({
    account_id: recordId(),
    measured_on: usage('measured_on'),
    billable_users: usage('billable_users'),
    active_users_28d: usage('active_users_28d'),
    git_operation_users: usage('git_operation_users'),
    ci_builds: usage('ci_builds'),
    ci_pipelines: usage('ci_pipelines'),
    scanner_users: usage('scanner_users'),
    scans: usage('scans'),
    scanner_types: usage('scanner_types'),
    deploying_users: usage('deploying_users'),
    deployments: usage('deployments'),
    successful_deployments: usage('successful_deployments'),
    issue_users: usage('issue_users'),
    epic_users: usage('epic_users'),
  })
  .strict()
  .superRefine((row, context) => {
    if (row.successful_deployments > row.deployments) {
      context.addIssue({
        code: 'custom',
        path: ['successful_deployments'],
        message: 'must not exceed deployments',
      });
    }
  });

const timelineEntries = z
  .object({
    external_id: externalId(),
    account_id: recordId(),
    author_id: optional(recordId()),
    kind: z.enum(TIMELINE_KINDS),
    occurred_at: bounded('timeline_entries', 'occurred_at'),
    sentiment: optional(z.enum(SENTIMENT_COLORS)),
    personas: z.array(z.enum(PERSONAS)).max(PERSONAS.length).default([]),
    summary: text(2000),
  })
  .strict();

const supportTickets = z
  .object({
    external_id: externalId(),
    account_id: recordId(),
    severity: z.enum(TICKET_SEVERITIES),
    opened_at: bounded('support_tickets', 'opened_at'),
    closed_at: optional(bounded('support_tickets', 'closed_at')),
    subject: text(500),
  })
  .strict()
  .superRefine(notBefore('opened_at', 'closed_at'));

const successPlans = z
  .object({
    account_id: recordId(),
    status: z.enum(PLAN_STATUSES),
    has_strategy: z.boolean().default(false),
    has_highlights: z.boolean().default(false),
    updated_at: bounded('success_plans', 'updated_at'),
  })
  .strict();

const spObjectives = z
  .object({
    external_id: externalId(),
    /** The plan is the account's one success plan. */
    account_id: recordId(),
    title: text(500),
    use_case: optional(z.enum(USE_CASES)),
    due_date: optional(bounded('sp_objectives', 'due_date')),
    status: z.enum(OBJECTIVE_STATUSES),
    success_criteria: optional(text(2000)),
    outcome_stage: optional(z.enum(OUTCOME_STAGES)),
  })
  .strict();

const spMilestones = z
  .object({
    external_id: externalId(),
    objective_external_id: externalId(),
    title: text(500),
    technical: z.boolean().default(false),
    owner_id: optional(recordId()),
    due_date: optional(bounded('sp_milestones', 'due_date')),
    status: z.enum(MILESTONE_STATUSES),
    progress_pct: boundedInteger('sp_milestones', 'progress_pct').default(0),
  })
  .strict();

const engagements = z
  .object({
    external_id: externalId(),
    account_id: recordId(),
    cse_id: optional(recordId()),
    kind: z.enum(ENGAGEMENT_KINDS),
    status: z.enum(ENGAGEMENT_STATUSES),
    started_on: optional(bounded('engagements', 'started_on')),
    completed_on: optional(bounded('engagements', 'completed_on')),
  })
  .strict()
  .superRefine(notBefore('started_on', 'completed_on'));

const deliverables = z
  .object({
    external_id: externalId(),
    engagement_external_id: externalId(),
    title: text(500),
    due_date: bounded('deliverables', 'due_date'),
    delivered_on: optional(bounded('deliverables', 'delivered_on')),
    status: z.enum(DELIVERABLE_STATUSES),
  })
  .strict();

const docUpdates = z
  .object({
    external_id: externalId(),
    engagement_external_id: externalId(),
    url: z.url().max(2000),
    updated_on: bounded('doc_updates', 'updated_on'),
  })
  .strict();

const surveys = z
  .object({
    external_id: externalId(),
    account_id: recordId(),
    engagement_external_id: optional(externalId()),
    kind: z.enum(SURVEY_KINDS),
    sent_on: bounded('surveys', 'sent_on'),
    responded_on: optional(bounded('surveys', 'responded_on')),
    score: optional(bounded('surveys', 'score')),
  })
  .strict()
  .superRefine(notBefore('sent_on', 'responded_on'))
  .superRefine((row, context) => {
    if (row.kind === 'csat' && typeof row.score === 'number' && (row.score < 1 || row.score > 5)) {
      context.addIssue({ code: 'custom', path: ['score'], message: 'a CSAT score is 1 to 5' });
    }
  });

const renewals = z
  .object({
    external_id: externalId(),
    account_id: recordId(),
    renewal_date: bounded('renewals', 'renewal_date'),
    atr_cents: bounded('renewals', 'atr_cents'),
    forecast_cents: bounded('renewals', 'forecast_cents'),
    risk_category: z.enum(RISK_CATEGORIES),
    risk_reason: optional(text(1000)),
    status: z.enum(RENEWAL_STATUSES).default('open'),
    won_cents: optional(bounded('renewals', 'won_cents')),
    closed_on: optional(bounded('renewals', 'closed_on')),
  })
  .strict();

const programSessions = z
  .object({
    external_id: externalId(),
    kind: z.enum(PROGRAM_KINDS),
    title: text(500),
    use_case: optional(z.enum(USE_CASES)),
    held_on: bounded('program_sessions', 'held_on'),
  })
  .strict();

const programAttendance = z
  .object({
    session_external_id: externalId(),
    account_id: recordId(),
    attendees: bounded('program_attendance', 'attendees'),
  })
  .strict();

const healthOverrides = z
  .object({
    external_id: externalId(),
    account_id: recordId(),
    color: z.enum(COLORS),
    reason: text(1000),
    author_id: recordId(),
    created_at: bounded('health_overrides', 'created_at'),
    expires_at: optional(bounded('health_overrides', 'expires_at')),
    cleared_at: optional(bounded('health_overrides', 'cleared_at')),
    cleared_by: optional(recordId()),
  })
  .strict()
  .superRefine(notBefore('created_at', 'expires_at', true));

/** A field naming a row of another facts table, checked to exist before anything is written. */
export interface Reference {
  readonly field: string;
  readonly table: 'accounts' | 'team_members';
}

/** A field naming the parent row by its source key; replaced by the parent's internal id column. */
export interface ParentLink {
  readonly field: string;
  /** The parent table and the column the field matches there. */
  readonly table: 'success_plans' | 'sp_objectives' | 'engagements' | 'program_sessions';
  readonly by: 'external_id' | 'account_id';
  /** This table's column holding the parent's id. */
  readonly column: string;
  /** Whether every row names a parent (a survey may rate no engagement). */
  readonly required: boolean;
}

export interface IngestTable {
  readonly name: FactsTable;
  readonly schema: z.ZodType<Record<string, unknown>>;
  /** Columns of the conflict target: the natural or external key. */
  readonly key: readonly string[];
  readonly references: readonly Reference[];
  readonly parent?: ParentLink;
  /** Columns the database keeps current itself on a real change (set to now()). */
  readonly touched?: readonly string[];
  /** What a row is, for the OpenAPI description. */
  readonly describe: string;
}

const account: Reference = { field: 'account_id', table: 'accounts' };
const member = (field: string): Reference => ({ field, table: 'team_members' });
/** Deliverables, doc updates and surveys name their engagement by its external_id. */
const engagementOf = (required: boolean): ParentLink => ({
  field: 'engagement_external_id',
  table: 'engagements',
  by: 'external_id',
  column: 'engagement_id',
  required,
});

/** The write contract of each facts table; the type makes every table of FACTS_TABLES have one. */
const TABLE_SPECS: { readonly [name in FactsTable]: Omit<IngestTable, 'name'> } = {
  team_members: {
    schema: teamMembers,
    key: ['id'],
    references: [member('manager_id')],
    describe: 'A person of the customer-success organisation, keyed by id (e.g. the CRM user id).',
  },
  accounts: {
    schema: accounts,
    key: ['id'],
    references: ['csm_id', 'cse_id', 'csa_id', 'ae_id', 'rm_id'].map(member),
    touched: ['updated_at'],
    describe: 'A customer, keyed by id (e.g. the Salesforce account id).',
  },
  arr_movements: {
    schema: arrMovements,
    key: ['external_id'],
    references: [account],
    describe: 'A change of annual recurring revenue (new, expansion, contraction, churn) in cents.',
  },
  usage_snapshots: {
    schema: usageSnapshots,
    key: ['account_id', 'measured_on'],
    references: [account],
    describe: 'Product usage of one account on one day, keyed by account and day.',
  },
  timeline_entries: {
    schema: timelineEntries,
    key: ['external_id'],
    references: [account, member('author_id')],
    describe: 'A call, meeting, EBR, workshop, e-mail or note with its sentiment and personas met.',
  },
  support_tickets: {
    schema: supportTickets,
    key: ['external_id'],
    references: [account],
    describe: 'A support ticket (e.g. Zendesk), keyed by the desk’s ticket id.',
  },
  success_plans: {
    schema: successPlans,
    key: ['account_id'],
    references: [account],
    describe: 'The success plan of an account (one per account).',
  },
  sp_objectives: {
    schema: spObjectives,
    key: ['external_id'],
    references: [account],
    parent: {
      field: 'account_id',
      table: 'success_plans',
      by: 'account_id',
      column: 'plan_id',
      required: true,
    },
    describe: 'An objective of the account’s success plan (the plan must exist).',
  },
  sp_milestones: {
    schema: spMilestones,
    key: ['external_id'],
    references: [member('owner_id')],
    parent: {
      field: 'objective_external_id',
      table: 'sp_objectives',
      by: 'external_id',
      column: 'objective_id',
      required: true,
    },
    describe: 'A milestone of a success-plan objective, named by the objective’s external_id.',
  },
  engagements: {
    schema: engagements,
    key: ['external_id'],
    references: [account, member('cse_id')],
    describe: 'An onboarding, workshop, accelerator, migration or health check.',
  },
  deliverables: {
    schema: deliverables,
    key: ['external_id'],
    references: [],
    parent: engagementOf(true),
    describe: 'A deliverable of an engagement, named by the engagement’s external_id.',
  },
  doc_updates: {
    schema: docUpdates,
    key: ['external_id'],
    references: [],
    parent: engagementOf(true),
    describe: 'A documentation update made during an engagement.',
  },
  surveys: {
    schema: surveys,
    key: ['external_id'],
    references: [account],
    parent: engagementOf(false),
    describe: 'A CSAT (1–5) or NPS (0–10) survey, optionally rating an engagement.',
  },
  renewals: {
    schema: renewals,
    key: ['external_id'],
    references: [account],
    describe: 'A renewal (e.g. a Salesforce renewal opportunity) with ATR, forecast and risk.',
  },
  program_sessions: {
    schema: programSessions,
    key: ['external_id'],
    references: [],
    describe: 'A webinar or hands-on lab.',
  },
  program_attendance: {
    schema: programAttendance,
    key: ['session_id', 'account_id'],
    references: [account],
    parent: {
      field: 'session_external_id',
      table: 'program_sessions',
      by: 'external_id',
      column: 'session_id',
      required: true,
    },
    describe: 'How many people of an account attended a program session (one row per session and account).',
  },
  health_overrides: {
    schema: healthOverrides,
    key: ['external_id'],
    references: [account, member('author_id'), member('cleared_by')],
    describe: 'A manual health colour for an account, with its reason and author.',
  },
};

/** Every facts table a writer can reach, in FACTS_TABLES' order: parents before children (a full load's order). */
export const INGEST_TABLES: readonly IngestTable[] = FACTS_TABLES.map((name) => ({
  name,
  ...TABLE_SPECS[name],
}));

const BY_NAME = new Map(INGEST_TABLES.map((table) => [table.name as string, table]));

/** The table's write contract, or undefined for a name that is not a facts table. */
export const ingestTable = (name: string): IngestTable | undefined => BY_NAME.get(name);

export const INGEST_TABLE_NAMES = INGEST_TABLES.map((table) => table.name);

/** The fields of a table's schema, in declaration order (CSV columns, OpenAPI, sample files). */
export function schemaFields(table: IngestTable): string[] {
  return Object.keys(objectShape(table.schema));
}

/** Fields every row must give (no default, not optional), as the OpenAPI schema lists them. */
export function requiredFields(table: IngestTable): string[] {
  return [...((z.toJSONSchema(table.schema, { io: 'input' }).required as string[] | undefined) ?? [])];
}

/** The object schema under refinements (zod v4 keeps refinements on the object itself). */
export function objectShape(schema: z.ZodType): Record<string, z.ZodType> {
  return (schema as unknown as z.ZodObject).shape;
}
