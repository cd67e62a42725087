// A test environment in the console, on the real Docker Engine (started by
// ConsoleTestEnvironmentBrowserEndToEndTest): create one from the form, watch it get its
// container and check results, run the checks again, read its logs, delete it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, signIn, visit } from './browser.mjs';

const OPERATOR = process.env.CONSOLE_OPERATOR_TOKEN;
let browser;
let page;
let created = null;

before(async () => { browser = await launch(); page = browser.page; });
after(async () => {
  if (created) { // whatever happened, leave no containers behind
    await fetch(`${BASE}/test/environments/${created}`, { method: 'DELETE', headers: { Authorization: `Bearer ${OPERATOR}` } }).catch(() => {});
  }
  await browser?.close();
});

test('create a test environment from the form, open it, see its checks, run them again, read its logs, delete it', async () => {
  await signIn(page, OPERATOR);
  await visit(page, '#/testenvs');
  await page.getByLabel('Taskserv (when no template)').fill('redis');
  await page.getByRole('button', { name: 'Create' }).click();
  await page.waitForURL(/#\/testenvs\/[A-Za-z0-9._-]+$/);
  created = decodeURIComponent(page.url().split('#/testenvs/')[1]);
  await page.locator('#te-containers tbody tr').first().waitFor({ timeout: 120000 });
  await page.locator('#te-status [data-status="Completed"], #te-status [data-status="Failed"]').first().waitFor({ timeout: 180000 });
  assert.equal(await page.locator('#te-status [data-status]').getAttribute('data-status'), 'Completed');
  assert.ok(await page.locator('#te-results tr[data-check]').count() > 0, 'check results are shown');
  assert.equal(await page.locator('#te-results [data-status="failed"]').count(), 0);
  // run the checks again from the page: the run count goes up and the results stay green
  const runsBefore = Number(await page.locator('#te-facts dt:text-is("Runs") + dd').textContent());
  await page.getByRole('button', { name: 'Run checks' }).click();
  await page.locator('#te-facts dt:text-is("Runs") + dd').filter({ hasText: String(runsBefore + 1) }).waitFor({ timeout: 180000 });
  assert.equal(await page.locator('#te-results [data-status="failed"]').count(), 0);
  await page.getByRole('button', { name: 'Show logs' }).click();
  await page.locator('#te-logs ol.log li').first().waitFor();
  assert.ok(await page.locator('#te-logs ol.log li').count() > 0);
  await browser.screenshot('testenv-detail');
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.waitForURL(/#\/testenvs$/);
  const gone = await fetch(`${BASE}/test/environments/${created}`, { headers: { Authorization: `Bearer ${OPERATOR}` } });
  assert.equal(gone.status, 404);
  created = null;
  assert.deepEqual(browser.problems, []);
});
