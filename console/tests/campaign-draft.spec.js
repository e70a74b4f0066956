// A live campaign edited in the console gets a draft version: the inventory shows its icon,
// the campaign page shows the live and draft versions side by side with the diff, and
// activating the draft version replaces the live version.
const { test, expect } = require('@playwright/test');
const H = require('./harness');
const W = require('./campaign-fixtures');

let server;
let world;

test.beforeAll(async () => {
  server = await H.startFerryd();
  world = await W.makeWorld(server, { policy: false });
});

test.afterAll(async () => {
  if (server) await server.stop();
});

test('editing a live campaign creates its draft version; activating it replaces the live one', async ({ page }) => {
  const { tenant, tokens, segments } = world;
  const c = await H.makeCampaign(server, tenant, 'dev', tokens.ed, {
    name: 'Loyalty points reminder',
    type: 'action',
    audience: { segment: segments.dev.id },
    channels: ['email', 'sms'],
    content: {
      email: { subject: 'You have points to spend', body: '<p>Your points expire soon.</p>' },
      sms: { body: 'Your loyalty points expire soon.' },
    },
  });
  await W.act(server, tenant, 'dev', tokens.ed, c.id, 'activate');

  await H.signInAs(page, server, tenant, world.adminToken, 'ed');
  await page.goto(`${server.baseURL}/t/${tenant}/s/dev/campaigns/${c.id}`);
  await expect(page.locator('.v-page-header .badge').first()).toHaveText('Active');
  await expect(page.getByRole('region', { name: 'Draft version' })).toHaveCount(0);

  // Edit: the form says a draft version is made and the live one keeps running.
  await page.getByRole('link', { name: 'Edit campaign' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Edit campaign' })).toBeVisible();
  await expect(page.getByText('Saving creates a draft version; the live version keeps running')).toBeVisible();
  await page.getByRole('textbox', { name: 'Subject' }).fill('Your points expire on Friday');
  await page.getByRole('textbox', { name: 'SMS text' }).fill('Your loyalty points expire on Friday. Prêt ?');
  await page.getByRole('button', { name: 'Save draft version' }).click();

  // Back on the campaign page: still active on live version 1, with the draft version beside it.
  await expect(page.getByRole('heading', { level: 1, name: 'Loyalty points reminder' })).toBeVisible();
  await expect(page.locator('.v-page-header .badge').first()).toHaveText('Active');
  const draft = page.getByRole('region', { name: 'Draft version' });
  await expect(draft).toBeVisible();
  await expect(draft).toContainText('2 fields differ from the live version.');
  const subjectRow = draft.locator('tr[data-field="content.email.subject"]');
  await expect(subjectRow.locator('td').nth(0)).toHaveText('You have points to spend');
  await expect(subjectRow.locator('td').nth(1)).toHaveText('Your points expire on Friday');
  await expect(draft.locator('tr[data-field="content.sms.body"]')).toContainText('changed');
  // The live content is still the old one.
  await expect(page.getByRole('region', { name: 'Content · live version 1' })).toContainText('You have points to spend');
  // The SMS with a character outside GSM-7 (ê) counts in UCS-2.
  await expect(draft.getByTestId('sms-stats')).toContainText('UCS-2');
  await H.screenshot(page, 'campaign-draft-version');

  // The inventory shows the draft version's icon, which opens it.
  await page.goto(`${server.baseURL}/t/${tenant}/s/dev/campaigns`);
  const icon = page.getByRole('link', { name: 'Open draft version of Loyalty points reminder' });
  await expect(icon).toBeVisible();
  await icon.click();
  await expect(page).toHaveURL(/\?version=draft$/);
  await expect(page.getByRole('region', { name: 'Draft version' })).toBeVisible();

  // Activate it: it replaces the live version.
  await page.getByRole('button', { name: 'Activate draft version' }).click();
  const dialog = page.getByRole('dialog', { name: 'Activate the draft version?' });
  await expect(dialog).toContainText('replaces the live version');
  await dialog.getByRole('button', { name: 'Activate draft version' }).click();
  await expect(page.getByRole('region', { name: 'Draft version' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Content · live version 2' })).toContainText('Your points expire on Friday');
  const history = page.getByRole('region', { name: 'Live versions' });
  await expect(history.locator('.v-history-item')).toHaveCount(2);
  await expect(history.locator('.v-history-item').first()).toContainText('Version 2');
  await expect(history.locator('.v-history-item').first()).toContainText('2 changes from version 1');
  await expect(page.locator('.v-page-header .badge').first()).toHaveText('Active');

  const now = await W.getCampaign(server, tenant, 'dev', tokens.ed, c.id);
  expect(now.live_version).toBe(2);
  expect(now.draft_version).toBeNull();
  expect(now.content.email.subject).toBe('Your points expire on Friday');

  // The inventory no longer shows the icon.
  await page.goto(`${server.baseURL}/t/${tenant}/s/dev/campaigns`);
  await expect(page.getByRole('link', { name: 'Loyalty points reminder' }).first()).toBeVisible();
  await expect(page.getByRole('link', { name: 'Open draft version of Loyalty points reminder' })).toHaveCount(0);
});

test('a draft version can be discarded; the live version keeps running', async ({ page }) => {
  const { tenant, tokens, segments } = world;
  const c = await H.makeCampaign(server, tenant, 'dev', tokens.ed, {
    name: 'Weekly picks', type: 'action', audience: { segment: segments.dev.id },
  });
  await W.act(server, tenant, 'dev', tokens.ed, c.id, 'activate');
  const live = await W.getCampaign(server, tenant, 'dev', tokens.ed, c.id);
  await W.putDraft(server, tenant, 'dev', tokens.eve, c.id, { ...W.specOf(live), name: 'Weekly picks v2' });

  await H.signInAs(page, server, tenant, world.adminToken, 'ed');
  await page.goto(`${server.baseURL}/t/${tenant}/s/dev/campaigns/${c.id}`);
  await expect(page.getByText('A draft version of this campaign was saved by eve')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Draft version' }).locator('tr[data-field="name"]')).toContainText('Weekly picks v2');
  await page.getByRole('button', { name: 'Discard draft version' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Discard draft version' }).click();
  await expect(page.getByRole('region', { name: 'Draft version' })).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'Draft version discarded' })).toBeVisible();
  const now = await W.getCampaign(server, tenant, 'dev', tokens.ed, c.id);
  expect(now.draft_version).toBeNull();
  expect(now.name).toBe('Weekly picks');
  expect(now.status).toBe('active');
});
