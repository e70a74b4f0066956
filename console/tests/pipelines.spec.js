// Promotion pipelines in the console (docs/pipelines.md), the scenario as people do it:
// a three-stage pipeline dev → stage → prod, prod frozen every weekend (Friday 18:00 to Monday
// 06:00, Europe/Paris) and gated by a reviewer. An importer promotes v1 to stage from the
// environment matrix, then schedules it to prod for Friday evening: the promotion page shows it
// waiting for the freeze window's end, the calendar shows the window, and once the window is over
// and prod's reviewer approved, the matrix shows v1 live in stage and prod. A tenant admin manages
// the freeze windows in the sandbox's settings. Server clock: Monday 7 December 2026, 10:00 UTC.
const { test, expect } = require('@playwright/test');
const H = require('./harness');

const T = 'pipe';
const START = '2026-12-07T10:00:00Z';
let server;
let t;
let importerToken;
let reviewerToken;

const base = () => `/v1/tenants/${T}`;

test.beforeAll(async () => {
  server = await H.startFerryd({ testClock: true, args: ['--test-clock-start', START] });
  t = await H.makeTenant(server, T, ['dev', 'stage', 'prod'], { requireApproval: { prod: 'always' } });
  const a = t.adminToken;
  importerToken = await H.makeUser(server, T, a, 'imogen', ['dev:viewer', 'stage:importer', 'prod:importer'], { name: 'Imogen Importer' });
  reviewerToken = await H.makeUser(server, T, a, 'rita', ['prod:reviewer'], { name: 'Rita Reviewer' });
  // dev: the campaign "welcome" in package "welcome", v1 published.
  const seg = await H.must(server, 201, 'POST', `${H.sandboxPath(T, 'dev')}/segments`, { key: 'vip', name: 'VIP', rule: { tier: 'gold' } }, a);
  const c = await H.makeCampaign(server, T, 'dev', a, { key: 'welcome', name: 'Welcome', type: 'action', audience: { segment: seg.id } });
  await H.must(server, 201, 'POST', `${base()}/packages`, { name: 'welcome', source_sandbox: 'dev', objects: [{ kind: 'campaign', id: c.id }] }, a);
  await H.must(server, 201, 'POST', `${base()}/packages/welcome/versions`, {}, a);
  await H.must(server, 201, 'POST', `${base()}/pipelines`, {
    name: 'main', description: 'The way to production', stages: [{ sandbox: 'dev' }, { sandbox: 'stage' }, { sandbox: 'prod' }],
  }, a);
  await H.must(server, 201, 'POST', `${H.sandboxPath(T, 'prod')}/freeze-windows`, {
    kind: 'weekly', from: { day: 'friday', time: '18:00' }, to: { day: 'monday', time: '06:00' }, time_zone: 'Europe/Paris', reason: 'Weekend',
  }, a);
});

test.afterAll(async () => {
  if (server) await server.stop();
});

async function campaignIn(sandbox, key) {
  const list = await H.must(server, 200, 'GET', `${H.sandboxPath(T, sandbox)}/campaigns`, null, t.adminToken);
  return list.items.find((x) => x.key === key);
}

const matrixCell = (page, pipeline, pkg, column) => page.getByRole('region', { name: `Pipeline ${pipeline}` })
  .getByRole('row', { name: new RegExp(`^${pkg}\\b`) }).getByRole('cell').nth(column);

test('promote v1 to stage, schedule it to prod into a freeze window, and see it live in the matrix', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.clock.setSystemTime(new Date(START));
  const problems = H.watchForScripts(page);
  await H.signInAs(page, server, T, t.adminToken, 'imogen');

  // The matrix: v1 is dev's latest; it may move to stage.
  await H.navLink(page, 'Pipelines').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Pipelines' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Pipeline main' })).toBeVisible();
  await expect(page.getByText('dev → stage → prod')).toBeVisible();
  await expect(matrixCell(page, 'main', 'welcome', 0)).toContainText('v1');
  await expect(matrixCell(page, 'main', 'welcome', 0)).toContainText('Source');
  await expect(matrixCell(page, 'main', 'welcome', 1)).toContainText('Not here');
  await expect(page.getByRole('link', { name: 'Promote welcome v1 to prod' })).toHaveCount(0);
  await H.screenshot(page, 'pipelines-matrix-start');
  await H.checkA11y(page, 'pipelines matrix');

  // Promote to stage at once, from the matrix.
  await page.getByRole('link', { name: 'Promote welcome v1 to stage' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Promote a version' })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Package' })).toHaveValue('welcome');
  await expect(page.getByRole('spinbutton', { name: 'Version' })).toHaveValue('1');
  await expect(page.getByRole('combobox', { name: 'Target stage' })).toHaveValue('stage');
  await H.screenshot(page, 'promote-form');
  await H.checkA11y(page, 'promote form');
  await page.getByRole('button', { name: 'Promote' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'welcome v1 → stage' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Status' }).locator('.badge').first()).toHaveText('Applied, in review');

  // Stage's editor activates what it brought (no approval in stage); the scheduler sees it live.
  const staged = await campaignIn('stage', 'welcome');
  await H.must(server, 200, 'POST', `${H.sandboxPath(T, 'stage')}/campaigns/${staged.id}/actions/activate`, {}, t.adminToken);
  await H.advanceClock(server, 60);
  await page.reload();
  await expect(page.getByRole('region', { name: 'Status' }).locator('.badge').first()).toHaveText('Live');
  await expect(page.getByRole('region', { name: 'History' })).toContainText('Applied, in review');

  // Schedule it to prod for Friday 19:00 UTC, inside prod's weekend freeze (Friday 18:00 Paris).
  await H.navLink(page, 'Pipelines').click();
  await expect(matrixCell(page, 'main', 'welcome', 1)).toContainText('Live');
  await page.getByRole('link', { name: 'Promote welcome v1 to prod' }).click();
  await expect(page.getByRole('combobox', { name: 'Target stage' })).toHaveValue('prod');
  await page.getByLabel('Apply at (UTC)').fill('2026-12-11T19:00');
  await page.getByRole('button', { name: 'Promote' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'welcome v1 → prod' })).toBeVisible();
  const status = page.getByRole('region', { name: 'Status' });
  await expect(status.locator('.badge').first()).toHaveText('Scheduled');
  await expect(status).toContainText('11 Dec 2026, 19:00 UTC');
  const promotionURL = page.url();

  // Friday 19:10 UTC: its time has come, but prod is frozen until Monday 06:00 Paris (05:00 UTC).
  // (Days later on the test clock, the session has ended: signed in again.)
  await H.advanceClock(server, 4 * 86400 + 9 * 3600 + 600 - 60);
  await page.clock.setSystemTime(new Date('2026-12-11T19:10:00Z'));
  await H.signInAs(page, server, T, t.adminToken, 'imogen');
  await page.goto(promotionURL);
  await expect(status.locator('.badge').first()).toHaveText('Waiting');
  await expect(status.getByText('Frozen', { exact: true })).toBeVisible();
  await expect(status).toContainText('14 Dec 2026, 05:00 UTC');
  await expect(page.getByRole('button', { name: 'Retry now' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Cancel promotion' })).toBeVisible();
  await H.screenshot(page, 'promotion-waiting-frozen');
  await H.checkA11y(page, 'promotion page');

  // The calendar of prod shows the window.
  await page.goto(`${server.baseURL}/t/${T}/s/prod/calendar?week=2026-W50`);
  const freezes = page.getByRole('list', { name: 'Freeze windows this week' });
  await expect(freezes).toContainText('11 Dec 2026, 17:00 UTC – 14 Dec 2026, 05:00 UTC');
  await expect(freezes).toContainText('Weekend');
  await H.screenshot(page, 'calendar-freeze-window');
  await H.checkA11y(page, 'calendar with a freeze window');

  // Monday 05:10 UTC: the window is over; the scheduler applies it; prod's reviewer approves.
  await H.advanceClock(server, 2 * 86400 + 10 * 3600);
  const prodCampaign = await campaignIn('prod', 'welcome');
  await H.must(server, 200, 'POST', `${H.sandboxPath(T, 'prod')}/campaigns/${prodCampaign.id}/actions/submit`, {}, t.adminToken);
  const reviews = await H.must(server, 200, 'GET', `${base()}/reviews`, null, reviewerToken);
  const review = reviews.items.find((r) => r.subject && r.subject.campaign === prodCampaign.id);
  await H.must(server, 200, 'POST', `${base()}/reviews/${review.id}/approve`, { comment: 'ok' }, reviewerToken);
  await H.advanceClock(server, 60);
  await page.clock.setSystemTime(new Date('2026-12-14T05:11:00Z'));
  await H.signInAs(page, server, T, t.adminToken, 'imogen');
  await page.goto(promotionURL);
  await expect(status.locator('.badge').first()).toHaveText('Live');
  await expect(page.getByRole('button', { name: 'Cancel promotion' })).toHaveCount(0);
  const history = page.getByRole('region', { name: 'History' });
  for (const label of ['Scheduled', 'Waiting', 'Applied, in review', 'Live']) await expect(history.getByText(label, { exact: true }).first()).toBeVisible();

  // The matrix: v1 live in stage and in prod.
  await H.navLink(page, 'Pipelines').click();
  await expect(matrixCell(page, 'main', 'welcome', 1)).toContainText('Live');
  await expect(matrixCell(page, 'main', 'welcome', 2)).toContainText('v1');
  await expect(matrixCell(page, 'main', 'welcome', 2)).toContainText('Live');
  await expect(page.getByRole('region', { name: 'Recent promotions' }).getByRole('link', { name: 'welcome v1 → prod' })).toBeVisible();
  await H.screenshot(page, 'pipelines-matrix-live');
  expect(problems).toEqual([]);
  await context.close();
});

test('a tenant admin adds and removes freeze windows in the sandbox settings; others only read them', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = H.watchForScripts(page);
  await H.signInAs(page, server, T, t.adminToken, 'admin');
  await page.goto(`${server.baseURL}/t/${T}/s/stage/settings`);
  await expect(page.getByRole('heading', { level: 1, name: 'Sandbox settings' })).toBeVisible();
  await expect(page.getByText('No freeze window.')).toBeVisible();

  const form = page.getByRole('group', { name: 'Add a freeze window' });
  await form.getByLabel('Starts (UTC)').fill('2026-12-24T00:00');
  await form.getByLabel('Ends (UTC)').fill('2026-12-27T00:00');
  await form.getByLabel('Reason').fill('Christmas');
  await page.getByRole('button', { name: 'Add freeze window' }).click();
  const table = page.getByRole('table', { name: 'Freeze windows of stage' });
  await expect(table).toContainText('24 Dec 2026, 00:00 UTC to 27 Dec 2026, 00:00 UTC');
  await expect(table).toContainText('Christmas');

  await form.getByLabel('Every week').check();
  await form.getByLabel('From day').selectOption('saturday');
  await form.getByLabel('From time').fill('00:00');
  await form.getByLabel('To day').selectOption('sunday');
  await form.getByLabel('To time').fill('23:59');
  await form.getByLabel('Time zone').fill('Europe/Paris');
  await form.getByLabel('Reason').fill('No weekend releases');
  await page.getByRole('button', { name: 'Add freeze window' }).click();
  await expect(table).toContainText('Every Saturday 00:00 to Sunday 23:59 (Europe/Paris)');
  await H.screenshot(page, 'sandbox-settings-freeze-windows');
  await H.checkA11y(page, 'sandbox settings');

  await page.getByRole('button', { name: 'Remove freeze window Christmas' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
  await expect(table).not.toContainText('Christmas');
  await expect(table).toContainText('No weekend releases');

  // The importer reads prod's windows (the one in force, if any) but has no form.
  const other = await H.signInAs(await browser.newContext(), server, T, t.adminToken, 'imogen');
  await other.goto(`${server.baseURL}/t/${T}/s/prod/settings`);
  await expect(other.getByRole('table', { name: 'Freeze windows of prod' })).toContainText('Every Friday 18:00 to Monday 06:00 (Europe/Paris)');
  await expect(other.getByRole('button', { name: 'Add freeze window' })).toHaveCount(0);
  await expect(other.getByRole('button', { name: /^Remove/ })).toHaveCount(0);
  await expect(other.getByText('Tenant admins add and remove freeze windows.')).toBeVisible();
  expect(problems).toEqual([]);
  await context.close();
});

test('markup in a freeze window reason or a pipeline description is shown as text and runs nothing', async ({ browser }) => {
  const XSS = '<script>window.__ferryXss = 1</script><img src=x onerror="window.__ferryXss = 2">';
  const a = t.adminToken;
  await H.must(server, 201, 'POST', `${base()}/sandboxes`, { id: 'lab', type: 'development' }, a);
  await H.must(server, 201, 'POST', `${base()}/pipelines`, { name: 'lab', description: `Lab ${XSS}`, stages: [{ sandbox: 'lab' }] }, a);
  await H.must(server, 201, 'POST', `${H.sandboxPath(T, 'lab')}/freeze-windows`, {
    kind: 'once', start: '2030-01-01T00:00:00Z', end: '2030-01-02T00:00:00Z', reason: `Audit ${XSS}`,
  }, a);
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = H.watchForScripts(page);
  await H.signInAs(page, server, T, a, 'admin');
  await page.goto(`${server.baseURL}/t/${T}/s/lab/settings`);
  await expect(page.getByRole('table', { name: 'Freeze windows of lab' })).toContainText(`Audit ${XSS}`);
  await page.goto(`${server.baseURL}/t/${T}/pipelines`);
  await expect(page.getByRole('region', { name: 'Pipeline lab' })).toContainText(`Lab ${XSS}`);
  await H.checkA11y(page, 'pipelines');
  expect(await page.evaluate(() => window.__ferryXss)).toBeUndefined();
  expect(problems).toEqual([]);
  await context.close();
});
