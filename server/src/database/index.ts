export {
  type CreateDatabaseOptions,
  createDatabase,
  type DatabaseDriverName,
  type PulseDatabase,
  type Unlisten,
} from './create-database.js';
export { DataDirLock, DataDirLockedError } from './data-dir-lock.js';
export { DATABASE, DatabaseModule, KYSELY } from './database.module.js';
export * from './database.types.js';
export { MigrationError, migrateToLatest, pendingMigrations } from './migrate.js';
