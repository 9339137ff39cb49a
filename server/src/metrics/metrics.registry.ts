import { Registry } from 'prom-client';

/** The one Prometheus registry of the process: every stage registers its metrics here. */
export class MetricsRegistry extends Registry {}
