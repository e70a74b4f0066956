// Sign-in by one-time link or pasted personal token, into an HttpOnly SameSite=Strict session
// cookie; sign-out, 8 h idle (test clock), a revoked token and a removed user end the session.
const { test, expect } = require('@playwright/test');
const h = require('./harness');

let server;

test.beforeAll(async () => {
  server = await h.startFerryd({ testClock: true });
});

test.afterAll(async () => {
  if (server) await server.stop();
});

async function tenantWithEditor(id) {
  const t = await h.makeTenant(server, id, ['dev', 'prod']);
  const token = await h.makeUser(server, id, t.adminToken, 'alice', ['dev:editor'], { name: 'Alice Martin' });
  return { ...t, token };
}

// Nothing of the session may live where scripts can read it.
async function expectNoTokenInBrowser(page, secrets) {
  const stored = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie, url: location.href }));
  const parsed = JSON.parse(stored);
  expect(parsed.local).toEqual({});
  expect(parsed.session).toEqual({});
  expect(parsed.cookie).not.toContain('ferry_session');
  for (const s of secrets) expect(stored).not.toContain(s);
}

async function expectSessionCookie(context) {
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'ferry_session');
  expect(session, 'the ferry_session cookie').toBeTruthy();
  expect(session.httpOnly).toBe(true);
  expect(session.sameSite).toBe('Strict');
  expect(session.path).toBe('/');
  return session;
}

test('a sign-in link signs in once and never again', async ({ browser }) => {
  const t = await tenantWithEditor('link-once');
  const link = await h.signInLink(server, t.id, t.adminToken, 'alice');
  expect(link.path).toMatch(/^\/sign-in\?code=/);

  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = h.watchForScripts(page);
  await page.goto(server.baseURL + link.path);
  await expect(page.getByRole('heading', { level: 1, name: 'Campaigns' })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/t/${t.id}/s/dev/campaigns$`));
  await expect(page.getByText('Alice Martin')).toBeVisible();
  await expectSessionCookie(context);
  await expectNoTokenInBrowser(page, [link.code]);
  // The link's code is gone from the history too: going back does not sign in again with it.
  const history = await page.evaluate(() => history.length);
  expect(history).toBeGreaterThan(0);
  expect(problems).toEqual([]);
  await context.close();

  // The same link, in another browser: refused, and the code does not stay in the address bar.
  const other = await browser.newContext();
  const page2 = await other.newPage();
  await page2.goto(server.baseURL + link.path);
  await expect(page2.getByRole('heading', { level: 1, name: 'Sign in to ferry' })).toBeVisible();
  await expect(page2.getByRole('alert')).toContainText('already been used');
  await expect(page2).toHaveURL(`${server.baseURL}/sign-in`);
  expect((await other.cookies()).find((c) => c.name === 'ferry_session')).toBeFalsy();
  await h.screenshot(page2, 'sign-in-link-used');
  await h.checkA11y(page2, 'sign-in with a used link');
  await other.close();
});

test('a pasted personal token signs in and is kept nowhere', async ({ browser }) => {
  const t = await tenantWithEditor('pasted');
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.baseURL}/`);
  await expect(page).toHaveURL(`${server.baseURL}/sign-in`);
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in to ferry' })).toBeVisible();
  await h.screenshot(page, 'sign-in');
  await h.checkA11y(page, 'sign-in');

  // A wrong token is refused with a message.
  await page.getByLabel('Personal token').fill('fry_notatokenatallnotatokenatall_000000');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('not accepted');

  await page.getByLabel('Personal token').fill(t.token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Campaigns' })).toBeVisible();
  await expectSessionCookie(context);
  await expectNoTokenInBrowser(page, [t.token]);
  // A reload keeps the session (the cookie), with nothing stored by the page.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Campaigns' })).toBeVisible();
  await context.close();
});

test('signing out ends the session', async ({ browser }) => {
  const t = await tenantWithEditor('signout');
  const context = await browser.newContext();
  const page = await h.signInAs(context, server, t.id, t.adminToken, 'alice');
  const cookie = await expectSessionCookie(context);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in to ferry' })).toBeVisible();
  expect((await context.cookies()).find((c) => c.name === 'ferry_session' && c.value)).toBeFalsy();
  // The old cookie is dead on the server, not only forgotten by the browser.
  const res = await h.apiCall(server, 'GET', '/v1/session', null, null, { Cookie: `ferry_session=${cookie.value}` });
  expect(res.status).toBe(401);
  await page.goto(`${server.baseURL}/t/${t.id}/s/dev/campaigns`);
  await expect(page).toHaveURL(/\/sign-in/);
  await context.close();
});

test('a session ends after 8 hours idle, not while in use', async ({ browser }) => {
  const t = await tenantWithEditor('idle');
  const context = await browser.newContext();
  const page = await h.signInAs(context, server, t.id, t.adminToken, 'alice');

  // 7 hours idle, then a request: still signed in.
  await h.advanceClock(server, 7 * 3600);
  await h.navLink(page, 'Calendar').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Calendar' })).toBeVisible();

  // 7 more hours: 14 h since sign-in but only 7 h idle.
  await h.advanceClock(server, 7 * 3600);
  await h.navLink(page, 'Campaigns').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Campaigns' })).toBeVisible();

  // 8 h and a minute idle: the next request finds the session ended.
  await h.advanceClock(server, 8 * 3600 + 60);
  await h.navLink(page, 'Calendar').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in to ferry' })).toBeVisible();
  await expect(page.getByText('Your session has ended')).toBeVisible();
  await h.screenshot(page, 'sign-in-session-ended');
  await h.checkA11y(page, 'sign-in after the session ended');
  await context.close();
});

test('revoking the token behind a session, or removing the user, ends it', async ({ browser }) => {
  const t = await tenantWithEditor('revoke');
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.baseURL}/sign-in`);
  await page.getByLabel('Personal token').fill(t.token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Campaigns' })).toBeVisible();

  const tokens = await h.must(server, 200, 'GET', `/v1/tenants/${t.id}/users/alice/tokens`, null, t.adminToken);
  for (const tok of tokens.items) {
    await h.must(server, 204, 'DELETE', `/v1/tenants/${t.id}/users/alice/tokens/${tok.id}`, null, t.adminToken);
  }
  await h.navLink(page, 'Calendar').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in to ferry' })).toBeVisible();

  // A session from a link ends when its user is removed.
  await h.makeUser(server, t.id, t.adminToken, 'bob', ['dev:viewer']);
  const bob = await h.signInAs(await browser.newContext(), server, t.id, t.adminToken, 'bob');
  await h.must(server, 204, 'DELETE', `/v1/tenants/${t.id}/users/bob`, null, t.adminToken, { 'If-Match': '*' });
  await h.navLink(bob, 'Calendar').click();
  await expect(bob.getByRole('heading', { level: 1, name: 'Sign in to ferry' })).toBeVisible();
  await context.close();
});
