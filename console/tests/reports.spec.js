// Campaign reports (issue 25, docs/reports.md): the delivery engine (a reporter token) posts
// figures; a viewer opens "Report (24 h)" from the inventory's row menu and finds the chart and
// the table in agreement, then the full report; the campaign page links both; the sandbox's
// Reports page shows the top campaigns; a reviewer of a draft version sees the live version's
// last 24 hours. A name holding markup stays text. Everything on the test clock.
const { test, expect } = require('@playwright/test');
const H = require('./harness');

const T = 'rep';
const NAME = 'Spring sale <script>window.__ferryXss = 1</script><img src=x onerror="window.__ferryXss = 2">';
let server;
let admin;
let engine;
let editor;
let campaign;
let quiet;

const HOURS = [
  // hour (UTC, on 23 Nov 2026), email counts, sms counts
  ['06', { targeted: 400, sent: 380, delivered: 360, bounced: 10, opened: 120, clicked: 30, converted: 6, failed: 20 }, { targeted: 100, sent: 100, delivered: 98 }],
  ['07', { targeted: 900, sent: 870, delivered: 850, bounced: 12, opened: 400, clicked: 90, converted: 15, unsubscribed: 3, failed: 30 }, null],
  ['08', { targeted: 650, sent: 640, delivered: 600, bounced: 20, opened: 310, clicked: 61, converted: 9, failed: 10 }, { targeted: 50, sent: 48, delivered: 47, failed: 2 }],
];

test.beforeAll(async () => {
  server = await H.startFerryd({ testClock: true, args: ['--test-clock-start', '2026-11-23T09:30:00Z'] });
  ({ adminToken: admin } = await H.makeTenant(server, T, ['dev']));
  editor = await H.makeUser(server, T, admin, 'ed', ['dev:editor'], { name: 'Edith Editor' });
  await H.makeUser(server, T, admin, 'vi', ['dev:viewer'], { name: 'Victor Viewer' });
  await H.makeUser(server, T, admin, 'rita', ['dev:reviewer'], { name: 'Rita Reviewer' });
  engine = await H.makeUser(server, T, admin, 'engine', ['dev:reporter'], { name: 'Delivery engine' });
  campaign = await H.campaignIn(server, T, 'dev', admin, 'active', {
    name: NAME, channels: ['email', 'sms'], content: { email: { subject: 'Hi', body: '<p>Hi</p>' }, sms: { body: 'Hi' } },
  });
  quiet = await H.campaignIn(server, T, 'dev', admin, 'active', { name: 'Quiet newsletter' });
  const figures = [];
  for (const [hour, email, sms] of HOURS) {
    const from = `2026-11-23T${hour}:00:00Z`;
    const to = `2026-11-23T${String(Number(hour) + 1).padStart(2, '0')}:00:00Z`;
    figures.push({ campaign: campaign.id, channel: 'email', from, to, counts: email, revenue: { currency: 'EUR', amount: '125.50' } });
    if (sms) figures.push({ campaign: campaign.id, channel: 'sms', from, to, counts: sms });
  }
  figures.push({ campaign: quiet.id, channel: 'email', from: '2026-11-23T08:00:00Z', to: '2026-11-23T09:00:00Z', counts: { targeted: 20, sent: 20, delivered: 19 } });
  const token = engine;
  await H.must(server, 201, 'POST', `${H.sandboxPath(T, 'dev')}/figure-batches`, { id: 'engine-1', figures }, token);
});

test.afterAll(async () => {
  if (server) await server.stop();
});

// Every point of the chart's "sent" line, and every row of the table: the same numbers.
async function expectChartAndTableAgree(page, tableName) {
  const table = page.getByRole('table', { name: tableName });
  await expect(table).toBeVisible();
  const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => ({
    slot: tr.getAttribute('data-slot'),
    sent: tr.querySelector('[data-count="sent"]').textContent,
    delivered: tr.querySelector('[data-count="delivered"]').textContent,
  })));
  const chart = page.getByRole('img', { name: tableName });
  await expect(chart).toBeVisible();
  const points = await chart.evaluate((svg) => {
    const out = {};
    for (const g of svg.querySelectorAll('[data-series]')) {
      out[g.getAttribute('data-series')] = Object.fromEntries(
        [...g.querySelectorAll('circle')].map((c) => [c.getAttribute('data-slot'), Number(c.getAttribute('data-value'))]));
    }
    return out;
  });
  expect(rows.length).toBeGreaterThan(0);
  expect(Object.keys(points.sent).length).toBe(rows.length);
  const fmt = new Intl.NumberFormat('en');
  for (const r of rows) {
    expect(fmt.format(points.sent[r.slot]), `sent at ${r.slot}`).toBe(r.sent);
    expect(fmt.format(points.delivered[r.slot]), `delivered at ${r.slot}`).toBe(r.delivered);
  }
  return rows;
}

test.describe('viewer', () => {
  test('opens the 24-hour report from the row menu: chart and table agree, rates as stated, the name stays text', async ({ page }) => {
    const problems = H.watchForScripts(page);
    await H.signInAs(page, server, T, admin, 'vi');
    await page.goto(`${server.baseURL}/t/${T}/s/dev/campaigns`);
    await page.getByRole('button', { name: `Actions for ${NAME}` }).click();
    await page.getByRole('menuitem', { name: 'Report (24 h)' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Report (24 h): ${NAME}`);

    const rows = await expectChartAndTableAgree(page, 'Figures by the hour');
    expect(rows).toHaveLength(24);
    const table = page.getByRole('table', { name: 'Figures by the hour' });
    // 07:00 on 23 Nov: 870 email messages sent.
    await expect(table.getByRole('row', { name: /^23 Nov 07:00/ }).getByRole('cell').nth(1)).toHaveText('870');
    // Totals: sent 380+100+870+640+48 = 2,038; delivered 360+98+850+600+47 = 1,955 (95.9 %).
    const totals = page.getByRole('region', { name: 'Totals' });
    await expect(totals.getByRole('definition').filter({ hasText: '2,038' })).toHaveCount(1);
    await expect(totals.locator('[data-rate="delivery"]')).toHaveText('95.9 %');
    await expect(page.getByRole('table', { name: 'By channel' }).getByRole('row', { name: /SMS/ })).toContainText('148');
    await expect(page.getByRole('table', { name: 'By live version' }).getByRole('row', { name: /Version 1/ })).toBeVisible();

    expect(await page.evaluate(() => window.__ferryXss)).toBeUndefined();
    expect(problems).toEqual([]);
    await H.screenshot(page, 'report-24h');
    await H.checkA11y(page, 'the 24-hour report');

    await page.getByRole('navigation', { name: 'Report period' }).getByRole('link', { name: 'Full report' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Full report: ${NAME}`);
    const days = await expectChartAndTableAgree(page, 'Figures by the day');
    expect(days).toHaveLength(1);
    expect(days[0].sent).toBe('2,038');
    await H.screenshot(page, 'report-full');
  });

  test('the campaign page links both reports, and the sandbox overview lists the top campaigns', async ({ page }) => {
    await H.signInAs(page, server, T, admin, 'vi');
    await page.goto(`${server.baseURL}/t/${T}/s/dev/campaigns/${campaign.id}`);
    const links = page.getByRole('navigation', { name: 'Reports' });
    await expect(links.getByRole('link', { name: 'Report (24 h)' })).toBeVisible();
    await links.getByRole('link', { name: 'Full report' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Full report: ${NAME}`);

    await H.navLink(page, 'Reports').click();
    await expect(page.getByRole('heading', { level: 1, name: 'Reports: dev' })).toBeVisible();
    const top = page.getByRole('table', { name: 'Top campaigns by messages sent' });
    await expect(top.getByRole('row')).toHaveCount(3);
    await expect(top.getByRole('row').nth(1)).toContainText(NAME);
    await expect(top.getByRole('row').nth(2)).toContainText('Quiet newsletter');
    await expectChartAndTableAgree(page, 'Sandbox figures by the day');
    await H.screenshot(page, 'reports-overview');
    await H.checkA11y(page, 'the sandbox overview');
  });
});

test.describe('reviewer', () => {
  test('sees the live version\'s last 24 hours on the review of a draft version', async ({ page }) => {
    await H.must(server, 201, 'POST', `/v1/tenants/${T}/approval-policies`, {
      name: 'Reviewed drafts', scope: 'campaign', conditions: { all: [] }, approvers: { role: 'reviewer' }, required_approvals: 1,
    }, admin);
    const token = editor;
    await H.must(server, 200, 'PUT', `${H.sandboxPath(T, 'dev')}/campaigns/${campaign.id}/draft`, {
      name: 'Spring sale, second wave', channels: ['email'], content: { email: { subject: 'Again', body: '<p>Again</p>' } },
    }, token);
    await H.must(server, 200, 'POST', `${H.sandboxPath(T, 'dev')}/campaigns/${campaign.id}/actions/submit-draft`, {}, token);
    const reviews = await H.must(server, 200, 'GET', `/v1/tenants/${T}/reviews`, undefined, admin);
    const review = reviews.items.find((r) => r.subject && r.subject.campaign === campaign.id);

    await H.signInAs(page, server, T, admin, 'rita');
    await page.goto(`${server.baseURL}/t/${T}/reviews/${review.id}`);
    const live = page.getByRole('region', { name: 'Live version 1: the last 24 hours' });
    await expect(live).toBeVisible();
    await expect(live.getByRole('region', { name: 'Live version totals' }).locator('[data-rate="delivery"]')).toHaveText('95.9 %');
    await expectChartAndTableAgree(page, 'Live campaign by the hour');
    await H.screenshot(page, 'review-live-report');
  });
});
