// What the console must never allow: another tenant's objects (Not found), state changes without
// the session's CSRF token or from another origin, responses without the security headers.
const http = require('node:http');
const { test, expect } = require('@playwright/test');
const h = require('./harness');

let server;
let evil;
let a;
let b;
let campaignA;

test.beforeAll(async () => {
  server = await h.startFerryd();
  a = await h.makeTenant(server, 'alpha', ['dev']);
  b = await h.makeTenant(server, 'beta', ['dev']);
  await h.makeUser(server, 'alpha', a.adminToken, 'alice', ['dev:editor'], { name: 'Alice Alpha' });
  await h.makeUser(server, 'beta', b.adminToken, 'bruno', ['dev:editor'], { name: 'Bruno Beta' });
  campaignA = await h.makeCampaign(server, 'alpha', 'dev', a.adminToken, { name: 'Alpha secret plan' });
  // Another origin (same host, another port) whose page posts a form to ferry as soon as it
  // loads: the classic cross-site request forgery.
  evil = http.createServer((req, res) => {
    const target = `${server.baseURL}/v1/tenants/beta/sandboxes/dev/campaigns`;
    const page = `<!doctype html><html><body><h1>Win a prize</h1>
<form id="f" method="POST" action="${target}" enctype="text/plain">
<input type="hidden" name='{"name":"Forged","type":"api_triggered","channels":["email"],"content":{"email":{"subject":"x","body":"y"}},"pad":"' value='"}'>
</form><script>document.getElementById('f').submit();</script></body></html>`;
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(page);
  });
  await new Promise((resolve) => evil.listen(0, '127.0.0.1', resolve));
});

test.afterAll(async () => {
  if (evil) await new Promise((resolve) => evil.close(resolve));
  if (server) await server.stop();
});

test("another tenant's campaign URL shows Not found, as does an unknown path", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await h.signInAs(context, server, 'beta', b.adminToken, 'bruno');
  const problems = h.watchForScripts(page);
  for (const path of [`/t/alpha/s/dev/campaigns/${campaignA.id}`, '/t/alpha/s/dev/campaigns', '/t/alpha/s/dev/calendar', '/t/beta/s/nope/campaigns', '/no/such/page']) {
    await page.goto(server.baseURL + path);
    await expect(page.getByRole('heading', { level: 1, name: 'Not found' })).toBeVisible();
    await expect(page.getByText('Alpha secret plan')).toHaveCount(0);
  }
  await expect(page).toHaveTitle('Not found · ferry');
  await h.screenshot(page, 'not-found');
  await h.checkA11y(page, 'not found');
  // 404 answers from the API are expected above; nothing else may have gone wrong.
  expect(problems.filter((p) => !p.includes('404'))).toEqual([]);
  await context.close();
});

test('a state-changing request without the CSRF token, or from another origin, is refused', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await h.signInAs(context, server, 'beta', b.adminToken, 'bruno');
  const body = { name: 'Made by script', type: 'api_triggered', channels: ['email'], content: { email: { subject: 'x', body: 'y' } } };
  const path = '/v1/tenants/beta/sandboxes/dev/campaigns';

  // In the page, with the session cookie: without the header, refused; with it, accepted.
  const without = await page.evaluate(async ([p, b2]) => {
    const r = await fetch(p, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(b2), credentials: 'same-origin' });
    return { status: r.status, body: await r.json() };
  }, [path, body]);
  expect(without.status).toBe(403);
  expect(without.body.error.code).toBe('csrf_failed');
  const wrong = await page.evaluate(async ([p, b2]) => {
    const r = await fetch(p, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': 'not-the-token' }, body: JSON.stringify(b2) });
    return r.status;
  }, [path, body]);
  expect(wrong).toBe(403);
  const withToken = await page.evaluate(async ([p, b2]) => {
    const s = await (await fetch('/v1/session')).json();
    const r = await fetch(p, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token }, body: JSON.stringify(b2) });
    return r.status;
  }, [path, body]);
  expect(withToken).toBe(201);

  // Through the context's request API (same cookies): the token from another Origin is refused,
  // and so is a DELETE of the session without the token.
  const session = await (await page.request.get(`${server.baseURL}/v1/session`)).json();
  const crossOrigin = await page.request.post(server.baseURL + path, {
    data: body, headers: { 'X-CSRF-Token': session.csrf_token, Origin: 'http://127.0.0.1:1' },
  });
  expect(crossOrigin.status()).toBe(403);
  expect((await crossOrigin.json()).error.code).toBe('csrf_failed');
  const sameOrigin = await page.request.post(server.baseURL + path, {
    data: { ...body, name: 'Made with the token' }, headers: { 'X-CSRF-Token': session.csrf_token, Origin: server.baseURL },
  });
  expect(sameOrigin.status()).toBe(201);
  const signOut = await page.request.delete(`${server.baseURL}/v1/session`, { headers: { Origin: server.baseURL } });
  expect(signOut.status()).toBe(403);

  // A page of another origin auto-submits a form to ferry with the user's cookie: refused.
  const forged = await context.newPage();
  const answered = forged.waitForResponse((r) => r.url().startsWith(server.baseURL) && r.request().method() === 'POST');
  await forged.goto(`http://127.0.0.1:${evil.address().port}/`);
  const response = await answered;
  expect(response.status()).toBe(403);
  const list = await h.must(server, 200, 'GET', `${path}?status=draft`, null, b.adminToken);
  expect(list.items.map((c) => c.name).sort()).toEqual(['Made by script', 'Made with the token']);

  // The session still works in the console afterwards.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Campaigns' })).toBeVisible();
  await context.close();
});

test('every console response carries the CSP, nosniff and no-referrer headers', async () => {
  const paths = ['/', '/sign-in', '/sign-in?code=abc', '/t/beta/s/dev/campaigns', '/t/beta/s/dev/calendar?week=2026-W50',
    '/console/main.js', '/console/style.css', '/console/lib/api.js', '/console/views/inventory.js', '/console/index.html', '/console/no-such-file.js'];
  for (const p of paths) {
    const res = await fetch(server.baseURL + p);
    const csp = res.headers.get('content-security-policy') || '';
    expect(csp, `CSP of ${p}`).toContain("default-src 'self'");
    expect(csp, `CSP of ${p}`).toContain("script-src 'self'");
    expect(csp, `CSP of ${p}`).not.toContain('unsafe-inline');
    expect(csp, `CSP of ${p}`).not.toContain('unsafe-eval');
    expect(csp, `CSP of ${p}`).toContain("frame-ancestors 'none'");
    expect(csp, `CSP of ${p}`).toContain("object-src 'none'");
    expect(res.headers.get('x-content-type-options'), `nosniff on ${p}`).toBe('nosniff');
    expect(res.headers.get('referrer-policy'), `Referrer-Policy of ${p}`).toBe('no-referrer');
    if (p === '/console/no-such-file.js') expect(res.status).toBe(404);
    else expect(res.status, p).toBe(200);
    if (p.endsWith('.js') && res.status === 200) expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    if (p.endsWith('.css')) expect(res.headers.get('content-type')).toMatch(/^text\/css/);
    if (!p.startsWith('/console/')) expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  }
  // The API's answers keep their own headers, and its paths never fall back to the console.
  const api = await fetch(`${server.baseURL}/v1/nope`);
  expect(api.status).toBe(404);
  expect(api.headers.get('content-type')).toMatch(/^application\/json/);
});

test('the console never puts data into the page as HTML', async ({ browser }) => {
  // A campaign whose name and tags are markup shows them as text, and no script runs.
  const evilName = '<img src=x onerror="alert(1)"><script>alert(2)</script>';
  await h.makeCampaign(server, 'beta', 'dev', b.adminToken, { name: evilName, tags: ['<b>bold</b>'] });
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = h.watchForScripts(page);
  await h.signInAs(page, server, 'beta', b.adminToken, 'bruno');
  await expect(page.getByRole('link', { name: evilName, exact: true })).toBeVisible();
  await expect(page.getByText('<b>bold</b>')).toBeVisible();
  expect(await page.locator('main img, main script').count()).toBe(0);
  await page.getByRole('button', { name: `Actions for ${evilName}` }).click();
  await expect(page.getByRole('menu')).toBeVisible();
  expect(problems).toEqual([]);
  await context.close();
});
