import { defineConfig } from 'vitest/config';

// One test run for the whole workspace; each package keeps its own settings.
export default defineConfig({
  test: {
    projects: ['packages/domain', 'packages/protocol', 'server', 'test', 'web'],
    // The JSON report lets CI print a plain "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
