import type {
  Account,
  AccountFacts,
  ArrMovement,
  Engagement,
  HealthOverride,
  Objective,
  Renewal,
  SuccessPlan,
  SupportTicket,
  TeamMember,
  TimelineEntry,
  UsageSnapshot,
} from '../src/index.js';

let nextId = 1;
const id = () => nextId++;

export const AS_OF = '2026-06-15';

export function account(overrides: Partial<Account> = {}): Account {
  return {
    id: 'acc-0001',
    name: 'Acme',
    segment: 'enterprise',
    region: 'emea',
    successTier: 'advanced',
    planTier: 'ultimate',
    priority: 1,
    lifecycleStage: 'adopting',
    primaryUseCase: 'ci',
    csmId: 'tm-csm',
    cseId: 'tm-cse',
    csaId: null,
    aeId: 'tm-ae',
    rmId: 'tm-rm',
    licensedSeats: 100,
    contractStart: '2024-01-01',
    renewalDate: '2026-12-31',
    onboardingStart: null,
    onboardingClosed: null,
    firstValueDate: null,
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function usage(overrides: Partial<UsageSnapshot> = {}): UsageSnapshot {
  return {
    id: id(),
    accountId: 'acc-0001',
    measuredOn: '2026-06-01',
    billableUsers: 100,
    activeUsers28d: 90,
    gitOperationUsers: 50,
    ciBuilds: 5000,
    ciPipelines: 1000,
    scannerUsers: 30,
    scans: 800,
    scannerTypes: 4,
    deployingUsers: 20,
    deployments: 900,
    successfulDeployments: 850,
    issueUsers: 60,
    epicUsers: 10,
    ...overrides,
  };
}

export function entry(overrides: Partial<TimelineEntry> = {}): TimelineEntry {
  return {
    id: id(),
    accountId: 'acc-0001',
    authorId: 'tm-csm',
    kind: 'meeting',
    occurredAt: '2026-06-10T10:00:00.000Z',
    sentiment: null,
    personas: [],
    summary: 'sync',
    ...overrides,
  };
}

export function ticket(overrides: Partial<SupportTicket> = {}): SupportTicket {
  return {
    id: id(),
    accountId: 'acc-0001',
    severity: 'normal',
    openedAt: '2026-06-10T10:00:00.000Z',
    closedAt: null,
    subject: 'help',
    ...overrides,
  };
}

export function objective(overrides: Partial<Objective> = {}): Objective {
  return {
    id: id(),
    planId: 1,
    title: 'Ship faster',
    useCase: 'ci',
    dueDate: '2026-09-30',
    status: 'on_track',
    successCriteria: 'lead time under a day',
    outcomeStage: null,
    milestones: [],
    ...overrides,
  };
}

export function plan(overrides: Partial<SuccessPlan> = {}): SuccessPlan {
  return {
    id: 1,
    accountId: 'acc-0001',
    status: 'active',
    hasStrategy: true,
    hasHighlights: true,
    updatedAt: '2026-06-01T00:00:00.000Z',
    objectives: [objective()],
    ...overrides,
  };
}

export function movement(
  kind: ArrMovement['kind'],
  amountCents: number,
  effectiveDate: string,
  accountId = 'acc-0001',
): ArrMovement {
  return { id: id(), accountId, kind, amountCents, effectiveDate, note: null };
}

export function renewal(overrides: Partial<Renewal> = {}): Renewal {
  return {
    id: id(),
    accountId: 'acc-0001',
    renewalDate: '2026-09-30',
    atrCents: 10_000_00,
    forecastCents: 10_000_00,
    riskCategory: 'will_renew',
    riskReason: null,
    status: 'open',
    wonCents: null,
    closedOn: null,
    ...overrides,
  };
}

export function engagement(overrides: Partial<Engagement> = {}): Engagement {
  return {
    id: id(),
    accountId: 'acc-0001',
    cseId: 'tm-cse',
    kind: 'workshop',
    status: 'completed',
    startedOn: '2026-04-01',
    completedOn: '2026-05-01',
    deliverables: [],
    docUpdates: [],
    ...overrides,
  };
}

export function override(overrides: Partial<HealthOverride> = {}): HealthOverride {
  return {
    id: id(),
    accountId: 'acc-0001',
    color: 'green',
    reason: 'exec sponsor confirmed renewal',
    authorId: 'tm-mgr',
    createdAt: '2026-06-01T00:00:00.000Z',
    expiresAt: null,
    clearedAt: null,
    clearedBy: null,
    ...overrides,
  };
}

export function member(overrides: Partial<TeamMember> & { id: string }): TeamMember {
  return {
    name: overrides.id,
    email: `${overrides.id}@example.test`,
    role: 'csm',
    region: 'emea',
    managerId: null,
    title: null,
    bookArrTargetCents: null,
    ...overrides,
  };
}

/** A healthy advanced-tier account with fresh data in every measure. */
export function facts(overrides: Partial<AccountFacts> = {}): AccountFacts {
  return {
    account: account(),
    ownerHistory: [],
    arrMovements: [movement('new', 1_000_000_00, '2024-01-01')],
    usageSnapshots: [usage()],
    timeline: [
      entry({ sentiment: 'green', personas: ['dev_lead', 'security_lead'] }),
      entry({ kind: 'ebr', occurredAt: '2026-03-01T10:00:00.000Z' }),
    ],
    supportTickets: [ticket()],
    successPlan: plan(),
    engagements: [],
    surveys: [],
    renewals: [],
    programAttendance: [],
    healthOverrides: [],
    ...overrides,
  };
}
