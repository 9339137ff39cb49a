import {
  Counter,
  type CounterConfiguration,
  Gauge,
  type GaugeConfiguration,
  Histogram,
  type HistogramConfiguration,
  type Registry,
} from 'prom-client';

/*
 * Metrics are created by the services that measure them; two instances of a service (tests start
 * several apps in one process, each with its own registry) never clash, and one registry never
 * holds a name twice.
 */
export function histogram<T extends string>(
  registry: Registry,
  config: HistogramConfiguration<T>,
): Histogram<T> {
  return (
    (registry.getSingleMetric(config.name) as Histogram<T>) ??
    new Histogram({ ...config, registers: [registry] })
  );
}

export function gauge<T extends string>(registry: Registry, config: GaugeConfiguration<T>): Gauge<T> {
  return (
    (registry.getSingleMetric(config.name) as Gauge<T>) ?? new Gauge({ ...config, registers: [registry] })
  );
}

export function counter<T extends string>(registry: Registry, config: CounterConfiguration<T>): Counter<T> {
  return (
    (registry.getSingleMetric(config.name) as Counter<T>) ?? new Counter({ ...config, registers: [registry] })
  );
}

/** Buckets from 5 ms to 10 s: latencies of the live data path. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10];
