import { colorPoints } from '../colors.js';
import type { PulseConfig } from '../config.js';
import type { Color } from '../facts.js';
import type { MeasureInput } from '../views.js';

/** What a measure rule returns before the scorecard adds its key, group and weights. */
export interface MeasureResult {
  value: number | null;
  color: Color;
  points: number | null;
  inputs: MeasureInput[];
  stale: boolean;
  info: string | null;
  reason: string;
}

export function greyResult(reason: string, inputs: MeasureInput[] = []): MeasureResult {
  return { value: null, color: 'grey', points: null, inputs, stale: false, info: null, reason };
}

/** A measure that is only a colour: it brings that colour's points. */
export function colorResult(
  color: Color,
  value: number | null,
  reason: string,
  inputs: MeasureInput[],
  config: PulseConfig,
  extra: { stale?: boolean; info?: string | null } = {},
): MeasureResult {
  return {
    value,
    color,
    points: colorPoints(color, config),
    inputs,
    stale: extra.stale ?? false,
    info: extra.info ?? null,
    reason,
  };
}
