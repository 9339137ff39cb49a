/** Latencies in whole milliseconds as sparse counts ({ms: count}): cheap to send between processes. */
export class Histogram {
  counts = new Map();
  total = 0;

  record(ms) {
    const bucket = Math.max(0, Math.round(ms));
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
    this.total += 1;
  }

  toJSON() {
    return Object.fromEntries(this.counts);
  }

  merge(sparse) {
    for (const [bucket, count] of Object.entries(sparse)) {
      const ms = Number(bucket);
      this.counts.set(ms, (this.counts.get(ms) ?? 0) + count);
      this.total += count;
    }
    return this;
  }

  /** {count, p50, p90, p99, max, mean} in ms (nulls when empty). */
  summary() {
    if (this.total === 0) return { count: 0, p50: null, p90: null, p99: null, max: null, mean: null };
    const sorted = [...this.counts].sort((a, b) => a[0] - b[0]);
    const at = (fraction) => {
      const rank = Math.ceil(fraction * this.total);
      let seen = 0;
      for (const [ms, count] of sorted) {
        seen += count;
        if (seen >= rank) return ms;
      }
      return sorted.at(-1)[0];
    };
    const sum = sorted.reduce((acc, [ms, count]) => acc + ms * count, 0);
    return {
      count: this.total,
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      max: sorted.at(-1)[0],
      mean: Math.round((sum / this.total) * 10) / 10,
    };
  }
}
