import { fileURLToPath, URL } from 'node:url';
import { defineConfig } from 'vitest/config';

// Unit tests of the web app's pure functions (formatters, order checks, chart series): `*.spec.ts` beside the code
// under src/, out of Jest's way (Jest takes `*.test.ts` in the backend folders).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: {
    alias: {
      '@': fileURLToPath(new URL('./src', import.meta.url)),
      '@core': fileURLToPath(new URL('../core', import.meta.url)),
      '@http': fileURLToPath(new URL('../http', import.meta.url)),
    },
  },
  test: {
    include: ['src/**/*.spec.ts'],
    environment: 'node',
  },
});
