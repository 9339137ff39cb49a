import { onBeforeUnmount, type Ref, ref } from 'vue';

/** The current time, refreshed every `intervalMs` while the component is mounted. */
export function useNow(intervalMs = 1000): Ref<number> {
  const now = ref(Date.now());
  const timer = setInterval(() => {
    now.value = Date.now();
  }, intervalMs);
  onBeforeUnmount(() => clearInterval(timer));
  return now;
}
