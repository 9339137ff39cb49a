import type { Migration, MigrationProvider } from 'kysely/migration';
import * as schema from './0001_schema.js';
import * as plausibleFacts from './0002_plausible_facts.js';
import * as access from './0003_access.js';
import * as ingest from './0004_ingest.js';
import * as alerts from './0005_alerts.js';
import * as factHistory from './0006_fact_history.js';
import * as historyIndexUse from './0007_history_index_use.js';
import * as datedWrites from './0008_dated_writes.js';
import * as scoreCompression from './0009_score_compression.js';

/** Every migration, in order. Static so the bundle needs no directory scanning at run time. */
const MIGRATIONS: Record<string, Migration> = {
  '0001_schema': schema,
  '0002_plausible_facts': plausibleFacts,
  '0003_access': access,
  '0004_ingest': ingest,
  '0005_alerts': alerts,
  '0006_fact_history': factHistory,
  '0007_history_index_use': historyIndexUse,
  '0008_dated_writes': datedWrites,
  '0009_score_compression': scoreCompression,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
