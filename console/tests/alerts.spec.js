// Alerts ferry raises itself (a template archived under a live campaign) appear in the inventory
// and on the campaign page, named as such, and disappear once the cause is fixed.
const { test, expect } = require('@playwright/test');
const H = require('./harness');

const T = 'alerts';
let server;
let admin;
let templateId;
let campaignId;

test.beforeAll(async () => {
  server = await H.startFerryd();
  ({ adminToken: admin } = await H.makeTenant(server, T, ['dev']));
  await H.makeUser(server, T, admin, 'ed', ['dev:editor'], { name: 'Edith Editor' });
  const base = H.sandboxPath(T, 'dev');
  const tpl = await H.must(server, 201, 'POST', `${base}/templates`, {
    name: 'Spring email', channel: 'email', subject: 'Spring', body: '<p>Spring is here</p>',
  }, admin);
  templateId = tpl.id;
  const c = await H.campaignIn(server, T, 'dev', admin, 'active', {
    name: 'Spring newsletter', content: { email: { template: tpl.id } },
  });
  campaignId = c.id;
  await H.must(server, 200, 'POST', `${base}/templates/${tpl.id}/actions/archive`, {}, admin);
});

test.afterAll(async () => {
  if (server) await server.stop();
});

test('a template archived under a live campaign raises an alert, which clears once it is back', async ({ page }) => {
  await H.signInAs(page, server, T, admin, 'ed');
  await page.goto(`${server.baseURL}/t/${T}/s/dev/campaigns`);
  const row = page.getByRole('row', { name: /Spring newsletter/ });
  await row.getByRole('button', { name: '1 alert: show' }).click();
  const dialog = page.getByRole('dialog', { name: 'Alerts: Spring newsletter' });
  await expect(dialog).toContainText('Configuration incorrect');
  await expect(dialog).toContainText(`email content: template spring-email (${templateId}) is archived`);
  await H.screenshot(page, 'alerts-configuration-dialog');
  await dialog.getByRole('button', { name: 'Close' }).click();

  await page.goto(`${server.baseURL}/t/${T}/s/dev/campaigns/${campaignId}`);
  const alerts = page.getByRole('region', { name: 'Alerts and execution events' });
  await expect(alerts).toContainText('Configuration incorrect');
  await expect(alerts).toContainText('is archived');
  await H.screenshot(page, 'alerts-configuration-campaign');

  await H.must(server, 200, 'POST', `${H.sandboxPath(T, 'dev')}/templates/${templateId}/actions/unarchive`, {}, admin);
  await page.reload();
  await expect(alerts).toContainText('No alert');
  await page.goto(`${server.baseURL}/t/${T}/s/dev/campaigns`);
  await expect(page.getByRole('row', { name: /Spring newsletter/ })).toBeVisible();
  await expect(page.getByRole('button', { name: /alert: show/ })).toHaveCount(0);
});
