import { describe, expect, it } from 'vitest';
import { parseTopic, RENEWAL_WINDOWS, RENEWALS_MAX_DAYS, type Topic, topicKey } from '../src/topics.js';

describe('parseTopic canonical keys', () => {
  const canonical: Array<[input: string, key: string]> = [
    ['team:cse', 'team:cse'],
    ['team:csm', 'team:csm'],
    ['team:csa', 'team:csa'],
    ['team:cse?region=emea', 'team:cse?region=emea'],
    ['team:csm?tier=signature&region=amer', 'team:csm?region=amer&tier=signature'],
    [
      'team:csa?tier=advanced&segment=smb&region=apac&owner=tm-001&manager=tm-100',
      'team:csa?manager=tm-100&owner=tm-001&region=apac&segment=smb&tier=advanced',
    ],
    ['team:cse?region=&segment=mid_market', 'team:cse?segment=mid_market'],
    ['team:cse?', 'team:cse'],
    ['team:cse?&region=pubsec&', 'team:cse?region=pubsec'],
    ['account:acc-0001', 'account:acc-0001'],
    ['renewals', 'renewals?days=180'],
    ['renewals?days=', 'renewals?days=180'],
    ['renewals?days=1', 'renewals?days=30'],
    ['renewals?days=31', 'renewals?days=60'],
    ['renewals?days=100', 'renewals?days=120'],
    ['renewals?days=200', 'renewals?days=365'],
    ['renewals?days=366', 'renewals?days=730'],
    ['renewals?days=730', 'renewals?days=730'],
    ['renewals?days=090', 'renewals?days=90'],
    // An AE's or a region's renewals: the team views' scope filters, sorted after the window.
    ['renewals?region=emea', 'renewals?days=180&region=emea'],
    ['renewals?tier=signature&days=30&owner=tm-001', 'renewals?days=30&owner=tm-001&tier=signature'],
    ['renewals?region=&days=60', 'renewals?days=60'],
    ['changes', 'changes'],
    // A team view's feed: the score moves of the accounts its filters hold.
    ['changes?region=emea&manager=tm-001', 'changes?manager=tm-001&region=emea'],
    ['changes?owner=', 'changes'],
  ];
  it.each(canonical)('%s → %s', (input, key) => {
    const parsed = parseTopic(input);
    expect(parsed).toMatchObject({ ok: true, key });
    // The canonical key is a fixed point.
    expect(parseTopic(key)).toMatchObject({ ok: true, key });
  });

  it('reads filters into the topic', () => {
    expect(parseTopic('team:csm?region=emea&owner=tm-007')).toEqual({
      ok: true,
      key: 'team:csm?owner=tm-007&region=emea',
      topic: { kind: 'team', team: 'csm', filters: { owner: 'tm-007', region: 'emea' } },
    });
    expect(parseTopic('renewals?days=30')).toMatchObject({ topic: { kind: 'renewals', days: 30 } });
  });

  it('maps every renewal window 1..730 onto the few windows users pick from, never a shorter one', () => {
    const keys = new Set<string>();
    for (let days = 1; days <= RENEWALS_MAX_DAYS; days += 1) {
      const parsed = parseTopic(`renewals?days=${days}`);
      if (!parsed.ok || parsed.topic.kind !== 'renewals') throw new Error(`days=${days} refused`);
      expect(parsed.topic.days).toBeGreaterThanOrEqual(days);
      keys.add(parsed.key);
    }
    expect([...keys]).toEqual(RENEWAL_WINDOWS.map((days) => `renewals?days=${days}`));
  });
});

describe('parseTopic errors', () => {
  const errors: Array<[input: unknown, code: string, mentions: string]> = [
    ['', 'invalid_topic', 'non-empty string'],
    [42, 'invalid_topic', 'non-empty string'],
    [null, 'invalid_topic', 'non-empty string'],
    ['x'.repeat(600), 'invalid_topic', '512'],
    ['team', 'invalid_topic', 'team view'],
    ['team:ae', 'invalid_topic', "got 'ae'"],
    ['team:cse?region=mars', 'invalid_topic', "filter 'region'"],
    ['team:cse?segment=huge', 'invalid_topic', "filter 'segment'"],
    ['team:cse?tier=gold', 'invalid_topic', "filter 'tier'"],
    ['team:cse?owner=a b', 'invalid_topic', "filter 'owner'"],
    ['team:cse?manager=%ZZ', 'invalid_topic', 'percent-encoding'],
    ['team:cse?colour=red', 'invalid_topic', "unknown filter 'colour'"],
    ['team:cse?region=emea&region=amer', 'invalid_topic', 'given twice'],
    ['account:', 'invalid_topic', 'account id'],
    ['account:acc 1', 'invalid_topic', 'account id'],
    ['account:acc-1?days=3', 'invalid_topic', 'no parameters'],
    ['renewals?days=0', 'invalid_topic', 'between 1 and 730'],
    ['renewals?days=731', 'invalid_topic', 'between 1 and 730'],
    ['renewals?days=-5', 'invalid_topic', 'whole number'],
    ['renewals?days=1.5', 'invalid_topic', 'whole number'],
    ['renewals?weeks=2', 'invalid_topic', "unknown parameter 'weeks'"],
    ['renewals:all', 'invalid_topic', 'renewals'],
    ['renewals?region=mars', 'invalid_topic', "filter 'region' must be one of"],
    ['renewals?days=30&colour=red', 'invalid_topic', "unknown parameter 'colour' (allowed: days, manager"],
    ['changes?x=1', 'invalid_topic', "changes: unknown filter 'x'"],
    ['changes?region=mars', 'invalid_topic', "filter 'region' must be one of"],
    ['changes:all', 'invalid_topic', 'changes'],
    ['accounts', 'unknown_topic', "unknown topic 'accounts'"],
    ['team-cse', 'unknown_topic', "unknown topic 'team-cse'"],
  ];
  it.each(errors)('%j → %s', (input, code, mentions) => {
    const parsed = parseTopic(input);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.code).toBe(code);
    expect(parsed.error.message).toContain(mentions);
  });
});

describe('topicKey', () => {
  it('drops empty filters and sorts the rest', () => {
    const topic: Topic = {
      kind: 'team',
      team: 'cse',
      filters: { tier: 'signature', owner: '', region: 'emea' },
    };
    expect(topicKey(topic)).toBe('team:cse?region=emea&tier=signature');
  });
});
