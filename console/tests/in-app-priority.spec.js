// In-app priority (issue 26): from the inventory's in-app filter to the sandbox's exact order of
// its live in-app campaigns, rearranged with the keyboard (Move up / Move down buttons, Alt+Arrow
// keys on a row) and the mouse, saved at once, also over a campaign with a draft version. Names
// holding markup stay text.
const { test, expect } = require('@playwright/test');
const H = require('./harness');

const T = 'prio';
const SCRIPT_NAME = 'Beta <script>window.__ferryXss = 1</script><img src=x onerror="window.__ferryXss = 2">';
let server;
let admin;
const ids = {};

async function inApp(name, priority, status = 'active') {
  const content = { in_app: { body: `${name}: hello` } };
  if (priority) content.in_app.priority = priority;
  return H.campaignIn(server, T, 'dev', admin, status, { name, channels: ['in_app'], content });
}

async function serverOrder(token = admin) {
  const body = await H.must(server, 200, 'GET', `${H.sandboxPath(T, 'dev')}/in-app-priority`, undefined, token);
  return body.items.map((i) => i.id);
}

test.beforeAll(async () => {
  server = await H.startFerryd();
  ({ adminToken: admin } = await H.makeTenant(server, T, ['dev']));
  await H.makeUser(server, T, admin, 'ed', ['dev:editor'], { name: 'Edith Editor' });
  await H.makeUser(server, T, admin, 'vi', ['dev:viewer'], { name: 'Victor Viewer' });
  ids.alpha = (await inApp('Alpha banner', 'high')).id;
  ids.beta = (await inApp(SCRIPT_NAME)).id;
  ids.gamma = (await inApp('Gamma banner', 'medium')).id;
  ids.delta = (await inApp('Delta banner')).id;
  ids.omega = (await inApp('Omega banner', 'low', 'paused')).id;
  await inApp('Draft banner', 'high', 'draft'); // not live: not in the order
  // Gamma has a draft version that would make it low once live: it waits, the order does not.
  await H.must(server, 200, 'PUT', `${H.sandboxPath(T, 'dev')}/campaigns/${ids.gamma}/draft`, {
    name: 'Gamma banner', channels: ['in_app'], content: { in_app: { body: 'Gamma, next', priority: 'low' } },
  }, admin);
});

test.afterAll(async () => {
  if (server) await server.stop();
});

test.describe('editor', () => {
  test('reorders the live in-app campaigns with the keyboard, from the in-app filter, and the server has the order', async ({ page }) => {
    const problems = H.watchForScripts(page);
    await H.signInAs(page, server, T, admin, 'ed');
    await page.goto(`${server.baseURL}/t/${T}/s/dev/campaigns?channel=in_app`);
    await page.getByRole('link', { name: 'In-app priority order' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'In-app priority' })).toBeVisible();

    const high = page.getByRole('list', { name: 'High priority' });
    const medium = page.getByRole('list', { name: 'Medium priority' });
    const low = page.getByRole('list', { name: 'Low priority' });
    await expect(high.getByRole('listitem')).toHaveCount(1);
    await expect(medium.getByRole('listitem')).toHaveText([/Beta <script>/, /Gamma banner/, /Delta banner/]);
    await expect(low.getByRole('listitem')).toHaveText([/Omega banner/]);
    // The name with markup is text, shown as typed.
    await expect(medium.getByRole('link', { name: SCRIPT_NAME })).toBeVisible();
    await expect(medium.getByRole('listitem', { name: 'Gamma banner' })).toContainText('Draft version: Low once live');
    // Levels are content: nothing moves a campaign out of its level.
    await expect(page.getByRole('button', { name: 'Move Alpha banner up' })).toBeDisabled();
    await expect(page.getByRole('button', { name: 'Move Alpha banner down' })).toBeDisabled();
    await expect(page.getByRole('button', { name: `Move ${SCRIPT_NAME} up` })).toBeDisabled();
    await expect(page.getByRole('button', { name: 'Save order' })).toBeDisabled();
    await H.checkA11y(page, 'in-app priority');

    // Keyboard only: Gamma up with its button (Enter), then Beta down with Alt+ArrowDown on its row.
    const status = page.getByRole('status').filter({ hasText: 'moved to' });
    await page.getByRole('button', { name: 'Move Gamma banner up' }).focus();
    await page.keyboard.press('Enter');
    await expect(status).toHaveText('Gamma banner moved to position 2 of 5.');
    // Gamma is first of its level now: focus went to the button it can still use.
    await expect(page.getByRole('button', { name: 'Move Gamma banner down' })).toBeFocused();
    await page.getByRole('listitem', { name: SCRIPT_NAME }).focus();
    await page.keyboard.press('Alt+ArrowDown');
    await expect(page.getByRole('listitem', { name: SCRIPT_NAME })).toBeFocused();
    await expect(medium.getByRole('listitem')).toHaveText([/Gamma banner/, /Delta banner/, /Beta <script>/]);
    await expect(page.getByRole('status').filter({ hasText: 'moved to' })).toHaveText(/position 4 of 5/);
    // A move out of the level is refused (nothing happens).
    await page.keyboard.press('Alt+ArrowDown');
    await expect(medium.getByRole('listitem')).toHaveText([/Gamma banner/, /Delta banner/, /Beta <script>/]);

    await page.getByRole('button', { name: 'Save order' }).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('status').filter({ hasText: 'Order saved' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Save order' })).toBeDisabled();
    expect(await serverOrder()).toEqual([ids.alpha, ids.gamma, ids.delta, ids.beta, ids.omega]);
    // Gamma's draft version is untouched, still low once live.
    const gamma = await H.must(server, 200, 'GET', `${H.sandboxPath(T, 'dev')}/campaigns/${ids.gamma}`, undefined, admin);
    expect(gamma.draft_version.content.in_app.priority).toBe('low');
    expect(gamma.content.in_app.priority).toBeUndefined(); // medium, the default, is stored as nothing
    await H.screenshot(page, 'in-app-priority');

    expect(await page.evaluate(() => window.__ferryXss)).toBeUndefined();
    expect(problems).toEqual([]);
  });

  test('reorders with the mouse, and a stale order is not saved over a newer one', async ({ page }) => {
    await H.signInAs(page, server, T, admin, 'ed');
    await page.goto(`${server.baseURL}/t/${T}/s/dev/in-app-priority`);
    const medium = page.getByRole('list', { name: 'Medium priority' });
    await expect(medium.getByRole('listitem')).toHaveCount(3);
    await page.getByRole('button', { name: 'Move Delta banner up' }).click();
    await expect(medium.getByRole('listitem')).toHaveText([/Delta banner/, /Gamma banner/, /Beta <script>/]);
    await page.getByRole('button', { name: 'Reset' }).click();
    await expect(medium.getByRole('listitem')).toHaveText([/Gamma banner/, /Delta banner/, /Beta <script>/]);
    await medium.getByRole('listitem', { name: 'Delta banner' }).dragTo(medium.getByRole('listitem', { name: 'Gamma banner' }));
    await expect(medium.getByRole('listitem')).toHaveText([/Delta banner/, /Gamma banner/, /Beta <script>/]);

    // Meanwhile a new medium campaign goes live: this page's order is stale.
    const late = await inApp('Late banner');
    await page.getByRole('button', { name: 'Save order' }).click();
    await expect(page.getByRole('alert')).toContainText('The order changed since this page read it');
    expect(await serverOrder()).toEqual([ids.alpha, ids.gamma, ids.delta, ids.beta, late.id, ids.omega]);
    await H.screenshot(page, 'in-app-priority-stale');
    await page.getByRole('button', { name: 'Load the current order' }).click();
    await expect(medium.getByRole('listitem')).toHaveText([/Gamma banner/, /Delta banner/, /Beta <script>/, /Late banner/]);
  });
});

test.describe('viewer', () => {
  test('reads the order but cannot rearrange it', async ({ page }) => {
    await H.signInAs(page, server, T, admin, 'vi');
    await page.goto(`${server.baseURL}/t/${T}/s/dev/in-app-priority`);
    await expect(page.getByRole('list', { name: 'High priority' }).getByRole('listitem')).toHaveText([/Alpha banner/]);
    await expect(page.getByRole('button', { name: /^Move / })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Save order' })).toHaveCount(0);
    await H.checkA11y(page, 'in-app priority (viewer)');
  });
});

test.describe('editor, the level', () => {
  test('the campaign form sets the level, which waits in the draft version of a live campaign', async ({ page }) => {
    await H.signInAs(page, server, T, admin, 'ed');
    await page.goto(`${server.baseURL}/t/${T}/s/dev/campaigns/${ids.alpha}/edit`);
    const level = page.getByRole('combobox', { name: 'Priority' });
    await expect(level).toHaveValue('high');
    await level.selectOption('low');
    await page.getByRole('button', { name: 'Save draft version' }).click();
    const draft = page.getByRole('region', { name: 'Draft version' });
    await expect(draft).toBeVisible();
    await expect(draft.locator('tr[data-field="content.in_app.priority"]')).toContainText('low');
    // Not live yet: the order still has it first, at its live level, with the draft's beside it.
    const order = await H.must(server, 200, 'GET', `${H.sandboxPath(T, 'dev')}/in-app-priority`, undefined, admin);
    expect(order.items[0]).toMatchObject({ id: ids.alpha, level: 'high', draft_level: 'low' });
    await page.goto(`${server.baseURL}/t/${T}/s/dev/in-app-priority`);
    await expect(page.getByRole('listitem', { name: 'Alpha banner' })).toContainText('Draft version: Low once live');
  });
});
