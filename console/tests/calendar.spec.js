// The calendar: this ISO week's active and scheduled campaigns (no drafts, no paused), completed
// and stopped on demand, multi-day campaigns across the top, one-hour blocks in their day, week
// navigation, type and channel filters, and the details panel. Server and browser clocks are
// both fixed in week 50 of 2026 (Thursday 10 December, 09:00 UTC).
const { test, expect } = require('@playwright/test');
const h = require('./harness');

const T = 'cal';
const NOW = '2026-12-10T09:00:00.000Z';
let server;
let t;

test.beforeAll(async () => {
  server = await h.startFerryd({ testClock: true, args: ['--test-clock-start', '2026-12-07T08:00:00Z'] });
  t = await h.makeTenant(server, T, ['dev']);
  await h.makeUser(server, T, t.adminToken, 'alice', ['dev:editor'], { name: 'Alice Martin' });
  const a = t.adminToken;
  const seg = await h.makeSegment(server, T, 'dev', a, 'Everyone');
  // Activated on Monday 08:00, completed 3 days later.
  await h.campaignIn(server, T, 'dev', a, 'active', { name: 'Done deal' });
  await h.advanceClock(server, 3 * 86400 + 3600);

  await h.campaignIn(server, T, 'dev', a, 'active', { name: 'Flash sale', tags: ['promo'] });
  await h.campaignIn(server, T, 'dev', a, 'scheduled', {
    name: 'Spring launch', description: 'The spring collection, first wave.', channels: ['email', 'sms'],
    content: { email: { subject: 'Spring', body: 'Spring is here' }, sms: { body: 'Spring is here' } },
    schedule: { start: '2026-12-11T14:00:00Z' },
  });
  await h.campaignIn(server, T, 'dev', a, 'active', {
    name: 'Winter newsletter', type: 'action', audience: { segment: seg.id },
    schedule: { start: '2026-12-01T07:00:00Z', end: '2027-01-31T07:00:00Z', recurrence: { frequency: 'weekly' } },
  });
  await h.makeCampaign(server, T, 'dev', a, { name: 'Draft idea', schedule: { start: '2026-12-11T10:00:00Z' } });
  await h.campaignIn(server, T, 'dev', a, 'stopped', { name: 'Stopped promo', schedule: { start: '2026-12-12T10:00:00Z' } });
  await h.campaignIn(server, T, 'dev', a, 'paused', { name: 'Paused one' });
  await h.campaignIn(server, T, 'dev', a, 'scheduled', { name: 'Next week promo', schedule: { start: '2026-12-16T10:00:00Z' } });
  const orchestrated = await h.makeCampaign(server, T, 'dev', a, {
    name: 'Orchestrated ride', type: 'orchestrated', audience: { segment: seg.id }, schedule: { start: '2026-12-11T16:00:00Z' },
  });
  await h.must(server, 200, 'POST', `${h.sandboxPath(T, 'dev')}/campaigns/${orchestrated.id}/actions/activate`, {}, a);
  // Publishing completes at the scheduler's next pass.
  await h.advanceClock(server, 0);
});

test.afterAll(async () => {
  if (server) await server.stop();
});

async function openCalendar(browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.clock.setSystemTime(new Date(NOW));
  await h.signInAs(page, server, T, t.adminToken, 'alice');
  await h.navLink(page, 'Calendar').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Calendar' })).toBeVisible();
  return { context, page };
}

const named = (name) => new RegExp(`^${name}\\s*,`);
const block = (page, name) => page.getByRole('button', { name: named(name) });
const slot = (page, label) => page.getByRole('group', { name: label });

test("shows this week's active and scheduled campaigns, no drafts, and completed or stopped on demand", async ({ browser }) => {
  const { context, page } = await openCalendar(browser);
  const problems = h.watchForScripts(page);
  await expect(page.getByText('7 Dec – 13 Dec 2026 · Week 50')).toBeVisible();
  await expect(page).toHaveURL(/week=2026-W50/);
  await expect(page.getByRole('button', { name: 'This week' })).toBeDisabled();

  await expect(slot(page, 'Thursday 10 December, 09:00').getByRole('button', { name: named('Flash sale') })).toBeVisible();
  await expect(slot(page, 'Friday 11 December, 14:00').getByRole('button', { name: named('Spring launch') })).toBeVisible();
  await expect(slot(page, 'Friday 11 December, 16:00').getByRole('button', { name: named('Orchestrated ride') })).toBeVisible();
  await expect(slot(page, 'Campaigns over several days').getByRole('button', { name: named('Winter newsletter') })).toBeVisible();
  for (const name of ['Draft idea', 'Stopped promo', 'Done deal', 'Paused one', 'Next week promo']) {
    await expect(block(page, name)).toHaveCount(0);
  }
  await expect(page.getByRole('status').filter({ hasText: 'campaigns this week' })).toHaveText('4 campaigns this week');
  await h.screenshot(page, 'calendar');
  await h.checkA11y(page, 'calendar');

  await page.getByLabel('Show completed').check();
  await expect(slot(page, 'Monday 7 December, 08:00').getByRole('button', { name: named('Done deal') })).toBeVisible();
  await expect(block(page, 'Stopped promo')).toHaveCount(0);
  await page.getByLabel('Show stopped').check();
  await expect(slot(page, 'Saturday 12 December, 10:00').getByRole('button', { name: named('Stopped promo') })).toBeVisible();
  await page.getByLabel('Show completed').uncheck();
  await expect(block(page, 'Done deal')).toHaveCount(0);
  await expect(block(page, 'Draft idea')).toHaveCount(0);
  expect(problems).toEqual([]);
  await context.close();
});

test('moves week by week and back to this week', async ({ browser }) => {
  const { context, page } = await openCalendar(browser);
  await page.getByRole('button', { name: 'Next week' }).click();
  await expect(page.getByText('14 Dec – 20 Dec 2026 · Week 51')).toBeVisible();
  await expect(page).toHaveURL(/week=2026-W51/);
  await expect(slot(page, 'Wednesday 16 December, 10:00').getByRole('button', { name: named('Next week promo') })).toBeVisible();
  await expect(block(page, 'Flash sale')).toHaveCount(0);
  await expect(block(page, 'Winter newsletter')).toBeVisible();
  await expect(page.getByRole('button', { name: 'This week' })).toBeEnabled();

  await page.getByRole('button', { name: 'Previous week' }).click();
  await page.getByRole('button', { name: 'Previous week' }).click();
  await expect(page.getByText('30 Nov – 6 Dec 2026 · Week 49')).toBeVisible();
  await expect(block(page, 'Winter newsletter')).toBeVisible();
  await expect(block(page, 'Spring launch')).toHaveCount(0);
  await h.screenshot(page, 'calendar-week-49');

  await page.getByRole('button', { name: 'This week' }).click();
  await expect(page.getByText('7 Dec – 13 Dec 2026 · Week 50')).toBeVisible();
  await expect(block(page, 'Flash sale')).toBeVisible();
  // A week in the URL opens that week.
  await page.goto(`${server.baseURL}/t/${T}/s/dev/calendar?week=2026-W51`);
  await expect(page.getByText('14 Dec – 20 Dec 2026 · Week 51')).toBeVisible();
  await context.close();
});

test('a block opens its details panel, which links to the campaign', async ({ browser }) => {
  const { context, page } = await openCalendar(browser);
  const opener = block(page, 'Spring launch');
  await opener.click();
  const panel = page.getByRole('dialog', { name: 'Spring launch' });
  await expect(panel).toBeVisible();
  await expect(panel).toContainText('Scheduled');
  await expect(panel).toContainText('API-triggered');
  await expect(panel).toContainText('11 Dec 2026, 14:00 UTC');
  await expect(panel).toContainText('SMS');
  await expect(panel).toContainText('The spring collection, first wave.');
  await expect(panel).not.toContainText('null');
  await expect(panel.getByRole('link', { name: 'Open campaign' })).toHaveAttribute('href', new RegExp(`/t/${T}/s/dev/campaigns/cmp_`));
  await h.screenshot(page, 'calendar-details');
  await h.checkA11y(page, 'calendar details panel');
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
  await expect(opener).toBeFocused();

  // The keyboard opens it too, and the link leads to the campaign page.
  await opener.press('Enter');
  await expect(panel).toBeVisible();
  await panel.getByRole('link', { name: 'Open campaign' }).click();
  await expect(page).toHaveURL(new RegExp(`/t/${T}/s/dev/campaigns/cmp_[A-Za-z0-9]+$`));
  await context.close();
});

test('filters on type and channel', async ({ browser }) => {
  const { context, page } = await openCalendar(browser);
  await page.getByLabel('Type').selectOption('orchestrated');
  await expect(block(page, 'Orchestrated ride')).toBeVisible();
  await expect(block(page, 'Flash sale')).toHaveCount(0);
  await expect(block(page, 'Winter newsletter')).toHaveCount(0);
  await page.getByLabel('Type').selectOption('');
  await page.getByLabel('Channel').selectOption('sms');
  await expect(block(page, 'Spring launch')).toBeVisible();
  await expect(block(page, 'Flash sale')).toHaveCount(0);
  await expect(page).toHaveURL(/channel=sms/);
  await context.close();
});
