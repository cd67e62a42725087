// Starts Debian's chromium through playwright-core (no browser download) in a new empty profile,
// and gives each test a page of the console plus a screenshot helper.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const BASE = required('CONSOLE_URL');
const SHOTS = process.env.CONSOLE_SCREENSHOTS || path.resolve('target/ui-screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: these tests are started by ConsoleBrowserEndToEndTest against a real server`);
  return value;
}

export async function launch({ width = 1280, height = 900, colorScheme = 'light' } = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'console-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width, height },
    colorScheme,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] || await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 40[13]/.test(m.text())) problems.push(`console: ${m.text()}`); });
  return {
    page,
    problems,
    async screenshot(name) {
      fs.mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
    },
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Opens the console and signs in with the token (auth is on in these tests). */
export async function signIn(page, token) {
  await page.goto(`${BASE}/`);
  await page.getByLabel('Bearer token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#whoami').waitFor();
}

/** A marker that a full page load would wipe: proves the view changed live, without a reload. */
export async function markPage(page) {
  await page.evaluate(() => { window.__consoleNotReloaded = true; });
}

export async function notReloaded(page) {
  return page.evaluate(() => window.__consoleNotReloaded === true);
}

/** Shows a console route; a route already shown is shown afresh (a same-URL goto would do nothing). */
export async function visit(page, hash) {
  if (!page.url().startsWith(`${BASE}/ui/`)) {
    await page.goto(`${BASE}/ui/${hash}`);
    return;
  }
  await page.evaluate((h) => { location.hash = '#/fresh'; location.hash = h; }, hash);
}
