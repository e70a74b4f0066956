// A sandbox's settings: its freeze windows (docs/pipelines.md), listed for whoever sees the
// sandbox with the one in force now, added (one-off or weekly in a time zone) and removed by
// tenant admins; and its sync subscriptions (docs/sync.md, the card comes from drift.js).

import { h, uid } from '../lib/dom.js';
import { api, isTenantAdmin, sandboxPath } from '../lib/api.js';
import { formatTime, confirmDialog, toast } from '../lib/ui.js';
import { field, input, select, showError, fromInputTime, localError } from './forms-common.js';
import { ensureViewStyles } from './render.js';
import { subscriptionsCard } from './drift.js';

ensureViewStyles();

export const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const DAY_LABELS = DAYS.map((d) => d.charAt(0).toUpperCase() + d.slice(1));

function dayLabel(day) {
  const i = DAYS.indexOf(day);
  return i >= 0 ? DAY_LABELS[i] : day;
}

// A window in words: "Every Friday 18:00 to Monday 06:00 (Europe/Paris)" or "7 Dec 2026, 00:00 UTC to ...".
export function windowText(w) {
  if (w.kind === 'weekly') {
    return `Every ${dayLabel(w.from && w.from.day)} ${(w.from && w.from.time) || ''} to ${dayLabel(w.to && w.to.day)} ${(w.to && w.to.time) || ''} (${w.time_zone})`;
  }
  return `${formatTime(w.start)} to ${formatTime(w.end)}`;
}

function timeZones() {
  try {
    if (typeof Intl.supportedValuesOf === 'function') return Intl.supportedValuesOf('timeZone');
  } catch { /* older browsers */ }
  return ['UTC', 'Europe/Paris', 'Europe/London', 'America/New_York'];
}

// /t/:tenant/s/:sandbox/settings
export async function renderSandboxSettings(ctx) {
  const { tenant, sandbox } = ctx.params;
  const base = `${sandboxPath(tenant, sandbox)}/freeze-windows`;
  const { data } = await api('GET', base);
  const windows = data.items || [];
  const admin = isTenantAdmin(ctx.session);
  const page = h('section', { class: 'page v-page', 'data-view': 'sandbox-settings', 'data-title': `Settings · ${sandbox}` });
  page.appendChild(h('header', { class: 'v-page-header' },
    h('div', { class: 'v-page-heading' }, h('h1', {}, 'Sandbox settings'),
      h('p', { class: 'v-meta-text' }, `Sandbox ${sandbox} · times in UTC unless a window names its time zone`))));
  const messages = h('div', { class: 'v-messages', 'aria-live': 'polite' });
  page.appendChild(messages);

  const titleId = uid('freeze');
  const card = h('section', { class: 'v-card', 'aria-labelledby': titleId },
    h('h2', { class: 'v-card-title', id: titleId }, 'Freeze windows'),
    h('p', { class: 'v-card-intro' }, 'During a freeze window, imports, promotions and activations in this sandbox are held; scheduled promotions wait for its end.'));
  page.appendChild(card);
  page.appendChild(await subscriptionsCard(ctx, messages));
  if (data.active) {
    card.appendChild(h('div', { class: 'banner banner-info v-banner v-pl-frozen-now', role: 'status' },
      h('p', {}, `Frozen now until ${formatTime(data.active.ends_at)}${data.active.reason ? ` (${data.active.reason})` : ''}.`)));
  } else {
    card.appendChild(h('p', { class: 'v-muted', role: 'status' }, 'Not frozen now.'));
  }

  if (windows.length) {
    const table = h('table', { class: 'v-table' },
      h('caption', { class: 'v-sr-only' }, `Freeze windows of ${sandbox}`),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'When'),
        h('th', { scope: 'col' }, 'Reason'),
        h('th', { scope: 'col' }, 'Added'),
        admin ? h('th', { scope: 'col' }, h('span', { class: 'v-sr-only' }, 'Actions')) : null)));
    const tbody = h('tbody');
    for (const w of windows) {
      const text = windowText(w);
      tbody.appendChild(h('tr', {},
        h('td', {}, text),
        h('td', {}, w.reason || '—'),
        h('td', { class: 'v-cell-muted' }, w.created_at ? `${formatTime(w.created_at)}${w.created_by ? ` · ${w.created_by}` : ''}` : '—'),
        admin ? h('td', {}, h('button', {
          type: 'button', class: 'btn btn-small btn-danger',
          'aria-label': `Remove freeze window ${w.reason || text}`,
          onclick: async () => {
            const ok = await confirmDialog(`${text}${w.reason ? ` (${w.reason})` : ''} will no longer hold anything in ${sandbox}.`,
              { title: 'Remove this freeze window?', confirmLabel: 'Remove', danger: true });
            if (!ok) return;
            try {
              await api('DELETE', `${base}/${encodeURIComponent(w.id)}`);
              toast('Freeze window removed');
              ctx.refresh();
            } catch (e) {
              showError(h('form'), messages, e);
            }
          },
        }, 'Remove')) : null));
    }
    table.appendChild(tbody);
    card.appendChild(h('div', { class: 'v-table-wrap' }, table));
  } else {
    card.appendChild(h('p', { class: 'v-muted' }, 'No freeze window.'));
  }

  if (!admin) {
    card.appendChild(h('p', { class: 'v-note' }, 'Tenant admins add and remove freeze windows.'));
    return page;
  }

  // The add form: one-off (two UTC date-times) or weekly (day and time to day and time, in a zone).
  const kindName = uid('kind');
  const onceRadio = h('input', { type: 'radio', name: 'kind', value: 'once', id: `${kindName}-once`, checked: true });
  const weeklyRadio = h('input', { type: 'radio', name: 'kind', value: 'weekly', id: `${kindName}-weekly` });
  const start = input({ name: 'start', type: 'datetime-local' });
  const end = input({ name: 'end', type: 'datetime-local' });
  const dayOptions = DAYS.map((d, i) => [d, DAY_LABELS[i]]);
  const fromDay = select({ name: 'from.day' }, dayOptions, 'friday');
  const fromTime = input({ name: 'from.time', type: 'time', value: '18:00' });
  const toDay = select({ name: 'to.day' }, dayOptions, 'monday');
  const toTime = input({ name: 'to.time', type: 'time', value: '06:00' });
  const zone = input({ name: 'time_zone', type: 'text', value: 'UTC', list: 'freeze-zones', autocomplete: 'off' });
  const zones = h('datalist', { id: 'freeze-zones' }, timeZones().map((z) => h('option', { value: z })));
  const reason = input({ name: 'reason', type: 'text', maxlength: '200' });
  const once = h('div', { class: 'v-grid-2' }, field('Starts (UTC)', start), field('Ends (UTC)', end));
  const weekly = h('div', { class: 'v-pl-weekly', hidden: true },
    h('div', { class: 'v-grid-2' }, field('From day', fromDay), field('From time', fromTime)),
    h('div', { class: 'v-grid-2' }, field('To day', toDay), field('To time', toTime)),
    field('Time zone', zone, { hint: 'The days and times are wall-clock times there, daylight saving included.' }), zones);
  const sync = () => {
    weekly.hidden = !weeklyRadio.checked;
    once.hidden = weeklyRadio.checked;
  };
  onceRadio.addEventListener('change', sync);
  weeklyRadio.addEventListener('change', sync);
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Add freeze window');
  const form = h('form', { class: 'v-form', novalidate: true, 'aria-label': 'Add a freeze window' },
    h('fieldset', { class: 'v-fieldset' },
      h('legend', {}, 'Add a freeze window'),
      h('div', { class: 'v-radio-row', role: 'radiogroup', 'aria-label': 'Repeats' },
        h('label', { for: onceRadio.id, class: 'v-check' }, onceRadio, ' Once'),
        h('label', { for: weeklyRadio.id, class: 'v-check' }, weeklyRadio, ' Every week')),
      once, weekly,
      field('Reason', reason, { hint: 'Shown to whoever it holds, e.g. Black Friday.' })),
    h('div', { class: 'v-form-actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    let body;
    if (weeklyRadio.checked) {
      if (!zone.value.trim()) return showError(form, messages, localError('time_zone', 'Name a time zone, e.g. Europe/Paris.'));
      body = {
        kind: 'weekly',
        from: { day: fromDay.value, time: fromTime.value },
        to: { day: toDay.value, time: toTime.value },
        time_zone: zone.value.trim(),
      };
    } else {
      if (!start.value) return showError(form, messages, localError('start', 'Give the start.'));
      if (!end.value) return showError(form, messages, localError('end', 'Give the end.'));
      body = { kind: 'once', start: fromInputTime(start.value), end: fromInputTime(end.value) };
    }
    if (reason.value.trim()) body.reason = reason.value.trim();
    submit.disabled = true;
    try {
      await api('POST', base, { body });
      toast('Freeze window added');
      ctx.refresh();
    } catch (e) {
      submit.disabled = false;
      showError(form, messages, e);
    }
  });
  card.appendChild(form);
  return page;
}
