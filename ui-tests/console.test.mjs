// The web console in a real chromium against the real server (started by
// ConsoleBrowserEndToEndTest with authentication on and the shipped Nushell library).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, markPage, notReloaded, signIn, visit } from './browser.mjs';

const OPERATOR = process.env.CONSOLE_OPERATOR_TOKEN;
const VIEWER = process.env.CONSOLE_VIEWER_TOKEN;
const SLOW_SETTINGS = process.env.CONSOLE_SLOW_SETTINGS || './slow.yaml';
const FAST_SETTINGS = process.env.CONSOLE_FAST_SETTINGS || './fast.yaml';
let browser;
let page;

before(async () => { browser = await launch(); page = browser.page; });
after(async () => { await browser?.close(); });

async function api(method, path, token, body) {
  const res = await fetch(BASE + path, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, body: await res.json() };
}

test('before sign-in nothing of the data shows; a bad token gets a clear 401 message', async () => {
  await page.goto(`${BASE}/`);
  assert.match(page.url(), /\/ui\/#\/tasks$/);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  assert.equal(await page.locator('#tasks-table').count(), 0);
  assert.equal(await page.locator('#nav').isHidden(), true);
  await page.getByLabel('Bearer token').fill('aaaa.bbbb.cccc');
  await page.keyboard.press('Enter');
  await page.getByText('The server refused this token (401)').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  await browser.screenshot('sign-in-refused');
});

test('submit a servers workflow from the form and watch it reach Completed live, with no reload', async () => {
  await signIn(page, OPERATOR);
  await page.getByRole('link', { name: 'Submit' }).click();
  await page.getByLabel('Servers', { exact: true }).fill('web-01 web-02');
  await page.getByLabel('Priority').selectOption('high');
  await page.getByLabel('Idempotency key').fill(`console-${Date.now()}`);
  await markPage(page);
  await page.getByRole('button', { name: 'Submit servers workflow' }).click();
  await page.waitForURL(/#\/tasks\/[0-9a-f-]{36}$/);
  const status = page.locator('#task-status [data-status]');
  await status.filter({ hasText: 'Completed' }).waitFor({ timeout: 60000 });
  assert.equal(await page.locator('#task-progress').getAttribute('value'), '100');
  assert.ok(await page.locator('#task-attempts tr[data-attempt="1"]').count() === 1);
  assert.ok(await page.locator('#task-log li').count() > 0, 'the log shows the script lines');
  assert.ok(await notReloaded(page), 'the page was not reloaded');
  await browser.screenshot('task-completed');
  // the table shows it too, with the counts per status
  await page.getByRole('link', { name: 'Tasks' }).click();
  await page.locator('#tasks-table tr[data-status="Completed"]').first().waitFor();
  await page.locator('.counts [data-count="Completed"]').waitFor();
  await browser.screenshot('tasks-table');
  assert.deepEqual(browser.problems, []);
});

test('the tasks table updates live when a task is submitted elsewhere', async () => {
  await visit(page, `#/tasks`);
  await page.locator('#tasks-table').waitFor();
  await markPage(page);
  const { body } = await api('POST', '/workflows/servers/create', OPERATOR, { infra: 'production', settings: './settings.yaml', servers: ['db-01'] });
  const row = page.locator(`#tasks-table tr[data-task="${body.data}"]`);
  await row.waitFor({ timeout: 30000 });
  await page.locator(`#tasks-table tr[data-task="${body.data}"][data-status="Completed"]`).waitFor({ timeout: 60000 });
  assert.ok(await notReloaded(page));
});

test('a bad form field gets the server\'s error beside it', async () => {
  await visit(page, `#/submit/servers`);
  await page.getByLabel('Infra', { exact: true }).fill('prod;rm -rf');
  await page.getByLabel('Servers', { exact: true }).fill('web-01');
  await page.getByRole('button', { name: 'Submit servers workflow' }).click();
  const infra = page.getByLabel('Infra', { exact: true });
  await page.locator('#wf-infra[aria-invalid="true"]').waitFor();
  const describedBy = await infra.getAttribute('aria-describedby');
  const error = page.locator('#wf-infra-error');
  assert.ok(describedBy.includes('wf-infra-error'), 'the error is tied to the field for screen readers');
  assert.match(await error.textContent(), /field 'infra'/);
  assert.ok(await error.isVisible());
  await browser.screenshot('form-field-error');
});

test('follow a long task\'s log live, search it, and cancel it', async () => {
  const servers = Array.from({ length: 40 }, (_, i) => `slow-${String(i).padStart(2, '0')}`);
  await visit(page, `#/submit/servers`);
  await page.getByLabel('Settings file').fill(SLOW_SETTINGS);
  await page.getByLabel('Servers', { exact: true }).fill(servers.join(' '));
  await page.getByRole('button', { name: 'Submit servers workflow' }).click();
  await page.waitForURL(/#\/tasks\/[0-9a-f-]{36}$/);
  await page.locator('#task-status [data-status="Running"]').waitFor({ timeout: 30000 });
  const lines = page.locator('#task-log li');
  await page.waitForFunction(() => document.querySelectorAll('#task-log li').length >= 3, null, { timeout: 30000 });
  const first = await lines.count();
  await page.waitForFunction((n) => document.querySelectorAll('#task-log li').length > n, first, { timeout: 30000 });
  await page.getByLabel('Find in log').fill('slow-00');
  await page.locator('#task-log mark').first().waitFor();
  await page.getByLabel('Find in log').fill('');
  await browser.screenshot('task-log-live');
  // the cancel's answer (the task as it was, still Running) is held until the live stream has shown
  // Cancelled, as a loaded server may deliver them: the older answer must not undo the newer state
  await page.route('**/tasks/*/cancel', async (route) => {
    const answer = await route.fetch();
    await page.locator('#task-status [data-status="Cancelled"]').waitFor({ timeout: 30000 }).catch(() => {});
    await route.fulfill({ response: answer });
  });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.locator('#task-status [data-status="Cancelled"]').waitFor({ timeout: 30000 });
  await page.getByText('Cancel requested.').waitFor({ timeout: 30000 }); // the held answer has arrived
  await page.unroute('**/tasks/*/cancel');
  await page.locator('#task-status [data-status="Cancelled"]').waitFor();
  await page.getByRole('button', { name: 'Retry' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Cancel' }).count(), 0);
  await browser.screenshot('task-cancelled');
});

test('all of a long log, page by page, and a search through it', async () => {
  const servers = Array.from({ length: 250 }, (_, i) => `long-${String(i).padStart(3, '0')}`);
  const { body } = await api('POST', '/workflows/servers/create', OPERATOR, { infra: 'production', settings: FAST_SETTINGS, servers });
  await visit(page, `#/tasks/${body.data}`);
  await page.locator('#task-status [data-status="Completed"], #task-status [data-status="Failed"]').first().waitFor({ timeout: 120000 });
  assert.equal(await page.locator('#task-status [data-status]').getAttribute('data-status'), 'Completed');
  await page.locator('#live-state').filter({ hasText: 'ended' }).waitFor();
  const info = page.locator('#log-info');
  await info.filter({ hasText: /^\d+ lines; page (\d+) of \1$/ }).waitFor();
  const [, lineCount, , pageCount] = (await info.textContent()).match(/^(\d+) lines; page (\d+) of (\d+)$/);
  const total = Number(lineCount);
  const pages = Number(pageCount);
  assert.ok(total > 500 && pages === Math.ceil(total / 500), `a log longer than one page (${total} lines, ${pages} pages)`);
  assert.equal(await page.locator('#task-log li').count(), total - (pages - 1) * 500, 'the newest page is shown');
  for (let p = pages - 1; p >= 1; p--) {
    await page.getByRole('button', { name: 'Older lines' }).click();
    await info.filter({ hasText: new RegExp(`; page ${p} of ${pages}$`) }).waitFor();
    assert.equal(await page.locator('#task-log li').count(), 500);
    assert.equal(await page.locator('#task-log li').first().getAttribute('value'), String((p - 1) * 500 + 1));
  }
  assert.match(await page.locator('#task-log li').first().textContent(), /servers create/);
  assert.ok(await page.getByRole('button', { name: 'Older lines' }).isDisabled());
  for (let p = 2; p <= pages; p++) await page.getByRole('button', { name: 'Newer lines' }).click();
  await info.filter({ hasText: new RegExp(`; page ${pages} of ${pages}$`) }).waitFor();
  const lastName = servers[servers.length - 1];
  await page.getByLabel('Find in log').fill(lastName);
  await info.filter({ hasText: new RegExp(`matching “${lastName}”; page 1 of 1$`) }).waitFor();
  assert.ok(await page.locator('#task-log mark').count() >= 1);
  await page.getByLabel('Find in log').fill('');
});

test('a cluster workflow\'s DAG turns green live', async () => {
  await visit(page, `#/submit/cluster`);
  await page.getByLabel('Cluster type').fill('kubernetes');
  await markPage(page);
  await page.getByRole('button', { name: 'Submit cluster workflow' }).click();
  await page.waitForURL(/#\/dag\/[0-9a-f-]{36}$/);
  await page.locator('#dag svg .node').first().waitFor();
  const nodes = await page.locator('#dag svg .node').count();
  assert.ok(nodes >= 3, `servers, taskservs and the cluster are drawn (got ${nodes})`);
  await page.locator('#dag[data-all-completed="true"]').waitFor({ timeout: 120000 });
  assert.equal(await page.locator('#dag svg .node.s-Completed').count(), nodes);
  assert.ok(await notReloaded(page));
  await browser.screenshot('cluster-dag');
});

test('a viewer sees no Cancel; when the role drops after the page loaded, the real Cancel answers 403 clearly', async () => {
  const { body } = await api('POST', '/workflows/servers/create', OPERATOR,
    { infra: 'production', settings: SLOW_SETTINGS, servers: Array.from({ length: 30 }, (_, i) => `hold-${i}`) });
  const id = body.data;
  await page.evaluate(() => sessionStorage.clear());
  await signIn(page, VIEWER);
  assert.match(await page.locator('#whoami').textContent(), /\(viewer\)/);
  await visit(page, `#/tasks/${id}`);
  await page.locator('#task-status [data-status]').waitFor();
  assert.equal(await page.locator('#cancel').count(), 0, 'Cancel is not shown to a viewer');
  // signed in as an operator, the page shows Cancel; then the tab's token is replaced by a viewer's
  // (the role changed after the page loaded): the console still shows Cancel, the server refuses
  await page.evaluate(() => sessionStorage.clear());
  await signIn(page, OPERATOR);
  await visit(page, `#/tasks/${id}`);
  const cancel = page.getByRole('button', { name: 'Cancel' });
  await cancel.waitFor();
  await page.evaluate((t) => sessionStorage.setItem('provisioning.console.token', t), VIEWER);
  await cancel.click();
  const alert = page.getByRole('alert').filter({ hasText: '403' });
  await alert.waitFor();
  assert.match(await alert.textContent(), /Not allowed \(403\).*Your role is viewer.*showed you as operator/);
  await page.locator('#task-status [data-status]').waitFor();
  assert.equal(await page.locator('#cancel').count(), 0, 'after the 403 the console hides what the role may not use');
  assert.match(await page.locator('#whoami').textContent(), /\(viewer\)/);
  await browser.screenshot('viewer-403');
  const after = await api('GET', `/tasks/${id}`, VIEWER);
  assert.notEqual(after.body.data.status, 'Cancelled');
  await api('POST', `/tasks/${id}/cancel`, OPERATOR);
});

test('the tasks table filters by workflow and infra on the server, pages through them, and stays live within the filter', async () => {
  const submit = (infra, server, workflow = 'servers') => api('POST', '/workflows/batch', OPERATOR, {
    tasks: [{ ref: 'one', workflow, infra, settings: './settings.yaml', servers: [server], check_mode: true,
      ...(workflow === 'taskserv' ? { taskserv: 'postgres' } : {}) }],
  });
  const items = Array.from({ length: 24 }, (_, i) => ({ ref: `p${i}`, workflow: 'servers', infra: 'paging',
    settings: './settings.yaml', servers: [`page-${i}`], check_mode: true }));
  const batch = await api('POST', '/workflows/batch', OPERATOR, { tasks: items });
  assert.equal(batch.status, 200, JSON.stringify(batch.body));
  await submit('paging', 'page-t', 'taskserv'); // same infra, another workflow: filtered out
  await page.evaluate(() => sessionStorage.clear());
  await signIn(page, OPERATOR);
  await visit(page, '#/tasks');
  await page.locator('#tasks-table').waitFor();
  await page.getByLabel('Per page').selectOption('10');
  await page.getByLabel('Workflow', { exact: true }).selectOption('servers.create');
  await page.getByLabel('Infra', { exact: true }).fill('paging');
  await page.getByLabel('Infra', { exact: true }).press('Enter');
  const info = page.locator('#page-info');
  await page.locator('#page-info[data-total="24"]').waitFor();
  assert.match(await info.textContent(), /^Page 1 of 3: 1–10 of 24$/);
  const shown = new Set();
  for (let p = 1; p <= 3; p++) {
    if (p > 1) {
      await page.getByRole('button', { name: 'Next page' }).click();
      await page.locator(`#page-info[data-page="${p}"]`).waitFor();
    }
    const rows = page.locator('#tasks-table tbody tr[data-task]');
    await rows.first().waitFor();
    for (const row of await rows.all()) {
      assert.equal(await row.locator('td[data-label="Workflow"]').textContent(), 'servers.create');
      assert.equal(await row.locator('td[data-label="Infra"]').textContent(), 'paging');
      shown.add(await row.getAttribute('data-task'));
    }
  }
  assert.match(await info.textContent(), /^Page 3 of 3: 21–24 of 24$/);
  assert.equal(shown.size, 24, 'every filtered task once over the pages');
  assert.ok(await page.getByRole('button', { name: 'Next page' }).isDisabled());
  const countsTotal = await page.locator('.counts .n').allTextContents();
  assert.equal(countsTotal.reduce((a, n) => a + Number(n), 0), 24, 'the counts per status are of the filter too');
  await browser.screenshot('tasks-filtered');
  // live: a task outside the filter does not show, one inside it does, and the pages follow
  await page.getByRole('button', { name: 'Previous page' }).click();
  await page.getByRole('button', { name: 'Previous page' }).click();
  await page.locator('#page-info[data-page="1"]').waitFor();
  await markPage(page);
  const outside = await submit('elsewhere', 'page-x');
  const inside = await submit('paging', 'page-y');
  await page.locator(`#tasks-table tr[data-task="${inside.body.data.one}"]`).waitFor({ timeout: 30000 });
  await page.locator('#page-info[data-total="25"]').waitFor();
  assert.match(await info.textContent(), /^Page 1 of 3: 1–10 of 25$/);
  assert.equal(await page.locator(`#tasks-table tr[data-task="${outside.body.data.one}"]`).count(), 0);
  assert.ok(await notReloaded(page));
  // a bad infra gets the server's sentence beside the field
  await page.getByLabel('Infra', { exact: true }).fill('no;way');
  await page.getByLabel('Infra', { exact: true }).press('Enter');
  await page.locator('#filter-infra-error').filter({ hasText: "query parameter 'infra'" }).waitFor();
  assert.equal(await page.locator('#filter-infra[aria-invalid="true"]').count(), 1);
  await page.getByLabel('Infra', { exact: true }).fill('');
  await page.getByLabel('Workflow', { exact: true }).selectOption('');
  await page.getByLabel('Infra', { exact: true }).press('Enter');
  await page.locator('#filter-infra-error[hidden]').waitFor({ state: 'attached' });
});

test('readable at a phone\'s width', async () => {
  const phone = await launch({ width: 390, height: 844 });
  try {
    await signIn(phone.page, OPERATOR);
    await phone.page.locator('#tasks-table tbody tr').first().waitFor();
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `no sideways scrolling (overflow ${overflow}px)`);
    await phone.screenshot('tasks-phone');
  } finally {
    await phone.close();
  }
});

test('keyboard only: skip link, the sections, a task row and back', async () => {
  await visit(page, '#/tasks');
  await page.reload(); // a fresh load: Tab starts at the top (the token stays in the tab)
  await page.locator('#tasks-table tbody tr[data-task]').first().waitFor();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id || location.hash), 'main');
  // the first link of the table is reachable by Tab and opens the task with Enter
  const first = await page.locator('#tasks-table tbody tr[data-task] a').first().getAttribute('href');
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((h) => document.activeElement.getAttribute('href') === h, first)) break;
  }
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('href')), first, 'Tab reaches the task link');
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => url.hash === first);
  await page.locator('#task-status [data-status]').waitFor();
  await page.goBack();
  await page.locator('#tasks-table').waitFor();
});

test('light and dark follow the system setting', async () => {
  const dark = await launch({ colorScheme: 'dark' });
  try {
    await signIn(dark.page, OPERATOR);
    await dark.page.locator('#tasks-table tbody tr').first().waitFor();
    assert.equal(await dark.page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(13, 17, 23)');
    await dark.screenshot('tasks-dark');
  } finally {
    await dark.close();
  }
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(255, 255, 255)');
});

test('storage: the backend, an online migration\'s progress, the audit check and the live summary (admin)', async () => {
  const ADMIN = process.env.CONSOLE_ADMIN_TOKEN;
  const target = process.env.CONSOLE_MIGRATION_DIR;
  await page.evaluate(() => sessionStorage.clear());
  await signIn(page, ADMIN);
  await visit(page, '#/storage');
  await page.locator('#storage-backend dd').filter({ hasText: 'filesystem' }).first().waitFor();
  assert.equal(await page.locator('#audit-intact').textContent(), 'intact');
  await page.locator('#sum-queue').filter({ hasText: /^\d+$/ }).waitFor();
  await page.locator('#sum-completed').filter({ hasText: /^[1-9]\d*$/ }).waitFor({ timeout: 30000 });
  const started = await api('POST', '/storage/migrations', ADMIN, { to: 'filesystem', data_dir: target });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  await page.locator('#migration[data-state="SWITCHED"], #migration[data-state="FAILED"]').waitFor({ timeout: 60000 });
  const shown = await page.locator('#migration').textContent();
  assert.match(shown, /^SWITCHED filesystem → filesystem/, shown);
  await browser.screenshot('storage');
  // a viewer is told the storage page needs admin, without data
  await page.evaluate(() => sessionStorage.clear());
  await signIn(page, VIEWER);
  await visit(page, '#/storage');
  await page.locator('#storage-backend dd').filter({ hasText: 'needs the admin role' }).waitFor();
});
