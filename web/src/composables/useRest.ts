import {
  type MaybeRefOrGetter,
  onBeforeUnmount,
  type Ref,
  ref,
  type ShallowRef,
  shallowRef,
  toValue,
  watch,
} from 'vue';
import { getJson } from '../api/http.js';

export interface RestResource<T> {
  data: ShallowRef<T | null>;
  loading: Ref<boolean>;
  error: Ref<string | null>;
  reload: () => void;
}

/** GETs `path` (refetched when it changes; null means "nothing to load"), with loading/error/retry. */
export function useRest<T>(path: MaybeRefOrGetter<string | null>): RestResource<T> {
  const data = shallowRef<T | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  let controller: AbortController | null = null;

  async function load(): Promise<void> {
    controller?.abort();
    const url = toValue(path);
    if (url === null) return;
    const current = new AbortController();
    controller = current;
    loading.value = true;
    error.value = null;
    try {
      data.value = await getJson<T>(url, current.signal);
    } catch (cause) {
      if (current.signal.aborted) return;
      error.value = cause instanceof Error ? cause.message : String(cause);
    } finally {
      if (controller === current) loading.value = false;
    }
  }

  watch(() => toValue(path), load, { immediate: true });
  onBeforeUnmount(() => controller?.abort());

  return { data, loading, error, reload: () => void load() };
}
