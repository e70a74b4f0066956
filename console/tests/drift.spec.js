// Drift and sync subscriptions in the console (docs/sync.md), as people do it: the campaign
// "promo" imported into prod from v1 of package "promo"; prod's editor changes its email subject
// (to text that looks like a script). An importer of prod opens the Drift page, sees the field with
// what the import wrote and what prod holds now, plans the re-sync and applies it; after another
// edit, adopts it instead. A viewer of prod sees the drift without the buttons. On prod's settings
// page the importer subscribes prod to the package (manual), pauses, resumes and deletes it.
const { test, expect } = require('@playwright/test');
const H = require('./harness');

const T = 'drift';
const NAME = 'Promo <script>alert("name")</script>';
const SCRIPT_SUBJECT = '<script>alert("subject")</script> Bonjour';
let server;
let t;
let campaignId;

const base = () => `/v1/tenants/${T}`;

test.beforeAll(async () => {
  server = await H.startFerryd();
  t = await H.makeTenant(server, T, ['dev', 'prod']);
  const a = t.adminToken;
  await H.makeUser(server, T, a, 'imogen', ['dev:viewer', 'prod:importer'], { name: 'Imogen Importer' });
  await H.makeUser(server, T, a, 'vera', ['prod:viewer'], { name: 'Vera Viewer' });
  const c = await H.makeCampaign(server, T, 'dev', a, {
    key: 'promo', name: NAME, channels: ['email', 'sms'],
    content: { email: { subject: 'Hello', body: '<p>Hello</p>' }, sms: { body: 'A' } },
  });
  await H.must(server, 201, 'POST', `${base()}/packages`, { name: 'promo', source_sandbox: 'dev', objects: [{ kind: 'campaign', id: c.id }] }, a);
  await H.must(server, 201, 'POST', `${base()}/packages/promo/versions`, {}, a);
  const imported = await H.must(server, 201, 'POST', `${H.sandboxPath(T, 'prod')}/imports`, { package: 'promo', version: 1 }, a);
  campaignId = imported.items.find((i) => i.kind === 'campaign').target_id;
});

test.afterAll(async () => {
  if (server) await server.stop();
});

// Prod's editor changes the email subject of the imported campaign.
async function editSubject(subject) {
  const path = `${H.sandboxPath(T, 'prod')}/campaigns/${campaignId}`;
  const res = await H.apiCall(server, 'GET', path, null, t.adminToken);
  const content = { ...res.body.content, email: { ...res.body.content.email, subject } };
  await H.must(server, 200, 'PATCH', path, { content }, t.adminToken, { 'If-Match': res.headers.get('etag') });
}

const driftCard = (page) => page.getByRole('region', { name: `Campaign ${NAME}` });

test('an importer sees a prod edit field by field, re-syncs it from v1, then adopts the next one', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = H.watchForScripts(page);
  await H.signInAs(page, server, T, t.adminToken, 'imogen');
  await page.getByLabel('Sandbox').selectOption('prod');

  // Nothing edited yet.
  await H.navLink(page, 'Drift').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Drift' })).toBeVisible();
  await expect(page.getByText('No drift')).toBeVisible();

  await editSubject(SCRIPT_SUBJECT);
  await page.reload();
  const card = driftCard(page);
  await expect(card).toBeVisible();
  await expect(card).toContainText('imported from promo v1');
  const row = card.getByRole('row', { name: /\/spec\/content\/email\/subject/ });
  await expect(row.getByRole('cell').nth(0)).toHaveText('Hello');
  await expect(row.getByRole('cell').nth(1)).toHaveText(SCRIPT_SUBJECT);
  await expect(card.getByRole('button', { name: `Adopt the edits of ${NAME}` })).toBeVisible();
  await H.screenshot(page, 'drift-list');
  await H.checkA11y(page, 'drift page');

  // The re-sync plan: the campaign updated from v1; applied, the drift is gone.
  await card.getByRole('button', { name: `Re-sync plan for ${NAME}` }).click();
  const plan = page.getByRole('region', { name: `Re-sync plan for ${NAME}` });
  await expect(plan).toContainText('promo v1');
  await expect(plan.getByRole('listitem').filter({ hasText: 'Update' })).toContainText('Campaign promo');
  await H.screenshot(page, 'drift-resync-plan');
  await H.checkA11y(page, 'drift re-sync plan');
  await plan.getByRole('button', { name: 'Apply re-sync' }).click();
  await expect(page.getByText('No drift')).toBeVisible();
  const after = await H.must(server, 200, 'GET', `${H.sandboxPath(T, 'prod')}/campaigns/${campaignId}`, null, t.adminToken);
  expect(after.content.email.subject).toBe('Hello');

  // Edited again; this time the edit is kept: adopted.
  await editSubject('Bonjour');
  await page.reload();
  await expect(driftCard(page).getByRole('row', { name: /\/spec\/content\/email\/subject/ })).toContainText('Bonjour');
  await driftCard(page).getByRole('button', { name: `Adopt the edits of ${NAME}` }).click();
  const dialog = page.getByRole('dialog', { name: 'Adopt these edits?' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Adopt' }).click();
  await expect(page.getByText('No drift')).toBeVisible();
  const still = await H.must(server, 200, 'GET', `${H.sandboxPath(T, 'prod')}/campaigns/${campaignId}`, null, t.adminToken);
  expect(still.content.email.subject).toBe('Bonjour');
  expect(problems).toEqual([]);
  await context.close();
});

test('a viewer of prod sees the drift without the buttons', async ({ browser }) => {
  await editSubject('Salut');
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = H.watchForScripts(page);
  await H.signInAs(page, server, T, t.adminToken, 'vera');
  await page.goto(`${server.baseURL}/t/${T}/s/prod/drift`);
  const card = driftCard(page);
  await expect(card.getByRole('row', { name: /\/spec\/content\/email\/subject/ })).toContainText('Salut');
  await expect(page.getByRole('button', { name: /Adopt/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /Re-sync/ })).toHaveCount(0);
  await expect(page.getByText('Importers of this sandbox adopt edits')).toBeVisible();
  await H.checkA11y(page, 'drift page for a viewer');

  // Subscriptions on the settings page: listed, not changeable.
  await H.navLink(page, 'Settings').click();
  const subs = page.getByRole('region', { name: 'Sync subscriptions' });
  await expect(subs).toContainText('prod follows no package.');
  await expect(subs.getByRole('button', { name: 'Subscribe' })).toHaveCount(0);
  expect(problems).toEqual([]);
  await context.close();
});

test('an importer subscribes prod to the package, pauses, resumes and deletes the subscription', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = H.watchForScripts(page);
  await H.signInAs(page, server, T, t.adminToken, 'imogen');
  await page.goto(`${server.baseURL}/t/${T}/s/prod/settings`);
  const subs = page.getByRole('region', { name: 'Sync subscriptions' });
  await expect(subs).toContainText('prod follows no package.');

  await subs.getByRole('button', { name: 'Subscribe' }).click();
  await expect(subs.getByText('Choose a package.')).toBeVisible();
  await subs.getByLabel('Package', { exact: true }).selectOption('promo');
  await subs.getByLabel('Mode', { exact: true }).selectOption('manual');
  await subs.getByRole('button', { name: 'Subscribe' }).click();
  const row = subs.getByRole('row', { name: /promo/ });
  await expect(row).toContainText('Manual');
  await expect(row).toContainText('Following');
  await H.screenshot(page, 'sync-subscriptions');
  await H.checkA11y(page, 'sandbox settings with a subscription');
  const listed = await H.must(server, 200, 'GET', `${base()}/subscriptions?sandbox=prod`, null, t.adminToken);
  expect(listed.items.map((s) => [s.package, s.mode, s.paused])).toEqual([['promo', 'manual', false]]);

  await row.getByRole('button', { name: 'Pause following promo' }).click();
  await expect(subs.getByRole('row', { name: /promo/ })).toContainText('Paused');
  await subs.getByRole('button', { name: 'Resume following promo' }).click();
  await expect(subs.getByRole('row', { name: /promo/ })).toContainText('Following');

  await subs.getByRole('button', { name: 'Delete the subscription to promo' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete this subscription?' });
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(subs).toContainText('prod follows no package.');
  const none = await H.must(server, 200, 'GET', `${base()}/subscriptions?sandbox=prod`, null, t.adminToken);
  expect(none.items).toEqual([]);
  expect(problems).toEqual([]);
  await context.close();
});
