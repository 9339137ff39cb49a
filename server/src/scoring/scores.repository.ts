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
 * Upserts the scores ($1) and appends the score moves ($2), all at $3, in one data-modifying
 * statement. Its text is the same for any number of rows, so it is never built or compiled per save:
 * a dirty account's write is this text and two JSON arrays of rows.
 */
const WRITE_STATEMENT = `
  with scores as (
    insert into account_scores (account_id, score, color, label, as_of, scorecard, summary, computed_at)
    select s.*, cast($3 as timestamptz)
    from json_to_recordset(cast($1 as json)) as s(account_id text, score numeric, color text,
      label text, as_of timestamptz, scorecard jsonb, summary jsonb)
    on conflict (account_id) do update set
      score = excluded.score, color = excluded.color, label = excluded.label,
      scorecard = excluded.scorecard, summary = excluded.summary,
      computed_at = excluded.computed_at, as_of = excluded.as_of
  )
  insert into score_changes
    (account_id, from_score, to_score, from_color, to_color, contributions, cause, changed_at)
  select c.*, cast($3 as timestamptz)
  from json_to_recordset(cast($2 as json)) as c(account_id text, from_score numeric,
    to_score numeric, from_color text, to_color text, contributions jsonb, cause text)`;

/** Upserts `scored` and appends `changes` in one statement (WRITE_STATEMENT). */
async function writeStatement(
  db: Kysely<Database>,
  scored: readonly StorableScore[],
  changes: readonly ScoreChange[],
  at: Date,
): Promise<void> {
  if (scored.length === 0 && changes.length === 0) return;
  // The documents come serialised from scoring (once, where they were computed): inlined as they are.
  const scoreRows = scored.map((entry) => {
    const { accountId, score, color, label, asOf } = entry;
    const columns = JSON.stringify({ account_id: accountId, score, color, label, as_of: asOf });
    return `${columns.slice(0, -1)},"scorecard":${entry.scorecardJson},"summary":${entry.summaryJson}}`;
  });
  const changeRows = changes.map((change) => ({
    account_id: change.accountId,
    from_score: change.fromScore,
    to_score: change.toScore,
    from_color: change.fromColor,
    to_color: change.toColor,
    contributions: { contributions: change.contributions, text: change.text },
    cause: change.cause,
  }));
  await db.executeQuery(
    CompiledQuery.raw(WRITE_STATEMENT, [`[${scoreRows.join(',')}]`, JSON.stringify(changeRows), at]),
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
