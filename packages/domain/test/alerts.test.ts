import { describe, expect, it } from 'vitest';
import {
  type AccountSummary,
  type AlertRuleSpec,
  type AlertTrigger,
  alertKey,
  alertRecipients,
  type Color,
  computeScorecard,
  defaultConfig as config,
  firedAlerts,
  inQuietPeriod,
  outsideQuietPeriod,
  type ScopeFilters,
  type Scorecard,
  summarizeAccount,
  triggerCondition,
  withoutMuted,
} from '../src/index.js';
import { AS_OF, account, entry, facts, member, plan, renewal } from './fixtures.js';

const AT = `${AS_OF}T12:00:00.000Z`;
const baseFacts = facts({ renewals: [renewal({ renewalDate: '2026-09-01', status: 'open' })] });
const baseCard = computeScorecard(baseFacts, AT, config);
const baseSummary = summarizeAccount(baseFacts, AT, config, baseCard);

function card(changes: {
  color?: Color;
  score?: number | null;
  sentiment?: Color;
  forecast?: Color;
  plan?: Color;
  planUpdated?: string;
  ci?: Color;
}): Scorecard {
  const measures = structuredClone(baseCard.measures);
  if (changes.sentiment) measures.owner_sentiment.color = changes.sentiment;
  if (changes.plan) measures.success_plan.color = changes.plan;
  if (changes.planUpdated)
    measures.success_plan.inputs = [{ name: 'status', value: 'active', date: changes.planUpdated }];
  if (changes.ci) measures.ci_adoption.color = changes.ci;
  return {
    ...baseCard,
    color: changes.color ?? 'green',
    score: changes.score === undefined ? 80 : changes.score,
    renewalForecastColor: changes.forecast ?? 'green',
    measures,
  };
}

const summary = (changes: Partial<AccountSummary> = {}): AccountSummary => ({ ...baseSummary, ...changes });

describe('alert triggers at their thresholds (defaults from config.alerts)', () => {
  const cases: [string, AlertTrigger, number | null, Scorecard, AccountSummary, boolean][] = [
    ['red account', 'turned_red', null, card({ color: 'red', score: 40 }), summary(), true],
    ['yellow account', 'turned_red', null, card({ color: 'yellow', score: 60 }), summary(), false],
    ['grey account is never red', 'turned_red', null, card({ color: 'grey', score: null }), summary(), false],
    ['drop of exactly N', 'health_drop', 10, card({ score: 70 }), summary({ scoreSevenDaysAgo: 80 }), true],
    [
      'drop just under N',
      'health_drop',
      10,
      card({ score: 70.01 }),
      summary({ scoreSevenDaysAgo: 80 }),
      false,
    ],
    [
      'no score a week ago',
      'health_drop',
      10,
      card({ score: 10 }),
      summary({ scoreSevenDaysAgo: null }),
      false,
    ],
    ['sentiment red', 'sentiment_red', null, card({ sentiment: 'red' }), summary(), true],
    ['sentiment grey', 'sentiment_red', null, card({ sentiment: 'grey' }), summary(), false],
    // AT is 2026-06-15; the renewal is on 2026-09-01, 78 days later.
    [
      'renewal in 78 days forecast red, N = 78',
      'renewal_at_risk',
      78,
      card({ forecast: 'red' }),
      summary(),
      true,
    ],
    ['renewal in 78 days, N = 77', 'renewal_at_risk', 77, card({ forecast: 'red' }), summary(), false],
    ['renewal at risk (yellow)', 'renewal_at_risk', 120, card({ forecast: 'yellow' }), summary(), true],
    ['renewal forecast green', 'renewal_at_risk', 120, card({ forecast: 'green' }), summary(), false],
    ['success plan red', 'plan_at_risk', 90, card({ plan: 'red' }), summary(), true],
    [
      'plan updated 91 days ago',
      'plan_at_risk',
      90,
      card({ plan: 'yellow', planUpdated: '2026-03-16' }),
      summary(),
      true,
    ],
    [
      'plan updated 90 days ago',
      'plan_at_risk',
      90,
      card({ plan: 'green', planUpdated: '2026-03-17' }),
      summary(),
      false,
    ],
    [
      'plan not applicable (grey)',
      'plan_at_risk',
      90,
      card({ plan: 'grey', planUpdated: '2020-01-01' }),
      summary(),
      false,
    ],
    [
      'primary use case (CI) red',
      'use_case_stalled',
      null,
      card({ ci: 'red' }),
      summary({ primaryUseCase: 'ci' }),
      true,
    ],
    [
      'primary use case (CI) yellow',
      'use_case_stalled',
      null,
      card({ ci: 'yellow' }),
      summary({ primaryUseCase: 'ci' }),
      false,
    ],
    [
      'another use case red',
      'use_case_stalled',
      null,
      card({ ci: 'red' }),
      summary({ primaryUseCase: 'scm' }),
      false,
    ],
    [
      'agile is not a health measure',
      'use_case_stalled',
      null,
      card({ ci: 'red' }),
      summary({ primaryUseCase: 'agile' }),
      false,
    ],
  ];
  it.each(cases)('%s', (_name, trigger, threshold, scorecard, accountSummary, holds) => {
    const condition = triggerCondition(trigger, threshold, scorecard, accountSummary, config);
    expect(condition.holds).toBe(holds);
    if (holds) expect(condition.reason).not.toBe('');
  });

  it('the default thresholds are the configuration', () => {
    expect(config.alerts).toEqual({
      healthDropPoints: 10,
      renewalWithinDays: 120,
      planNotUpdatedDays: 90,
      quietHours: 24,
    });
  });
});

const members = [
  member({ id: 'tm-head', managerId: null }),
  member({ id: 'tm-mgr', managerId: 'tm-head' }),
  member({ id: 'tm-csm', managerId: 'tm-mgr' }),
  member({ id: 'tm-cse', managerId: 'tm-mgr' }),
  member({ id: 'tm-ae', managerId: null }),
  member({ id: 'tm-rm', managerId: null }),
  member({ id: 'tm-other', managerId: null }),
];
const rule = (scope: ScopeFilters, overrides: Partial<AlertRuleSpec> = {}): AlertRuleSpec => ({
  id: 1,
  trigger: 'turned_red',
  threshold: null,
  scope,
  quietHours: null,
  ...overrides,
});
const turnedRed = {
  before: card({ color: 'yellow', score: 55 }),
  after: card({ color: 'red', score: 45 }),
  summary: summary(),
  change: null,
};

describe('rule scopes (the account is emea, enterprise, advanced; CSM tm-csm reports to tm-mgr)', () => {
  it.each<[string, ScopeFilters, boolean]>([
    ['no scope', {}, true],
    ['its region', { region: 'emea' }, true],
    ['another region', { region: 'amer' }, false],
    ['its segment', { segment: 'enterprise' }, true],
    ['another segment', { segment: 'smb' }, false],
    ['its tier', { tier: 'advanced' }, true],
    ['another tier', { tier: 'signature' }, false],
    ['an owner of it', { owner: 'tm-ae' }, true],
    ['someone else', { owner: 'tm-other' }, false],
    ['the owners’ manager', { manager: 'tm-mgr' }, true],
    ['the manager’s manager (down the chain)', { manager: 'tm-head' }, true],
    ['a manager of no owner', { manager: 'tm-other' }, false],
    ['region and owner both matching', { region: 'emea', owner: 'tm-csm' }, true],
    ['region matching, owner not', { region: 'emea', owner: 'tm-other' }, false],
  ])('%s', (_name, scope, fires) => {
    expect(firedAlerts([turnedRed], [rule(scope)], members, config)).toHaveLength(fires ? 1 : 0);
  });
});

describe('a rule fires on the move, not while the condition lasts', () => {
  it.each<[string, Scorecard, Scorecard, number]>([
    ['yellow → red', card({ color: 'yellow' }), card({ color: 'red' }), 1],
    [
      'red → red (rescored, still red)',
      card({ color: 'red', score: 40 }),
      card({ color: 'red', score: 30 }),
      0,
    ],
    ['red → yellow', card({ color: 'red' }), card({ color: 'yellow' }), 0],
  ])('%s', (_name, before, after, count) => {
    const fired = firedAlerts([{ ...turnedRed, before, after }], [rule({})], members, config);
    expect(fired).toHaveLength(count);
  });

  it('a renewal entering the window as time passes fires on the rescoring that sees it', () => {
    const renewalRule = rule({}, { trigger: 'renewal_at_risk', threshold: 78 });
    const dayBefore = { ...card({ forecast: 'red' }), asOf: '2026-06-14T12:00:00.000Z' };
    const fired = firedAlerts(
      [{ ...turnedRed, before: dayBefore, after: card({ forecast: 'red' }) }],
      [renewalRule],
      members,
      config,
    );
    expect(fired.map((alert) => alert.reason)).toEqual(['renewal on 2026-09-01, in 78 days, forecast red']);
  });
});

describe('mutes', () => {
  it.each<[string, string | undefined, number]>([
    ['not muted', undefined, 1],
    ['muted until later', '2026-06-15T13:00:00.000Z', 0],
    ['mute ended', '2026-06-15T11:59:59.000Z', 1],
  ])('%s', (_name, until, count) => {
    const muted = new Map(until ? [['acc-0001', until]] : []);
    const fired = firedAlerts([turnedRed], [rule({})], members, config);
    expect(withoutMuted(fired, muted, AT)).toHaveLength(count);
  });
});

describe('quiet periods', () => {
  it.each<[string, string | undefined, number, boolean]>([
    ['never alerted', undefined, 24, false],
    ['alerted 23:59 ago, 24 h quiet', '2026-06-14T12:01:00.000Z', 24, true],
    ['alerted exactly 24 h ago', '2026-06-14T12:00:00.000Z', 24, false],
    ['alerted 1 h ago, no quiet period', '2026-06-15T11:00:00.000Z', 0, false],
  ])('%s', (_name, last, hours, quiet) => {
    expect(inQuietPeriod(last, AT, hours)).toBe(quiet);
  });

  it('keeps one rule quiet on one account, not other rules or accounts', () => {
    const rules = [rule({}, { id: 1, quietHours: 2 }), rule({}, { id: 2 })];
    const alert = (ruleId: number, accountId: string, reason: string) => ({
      ruleId,
      accountId,
      trigger: 'turned_red' as const,
      reason,
      from: { score: 55, color: 'yellow' as const, asOf: AT },
      to: { score: 45, color: 'red' as const },
      change: null,
    });
    const fired = [
      alert(1, 'acc-0001', 'r'),
      alert(1, 'acc-0002', 'r'),
      alert(2, 'acc-0001', 'r'),
      alert(2, 'acc-0001', 'again'),
    ];
    const last = new Map([
      [alertKey(1, 'acc-0001'), '2026-06-15T11:00:00.000Z'],
      [alertKey(2, 'acc-0002'), '2026-06-15T11:00:00.000Z'],
    ]);
    const kept = outsideQuietPeriod(fired, rules, last, AT, config);
    expect(kept.map((alert) => [alert.ruleId, alert.accountId, alert.reason])).toEqual([
      [1, 'acc-0002', 'r'],
      [2, 'acc-0001', 'r'],
    ]);
  });
});

describe('recipients', () => {
  it('are the owners and their managers, each once', () => {
    const owners = { csm: 'tm-csm', cse: 'tm-cse', csa: null, ae: 'tm-ae', rm: 'tm-gone' };
    expect(alertRecipients(owners, members)).toEqual(['tm-csm', 'tm-mgr', 'tm-cse', 'tm-ae']);
  });

  it('is nobody for an account without owners', () => {
    const owners = { csm: null, cse: null, csa: null, ae: null, rm: null };
    expect(alertRecipients(owners, members)).toEqual([]);
  });
});

describe('a real scoring', () => {
  it('an account whose sentiment turns red fires turned_red and sentiment_red', () => {
    const red = facts({
      account: account(),
      renewals: [],
      successPlan: plan(),
      timeline: [...baseFacts.timeline, entry({ occurredAt: '2026-06-14T10:00:00.000Z', sentiment: 'red' })],
    });
    const after = computeScorecard(red, AT, config);
    const rules = [rule({}, { id: 1 }), rule({}, { id: 2, trigger: 'sentiment_red' })];
    const fired = firedAlerts(
      [{ before: baseCard, after, summary: summarizeAccount(red, AT, config, after), change: null }],
      rules,
      members,
      config,
    );
    expect(fired.map((alert) => alert.trigger)).toEqual(['turned_red', 'sentiment_red']);
  });
});
