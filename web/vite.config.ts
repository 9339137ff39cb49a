import { gzipSync } from 'node:zlib';
import vue from '@vitejs/plugin-vue';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';

// The API server (PORT, default 3000) serves web/dist in production; in `pnpm dev` Vite proxies to it.
const apiTarget = process.env.PULSE_API_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;

/** The route most people land on (`/` redirects there): its chunks count as initial JS too. */
const FIRST_VIEW = 'src/views/TeamView.vue';

/**
 * Prints and writes (dist/bundle-size.json) the gzip size of the initial JS: the entry with its
 * static imports, and with the first view's lazy chunks (budget DESIGN.md §8: ≤ 400 KB gzip).
 */
function bundleSizeReport(): Plugin {
  return {
    name: 'pulse-bundle-size',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).filter((item) => item.type === 'chunk');
      const byFile = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
      const collect = (roots: string[], into: Set<string>) => {
        const stack = [...roots];
        while (stack.length > 0) {
          const file = stack.pop()!;
          if (into.has(file)) continue;
          into.add(file);
          stack.push(...(byFile.get(file)?.imports ?? []));
        }
        return into;
      };
      const gzipKb = (files: Set<string>) =>
        Math.round(
          [...files].reduce((sum, file) => sum + gzipSync(byFile.get(file)?.code ?? '').length, 0) / 102.4,
        ) / 10;
      const entry = collect(
        chunks.filter((chunk) => chunk.isEntry).map((chunk) => chunk.fileName),
        new Set(),
      );
      const firstView = chunks.filter((chunk) => chunk.moduleIds.some((id) => id.endsWith(FIRST_VIEW)));
      const withFirstView = collect(
        firstView.map((chunk) => chunk.fileName),
        new Set(entry),
      );
      const report = {
        initialJsGzipKb: gzipKb(entry),
        initialJsWithFirstViewGzipKb: gzipKb(withFirstView),
        budgetGzipKb: 400,
        files: [...withFirstView].sort(),
      };
      this.emitFile({
        type: 'asset',
        fileName: 'bundle-size.json',
        source: `${JSON.stringify(report, null, 2)}\n`,
      });
      // Printed, not logged through Rollup: the build summary should always show it.
      console.log(
        `\ninitial JS ${report.initialJsGzipKb} KB gzip; with the first view ${report.initialJsWithFirstViewGzipKb} KB gzip (budget ${report.budgetGzipKb} KB)`,
      );
    },
  };
}

export default defineConfig({
  plugins: [vue(), bundleSizeReport()],
  // `source` makes workspace packages resolve to their TypeScript sources, so no prior build is needed.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // ECharts is one ~190 KB gzip chunk by nature; the budget is checked by the report above.
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender|tslib)[\\/]/ },
            { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router|pinia)[\\/]/ },
            {
              name: 'live',
              test: /node_modules[\\/](socket\.io|engine\.io|@socket\.io|fast-json-patch|debug|ms)/,
            },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: apiTarget },
      '/socket.io': { target: apiTarget, ws: true },
    },
  },
});
