import { startServer } from './app.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { DataDirLockedError } from './database/data-dir-lock.js';
import { DatabaseUnavailableError } from './database/wait-for-postgres.js';

try {
  await startServer(loadConfig());
} catch (error) {
  // Configuration, lock and database problems are the user's to fix: say so plainly, without a stack trace.
  if (
    error instanceof ConfigError ||
    error instanceof DataDirLockedError ||
    error instanceof DatabaseUnavailableError
  ) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
