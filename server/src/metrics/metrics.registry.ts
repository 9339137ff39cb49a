import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * The one Prometheus registry of the process: every stage registers its metrics here. It starts
 * with Node's default metrics, among them the event loop's delay (`nodejs_eventloop_lag_*`,
 * percentiles since the previous scrape), the measure of whether anything blocks the loop.
 */
export class MetricsRegistry extends Registry {
  constructor() {
    super();
    collectDefaultMetrics({ register: this });
  }
}
