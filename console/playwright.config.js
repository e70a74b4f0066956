// Playwright runs the console's browser tests against real ferryd processes (tests/harness.js),
// in Debian's chromium: Playwright never downloads a browser here.
const path = require('node:path');
const { defineConfig } = require('@playwright/test');

const output = process.env.FERRY_CONSOLE_OUTPUT || path.join(__dirname, 'test-results');

module.exports = defineConfig({
  testDir: path.join(__dirname, 'tests'),
  testMatch: /.*\.spec\.js$/,
  outputDir: path.join(output, 'artifacts'),
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: Number(process.env.FERRY_CONSOLE_WORKERS || 2),
  retries: 0,
  reporter: 'list',
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    timezoneId: 'UTC',
    locale: 'en-GB',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.FERRY_CHROMIUM || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    },
  },
});
