import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import { ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_STATE, baseURL, port } from './env';

// The real server binary on a fresh SQLite data dir with the demo tenant (slug "acme").
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const dataDir = process.env.TRAILMARK_E2E_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'trailmark-e2e-'));
// Workers load this file again: hand them the same directory (tests that tamper with the database read it).
process.env.TRAILMARK_E2E_DATA_DIR = dataDir;

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.ts$/,
  outputDir: 'test-results',
  globalSetup: './global-setup.ts',
  timeout: 90_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1, // one server, shared state; the machine has 2 cores
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { outputFolder: 'playwright-report', open: 'never' }]],
  use: {
    baseURL,
    storageState: ADMIN_STATE,
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium' }],
  webServer: process.env.TRAILMARK_E2E_BASE_URL
    ? undefined
    : {
        command: './bin/trailmark serve',
        cwd: repoRoot,
        url: `${baseURL}/readyz`,
        timeout: 120_000,
        reuseExistingServer: false,
        stdout: 'ignore',
        stderr: 'pipe', // warnings and errors only (TRAILMARK_LOG_LEVEL)
        env: {
          TRAILMARK_ADDR: `127.0.0.1:${port}`,
          TRAILMARK_DATA_DIR: dataDir,
          TRAILMARK_ADMIN_EMAIL: ADMIN_EMAIL,
          TRAILMARK_ADMIN_PASSWORD: ADMIN_PASSWORD,
          TRAILMARK_DEMO: '1',
          TRAILMARK_RATE_LIMITS: 'off',
          TRAILMARK_LOG_LEVEL: 'warn',
          // log-streams.spec.ts delivers to a receiver it runs on loopback.
          TRAILMARK_STREAMS_ALLOW_PRIVATE: 'true',
          // …and sees a refusing destination turn FAILING within seconds, not the default 5 minutes.
          TRAILMARK_STREAMS_FAILING_AFTER: '3s',
        },
      },
});
