// Campaign reports (docs/reports.md): a campaign's last 24 hours by the hour ("Report (24 h)")
// and its whole life by the day ("Full report"), the live version's last 24 hours on the review of
// a draft version, and a sandbox's overview with its top campaigns. Each chart is drawn here as
// SVG (no chart service), and the same figures are in an accessible table beside it.

import { h } from '../lib/dom.js';
import { api, ApiError, sandboxPath } from '../lib/api.js';
import { paths } from '../lib/paths.js';
import { statusBadge, pageHeader, emptyState, CHANNEL_LABELS } from '../lib/ui.js';
import { ensureViewStyles } from './render.js';

ensureViewStyles();
(function ensureReportStyles() {
  if (typeof document === 'undefined') return;
  if ([...document.querySelectorAll('link[rel="stylesheet"]')].some((l) => (l.getAttribute('href') || '').endsWith('reports.css'))) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = '/console/reports.css';
  document.head.appendChild(link);
}());

const SVG_NS = 'http://www.w3.org/2000/svg';

// The series drawn, in this order; the table shows these and a few more.
const LINES = [
  { key: 'sent', label: 'Sent' },
  { key: 'delivered', label: 'Delivered' },
  { key: 'opened', label: 'Opened' },
  { key: 'clicked', label: 'Clicked' },
];
const TABLE_COUNTS = ['targeted', 'sent', 'delivered', 'bounced', 'opened', 'clicked', 'converted', 'unsubscribed', 'failed'];
const COUNT_LABELS = {
  targeted: 'Targeted', sent: 'Sent', delivered: 'Delivered', bounced: 'Bounced', opened: 'Opened',
  clicked: 'Clicked', converted: 'Converted', unsubscribed: 'Unsubscribed', failed: 'Failed',
};
const RATES = [
  { key: 'delivery', label: 'Delivery rate', formula: 'delivered ÷ sent' },
  { key: 'open', label: 'Open rate', formula: 'opened ÷ delivered' },
  { key: 'click_through', label: 'Click-through rate', formula: 'clicked ÷ delivered' },
  { key: 'conversion', label: 'Conversion rate', formula: 'converted ÷ delivered' },
  { key: 'unsubscribe', label: 'Unsubscribe rate', formula: 'unsubscribed ÷ delivered' },
  { key: 'bounce', label: 'Bounce rate', formula: 'bounced ÷ sent' },
];

// An SVG element: attributes set as they are (no HTML is ever parsed), children appended.
function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const number = (n) => new Intl.NumberFormat('en').format(n);
const percent = (r) => (r === null || r === undefined ? '—' : `${(r * 100).toFixed(1)} %`);

// "08:00" for an hour, "23 Nov" for a day (UTC: the figures' buckets are UTC).
function slotLabel(start, grain) {
  const d = new Date(start);
  if (grain === 'hour') return `${String(d.getUTCHours()).padStart(2, '0')}:00`;
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
}
// The table's row label: "23 Nov 07:00" for an hour, "23 Nov 2026" for a day.
function slotRow(start, grain) {
  const d = new Date(start);
  if (grain === 'hour') return `${slotLabel(start, 'day')} ${slotLabel(start, 'hour')}`;
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}
// An amount as the API gives it ("376.5000") with two decimals at least ("376.50").
function money(m) {
  const [units, fraction = ''] = m.amount.split('.');
  const trimmed = fraction.replace(/0+$/, '').padEnd(2, '0');
  return `${units}.${trimmed} ${m.currency}`;
}
function slotLong(start, grain) {
  const d = new Date(start);
  const day = d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  return grain === 'hour' ? `${day} ${slotLabel(start, grain)} UTC` : day;
}

// A line chart of the series with its table: the chart for the eye, the table for everyone (and
// the same numbers: each point carries its value, the test compares them).
export function seriesFigure(report, { title }) {
  const series = report.series || [];
  const grain = report.grain;
  const width = 720;
  const height = 240;
  const pad = { left: 56, right: 16, top: 16, bottom: 36 };
  const max = Math.max(1, ...series.flatMap((p) => LINES.map((l) => p.counts[l.key] || 0)));
  const step = series.length > 1 ? (width - pad.left - pad.right) / (series.length - 1) : 0;
  const x = (i) => pad.left + i * step;
  const y = (v) => pad.top + (height - pad.top - pad.bottom) * (1 - v / max);
  const titleId = `chart-title-${Math.random().toString(36).slice(2)}`;
  const descId = `${titleId}-desc`;

  const grid = [0, 0.5, 1].map((f) => svg('g', { class: 'chart-grid' },
    svg('line', { x1: pad.left, x2: width - pad.right, y1: y(max * f), y2: y(max * f) }),
    svg('text', { x: pad.left - 6, y: y(max * f) + 4, 'text-anchor': 'end', class: 'chart-tick' }, number(Math.round(max * f)))));
  const every = Math.max(1, Math.ceil(series.length / 12));
  const ticks = series.map((p, i) => (i % every === 0
    ? svg('text', { x: x(i), y: height - pad.bottom + 18, 'text-anchor': 'middle', class: 'chart-tick' }, slotLabel(p.start, grain))
    : null));
  const lines = LINES.map((l, li) => svg('g', { class: `chart-line chart-line-${li}`, 'data-series': l.key },
    svg('polyline', { points: series.map((p, i) => `${x(i)},${y(p.counts[l.key] || 0)}`).join(' '), fill: 'none' }),
    series.map((p, i) => svg('circle', {
      cx: x(i), cy: y(p.counts[l.key] || 0), r: 2.5, 'data-slot': p.start, 'data-value': p.counts[l.key] || 0,
    }, svg('title', {}, `${slotLong(p.start, grain)}: ${l.label} ${number(p.counts[l.key] || 0)}`)))));
  const chart = svg('svg', {
    class: 'report-chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': `${titleId} ${descId}`,
  },
  svg('title', { id: titleId }, title),
  svg('desc', { id: descId }, `${LINES.map((l) => l.label).join(', ')} by the ${grain}; the table "${title}" gives the same figures.`),
  grid, ticks, lines);
  const legend = h('ul', { class: 'chart-legend', 'aria-hidden': 'true' },
    LINES.map((l, li) => h('li', {}, h('span', { class: `chart-swatch chart-swatch-${li}` }), l.label)));

  const table = h('table', { class: 'v-table report-table' },
    h('caption', {}, title),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, grain === 'hour' ? 'Hour (UTC)' : 'Day (UTC)'),
      TABLE_COUNTS.map((k) => h('th', { scope: 'col', class: 'num' }, COUNT_LABELS[k])))),
    h('tbody', {}, series.map((p) => h('tr', { 'data-slot': p.start },
      h('th', { scope: 'row' }, h('time', { datetime: p.start, title: slotLong(p.start, grain) }, slotRow(p.start, grain))),
      TABLE_COUNTS.map((k) => h('td', { class: 'num', 'data-count': k }, number(p.counts[k] || 0)))))));
  return h('div', { class: 'report-figure' },
    h('figure', { class: 'report-chart-wrap' }, chart, legend),
    h('div', { class: 'v-table-wrap report-table-wrap', tabindex: '0', role: 'region', 'aria-label': `${title} (table)` }, table));
}

// Totals: counts and rates, as a description list.
export function totalsBlock(totals, label = 'Totals') {
  const revenue = (totals.revenue || []).map(money).join(', ');
  return h('section', { class: 'v-card report-totals', 'aria-label': label },
    h('dl', { class: 'report-kpis' },
      ['targeted', 'sent', 'delivered', 'opened', 'clicked', 'converted'].map((k) => h('div', { class: 'report-kpi' },
        h('dt', {}, COUNT_LABELS[k]), h('dd', {}, number(totals.counts[k] || 0)))),
      revenue ? h('div', { class: 'report-kpi' }, h('dt', {}, 'Revenue'), h('dd', {}, revenue)) : null),
    h('dl', { class: 'report-kpis report-rates' },
      RATES.map((r) => h('div', { class: 'report-kpi', title: r.formula },
        h('dt', {}, r.label), h('dd', { 'data-rate': r.key }, percent(totals.rates[r.key]))))));
}

// Per channel or per live version: one row each, counts and rates.
function breakdown(rows, { title, first, name }) {
  if (!rows || !rows.length) return null;
  return h('section', { class: 'v-card', 'aria-label': title },
    h('div', { class: 'v-table-wrap' }, h('table', { class: 'v-table' },
      h('caption', {}, title),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, first),
        ['sent', 'delivered', 'opened', 'clicked', 'converted'].map((k) => h('th', { scope: 'col', class: 'num' }, COUNT_LABELS[k])),
        RATES.slice(0, 4).map((r) => h('th', { scope: 'col', class: 'num' }, r.label)))),
      h('tbody', {}, rows.map((row) => h('tr', {},
        h('th', { scope: 'row' }, name(row)),
        ['sent', 'delivered', 'opened', 'clicked', 'converted'].map((k) => h('td', { class: 'num' }, number(row.counts[k] || 0))),
        RATES.slice(0, 4).map((r) => h('td', { class: 'num' }, percent(row.rates[r.key])))))))));
}

function periodSwitch(tenant, sandbox, id, period) {
  const link = (p, label) => h('a', {
    class: ['btn', p === period ? 'btn-primary' : ''],
    href: paths.campaignReport(tenant, sandbox, id, p),
    'aria-current': p === period ? 'page' : undefined,
  }, label);
  return h('nav', { class: 'v-actions', 'aria-label': 'Report period' }, link('24h', 'Report (24 h)'), link('full', 'Full report'));
}

// /t/:tenant/s/:sandbox/campaigns/:campaign/report[?period=full]
export async function renderCampaignReport(ctx) {
  const { tenant, sandbox, campaign: id } = ctx.params;
  const period = ctx.query.period === 'full' ? 'full' : '24h';
  const { data: report } = await api('GET', `${sandboxPath(tenant, sandbox)}/campaigns/${encodeURIComponent(id)}/report`, { query: { period } });
  const c = report.campaign;
  const heading = period === '24h' ? 'Report (24 h)' : 'Full report';
  const crumbs = h('nav', { class: 'v-breadcrumb', 'aria-label': 'Breadcrumb' },
    h('ol', {},
      h('li', {}, h('a', { href: paths.inventory(tenant, sandbox) }, 'Campaigns')),
      h('li', {}, h('a', { href: paths.campaign(tenant, sandbox, id) }, c.name)),
      h('li', { 'aria-current': 'page' }, heading)));
  const span = period === '24h'
    ? `The 24 hours from ${slotLong(report.from, 'hour')} to ${slotLong(report.to, 'hour')}, by the hour`
    : `Every day from ${slotLong(report.from, 'day')} to today, by the day`;
  const empty = !(report.totals.counts.targeted || report.totals.counts.sent || report.totals.counts.delivered);
  return h('article', { class: 'page v-page report-page', 'data-view': 'campaign-report' },
    crumbs,
    h('header', { class: 'v-page-header' },
      h('div', { class: 'v-page-heading' },
        h('h1', {}, `${heading}: `, h('span', { class: 'report-campaign-name' }, c.name)),
        h('div', { class: 'v-title-meta' }, statusBadge(c.status),
          h('span', { class: 'v-meta-text' }, c.live_version ? `live version ${c.live_version}` : 'never live'),
          h('span', { class: 'v-meta-text' }, span))),
      periodSwitch(tenant, sandbox, id, period)),
    empty ? emptyState('No figures yet', 'The delivery engine has reported nothing for this campaign in this period.') : null,
    totalsBlock(report.totals),
    h('section', { class: 'v-card', 'aria-label': 'Chart and table' },
      seriesFigure(report, { title: period === '24h' ? 'Figures by the hour' : 'Figures by the day' })),
    breakdown(report.by_channel, { title: 'By channel', first: 'Channel', name: (r) => CHANNEL_LABELS[r.channel] || r.channel }),
    breakdown(report.by_version, { title: 'By live version', first: 'Version', name: (r) => (r.version ? `Version ${r.version}` : 'Before going live') }));
}

// The review page of a draft version: how the live version did in the last 24 hours. Null when
// the reader cannot read the report (or it does not exist).
export async function liveVersionLast24h(tenant, sandbox, campaignId) {
  let report;
  try {
    report = (await api('GET', `${sandboxPath(tenant, sandbox)}/campaigns/${encodeURIComponent(campaignId)}/report`, { query: { period: '24h' } })).data;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 403 || e.status === 404)) return null;
    throw e;
  }
  const live = (report.by_version || []).find((v) => v.version === report.campaign.live_version);
  const totals = live || { counts: {}, rates: {}, revenue: [] };
  return h('section', { class: 'v-card', 'aria-labelledby': 'live-report-title', id: 'live-report' },
    h('h2', { class: 'v-card-title', id: 'live-report-title' }, `Live version ${report.campaign.live_version}: the last 24 hours`),
    totalsBlock(totals, 'Live version totals'),
    seriesFigure(report, { title: 'Live campaign by the hour' }),
    h('p', {}, h('a', { href: paths.campaignReport(tenant, sandbox, campaignId, 'full') }, 'Full report')));
}

// /t/:tenant/s/:sandbox/reports: the sandbox's overview (archived campaigns do not count).
export async function renderSandboxReports(ctx) {
  const { tenant, sandbox } = ctx.params;
  const query = { from: ctx.query.from, to: ctx.query.to, top: 10 };
  const { data: o } = await api('GET', `${sandboxPath(tenant, sandbox)}/reports/overview`, { query });
  const top = o.top_campaigns || [];
  const form = h('form', { class: 'report-period', method: 'get', action: paths.sandboxReports(tenant, sandbox) },
    h('label', { for: 'report-from' }, 'From'),
    h('input', { id: 'report-from', name: 'from', type: 'date', value: o.from.slice(0, 10) }),
    h('label', { for: 'report-to' }, 'To'),
    h('input', { id: 'report-to', name: 'to', type: 'date', value: new Date(Date.parse(o.to) - 86400000).toISOString().slice(0, 10) }),
    h('button', { type: 'submit', class: 'btn' }, 'Show'));
  return h('article', { class: 'page v-page report-page', 'data-view': 'sandbox-reports' },
    pageHeader(`Reports: ${sandbox}`, { subtitle: 'Delivery figures of the sandbox\'s campaigns, by the day (UTC). Archived campaigns do not count.' }),
    form,
    totalsBlock(o.totals),
    h('section', { class: 'v-card', 'aria-label': 'Chart and table' }, seriesFigure(o, { title: 'Sandbox figures by the day' })),
    breakdown(o.by_channel, { title: 'By channel', first: 'Channel', name: (r) => CHANNEL_LABELS[r.channel] || r.channel }),
    h('section', { class: 'v-card', 'aria-label': 'Top campaigns' },
      top.length ? h('div', { class: 'v-table-wrap' }, h('table', { class: 'v-table' },
        h('caption', {}, 'Top campaigns by messages sent'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Campaign'), h('th', { scope: 'col' }, 'Status'),
          ['sent', 'delivered', 'opened', 'converted'].map((k) => h('th', { scope: 'col', class: 'num' }, COUNT_LABELS[k])),
          h('th', { scope: 'col', class: 'num' }, 'Delivery rate'), h('th', { scope: 'col', class: 'num' }, 'Open rate'),
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Report')))),
        h('tbody', {}, top.map((row) => h('tr', {},
          h('th', { scope: 'row' }, h('a', { href: paths.campaign(tenant, sandbox, row.campaign.id) }, row.campaign.name)),
          h('td', {}, statusBadge(row.campaign.status)),
          ['sent', 'delivered', 'opened', 'converted'].map((k) => h('td', { class: 'num' }, number(row.counts[k] || 0))),
          h('td', { class: 'num' }, percent(row.rates.delivery)), h('td', { class: 'num' }, percent(row.rates.open)),
          h('td', {}, h('a', { href: paths.campaignReport(tenant, sandbox, row.campaign.id, 'full'), 'aria-label': `Full report of ${row.campaign.name}` }, 'Full report')))))))
        : emptyState('No campaign has figures in this period', 'Archived campaigns do not count.')));
}
