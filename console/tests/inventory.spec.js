// The campaign inventory: default filter, tabs, search and filters, row menus with exactly the
// allowed actions, bulk actions with a result per row, paging, a viewer's read-only list, the
// draft-version and alert icons; and how long the first page of a large sandbox takes.
const { test, expect } = require('@playwright/test');
const h = require('./harness');

const LABELS = {
  submit: 'Submit for review', withdraw: 'Withdraw', activate: 'Activate', pause: 'Pause', resume: 'Resume', stop: 'Stop',
  close: 'Close', archive: 'Archive', unarchive: 'Unarchive', duplicate: 'Duplicate', 'submit-draft': 'Submit draft version',
  'activate-draft': 'Activate draft version', 'discard-draft': 'Discard draft version',
};

let server;
let t;
const T = 'inv';
const ids = {};

test.beforeAll(async () => {
  test.setTimeout(120_000);
  server = await h.startFerryd({ testClock: true });
  t = await h.makeTenant(server, T, ['dev', 'many']);
  t.alice = await h.makeUser(server, T, t.adminToken, 'alice', ['dev:editor', 'many:editor'], { name: 'Alice Martin' });
  t.victor = await h.makeUser(server, T, t.adminToken, 'victor', ['dev:viewer'], { name: 'Victor Viewer' });
  await h.makeUser(server, T, t.adminToken, 'rita', ['dev:reviewer']);
  const a = t.adminToken;
  const seg = await h.makeSegment(server, T, 'dev', a, 'Newsletter subscribers');
  // Campaigns tagged "gated" need a reviewer's approval: one of them waits in review.
  await h.must(server, 201, 'POST', `/v1/tenants/${T}/approval-policies`, {
    name: 'Gated', scope: 'campaign', conditions: { all: [{ field: 'tag', op: 'equals', value: 'gated' }] },
    approvers: { role: 'reviewer' }, required_approvals: 1,
  }, a);

  // Completed first: activating it and moving the clock 3 days completes it (and only it).
  ids.completed = (await h.campaignIn(server, T, 'dev', a, 'active', { name: 'Completed blast', type: 'api_triggered' })).id;
  await h.advanceClock(server, 3 * 86400 + 60);

  ids.draft = (await h.campaignIn(server, T, 'dev', a, 'draft', { name: 'Draft welcome', tags: ['onboarding'] })).id;
  ids.active = (await h.campaignIn(server, T, 'dev', a, 'active', {
    name: 'Active promo', type: 'action', audience: { segment: seg.id }, channels: ['sms'], content: { sms: { body: 'Promo -20%' } }, tags: ['promo'],
  })).id;
  ids.paused = (await h.campaignIn(server, T, 'dev', a, 'paused', {
    name: 'Paused reminder', channels: ['push'], content: { push: { title: 'Psst', body: 'Come back' } },
  })).id;
  const gated = await h.makeCampaign(server, T, 'dev', a, { name: 'Gated launch', tags: ['gated'] });
  const submitted = await h.campaignAction(server, T, 'dev', a, gated.id, 'submit');
  expect(submitted.status).toBe(200);
  ids.inReview = gated.id;
  ids.stopped = (await h.campaignIn(server, T, 'dev', a, 'stopped', { name: 'Stopped sale' })).id;
  ids.archived = (await h.campaignIn(server, T, 'dev', a, 'archived', { name: 'Archived oldie' })).id;
  ids.orchestrated = (await h.makeCampaign(server, T, 'dev', a, {
    name: 'Orchestrated journey', type: 'orchestrated', audience: { segment: seg.id }, channels: ['email'],
    content: { email: { subject: 'Hi', body: 'Hi' } },
  })).id;
  // A live campaign with a draft version (an edit of its spec), and one with an alert.
  const live = await h.campaignIn(server, T, 'dev', a, 'active', { name: 'Live with draft' });
  ids.live = live.id;
  const got = await h.apiCall(server, 'GET', `${h.sandboxPath(T, 'dev')}/campaigns/${live.id}`, null, a);
  await h.must(server, 200, 'PATCH', `${h.sandboxPath(T, 'dev')}/campaigns/${live.id}`, { description: 'Next version' }, a,
    { 'If-Match': got.headers.get('etag') });
  const alerting = await h.campaignIn(server, T, 'dev', a, 'active', { name: 'Alerting campaign' });
  ids.alerting = alerting.id;
  await h.must(server, 200, 'POST', `${h.sandboxPath(T, 'dev')}/campaigns/${alerting.id}/execution-events`,
    { type: 'warning', reason: 'Bounce rate above 5%' }, a);
  ids.bulkActive = (await h.campaignIn(server, T, 'dev', a, 'active', { name: 'Bulk target active' })).id;
  ids.bulkDraft = (await h.campaignIn(server, T, 'dev', a, 'draft', { name: 'Bulk target draft' })).id;

  // 60 campaigns for paging.
  for (let i = 0; i < 60; i += 1) {
    await h.makeCampaign(server, T, 'many', a, { name: `Bulk mail ${String(i).padStart(2, '0')}` });
  }
});

test.afterAll(async () => {
  if (server) await server.stop();
});

const row = (page, name) => page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
const campaignLink = (page, name) => page.getByRole('link', { name, exact: true });

async function openInventory(browser, user = 'alice', query = '') {
  const context = await browser.newContext();
  const page = await h.signInAs(context, server, T, t.adminToken, user);
  if (query) await page.goto(`${server.baseURL}/t/${T}/s/dev/campaigns${query}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Campaigns' })).toBeVisible();
  return { context, page };
}

test('by default stopped, completed and archived campaigns are hidden; paused and in review stay; removing the filter shows them', async ({ browser }) => {
  const { context, page } = await openInventory(browser);
  const problems = h.watchForScripts(page);
  for (const name of ['Draft welcome', 'Active promo', 'Paused reminder', 'Gated launch', 'Orchestrated journey']) {
    await expect(campaignLink(page, name)).toBeVisible();
  }
  for (const name of ['Stopped sale', 'Archived oldie', 'Completed blast']) {
    await expect(campaignLink(page, name)).toHaveCount(0);
  }
  await expect(row(page, 'Gated launch')).toContainText('In review');
  await expect(row(page, 'Paused reminder')).toContainText('Paused');
  await expect(page.getByText('Hiding stopped, completed and archived campaigns')).toBeVisible();
  // Sorted by last modification, most recent first (the test clock stands still here, so the
  // order among these is the API's tie-break; the header says how the list is sorted).
  await expect(page.getByRole('columnheader', { name: 'Last modified' })).toHaveAttribute('aria-sort', 'descending');
  await h.screenshot(page, 'inventory');
  await h.checkA11y(page, 'inventory');

  await page.getByRole('button', { name: 'Show all statuses' }).click();
  for (const name of ['Stopped sale', 'Archived oldie', 'Completed blast', 'Draft welcome', 'Gated launch']) {
    await expect(campaignLink(page, name)).toBeVisible();
  }
  await expect(row(page, 'Completed blast')).toContainText('Completed');
  await expect(page).toHaveURL(/status=all/);
  expect(problems).toEqual([]);
  await context.close();
});

test('tabs by type, search on name and filters on status, channel and tag', async ({ browser }) => {
  const { context, page } = await openInventory(browser);
  await page.getByRole('tab', { name: 'Orchestrated' }).click();
  await expect(page.getByRole('tab', { name: 'Orchestrated' })).toHaveAttribute('aria-selected', 'true');
  await expect(campaignLink(page, 'Orchestrated journey')).toBeVisible();
  await expect(campaignLink(page, 'Draft welcome')).toHaveCount(0);
  await expect(page).toHaveURL(/type=orchestrated/);
  // Arrow keys move between tabs.
  await page.getByRole('tab', { name: 'Orchestrated' }).press('ArrowLeft');
  await expect(page.getByRole('tab', { name: 'API-triggered' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tab', { name: 'API-triggered' })).toBeFocused();
  await expect(campaignLink(page, 'Draft welcome')).toBeVisible();
  await expect(campaignLink(page, 'Active promo')).toHaveCount(0);
  await page.getByRole('tab', { name: 'Action', exact: true }).click();
  await expect(campaignLink(page, 'Active promo')).toBeVisible();
  await expect(campaignLink(page, 'Draft welcome')).toHaveCount(0);
  await page.getByRole('tab', { name: 'All' }).click();

  await page.getByLabel('Search').fill('remind');
  await expect(campaignLink(page, 'Paused reminder')).toBeVisible();
  await expect(page.getByRole('row')).toHaveCount(2);
  await page.getByLabel('Search').fill('');
  await page.getByLabel('Search').press('Enter');
  await expect(campaignLink(page, 'Draft welcome')).toBeVisible();

  await page.getByLabel('Channel').selectOption('sms');
  await expect(campaignLink(page, 'Active promo')).toBeVisible();
  await expect(page.getByRole('row')).toHaveCount(2);
  await page.getByLabel('Channel').selectOption('');

  await page.getByLabel('Tag').fill('onboarding');
  await page.getByLabel('Tag').press('Tab');
  await expect(campaignLink(page, 'Draft welcome')).toBeVisible();
  await expect(page.getByRole('row')).toHaveCount(2);
  await page.getByRole('button', { name: 'Reset filters' }).click();

  await page.getByLabel('Status').selectOption('stopped');
  await expect(campaignLink(page, 'Stopped sale')).toBeVisible();
  await expect(page.getByRole('row')).toHaveCount(2);
  await page.getByLabel('Status').selectOption('');

  // Created in a range that holds nothing.
  await page.getByLabel('Created to').fill('2001-01-01');
  await page.getByLabel('Created to').dispatchEvent('change');
  await expect(page.getByText('No campaign matches these filters.')).toBeVisible();
  await context.close();
});

test('the row menu offers exactly the allowed actions, works from the keyboard, and acts', async ({ browser }) => {
  const { context, page } = await openInventory(browser);
  for (const [key, name] of [['active', 'Active promo'], ['draft', 'Draft welcome'], ['paused', 'Paused reminder'], ['inReview', 'Gated launch']]) {
    const c = await h.must(server, 200, 'GET', `${h.sandboxPath(T, 'dev')}/campaigns/${ids[key]}`, null, t.alice);
    const expected = c.allowed_actions.map((a) => LABELS[a]);
    expected.push('Edit tags', 'Add to package', 'Report (24 h)', 'Full report');
    if (c.status === 'draft' && !c.live_version) expected.push('Delete');
    const button = page.getByRole('button', { name: `Actions for ${name}` });
    await button.focus();
    await button.press('Enter');
    const menu = page.getByRole('menu', { name: `Actions for ${name}` });
    await expect(menu).toBeVisible();
    await expect(menu.getByRole('menuitem').first()).toBeFocused();
    const items = await menu.getByRole('menuitem').allTextContents();
    expect(items.sort()).toEqual(expected.sort());
    if (key === 'active') await h.screenshot(page, 'inventory-row-menu');
    await page.keyboard.press('Escape');
    await expect(menu).toBeHidden();
    await expect(button).toBeFocused();
  }

  // Pause the active campaign from its menu, with the keyboard only.
  const button = page.getByRole('button', { name: 'Actions for Active promo' });
  await button.press('ArrowDown');
  const menu = page.getByRole('menu', { name: 'Actions for Active promo' });
  for (let i = 0; i < 10; i += 1) {
    const focused = await page.evaluate(() => document.activeElement.textContent);
    if (focused === 'Pause') break;
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Enter');
  await expect(menu).toBeHidden();
  await expect(row(page, 'Active promo')).toContainText('Paused');
  // And resume it with the mouse.
  await page.getByRole('button', { name: 'Actions for Active promo' }).click();
  await page.getByRole('menuitem', { name: 'Resume' }).click();
  await expect(row(page, 'Active promo')).toContainText('Active');

  // Edit tags.
  await page.getByRole('button', { name: 'Actions for Draft welcome' }).click();
  await page.getByRole('menuitem', { name: 'Edit tags' }).click();
  const dialog = page.getByRole('dialog', { name: /Edit tags/ });
  await dialog.getByLabel('Tags').fill('onboarding, spring');
  await dialog.getByRole('button', { name: 'Save tags' }).click();
  await expect(row(page, 'Draft welcome')).toContainText('spring');

  // Add to package: the partial packages of this sandbox are offered.
  await h.must(server, 201, 'POST', `/v1/tenants/${T}/packages`, { name: 'spring-pack', source_sandbox: 'dev', kind: 'partial', description: 'Spring' }, t.alice);
  await page.getByRole('button', { name: 'Actions for Draft welcome' }).click();
  await page.getByRole('menuitem', { name: 'Add to package' }).click();
  const pick = page.getByRole('dialog', { name: /Add to package/ });
  await pick.getByLabel('Package').selectOption('spring-pack');
  await pick.getByRole('button', { name: 'Add to package' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'added to package spring-pack' })).toBeVisible();
  const pack = await h.must(server, 200, 'GET', `/v1/tenants/${T}/packages/spring-pack`, null, t.alice);
  expect(JSON.stringify(pack.campaigns)).toContain(ids.draft);
  await context.close();
});

test('bulk actions give a result per row', async ({ browser }) => {
  const { context, page } = await openInventory(browser);
  await page.getByLabel('Search').fill('Bulk target');
  await page.getByLabel('Search').press('Enter');
  await expect(page.getByRole('row')).toHaveCount(3);
  await page.getByRole('checkbox', { name: 'Select Bulk target active' }).check();
  await page.getByRole('checkbox', { name: 'Select Bulk target draft' }).check();
  const bar = page.getByRole('region', { name: 'Bulk actions' });
  await expect(bar).toContainText('2 selected');
  await bar.getByRole('button', { name: 'Pause' }).click();
  const results = page.getByRole('list', { name: 'Results of pause' });
  await expect(results.getByRole('listitem')).toHaveCount(2);
  await expect(results.getByRole('listitem').filter({ hasText: 'Bulk target active' })).toContainText('Done');
  await expect(results.getByRole('listitem').filter({ hasText: 'Bulk target draft' })).toContainText('Refused');
  await expect(page.getByRole('heading', { name: 'Pause: 1 of 2 done' })).toBeVisible();
  await expect(row(page, 'Bulk target active')).toContainText('Paused');
  await h.screenshot(page, 'inventory-bulk-results');
  await h.checkA11y(page, 'inventory with bulk results');
  await context.close();
});

test('cursor paging with next and previous, and the total', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await h.signInAs(context, server, T, t.adminToken, 'alice');
  await page.getByLabel('Sandbox').selectOption('many');
  await expect(page).toHaveURL(new RegExp(`/t/${T}/s/many/campaigns`));
  await expect(page.getByText('1–50 of 60 campaigns')).toBeVisible();
  await expect(page.getByRole('row')).toHaveCount(51);
  await expect(page.getByRole('button', { name: 'Previous' })).toBeDisabled();
  const names = () => page.getByRole('cell').getByRole('link').allTextContents();
  const first = await names();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByText('51–60 of 60 campaigns')).toBeVisible();
  await expect(page.getByRole('row')).toHaveCount(11);
  const second = await names();
  // Two pages hold every campaign once.
  expect(new Set([...first, ...second]).size).toBe(60);
  await expect(page.getByRole('button', { name: 'Next' })).toBeDisabled();
  await page.getByRole('button', { name: 'Previous' }).click();
  await expect(page.getByText('1–50 of 60 campaigns')).toBeVisible();
  expect(await names()).toEqual(first);
  await context.close();
});

test('a viewer sees the list without any action but the reports', async ({ browser }) => {
  const { context, page } = await openInventory(browser, 'victor');
  await expect(campaignLink(page, 'Draft welcome')).toBeVisible();
  await expect(page.getByRole('checkbox')).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'New campaign' })).toHaveCount(0);
  await expect(page.getByRole('menuitem')).toHaveCount(0);
  // The row menu holds only the campaign's reports (issue 25).
  await page.getByRole('button', { name: 'Actions for Draft welcome' }).click();
  const items = await page.getByRole('menu', { name: 'Actions for Draft welcome' }).getByRole('menuitem').allTextContents();
  expect(items).toEqual(['Report (24 h)', 'Full report']);
  await page.keyboard.press('Escape');
  await h.screenshot(page, 'inventory-viewer');
  await h.checkA11y(page, 'inventory as a viewer');
  await context.close();
});

test('the header: tenant, sandbox switcher, who is signed in, and the count of reviews waiting for me', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await h.signInAs(context, server, T, t.adminToken, 'rita');
  const header = page.getByRole('banner');
  await expect(header).toContainText(T);
  await expect(header).toContainText('rita');
  // Rita reviews dev only: the switcher offers dev and nothing else.
  await expect(page.getByLabel('Sandbox').getByRole('option')).toHaveText(['dev']);
  await expect(h.navLink(page, 'Campaigns')).toHaveAttribute('aria-current', 'page');
  // "Gated launch" waits for a reviewer of dev.
  await expect(h.navLink(page, 'Reviews')).toContainText('1');
  await expect(page.getByLabel('1 pending review assigned to you')).toBeVisible();
  await h.navLink(page, 'Calendar').click();
  await expect(h.navLink(page, 'Calendar')).toHaveAttribute('aria-current', 'page');
  await context.close();
});

test('a live campaign with a draft version shows its icon, and alerts show theirs', async ({ browser }) => {
  const { context, page } = await openInventory(browser);
  await expect(page.getByRole('link', { name: 'Open draft version of Live with draft' })).toBeVisible();
  await expect(page.getByRole('link', { name: /^Open draft version of/ })).toHaveCount(1);
  await page.getByRole('button', { name: 'Actions for Live with draft' }).click();
  await expect(page.getByRole('menuitem', { name: 'Open draft version' })).toBeVisible();
  await page.keyboard.press('Escape');

  await row(page, 'Alerting campaign').getByRole('button', { name: '1 alert: show' }).click();
  const dialog = page.getByRole('dialog', { name: 'Alerts: Alerting campaign' });
  await expect(dialog).toContainText('Bounce rate above 5%');
  await h.checkA11y(page, 'alerts dialog');
  await dialog.getByRole('button', { name: 'Close' }).click();

  await page.getByRole('link', { name: 'Open draft version of Live with draft' }).click();
  await expect(page).toHaveURL(new RegExp(`/campaigns/${ids.live}\\?version=draft$`));
  await context.close();
});

// Not asserted: how long the first page of a large sandbox takes to be on screen. The size is
// FERRY_CONSOLE_PERF_CAMPAIGNS (default 2,000 to keep the suite short; the report quotes 100,000).
test('timing: first inventory page of a large sandbox (reported, not asserted)', async ({ browser }) => {
  const count = Number(process.env.FERRY_CONSOLE_PERF_CAMPAIGNS || 2000);
  test.setTimeout(120_000 + count * 20);
  await h.must(server, 201, 'POST', `/v1/tenants/${T}/sandboxes`, { id: 'large', type: 'development' }, t.adminToken);
  const started = Date.now();
  let next = 0;
  const path = `${h.sandboxPath(T, 'large')}/campaigns`;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < count) {
      const i = next;
      next += 1;
      const body = { name: `Campaign ${i}`, type: 'api_triggered', channels: ['email'], tags: [`t${i % 20}`], content: { email: { subject: 'S', body: 'B' } } };
      const res = await h.apiCall(server, 'POST', path, body, t.adminToken);
      if (res.status !== 201) throw new Error(`create ${i}: ${res.status}`);
    }
  }));
  const seeded = (Date.now() - started) / 1000;
  // The list request alone, as the console sends it (default statuses, 50 items).
  const apiTimes = [];
  for (let i = 0; i < 3; i += 1) {
    const t0 = Date.now();
    await h.must(server, 200, 'GET', `${path}?status=draft,in_review,scheduled,active,paused,failed,publishing,closed&limit=50`, null, t.adminToken);
    apiTimes.push(Date.now() - t0);
  }
  const context = await browser.newContext();
  const page = await h.signInAs(context, server, T, t.adminToken, 'admin');
  const timings = [];
  for (let run = 0; run < 3; run += 1) {
    await page.goto(`${server.baseURL}/t/${T}/s/dev/calendar`);
    await expect(page.getByRole('heading', { level: 1, name: 'Calendar' })).toBeVisible();
    const t0 = Date.now();
    await page.goto(`${server.baseURL}/t/${T}/s/large/campaigns`);
    await expect(page.getByRole('row')).toHaveCount(51);
    timings.push(Date.now() - t0);
    // Navigation inside the console (no page load): from the calendar to the list.
    await h.navLink(page, 'Calendar').click();
    await expect(page.getByRole('heading', { level: 1, name: 'Calendar' })).toBeVisible();
    const t1 = Date.now();
    await h.navLink(page, 'Campaigns').click();
    await expect(page.getByRole('row')).toHaveCount(51);
    timings.push(Date.now() - t1);
  }
  const total = await page.getByText(/^1–50 of/).textContent();
  const line = `inventory timing: ${count} campaigns (seeded in ${seeded.toFixed(1)} s); first page on screen: page load ${timings.filter((_, i) => i % 2 === 0).join('/')} ms, in-console navigation ${timings.filter((_, i) => i % 2 === 1).join('/')} ms; the list request alone ${apiTimes.join('/')} ms; "${total}"`;
  console.log(line);
  test.info().annotations.push({ type: 'timing', description: line });
  require('node:fs').mkdirSync(h.OUTPUT_DIR, { recursive: true });
  require('node:fs').appendFileSync(require('node:path').join(h.OUTPUT_DIR, 'timing.txt'), `${line}\n`);
  await context.close();
});
