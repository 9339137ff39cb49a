import type { Bands, DayLimits, PulseConfig } from './config.js';
import type { Color } from './facts.js';

/** Points a colour-only measure brings (KPIS.md §0); null for grey. */
export function colorPoints(color: Color, config: PulseConfig): number | null {
  if (color === 'grey') return null;
  return config.points[color];
}

/** Colour of a score in points: green ≥ 75, yellow ≥ 50, red below. */
export function pointsColor(points: number | null, config: PulseConfig): Color {
  if (points === null) return 'grey';
  if (points >= config.scoreBands.green) return 'green';
  if (points >= config.scoreBands.yellow) return 'yellow';
  return 'red';
}

/** Colour of a "higher is better" value against inclusive lower bounds; null → grey. */
export function bandColor(value: number | null, bands: Bands): Color {
  if (value === null || Number.isNaN(value)) return 'grey';
  if (value >= bands.green) return 'green';
  if (value >= bands.yellow) return 'yellow';
  return 'red';
}

/** Colour of a "lower is better" day count: green ≤ greenMax, yellow ≤ yellowMax, red above. */
export function maxDaysColor(days: number, limits: DayLimits): Color {
  if (days <= limits.greenMaxDays) return 'green';
  if (days <= limits.yellowMaxDays) return 'yellow';
  return 'red';
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
