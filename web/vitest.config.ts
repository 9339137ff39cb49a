import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [vue()],
  resolve: { conditions: ['source'] },
  test: { name: 'web', environment: 'happy-dom', include: ['test/**/*.test.ts'] },
});
