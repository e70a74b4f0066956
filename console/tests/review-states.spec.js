// Reviews beyond the first approval: a live campaign's draft version reviewed with its diff and
// approved with the keyboard only; a review voided by archiving the campaign; a campaign action
// refused by the API shows its message and the actions allowed now.
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

async function approveByApi(reviewId, ...users) {
  for (const u of users) {
    await H.must(server, 200, 'POST', `/v1/tenants/${world.tenant}/reviews/${reviewId}/approve`, {}, world.tokens[u]);
  }
}

async function reviewOf(campaignId, state = 'pending') {
  const list = await H.must(server, 200, 'GET', `/v1/tenants/${world.tenant}/reviews?state=${state}`, undefined, world.tokens.admin);
  return list.items.find((r) => r.subject.campaign === campaignId);
}

// Presses Tab until the element matching the locator has the focus.
async function tabTo(page, locator, max = 60) {
  for (let i = 0; i < max; i += 1) {
    if (await locator.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error('never reached with Tab');
}

async function liveProdCampaign(name) {
  const { tenant, tokens, segments } = world;
  const c = await H.makeCampaign(server, tenant, 'prod', tokens.ed, {
    name, type: 'action', audience: { segment: segments.prod.id },
    channels: ['email', 'push'],
    content: {
      email: { subject: 'Your weekly picks', body: '<p>Five things we love this week.</p>' },
      push: { title: 'Weekly picks', body: 'Five things we love this week.' },
    },
  });
  await W.act(server, tenant, 'prod', tokens.ed, c.id, 'submit');
  await approveByApi((await reviewOf(c.id)).id, 'rita', 'remy');
  return c;
}

test('a draft version is reviewed with its diff and approved with the keyboard only', async ({ browser }) => {
  const { tenant } = world;
  const c = await liveProdCampaign('Weekly picks');
  const edContext = await browser.newContext();
  const ed = await H.signInAs(edContext, server, tenant, world.adminToken, 'ed');
  await ed.goto(`${server.baseURL}/t/${tenant}/s/prod/campaigns/${c.id}`);
  await expect(ed.locator('.v-page-header .badge').first()).toHaveText('Active');
  await ed.getByRole('link', { name: 'Edit campaign' }).click();
  await ed.getByRole('textbox', { name: 'Subject' }).fill('Your weekly picks, {{first_name}}');
  await ed.getByRole('textbox', { name: 'Push title' }).fill('This week’s picks');
  await ed.getByRole('button', { name: 'Save draft version' }).click();
  await expect(ed.getByRole('region', { name: 'Draft version' })).toBeVisible();
  // In prod the draft version goes through review; it cannot be activated directly.
  await expect(ed.getByRole('button', { name: 'Activate draft version' })).toHaveCount(0);
  await ed.getByRole('button', { name: 'Submit draft version for review' }).click();
  await expect(ed.getByText('The draft version is in review: 0 of 2 approvals')).toBeVisible();
  await expect(ed.getByRole('link', { name: 'Edit draft version' })).toHaveCount(0);
  await expect(ed.locator('.v-page-header .badge').first()).toHaveText('Active');

  const ritaContext = await browser.newContext();
  const rita = await H.signInAs(ritaContext, server, tenant, world.adminToken, 'rita');
  const review = await reviewOf(c.id);
  await rita.goto(`${server.baseURL}/t/${tenant}/reviews/${review.id}`);
  await expect(rita.getByRole('heading', { level: 1, name: 'Review: Weekly picks' })).toBeVisible();
  await expect(rita.getByText('Draft version of a live campaign')).toBeVisible();
  const diff = rita.getByRole('region', { name: 'Changes from the live version' });
  await expect(diff.locator('tr[data-field="content.email.subject"] td').nth(0)).toHaveText('Your weekly picks');
  await expect(diff.locator('tr[data-field="content.email.subject"] td').nth(1)).toHaveText('Your weekly picks, {{first_name}}');
  await expect(diff.locator('tr[data-field="content.push.title"]')).toContainText('This week’s picks');
  await expect(rita.getByRole('region', { name: 'Content of the draft version' })).toContainText('This week’s picks');
  await rita.waitForLoadState('load');
  await H.screenshot(rita, 'review-draft-version');
  await H.checkA11y(rita, 'review-draft-version');

  // Keyboard only: Tab to the comment, type, Tab to Approve, Enter.
  const comment = rita.getByRole('textbox', { name: 'Comment' });
  await tabTo(rita, comment);
  await rita.keyboard.type('Subject reads well.');
  await rita.keyboard.press('Tab');
  await expect(rita.getByRole('button', { name: 'Approve' })).toBeFocused();
  await rita.keyboard.press('Enter');
  await expect(rita.getByRole('region', { name: 'Requirements' })).toContainText('1 of 2');

  const remyContext = await browser.newContext();
  const remy = await H.signInAs(remyContext, server, tenant, world.adminToken, 'remy');
  await remy.goto(`${server.baseURL}/t/${tenant}/reviews`);
  const link = remy.getByRole('link', { name: 'Weekly picks' });
  await tabTo(remy, link);
  await remy.keyboard.press('Enter');
  await expect(remy.getByRole('heading', { level: 1, name: 'Review: Weekly picks' })).toBeVisible();
  await tabTo(remy, remy.getByRole('button', { name: 'Approve' }));
  await remy.keyboard.press('Enter');
  await expect(remy.getByTestId('review-outcome')).toContainText('Approved');
  await expect(remy.getByTestId('review-outcome')).toBeFocused();

  await ed.reload();
  await expect(ed.getByRole('region', { name: 'Content · live version 2' })).toContainText('Your weekly picks,');
  await expect(ed.getByRole('region', { name: 'Draft version' })).toHaveCount(0);
  const history = ed.getByRole('region', { name: 'Live versions' });
  await expect(history.locator('.v-history-item').first()).toContainText('Version 2');
  await expect(history.locator('.v-history-item').first()).toContainText('activated by ed');
  await Promise.all([edContext.close(), ritaContext.close(), remyContext.close()]);
});

test('a review voided by archiving the campaign says so and offers no decision', async ({ page }) => {
  const { tenant, tokens, segments } = world;
  const c = await H.makeCampaign(server, tenant, 'prod', tokens.ed, {
    name: 'Soon archived', type: 'action', audience: { segment: segments.prod.id },
  });
  await W.act(server, tenant, 'prod', tokens.ed, c.id, 'submit');
  const review = await reviewOf(c.id);
  await approveByApi(review.id, 'rita');
  await W.act(server, tenant, 'prod', tokens.admin, c.id, 'archive');

  await H.signInAs(page, server, tenant, world.adminToken, 'remy');
  await page.goto(`${server.baseURL}/t/${tenant}/reviews/${review.id}`);
  await expect(page.locator('.v-page-header .badge')).toHaveText('Withdrawn');
  await expect(page.getByTestId('review-outcome')).toContainText('This review is void');
  await expect(page.getByTestId('review-outcome')).toContainText('campaign archived');
  await expect(page.getByRole('button', { name: 'Approve' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Request changes' })).toHaveCount(0);
  await expect(page.getByText('this is the content as it is now')).toBeVisible();
  await H.screenshot(page, 'review-voided');
  await H.checkA11y(page, 'review-voided');

  await page.goto(`${server.baseURL}/t/${tenant}/reviews`);
  await expect(page.getByRole('link', { name: 'Soon archived' })).toHaveCount(0);
  await page.getByRole('link', { name: 'Show decided reviews' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'Soon archived' })).toContainText('Withdrawn');
});

test('a refused action shows the API\'s message and the actions allowed now', async ({ page }) => {
  const { tenant, tokens, segments } = world;
  const c = await H.makeCampaign(server, tenant, 'dev', tokens.ed, {
    name: 'Paused elsewhere', type: 'action', audience: { segment: segments.dev.id },
  });
  await W.act(server, tenant, 'dev', tokens.ed, c.id, 'activate');
  await H.signInAs(page, server, tenant, world.adminToken, 'ed');
  await page.goto(`${server.baseURL}/t/${tenant}/s/dev/campaigns/${c.id}`);
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  // Someone pauses it while the page is open.
  await W.act(server, tenant, 'dev', tokens.eve, c.id, 'pause');
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Pause' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('pause');
  await expect(alert).toContainText('Allowed now: Resume, Stop, Archive, Duplicate.');
  await expect(alert).toBeFocused();
  // The page shows the campaign as it is now.
  await expect(page.locator('.v-page-header .badge').first()).toHaveText('Paused');
  await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible();
  await H.screenshot(page, 'campaign-refused-action');
});

test('a package review voided by an edit of its content says so and offers no decision', async ({ page }) => {
  const { tenant, tokens, segments } = world;
  const c = await H.makeCampaign(server, tenant, 'prod', tokens.ed, {
    name: 'Packaged offer', type: 'action', audience: { segment: segments.prod.id },
  });
  await H.must(server, 201, 'POST', `/v1/tenants/${tenant}/approval-policies`, {
    name: 'Packages need a reviewer', scope: 'package', conditions: { all: [] },
    approvers: { role: 'reviewer' }, required_approvals: 1,
  }, tokens.admin);
  await H.must(server, 201, 'POST', `/v1/tenants/${tenant}/packages`, {
    name: 'offer', source_sandbox: 'prod', objects: [{ kind: 'campaign', id: c.id }],
  }, tokens.ed);
  const requested = await H.must(server, 202, 'POST', `/v1/tenants/${tenant}/packages/offer/versions`, {}, tokens.ed);
  // Editing a campaign the package holds voids its review at once.
  await H.must(server, 200, 'PATCH', `${H.sandboxPath(tenant, 'prod')}/campaigns/${c.id}`,
    { description: 'edited while in review' }, tokens.ed, { 'If-Match': '*' });

  await H.signInAs(page, server, tenant, world.adminToken, 'remy');
  await page.goto(`${server.baseURL}/t/${tenant}/reviews/${requested.review}`);
  await expect(page.locator('.v-page-header .badge')).toHaveText('Voided');
  await expect(page.getByTestId('review-outcome')).toContainText('This review is void');
  await expect(page.getByRole('button', { name: 'Approve' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Request changes' })).toHaveCount(0);
  await H.screenshot(page, 'review-package-voided');
  await H.checkA11y(page, 'review-package-voided');
});
