import { defineStore } from 'pinia';
import { ref, watch } from 'vue';

export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'pulse.theme';

function initialTheme(): Theme {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** Presentation state shared by every view: the colour theme (persisted; a wall URL may force it). */
export const useUiStore = defineStore('ui', () => {
  const theme = ref<Theme>(initialTheme());

  // flush 'sync': charts read CSS variables right after a switch, so the attribute must already be set.
  watch(
    theme,
    (value) => {
      document.documentElement.dataset.theme = value;
    },
    { immediate: true, flush: 'sync' },
  );

  function toggleTheme(): void {
    theme.value = theme.value === 'dark' ? 'light' : 'dark';
    globalThis.localStorage?.setItem(STORAGE_KEY, theme.value);
  }

  /** A URL theme (wall displays) applies to this page without overwriting the person's choice. */
  function forceTheme(value: Theme): void {
    theme.value = value;
  }

  return { theme, toggleTheme, forceTheme };
});
