// Segments and templates made in the console and used by a campaign made in the console: the
// campaign page resolves the template and names the segment; archiving the segment archives the
// campaign with it; the submitter withdraws a review from the campaign page.
const { test, expect } = require('@playwright/test');
const H = require('./harness');
const W = require('./campaign-fixtures');

let server;
let world;

test.beforeAll(async () => {
  server = await H.startFerryd();
  world = await W.makeWorld(server);
});

test.afterAll(async () => {
  if (server) await server.stop();
});

test('a segment and templates made in the console, used by a campaign', async ({ page }) => {
  const { tenant } = world;
  await H.signInAs(page, server, tenant, world.adminToken, 'ed');

  await page.goto(`${server.baseURL}/t/${tenant}/s/dev/segments`);
  await page.getByRole('link', { name: 'New segment' }).click();
  await page.getByRole('textbox', { name: 'Name' }).fill('Lapsed buyers');
  await page.getByRole('textbox', { name: 'Description' }).fill('No order for 6 months');
  await page.getByRole('textbox', { name: 'Rule (JSON)' }).fill('{"last_order_days": {"gt": 180}}');
  await page.getByRole('button', { name: 'Create segment' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Lapsed buyers' })).toBeVisible();

  await page.goto(`${server.baseURL}/t/${tenant}/s/dev/templates/new`);
  await page.getByRole('textbox', { name: 'Name' }).fill('Win-back mail');
  await page.getByRole('textbox', { name: 'Subject' }).fill('We miss you, {{first_name}}');
  await page.getByRole('textbox', { name: 'Body' }).fill('<h1>Come back</h1><p>Here is 15% off.</p>');
  await expect(page.frameLocator('iframe.v-email-frame').locator('h1')).toHaveText('Come back');
  await page.getByRole('button', { name: 'Create template' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Win-back mail' })).toBeVisible();

  await page.goto(`${server.baseURL}/t/${tenant}/s/dev/templates/new`);
  await page.getByRole('textbox', { name: 'Name' }).fill('Win-back SMS');
  await page.getByRole('combobox', { name: 'Channel' }).selectOption({ label: 'SMS' });
  await page.getByRole('textbox', { name: 'Body' }).fill('We miss you! 15% off this week: shop.example.com');
  await expect(page.getByTestId('sms-stats')).toHaveText('48 characters · GSM-7 · 1 segment');
  await page.getByRole('button', { name: 'Create template' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Win-back SMS' })).toBeVisible();

  // Editing a template: the change is saved with If-Match.
  await page.getByRole('textbox', { name: 'Body' }).fill('We miss you! 15% off this week only: shop.example.com');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Template saved' })).toBeVisible();

  // A campaign using both templates and the segment.
  await page.goto(`${server.baseURL}/t/${tenant}/s/dev/campaigns/new`);
  await page.getByRole('textbox', { name: 'Name' }).fill('Win-back');
  await page.getByRole('checkbox', { name: 'SMS' }).check();
  await page.getByRole('combobox', { name: 'Segment' }).selectOption({ label: 'Lapsed buyers' });
  const email = page.getByRole('group', { name: 'Email content' });
  await email.getByRole('radio', { name: 'Use a template' }).check();
  await email.getByRole('combobox', { name: 'Template' }).selectOption({ label: 'Win-back mail' });
  const sms = page.getByRole('group', { name: 'SMS content' });
  await sms.getByRole('radio', { name: 'Use a template' }).check();
  await sms.getByRole('combobox', { name: 'Template' }).selectOption({ label: 'Win-back SMS' });
  await expect(page.getByRole('complementary', { name: 'Preview' }).getByRole('region', { name: 'SMS content' })).toContainText('15% off this week only');
  await page.getByRole('button', { name: 'Create campaign' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Win-back' })).toBeVisible();
  const content = page.getByRole('region', { name: 'Content', exact: true });
  await expect(content.getByRole('region', { name: 'Email content' })).toContainText('From template Win-back mail');
  await expect(content.getByRole('region', { name: 'Email content' })).toContainText('We miss you, {{first_name}}');
  await expect(content.frameLocator('iframe.v-email-frame').locator('h1')).toHaveText('Come back');
  await expect(content.getByRole('region', { name: 'SMS content' })).toContainText('15% off this week only');
  await expect(page.getByRole('region', { name: 'Audience' })).toContainText('Lapsed buyers');
  const campaignUrl = page.url();

  // Archiving the segment archives the campaign with it.
  await page.getByRole('region', { name: 'Audience' }).getByRole('link', { name: 'Lapsed buyers' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Lapsed buyers' })).toBeVisible();
  await page.getByRole('button', { name: 'Archive' }).click();
  const dialog = page.getByRole('dialog', { name: 'Archive this segment?' });
  await expect(dialog).toContainText('Every campaign that uses this segment is archived with it');
  await dialog.getByRole('button', { name: 'Archive' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Segment archived, with 1 campaign' })).toBeVisible();
  await expect(page.locator('.v-page-header .badge')).toHaveText('Archived');
  await expect(page.getByRole('button', { name: 'Unarchive' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Name' })).toBeDisabled();
  await page.goto(campaignUrl);
  await expect(page.locator('.v-page-header .badge').first()).toHaveText('Archived');
  await expect(page.getByRole('region', { name: 'Audience' })).toContainText('archived');
});

test('the submitter withdraws a review from the campaign page', async ({ page }) => {
  const { tenant, tokens, segments } = world;
  const c = await H.makeCampaign(server, tenant, 'prod', tokens.ed, {
    name: 'Withdrawn one', type: 'action', audience: { segment: segments.prod.id },
  });
  await W.act(server, tenant, 'prod', tokens.ed, c.id, 'submit');
  await H.signInAs(page, server, tenant, world.adminToken, 'ed');
  await page.goto(`${server.baseURL}/t/${tenant}/s/prod/campaigns/${c.id}`);
  await expect(page.locator('.v-page-header .badge').first()).toHaveText('In review');
  await expect(page.getByRole('link', { name: 'Edit campaign' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Withdraw' }).click();
  await expect(page.locator('.v-page-header .badge').first()).toHaveText('Draft');
  await expect(page.getByRole('link', { name: 'Edit campaign' })).toBeVisible();

  // Another editor does not get the Withdraw button (only the submitter or a tenant admin may).
  await W.act(server, tenant, 'prod', tokens.ed, c.id, 'submit');
  const eve = await H.signInAs(await page.context().browser().newContext(), server, tenant, world.adminToken, 'eve');
  await eve.goto(`${server.baseURL}/t/${tenant}/s/prod/campaigns/${c.id}`);
  await expect(eve.locator('.v-page-header .badge').first()).toHaveText('In review');
  await expect(eve.getByRole('button', { name: 'Duplicate' })).toBeVisible();
  await expect(eve.getByRole('button', { name: 'Withdraw' })).toHaveCount(0);
  await eve.context().close();
});
