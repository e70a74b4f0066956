// The campaign calendar: one ISO week, Monday to Sunday (UTC, as the API), active and scheduled
// campaigns by default, completed and stopped on demand, filters on type and channel; campaigns
// spanning several days across the top, the others as one-hour blocks in their day; a details
// panel for the campaign a block stands for.

import { h, append, clear, uid } from '../lib/dom.js';
import { api, sandboxPath } from '../lib/api.js';
import { paths } from '../lib/paths.js';
import { icon } from '../lib/icons.js';
import {
  statusBadge, statusLabel, formatTime, pageHeader, errorBanner, TYPE_LABELS, CHANNEL_LABELS,
} from '../lib/ui.js';

const DAY_MS = 86_400_000;

// ---- ISO weeks (UTC) ----

export function isoWeekOf(date) {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / DAY_MS + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

// The Monday (00:00 UTC) of an ISO week, or null when the text is not one.
export function mondayOf(week) {
  const m = /^(\d{4})-W(\d{2})$/.exec(week || '');
  if (!m) return null;
  const year = Number(m[1]);
  const n = Number(m[2]);
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const monday = new Date(jan4.getTime() - ((jan4.getUTCDay() || 7) - 1) * DAY_MS + (n - 1) * 7 * DAY_MS);
  return isoWeekOf(monday) === week ? monday : null;
}

function shiftWeek(week, delta) {
  return isoWeekOf(new Date(mondayOf(week).getTime() + delta * 7 * DAY_MS));
}

const dayName = new Intl.DateTimeFormat('en-GB', { weekday: 'short', timeZone: 'UTC' });
const dayLong = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });
const dayNum = new Intl.DateTimeFormat('en-GB', { day: 'numeric', timeZone: 'UTC' });
const monthYear = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });
const dayMonth = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const hourMin = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });

function rangeText(monday) {
  const sunday = new Date(monday.getTime() + 6 * DAY_MS);
  return `${dayMonth.format(monday)} – ${dayMonth.format(sunday)} ${monthYear.format(sunday).split(' ').pop()}`;
}

// ---- layout ----

// Splits the API's days into multi-day spans (across the top) and one-hour blocks (in a day).
function layout(days, filters) {
  const byId = new Map();
  days.forEach((day, index) => {
    for (const c of day.campaigns) {
      if (filters.type && c.type !== filters.type) continue;
      if (filters.channel && !(c.channels || []).includes(filters.channel)) continue;
      let entry = byId.get(c.id);
      if (!entry) {
        entry = { campaign: c, days: [] };
        byId.set(c.id, entry);
      }
      entry.days.push(index);
    }
  });
  const spans = [];
  const blocks = [];
  for (const entry of byId.values()) {
    const c = entry.campaign;
    const start = new Date(c.start);
    const end = c.end ? new Date(c.end) : null;
    const oneHour = !c.recurring && !end;
    const long = c.recurring || (end && end.getTime() - start.getTime() > DAY_MS) || (entry.days.length > 1 && !oneHour);
    if (long) {
      spans.push({ campaign: c, first: Math.min(...entry.days), last: Math.max(...entry.days) });
    } else {
      // A one-hour block on the day (and at the hour) it starts; one that started before this
      // week and spills into it sits at midnight of its first day here.
      const startsHere = entry.days.some((i) => days[i].date === c.start.slice(0, 10));
      const dayIndex = startsHere ? entry.days.find((i) => days[i].date === c.start.slice(0, 10)) : Math.min(...entry.days);
      blocks.push({ campaign: c, day: dayIndex, hour: startsHere ? start.getUTCHours() : 0 });
    }
  }
  spans.sort((a, b) => a.first - b.first || b.last - a.last || a.campaign.name.localeCompare(b.campaign.name));
  blocks.sort((a, b) => a.day - b.day || a.hour - b.hour || a.campaign.start.localeCompare(b.campaign.start));
  return { spans, blocks };
}

function scheduleLines(c) {
  const lines = [];
  lines.push(['Start', formatTime(c.start)]);
  lines.push(['End', c.end ? formatTime(c.end) : (c.recurring ? 'No end (recurring)' : 'One hour on the calendar')]);
  lines.push(['Recurring', c.recurring ? 'Yes' : 'No']);
  return lines;
}

export async function renderCalendar(ctx) {
  const { tenant, sandbox } = ctx.params;
  const base = sandboxPath(tenant, sandbox);
  const thisWeek = isoWeekOf(new Date());
  const state = {
    week: mondayOf(ctx.query.week) ? ctx.query.week : thisWeek,
    completed: ctx.query.completed === '1',
    stopped: ctx.query.stopped === '1',
    type: TYPE_LABELS[ctx.query.type] ? ctx.query.type : '',
    channel: CHANNEL_LABELS[ctx.query.channel] ? ctx.query.channel : '',
  };

  async function fetchWeek() {
    const include = [state.completed ? 'completed' : null, state.stopped ? 'stopped' : null].filter(Boolean).join(',');
    return (await api('GET', `${base}/calendar`, { query: { week: state.week, include: include || undefined } })).data;
  }

  let data = await fetchWeek();

  const headingId = uid('cal-heading');
  const weekLabel = h('p', { class: 'calendar-range', 'aria-live': 'polite' });
  const banner = h('div', { class: 'calendar-banner' });
  const grid = h('div', { class: 'calendar' });
  const panel = h('dialog', { class: 'drawer', 'aria-labelledby': `${headingId}-panel` });
  panel.addEventListener('click', (ev) => {
    // A click on the backdrop (outside the drawer's box) closes it.
    if (ev.target === panel) panel.close();
  });

  function syncURL() {
    const q = new URLSearchParams();
    q.set('week', state.week);
    if (state.completed) q.set('completed', '1');
    if (state.stopped) q.set('stopped', '1');
    if (state.type) q.set('type', state.type);
    if (state.channel) q.set('channel', state.channel);
    history.replaceState(null, '', `${paths.calendar(tenant, sandbox).split('?')[0]}?${q}`);
  }

  async function reload() {
    syncURL();
    grid.setAttribute('aria-busy', 'true');
    try {
      data = await fetchWeek();
      clear(banner);
    } catch (e) {
      clear(banner).appendChild(errorBanner(e));
    }
    grid.removeAttribute('aria-busy');
    draw();
  }

  async function openDetails(c, opener) {
    const titleId = `${headingId}-panel`;
    const body = h('div', { class: 'drawer-body' });
    const close = h('button', { type: 'button', class: 'btn btn-ghost btn-icon', 'aria-label': 'Close details', onclick: () => panel.close() }, icon('close'));
    const details = h('dl', { class: 'details' },
      h('dt', {}, 'Status'), h('dd', {}, statusBadge(c.status)),
      h('dt', {}, 'Type'), h('dd', {}, TYPE_LABELS[c.type] || c.type),
      h('dt', {}, 'Channels'), h('dd', {}, h('span', { class: 'chips' }, (c.channels || []).map((ch) => h('span', { class: 'chip' }, CHANNEL_LABELS[ch] || ch)))),
      scheduleLines(c).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
      h('dt', {}, 'Key'), h('dd', { class: 'mono' }, c.key));
    const extra = h('div', { class: 'drawer-extra' });
    clear(panel).appendChild(h('div', { class: 'drawer-inner' },
      h('div', { class: 'drawer-head' },
        h('h2', { id: titleId }, c.name),
        close),
      body));
    body.append(details, extra,
      h('p', {}, h('a', { href: paths.campaign(tenant, sandbox, c.id), class: 'btn btn-primary', onclick: () => panel.close() }, 'Open campaign')));
    panel.onclose = () => {
      if (opener && opener.isConnected) opener.focus();
    };
    if (!panel.open) panel.showModal();
    close.focus();
    // The description and tags come from the campaign itself.
    try {
      const full = (await api('GET', `${base}/campaigns/${encodeURIComponent(c.id)}`)).data;
      append(extra, [
        full.description ? h('p', { class: 'drawer-description' }, full.description) : null,
        full.tags && full.tags.length ? h('div', { class: 'drawer-tags' }, h('span', { class: 'label' }, 'Tags'),
          h('span', { class: 'chips' }, full.tags.map((t) => h('span', { class: 'tag' }, t)))) : null]);
    } catch {
      /* the details above are enough */
    }
  }

  function blockButton(c, className) {
    const time = hourMin.format(new Date(c.start));
    const btn = h('button', {
      type: 'button',
      class: ['cal-event', `cal-${c.status}`, className],
      'aria-haspopup': 'dialog',
      onclick: (ev) => openDetails(c, ev.currentTarget),
    },
    h('span', { class: 'cal-event-name' }, c.name),
    h('span', { class: 'visually-hidden' }, ', '),
    h('span', { class: 'cal-event-meta' }, className === 'cal-span' ? `${TYPE_LABELS[c.type]} · ${statusLabel(c.status)}` : `${time} · ${statusLabel(c.status)}`),
    h('span', { class: 'visually-hidden' }, `, starts ${formatTime(c.start)}`));
    return btn;
  }

  function draw() {
    const monday = mondayOf(state.week);
    weekLabel.textContent = `${rangeText(monday)} · Week ${Number(state.week.slice(6))}`;
    const today = new Date().toISOString().slice(0, 10);
    const { spans, blocks } = layout(data.days, state);
    clear(grid);

    const head = h('div', { class: 'cal-head' },
      h('div', { class: 'cal-gutter', 'aria-hidden': 'true' }),
      data.days.map((d) => {
        const date = new Date(`${d.date}T00:00:00Z`);
        const frozen = (data.freeze_windows || []).some((f) => new Date(f.start).getTime() < date.getTime() + DAY_MS
          && new Date(f.end).getTime() > date.getTime());
        return h('div', { class: ['cal-day-head', d.date === today ? 'today' : null, frozen ? 'cal-frozen' : null] },
          h('span', { class: 'cal-dow', 'aria-hidden': 'true' }, dayName.format(date)),
          h('span', { class: 'cal-date', 'aria-hidden': 'true' }, dayNum.format(date)),
          frozen ? h('span', { class: 'cal-frozen-mark', 'aria-hidden': 'true' }, 'Frozen') : null,
          h('span', { class: 'visually-hidden' }, dayLong.format(date), d.date === today ? ' (today)' : '', frozen ? ' (frozen)' : ''));
      }));

    const spanLane = h('div', { class: 'cal-spans', 'aria-label': 'Campaigns over several days', role: 'group' },
      h('div', { class: 'cal-gutter cal-gutter-label' }, 'Multi-day'),
      h('div', { class: 'cal-span-grid' },
        spans.map((s) => {
          const btn = blockButton(s.campaign, 'cal-span');
          btn.classList.add(`cs${s.first + 1}`, `ce${s.last + 2}`);
          return btn;
        }),
        spans.length ? null : h('p', { class: 'cal-none' }, 'No multi-day campaign this week.')));

    const hours = h('div', { class: 'cal-hours' },
      Array.from({ length: 24 }, (_, hr) => [
        h('div', { class: ['cal-hour-label', `r${hr + 1}`], 'aria-hidden': 'true' }, `${String(hr).padStart(2, '0')}:00`),
        h('div', { class: ['cal-hour-line', `r${hr + 1}`], 'aria-hidden': 'true' })]),
      data.days.map((d, i) => h('div', { class: ['cal-col', `c${i + 2}`, d.date === today ? 'today' : null], 'aria-hidden': 'true' })));
    // Blocks of one day and hour share a cell, side by side.
    const cells = new Map();
    for (const b of blocks) {
      const key = `${b.day}:${b.hour}`;
      if (!cells.has(key)) cells.set(key, []);
      cells.get(key).push(b);
    }
    for (const [key, list] of cells) {
      const [day, hour] = key.split(':').map(Number);
      hours.appendChild(h('div', {
        class: ['cal-cell', `c${day + 2}`, `r${hour + 1}`],
        role: 'group',
        'aria-label': `${dayLong.format(new Date(`${data.days[day].date}T00:00:00Z`))}, ${String(hour).padStart(2, '0')}:00`,
      }, list.map((b) => blockButton(b.campaign, 'cal-block'))));
    }
    const scroller = h('div', { class: 'cal-scroll', tabindex: '0', role: 'region', 'aria-label': 'Hours of the week' }, hours);

    grid.append(head, spanLane, scroller);
    drawFreezes();
    // Show the working day, or the first block if it is earlier.
    const firstHour = blocks.length ? Math.min(...blocks.map((b) => b.hour)) : 8;
    requestAnimationFrame(() => {
      const label = hours.querySelector(`.cal-hour-label.r${Math.min(firstHour, 8) + 1}`);
      if (label) scroller.scrollTop = Math.max(0, label.offsetTop - 8);
    });
    const count = new Set([...spans, ...blocks].map((x) => x.campaign.id)).size;
    summary.textContent = count ? `${count} campaign${count === 1 ? '' : 's'} this week` : 'No campaign this week';
    todayBtn.disabled = state.week === thisWeek;
  }

  // The sandbox's freeze windows that touch this week (imports, promotions and activations held).
  const freezes = h('div', { class: 'calendar-freezes' });
  function drawFreezes() {
    const list = data.freeze_windows || [];
    clear(freezes);
    if (!list.length) return;
    const titleId = `${headingId}-freezes`;
    freezes.append(
      h('h2', { class: 'calendar-freezes-title', id: titleId }, icon('calendar'), 'Freeze windows this week'),
      h('ul', { class: 'calendar-freeze-list', 'aria-labelledby': titleId }, list.map((f) => h('li', { class: 'calendar-freeze' },
        h('span', { class: 'calendar-freeze-when' }, `${formatTime(f.start)} – ${formatTime(f.end)}`),
        f.reason ? h('span', { class: 'calendar-freeze-reason' }, f.reason) : null))),
      h('p', { class: 'calendar-freeze-note' }, 'Imports, promotions and activations in this sandbox are held meanwhile. ',
        h('a', { href: paths.sandboxSettings(tenant, sandbox) }, 'Freeze windows of this sandbox')));
  }

  const summary = h('p', { class: 'calendar-summary', role: 'status' });
  const prev = h('button', { type: 'button', class: 'btn btn-icon', 'aria-label': 'Previous week', onclick: () => { state.week = shiftWeek(state.week, -1); reload(); } }, icon('left'));
  const next = h('button', { type: 'button', class: 'btn btn-icon', 'aria-label': 'Next week', onclick: () => { state.week = shiftWeek(state.week, 1); reload(); } }, icon('right'));
  const todayBtn = h('button', { type: 'button', class: 'btn', onclick: () => { state.week = thisWeek; reload(); } }, 'This week');

  const typeId = uid('cal-type');
  const channelId = uid('cal-channel');
  const completedId = uid('cal-completed');
  const stoppedId = uid('cal-stopped');
  const toolbar = h('div', { class: 'calendar-toolbar' },
    h('div', { class: 'week-nav' }, prev, todayBtn, next, weekLabel),
    h('div', { class: 'calendar-filters' },
      h('div', { class: 'toggle' },
        h('input', { type: 'checkbox', id: completedId, checked: state.completed, onchange: (ev) => { state.completed = ev.target.checked; reload(); } }),
        h('label', { for: completedId }, 'Show completed')),
      h('div', { class: 'toggle' },
        h('input', { type: 'checkbox', id: stoppedId, checked: state.stopped, onchange: (ev) => { state.stopped = ev.target.checked; reload(); } }),
        h('label', { for: stoppedId }, 'Show stopped')),
      h('div', { class: 'filter filter-inline' },
        h('label', { for: typeId }, 'Type'),
        h('select', { id: typeId, value: state.type, onchange: (ev) => { state.type = ev.target.value; syncURL(); draw(); } },
          h('option', { value: '' }, 'Any type'),
          Object.entries(TYPE_LABELS).map(([v, l]) => h('option', { value: v }, l)))),
      h('div', { class: 'filter filter-inline' },
        h('label', { for: channelId }, 'Channel'),
        h('select', { id: channelId, value: state.channel, onchange: (ev) => { state.channel = ev.target.value; syncURL(); draw(); } },
          h('option', { value: '' }, 'Any channel'),
          Object.entries(CHANNEL_LABELS).map(([v, l]) => h('option', { value: v }, l))))));

  draw();
  syncURL();

  const headerActions = h('div', { class: 'view-switch', role: 'group', 'aria-label': 'View' },
    h('a', { href: paths.inventory(tenant, sandbox), class: 'btn btn-small' }, icon('list'), 'List'),
    h('a', { href: paths.calendar(tenant, sandbox), class: 'btn btn-small', 'aria-current': 'page' }, icon('calendar'), 'Calendar'));

  return h('section', { class: 'page calendar-page', 'data-title': `Calendar · ${sandbox}` },
    pageHeader('Calendar', { subtitle: `Sandbox ${sandbox} · active and scheduled campaigns, times in UTC`, actions: headerActions }),
    h('div', { class: 'card calendar-card' }, toolbar, banner, freezes, summary, grid),
    panel);
}
