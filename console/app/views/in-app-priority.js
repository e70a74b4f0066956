// The exact order of a sandbox's live in-app campaigns ("Set exact priority" in the seeds): the
// campaigns in the order they win, level first (High, Medium, Low: content, changed only through
// a draft version and its review), then the rank an editor sets here. Saving applies at once, to
// campaigns with a draft version too. Rearranged with the keyboard (the Move up / Move down
// buttons, or Alt+Arrow keys on a focused row) or the mouse (the same buttons, or drag and drop
// within a level); each move is announced in a live region.

import { h, clear, uid } from '../lib/dom.js';
import { api, ApiError, canEdit, sandboxPath } from '../lib/api.js';
import { paths } from '../lib/paths.js';
import { icon } from '../lib/icons.js';
import { statusBadge, errorBanner, pageHeader, emptyState, toast } from '../lib/ui.js';
import { ensureViewStyles } from './render.js';

ensureViewStyles();

const LEVEL_LABELS = { high: 'High', medium: 'Medium', low: 'Low' };
const LEVELS = ['high', 'medium', 'low'];

function levelBadge(level) {
  return h('span', { class: ['level-badge', `level-${level}`] }, LEVEL_LABELS[level] || level);
}

export async function renderInAppPriority(ctx) {
  const { tenant, sandbox } = ctx.params;
  const base = `${sandboxPath(tenant, sandbox)}/in-app-priority`;
  const editable = canEdit(sandbox, ctx.session);

  // Read before drawing, so that a sandbox the user cannot see answers "Not found".
  let loaded = await api('GET', base);
  let saved = loaded.data.items || [];
  let etag = loaded.etag;
  let items = [...saved];
  let dragged = null;

  const live = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const banner = h('div', { class: 'priority-banner' });
  const listWrap = h('div', { class: 'priority-list-wrap' });
  const saveButton = h('button', { type: 'button', class: 'btn btn-primary', onclick: () => save() }, 'Save order');
  const resetButton = h('button', { type: 'button', class: 'btn', onclick: () => reset() }, 'Reset');
  const actions = editable ? h('div', { class: 'priority-actions' }, saveButton, resetButton) : null;

  const changed = () => items.some((item, i) => item.id !== saved[i].id);
  const announce = (text) => {
    // Cleared first, so that the same sentence twice is announced twice.
    live.textContent = '';
    setTimeout(() => { live.textContent = text; }, 50);
  };

  // Moves the item at `from` one place up (-1) or down (+1), within its level only: the level is
  // content and not this page's to change.
  function move(from, delta, { focus = 'button' } = {}) {
    const to = from + delta;
    if (to < 0 || to >= items.length || items[to].level !== items[from].level) return;
    const [item] = items.splice(from, 1);
    items.splice(to, 0, item);
    draw();
    announce(`${item.name} moved to position ${to + 1} of ${items.length}.`);
    const row = listWrap.querySelector(`li[data-id="${CSS.escape(item.id)}"]`);
    if (!row) return;
    // Focus stays with the moved campaign: on the button used when it can still be used, else
    // on the other one, else on the row.
    const up = row.querySelector('[data-move="up"]');
    const down = row.querySelector('[data-move="down"]');
    let target = row;
    if (focus === 'button') {
      const wanted = delta < 0 ? up : down;
      const other = delta < 0 ? down : up;
      target = wanted && !wanted.disabled ? wanted : (other && !other.disabled ? other : row);
    }
    target.focus();
  }

  function row(item, index) {
    const first = index === 0 || items[index - 1].level !== item.level;
    const last = index === items.length - 1 || items[index + 1].level !== item.level;
    const nameId = uid('priority-name');
    const li = h('li', {
      class: 'priority-item',
      'data-id': item.id,
      'data-level': item.level,
      tabindex: editable ? '0' : null,
      'aria-labelledby': nameId,
      draggable: editable ? 'true' : null,
    },
    h('span', { class: 'priority-rank' }, h('span', { class: 'visually-hidden' }, 'Rank '), String(index + 1)),
    h('div', { class: 'priority-main' },
      h('a', { href: paths.campaign(tenant, sandbox, item.id), class: 'priority-name', id: nameId }, item.name),
      h('div', { class: 'row-meta' },
        h('span', { class: 'mono' }, item.key),
        item.has_draft_version
          ? h('span', { class: 'priority-draft' }, icon('draft'),
            item.draft_level && item.draft_level !== item.level
              ? `Draft version: ${LEVEL_LABELS[item.draft_level]} once live`
              : 'Draft version pending')
          : null)),
    levelBadge(item.level),
    statusBadge(item.status),
    editable ? h('div', { class: 'priority-move', role: 'group', 'aria-label': `Move ${item.name}` },
      h('button', {
        type: 'button',
        class: 'btn btn-small btn-icon',
        'data-move': 'up',
        'aria-label': `Move ${item.name} up`,
        title: 'Move up (Alt+Up)',
        disabled: first,
        onclick: () => move(items.indexOf(item), -1),
      }, icon('up')),
      h('button', {
        type: 'button',
        class: 'btn btn-small btn-icon',
        'data-move': 'down',
        'aria-label': `Move ${item.name} down`,
        title: 'Move down (Alt+Down)',
        disabled: last,
        onclick: () => move(items.indexOf(item), 1),
      }, icon('down'))) : null);
    if (editable) {
      li.addEventListener('keydown', (ev) => {
        if (!ev.altKey || (ev.key !== 'ArrowUp' && ev.key !== 'ArrowDown')) return;
        ev.preventDefault();
        move(items.indexOf(item), ev.key === 'ArrowUp' ? -1 : 1, { focus: ev.target === li ? 'row' : 'button' });
      });
      li.addEventListener('dragstart', (ev) => {
        dragged = item;
        ev.dataTransfer.effectAllowed = 'move';
        ev.dataTransfer.setData('text/plain', item.id);
        li.classList.add('dragging');
      });
      li.addEventListener('dragend', () => {
        dragged = null;
        li.classList.remove('dragging');
      });
      li.addEventListener('dragover', (ev) => {
        // Only within the level: a drop elsewhere is not offered.
        if (dragged && dragged !== item && dragged.level === item.level) ev.preventDefault();
      });
      li.addEventListener('drop', (ev) => {
        ev.preventDefault();
        if (!dragged || dragged === item || dragged.level !== item.level) return;
        const from = items.indexOf(dragged);
        const to = items.indexOf(item);
        const moved = dragged;
        items.splice(from, 1);
        items.splice(to, 0, moved);
        dragged = null;
        draw();
        announce(`${moved.name} moved to position ${to + 1} of ${items.length}.`);
      });
    }
    return li;
  }

  function draw() {
    clear(listWrap);
    if (!items.length) {
      listWrap.appendChild(emptyState('No live in-app campaign in this sandbox.',
        'In-app campaigns enter this order when they go live (scheduled, active or paused), at the end of their level.'));
    } else {
      // One list per level, numbered on from the previous one: the rank is over the whole order.
      for (const level of LEVELS) {
        const start = items.findIndex((i) => i.level === level);
        if (start < 0) continue;
        const headingId = uid('priority-level');
        const list = h('ol', { class: 'priority-list', start: String(start + 1), 'aria-labelledby': headingId });
        items.forEach((item, i) => { if (item.level === level) list.appendChild(row(item, i)); });
        listWrap.appendChild(h('section', { class: 'priority-level', 'aria-labelledby': headingId },
          h('h2', { id: headingId, class: 'priority-level-title' }, `${LEVEL_LABELS[level]} priority`),
          list));
      }
    }
    if (editable) {
      const dirty = changed();
      saveButton.disabled = !dirty;
      resetButton.disabled = !dirty;
    }
  }

  async function reload() {
    loaded = await api('GET', base);
    saved = loaded.data.items || [];
    etag = loaded.etag;
    items = [...saved];
    draw();
  }

  function reset() {
    items = [...saved];
    draw();
    announce('Order reset to the saved one.');
  }

  async function save() {
    saveButton.disabled = true;
    clear(banner);
    try {
      const res = await api('PUT', base, { body: { campaigns: items.map((i) => i.id) }, ifMatch: etag });
      saved = res.data.items || [];
      etag = res.etag;
      items = [...saved];
      draw();
      announce('Order saved. It applies now.');
      toast('In-app priority saved.');
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return;
      if (e instanceof ApiError && e.status === 412) {
        banner.appendChild(h('div', { class: 'banner banner-error', role: 'alert' },
          h('p', { class: 'banner-message' },
            'The order changed since this page read it: a campaign went live or left, or someone else saved an order. Your changes were not saved.'),
          h('p', {}, h('button', { type: 'button', class: 'btn btn-small', onclick: () => { clear(banner); reload().catch((err) => banner.appendChild(errorBanner(err))); } }, 'Load the current order'))));
      } else {
        banner.appendChild(errorBanner(e));
      }
      saveButton.disabled = !changed();
    }
  }

  draw();

  const explain = h('div', { class: 'priority-explain' },
    h('p', {}, 'When several in-app messages could show, the first in this list wins. ',
      'The level (High, Medium, Low) is part of each campaign\'s content: it changes through the campaign\'s draft version and, where required, its review. ',
      'The order within a level is set here and applies as soon as it is saved, also to campaigns with a draft version.'),
    editable ? h('p', { class: 'priority-keys' }, 'Move a campaign with its Move up and Move down buttons, Alt+Up and Alt+Down on a focused row, or by dragging it within its level.') : null);

  return h('section', { class: 'page priority-page', 'data-title': `In-app priority · ${sandbox}` },
    h('nav', { class: 'v-breadcrumb', 'aria-label': 'Breadcrumb' }, h('ol', {},
      h('li', {}, h('a', { href: paths.inventory(tenant, sandbox, { channel: 'in_app' }) }, 'In-app campaigns')),
      h('li', { 'aria-current': 'page' }, 'In-app priority'))),
    pageHeader('In-app priority', { subtitle: `Sandbox ${sandbox}`, actions }),
    h('div', { class: 'card priority-card' }, explain, banner, listWrap),
    live);
}

