import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { KYSELY } from '../database/database.module.js';
import type { Database } from '../database/database.types.js';

export interface SavedMapping {
  table: string;
  source: string;
  mapping: unknown;
}

/** CSV column mappings saved per table and source system. */
@Injectable()
export class ImportMappingsRepository {
  constructor(@Inject(KYSELY) private readonly db: Kysely<Database>) {}

  async list(table?: string): Promise<SavedMapping[]> {
    let query = this.db.selectFrom('import_mappings').select(['table_name', 'source', 'mapping']);
    if (table) query = query.where('table_name', '=', table);
    const rows = await query.orderBy('table_name').orderBy('source').execute();
    return rows.map((row) => ({ table: row.table_name, source: row.source, mapping: row.mapping }));
  }

  async save(table: string, source: string, mapping: unknown): Promise<void> {
    await this.db
      .insertInto('import_mappings')
      .values({ table_name: table, source, mapping: JSON.stringify(mapping) })
      .onConflict((conflict) =>
        conflict.columns(['table_name', 'source']).doUpdateSet((eb) => ({
          mapping: eb.ref('excluded.mapping'),
          updated_at: new Date(),
        })),
      )
      .execute();
  }
}
