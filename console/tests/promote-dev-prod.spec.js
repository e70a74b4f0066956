// Issue 19's story, in the browser: an admin promotes two campaigns from dev to prod. She makes
// a package of them from the campaign list ("Add to package" on a selection), publishes v1,
// plans its import into prod (a campaign of the same key made in prod is a conflict: an override
// resolves it; a webhook's secret is entered in a masked field), applies it with a double click
// (one import), a reviewer approves the imported draft in prod and it goes live. Then dev edits
// the email subject, v2 is published, the version diff shows the changed field, the import of v2
// lands as the draft version of the live campaign, and rolling it back restores the previous
// state. Every view gets axe-core and a screenshot.
const { test, expect } = require('@playwright/test');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const H = require('./harness');

test.describe.configure({ mode: 'serial' });

const T = 'story';
let server;
let t;

test.beforeAll(async () => {
  // Webhooks may target this machine (the receiver below never answers: deliveries fail).
  server = await H.startFerryd({ args: ['--allow-private-webhooks'] });
  t = await H.makeTenant(server, T, ['dev', 'prod']);
});

test.afterAll(async () => {
  if (server) await server.stop();
});

async function view(page, name) {
  await H.screenshot(page, name);
  await H.checkA11y(page, name);
}

const campaignsOf = async (sandbox) => (await H.must(server, 200, 'GET', `${H.sandboxPath(T, sandbox)}/campaigns`, null, t.adminToken)).items;
const importsOf = async (sandbox) => (await H.must(server, 200, 'GET', `${H.sandboxPath(T, sandbox)}/imports`, null, t.adminToken)).items;

test('dev → prod: package, publish, plan with an override and a secret, apply once, approve, v2 as a draft version, rollback', async ({ browser }) => {
  test.setTimeout(300_000);
  const a = t.adminToken;
  // dev's first content is set up through the API (creating campaigns is part 1's console).
  const seg = await H.must(server, 201, 'POST', `${H.sandboxPath(T, 'dev')}/segments`, { key: 'vip', name: 'VIP', rule: { tier: 'gold' } }, a);
  const welcome = await H.makeCampaign(server, T, 'dev', a, {
    key: 'welcome', name: 'Welcome', type: 'action', audience: { segment: seg.id },
    content: { email: { subject: 'Welcome aboard', body: '<p>Hello</p>' } },
  });
  await H.makeCampaign(server, T, 'dev', a, {
    key: 'hook', name: 'Order hook', type: 'api_triggered', channels: ['webhook'],
    content: { webhook: { url: 'https://hooks.example.com/order', auth_header: 'Bearer dev-secret' } },
  });
  // prod already has its own "welcome" (made there, never imported): a conflict.
  await H.makeCampaign(server, T, 'prod', a, { key: 'welcome', name: 'Welcome (prod copy)', type: 'action' });

  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = H.watchForScripts(page);
  await H.signInAs(page, server, T, a, 'admin');

  // 0. The admin creates the reviewer and prod's 1-approval policy, in the console.
  await H.navLink(page, 'Admin').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sandboxes' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Sandboxes' })).toContainText('prod');
  await view(page, 'admin-sandboxes');
  await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Webhooks' }).click();
  await page.getByLabel('URL').fill('http://127.0.0.1:9/ferry-events');
  await page.getByLabel('import.applied').check();
  await page.getByLabel('Secret').fill('a-secret-of-at-least-16');
  await page.getByRole('button', { name: 'Create webhook' }).click();
  await expect(page.getByRole('region', { name: 'Webhook http://127.0.0.1:9/ferry-events' })).toContainText('import.applied');
  await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Users' }).click();
  await page.getByLabel('User id').fill('rita');
  await page.getByLabel('Full name').fill('Rita Reviewer');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'User rita' })).toBeVisible();
  await page.getByRole('checkbox', { name: 'reviewer on prod' }).check();
  await page.getByRole('button', { name: 'Save roles' }).click();
  await expect(page.getByRole('region', { name: 'Profile' })).toContainText('reviewer on prod');
  await page.getByRole('button', { name: 'Create sign-in link' }).click();
  const ritaLink = await page.getByTestId('sign-in-link').textContent();
  await view(page, 'admin-user');
  await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Users' }).click();
  await expect(page.getByRole('table', { name: 'Users' })).toContainText('reviewer on prod');
  await view(page, 'admin-users');
  await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Approval policies' }).click();
  await page.getByRole('link', { name: 'New policy' }).click();
  await page.getByLabel('Name', { exact: true }).fill('Prod needs a reviewer');
  await page.getByLabel('Field of condition 1.1').selectOption('sandbox');
  await page.getByLabel('Test of condition 1.1').selectOption('equals');
  await page.getByLabel('Value of condition 1.1').fill('prod');
  await page.getByRole('button', { name: 'Add group to group 1' }).click();
  await page.getByLabel('Field of condition 1.2.1').selectOption('channel');
  await page.getByLabel('Test of condition 1.2.1').selectOption('in');
  await page.getByLabel('Value of condition 1.2.1').fill('email, sms, webhook');
  await page.getByLabel('Approver role').selectOption('reviewer');
  await page.getByLabel('Approvals required').fill('1');
  await view(page, 'admin-policy-new');
  await page.getByRole('button', { name: 'Create policy' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Policy Prod needs a reviewer' })).toBeVisible();
  await expect(page.getByText('This policy is active: it cannot be edited.')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Policy' })).toContainText('(sandbox is prod and channel is one of email, sms, webhook)');
  await expect(page.getByRole('button', { name: 'Save policy' })).toHaveCount(0);
  await view(page, 'admin-policy-active');
  await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Approval policies' }).click();
  await expect(page.getByRole('table', { name: 'Approval policies' })).toContainText('Active');
  await view(page, 'admin-policies');

  // 1. A package from two dev campaigns, with "Add to package" on a selection.
  await page.goto(`${server.baseURL}/t/${T}/s/dev/campaigns`);
  await page.getByRole('checkbox', { name: 'Select Welcome' }).check();
  await page.getByRole('checkbox', { name: 'Select Order hook' }).check();
  await page.getByRole('region', { name: 'Bulk actions' }).getByRole('button', { name: 'Add to package' }).click();
  const pick = page.getByRole('dialog', { name: 'Add 2 campaigns to a package' });
  await pick.getByLabel('Name of the new one').fill('onboarding');
  await H.screenshot(page, 'add-to-package-dialog');
  await pick.getByRole('button', { name: 'Add to package' }).click();
  await expect(page.getByRole('status').filter({ hasText: '2 campaigns added to package onboarding' })).toBeVisible();

  // 2. The package page: roots, the closure, publish v1.
  await H.navLink(page, 'Packages').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Packages' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Packages' })).toContainText('onboarding');
  await view(page, 'packages');
  await page.getByRole('link', { name: 'onboarding' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Package onboarding' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Root campaigns of onboarding' })).toContainText('Welcome');
  await expect(page.getByRole('table', { name: 'Root campaigns of onboarding' })).toContainText('Order hook');
  await expect(page.getByRole('table', { name: 'Dependencies of onboarding' })).toContainText('VIP');
  await expect(page.getByRole('table', { name: 'Dependencies of onboarding' })).toContainText('dependency');
  await view(page, 'package');
  await page.getByRole('button', { name: 'Publish a version' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'onboarding version 1' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Version' })).toContainText('Valid');
  await expect(page.getByRole('region', { name: 'Version' })).toContainText('ed25519:');
  await expect(page.getByRole('table', { name: 'Objects of onboarding v1' })).toContainText('campaigns/welcome.json');
  await expect(page.getByRole('table', { name: 'Objects of onboarding v1' })).toContainText('segments/vip.json');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download export' }).click()]);
  expect(download.suggestedFilename()).toBe('onboarding-v1.json');
  await view(page, 'package-version');

  // 3. The plan for prod: the prod "welcome" is a conflict, the hook needs its secret.
  await page.getByRole('link', { name: 'Import into prod' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Plan an import into prod' })).toBeVisible();
  const plan = page.getByRole('region', { name: 'Plan', exact: true });
  await expect(plan).toContainText('Conflicts');
  const welcomeItem = page.getByRole('region', { name: 'campaign welcome' });
  await expect(welcomeItem.locator('.v-import-action')).toHaveText('Conflict');
  await expect(welcomeItem.getByRole('table', { name: 'Differences of campaign welcome' })).toContainText('Welcome (prod copy)');
  const hookItem = page.getByRole('region', { name: 'campaign hook' });
  await expect(hookItem).toContainText('Needs a value for: hook.webhook.auth_header');
  await expect(page.getByRole('region', { name: 'Approvals prod will need' })).toContainText('Prod needs a reviewer');
  await expect(page.getByRole('button', { name: 'Apply import' })).toBeDisabled();
  await welcomeItem.scrollIntoViewIfNeeded();
  await view(page, 'import-plan-conflict');
  await welcomeItem.getByLabel('Policy for campaign welcome').selectOption('update');
  const secret = page.getByLabel('Secret hook.webhook.auth_header');
  await expect(secret).toHaveAttribute('type', 'password');
  await secret.fill('Bearer prod-secret');
  await page.getByRole('button', { name: 'Recompute plan' }).click();
  await expect(plan).toContainText('Ready to apply');
  await expect(welcomeItem.locator('.v-import-action')).toHaveText('Update');
  await expect(hookItem.locator('.v-import-action')).toHaveText('Create');
  await view(page, 'import-plan-ready');

  // 4. Apply with a double click: one import.
  await page.getByRole('button', { name: 'Apply import' }).dblclick();
  await expect(page.getByRole('heading', { level: 1, name: 'Import of onboarding v1 into prod' })).toBeVisible();
  expect((await importsOf('prod')).length).toBe(1);
  const items = page.getByRole('table', { name: 'Objects of the import' });
  await expect(items.getByRole('link', { name: 'campaign welcome' })).toBeVisible();
  await expect(items.getByRole('link', { name: 'campaign hook' })).toBeVisible();
  await expect(items.getByRole('link', { name: 'segment vip' })).toBeVisible();
  await view(page, 'import-result');
  const prodWelcome = (await campaignsOf('prod')).find((c) => c.key === 'welcome');
  expect(prodWelcome.content.email.subject).toBe('Welcome aboard');
  expect(prodWelcome.provenance.version).toBe(1);

  // 5. Submitted in prod, the reviewer approves it, it goes live.
  await items.getByRole('link', { name: 'campaign welcome' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome' })).toBeVisible();
  await page.getByRole('button', { name: 'Submit for review' }).click();
  await expect(page.getByText(/This campaign is in review/)).toBeVisible();
  const rita = await (await browser.newContext()).newPage();
  await rita.goto(ritaLink);
  await expect(rita.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await rita.goto(`${server.baseURL}/t/${T}/reviews`);
  await rita.getByRole('link', { name: 'Welcome' }).first().click();
  await rita.getByRole('button', { name: 'Approve' }).click();
  await expect(rita.getByTestId('review-outcome')).toContainText('Approved');
  expect((await campaignsOf('prod')).find((c) => c.key === 'welcome').status).toBe('active');

  // 6. dev edits the subject; v2 is published; the diff shows the changed field.
  await page.goto(`${server.baseURL}/t/${T}/s/dev/campaigns/${welcome.id}/edit`);
  await page.getByRole('textbox', { name: 'Subject' }).fill('Welcome aboard, friend');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome' })).toBeVisible();
  await page.goto(`${server.baseURL}/t/${T}/packages/onboarding`);
  await page.getByRole('button', { name: 'Publish a version' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'onboarding version 2' })).toBeVisible();
  await page.getByRole('button', { name: 'Compare' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'onboarding: changes from v1 to v2' })).toBeVisible();
  const changes = page.getByRole('table', { name: 'Changes of campaigns/welcome.json' });
  await expect(changes).toContainText('spec.content.email.subject');
  await expect(changes).toContainText('Welcome aboard, friend');
  await view(page, 'package-diff');

  // 7. v2 into prod: the live campaign gets it as its draft version.
  await page.goto(`${server.baseURL}/t/${T}/packages/onboarding/versions/2`);
  await page.getByRole('link', { name: 'Import into prod' }).click();
  await expect(welcomeItem.locator('.v-import-action')).toHaveText(/Update|Merge/);
  await expect(welcomeItem).toContainText('as draft version');
  await expect(hookItem.locator('.v-import-action')).toHaveText('Skip');
  await expect(plan).toContainText('Ready to apply');
  await view(page, 'import-plan-v2');
  await page.getByRole('button', { name: 'Apply import' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Import of onboarding v2 into prod' })).toBeVisible();
  let live = (await campaignsOf('prod')).find((c) => c.key === 'welcome');
  expect(live.status).toBe('active');
  expect(live.content.email.subject).toBe('Welcome aboard');
  expect(live.has_draft_version || live.draft_version).toBeTruthy();

  // 8. Roll it back: the draft version is gone, the live campaign as it was.
  await page.getByRole('button', { name: 'Roll back' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Roll back' }).click();
  await expect(page.getByRole('region', { name: 'Import', exact: true })).toContainText('Rolled back');
  live = (await campaignsOf('prod')).find((c) => c.key === 'welcome');
  expect(live.status).toBe('active');
  expect(live.draft_version || null).toBeNull();
  await H.navLink(page, 'Imports').click();
  await expect(page.getByRole('table', { name: 'Imports into prod' })).toContainText('Rolled back');
  await view(page, 'imports');

  // Import 1 cannot be rolled back: the campaign went live since. The refusal names it.
  await page.getByRole('table', { name: 'Imports into prod' }).getByRole('row').last().getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Import of onboarding v1 into prod' })).toBeVisible();
  await page.getByRole('button', { name: 'Roll back' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Roll back' }).click();
  const refusal = page.getByRole('alert');
  await expect(refusal).toContainText('changed since the import');
  await expect(refusal.getByRole('list', { name: 'Edited since the import' }).getByRole('link', { name: /campaign/ })).toBeVisible();
  await view(page, 'import-rollback-refused');
  // The email preview is a sandboxed srcdoc frame without scripts; Chromium reports that it
  // blocked the frame's (empty) script context, which is the sandbox doing its job. The refused
  // rollback's 409 is logged by Chromium as a failed resource.
  expect(problems.filter((p) => !p.includes("about:srcdoc' because the document's frame is sandboxed")
    && !p.includes('status of 409 (Conflict)'))).toEqual([]);
  await context.close();
});

// The ferry CLI of the same build, with only environment variables (no credentials file).
function cli(args, token) {
  const ferry = process.env.FERRY_CLI || path.resolve(path.dirname(process.env.FERRYD || path.join(__dirname, '..', '..', 'build', 'dev', 'service', 'ferryd')), '..', 'cli', 'ferry');
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-cli-home-'));
  return new Promise((resolve) => {
    execFile(ferry, args, {
      env: { PATH: process.env.PATH, HOME: home, FERRY_SERVER: server.baseURL, FERRY_TENANT: T, FERRY_TOKEN: token },
      timeout: 30_000,
    }, (error, stdout, stderr) => {
      fs.rmSync(home, { recursive: true, force: true });
      resolve({ code: error ? error.code : 0, stdout, stderr });
    });
  });
}

test('a token made in the console is shown once, works with the CLI, and stops working when revoked there', async ({ browser }) => {
  const context = await browser.newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.baseURL });
  const page = await context.newPage();
  const problems = H.watchForScripts(page);
  await H.signInAs(page, server, T, t.adminToken, 'admin');
  await page.goto(`${server.baseURL}/t/${T}/admin/users`);
  await page.getByLabel('User id').fill('ci-bot');
  await page.getByLabel('Full name').fill('CI bot');
  await page.getByRole('button', { name: 'Create user' }).click();
  await page.getByRole('checkbox', { name: 'importer on prod' }).check();
  await page.getByRole('button', { name: 'Save roles' }).click();
  await expect(page.getByRole('region', { name: 'Profile' })).toContainText('importer on prod');

  await page.getByLabel('Token name').fill('deploys');
  await page.getByLabel('Expires (UTC)').fill('2099-01-01T00:00');
  await page.getByRole('button', { name: 'Create token' }).click();
  const shown = page.getByTestId('new-token');
  await expect(shown).toHaveText(/^fry_/);
  const token = await shown.textContent();
  await expect(page.getByText('it is shown only once')).toBeVisible();
  await page.getByRole('button', { name: 'Copy token' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  await expect(page.getByRole('table', { name: 'Tokens of ci-bot' })).toContainText('1 Jan 2099');
  await H.screenshot(page, 'admin-token-created');

  const ok = await cli(['whoami'], token);
  expect(ok.code, ok.stderr).toBe(0);
  expect(ok.stdout).toContain('ci-bot');

  // Shown once: after a reload, only its name is left.
  await page.reload();
  await expect(page.getByRole('table', { name: 'Tokens of ci-bot' })).toContainText('deploys');
  await expect(page.getByTestId('new-token')).toHaveCount(0);
  expect(await page.content()).not.toContain(token);
  await page.getByRole('button', { name: 'Revoke token deploys' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByRole('table', { name: 'Tokens of ci-bot' })).toContainText('Revoked');
  await H.checkA11y(page, 'admin user with a revoked token');

  const refused = await cli(['whoami'], token);
  expect(refused.code).toBe(7);
  expect(refused.stderr).toMatch(/unauthorized/i);
  expect(problems).toEqual([]);
  await context.close();
});

test('the audit view lists the story in order and reports the chain verified; webhooks and keys', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = H.watchForScripts(page);
  await H.signInAs(page, server, T, t.adminToken, 'admin');
  // The tour's pipeline, made in the console.
  await H.navLink(page, 'Pipelines').click();
  await page.getByLabel('Pipeline name').fill('main');
  await page.getByLabel('Stages').fill('dev, prod');
  await page.getByRole('button', { name: 'Create pipeline' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Pipeline main' })).toBeVisible();
  await expect(page.getByText('dev → prod')).toBeVisible();
  await H.checkA11y(page, 'pipelines with the create form');

  await page.goto(`${server.baseURL}/t/${T}/admin/audit`);
  await expect(page.getByTestId('audit-verify')).toContainText('Chain verified');
  await page.getByLabel('Actor').fill('admin');
  await page.getByRole('button', { name: 'Filter' }).click();
  const actions = await page.getByRole('table', { name: 'Audit records' }).locator('tbody tr td:nth-child(4)').allTextContents();
  const story = ['webhook.create', 'user.create', 'user.update', 'policy.create', 'package.create', 'package.publish', 'import.apply',
    'package.publish', 'import.apply', 'import.rollback', 'token.create', 'token.revoke'];
  let at = -1;
  for (const a of story) {
    const next = actions.findIndex((x, i) => i > at && x === a);
    expect(next, `${a} after position ${at} in ${actions.join(', ')}`).toBeGreaterThan(at);
    at = next;
  }
  await view(page, 'admin-audit');
  await page.getByLabel('Action').fill('import');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page.getByRole('table', { name: 'Audit records' }).locator('tbody tr')).toHaveCount(3);
  await expect(page).toHaveURL(/action=import/);

  await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Webhooks' }).click();
  const hook = page.getByRole('region', { name: 'Webhook http://127.0.0.1:9/ferry-events' });
  await expect(async () => {
    await page.reload();
    await expect(hook.getByRole('table', { name: /Recent deliveries/ })).toContainText('import.applied', { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await view(page, 'admin-webhooks');

  await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Signing keys' }).click();
  const before = await page.getByTestId('active-key').textContent();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: `Download public key ${before}` }).click()]);
  expect(download.suggestedFilename()).toContain('.pub.pem');
  await page.getByRole('button', { name: 'Rotate key' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Rotate' }).click();
  await expect(page.getByRole('table', { name: 'Previous keys' })).toContainText(before);
  await expect(page.getByTestId('active-key')).not.toHaveText(before);
  await view(page, 'admin-keys');
  expect(problems).toEqual([]);
  await context.close();
});

test('a reviewer of prod is offered nothing she may not do', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await H.signInAs(page, server, T, t.adminToken, 'rita');
  await expect(H.navLink(page, 'Admin')).toHaveCount(0);
  // Packages come from dev, where she has no role: none is listed, none can be created.
  await H.navLink(page, 'Packages').click();
  await expect(page.getByText('No package yet.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create package' })).toHaveCount(0);
  // She may plan an import into prod, not apply it; the history has no Roll back.
  await page.goto(`${server.baseURL}/t/${T}/s/prod/imports/new?package=onboarding&version=2`);
  await expect(page.getByRole('region', { name: 'Plan', exact: true })).toBeVisible();
  await expect(page.getByText('You can plan this import but not apply it')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Apply import' })).toHaveCount(0);
  await H.checkA11y(page, 'import plan for a reviewer');
  await page.goto(`${server.baseURL}/t/${T}/s/prod/imports`);
  await page.getByRole('table', { name: 'Imports into prod' }).getByRole('link').first().click();
  await expect(page.getByRole('heading', { level: 1, name: /Import of onboarding/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Roll back' })).toHaveCount(0);
  // The administration pages say so and show nothing.
  await page.goto(`${server.baseURL}/t/${T}/admin/users`);
  await expect(page.getByText('Only tenant admins administer the tenant.')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Users' })).toHaveCount(0);
  await context.close();
});

test('publishing under a package policy shows the review it opened', async ({ browser }) => {
  const a = t.adminToken;
  const c = await H.makeCampaign(server, T, 'dev', a, { key: 'gated', name: 'Gated' });
  await H.must(server, 201, 'POST', `/v1/tenants/${T}/packages`, { name: 'gated', source_sandbox: 'dev', objects: [{ kind: 'campaign', id: c.id }] }, a);
  await H.must(server, 201, 'POST', `/v1/tenants/${T}/approval-policies`, {
    name: 'Gated packages', scope: 'package', conditions: { all: [{ field: 'name', op: 'equals', value: 'gated' }] }, approvers: { role: 'reviewer' },
  }, a);
  const context = await browser.newContext();
  const page = await context.newPage();
  await H.signInAs(page, server, T, a, 'admin');
  await page.goto(`${server.baseURL}/t/${T}/packages/gated`);
  await page.getByRole('button', { name: 'Publish a version' }).click();
  const status = page.getByRole('status').filter({ hasText: 'publishing waits for a review' });
  await expect(status).toBeVisible();
  await expect(status.getByRole('link', { name: /^Review rev_/ })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Versions' })).toContainText('Not published yet.');
  await H.checkA11y(page, 'package with a pending review');
  await context.close();
});
