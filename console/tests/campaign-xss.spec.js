// Campaign content never executes in the console: an email body with <script> and an
// onerror handler renders in a sandboxed iframe where scripts are blocked, and markup in every
// text field (names, description, tags, segment and template names, SMS and push text, review
// comments) appears as text.
const { test, expect } = require('@playwright/test');
const H = require('./harness');
const W = require('./campaign-fixtures');

const SCRIPT = '<script>alert(1)</script>';
const IMG = '<img src=x onerror=alert(1)>';

let server;
let world;
const ids = {};

test.beforeAll(async () => {
  server = await H.startFerryd();
  world = await W.makeWorld(server);
  const { tenant, tokens } = world;
  const base = H.sandboxPath(tenant, 'prod');
  const seg = await H.must(server, 201, 'POST', `${base}/segments`, {
    name: `Segment ${SCRIPT}`, description: `Who ${IMG}`, rule: { html: SCRIPT },
  }, tokens.ed);
  const tpl = await H.must(server, 201, 'POST', `${base}/templates`, {
    name: `Template ${IMG}`, channel: 'sms', body: `SMS ${SCRIPT} ${IMG}`,
  }, tokens.ed);
  ids.segment = seg.id;
  ids.template = tpl.id;
  const c = await H.makeCampaign(server, tenant, 'prod', tokens.ed, {
    name: `Promo ${SCRIPT}`,
    type: 'action',
    description: `Description ${SCRIPT} ${IMG}`,
    tags: [SCRIPT, '<b>bold</b>'],
    channels: ['email', 'sms', 'push', 'in_app', 'webhook'],
    audience: { segment: seg.id },
    content: {
      email: { subject: `Subject ${SCRIPT}`, body: `<p>Hello</p>${SCRIPT}${IMG}<a href="javascript:alert(1)">click</a><form action="https://evil.example"><button>go</button></form>` },
      sms: { template: tpl.id },
      push: { title: `Title ${SCRIPT}`, body: `Push ${IMG}` },
      in_app: { body: `<iframe src="javascript:alert(1)"></iframe>${SCRIPT}` },
      webhook: { url: 'https://hooks.example.com/x?a=<script>', body: SCRIPT, auth_header: 'Bearer top-secret-value' },
    },
  });
  ids.campaign = c.id;
  await W.act(server, tenant, 'prod', tokens.ed, c.id, 'submit');
  const reviews = await H.must(server, 200, 'GET', `/v1/tenants/${tenant}/reviews`, undefined, tokens.rita);
  ids.review = reviews.items.find((r) => r.subject.campaign === c.id).id;
  await H.must(server, 200, 'POST', `/v1/tenants/${tenant}/reviews/${ids.review}/approve`, { comment: `Approved ${SCRIPT} ${IMG}` }, tokens.remy);
});

test.afterAll(async () => {
  if (server) await server.stop();
});

// Dialogs and page errors must never happen. Console errors may only be the browser's own
// report that the sandboxed email frame refused to run a script (proof that it was blocked) or
// that the CSP refused a load from inside that frame.
function watch(page) {
  const seen = { dialogs: [], pageErrors: [], consoleErrors: [], blocked: 0 };
  page.on('dialog', async (d) => {
    seen.dialogs.push(d.message());
    await d.dismiss().catch(() => {});
  });
  page.on('pageerror', (e) => seen.pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const t = m.text();
    if (/Blocked script execution in 'about:srcdoc'/.test(t)) seen.blocked += 1;
    else if (/Content Security Policy|Failed to load resource/.test(t) && !/main\.js|\/console\//.test(t)) return;
    else seen.consoleErrors.push(t);
  });
  return seen;
}

async function noMarkupInPage(page) {
  // The console's own document holds exactly its one module script and no element from campaign content.
  expect(await page.locator('script').count()).toBe(1);
  expect(await page.locator('main img, main form[action], main iframe:not([sandbox=""])').count()).toBe(0);
  for (const frame of await page.locator('iframe').all()) {
    expect(await frame.getAttribute('sandbox')).toBe('');
  }
}

test('markup in content and text fields never runs, and shows as text', async ({ page }) => {
  const seen = watch(page);
  const { tenant } = world;
  await H.signInAs(page, server, tenant, world.adminToken, 'rita');

  // The campaign page.
  await page.goto(`${server.baseURL}/t/${tenant}/s/prod/campaigns/${ids.campaign}`);
  await expect(page.getByRole('heading', { level: 1, name: `Promo ${SCRIPT}` })).toBeVisible();
  await expect(page.getByText(`Description ${SCRIPT} ${IMG}`)).toBeVisible();
  await expect(page.getByRole('list', { name: 'Tags' })).toContainText(SCRIPT);
  await expect(page.getByRole('list', { name: 'Tags' })).toContainText('<b>bold</b>');
  await expect(page.getByRole('region', { name: 'Audience' })).toContainText(`Segment ${SCRIPT}`);
  await expect(page.getByRole('region', { name: 'SMS content' })).toContainText(`Template ${IMG}`);
  await expect(page.getByRole('region', { name: 'SMS content' })).toContainText(`SMS ${SCRIPT} ${IMG}`);
  await expect(page.getByRole('region', { name: 'Push notification content' })).toContainText(`Title ${SCRIPT}`);
  await expect(page.getByRole('region', { name: 'In-app message content' })).toContainText('<iframe src="javascript:alert(1)"></iframe>');
  await expect(page.getByRole('region', { name: 'Email content' })).toContainText(`Subject ${SCRIPT}`);
  const webhook = page.getByRole('region', { name: 'Webhook content' });
  await expect(webhook).toContainText('••••••••');
  await expect(webhook).not.toContainText('top-secret-value');
  // The email body is in a sandboxed frame; its <p> rendered, its script did not run.
  const frame = page.frameLocator('iframe.v-email-frame').first();
  await expect(frame.locator('p')).toHaveText('Hello');
  await noMarkupInPage(page);
  await H.screenshot(page, 'campaign-xss');

  // The review page, with the comment.
  await page.goto(`${server.baseURL}/t/${tenant}/reviews/${ids.review}`);
  await expect(page.getByRole('heading', { level: 1, name: `Review: Promo ${SCRIPT}` })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Approvals' })).toContainText(`Approved ${SCRIPT} ${IMG}`);
  await expect(page.frameLocator('iframe.v-email-frame').first().locator('p')).toHaveText('Hello');
  await noMarkupInPage(page);

  // The queue, the lists and the forms.
  await page.goto(`${server.baseURL}/t/${tenant}/reviews`);
  await expect(page.getByRole('link', { name: `Promo ${SCRIPT}` })).toBeVisible();
  await page.goto(`${server.baseURL}/t/${tenant}/s/prod/segments`);
  await expect(page.getByRole('link', { name: `Segment ${SCRIPT}` })).toBeVisible();
  await expect(page.getByRole('cell', { name: `Who ${IMG}` })).toBeVisible();
  await page.goto(`${server.baseURL}/t/${tenant}/s/prod/templates`);
  await expect(page.getByRole('link', { name: `Template ${IMG}` })).toBeVisible();
  await page.goto(`${server.baseURL}/t/${tenant}/s/prod/templates/${ids.template}`);
  await expect(page.getByRole('textbox', { name: 'Body' })).toHaveValue(`SMS ${SCRIPT} ${IMG}`);
  await expect(page.getByRole('region', { name: 'SMS content' })).toContainText(`SMS ${SCRIPT} ${IMG}`);
  await noMarkupInPage(page);

  // Give any stray handler a moment, then judge.
  await page.waitForTimeout(500);
  expect(seen.dialogs, 'no dialog may open').toEqual([]);
  expect(seen.pageErrors, 'no page error').toEqual([]);
  expect(seen.consoleErrors, 'no console error but the sandbox blocking scripts').toEqual([]);
  expect(seen.blocked, 'the sandboxed frame blocked the email body\'s script').toBeGreaterThan(0);
});

test('an editor opening the edit form of such a campaign runs nothing either', async ({ page }) => {
  const seen = watch(page);
  const { tenant, tokens } = world;
  const c = await H.makeCampaign(server, tenant, 'dev', tokens.ed, {
    name: `Draft ${SCRIPT}`, type: 'api_triggered',
    content: { email: { subject: SCRIPT, body: `${SCRIPT}${IMG}<p>Body</p>` } },
  });
  await H.signInAs(page, server, tenant, world.adminToken, 'ed');
  await page.goto(`${server.baseURL}/t/${tenant}/s/dev/campaigns/${c.id}/edit`);
  await expect(page.getByRole('textbox', { name: 'Name' })).toHaveValue(`Draft ${SCRIPT}`);
  await expect(page.getByRole('textbox', { name: 'Body (HTML or text)' })).toHaveValue(`${SCRIPT}${IMG}<p>Body</p>`);
  await expect(page.frameLocator('iframe.v-email-frame').first().locator('p')).toHaveText('Body');
  // Typing more markup into the body updates the preview, still sandboxed.
  await page.getByRole('textbox', { name: 'Body (HTML or text)' }).fill(`<p>Typed</p><script>alert('typed')</script><img src=y onerror="alert('typed')">`);
  await expect(page.frameLocator('iframe.v-email-frame').first().locator('p')).toHaveText('Typed');
  await noMarkupInPage(page);
  await page.waitForTimeout(500);
  expect(seen.dialogs).toEqual([]);
  expect(seen.pageErrors).toEqual([]);
  expect(seen.consoleErrors).toEqual([]);
});
