import fc from 'fast-check';
import jsonpatch from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import {
  type AccountSummary,
  buildTeamView,
  defaultConfig as config,
  LIFECYCLE_STAGES,
  OWNER_ROLES,
  type PatchOperation,
  REGIONS,
  type ScopeFilters,
  SEGMENTS,
  SUCCESS_TIERS,
  type SummaryChange,
  type TeamMember,
  type TeamViewKind,
  TeamViewMaintainer,
} from '../src/index.js';
import { inRetentionCohort, inScopeNow } from '../src/scope.js';
import { leaderboardCandidates } from '../src/team-views/leaderboard.js';
import { AS_OF } from './fixtures.js';
import { accountId, Random, randomMembers, randomSummary } from './random-organisation.js';

const VIEWS: TeamViewKind[] = ['cse', 'csm', 'csa'];

const FILTERS: ScopeFilters[] = [
  {},
  { region: 'emea' },
  { segment: 'enterprise', tier: 'signature' },
  { manager: 'mgr-1' },
  { manager: 'mgr-2', region: 'amer' },
  { owner: 'csm-0' },
  { owner: 'cse-1', segment: 'smb' },
];

/** One edit of the organisation; `seed` draws its details. */
const STEP_KINDS = [
  'rescore',
  'owner',
  'owner12',
  'region',
  'segment',
  'tier',
  'lifecycle',
  'churn',
  'cent',
  'history',
  'add',
  'remove',
  'move-manager',
  'move-team',
  'move-region',
] as const;
type StepKind = (typeof STEP_KINDS)[number];

interface Step {
  kind: StepKind;
  seed: number;
}

const normalize = (value: unknown) => JSON.parse(JSON.stringify(value));

class Organisation {
  readonly summaries = new Map<string, AccountSummary>();
  members: TeamMember[];
  private nextId: number;

  constructor(random: Random, accounts: number) {
    this.members = randomMembers(random, 3);
    for (let i = 0; i < accounts; i++)
      this.summaries.set(accountId(i), randomSummary(random, accountId(i), this.members));
    this.nextId = accounts;
  }

  ordered(): AccountSummary[] {
    return [...this.summaries.values()].sort((a, b) => a.accountId.localeCompare(b.accountId));
  }

  /** Applies a step; returns the summary change, or 'members' when people changed. */
  edit({ kind, seed }: Step): SummaryChange | 'members' | null {
    const random = new Random(seed);
    if (kind.startsWith('move-')) {
      const people = this.members.filter((m) => m.role !== 'manager');
      const moved = random.pick(people);
      const next: TeamMember =
        kind === 'move-manager'
          ? { ...moved, managerId: random.pick(['mgr-1', 'mgr-2', 'mgr-1a', null]) }
          : kind === 'move-team'
            ? { ...moved, role: random.pick(OWNER_ROLES) }
            : { ...moved, region: random.pick(REGIONS) };
      this.members = this.members.map((m) => (m.id === moved.id ? next : m));
      return 'members';
    }
    if (kind === 'add') {
      const id = accountId(this.nextId++);
      const after = randomSummary(random, id, this.members);
      this.summaries.set(id, after);
      return { after };
    }
    const ids = [...this.summaries.keys()];
    if (ids.length === 0) return null;
    const id = random.pick(ids);
    const before = this.summaries.get(id)!;
    if (kind === 'remove') {
      this.summaries.delete(id);
      return { before };
    }
    const after = this.changed(before, kind, random);
    this.summaries.set(id, after);
    return { before, after };
  }

  private changed(s: AccountSummary, kind: StepKind, random: Random): AccountSummary {
    const someone = (role: (typeof OWNER_ROLES)[number]) =>
      random.chance(0.2) ? null : random.pick(this.members.filter((m) => m.role === role)).id;
    switch (kind) {
      case 'owner': {
        const role = random.pick(OWNER_ROLES);
        return { ...s, owners: { ...s.owners, [role]: someone(role) } };
      }
      case 'owner12': {
        const role = random.pick(OWNER_ROLES);
        return { ...s, ownersAt12MonthsAgo: { ...s.ownersAt12MonthsAgo, [role]: someone(role) } };
      }
      case 'region':
        return { ...s, region: random.pick(REGIONS) };
      case 'segment':
        return { ...s, segment: random.pick(SEGMENTS) };
      case 'tier':
        return { ...s, successTier: random.pick(SUCCESS_TIERS) };
      case 'lifecycle':
        return { ...s, lifecycleStage: random.pick(LIFECYCLE_STAGES) };
      case 'churn':
        return { ...s, churned: !s.churned };
      case 'cent':
        // The case: a one-cent ARR movement.
        return {
          ...s,
          arrNowCents: s.arrNowCents + 1,
          arrMovements: [...s.arrMovements, { kind: 'expansion', amountCents: 1, effectiveDate: AS_OF }],
        };
      case 'history': {
        const dates = Object.keys(s.history);
        if (dates.length === 0) return s;
        const date = random.pick(dates);
        const history = { ...s.history };
        if (random.chance(0.2)) delete history[date];
        else history[date] = { ...history[date]!, score: Math.round(random.next() * 10_000) / 100 };
        return { ...s, history };
      }
      default:
        return randomSummary(random, s.accountId, this.members);
    }
  }
}

/** Applies ops the way the web client does (validated, on a copy). */
function patched(state: unknown, ops: PatchOperation[]): unknown {
  return jsonpatch.applyPatch(normalize(state), normalize(ops), true, false).newDocument;
}

/**
 * Applies a batch as a bulk sync does: staged slice by slice (the state must not move until the
 * commit: nobody may see half a batch), then committed; one slice as large as the batch is `apply`.
 */
function inSlices(m: TeamViewMaintainer, changes: SummaryChange[], size: number, previous: unknown) {
  if (size >= changes.length) return m.apply(changes);
  for (let i = 0; i < changes.length; i += size) {
    m.stage(changes.slice(i, i + size));
    expect(normalize(m.state)).toEqual(previous);
  }
  // Settled in steps as a caller yielding between them does, some of the way or all of it (commit
  // finishes the rest); nothing shows before the commit.
  let steps = 0;
  for (const _ of m.settling()) if (++steps === size * 3) break;
  expect(normalize(m.state)).toEqual(previous);
  return m.commit();
}

describe('leaderboardCandidates', () => {
  it("hands each person's leaderboard row every account of that person's scope, in order", () => {
    const random = new Random(7);
    const members = randomMembers(random, 6);
    const summaries = Array.from({ length: 400 }, (_, i) => randomSummary(random, accountId(i), members));
    for (const view of VIEWS) {
      const candidates = leaderboardCandidates(view, summaries);
      for (const person of members) {
        const alone = new Set([person.id]);
        // The row's scope, checked against every account as the full build did before.
        const held = summaries.filter(
          (s) => inScopeNow(s, {}, alone, view === 'cse') || inRetentionCohort(s, {}, alone),
        );
        const offered = candidates.get(person.id) ?? [];
        expect(offered.filter((s) => held.includes(s))).toEqual(held);
        // A candidate is an account the person owns or owned (or, in the CSE view, served).
        expect(offered.length).toBeLessThan(summaries.length);
      }
    }
  });
});

describe('TeamViewMaintainer', () => {
  it('keeps every view equal to a full rebuild through random batches of changes, applied whole or in slices', () => {
    const step = fc.record({ kind: fc.constantFrom(...STEP_KINDS), seed: fc.nat() });
    fc.assert(
      fc.property(
        fc.nat(),
        fc.constantFrom(...FILTERS),
        fc.array(fc.array(step, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 4 }),
        (seed, filters, batches, sliceSize) => {
          const org = new Organisation(new Random(seed), 24);
          const maintainers = VIEWS.map(
            (view) => new TeamViewMaintainer(view, filters, AS_OF, config, org.ordered(), org.members),
          );
          const rebuild = (view: TeamViewKind) =>
            normalize(buildTeamView(view, org.ordered(), org.members, filters, AS_OF, config));
          for (const m of maintainers) expect(normalize(m.state)).toEqual(rebuild(m.view));
          for (const batch of batches) {
            const changes: SummaryChange[] = [];
            let membersChanged = false;
            for (const s of batch) {
              const change = org.edit(s);
              if (change === 'members') membersChanged = true;
              else if (change) changes.push(change);
            }
            for (const m of maintainers) {
              const previous = normalize(m.state);
              const ops = membersChanged
                ? m.rebuild(org.ordered(), org.members)
                : inSlices(m, changes, sliceSize, previous);
              const expected = rebuild(m.view);
              expect(normalize(m.state)).toEqual(expected);
              expect(patched(previous, ops)).toEqual(expected);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  }, 120_000);

  it('answers a one-cent ARR movement with operations on single values, never a whole list or card', () => {
    const org = new Organisation(new Random(7), 300);
    const m = new TeamViewMaintainer('csm', {}, AS_OF, config, org.ordered(), org.members);
    const ops = m.apply([org.edit({ kind: 'cent', seed: 3 }) as SummaryChange]);
    expect(ops.length).toBeGreaterThan(0);
    for (const op of ops) {
      expect(op.op).not.toBe('remove');
      expect(typeof (op as { value: unknown }).value).not.toBe('object');
    }
    expect(normalize(m.state)).toEqual(
      normalize(buildTeamView('csm', org.ordered(), org.members, {}, AS_OF, config)),
    );
  });
});
