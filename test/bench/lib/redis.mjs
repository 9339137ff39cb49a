import { Redis } from 'ioredis';
import { log, onCleanup } from './cleanup.mjs';
import { sleep } from './server-process.mjs';

export const REDIS_URL = process.env.REDIS_URL?.trim() || 'redis://127.0.0.1:6379';

/**
 * A fresh key prefix on the Redis of REDIS_URL (default the local one) for a clustered run: the
 * environment of its Pulse processes, and a `drop` deleting its keys. Fails plainly without Redis.
 */
export async function freshRedisPrefix(label) {
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
  } catch (error) {
    throw new Error(`a clustered run needs Redis at ${REDIS_URL} (set REDIS_URL): ${error.message}`);
  }
  const prefix = `pulse_bench_${label}_${process.pid}_${Date.now().toString(36)}:`;
  const drop = onCleanup(`redis keys ${prefix}*`, async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });
  log(`redis prefix ${prefix}`);
  return { env: { REDIS_URL, PULSE_REDIS_PREFIX: prefix }, drop };
}

/** Waits until the process at `url` reports that it leads (pulse_leader 1 on /metrics). */
export async function waitForLeader(url, timeoutMs = 60_000) {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    const text = await fetch(`${url}/metrics`).then(
      (response) => response.text(),
      () => '',
    );
    if (/^pulse_leader 1$/m.test(text)) return;
    await sleep(200);
  }
  throw new Error(`${url} did not lead within ${timeoutMs / 1000} s`);
}
