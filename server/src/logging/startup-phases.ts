import { Logger } from '@nestjs/common';

/**
 * Times the phases of start-up (issue 13: first data ≤ 15 s on a fresh clone, ≤ 5 s later): one
 * `Startup` log line per phase with its wall time and this process's CPU time (worker threads
 * included), so a slow start on a busy machine can be told from one that does too much. The start
 * bench (test/bench/suites/start.mjs) reads these lines.
 */
const logger = new Logger('Startup');

export async function startupPhase<T>(phase: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const result = await work();
  const spent = process.cpuUsage(cpu);
  const ms = Math.round(performance.now() - started);
  const cpuMs = Math.round((spent.user + spent.system) / 1000);
  logger.log({ phase, ms, cpuMs, msg: `${phase}: ${seconds(ms)} (CPU ${seconds(cpuMs)})` });
  return result;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
