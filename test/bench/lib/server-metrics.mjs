import { authedFetch } from './access.mjs';
import { round } from './server-process.mjs';

/**
 * One of the server's own Prometheus histograms (`/metrics`), read before and after a run, so a
 * suite can tell the server's part of a latency from the clients': on this machine the simulated
 * clients share the server's cores, and what they receive late may have left the server on time.
 */
export async function scrapeHistogram(url, name) {
  const text = await (await authedFetch(`${url}/metrics`)).text();
  const buckets = [];
  for (const match of text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\S+)$`, 'gm'))) {
    buckets.push({ le: match[1] === '+Inf' ? Infinity : Number(match[1]), count: Number(match[2]) });
  }
  return buckets.sort((a, b) => a.le - b.le);
}

/**
 * What the histogram recorded between two scrapes, as milliseconds: quantiles interpolated within
 * their bucket as Prometheus' histogram_quantile does, and the share at or under `withinMs`.
 */
export function histogramBetween(before, after, withinMs) {
  const counts = after.map((bucket, index) => ({
    le: bucket.le,
    count: bucket.count - (before[index]?.count ?? 0),
  }));
  const total = counts.at(-1)?.count ?? 0;
  if (total === 0) return { count: 0 };
  const quantile = (q) => {
    const rank = q * total;
    let lowerLe = 0;
    let lowerCount = 0;
    for (const { le, count } of counts) {
      if (count >= rank) {
        if (le === Infinity) return `> ${lowerLe * 1000}`;
        return round(
          (lowerLe + ((le - lowerLe) * (rank - lowerCount)) / (count - lowerCount || 1)) * 1000,
          0,
        );
      }
      lowerLe = le;
      lowerCount = count;
    }
    return null;
  };
  const within = counts.find((bucket) => bucket.le * 1000 >= withinMs);
  return {
    count: total,
    p50: quantile(0.5),
    p90: quantile(0.9),
    p99: quantile(0.99),
    [`shareWithin${withinMs}Ms`]: within ? round(within.count / total, 3) : null,
  };
}

/**
 * A histogram's total of observed seconds and its count (`_sum`, `_count`): read before and after
 * one large batch, their differences are that batch's time in a stage, exactly, with no bucket.
 */
export async function scrapeHistogramTotal(url, name) {
  const text = await (await authedFetch(`${url}/metrics`)).text();
  const read = (suffix) => Number(new RegExp(`^${name}_${suffix} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { seconds: read('sum'), count: read('count') };
}

/** One of the server's gauges (`/metrics`), e.g. prom-client's `nodejs_heap_size_used_bytes`. */
export async function scrapeGauge(url, name) {
  const text = await (await authedFetch(`${url}/metrics`)).text();
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : null;
}
