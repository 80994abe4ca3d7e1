/**
 * Playwright: `e2e` runs the production renderer build in Debian's Chromium (test/e2e); `electron`
 * is the Electron smoke test (test/electron), which launches the built app with `_electron` where
 * the Electron binary is installed and reports itself skipped elsewhere.
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  outputDir: 'test-results/playwright',
  forbidOnly: process.env.CI === 'true',
  timeout: 60_000,
  projects: [
    {
      name: 'e2e',
      testDir: 'test/e2e',
      use: {
        browserName: 'chromium',
        headless: true,
        launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
      },
    },
    {
      name: 'electron',
      testDir: 'test/electron',
    },
  ],
});
