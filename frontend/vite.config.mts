import { fileURLToPath, URL } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// The UI is built into dist/frontend and served by the web process; `npm run dev:ui` proxies the API to PORT.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [vue()],
  resolve: {
    alias: {
      '@': fileURLToPath(new URL('./src', import.meta.url)),
      '@core': fileURLToPath(new URL('../core', import.meta.url)),
      '@http': fileURLToPath(new URL('../http', import.meta.url)),
    },
  },
  build: {
    outDir: fileURLToPath(new URL('../dist/frontend', import.meta.url)),
    emptyOutDir: true,
    // Pages load lazily (router.ts); the manifest lets bench/ui.bench.ts add up what the first page loads.
    manifest: true,
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: {
      '/api': `http://127.0.0.1:${process.env.PORT ?? 3000}`,
      '/admin': `http://127.0.0.1:${process.env.PORT ?? 3000}`,
      '/socket.io': { target: `ws://127.0.0.1:${process.env.PORT ?? 3000}`, ws: true },
    },
  },
});
