// The campaign inventory of a sandbox: tabs by type, search and filters, the default filter that
// hides stopped, completed and archived campaigns, status badges with alert and draft-version
// icons, a row menu of the actions allowed now, bulk actions with a result per row, cursor paging.

import { h, clear, uid } from '../lib/dom.js';
import { api, ApiError, canEdit, sandboxPath } from '../lib/api.js';
import { navigate } from '../lib/router.js';
import { paths } from '../lib/paths.js';
import { icon } from '../lib/icons.js';
import {
  statusBadge, errorBanner, formatTime, confirmDialog, toast, pageHeader, emptyState,
  STATUS_LABELS, TYPE_LABELS, CHANNEL_LABELS, ACTION_LABELS, alertLabel,
} from '../lib/ui.js';

const TABS = [
  { type: '', label: 'All' },
  { type: 'action', label: 'Action' },
  { type: 'api_triggered', label: 'API-triggered' },
  { type: 'orchestrated', label: 'Orchestrated' },
];

// The seeds' default: every campaign but the stopped, completed and archived ones. The API's
// own default (draft, scheduled, active) would hide paused and in-review campaigns, so the list
// is always sent explicitly.
export const HIDDEN_BY_DEFAULT = ['stopped', 'completed', 'archived'];
export const ALL_STATUSES = Object.keys(STATUS_LABELS);
export const DEFAULT_STATUSES = ALL_STATUSES.filter((s) => !HIDDEN_BY_DEFAULT.includes(s));

const BULK_ACTIONS = ['pause', 'resume', 'stop', 'archive', 'unarchive'];
const CONFIRM = {
  stop: 'Stopping is final: the campaign can then only be archived (an orchestrated one can also be duplicated to run again).',
  archive: 'Archived campaigns stop sending and are deleted 30 days after their last change.',
  'discard-draft': 'The draft version and its changes are dropped; the live version keeps running.',
  delete: 'The draft is deleted for good.',
};
const PAGE_SIZE = 50;

// URL query <-> filter state.
function stateFrom(query) {
  return {
    type: TABS.some((t) => t.type === query.type) ? query.type || '' : '',
    q: query.q || '',
    status: query.status || '',
    channel: query.channel || '',
    tag: query.tag || '',
    from: query.from || '',
    to: query.to || '',
    cursor: query.cursor || '',
  };
}

function queryFrom(state) {
  const q = {};
  for (const key of ['type', 'q', 'status', 'channel', 'tag', 'from', 'to', 'cursor']) if (state[key]) q[key] = state[key];
  return q;
}

function statusesOf(state) {
  if (state.status === 'all') return ALL_STATUSES;
  if (state.status) return state.status.split(',').filter((s) => ALL_STATUSES.includes(s));
  return DEFAULT_STATUSES;
}

function dayAfter(date) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString();
}

function listQuery(state) {
  return {
    status: statusesOf(state).join(','),
    type: state.type || undefined,
    q: state.q || undefined,
    channel: state.channel || undefined,
    tag: state.tag || undefined,
    created_after: state.from ? `${state.from}T00:00:00Z` : undefined,
    created_before: state.to ? dayAfter(state.to) : undefined,
    limit: PAGE_SIZE,
    cursor: state.cursor || undefined,
  };
}

// The actions a row menu offers: what the API allows now, for someone who may edit, plus the
// console's own (edit tags, open draft version, delete for a never-activated draft).
export function rowActions(campaign, editable) {
  const items = [];
  // A viewer gets only the reports (the status column's icon still opens a draft version).
  if (editable) {
    for (const a of campaign.allowed_actions || []) items.push({ id: a, label: ACTION_LABELS[a] || a });
    items.push({ id: 'edit-tags', label: 'Edit tags' });
    if (campaign.status !== 'archived') items.push({ id: 'add-to-package', label: 'Add to package' });
    if (campaign.status === 'draft' && !campaign.live_version) items.push({ id: 'delete', label: 'Delete', danger: true });
  }
  if (editable && campaign.has_draft_version) items.push({ id: 'open-draft', label: 'Open draft version' });
  items.push({ id: 'report-24h', label: 'Report (24 h)' }, { id: 'report-full', label: 'Full report' });
  return items;
}

// A menu button (WAI-ARIA menu button pattern): Enter, Space or ArrowDown open it on the first
// item, ArrowUp on the last; arrows move, Home/End jump, Escape and Tab close it.
export function menuButton(label, items, onSelect) {
  const menuId = uid('menu');
  const button = h('button', {
    type: 'button',
    class: 'btn btn-ghost btn-icon',
    'aria-haspopup': 'menu',
    'aria-expanded': 'false',
    'aria-controls': menuId,
    'aria-label': label,
  }, icon('more'));
  const menu = h('ul', { class: 'menu', role: 'menu', id: menuId, 'aria-label': label, hidden: true });
  const entries = items.map((item) => {
    const li = h('li', {
      role: 'menuitem',
      tabindex: '-1',
      class: ['menu-item', item.danger ? 'menu-item-danger' : null],
      'data-action': item.id,
    }, item.label);
    const choose = () => {
      close(true);
      onSelect(item);
    };
    li.addEventListener('click', choose);
    li.addEventListener('keydown', (ev) => {
      const i = entries.indexOf(li);
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        choose();
      } else if (ev.key === 'ArrowDown') {
        ev.preventDefault();
        entries[(i + 1) % entries.length].focus();
      } else if (ev.key === 'ArrowUp') {
        ev.preventDefault();
        entries[(i - 1 + entries.length) % entries.length].focus();
      } else if (ev.key === 'Home') {
        ev.preventDefault();
        entries[0].focus();
      } else if (ev.key === 'End') {
        ev.preventDefault();
        entries[entries.length - 1].focus();
      } else if (ev.key === 'Escape') {
        ev.preventDefault();
        close(true);
      } else if (ev.key === 'Tab') {
        close(false);
      }
    });
    menu.appendChild(li);
    return li;
  });
  const outside = (ev) => {
    if (!wrapper.contains(ev.target)) close(false);
  };
  function open(focusLast = false) {
    for (const other of document.querySelectorAll('.menu:not([hidden])')) {
      if (other !== menu) other.dispatchEvent(new CustomEvent('menu-close'));
    }
    menu.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    document.addEventListener('mousedown', outside);
    if (entries.length) (focusLast ? entries[entries.length - 1] : entries[0]).focus();
  }
  function close(refocus) {
    if (menu.hidden) return;
    menu.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    document.removeEventListener('mousedown', outside);
    if (refocus) button.focus();
  }
  menu.addEventListener('menu-close', () => close(false));
  button.addEventListener('click', () => (menu.hidden ? open() : close(true)));
  button.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown') {
      ev.preventDefault();
      open();
    } else if (ev.key === 'ArrowUp') {
      ev.preventDefault();
      open(true);
    }
  });
  const wrapper = h('div', { class: 'menu-wrap' }, button, menu);
  return wrapper;
}

function channelsCell(channels) {
  return h('span', { class: 'chips' }, (channels || []).map((c) => h('span', { class: 'chip' }, CHANNEL_LABELS[c] || c)));
}

function scheduleText(c) {
  const s = c.schedule || {};
  if (s.start) return formatTime(s.start);
  if (c.activated_at) return formatTime(c.activated_at);
  return '—';
}

function alertsDialog(c) {
  const titleId = uid('alerts-title');
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId },
    h('div', { class: 'dialog-body' },
      h('h2', { id: titleId, class: 'dialog-title' }, `Alerts: ${c.name}`),
      h('ul', { class: 'alert-list' }, (c.alerts || []).map((a) => h('li', { class: 'alert-item' },
        h('span', { class: ['alert-type', a.type === 'execution_failed' ? 'alert-type-failed' : null] },
          alertLabel(a.type)),
        h('span', { class: 'alert-message' }, a.message || ''),
        h('time', { class: 'alert-time', datetime: a.at }, formatTime(a.at))))),
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'btn', onclick: () => dialog.close() }, 'Close'))));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.appendChild(dialog);
  dialog.showModal();
}

// Picks one of the partial packages that take their campaigns from this sandbox, or names a new
// one: resolves {name, create} or null.
function packageDialog(title, packages) {
  return new Promise((resolve) => {
    const titleId = uid('package-title');
    const selectId = uid('package-select');
    const nameId = uid('package-name');
    const existingId = uid('package-existing');
    const newId = uid('package-new');
    let result = null;
    const select = packages.length ? h('select', { id: selectId, name: 'package' },
      packages.map((p) => h('option', { value: p.name }, p.description ? `${p.name} (${p.description})` : p.name))) : null;
    const name = h('input', { id: nameId, name: 'new_package', type: 'text', autocomplete: 'off', pattern: '[a-z0-9\\-]+', maxlength: '64' });
    const existing = h('input', { type: 'radio', id: existingId, name: 'which', value: 'existing', checked: !!select, disabled: !select });
    const fresh = h('input', { type: 'radio', id: newId, name: 'which', value: 'new', checked: !select });
    name.addEventListener('input', () => { fresh.checked = true; });
    if (select) select.addEventListener('change', () => { existing.checked = true; });
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId },
      h('form', {
        method: 'dialog',
        class: 'dialog-body',
        onsubmit: (ev) => {
          if (!ev.submitter || ev.submitter.value !== 'add') return;
          if (fresh.checked) {
            if (!name.value.trim()) {
              ev.preventDefault();
              name.focus();
              return;
            }
            result = { name: name.value.trim(), create: true };
          } else if (select) {
            result = { name: select.value, create: false };
          }
        },
      },
      h('h2', { id: titleId, class: 'dialog-title' }, title),
      h('div', { class: 'field' },
        h('label', { class: 'v-check', for: existingId }, existing, 'Choose an existing one'),
        select
          ? h('div', { class: 'field' }, h('label', { for: selectId }, 'Package'), select)
          : h('p', {}, 'No partial package takes its campaigns from this sandbox yet.')),
      h('div', { class: 'field' },
        h('label', { class: 'v-check', for: newId }, fresh, 'Create a new one'),
        h('div', { class: 'field' }, h('label', { for: nameId }, 'Name of the new one'), name)),
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'submit', value: 'cancel', class: 'btn', formnovalidate: true }, 'Cancel'),
        h('button', { type: 'submit', value: 'add', class: 'btn btn-primary' }, 'Add to package'))));
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(result);
    });
    document.body.appendChild(dialog);
    dialog.showModal();
  });
}

// Adds campaigns to a package (a new one is created with them): answers the package's name.
async function addToPackage(tenant, sandbox, ids, names) {
  const list = (await api('GET', `/v1/tenants/${encodeURIComponent(tenant)}/packages`)).data.items || [];
  const title = ids.length === 1 ? `Add to package: ${names[0]}` : `Add ${ids.length} campaigns to a package`;
  const choice = await packageDialog(title, list.filter((p) => p.kind === 'partial' && p.source_sandbox === sandbox));
  if (!choice) return null;
  if (choice.create) {
    await api('POST', `/v1/tenants/${encodeURIComponent(tenant)}/packages`, {
      body: { name: choice.name, source_sandbox: sandbox, objects: ids.map((id) => ({ kind: 'campaign', id })) },
    });
  } else {
    for (const id of ids) {
      await api('POST', `${sandboxPath(tenant, sandbox)}/campaigns/${encodeURIComponent(id)}/actions/add-to-package`, { body: { package: choice.name } });
    }
  }
  return choice.name;
}

function tagsDialog(campaign) {
  return new Promise((resolve) => {
    const titleId = uid('tags-title');
    const inputId = uid('tags-input');
    let result = null;
    const input = h('input', { id: inputId, name: 'tags', type: 'text', value: (campaign.tags || []).join(', '), 'aria-describedby': `${inputId}-help` });
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId },
      h('form', {
        method: 'dialog',
        class: 'dialog-body',
        onsubmit: (ev) => {
          if (ev.submitter && ev.submitter.value === 'save') {
            result = input.value.split(',').map((t) => t.trim()).filter(Boolean);
          }
        },
      },
      h('h2', { id: titleId, class: 'dialog-title' }, `Edit tags: ${campaign.name}`),
      h('div', { class: 'field' },
        h('label', { for: inputId }, 'Tags'),
        input,
        h('p', { class: 'field-help', id: `${inputId}-help` }, 'Separate tags with commas.')),
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'submit', value: 'cancel', class: 'btn', formnovalidate: true }, 'Cancel'),
        h('button', { type: 'submit', value: 'save', class: 'btn btn-primary' }, 'Save tags'))));
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(result);
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    input.select();
  });
}

export async function renderInventory(ctx) {
  const { tenant, sandbox } = ctx.params;
  const base = sandboxPath(tenant, sandbox);
  const editable = canEdit(sandbox, ctx.session);
  const state = stateFrom(ctx.query);
  const cursors = []; // cursors of the pages before this one, for "Previous"
  const selected = new Map(); // id -> name
  let items = [];

  // The first page is fetched before anything is drawn, so that a sandbox that is not visible
  // answers "Not found" rather than an empty inventory.
  let page = (await api('GET', `${base}/campaigns`, { query: listQuery(state) })).data;

  const banner = h('div', { class: 'inventory-banner', 'aria-live': 'polite' });
  const results = h('div', { class: 'bulk-results-wrap' });
  const tableWrap = h('div', { class: 'table-wrap' });
  const pager = h('div', { class: 'pager' });
  const bulkBar = h('div', { class: 'bulk-bar', hidden: true, role: 'region', 'aria-label': 'Bulk actions' });

  function syncURL(push = false) {
    const url = paths.inventory(tenant, sandbox, queryFrom(state));
    if (push) history.pushState(null, '', url);
    else history.replaceState(null, '', url);
  }

  async function load({ keepSelection = false } = {}) {
    tableWrap.setAttribute('aria-busy', 'true');
    try {
      page = (await api('GET', `${base}/campaigns`, { query: listQuery(state) })).data;
      clear(banner);
    } catch (e) {
      tableWrap.removeAttribute('aria-busy');
      if (e instanceof ApiError && e.status === 401) return;
      clear(banner).appendChild(errorBanner(e));
      return;
    }
    tableWrap.removeAttribute('aria-busy');
    if (!keepSelection) selected.clear();
    draw();
  }

  function setFilter(changes) {
    Object.assign(state, changes, { cursor: '' });
    cursors.length = 0;
    syncURL();
    drawFilters();
    load();
  }

  // ---- actions ----

  async function runAction(c, item) {
    const id = item.id;
    if (id === 'open-draft') {
      navigate(`${paths.campaign(tenant, sandbox, c.id)}?version=draft`);
      return;
    }
    if (id === 'report-24h' || id === 'report-full') {
      navigate(paths.campaignReport(tenant, sandbox, c.id, id === 'report-full' ? 'full' : '24h'));
      return;
    }
    if (id === 'edit-tags') {
      const tags = await tagsDialog(c);
      if (!tags) return;
      try {
        const current = await api('GET', `${base}/campaigns/${encodeURIComponent(c.id)}`);
        await api('PATCH', `${base}/campaigns/${encodeURIComponent(c.id)}`, { body: { tags }, ifMatch: current.etag });
        toast(`Tags of "${c.name}" saved.`);
        await load({ keepSelection: true });
      } catch (e) {
        clear(banner).appendChild(errorBanner(e));
      }
      return;
    }
    if (id === 'add-to-package') {
      try {
        const name = await addToPackage(tenant, sandbox, [c.id], [c.name]);
        if (!name) return;
        toast(`"${c.name}" added to package ${name}.`);
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return;
        clear(banner).appendChild(errorBanner(e));
      }
      return;
    }
    if (CONFIRM[id]) {
      const ok = await confirmDialog(CONFIRM[id], {
        title: `${item.label} "${c.name}"?`,
        confirmLabel: item.label,
        danger: id === 'stop' || id === 'delete' || id === 'discard-draft',
      });
      if (!ok) return;
    }
    try {
      if (id === 'delete') {
        const current = await api('GET', `${base}/campaigns/${encodeURIComponent(c.id)}`);
        await api('DELETE', `${base}/campaigns/${encodeURIComponent(c.id)}`, { ifMatch: current.etag });
        toast(`"${c.name}" deleted.`);
      } else {
        const res = await api('POST', `${base}/campaigns/${encodeURIComponent(c.id)}/actions/${id}`, { body: {} });
        if (id === 'duplicate' && res.data) toast(`Duplicated as "${res.data.name}".`);
        else toast(`${item.label}: "${c.name}" is now ${(STATUS_LABELS[res.data && res.data.status] || '').toLowerCase() || 'updated'}.`);
      }
      await load({ keepSelection: true });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return;
      clear(banner).appendChild(errorBanner(e));
      banner.scrollIntoView({ block: 'nearest' });
    }
  }

  async function runBulk(action) {
    const ids = [...selected.keys()];
    if (!ids.length) return;
    const label = ACTION_LABELS[action];
    if (CONFIRM[action]) {
      const ok = await confirmDialog(`${CONFIRM[action]} This applies to ${ids.length} campaign${ids.length === 1 ? '' : 's'}.`, {
        title: `${label} ${ids.length} campaign${ids.length === 1 ? '' : 's'}?`,
        confirmLabel: label,
        danger: action === 'stop',
      });
      if (!ok) return;
    }
    const names = new Map(selected);
    let res;
    try {
      res = await api('POST', `${base}/campaigns/bulk`, { body: { action, ids } });
    } catch (e) {
      clear(banner).appendChild(errorBanner(e));
      return;
    }
    const rows = res.data.results || [];
    const done = rows.filter((r) => r.ok).length;
    const headingId = uid('bulk-results');
    clear(results).appendChild(h('section', { class: 'bulk-results card', 'aria-labelledby': headingId },
      h('div', { class: 'bulk-results-head' },
        h('h2', { id: headingId }, `${label}: ${done} of ${rows.length} done`),
        h('button', { type: 'button', class: 'btn btn-ghost btn-small', onclick: () => clear(results) }, 'Dismiss')),
      h('ul', { class: 'bulk-results-list', 'aria-label': `Results of ${label.toLowerCase()}` }, rows.map((r) => h('li', { class: ['bulk-result', r.ok ? 'ok' : 'failed'] },
        h('span', { class: 'bulk-result-mark', 'aria-hidden': 'true' }, r.ok ? '✓' : '✕'),
        h('span', { class: 'bulk-result-name' }, names.get(r.id) || r.id),
        r.ok
          ? h('span', { class: 'bulk-result-text' }, 'Done, now ', statusBadge(r.status))
          : h('span', { class: 'bulk-result-text' }, `Refused: ${(r.error && r.error.message) || 'failed'}`))))));
    toast(`${label}: ${done} of ${rows.length} done.`);
    await load();
  }

  // ---- drawing ----

  const tabList = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Campaign types' });
  const tabPanelId = uid('inventory-panel');
  const tabs = TABS.map((t) => {
    const tab = h('button', {
      type: 'button',
      role: 'tab',
      class: 'tab',
      id: `tab-${t.type || 'all'}`,
      'aria-controls': tabPanelId,
      onclick: () => setFilter({ type: t.type }),
      onkeydown: (ev) => {
        const i = TABS.indexOf(t);
        let next = null;
        if (ev.key === 'ArrowRight') next = (i + 1) % TABS.length;
        else if (ev.key === 'ArrowLeft') next = (i - 1 + TABS.length) % TABS.length;
        else if (ev.key === 'Home') next = 0;
        else if (ev.key === 'End') next = TABS.length - 1;
        if (next === null) return;
        ev.preventDefault();
        tabs[next].focus();
        setFilter({ type: TABS[next].type });
      },
    }, t.label);
    tabList.appendChild(tab);
    return tab;
  });

  function drawTabs() {
    tabs.forEach((tab, i) => {
      const on = TABS[i].type === state.type;
      tab.setAttribute('aria-selected', on ? 'true' : 'false');
      tab.tabIndex = on ? 0 : -1;
    });
    const panel = document.getElementById(tabPanelId);
    if (panel) panel.setAttribute('aria-labelledby', `tab-${state.type || 'all'}`);
  }

  // Filters
  const searchId = uid('search');
  const search = h('input', {
    id: searchId, type: 'search', name: 'q', value: state.q, placeholder: 'Search by name', autocomplete: 'off',
  });
  let searchTimer = null;
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => setFilter({ q: search.value.trim() }), 250);
  });
  search.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      clearTimeout(searchTimer);
      setFilter({ q: search.value.trim() });
    }
  });
  const statusSelect = h('select', { id: uid('status'), name: 'status', onchange: (ev) => setFilter({ status: ev.target.value }) },
    h('option', { value: '' }, 'Hide stopped, completed, archived'),
    h('option', { value: 'all' }, 'Any status'),
    ALL_STATUSES.map((s) => h('option', { value: s }, STATUS_LABELS[s])));
  const channelSelect = h('select', { id: uid('channel'), name: 'channel', onchange: (ev) => setFilter({ channel: ev.target.value }) },
    h('option', { value: '' }, 'Any channel'),
    Object.entries(CHANNEL_LABELS).map(([v, l]) => h('option', { value: v }, l)));
  const tagInput = h('input', { id: uid('tag'), type: 'text', name: 'tag', value: state.tag, placeholder: 'Any tag', autocomplete: 'off' });
  tagInput.addEventListener('change', () => setFilter({ tag: tagInput.value.trim() }));
  const fromInput = h('input', { id: uid('from'), type: 'date', name: 'from', value: state.from, onchange: (ev) => setFilter({ from: ev.target.value }) });
  const toInput = h('input', { id: uid('to'), type: 'date', name: 'to', value: state.to, onchange: (ev) => setFilter({ to: ev.target.value }) });

  const filterField = (label, control, extra) => h('div', { class: ['filter', extra] }, h('label', { for: control.id }, label), control);
  const filters = h('div', { class: 'filters', role: 'search', 'aria-label': 'Campaign filters' },
    h('div', { class: 'filter filter-search' },
      h('label', { for: searchId }, 'Search'),
      h('div', { class: 'input-icon' }, icon('search'), search)),
    filterField('Status', statusSelect),
    filterField('Channel', channelSelect),
    filterField('Tag', tagInput),
    filterField('Created from', fromInput, 'filter-date'),
    filterField('Created to', toInput, 'filter-date'));
  const chips = h('div', { class: 'filter-chips' });

  function drawFilters() {
    drawTabs();
    if (search.value.trim() !== state.q) search.value = state.q;
    statusSelect.value = state.status && !state.status.includes(',') ? state.status : (state.status ? 'all' : '');
    channelSelect.value = state.channel;
    tagInput.value = state.tag;
    fromInput.value = state.from;
    toInput.value = state.to;
    clear(chips);
    if (!state.status) {
      chips.appendChild(h('div', { class: 'filter-chip' },
        icon('filter'),
        h('span', {}, 'Hiding stopped, completed and archived campaigns'),
        h('button', { type: 'button', class: 'btn btn-link', onclick: () => setFilter({ status: 'all' }) }, 'Show all statuses')));
    }
    if (state.channel === 'in_app') {
      // Which in-app message wins a screen: the sandbox's exact order of its live in-app campaigns.
      chips.appendChild(h('a', { href: paths.inAppPriority(tenant, sandbox), class: 'btn btn-small' },
        icon('list'), 'In-app priority order'));
    }
    const active = ['q', 'channel', 'tag', 'from', 'to'].some((k) => state[k]) || state.status;
    if (active) {
      chips.appendChild(h('button', {
        type: 'button',
        class: 'btn btn-link',
        onclick: () => setFilter({ q: '', status: '', channel: '', tag: '', from: '', to: '' }),
      }, 'Reset filters'));
    }
  }

  function drawBulkBar() {
    const n = selected.size;
    bulkBar.hidden = n === 0;
    clear(bulkBar);
    if (!n) return;
    bulkBar.appendChild(h('span', { class: 'bulk-count' }, `${n} selected`));
    bulkBar.appendChild(h('div', { class: 'bulk-actions' }, BULK_ACTIONS.map((a) => h('button', {
      type: 'button',
      class: ['btn', 'btn-small', a === 'stop' ? 'btn-danger' : null],
      onclick: () => runBulk(a),
    }, ACTION_LABELS[a]))));
    if (editable) {
      bulkBar.appendChild(h('button', {
        type: 'button',
        class: 'btn btn-small',
        onclick: async () => {
          const ids = [...selected.keys()];
          try {
            const name = await addToPackage(tenant, sandbox, ids, [...selected.values()]);
            if (!name) return;
            toast(`${ids.length} campaign${ids.length === 1 ? '' : 's'} added to package ${name}.`);
          } catch (e) {
            if (e instanceof ApiError && e.status === 401) return;
            clear(banner).appendChild(errorBanner(e));
          }
        },
      }, 'Add to package'));
    }
    bulkBar.appendChild(h('button', {
      type: 'button',
      class: 'btn btn-ghost btn-small',
      onclick: () => {
        selected.clear();
        draw();
      },
    }, 'Clear selection'));
  }

  function row(c) {
    const link = paths.campaign(tenant, sandbox, c.id);
    const alerts = c.alerts || [];
    const statusCell = h('div', { class: 'status-cell' },
      statusBadge(c.status),
      alerts.length ? h('button', {
        type: 'button',
        class: 'icon-button icon-alert',
        'aria-label': `${alerts.length} alert${alerts.length === 1 ? '' : 's'}: show`,
        title: 'Show alerts',
        onclick: () => alertsDialog(c),
      }, icon('alert')) : null,
      c.has_draft_version ? h('a', {
        href: `${link}?version=draft`,
        class: 'icon-button icon-draft',
        'aria-label': `Open draft version of ${c.name}`,
        title: 'Open draft version',
      }, icon('draft')) : null);
    const check = editable ? h('input', {
      type: 'checkbox',
      'aria-label': `Select ${c.name}`,
      checked: selected.has(c.id),
      onchange: (ev) => {
        if (ev.target.checked) selected.set(c.id, c.name);
        else selected.delete(c.id);
        drawSelectionState();
      },
    }) : null;
    const actions = rowActions(c, editable);
    return h('tr', { 'data-id': c.id, class: selected.has(c.id) ? 'selected' : null },
      editable ? h('td', { class: 'col-check' }, check) : null,
      h('td', { class: 'col-name' },
        h('a', { href: link, class: 'campaign-link' }, c.name),
        h('div', { class: 'row-meta' },
          h('span', { class: 'mono' }, c.key),
          (c.tags || []).map((t) => h('span', { class: 'tag' }, t)))),
      h('td', { class: 'col-nowrap' }, TYPE_LABELS[c.type] || c.type),
      h('td', {}, statusCell),
      h('td', {}, channelsCell(c.channels)),
      h('td', { class: 'col-time' }, scheduleText(c)),
      h('td', { class: 'col-time' },
        h('time', { datetime: c.updated_at }, formatTime(c.updated_at)),
        h('div', { class: 'row-meta' }, `by ${c.updated_by}`)),
      h('td', { class: 'col-menu' }, actions.length
        ? menuButton(`Actions for ${c.name}`, actions, (item) => runAction(c, item)) : null));
  }

  let headerCheck = null;
  function drawSelectionState() {
    if (headerCheck) {
      const onPage = items.filter((c) => selected.has(c.id)).length;
      headerCheck.checked = items.length > 0 && onPage === items.length;
      headerCheck.indeterminate = onPage > 0 && onPage < items.length;
    }
    for (const tr of tableWrap.querySelectorAll('tr[data-id]')) tr.classList.toggle('selected', selected.has(tr.dataset.id));
    drawBulkBar();
  }

  function drawTable() {
    items = page.items || [];
    clear(tableWrap);
    if (!items.length) {
      const filtered = ['q', 'channel', 'tag', 'from', 'to', 'type'].some((k) => state[k]) || state.status;
      tableWrap.appendChild(emptyState(
        filtered ? 'No campaign matches these filters.' : 'No campaign here yet.',
        !state.status ? 'Stopped, completed and archived campaigns are hidden.' : null,
        editable && !filtered ? h('a', { href: paths.newCampaign(tenant, sandbox), class: 'btn btn-primary' }, 'New campaign') : null));
      return;
    }
    headerCheck = editable ? h('input', {
      type: 'checkbox',
      'aria-label': 'Select all campaigns on this page',
      onchange: (ev) => {
        for (const c of items) {
          if (ev.target.checked) selected.set(c.id, c.name);
          else selected.delete(c.id);
        }
        for (const box of tableWrap.querySelectorAll('tbody input[type="checkbox"]')) box.checked = ev.target.checked;
        drawSelectionState();
      },
    }) : null;
    const typeLabel = TABS.find((t) => t.type === state.type).label;
    tableWrap.appendChild(h('table', { class: 'table' },
      h('caption', { class: 'visually-hidden' }, `${typeLabel} campaigns, most recently modified first`),
      h('thead', {}, h('tr', {},
        editable ? h('th', { scope: 'col', class: 'col-check' }, headerCheck) : null,
        h('th', { scope: 'col' }, 'Name'),
        h('th', { scope: 'col' }, 'Type'),
        h('th', { scope: 'col' }, 'Status'),
        h('th', { scope: 'col' }, 'Channels'),
        h('th', { scope: 'col' }, 'Start'),
        h('th', { scope: 'col', 'aria-sort': 'descending' }, 'Last modified'),
        h('th', { scope: 'col', class: 'col-menu' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
      h('tbody', {}, items.map(row))));
    drawSelectionState();
  }

  function drawPager() {
    clear(pager);
    const total = page.total || 0;
    const first = cursors.length * PAGE_SIZE + (items.length ? 1 : 0);
    const last = cursors.length * PAGE_SIZE + items.length;
    const totalText = page.total_capped ? `more than ${total.toLocaleString('en-GB')}` : total.toLocaleString('en-GB');
    pager.appendChild(h('p', { class: 'pager-text', 'aria-live': 'polite' },
      items.length ? `${first.toLocaleString('en-GB')}–${last.toLocaleString('en-GB')} of ${totalText} campaigns` : `0 of ${totalText} campaigns`));
    pager.appendChild(h('div', { class: 'pager-buttons' },
      h('button', {
        type: 'button',
        class: 'btn btn-small',
        disabled: cursors.length === 0,
        onclick: () => {
          state.cursor = cursors.pop() || '';
          syncURL();
          load({ keepSelection: true });
        },
      }, icon('left'), 'Previous'),
      h('button', {
        type: 'button',
        class: 'btn btn-small',
        disabled: !page.next_cursor,
        onclick: () => {
          cursors.push(state.cursor);
          state.cursor = page.next_cursor;
          syncURL();
          load({ keepSelection: true });
        },
      }, 'Next', icon('right'))));
  }

  function draw() {
    drawTable();
    drawPager();
  }

  drawFilters();
  draw();

  const headerActions = [
    h('div', { class: 'view-switch', role: 'group', 'aria-label': 'View' },
      h('a', { href: paths.inventory(tenant, sandbox), class: 'btn btn-small', 'aria-current': 'page' }, icon('list'), 'List'),
      h('a', { href: paths.calendar(tenant, sandbox), class: 'btn btn-small' }, icon('calendar'), 'Calendar')),
    editable ? h('a', { href: paths.newCampaign(tenant, sandbox), class: 'btn btn-primary' }, icon('plus'), 'New campaign') : null,
  ];

  return h('section', { class: 'page inventory', 'data-title': `Campaigns · ${sandbox}` },
    pageHeader('Campaigns', { subtitle: `Sandbox ${sandbox}`, actions: headerActions }),
    tabList,
    h('div', { class: 'card inventory-card', role: 'tabpanel', id: tabPanelId, 'aria-labelledby': `tab-${state.type || 'all'}` },
      filters,
      chips,
      bulkBar,
      banner,
      results,
      tableWrap,
      pager));
}
