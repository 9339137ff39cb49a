import { markRaw, onBeforeUnmount, onMounted, type Ref, watch } from 'vue';
import { type ChartOption, echarts } from '../charts/echarts.js';
import { useUiStore } from '../stores/ui.js';

/** At most two chart updates per second (DESIGN.md §5): a live wall must not redraw on every delta. */
export const CHART_UPDATE_INTERVAL_MS = 500;

type ChartInstance = ReturnType<typeof echarts.init>;

/** What a click on a series item reports (the subset Pulse uses). */
export interface ChartClick {
  seriesName?: string;
  name: string;
  dataIndex: number;
  data: unknown;
}

/**
 * Owns one ECharts instance for the element in `el`: created on mount, kept out of Vue reactivity,
 * resized with its container, updated from `option()` at most every CHART_UPDATE_INTERVAL_MS,
 * disposed on unmount. `option()` returning null leaves the chart empty (the tile shows its state).
 *
 * The chart is drawn in a layer laid over `el` (absolutely positioned), so `el` takes its size from
 * the page's CSS alone. Drawn inside `el`, the chart's rounded pixel size became `el`'s content
 * height: a fractional container rounded up on every resize, and team pages grew without end.
 */
export function useEcharts(
  el: Ref<HTMLElement | null>,
  option: () => ChartOption | null,
  handlers: { click?: (params: ChartClick) => void } = {},
): void {
  const ui = useUiStore();
  let chart: ChartInstance | null = null;
  let resizeObserver: ResizeObserver | null = null;
  let lastUpdate = 0;
  let pending: ReturnType<typeof setTimeout> | null = null;

  function apply(): void {
    pending = null;
    lastUpdate = Date.now();
    const next = option();
    if (!chart) return;
    if (next) chart.setOption(next, { notMerge: true, lazyUpdate: true });
    else chart.clear();
  }

  function scheduleUpdate(): void {
    if (pending) return;
    const wait = lastUpdate + CHART_UPDATE_INTERVAL_MS - Date.now();
    if (wait <= 0) apply();
    else pending = setTimeout(apply, wait);
  }

  onMounted(() => {
    const container = el.value;
    if (!container) return;
    if (getComputedStyle(container).position === 'static') container.style.position = 'relative';
    const layer = document.createElement('div');
    layer.style.cssText = 'position: absolute; inset: 0;';
    container.append(layer);
    chart = markRaw(echarts.init(layer, null, { renderer: 'svg' }));
    resizeObserver = new ResizeObserver(() => chart?.resize());
    resizeObserver.observe(container);
    const onClick = handlers.click;
    if (onClick) chart.on('click', (params) => onClick(params as unknown as ChartClick));
    apply();
  });

  // The theme is read inside option builders (CSS variables), so a theme switch is a plain update.
  watch([option, () => ui.theme], scheduleUpdate, { flush: 'post' });

  onBeforeUnmount(() => {
    if (pending) clearTimeout(pending);
    resizeObserver?.disconnect();
    chart?.dispose();
    chart = null;
  });
}
