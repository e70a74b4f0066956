// Leaving a page while its requests are still on their way (following a link elsewhere,
// typing another address, reloading) cancels them; the console neither reports that as an error
// nor draws an error view over the page being left.
const { test, expect } = require('@playwright/test');
const H = require('./harness');

let server;
let tenant;

test.beforeAll(async () => {
  server = await H.startFerryd();
  const t = await H.makeTenant(server, 'acme', ['dev']);
  tenant = { name: 'acme', adminToken: t.adminToken };
  await H.makeUser(server, 'acme', t.adminToken, 'ed', ['dev:editor'], { name: 'Edith Editor' });
  await H.makeCampaign(server, 'acme', 'dev', t.adminToken, { name: 'Spring sale' });
});

test.afterAll(async () => {
  if (server) await server.stop();
});

test('leaving a page before its answers arrive reports no error', async ({ page }) => {
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  await H.signInAs(page, server, tenant.name, tenant.adminToken, 'ed');
  // The campaign list's answer is held back, so the address below is typed while it is pending.
  let held = 0;
  await page.route('**/v1/tenants/acme/sandboxes/dev/campaigns?**', async (route) => {
    held += 1;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.continue().catch(() => {});
  });
  for (let i = 0; i < 3; i += 1) {
    await page.goto(`${server.baseURL}/t/acme/s/dev/campaigns`, { waitUntil: 'domcontentloaded' });
    await expect.poll(() => held).toBeGreaterThan(i);
    await page.goto(`${server.baseURL}/t/acme/s/dev/segments`);
    await expect(page.getByRole('heading', { level: 1, name: 'Segments' })).toBeVisible();
  }
  await page.unroute('**/v1/tenants/acme/sandboxes/dev/campaigns?**');
  await page.waitForTimeout(1700);
  expect(errors).toEqual([]);
  await expect(page.getByRole('heading', { level: 1, name: 'Segments' })).toBeVisible();
});
