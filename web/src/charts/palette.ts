import type { Color } from '@pulse/domain';

/** Chart colours read from the active theme's CSS variables, so charts follow light/dark. */
export interface ChartPalette {
  text: string;
  muted: string;
  border: string;
  accent: string;
  surface: string;
  health: Record<Color, string>;
}

function cssVar(style: CSSStyleDeclaration, name: string): string {
  return style.getPropertyValue(name).trim();
}

export function readPalette(): ChartPalette {
  const style = getComputedStyle(document.documentElement);
  return {
    text: cssVar(style, '--text'),
    muted: cssVar(style, '--text-muted'),
    border: cssVar(style, '--border'),
    accent: cssVar(style, '--accent'),
    surface: cssVar(style, '--surface'),
    health: {
      green: cssVar(style, '--green'),
      yellow: cssVar(style, '--yellow'),
      red: cssVar(style, '--red'),
      grey: cssVar(style, '--grey'),
    },
  };
}
