import type { Insertable, Kysely } from 'kysely';
import type { Database, ProgramSessionsTable } from '../database/database.types.js';
import { type DemoAccount, generateAccount } from './demo-account.js';
import { dayOf, isoDate, startOfTodayUtc } from './demo-calendar.js';
import type { PastVersion } from './demo-history.js';
import { generateTeam } from './demo-team.js';
import { Random } from './prng.js';
import { SeedRepository, type SeedWriter } from './seed.repository.js';

export interface SeedOptions {
  /** Number of accounts (about 300 for the demo; 50,000 for benchmarks). */
  readonly accounts: number;
  /** Same seed and asOf → same rows. */
  readonly seed: number;
  /** Anchor of every generated date (default: today at 00:00 UTC, so the demo is fresh each day). */
  readonly asOf?: Date;
  /** Empty every Pulse table first instead of refusing to seed a database that has data. */
  readonly reset?: boolean;
}

export interface SeedResult {
  readonly accounts: number;
  readonly teamMembers: number;
  /** Rows written per table. */
  readonly rows: Readonly<Record<string, number>>;
  readonly asOf: Date;
  readonly elapsedMs: number;
}

export class DemoAlreadySeededError extends Error {
  constructor() {
    super(
      'The database already holds accounts or team members; seed again with --reset to replace all Pulse data.',
    );
    this.name = 'DemoAlreadySeededError';
  }
}

/** Accounts generated and written per round, so memory stays flat at 50,000 accounts. */
const ACCOUNTS_PER_CHUNK = 500;
const PROGRAM_SESSIONS = 36;

/**
 * Writes the deterministic demo organisation in one transaction: all of it or nothing. Fact rows
 * skip the per-row outbox triggers; one change_log row per account and person announces them.
 */
export async function seedDemo(db: Kysely<Database>, options: SeedOptions): Promise<SeedResult> {
  if (!Number.isSafeInteger(options.accounts) || options.accounts < 1) {
    throw new RangeError(`accounts must be a whole number ≥ 1, got ${options.accounts}`);
  }
  if (!Number.isSafeInteger(options.seed) || options.seed < 0) {
    throw new RangeError(`seed must be a whole number ≥ 0, got ${options.seed}`);
  }
  const started = performance.now();
  const asOf = startOfTodayUtc(options.asOf);
  const today = dayOf(asOf);
  const repository = new SeedRepository(db);
  if (!options.reset && (await repository.hasAccountsOrPeople())) throw new DemoAlreadySeededError();

  const rows: Record<string, number> = {};
  const count = (table: string, n: number) => {
    rows[table] = (rows[table] ?? 0) + n;
  };
  const team = generateTeam(new Random(options.seed), options.accounts);

  await repository.transaction(async (writer) => {
    if (options.reset) await writer.clearAll();
    await writer.suspendChangeLog();
    await writer.suspendHistory();
    await writer.insert('team_members', team.members);
    count('team_members', team.members.length);

    const sessionRandom = Random.derive(options.seed, -1);
    const sessionDays = Array.from(
      { length: PROGRAM_SESSIONS },
      (_, i) => today - 5 - i * 10 - sessionRandom.int(0, 4),
    );
    const sessions: Insertable<ProgramSessionsTable>[] = sessionDays.map((day, i) => {
      const kind = i % 3 === 2 ? 'hands_on_lab' : 'webinar';
      const useCase = (['scm', 'ci', 'security', 'cd', 'agile'] as const)[i % 5]!;
      return {
        kind,
        title: `${kind === 'webinar' ? 'Webinar' : 'Hands-on lab'}: ${useCase.toUpperCase()} ${['essentials', 'deep dive', 'best practices'][i % 3]}`,
        use_case: i % 7 === 6 ? null : useCase,
        held_on: isoDate(day),
      };
    });
    const sessionIds = await writer.insertReturningIds('program_sessions', sessions);
    count('program_sessions', sessionIds.length);

    for (let first = 0; first < options.accounts; first += ACCOUNTS_PER_CHUNK) {
      const chunk: DemoAccount[] = [];
      for (let index = first; index < Math.min(options.accounts, first + ACCOUNTS_PER_CHUNK); index++) {
        chunk.push(
          generateAccount(Random.derive(options.seed, index), {
            index,
            today,
            team,
            sessionCount: PROGRAM_SESSIONS,
            sessionDays,
            past: Random.derive(options.seed, -2 - index),
          }),
        );
      }
      await writeAccounts(writer, chunk, sessionIds, count);
    }
    await writer.recordSeededHistory();
    await writer.logSeededChanges();
  });
  await repository.analyze();

  return {
    accounts: options.accounts,
    teamMembers: team.members.length,
    rows,
    asOf,
    elapsedMs: Math.round(performance.now() - started),
  };
}

async function writeAccounts(
  writer: SeedWriter,
  chunk: readonly DemoAccount[],
  sessionIds: readonly number[],
  count: (table: string, n: number) => void,
): Promise<void> {
  const write = async <T extends keyof Database>(table: T, tableRows: Insertable<Database[T]>[]) => {
    await writer.insert(table, tableRows);
    count(table, tableRows.length);
  };
  const perAccount = <R>(pick: (demo: DemoAccount) => readonly R[]) =>
    chunk.flatMap((demo) => pick(demo).map((row) => ({ ...row, account_id: demo.account.id })));

  await write(
    'accounts',
    chunk.map((demo) => demo.account),
  );
  const history = perAccount((demo) => demo.ownerHistory);
  await writer.replaceOwnerHistory(
    chunk.map((demo) => demo.account.id),
    history,
  );
  count('account_owner_history', history.length);
  await write(
    'arr_movements',
    perAccount((demo) => demo.arrMovements),
  );
  await write(
    'usage_snapshots',
    perAccount((demo) => demo.usage),
  );
  await write(
    'timeline_entries',
    perAccount((demo) => demo.timeline),
  );
  await write(
    'support_tickets',
    perAccount((demo) => demo.tickets),
  );
  const renewalIds = await writer.insertReturningIds(
    'renewals',
    perAccount((demo) => demo.renewals),
  );
  count('renewals', renewalIds.length);
  await write(
    'surveys',
    perAccount((demo) => demo.surveys),
  );
  await write(
    'health_overrides',
    perAccount((demo) => demo.overrides),
  );
  await write(
    'program_attendance',
    perAccount((demo) => demo.attendance).map(({ sessionIndex, attendees, account_id }) => ({
      session_id: sessionIds[sessionIndex]!,
      account_id,
      attendees,
    })),
  );

  // Success plans → objectives → milestones, linked through the ids each level returns.
  const withPlans = chunk.filter((demo) => demo.plan !== null);
  const planIds = await writer.insertReturningIds(
    'success_plans',
    withPlans.map((demo) => ({ ...demo.plan!.plan, account_id: demo.account.id })),
  );
  count('success_plans', planIds.length);
  const objectives = withPlans.flatMap((demo, i) =>
    demo.plan!.objectives.map((o) => ({ ...o, planId: planIds[i]! })),
  );
  const objectiveIds = await writer.insertReturningIds(
    'sp_objectives',
    objectives.map((o) => ({ ...o.objective, plan_id: o.planId })),
  );
  count('sp_objectives', objectiveIds.length);
  await write(
    'sp_milestones',
    objectives.flatMap((o, i) => o.milestones.map((m) => ({ ...m, objective_id: objectiveIds[i]! }))),
  );

  // The past of the mutable rows, as the facts history's versions of the rows just written.
  const versionsOf = (rowId: string | number, versions: readonly PastVersion[]) =>
    versions.map((version) => ({ rowId: String(rowId), ...version }));
  await writer.recordPast(
    'accounts',
    chunk.flatMap((demo) => versionsOf(demo.account.id, demo.past.account)),
  );
  let renewalIndex = 0;
  await writer.recordPast(
    'renewals',
    chunk.flatMap((demo) =>
      demo.past.renewals.flatMap((versions) => versionsOf(renewalIds[renewalIndex++]!, versions)),
    ),
  );
  await writer.recordPast(
    'success_plans',
    withPlans.flatMap((demo, i) => versionsOf(planIds[i]!, demo.past.plan ?? [])),
  );

  // Engagements → deliverables, doc updates and post-engagement surveys.
  const engagements = chunk.flatMap((demo) =>
    demo.engagements.map((e) => ({ ...e, accountId: demo.account.id })),
  );
  const engagementIds = await writer.insertReturningIds(
    'engagements',
    engagements.map((e) => ({ ...e.engagement, account_id: e.accountId })),
  );
  count('engagements', engagementIds.length);
  await write(
    'deliverables',
    engagements.flatMap((e, i) => e.deliverables.map((d) => ({ ...d, engagement_id: engagementIds[i]! }))),
  );
  await write(
    'doc_updates',
    engagements.flatMap((e, i) => e.docUpdates.map((d) => ({ ...d, engagement_id: engagementIds[i]! }))),
  );
  await write(
    'surveys',
    engagements.flatMap((e, i) =>
      e.surveys.map((s) => ({ ...s, account_id: e.accountId, engagement_id: engagementIds[i]! })),
    ),
  );
}
