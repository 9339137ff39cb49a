/**
 * Plausible fact writes through plain SQL, as any ETL job or SQL client may do (DESIGN.md §2):
 * every one lands in a facts table, passes its trigger into change_log and may move scores.
 * Each is one autocommitted statement.
 */
const WRITES = [
  {
    name: 'timeline_entry',
    weight: 40,
    sql: `insert into timeline_entries (account_id, kind, occurred_at, sentiment, personas, summary)
          values ($1, (array['call','meeting'])[1 + floor(random() * 2)::int], now(),
                  (array['green','yellow','red'])[1 + floor(random() * 3)::int],
                  array['champion']::text[], 'load harness call')`,
  },
  {
    name: 'support_ticket',
    weight: 20,
    sql: `insert into support_tickets (account_id, severity, opened_at, closed_at, subject)
          values ($1, (array['emergency','high','normal'])[1 + floor(random() * 3)::int], now(),
                  case when random() < 0.5 then now() end, 'load harness ticket')`,
  },
  {
    name: 'usage_snapshot',
    weight: 25,
    sql: `insert into usage_snapshots (account_id, measured_on, billable_users, active_users_28d,
            git_operation_users, ci_builds, ci_pipelines, scanner_users, scans, scanner_types,
            deploying_users, deployments, successful_deployments, issue_users, epic_users)
          select account_id, current_date, billable_users,
                 least(billable_users, round(active_users_28d * (0.85 + random() * 0.3))::int),
                 git_operation_users, round(ci_builds * (0.85 + random() * 0.3))::int, ci_pipelines,
                 scanner_users, round(scans * (0.85 + random() * 0.3))::int, scanner_types,
                 deploying_users, deployments, successful_deployments, issue_users, epic_users
          from usage_snapshots where account_id = $1 order by measured_on desc limit 1
          on conflict (account_id, measured_on) do update set
            active_users_28d = excluded.active_users_28d, ci_builds = excluded.ci_builds,
            scans = excluded.scans`,
  },
  {
    name: 'renewal_forecast',
    weight: 15,
    sql: `update renewals set forecast_cents = round(atr_cents * (0.7 + random() * 0.4))::bigint
          where id = (select id from renewals where account_id = $1 and status = 'open'
                      order by renewal_date limit 1)`,
  },
];
const TOTAL_WEIGHT = WRITES.reduce((sum, write) => sum + write.weight, 0);

function pickWrite(random) {
  let roll = random() * TOTAL_WEIGHT;
  for (const write of WRITES) {
    roll -= write.weight;
    if (roll < 0) return write;
  }
  return WRITES.at(-1);
}

/**
 * Issues `rate` writes per second for `seconds`, evenly paced; half go to `hotIds` (the accounts
 * clients watch), half to any account. Resolves when every write has finished.
 */
export async function driveWrites({ pool, rate, seconds, accountIds, hotIds, random = Math.random }) {
  const started = performance.now();
  const durationMs = seconds * 1000;
  let issued = 0;
  let failed = 0;
  const errors = new Map();
  const byKind = {};
  const pending = new Set();
  /** Time waiting for a free connection (the driver's backlog) and time of the statement itself. */
  const waitMs = [];
  const statementMs = [];
  const issue = () => {
    const write = pickWrite(random);
    const pool0 = random() < 0.5 && hotIds.length > 0 ? hotIds : accountIds;
    const accountId = pool0[Math.floor(random() * pool0.length)];
    const queued = performance.now();
    const promise = (async () => {
      const client = await pool.connect();
      const begun = performance.now();
      try {
        await client.query(write.sql, [accountId]);
        byKind[write.name] = (byKind[write.name] ?? 0) + 1;
        waitMs.push(begun - queued);
        statementMs.push(performance.now() - begun);
      } catch (error) {
        failed += 1;
        errors.set(write.name, error.message);
      } finally {
        client.release();
      }
    })()
      .catch((error) => {
        failed += 1;
        errors.set('connect', error.message);
      })
      .finally(() => pending.delete(promise));
    pending.add(promise);
    issued += 1;
  };
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      const elapsed = Math.min(performance.now() - started, durationMs);
      const due = Math.floor((rate * elapsed) / 1000);
      while (issued < due) issue();
      if (elapsed >= durationMs) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  await Promise.all(pending);
  const wallSeconds = (performance.now() - started) / 1000;
  return {
    issued,
    failed,
    errors: Object.fromEntries(errors),
    byKind,
    achievedPerSecond: Math.round((issued - failed) / wallSeconds),
    connections: pool.options.max,
    waitForConnectionMs: percentiles(waitMs),
    statementMs: percentiles(statementMs),
  };
}

const round = (value) => (value === undefined ? null : Math.round(value * 10) / 10);

function percentiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (fraction) => round(sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]);
  return { p50: at(0.5), p99: at(0.99), max: round(sorted.at(-1)) };
}
