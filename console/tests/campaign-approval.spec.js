// The approval gate in the console: in prod, under an active 2-approval policy, an editor
// creates a campaign with the form and submits it; the editor cannot approve; two reviewers
// approve in their own browsers and the campaign goes active. A request for changes sends it
// back to draft with the comment visible. A viewer sees no action button.
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

const statusBadge = (page) => page.locator('.v-page-header .badge').first();

async function createInConsole(page, name) {
  await page.goto(`${server.baseURL}/t/${world.tenant}/s/prod/campaigns/new`);
  await expect(page.getByRole('heading', { level: 1, name: 'New campaign' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Name' }).fill(name);
  await page.getByRole('combobox', { name: 'Type' }).selectOption({ label: 'Action' });
  await page.getByRole('textbox', { name: 'Tags' }).fill('spring, launch');
  await page.getByRole('combobox', { name: 'Segment' }).selectOption({ label: 'Newsletter subscribers' });
  await page.getByRole('textbox', { name: 'Subject' }).fill('Spring is here, {{first_name}}');
  await page.getByRole('textbox', { name: 'Body (HTML or text)' }).fill('<h1>Spring collection</h1><p>New colours, new shapes.</p>');
  await page.getByRole('button', { name: 'Create campaign' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(statusBadge(page)).toHaveText('Draft');
  return page.url().split('/').pop();
}

async function openReviewFromQueue(page, name) {
  await page.goto(`${server.baseURL}/t/${world.tenant}/reviews`);
  await page.getByRole('link', { name }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: `Review: ${name}` })).toBeVisible();
}

test('two reviewers approve what an editor submitted; the editor cannot approve', async ({ browser }) => {
  const edContext = await browser.newContext();
  const ed = await H.signInAs(edContext, server, world.tenant, world.adminToken, 'ed');
  const id = await createInConsole(ed, 'Spring launch');

  // Without approvals a prod campaign cannot be activated: the page offers Submit for review.
  await expect(ed.getByRole('button', { name: 'Activate', exact: true })).toHaveCount(0);
  await ed.getByRole('button', { name: 'Submit for review' }).click();
  await expect(statusBadge(ed)).toHaveText('In review');
  await expect(ed.getByText('This campaign is in review: 0 of 2 approvals')).toBeVisible();
  await expect(ed.getByRole('heading', { level: 1, name: 'Spring launch' })).toBeFocused();
  await ed.getByRole('link', { name: 'Open the review' }).click();
  await expect(ed.getByRole('heading', { level: 1, name: 'Review: Spring launch' })).toBeVisible();
  await expect(ed.getByText('You submitted this review: the submitter cannot approve it')).toBeVisible();
  await expect(ed.getByRole('button', { name: 'Approve' })).toHaveCount(0);
  await expect(ed.getByRole('button', { name: 'Request changes' })).toHaveCount(0);
  await expect(ed.getByRole('button', { name: 'Withdraw review' })).toBeVisible();
  await expect(ed.getByRole('region', { name: 'Cannot approve' })).toContainText('ed — submitted it and last edited the content');

  // Two reviewers, each in a browser context of their own.
  const ritaContext = await browser.newContext();
  const rita = await H.signInAs(ritaContext, server, world.tenant, world.adminToken, 'rita');
  await openReviewFromQueue(rita, 'Spring launch');
  await expect(rita.getByRole('region', { name: 'Email content' }).locator('iframe[sandbox=""]')).toHaveCount(1);
  await rita.getByRole('textbox', { name: 'Comment' }).fill('Looks good to me.');
  await rita.getByRole('button', { name: 'Approve' }).click();
  await expect(rita.getByRole('region', { name: 'Requirements' })).toContainText('1 of 2');
  await expect(rita.getByText('You have approved this review already')).toBeVisible();
  await expect(rita.getByRole('button', { name: 'Approve' })).toHaveCount(0);

  const remyContext = await browser.newContext();
  const remy = await H.signInAs(remyContext, server, world.tenant, world.adminToken, 'remy');
  await openReviewFromQueue(remy, 'Spring launch');
  await remy.getByRole('button', { name: 'Approve' }).click();
  await expect(remy.getByTestId('review-outcome')).toContainText('Approved');
  await expect(remy.getByTestId('review-outcome')).toContainText('The campaign is now active.');
  await expect(remy.locator('.v-page-header .badge')).toHaveText('Approved');
  await expect(remy.getByRole('region', { name: 'Approvals' })).toContainText('rita approved on');
  await expect(remy.getByRole('region', { name: 'Approvals' })).toContainText('Looks good to me.');

  await ed.goto(`${server.baseURL}/t/${world.tenant}/s/prod/campaigns/${id}`);
  await expect(statusBadge(ed)).toHaveText('Active');
  await expect(ed.getByRole('region', { name: 'Live versions' })).toContainText('Version 1');
  await expect(ed.getByRole('button', { name: 'Pause' })).toBeVisible();
  await Promise.all([edContext.close(), ritaContext.close(), remyContext.close()]);
});

test('a request for changes sends the campaign back to draft with the comment', async ({ browser }) => {
  const edContext = await browser.newContext();
  const ed = await H.signInAs(edContext, server, world.tenant, world.adminToken, 'ed');
  const id = await createInConsole(ed, 'Summer teaser');
  await ed.getByRole('button', { name: 'Submit for review' }).click();
  await expect(statusBadge(ed)).toHaveText('In review');

  const ritaContext = await browser.newContext();
  const rita = await H.signInAs(ritaContext, server, world.tenant, world.adminToken, 'rita');
  await openReviewFromQueue(rita, 'Summer teaser');
  // A request for changes needs a comment.
  await rita.getByRole('button', { name: 'Request changes' }).click();
  await expect(rita.getByText('a comment is required to request changes')).toBeVisible();
  await expect(rita.getByRole('textbox', { name: 'Comment' })).toHaveAttribute('aria-invalid', 'true');
  await rita.getByRole('textbox', { name: 'Comment' }).fill('The subject needs the sale dates.');
  await rita.getByRole('button', { name: 'Request changes' }).click();
  await expect(rita.getByTestId('review-outcome')).toContainText('Changes requested by rita');
  await expect(rita.getByTestId('decision-comment')).toHaveText('The subject needs the sale dates.');
  await expect(rita.getByTestId('review-outcome')).toContainText('The campaign is now draft.');

  await ed.reload();
  await expect(statusBadge(ed)).toHaveText('Draft');
  await expect(ed.getByTestId('changes-requested')).toContainText('Changes requested by rita');
  await expect(ed.getByTestId('changes-requested')).toContainText('The subject needs the sale dates.');
  await expect(ed.getByRole('link', { name: 'Edit campaign' })).toBeVisible();
  await expect(ed.getByRole('button', { name: 'Submit for review' })).toBeVisible();
  await H.screenshot(ed, 'campaign-changes-requested');
  expect(id).toMatch(/^cmp_/);
  await Promise.all([edContext.close(), ritaContext.close()]);
});

test('a viewer sees no action button on the campaign and review pages', async ({ browser }) => {
  const c = await H.makeCampaign(server, world.tenant, 'prod', world.tokens.ed, {
    name: 'Autumn digest', type: 'action', audience: { segment: world.segments.prod.id },
  });
  await W.act(server, world.tenant, 'prod', world.tokens.ed, c.id, 'submit');
  const reviews = await H.must(server, 200, 'GET', `/v1/tenants/${world.tenant}/reviews`, undefined, world.tokens.vic);
  const review = reviews.items.find((r) => r.subject.campaign === c.id);

  const context = await browser.newContext();
  const vic = await H.signInAs(context, server, world.tenant, world.adminToken, 'vic');
  await vic.goto(`${server.baseURL}/t/${world.tenant}/s/prod/campaigns/${c.id}`);
  await expect(vic.getByRole('heading', { level: 1, name: 'Autumn digest' })).toBeVisible();
  await expect(vic.getByRole('region', { name: 'Content', exact: true })).toBeVisible();
  await expect(vic.getByRole('group', { name: 'Campaign actions' })).toHaveCount(0);
  await expect(vic.locator('main').getByRole('button')).toHaveCount(0);
  await expect(vic.getByRole('link', { name: 'Edit campaign' })).toHaveCount(0);

  await vic.goto(`${server.baseURL}/t/${world.tenant}/reviews/${review.id}`);
  await expect(vic.getByRole('heading', { level: 1, name: 'Review: Autumn digest' })).toBeVisible();
  await expect(vic.getByRole('region', { name: 'Requirements' })).toBeVisible();
  await expect(vic.locator('main').getByRole('button')).toHaveCount(0);
  await expect(vic.getByRole('textbox', { name: 'Comment' })).toHaveCount(0);
  await context.close();
});
