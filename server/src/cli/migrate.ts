import { loadConfig } from '../config/app-config.js';
import { createDatabase } from '../database/create-database.js';
import { migrateToLatest } from '../database/migrate.js';
import { waitForConfiguredDatabase } from '../database/wait-for-postgres.js';
import { runCli } from './run-cli.js';

/** `pnpm migrate`: applies pending migrations to DATABASE_URL or the embedded database. */
await runCli(async () => {
  const config = loadConfig();
  await waitForConfiguredDatabase(config, console.warn);
  const database = await createDatabase(config);
  try {
    const applied = await migrateToLatest(database.db);
    const where = database.driver === 'pg' ? 'PostgreSQL' : `PGlite in ${config.dataDir}`;
    console.log(
      applied.length ? `Applied ${applied.join(', ')} on ${where}` : `Schema on ${where} is up to date`,
    );
  } finally {
    await database.close();
  }
});
