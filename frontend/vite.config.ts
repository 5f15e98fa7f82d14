/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));
const backend = process.env.TRAILMARK_DEV_BACKEND ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: 'dist',
    // dist/.keep is committed for go:embed; the build script recreates it after emptying.
    emptyOutDir: true,
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      onwarn(warning, warn) {
        // GraphiQL's react-compiler runtime carries "use no memo" directives; harmless.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
      output: {
        manualChunks(id: string) {
          if (/node_modules\/(react|react-dom|scheduler|react-router)\//.test(id)) return 'react';
          if (/node_modules\/@mantine\//.test(id)) return 'mantine';
          return undefined;
        },
      },
    },
  },
  worker: { format: 'es' },
  server: {
    proxy: {
      '/graphql': { target: backend, ws: true, changeOrigin: false },
      '/export': { target: backend },
      '/archives': { target: backend },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    css: false,
    pool: 'threads',
    maxWorkers: 2,
    // jsdom renders of Mantine take ~0.5-1 s on an idle 2-core machine and several times that
    // when the machine is busy (two QueryFilter cases passed the 5 s default only when idle).
    testTimeout: 20_000,
  },
});
