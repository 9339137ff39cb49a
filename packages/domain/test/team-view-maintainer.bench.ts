import jsonpatch from 'fast-json-patch';
import { bench, describe } from 'vitest';
import {
  type AccountSummary,
  buildTeamView,
  defaultConfig as config,
  type SummaryChange,
  type TeamMember,
  TeamViewMaintainer,
} from '../src/index.js';
import { AS_OF } from './fixtures.js';
import { accountId, Random, randomMembers, randomSummary } from './random-organisation.js';

/**
 * One account changes at a time on `team:csm` (no filter): what a change costs kept incrementally
 * against the full rebuild + `compare` the live hub did before, and how large its delta is.
 * Run: pnpm vitest bench --run --project domain packages/domain/test/team-view-maintainer.bench.ts
 */
const normalize = (value: unknown) => JSON.parse(JSON.stringify(value));

interface Organisation {
  summaries: AccountSummary[];
  members: TeamMember[];
  /** The next change: a one-cent ARR movement (`cent`) or a fresh summary (`rescore`). */
  change(kind: 'cent' | 'rescore'): SummaryChange;
}

function organisation(accounts: number): Organisation {
  const random = new Random(accounts);
  // About 40 accounts per person, as in a real book.
  const members = randomMembers(random, Math.max(4, Math.round(accounts / 40)));
  const summaries = Array.from({ length: accounts }, (_, i) => randomSummary(random, accountId(i), members));
  return {
    summaries,
    members,
    change(kind) {
      const at = random.int(summaries.length);
      const before = summaries[at]!;
      const after: AccountSummary =
        kind === 'cent'
          ? {
              ...before,
              arrNowCents: before.arrNowCents + 1,
              arrMovements: [
                ...before.arrMovements,
                { kind: 'expansion', amountCents: 1, effectiveDate: AS_OF },
              ],
            }
          : randomSummary(random, before.accountId, members);
      summaries[at] = after;
      return { before, after };
    },
  };
}

function deltaBytes(accounts: number): void {
  for (const kind of ['cent', 'rescore'] as const) {
    const org = organisation(accounts);
    const maintainer = new TeamViewMaintainer('csm', {}, AS_OF, config, org.summaries, org.members);
    let full = normalize(maintainer.state);
    const sizes = {
      incremental: [] as number[],
      compare: [] as number[],
      ops: [] as number[],
      compareOps: [] as number[],
    };
    for (let i = 0; i < 20; i++) {
      const ops = maintainer.apply([org.change(kind)]);
      const rebuilt = normalize(buildTeamView('csm', org.summaries, org.members, {}, AS_OF, config));
      const compared = jsonpatch.compare(full, rebuilt);
      full = rebuilt;
      sizes.incremental.push(JSON.stringify(ops).length);
      sizes.compare.push(JSON.stringify(compared).length);
      sizes.ops.push(ops.length);
      sizes.compareOps.push(compared.length);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    console.log(
      `team:csm, ${accounts} accounts, ${kind}: delta median ${median(sizes.incremental)} B / ${median(sizes.ops)} ops ` +
        `(max ${Math.max(...sizes.incremental)} B) incrementally; rebuild + compare ${median(sizes.compare)} B / ` +
        `${median(sizes.compareOps)} ops (max ${Math.max(...sizes.compare)} B); snapshot ${JSON.stringify(full).length} B`,
    );
  }
}

for (const accounts of [300, 5000]) {
  describe(`team:csm at ${accounts} accounts, one account changed`, () => {
    deltaBytes(accounts);
    const fullOrg = organisation(accounts);
    let published = normalize(buildTeamView('csm', fullOrg.summaries, fullOrg.members, {}, AS_OF, config));
    bench(
      'full rebuild + compare (before)',
      () => {
        fullOrg.change('rescore');
        const next = normalize(buildTeamView('csm', fullOrg.summaries, fullOrg.members, {}, AS_OF, config));
        jsonpatch.compare(published, next);
        published = next;
      },
      { iterations: accounts > 1000 ? 5 : 20, time: 0, warmupIterations: 1 },
    );
    for (const kind of ['rescore', 'cent'] as const) {
      const org = organisation(accounts);
      const maintainer = new TeamViewMaintainer('csm', {}, AS_OF, config, org.summaries, org.members);
      bench(
        `incremental apply (${kind})`,
        () => {
          maintainer.apply([org.change(kind)]);
        },
        { iterations: 300, time: 0, warmupIterations: 10 },
      );
    }
  });
}

/**
 * A nightly usage sync at a large organisation: every account is rescored in one batch, staged
 * into unfiltered `team:csm` and `team:cse`; opening a view from every summary; and one rescore at
 * that size (what copying and diffing whole id lists costs).
 */
describe('20000 accounts', () => {
  const accounts = 20_000;
  for (const view of ['csm', 'cse'] as const) {
    const org = organisation(accounts);
    const maintainer = new TeamViewMaintainer(view, {}, AS_OF, config, org.summaries, org.members);
    // Rescored summaries drawn ahead (runs take them in turn), so runs time the maintainer only.
    const random = new Random(accounts + 1);
    const batches = Array.from({ length: 3 }, () =>
      org.summaries.map((s) => randomSummary(random, s.accountId, org.members)),
    );
    let run = 0;
    bench(
      `team:${view}, every account rescored in one batch`,
      () => {
        const rescored = batches[run++ % batches.length]!;
        const changes = rescored.map((after, at) => {
          const before = org.summaries[at]!;
          org.summaries[at] = after;
          return { before, after };
        });
        maintainer.apply(changes);
      },
      { iterations: 3, time: 0, warmupIterations: 1 },
    );
  }
  const org = organisation(accounts);
  const maintainer = new TeamViewMaintainer('csm', {}, AS_OF, config, org.summaries, org.members);
  // What a topic's first subscriber, a new day and a change of people cost (500 people per role).
  bench(
    'team:csm opened from every summary',
    () => {
      new TeamViewMaintainer('csm', {}, AS_OF, config, org.summaries, org.members);
    },
    { iterations: 3, time: 0, warmupIterations: 1 },
  );
  bench(
    'team:csm, one account rescored',
    () => {
      maintainer.apply([org.change('rescore')]);
    },
    { iterations: 200, time: 0, warmupIterations: 10 },
  );
});
