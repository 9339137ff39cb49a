import { Inject, Injectable } from '@nestjs/common';
import { type Kysely, sql } from 'kysely';
import { KYSELY } from '../database/database.module.js';
import type { Database } from '../database/database.types.js';

/** At most this many matches are ranked; a search box shows a handful. */
export const MAX_SEARCH_MATCHES = 500;

/**
 * Account names matching a text anywhere, ignoring case and accents (`pulse_fold_text`, migration
 * 0004). On PostgreSQL and PGlite with pg_trgm the trigram index serves the substring match;
 * without it the folded names are scanned.
 */
@Injectable()
export class AccountSearchRepository {
  constructor(@Inject(KYSELY) private readonly db: Kysely<Database>) {}

  /** Ids of matching accounts, names starting with the text first, then by where it occurs. */
  async matchingIds(text: string): Promise<string[]> {
    const pattern = text.replace(/[\\%_]/g, '\\$&');
    const folded = sql<string>`pulse_fold_text(${pattern})`;
    const rows = await this.db
      .selectFrom('accounts')
      .select('id')
      .where(sql<boolean>`name_search like '%' || ${folded} || '%'`)
      .orderBy(sql`name_search like ${folded} || '%'`, 'desc')
      .orderBy(sql`position(${folded} in name_search)`)
      .orderBy('name')
      .orderBy('id')
      .limit(MAX_SEARCH_MATCHES)
      .execute();
    return rows.map((row) => row.id);
  }
}
