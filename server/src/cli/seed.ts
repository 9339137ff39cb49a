import { parseArgs } from 'node:util';
import { loadConfig } from '../config/app-config.js';
import { createDatabase } from '../database/create-database.js';
import { migrateToLatest } from '../database/migrate.js';
import { waitForConfiguredDatabase } from '../database/wait-for-postgres.js';
import { seedDemo } from '../demo/seed.js';
import { runCli } from './run-cli.js';

const USAGE = `Usage: pnpm seed [--accounts N] [--seed S] [--as-of YYYY-MM-DD] [--reset]
  --accounts  number of demo accounts (default PULSE_DEMO_ACCOUNTS or 300)
  --seed      seed of the deterministic generator (default PULSE_SEED or 42)
  --as-of     anchor date of the data (default today, UTC)
  --reset     replace all Pulse data instead of refusing to seed a non-empty database`;

function wholeNumber(flag: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min) {
    throw new Error(`--${flag} must be a whole number ≥ ${min}, got "${raw}"\n${USAGE}`);
  }
  return value;
}

/** `pnpm seed`: migrates, then writes the demo organisation. */
await runCli(async () => {
  const { values } = parseArgs({
    options: {
      accounts: { type: 'string' },
      seed: { type: 'string' },
      'as-of': { type: 'string' },
      reset: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const config = loadConfig();
  const accounts = wholeNumber('accounts', values.accounts, config.demoAccounts || 300, 1);
  const seed = wholeNumber('seed', values.seed, config.seed, 0);
  const asOfRaw = values['as-of'];
  const asOf = asOfRaw === undefined ? undefined : new Date(`${asOfRaw}T00:00:00Z`);
  if (asOf && (!/^\d{4}-\d{2}-\d{2}$/.test(asOfRaw ?? '') || Number.isNaN(asOf.getTime()))) {
    throw new Error(`--as-of must be a date YYYY-MM-DD, got "${asOfRaw}"\n${USAGE}`);
  }

  await waitForConfiguredDatabase(config, console.warn);
  const database = await createDatabase(config);
  try {
    await migrateToLatest(database.db);
    const result = await seedDemo(database.db, { accounts, seed, asOf, reset: values.reset });
    const facts = Object.values(result.rows).reduce((sum, n) => sum + n, 0);
    console.log(
      `Seeded ${result.accounts} accounts and ${result.teamMembers} people (${facts} rows, seed ${seed}, ` +
        `as of ${result.asOf.toISOString().slice(0, 10)}) on ${database.driver} in ${(result.elapsedMs / 1000).toFixed(1)} s`,
    );
  } finally {
    await database.close();
  }
});
