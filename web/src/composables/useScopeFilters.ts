import type { ScopeFilters } from '@pulse/domain';
import { TEAM_FILTER_KEYS, type TeamFilterKey } from '@pulse/protocol';
import { type ComputedRef, computed } from 'vue';
import { type LocationQuery, useRoute, useRouter } from 'vue-router';

function firstValue(query: LocationQuery, key: string): string | undefined {
  const raw = query[key];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value ? value : undefined;
}

/**
 * The scope filters (region, segment, tier, owner, manager) live in the URL query, so a view can
 * be bookmarked or put on a wall. Values are passed through as given: the topic key parser on the
 * server and in @pulse/protocol rejects a bad one with a message naming the filter.
 */
export function useScopeFilters(): {
  filters: ComputedRef<ScopeFilters>;
  /** Sets (or, with undefined, removes) several filters in one URL change. */
  setFilters: (changes: Partial<Record<TeamFilterKey, string | undefined>>) => void;
  clearFilters: () => void;
} {
  const route = useRoute();
  const router = useRouter();

  const filters = computed(() => {
    const result: Record<string, string> = {};
    for (const key of TEAM_FILTER_KEYS) {
      const value = firstValue(route.query, key);
      if (value) result[key] = value;
    }
    return result as ScopeFilters;
  });

  function setFilters(changes: Partial<Record<TeamFilterKey, string | undefined>>): void {
    const query = { ...route.query };
    for (const [key, value] of Object.entries(changes)) {
      if (value) query[key] = value;
      else delete query[key];
    }
    void router.replace({ query });
  }

  function clearFilters(): void {
    const query = { ...route.query };
    for (const key of TEAM_FILTER_KEYS) delete query[key];
    void router.replace({ query });
  }

  return { filters, setFilters, clearFilters };
}
