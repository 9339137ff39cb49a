import { type ComputedRef, computed } from 'vue';
import { useRoute, useRouter } from 'vue-router';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Today's UTC date: the latest day a view can be shown as of. */
export function todayIso(): string {
  return new Date().toISOString().slice(0, 10);
}

/**
 * The past day every view is shown as of (`?asOf=2026-06-30` in the URL, set by the header's date
 * picker), or null for the live views. A value that is not a date is left to the server to refuse
 * with its message (the tiles show it), so a mistyped URL is never silently live.
 */
export function useAsOf(): {
  asOf: ComputedRef<string | null>;
  setAsOf: (day: string | null) => void;
} {
  const route = useRoute();
  const router = useRouter();
  const asOf = computed(() => {
    const raw = route.query.asOf;
    const value = Array.isArray(raw) ? raw[0] : raw;
    return typeof value === 'string' && value !== '' ? value : null;
  });
  function setAsOf(day: string | null): void {
    const query = { ...route.query };
    if (day && DATE.test(day)) query.asOf = day;
    else delete query.asOf;
    void router.replace({ query });
  }
  return { asOf, setAsOf };
}
