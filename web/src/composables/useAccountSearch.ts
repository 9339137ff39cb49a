import type { AccountListItem, AccountListPage } from '@pulse/protocol';
import { onBeforeUnmount, type Ref, ref, shallowRef, watch } from 'vue';
import { getJson, withQuery } from '../api/http.js';

/** Names shown under the search box: enough to pick from, few enough to read at a glance. */
const SHOWN = 8;
/** Typing pauses this long before a search is sent. */
const DEBOUNCE_MS = 150;

/** Accounts whose name contains `text` (case and accents ignored), best matches first. */
export function useAccountSearch(text: Ref<string>) {
  const results = shallowRef<AccountListItem[]>([]);
  const total = ref(0);
  const searching = ref(false);
  const error = ref<string | null>(null);
  let controller: AbortController | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function search(query: string): Promise<void> {
    controller?.abort();
    const current = new AbortController();
    controller = current;
    searching.value = true;
    try {
      const page = await getJson<AccountListPage>(
        withQuery('/api/accounts', { q: query, limit: SHOWN }),
        current.signal,
      );
      results.value = page.items;
      total.value = page.total;
      error.value = null;
    } catch (cause) {
      if (current.signal.aborted) return;
      error.value = cause instanceof Error ? cause.message : String(cause);
    } finally {
      if (controller === current) searching.value = false;
    }
  }

  watch(text, (value) => {
    clearTimeout(timer);
    const query = value.trim();
    if (query === '') {
      controller?.abort();
      results.value = [];
      total.value = 0;
      searching.value = false;
      return;
    }
    timer = setTimeout(() => void search(query), DEBOUNCE_MS);
  });

  onBeforeUnmount(() => {
    clearTimeout(timer);
    controller?.abort();
  });

  return { results, total, searching, error };
}
