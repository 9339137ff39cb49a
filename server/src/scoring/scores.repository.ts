import { Inject, Injectable } from '@nestjs/common';
import type {
  AccountSummary,
  Color,
  ScoreChange,
  Scorecard,
  ScoredAccount,
  StorableScore,
} from '@pulse/domain';
import type { ChangeEntry } from '@pulse/protocol';
import { CompiledQuery, type Kysely, sql } from 'kysely';
import { KYSELY } from '../database/database.module.js';
import type { Database } from '../database/database.types.js';

/** Rows per statement when writing scores: keeps each statement small on the embedded database. */
const WRITE_CHUNK = 200;

@Injectable()
export class ScoresRepository {
  constructor(@Inject(KYSELY) private readonly db: Kysely<Database>) {}

  async hasScores(): Promise<boolean> {
    const row = await this.db.selectFrom('account_scores').select('account_id').limit(1).executeTakeFirst();
    return row !== undefined;
  }

  async loadScorecards(accountIds: readonly string[]): Promise<Map<string, Scorecard>> {
    if (accountIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('account_scores')
      .select(['account_id', 'scorecard'])
      .where('account_id', 'in', [...accountIds])
      .execute();
    return new Map(rows.map((row) => [row.account_id, row.scorecard as Scorecard]));
  }

  /** The summary of every scored account (the views' start; after it, scoring hands them over). */
  async loadSummaries(): Promise<AccountSummary[]> {
    const rows = await this.db.selectFrom('account_scores').select('summary').orderBy('account_id').execute();
    return rows.map((row) => row.summary as AccountSummary);
  }

  /** One account's stored scorecard and summary, as its page shows them. */
  async loadScored(accountId: string): Promise<ScoredAccount | null> {
    const row = await this.db
      .selectFrom('account_scores')
      .select(['scorecard', 'summary'])
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return row ? { scorecard: row.scorecard as Scorecard, summary: row.summary as AccountSummary } : null;
  }

  /**
   * Writes the new scorecards and the score moves they caused, all or nothing. A batch that fits one
   * statement is written by that statement alone (atomic by itself): a dirty account then costs one
   * round trip instead of BEGIN, write, COMMIT. `alsoWrite` (the alerts these moves raised, for the
   * outbox) runs last in the same transaction.
   */
  async save(
    scored: readonly StorableScore[],
    changes: readonly ScoreChange[],
    at: Date,
    alsoWrite: ((trx: Kysely<Database>) => Promise<void>) | null = null,
  ): Promise<void> {
    if (alsoWrite === null && scored.length <= WRITE_CHUNK && changes.length <= WRITE_CHUNK) {
      await writeStatement(this.db, scored, changes, at);
      return;
    }
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < Math.max(scored.length, changes.length); i += WRITE_CHUNK) {
        await writeStatement(trx, scored.slice(i, i + WRITE_CHUNK), changes.slice(i, i + WRITE_CHUNK), at);
      }
      await alsoWrite?.(trx);
    });
  }

  /** Score moves of one account, oldest first; with `upTo`, those recorded by then (as-of pages). */
  async history(accountId: string, limit = 200, upTo?: Date): Promise<ChangeEntry[]> {
    const rows = await this.changesQuery()
      .where('c.account_id', '=', accountId)
      .$if(upTo !== undefined, (q) => q.where('c.changed_at', '<=', upTo as Date))
      .orderBy('c.id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toStoredChange).reverse();
  }

  /** The newest score moves, newest first: of every account, or of `accountIds` only. */
  async recent(limit: number, accountIds?: readonly string[]): Promise<ChangeEntry[]> {
    const rows = await this.changesQuery()
      .$if(accountIds !== undefined, (q) =>
        // One array parameter, however many accounts a scope holds (a list of binds stops at 65,535).
        q.where(sql<boolean>`c.account_id = any(cast(${[...(accountIds ?? [])]} as text[]))`),
      )
      .orderBy('c.id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toStoredChange);
  }

  private changesQuery() {
    return this.db
      .selectFrom('score_changes as c')
      .innerJoin('accounts as a', 'a.id', 'c.account_id')
      .select([
        'c.id',
        'c.account_id',
        'a.name',
        'c.changed_at',
        'c.from_score',
        'c.to_score',
        'c.from_color',
        'c.to_color',
        'c.contributions',
        'c.cause',
      ]);
  }
}

/**
 * Upserts the scores ($1-$7, one array per column) and appends the score moves ($8-$14), all at $15,
 * in one data-modifying statement. Its text is the same for any number of rows, so it is never
 * built or compiled per save: a dirty account's write is this text and its values.
 */
const WRITE_STATEMENT = `
  with scores as (
    insert into account_scores (account_id, score, color, label, scorecard, summary, as_of, computed_at)
    select s.*, cast($15 as timestamptz)
    from unnest(cast($1 as text[]), cast($2 as numeric[]), cast($3 as text[]), cast($4 as text[]),
      cast($5 as jsonb[]), cast($6 as jsonb[]), cast($7 as timestamptz[])) as s
    on conflict (account_id) do update set
      score = excluded.score, color = excluded.color, label = excluded.label,
      scorecard = excluded.scorecard, summary = excluded.summary,
      computed_at = excluded.computed_at, as_of = excluded.as_of
  )
  insert into score_changes
    (account_id, from_score, to_score, from_color, to_color, contributions, cause, changed_at)
  select c.*, cast($15 as timestamptz)
  from unnest(cast($8 as text[]), cast($9 as numeric[]), cast($10 as numeric[]), cast($11 as text[]),
    cast($12 as text[]), cast($13 as jsonb[]), cast($14 as text[])) as c`;

/** Upserts `scored` and appends `changes` in one statement (WRITE_STATEMENT). */
async function writeStatement(
  db: Kysely<Database>,
  scored: readonly StorableScore[],
  changes: readonly ScoreChange[],
  at: Date,
): Promise<void> {
  if (scored.length === 0 && changes.length === 0) return;
  await db.executeQuery(
    CompiledQuery.raw(WRITE_STATEMENT, [
      scored.map((entry) => entry.accountId),
      scored.map((entry) => entry.score),
      scored.map((entry) => entry.color),
      scored.map((entry) => entry.label),
      // The documents come serialised from scoring (once, where they were computed).
      scored.map((entry) => entry.scorecardJson),
      scored.map((entry) => entry.summaryJson),
      scored.map((entry) => entry.asOf),
      changes.map((change) => change.accountId),
      changes.map((change) => change.fromScore),
      changes.map((change) => change.toScore),
      changes.map((change) => change.fromColor),
      changes.map((change) => change.toColor),
      changes.map((change) => JSON.stringify({ contributions: change.contributions, text: change.text })),
      changes.map((change) => change.cause),
      at,
    ]),
  );
}

interface StoredExplanation {
  contributions?: ScoreChange['contributions'];
  text?: string;
}

function toStoredChange(row: {
  id: number;
  account_id: string;
  name: string;
  changed_at: Date;
  from_score: number | null;
  to_score: number | null;
  from_color: Color | null;
  to_color: Color;
  contributions: unknown;
  cause: string | null;
}): ChangeEntry {
  const explanation = (row.contributions ?? {}) as StoredExplanation;
  return {
    id: row.id,
    accountId: row.account_id,
    accountName: row.name,
    changedAt: row.changed_at.toISOString(),
    fromScore: row.from_score,
    toScore: row.to_score,
    fromColor: row.from_color,
    toColor: row.to_color,
    contributions: explanation.contributions ?? {},
    cause: row.cause,
    text: explanation.text ?? null,
  };
}
