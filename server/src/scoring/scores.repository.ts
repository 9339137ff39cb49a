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
import { type Kysely, type QueryCreator, sql } from 'kysely';
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

/** Upserts `scored` and appends `changes` in one statement (a data-modifying CTE when both are there). */
async function writeStatement(
  db: Kysely<Database>,
  scored: readonly StorableScore[],
  changes: readonly ScoreChange[],
  at: Date,
): Promise<void> {
  // The documents come serialised from scoring (once, where they were computed).
  const scoreRows = scored.map((entry) => ({
    account_id: entry.accountId,
    score: entry.score,
    color: entry.color,
    label: entry.label,
    scorecard: entry.scorecardJson,
    summary: entry.summaryJson,
    computed_at: at,
    as_of: entry.asOf,
  }));
  const changeRows = changes.map((change) => ({
    account_id: change.accountId,
    changed_at: at,
    from_score: change.fromScore,
    to_score: change.toScore,
    from_color: change.fromColor,
    to_color: change.toColor,
    contributions: JSON.stringify({ contributions: change.contributions, text: change.text }),
    cause: change.cause,
  }));
  const upsert = (qb: QueryCreator<Database>) =>
    qb
      .insertInto('account_scores')
      .values(scoreRows)
      .onConflict((oc) =>
        oc.column('account_id').doUpdateSet((eb) => ({
          score: eb.ref('excluded.score'),
          color: eb.ref('excluded.color'),
          label: eb.ref('excluded.label'),
          scorecard: eb.ref('excluded.scorecard'),
          summary: eb.ref('excluded.summary'),
          computed_at: eb.ref('excluded.computed_at'),
          as_of: eb.ref('excluded.as_of'),
        })),
      );
  if (scoreRows.length > 0 && changeRows.length > 0) {
    await db.with('scores', upsert).insertInto('score_changes').values(changeRows).execute();
  } else if (scoreRows.length > 0) {
    await upsert(db).execute();
  } else if (changeRows.length > 0) {
    await db.insertInto('score_changes').values(changeRows).execute();
  }
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
