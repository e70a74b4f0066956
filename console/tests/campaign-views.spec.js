// Each of the campaign, form and review views: axe-core (no serious or critical violation) and a
// screenshot at 1280x800, on a world with content in every channel.
const { test, expect } = require('@playwright/test');
const H = require('./harness');
const W = require('./campaign-fixtures');

let server;
let world;
const ids = {};

test.beforeAll(async () => {
  server = await H.startFerryd();
  world = await W.makeWorld(server);
  const { tenant, tokens, segments } = world;
  const ed = tokens.ed;
  const tplEmail = await H.must(server, 201, 'POST', `${H.sandboxPath(tenant, 'dev')}/templates`, {
    name: 'Welcome mail', channel: 'email', subject: 'Welcome aboard, {{first_name}}',
    body: '<h1>Welcome, {{first_name}}!</h1><p>Thanks for joining. Here is <strong>10% off</strong> your first order.</p><p><a href="https://example.com/shop">Visit the shop</a></p>',
  }, ed);
  ids.template = tplEmail.id;
  await H.must(server, 201, 'POST', `${H.sandboxPath(tenant, 'dev')}/templates`, {
    name: 'Short reminder', channel: 'sms', body: 'Reminder: your cart is waiting, {{first_name}}.',
  }, ed);

  // dev: a live campaign with a draft version, two live versions, alerts, every channel.
  const live = await H.makeCampaign(server, tenant, 'dev', ed, {
    name: 'Black Friday 2026',
    type: 'action',
    description: 'Our biggest sale of the year, for newsletter subscribers.',
    tags: ['sales', 'q4'],
    channels: ['email', 'sms', 'push', 'in_app', 'webhook'],
    audience: { segment: segments.dev.id },
    schedule: { start: null, end: null, recurrence: { frequency: 'weekly', interval: 1 } },
    content: {
      email: { template: tplEmail.id },
      sms: { body: 'Black Friday: -30% on everything until Sunday. Reply STOP to opt out.' },
      push: { title: 'Black Friday is here', body: '-30% on everything, today only, {{first_name}}.' },
      in_app: { body: 'Black Friday: tap to see the deals picked for you.' },
      webhook: { url: 'https://hooks.example.com/crm/events', method: 'POST', body: '{"event":"black_friday"}', auth_header: 'Bearer s3cr3t-value' },
    },
  });
  ids.live = live.id;
  await W.act(server, tenant, 'dev', ed, live.id, 'activate');
  const c1 = await W.getCampaign(server, tenant, 'dev', ed, live.id);
  const v2 = W.specOf(c1);
  v2.content = { ...v2.content, sms: { body: 'Black Friday: -30% on everything until Sunday. Café offert. Reply STOP to opt out.' } };
  await W.putDraft(server, tenant, 'dev', ed, live.id, v2);
  await W.act(server, tenant, 'dev', ed, live.id, 'activate-draft');
  const c2 = await W.getCampaign(server, tenant, 'dev', ed, live.id);
  const v3 = W.specOf(c2);
  v3.name = 'Black Friday 2026 — extended';
  v3.content = { ...v3.content, push: { title: 'Black Friday, extended', body: 'Two more days of -30%, {{first_name}}.' } };
  await W.putDraft(server, tenant, 'dev', tokens.eve, live.id, v3);
  await H.must(server, 200, 'POST', `${H.sandboxPath(tenant, 'dev')}/campaigns/${live.id}/execution-events`,
    { type: 'warning', reason: 'Push provider answered slowly (p95 4.2 s) for 12 minutes.' }, ed);

  // A campaign published in a package from dev and imported into prod: it shows its provenance.
  const exported = await H.makeCampaign(server, tenant, 'dev', ed, {
    name: 'Spring catalogue', type: 'action', audience: { segment: segments.dev.id },
    content: { email: { subject: 'The spring catalogue is out', body: '<p>Forty pages of new things.</p>' } },
  });
  await H.must(server, 201, 'POST', `/v1/tenants/${tenant}/packages`, { name: 'spring', source_sandbox: 'dev', objects: [{ kind: 'campaign', id: exported.id }] }, ed);
  await H.must(server, 201, 'POST', `/v1/tenants/${tenant}/packages/spring/versions`, {}, ed);
  const imported = await H.must(server, 201, 'POST', `${H.sandboxPath(tenant, 'prod')}/imports`, { package: 'spring', version: 1, conflict_policy: 'use_existing' }, tokens.admin);
  const prodList = await H.must(server, 200, 'GET', `${H.sandboxPath(tenant, 'prod')}/campaigns?q=Spring`, undefined, ed);
  ids.imported = prodList.items[0].id;
  ids.importId = imported.id;

  // prod: a campaign in review (2 approvals), one approval already in.
  const rev = await H.makeCampaign(server, tenant, 'prod', ed, {
    name: 'Winter newsletter',
    type: 'action',
    tags: ['newsletter'],
    channels: ['email', 'sms'],
    audience: { segment: segments.prod.id },
    schedule: { start: '2030-01-15T09:00:00Z', end: null, recurrence: null },
    content: {
      email: { subject: 'Winter is coming, {{first_name}}', body: '<h2 style="color:#0b5394">Our winter picks</h2><p>Warm coats, soft scarves and <em>free delivery</em> this week.</p><img src="https://cdn.example.com/winter.png" alt="Winter collection">' },
      sms: { body: 'Winter picks are online: free delivery this week.' },
    },
  });
  ids.inReview = rev.id;
  await W.act(server, tenant, 'prod', ed, rev.id, 'submit');
  const reviews = await H.must(server, 200, 'GET', `/v1/tenants/${tenant}/reviews`, undefined, tokens.rita);
  ids.review = reviews.items.find((r) => r.subject.campaign === rev.id).id;
  await H.must(server, 200, 'POST', `/v1/tenants/${tenant}/reviews/${ids.review}/approve`, { comment: 'Copy looks good.' }, tokens.remy);
});

test.afterAll(async () => {
  if (server) await server.stop();
});

// The view has rendered: the router is not busy and every frame (email previews) has loaded.
async function settle(page) {
  await expect(page.locator('#app[aria-busy]')).toHaveCount(0);
  for (const f of page.frames()) await f.waitForLoadState('load');
  await page.evaluate(() => document.fonts.ready);
}

// Screenshot, then axe-core; axe failures are collected so that every view of a test is still
// visited and photographed, and the test fails at its end with all of them.
const a11yFailures = [];
async function check(page, name) {
  const t0 = Date.now();
  await settle(page);
  const t1 = Date.now();
  await H.screenshot(page, name);
  const t2 = Date.now();
  try {
    await H.checkA11y(page, name);
    if (process.env.B_TIMING) console.log(name, t1 - t0, t2 - t1, Date.now() - t2);
  } catch (e) {
    a11yFailures.push(String(e.message).split('\n').filter((l) => /^(axe-core|serious|critical|  \S)/.test(l)).join('\n'));
  }
}

test.afterEach(() => {
  const failures = a11yFailures.splice(0);
  expect(failures.join('\n'), 'axe-core: no serious or critical violation').toBe('');
});

test('campaign page: live version, draft version diff, history, alerts', async ({ context }) => {
  const page = await H.signInAs(context, server, world.tenant, world.adminToken, 'ed');
  await page.goto(`${server.baseURL}/t/${world.tenant}/s/dev/campaigns/${ids.live}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Black Friday 2026' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Draft version', exact: true })).toBeVisible();
  await expect(page.getByTestId('sms-stats').first()).toContainText('segment');
  await check(page, 'campaign');
  await page.getByRole('heading', { name: 'Draft version', exact: true }).scrollIntoViewIfNeeded();
  await H.screenshot(page, 'campaign-draft-diff');
});

test('an imported campaign shows its package and version', async ({ context }) => {
  const page = await H.signInAs(context, server, world.tenant, world.adminToken, 'ed');
  await page.goto(`${server.baseURL}/t/${world.tenant}/s/prod/campaigns/${ids.imported}`);
  const provenance = page.getByRole('region', { name: 'Provenance' });
  await expect(provenance).toContainText('spring');
  await expect(provenance).toContainText(ids.importId);
  await expect(provenance.getByRole('definition').nth(1)).toHaveText('1');
  await check(page, 'campaign-imported');
});

test('campaign in review and the review page', async ({ context }) => {
  const page = await H.signInAs(context, server, world.tenant, world.adminToken, 'rita');
  await page.goto(`${server.baseURL}/t/${world.tenant}/s/prod/campaigns/${ids.inReview}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Winter newsletter' })).toBeVisible();
  await check(page, 'campaign-in-review');
  await page.goto(`${server.baseURL}/t/${world.tenant}/reviews`);
  await expect(page.getByRole('link', { name: 'Winter newsletter' })).toBeVisible();
  await check(page, 'review-queue');
  await page.getByRole('link', { name: 'Winter newsletter' }).click();
  await expect(page.getByRole('button', { name: 'Approve' })).toBeVisible();
  await expect(page.getByText('This preview does not load remote images or apply inline styles')).toBeVisible();
  await check(page, 'review');
});

test('forms: campaign create and edit, segment and template', async ({ context }) => {
  const page = await H.signInAs(context, server, world.tenant, world.adminToken, 'ed');
  await page.goto(`${server.baseURL}/t/${world.tenant}/s/dev/campaigns/new`);
  await expect(page.getByRole('heading', { level: 1, name: 'New campaign' })).toBeVisible();
  await check(page, 'campaign-form-new');
  await page.goto(`${server.baseURL}/t/${world.tenant}/s/dev/campaigns/${ids.live}/edit`);
  await expect(page.getByRole('heading', { level: 1, name: 'Edit draft version' })).toBeVisible();
  await check(page, 'campaign-form-edit');
  await page.goto(`${server.baseURL}/t/${world.tenant}/s/dev/segments`);
  await check(page, 'segments');
  await page.goto(`${server.baseURL}/t/${world.tenant}/s/dev/segments/${world.segments.dev.id}`);
  await check(page, 'segment-form');
  await page.goto(`${server.baseURL}/t/${world.tenant}/s/dev/templates`);
  await check(page, 'templates');
  await page.goto(`${server.baseURL}/t/${world.tenant}/s/dev/templates/${ids.template}`);
  await check(page, 'template-form');
});
