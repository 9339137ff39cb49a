import type { Color } from '@pulse/domain';

/** Chart colours read from the active theme's CSS variables, so charts follow light/dark. */
export interface ChartPalette {
  text: string;
  muted: string;
  border: string;
  accent: string;
  /** Text on an accent-coloured area. */
  accentText: string;
  surface: string;
  health: Record<Color, string>;
  /** Chart text size in px: ECharts does not inherit CSS, and wall mode scales type with the screen. */
  fontSize: number;
}

function cssVar(style: CSSStyleDeclaration, name: string): string {
  return style.getPropertyValue(name).trim();
}

export function readPalette(): ChartPalette {
  const style = getComputedStyle(document.documentElement);
  const app = document.querySelector('.app') ?? document.body;
  const baseFontSize = Number.parseFloat(getComputedStyle(app).fontSize) || 15;
  return {
    fontSize: Math.round(baseFontSize * 0.8),
    text: cssVar(style, '--text'),
    muted: cssVar(style, '--text-muted'),
    border: cssVar(style, '--border'),
    accent: cssVar(style, '--accent'),
    accentText: cssVar(style, '--accent-text'),
    surface: cssVar(style, '--surface'),
    health: {
      green: cssVar(style, '--green'),
      yellow: cssVar(style, '--yellow'),
      red: cssVar(style, '--red'),
      grey: cssVar(style, '--grey'),
    },
  };
}
