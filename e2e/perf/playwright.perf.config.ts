import { defineConfig } from '@playwright/test';
import base from '../playwright.config';

// The performance scripts: the same server and browser as the e2e suite, but only *.perf.ts
// and never as part of `npm run e2e` (they measure, they do not assert timings).
export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: /.*\.perf\.ts$/,
  globalSetup: '../global-setup.ts',
  outputDir: '../test-results/perf',
  reporter: [['list']],
  retries: 0,
  timeout: 300_000,
});
