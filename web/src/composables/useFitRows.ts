import {
  type MaybeRefOrGetter,
  nextTick,
  onBeforeUnmount,
  onMounted,
  type Ref,
  ref,
  toValue,
  watch,
} from 'vue';

/** Room kept under the shown rows for the "N more" line: 1.6 lines of the container's text. */
export function moreLineHeight(el: Element): number {
  return (Number.parseFloat(getComputedStyle(el).fontSize) || 16) * 1.6;
}

/**
 * Wall tiles show whole rows only (never a row cut through its text) and say how many are left out.
 * `container` must take its height from the layout (flex or grid, overflow hidden), not from its
 * rows. Returns how many of the `itemSelector` rows fit it, or null when all of them do (or when
 * `enabled` is false, or there is no layout to measure, as in component tests without a browser).
 *
 * Fitting renders every row, measures, then trims; Vue applies both before the browser paints.
 * It runs again when the container resizes and when `content` (e.g. the row ids) changes.
 */
export function useFitRows(
  container: Ref<HTMLElement | null>,
  itemSelector: string,
  enabled: MaybeRefOrGetter<boolean>,
  content: () => unknown,
): Ref<number | null> {
  const limit = ref<number | null>(null);
  let run = 0;

  async function fit(): Promise<void> {
    const current = ++run;
    limit.value = null;
    const el = container.value;
    if (!toValue(enabled) || !el) return;
    await nextTick();
    if (current !== run || el.clientHeight <= 0) return;
    const top = el.getBoundingClientRect().top;
    const bottoms = [...el.querySelectorAll(itemSelector)].map(
      (item) => item.getBoundingClientRect().bottom - top,
    );
    // Half a pixel of slack: collapsed table borders make row heights fractional.
    const fitting = (height: number) => bottoms.filter((bottom) => bottom <= height + 0.5).length;
    if (fitting(el.clientHeight) === bottoms.length) return;
    limit.value = fitting(el.clientHeight - moreLineHeight(el));
  }

  let observer: ResizeObserver | null = null;
  onMounted(() => {
    if (typeof ResizeObserver !== 'undefined' && container.value) {
      observer = new ResizeObserver(() => void fit());
      observer.observe(container.value);
    }
    void fit();
  });
  onBeforeUnmount(() => {
    run++;
    observer?.disconnect();
  });
  watch([() => toValue(enabled), content], () => void fit(), { flush: 'post' });
  return limit;
}
