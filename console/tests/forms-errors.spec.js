// Forms: the API's 422 field errors appear next to their fields; an edit that lost a race
// (412, someone changed the object between opening the form and saving) says so and shows
// what changed.
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

// The error message shown inside the field wrapper of the named control.
function errorOf(page, name) {
  return page.locator(`.field:has([name="${name}"]) .field-error`);
}

test('422 field errors appear next to their fields', async ({ page }) => {
  const { tenant } = world;
  await H.signInAs(page, server, tenant, world.adminToken, 'ed');
  await page.goto(`${server.baseURL}/t/${tenant}/s/dev/campaigns/new`);
  await page.getByRole('textbox', { name: 'Name' }).fill('Flash sale');
  await page.getByRole('textbox', { name: 'Key' }).fill('Not A Key!');
  await page.getByRole('textbox', { name: 'Subject' }).fill('Flash sale today');
  await page.getByRole('textbox', { name: 'Body (HTML or text)' }).fill('<p>Today only.</p>');
  await page.getByRole('button', { name: 'Create campaign' }).click();
  await expect(errorOf(page, 'key')).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Key' })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('textbox', { name: 'Key' })).toBeFocused();
  await expect(page.getByRole('alert')).toContainText('Please correct the highlighted field (key)');
  await H.screenshot(page, 'campaign-form-422');

  // Fix it; now the empty subject is refused, next to the subject.
  await page.getByRole('textbox', { name: 'Key' }).fill('flash-sale');
  await page.getByRole('textbox', { name: 'Subject' }).fill('');
  await page.getByRole('button', { name: 'Create campaign' }).click();
  await expect(errorOf(page, 'content.email.subject')).toBeVisible();
  await expect(errorOf(page, 'key')).toHaveCount(0);
  await expect(page.getByRole('textbox', { name: 'Subject' })).toHaveAttribute('aria-invalid', 'true');

  // An end before the start.
  await page.getByRole('textbox', { name: 'Subject' }).fill('Flash sale today');
  await page.getByLabel('Start (UTC)').fill('2030-05-02T10:00');
  await page.getByLabel('End (UTC)').fill('2030-05-01T10:00');
  await page.getByRole('button', { name: 'Create campaign' }).click();
  await expect(errorOf(page, 'schedule.end')).toBeVisible();

  await page.getByLabel('End (UTC)').fill('2030-05-03T10:00');
  await page.getByRole('button', { name: 'Create campaign' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Flash sale' })).toBeVisible();

  // Segment: invalid JSON is caught before sending; a too long name comes back as a 422.
  await page.goto(`${server.baseURL}/t/${tenant}/s/dev/segments/new`);
  await page.getByRole('textbox', { name: 'Name' }).fill('x'.repeat(201));
  await page.getByRole('textbox', { name: 'Rule (JSON)' }).fill('{"country": ');
  await page.getByRole('button', { name: 'Create segment' }).click();
  await expect(errorOf(page, 'rule')).toContainText('not valid JSON');
  await page.getByRole('textbox', { name: 'Rule (JSON)' }).fill('{"country": "FR"}');
  await page.getByRole('button', { name: 'Create segment' }).click();
  await expect(errorOf(page, 'name')).toBeVisible();
  await expect(errorOf(page, 'rule')).toHaveCount(0);
  await page.getByRole('textbox', { name: 'Name' }).fill('French customers');
  await page.getByRole('button', { name: 'Create segment' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'French customers' })).toBeVisible();

  // Template: a key already taken is refused next to the key.
  await page.goto(`${server.baseURL}/t/${tenant}/s/dev/templates/new`);
  await page.getByRole('textbox', { name: 'Name' }).fill('Receipt');
  await page.getByRole('textbox', { name: 'Key' }).fill('receipt');
  await page.getByRole('textbox', { name: 'Subject' }).fill('Your receipt');
  await page.getByRole('textbox', { name: 'Body' }).fill('<p>Thanks for your order.</p>');
  await page.getByRole('button', { name: 'Create template' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Receipt' })).toBeVisible();
  await page.goto(`${server.baseURL}/t/${tenant}/s/dev/templates/new`);
  await page.getByRole('textbox', { name: 'Name' }).fill('Receipt again');
  await page.getByRole('textbox', { name: 'Key' }).fill('receipt');
  await page.getByRole('textbox', { name: 'Subject' }).fill('Your receipt');
  await page.getByRole('textbox', { name: 'Body' }).fill('<p>Thanks.</p>');
  await page.getByRole('button', { name: 'Create template' }).click();
  await expect(page.getByRole('alert')).toContainText('already');
  await page.getByRole('combobox', { name: 'Channel' }).selectOption({ label: 'SMS' });
  await expect(page.getByRole('textbox', { name: 'Subject' })).toHaveCount(0);
  await page.getByRole('textbox', { name: 'Key' }).fill('receipt-sms');
  await page.getByRole('textbox', { name: 'Body' }).fill('x'.repeat(300000));
  await page.getByRole('button', { name: 'Create template' }).click();
  await expect(errorOf(page, 'body')).toBeVisible();
});

test('412 on a campaign: the conflict and what changed; saving anyway or reloading', async ({ page }) => {
  const { tenant, tokens } = world;
  const c = await H.makeCampaign(server, tenant, 'dev', tokens.ed, {
    name: 'Back to school', type: 'api_triggered', tags: ['school'],
    content: { email: { subject: 'Ready for school?', body: '<p>Bags, pens and more.</p>' } },
  });
  await H.signInAs(page, server, tenant, world.adminToken, 'ed');
  await page.goto(`${server.baseURL}/t/${tenant}/s/dev/campaigns/${c.id}/edit`);
  await expect(page.getByRole('textbox', { name: 'Name' })).toHaveValue('Back to school');

  // Meanwhile Eve renames it and changes its tags through the API.
  const before = await W.getCampaign(server, tenant, 'dev', tokens.eve, c.id);
  await H.must(server, 200, 'PATCH', `${W.campaignsPath(tenant, 'dev')}/${c.id}`, { name: 'Back to school 2026', tags: ['school', 'autumn'] }, tokens.eve, { 'If-Match': before.etag });

  await page.getByRole('textbox', { name: 'Subject' }).fill('Ready for the new school year?');
  await page.getByRole('button', { name: 'Save changes' }).click();
  const conflict = page.getByRole('alert').filter({ hasText: 'Someone else changed this campaign' });
  await expect(conflict).toBeVisible();
  await expect(conflict).toContainText('by eve');
  const nameRow = conflict.locator('tr[data-field="name"]');
  await expect(nameRow.locator('td').nth(0)).toHaveText('Back to school');
  await expect(nameRow.locator('td').nth(1)).toHaveText('Back to school 2026');
  await expect(conflict.locator('tr[data-field="tags"]')).toContainText('school, autumn');
  // Beside them, what this form would have saved.
  await expect(nameRow.locator('td').nth(2)).toHaveText('Back to school');
  // Only what changed is listed: the subject (changed by me, not by Eve) is not.
  await expect(conflict.locator('tr[data-field="content.email.subject"]')).toHaveCount(0);
  await H.screenshot(page, 'campaign-form-412');
  // Nothing was saved.
  let now = await W.getCampaign(server, tenant, 'dev', tokens.ed, c.id);
  expect(now.content.email.subject).toBe('Ready for school?');

  // Save my version anyway: it goes through with the new ETag.
  await conflict.getByRole('button', { name: 'Save my version anyway' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Back to school' })).toBeVisible();
  now = await W.getCampaign(server, tenant, 'dev', tokens.ed, c.id);
  expect(now.content.email.subject).toBe('Ready for the new school year?');
  expect(now.name).toBe('Back to school');

  // Again, and this time reload: the form shows the other person's version.
  await page.goto(`${server.baseURL}/t/${tenant}/s/dev/campaigns/${c.id}/edit`);
  await expect(page.getByRole('textbox', { name: 'Name' })).toHaveValue('Back to school');
  await H.must(server, 200, 'PATCH', `${W.campaignsPath(tenant, 'dev')}/${c.id}`, { description: 'Edited by Eve' }, tokens.eve, { 'If-Match': now.etag });
  await page.getByRole('textbox', { name: 'Name' }).fill('Mine');
  await page.getByRole('button', { name: 'Save changes' }).click();
  const again = page.getByRole('alert').filter({ hasText: 'Someone else changed this campaign' });
  await expect(again.locator('tr[data-field="description"]')).toContainText('Edited by Eve');
  await again.getByRole('button', { name: 'Discard my changes and reload' }).click();
  await expect(page.getByRole('textbox', { name: 'Description' })).toHaveValue('Edited by Eve');
  await expect(page.getByRole('textbox', { name: 'Name' })).toHaveValue('Back to school');
});

test('412 on a live campaign\'s draft version and on a segment', async ({ page }) => {
  const { tenant, tokens, segments } = world;
  const c = await H.makeCampaign(server, tenant, 'dev', tokens.ed, {
    name: 'Live one', type: 'action', audience: { segment: segments.dev.id },
  });
  await W.act(server, tenant, 'dev', tokens.ed, c.id, 'activate');
  await H.signInAs(page, server, tenant, world.adminToken, 'ed');
  await page.goto(`${server.baseURL}/t/${tenant}/s/dev/campaigns/${c.id}/edit`);
  await expect(page.getByRole('heading', { level: 1, name: 'Edit campaign' })).toBeVisible();
  // Eve makes the draft version first.
  const live = await W.getCampaign(server, tenant, 'dev', tokens.eve, c.id);
  await W.putDraft(server, tenant, 'dev', tokens.eve, c.id, { ...W.specOf(live), name: 'Live one, by Eve' });
  await page.getByRole('textbox', { name: 'Subject' }).fill('Mine');
  await page.getByRole('button', { name: 'Save draft version' }).click();
  const conflict = page.getByRole('alert').filter({ hasText: 'Someone else changed this campaign' });
  await expect(conflict.locator('tr[data-field="name"]')).toContainText('Live one, by Eve');

  // A segment.
  const seg = segments.dev;
  await page.goto(`${server.baseURL}/t/${tenant}/s/dev/segments/${seg.id}`);
  await expect(page.getByRole('textbox', { name: 'Name' })).toHaveValue(seg.name);
  const res = await H.apiCall(server, 'GET', `${H.sandboxPath(tenant, 'dev')}/segments/${seg.id}`, undefined, tokens.eve);
  await H.must(server, 200, 'PATCH', `${H.sandboxPath(tenant, 'dev')}/segments/${seg.id}`, { rule: { all: true, country: 'FR' } }, tokens.eve, { 'If-Match': res.headers.get('etag') });
  await page.getByRole('textbox', { name: 'Description' }).fill('Everyone who asked for the newsletter');
  await page.getByRole('button', { name: 'Save changes' }).click();
  const segConflict = page.getByRole('alert').filter({ hasText: 'Someone else changed this segment' });
  await expect(segConflict.locator('tr[data-field="rule"]')).toContainText('"country":"FR"');
  await segConflict.getByRole('button', { name: 'Discard my changes and reload' }).click();
  await expect(page.getByRole('textbox', { name: 'Rule (JSON)' })).toHaveValue(/"country": "FR"/);
});
