import { describe, expect, it } from 'vitest';
import {
  type Color,
  defaultConfig as config,
  emergencyBadge,
  greenWithTechnicalMilestones,
  licenseUtilization,
  licenseUtilizationColor,
  meetingCadence,
  ownerSentiment,
  personaEngagement,
  planColor,
  planPercentComplete,
  supportLoad,
  type UseCase,
  useCaseAdoption,
  useCaseAdoptionColor,
  useCaseMetrics,
  userEngagement,
} from '../src/index.js';
import { AS_OF, account, entry, objective, plan, ticket, usage } from './fixtures.js';

describe('license utilization (KPIS.md §1.2)', () => {
  it.each<[number, number, Color]>([
    [1, 0.9, 'grey'],
    [1, 0.05, 'grey'],
    [2, 0.09, 'red'],
    [2, 0.1, 'yellow'],
    [2, 0.5, 'yellow'],
    [2, 0.51, 'green'],
    [2, 0.75, 'green'],
    [5, 0.1, 'yellow'],
    [6, 0.09, 'red'],
    [6, 0.1, 'red'],
    [6, 0.5, 'red'],
    [6, 0.51, 'yellow'],
    [6, 0.75, 'yellow'],
    [6, 0.76, 'green'],
    [8, 0.75, 'yellow'],
    [9, 0.5, 'red'],
    [9, 0.75, 'red'],
    [9, 0.76, 'green'],
  ])('%i months, lu %f → %s', (months, lu, color) => {
    expect(licenseUtilizationColor(lu, months, config)).toBe(color);
  });

  it('counts whole months from the contract start (2 months reached on the same day of month)', () => {
    const snapshot = usage({ billableUsers: 60 });
    const acc = account({ contractStart: '2026-04-15' });
    expect(licenseUtilization(acc, snapshot, '2026-06-14', config).color).toBe('grey');
    expect(licenseUtilization(acc, snapshot, '2026-06-15', config).color).toBe('green');
  });

  it('is grey without licensed seats and red with zero billable users after onboarding', () => {
    expect(licenseUtilization(account({ licensedSeats: 0 }), usage(), AS_OF, config).color).toBe('grey');
    const zero = licenseUtilization(account(), usage({ billableUsers: 0 }), AS_OF, config);
    expect([zero.color, zero.value]).toEqual(['red', 0]);
  });
});

describe('user engagement', () => {
  it.each<[number, Color]>([
    [49, 'red'],
    [50, 'yellow'],
    [79, 'yellow'],
    [80, 'green'],
  ])('%i of 100 active → %s', (active, color) => {
    expect(userEngagement(usage({ activeUsers28d: active }), config).color).toBe(color);
  });

  it('is grey with zero billable users (never red for missing data)', () => {
    expect(userEngagement(usage({ billableUsers: 0, activeUsers28d: 0 }), config).color).toBe('grey');
  });
});

describe('use-case adoption metrics at every threshold (KPIS.md §2)', () => {
  const metricColor = (useCase: UseCase, name: string, fields: Parameters<typeof usage>[0]) =>
    useCaseMetrics(useCase, usage(fields), config).find((m) => m.name === name)?.color;

  it.each<[UseCase, string, Parameters<typeof usage>[0], Color]>([
    ['scm', 'git_operation_users_share', { gitOperationUsers: 10 }, 'red'],
    ['scm', 'git_operation_users_share', { gitOperationUsers: 11 }, 'yellow'],
    ['scm', 'git_operation_users_share', { gitOperationUsers: 33 }, 'yellow'],
    ['scm', 'git_operation_users_share', { gitOperationUsers: 34 }, 'green'],
    ['ci', 'ci_builds_per_user', { ciBuilds: 200 }, 'red'],
    ['ci', 'ci_builds_per_user', { ciBuilds: 201 }, 'yellow'],
    ['ci', 'ci_builds_per_user', { ciBuilds: 4000 }, 'yellow'],
    ['ci', 'ci_builds_per_user', { ciBuilds: 4001 }, 'green'],
    ['security', 'scanner_users_share', { scannerUsers: 5 }, 'red'],
    ['security', 'scanner_users_share', { scannerUsers: 6 }, 'yellow'],
    ['security', 'scanner_users_share', { scannerUsers: 19 }, 'yellow'],
    ['security', 'scanner_users_share', { scannerUsers: 20 }, 'green'],
    ['security', 'scans_per_pipeline', { scans: 9, ciPipelines: 100 }, 'red'],
    ['security', 'scans_per_pipeline', { scans: 10, ciPipelines: 100 }, 'yellow'],
    ['security', 'scans_per_pipeline', { scans: 50, ciPipelines: 100 }, 'yellow'],
    ['security', 'scans_per_pipeline', { scans: 51, ciPipelines: 100 }, 'green'],
    ['security', 'scans_per_pipeline', { scans: 0, ciPipelines: 0 }, 'grey'],
    ['security', 'scanner_types', { scannerTypes: 1 }, 'red'],
    ['security', 'scanner_types', { scannerTypes: 2 }, 'yellow'],
    ['security', 'scanner_types', { scannerTypes: 3 }, 'green'],
    ['cd', 'deploying_users_share', { deployingUsers: 4 }, 'red'],
    ['cd', 'deploying_users_share', { deployingUsers: 5 }, 'yellow'],
    ['cd', 'deploying_users_share', { deployingUsers: 12 }, 'yellow'],
    ['cd', 'deploying_users_share', { deployingUsers: 13 }, 'green'],
    ['cd', 'deployments_per_user', { deployments: 199 }, 'red'],
    ['cd', 'deployments_per_user', { deployments: 200 }, 'yellow'],
    ['cd', 'deployments_per_user', { deployments: 700 }, 'yellow'],
    ['cd', 'deployments_per_user', { deployments: 701 }, 'green'],
    ['cd', 'deployment_success_rate', { deployments: 100, successfulDeployments: 24 }, 'red'],
    ['cd', 'deployment_success_rate', { deployments: 100, successfulDeployments: 25 }, 'yellow'],
    ['cd', 'deployment_success_rate', { deployments: 100, successfulDeployments: 80 }, 'yellow'],
    ['cd', 'deployment_success_rate', { deployments: 100, successfulDeployments: 81 }, 'green'],
    ['agile', 'planning_users_share', { issueUsers: 19, epicUsers: 5 }, 'red'],
    ['agile', 'planning_users_share', { issueUsers: 5, epicUsers: 20 }, 'yellow'],
    ['agile', 'planning_users_share', { issueUsers: 50, epicUsers: 0 }, 'yellow'],
    ['agile', 'planning_users_share', { issueUsers: 51, epicUsers: 0 }, 'green'],
  ])('%s %s %o → %s', (useCase, name, fields, color) => {
    expect(metricColor(useCase, name, fields)).toBe(color);
  });

  it('scores a multi-metric use case by the mean of colour points (handbook examples)', () => {
    // scanner users green, scans per pipeline green, scanner types yellow
    const ggy = useCaseAdoption('security', usage({ scannerTypes: 2 }), 'ultimate', config);
    expect(ggy.points).toBeCloseTo(79.1667, 4);
    expect(ggy.color).toBe('green');
    // green, yellow, yellow
    const gyy = useCaseAdoption('security', usage({ scannerTypes: 2, scans: 300 }), 'ultimate', config);
    expect(Math.round(gyy.points! * 100) / 100).toBe(70.83);
    expect(gyy.color).toBe('yellow');
    // the health-scoring worked example: yellow, green, yellow = 62.5/87.5/62.5 → 70.83 yellow
    const ygy = useCaseAdoption('security', usage({ scannerUsers: 10, scannerTypes: 2 }), 'ultimate', config);
    expect(Math.round(ygy.points! * 100) / 100).toBe(70.83);
    expect(ygy.color).toBe('yellow');
  });

  it('greys security below the Ultimate plan and every per-user metric at zero billable users', () => {
    expect(useCaseAdoption('security', usage(), 'premium', config).color).toBe('grey');
    expect(useCaseAdoption('ci', usage({ billableUsers: 0 }), 'ultimate', config).color).toBe('grey');
    // scanner types need no denominator, so security still has one metric
    expect(
      useCaseAdoption('security', usage({ billableUsers: 0, ciPipelines: 0 }), 'ultimate', config).color,
    ).toBe('green');
  });

  // Summaries ask for the colour alone at many dates: it must be the scorecard's colour, every case.
  it.each([
    ['security', {}, 'premium'],
    ['security', { scannerTypes: 2 }, 'ultimate'],
    ['security', { scannerTypes: 2, scans: 300 }, 'ultimate'],
    ['security', { billableUsers: 0, ciPipelines: 0 }, 'ultimate'],
    ['ci', { billableUsers: 0 }, 'ultimate'],
    ['cd', { deployments: 100, successfulDeployments: 80 }, 'premium'],
    ['agile', { issueUsers: 51, epicUsers: 0 }, 'free'],
    ['scm', {}, 'ultimate'],
  ] as const)('colour alone of %s %o on %s equals the full adoption result', (useCase, fields, tier) => {
    const snapshot = usage(fields);
    expect(useCaseAdoptionColor(useCase, snapshot, tier, config)).toBe(
      useCaseAdoption(useCase, snapshot, tier, config).color,
    );
  });
});

describe('support load', () => {
  const tickets = (n: number) =>
    Array.from({ length: n }, () => ticket({ openedAt: '2026-06-01T00:00:00.000Z' }));
  it.each<[number, Color]>([
    [1, 'green'],
    [5, 'green'],
    [6, 'yellow'],
    [15, 'yellow'],
    [16, 'red'],
  ])('%i tickets in 30 days → %s', (n, color) => {
    expect(supportLoad(tickets(n), AS_OF, config).color).toBe(color);
  });

  it('is yellow with an info badge at 0 recent tickets and grey when there never was one', () => {
    const old = supportLoad([ticket({ openedAt: '2026-05-16T00:00:00.000Z' })], AS_OF, config);
    expect([old.color, old.value]).toEqual(['yellow', 0]);
    expect(old.info).toMatch(/no tickets/);
    expect(supportLoad([ticket({ openedAt: '2026-05-17T00:00:00.000Z' })], AS_OF, config).color).toBe(
      'green',
    );
    expect(supportLoad([], AS_OF, config).color).toBe('grey');
  });
});

describe('emergency badge', () => {
  it('is red while an emergency is open, yellow within 7 days of closing, absent after', () => {
    const open = ticket({ severity: 'emergency' });
    expect(emergencyBadge([open], AS_OF, config)?.color).toBe('red');
    const closed6 = ticket({ severity: 'emergency', closedAt: '2026-06-09T12:00:00.000Z' });
    expect(emergencyBadge([closed6], AS_OF, config)?.color).toBe('yellow');
    const closed7 = ticket({ severity: 'emergency', closedAt: '2026-06-08T12:00:00.000Z' });
    expect(emergencyBadge([closed7], AS_OF, config)).toBeNull();
    expect(emergencyBadge([ticket({ severity: 'high' })], AS_OF, config)).toBeNull();
  });
});

describe('meeting cadence by priority', () => {
  const daysAgo = (days: number) =>
    new Date(Date.parse(`${AS_OF}T09:00:00.000Z`) - days * 86_400_000).toISOString();
  it.each<[1 | 2, number, Color]>([
    [1, 35, 'green'],
    [1, 36, 'yellow'],
    [1, 60, 'yellow'],
    [1, 61, 'red'],
    [2, 65, 'green'],
    [2, 66, 'yellow'],
    [2, 90, 'yellow'],
    [2, 91, 'red'],
  ])('priority %i, %i days since the last meeting → %s', (priority, days, color) => {
    const result = meetingCadence(
      account({ priority }),
      [entry({ occurredAt: daysAgo(days) })],
      AS_OF,
      config,
    );
    expect(result.color).toBe(color);
    expect(result.value).toBe(days);
  });

  it('ignores emails and notes', () => {
    const result = meetingCadence(
      account(),
      [entry({ kind: 'email', occurredAt: daysAgo(1) }), entry({ kind: 'call', occurredAt: daysAgo(40) })],
      AS_OF,
      config,
    );
    expect(result.value).toBe(40);
  });
});

describe('persona engagement', () => {
  it.each<[string[], Color]>([
    [['dev_lead', 'security_lead'], 'green'],
    [['dev_lead', 'executive'], 'yellow'],
    [['security_lead'], 'yellow'],
    [['executive', 'champion'], 'red'],
  ])('%o → %s', (personas, color) => {
    const e = entry({ personas: personas as never });
    expect(personaEngagement([e], AS_OF, config).color).toBe(color);
  });

  it('counts the last 90 days only', () => {
    const at89 = entry({ occurredAt: '2026-03-18T10:00:00.000Z', personas: ['dev_lead', 'security_lead'] });
    const at90 = entry({ occurredAt: '2026-03-17T10:00:00.000Z', personas: ['dev_lead', 'security_lead'] });
    expect(personaEngagement([at89], AS_OF, config).color).toBe('green');
    expect(personaEngagement([at90], AS_OF, config).color).toBe('red');
  });
});

describe('owner sentiment', () => {
  const at = (days: number) =>
    new Date(Date.parse(`${AS_OF}T12:00:00.000Z`) - days * 86_400_000).toISOString();
  it.each<[number, Color, boolean]>([
    [0, 'yellow', false],
    [90, 'yellow', false],
    [91, 'yellow', true],
    [120, 'yellow', true],
    [121, 'grey', true],
  ])('%i days old → %s (stale %s)', (days, color, stale) => {
    const result = ownerSentiment(
      account(),
      [entry({ sentiment: 'yellow', occurredAt: at(days) })],
      AS_OF,
      config,
    );
    expect([result.color, result.stale]).toEqual([color, stale]);
  });

  it('takes the latest sentiment of the CSM or CSA, and of the CSE on CSE-assigned accounts', () => {
    const timeline = [
      entry({ authorId: 'tm-csm', sentiment: 'green', occurredAt: at(10) }),
      entry({ authorId: 'tm-other', sentiment: 'red', occurredAt: at(1) }),
      entry({ authorId: 'tm-cse', sentiment: 'yellow', occurredAt: at(5) }),
    ];
    expect(ownerSentiment(account(), timeline, AS_OF, config).color).toBe('green');
    expect(ownerSentiment(account({ successTier: 'cse_assigned' }), timeline, AS_OF, config).color).toBe(
      'yellow',
    );
    expect(ownerSentiment(account({ csmId: 'tm-nobody' }), timeline, AS_OF, config).color).toBe('grey');
  });
});

describe('success plan colour (KPIS.md §3)', () => {
  it.each<[string, Parameters<typeof planColor>[0], Color]>([
    ['no plan', null, 'red'],
    ['no objectives', plan({ objectives: [] }), 'red'],
    [
      'only lost / not relevant objectives',
      plan({
        objectives: [objective({ status: 'closed_lost' }), objective({ status: 'closed_not_relevant' })],
      }),
      'red',
    ],
    [
      'only closed objectives (one successful)',
      plan({ objectives: [objective({ status: 'closed_success' })] }),
      'yellow',
    ],
    ['draft', plan({ status: 'draft' }), 'yellow'],
    ['completed', plan({ status: 'completed' }), 'yellow'],
    ['strategy missing', plan({ hasStrategy: false }), 'yellow'],
    ['highlights missing', plan({ hasHighlights: false }), 'yellow'],
    ['open objective without due date', plan({ objectives: [objective({ dueDate: null })] }), 'yellow'],
    [
      'open objective without criteria',
      plan({ objectives: [objective({ successCriteria: ' ' })] }),
      'yellow',
    ],
    ['updated exactly 90 days ago', plan({ updatedAt: '2026-03-17T08:00:00.000Z' }), 'green'],
    ['updated 91 days ago', plan({ updatedAt: '2026-03-16T08:00:00.000Z' }), 'yellow'],
    ['complete and current', plan(), 'green'],
  ])('%s → %s', (_name, p, color) => {
    expect(planColor(p, AS_OF, config).color).toBe(color);
  });

  it('computes % complete from milestones, counting closed_success as done and skipping dropped objectives', () => {
    const p = plan({
      objectives: [
        objective({ status: 'closed_success' }),
        objective({
          milestones: [
            {
              id: 1,
              objectiveId: 1,
              title: 'a',
              technical: true,
              ownerId: 'x',
              dueDate: null,
              status: 'done',
              progressPct: 10,
            },
            {
              id: 2,
              objectiveId: 1,
              title: 'b',
              technical: true,
              ownerId: 'x',
              dueDate: null,
              status: 'in_progress',
              progressPct: 50,
            },
            {
              id: 3,
              objectiveId: 1,
              title: 'c',
              technical: true,
              ownerId: 'x',
              dueDate: null,
              status: 'cancelled',
              progressPct: 0,
            },
          ],
        }),
        objective(),
        objective({ status: 'closed_lost' }),
      ],
    });
    expect(planPercentComplete(p)).toBeCloseTo((1 + 0.75 + 0) / 3, 10);
    expect(planPercentComplete(null)).toBeNull();
  });

  it('flags the CSE KPI only with an owned, dated technical milestone on an open dated objective', () => {
    const milestone = {
      id: 9,
      objectiveId: 1,
      title: 'pipeline migrated',
      technical: true,
      ownerId: 'tm-cse',
      dueDate: '2026-07-01',
      status: 'in_progress' as const,
      progressPct: 40,
    };
    expect(
      greenWithTechnicalMilestones(plan({ objectives: [objective({ milestones: [milestone] })] }), 'green'),
    ).toBe(true);
    expect(
      greenWithTechnicalMilestones(plan({ objectives: [objective({ milestones: [milestone] })] }), 'yellow'),
    ).toBe(false);
    const unowned = { ...milestone, ownerId: null };
    expect(
      greenWithTechnicalMilestones(plan({ objectives: [objective({ milestones: [unowned] })] }), 'green'),
    ).toBe(false);
    const nonTechnical = { ...milestone, technical: false };
    expect(
      greenWithTechnicalMilestones(
        plan({ objectives: [objective({ milestones: [nonTechnical] })] }),
        'green',
      ),
    ).toBe(false);
  });
});
