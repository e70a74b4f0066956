// Issue 22's merge, in the import plan view (docs/sync.md "Merging in an import plan"): a campaign
// imported into prod from v1 and live there; a prod editor changes its email subject; dev changes
// its SMS text and publishes v2. The plan for prod shows `merge` in three columns (base, source,
// target) and the merged value: the new SMS text is taken, the prod subject kept. After apply
// both are in the draft version behind prod's gate. Then both sides change the subject
// differently: the plan shows a conflict with the three values, resolved in the browser with
// "Keep target", and applied. The data is set up through the API; the plan view is the point.
const { test, expect } = require('@playwright/test');
const H = require('./harness');

const T = 'merge';
let server;
let t;

test.beforeAll(async () => {
  server = await H.startFerryd();
  t = await H.makeTenant(server, T, ['dev', 'prod'], { requireApproval: { prod: 'always' } });
});

test.afterAll(async () => {
  if (server) await server.stop();
});

test('a merge keeps prod’s edit and takes dev’s; a conflict is resolved with "Keep target"', async ({ browser }) => {
  test.setTimeout(120_000);
  const a = t.adminToken;
  const dev = H.sandboxPath(T, 'dev');
  const prod = H.sandboxPath(T, 'prod');
  const reviewer = await H.makeUser(server, T, a, 'rita', ['prod:reviewer']);
  const editor = await H.makeUser(server, T, a, 'pam', ['prod:editor']);
  const spec = (c, content) => ({
    name: c.name, description: c.description, channels: c.channels, schedule: c.schedule, audience: c.audience, content,
  });

  // v1: email "Bonjour", SMS "A"; imported into prod and live there.
  const src = await H.makeCampaign(server, T, 'dev', a, {
    key: 'promo', name: 'Promo', type: 'api_triggered', channels: ['email', 'sms'],
    content: { email: { subject: 'Bonjour', body: '<p>Promo</p>' }, sms: { body: 'A' } },
  });
  await H.must(server, 201, 'POST', `/v1/tenants/${T}/packages`, { name: 'promo', source_sandbox: 'dev', objects: [{ kind: 'campaign', id: src.id }] }, a);
  await H.must(server, 201, 'POST', `/v1/tenants/${T}/packages/promo/versions`, {}, a);
  const imp1 = await H.must(server, 201, 'POST', `${prod}/imports`, { package: 'promo', version: 1 }, a);
  const target = imp1.items.find((i) => i.kind === 'campaign').target_id;
  await H.must(server, 200, 'POST', `${prod}/campaigns/${target}/actions/submit`, {}, a);
  const reviewOf = async () => (await H.must(server, 200, 'GET', `/v1/tenants/${T}/reviews`, null, reviewer)).items.find((r) => r.subject && r.subject.campaign === target);
  await H.must(server, 200, 'POST', `/v1/tenants/${T}/reviews/${(await reviewOf()).id}/approve`, {}, reviewer);
  let live = await H.must(server, 200, 'GET', `${prod}/campaigns/${target}`, null, a);
  expect(live.status).toBe('active');

  // prod's editor: subject "Salut" (a draft version); dev: SMS "B", v2.
  await H.must(server, 200, 'PUT', `${prod}/campaigns/${target}/draft`, spec(live, { email: { subject: 'Salut', body: '<p>Promo</p>' }, sms: { body: 'A' } }), editor);
  let cur = await H.apiCall(server, 'GET', `${dev}/campaigns/${src.id}`, null, a);
  await H.must(server, 200, 'PATCH', `${dev}/campaigns/${src.id}`, { content: { email: { subject: 'Bonjour', body: '<p>Promo</p>' }, sms: { body: 'B' } } }, a, { 'If-Match': cur.headers.get('etag') });
  await H.must(server, 201, 'POST', `/v1/tenants/${T}/packages/promo/versions`, {}, a);

  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = H.watchForScripts(page);
  await H.signInAs(page, server, T, a, 'admin');
  await page.goto(`${server.baseURL}/t/${T}/s/prod/imports/new?package=promo&version=2`);
  const item = page.getByRole('region', { name: 'campaign promo' });
  await expect(item.locator('.v-import-action')).toHaveText('Merge');
  await expect(item).toContainText('as draft version');
  const merge = item.getByRole('table', { name: 'Merge of campaign promo' });
  await expect(merge.getByRole('columnheader')).toHaveText(['Field', 'Base (v1)', 'Source (v2)', 'Target (prod now)', 'Merged']);
  const sms = merge.locator('tr[data-path="/spec/content/sms/body"]');
  await expect(sms.getByRole('cell')).toHaveText(['A', 'B', 'A', 'B']);
  const kept = item.getByRole('table', { name: 'Kept from prod: campaign promo' });
  await expect(kept.locator('tr[data-path="/spec/content/email/subject"]')).toContainText('Salut');
  await expect(page.getByRole('region', { name: 'Plan', exact: true })).toContainText('Ready to apply');
  await item.scrollIntoViewIfNeeded();
  await H.screenshot(page, 'import-plan-merge');
  await H.checkA11y(page, 'import plan with a merge');
  await page.getByRole('button', { name: 'Apply import' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Import of promo v2 into prod' })).toBeVisible();
  let draft = await H.must(server, 200, 'GET', `${prod}/campaigns/${target}/draft`, null, a);
  expect(draft.content.email.subject).toBe('Salut');
  expect(draft.content.sms.body).toBe('B');
  live = await H.must(server, 200, 'GET', `${prod}/campaigns/${target}`, null, a);
  expect(live.status).toBe('active');
  expect(live.content.sms.body).toBe('A');

  // Both sides change the subject: prod "Salut !", dev "Hi there" (v3). A conflict.
  await H.must(server, 200, 'PUT', `${prod}/campaigns/${target}/draft`, spec(live, { email: { subject: 'Salut !', body: '<p>Promo</p>' }, sms: { body: 'B' } }), editor);
  cur = await H.apiCall(server, 'GET', `${dev}/campaigns/${src.id}`, null, a);
  await H.must(server, 200, 'PATCH', `${dev}/campaigns/${src.id}`, { content: { email: { subject: 'Hi there', body: '<p>Promo</p>' }, sms: { body: 'B' } } }, a, { 'If-Match': cur.headers.get('etag') });
  await H.must(server, 201, 'POST', `/v1/tenants/${T}/packages/promo/versions`, {}, a);
  await page.goto(`${server.baseURL}/t/${T}/s/prod/imports/new?package=promo&version=3`);
  await expect(item.locator('.v-import-action')).toHaveText('Conflict');
  await expect(page.getByRole('button', { name: 'Apply import' })).toBeDisabled();
  const subject = merge.locator('tr[data-path="/spec/content/email/subject"]');
  await expect(subject).toContainText('conflict');
  await expect(subject.getByRole('cell').nth(0)).toHaveText('Bonjour');
  await expect(subject.getByRole('cell').nth(1)).toHaveText('Hi there');
  await expect(subject.getByRole('cell').nth(2)).toHaveText('Salut !');
  await item.scrollIntoViewIfNeeded();
  await H.screenshot(page, 'import-plan-merge-conflict');
  await H.checkA11y(page, 'import plan with a merge conflict');
  await subject.getByRole('group', { name: 'Resolve /spec/content/email/subject' }).getByRole('radio', { name: 'Keep target' }).check();
  await page.getByRole('button', { name: 'Recompute plan' }).click();
  await expect(item.locator('.v-import-action')).toHaveText('Merge');
  await expect(subject.getByRole('cell').nth(3)).toContainText('Salut !');
  await expect(subject.getByRole('radio', { name: 'Keep target' })).toBeChecked();
  await page.getByRole('button', { name: 'Apply import' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Import of promo v3 into prod' })).toBeVisible();
  draft = await H.must(server, 200, 'GET', `${prod}/campaigns/${target}/draft`, null, a);
  expect(draft.content.email.subject).toBe('Salut !');
  expect(draft.content.sms.body).toBe('B');
  expect(problems).toEqual([]);
  await context.close();
});
