// Small building blocks of the package, import and administration views (views/packages.js,
// views/imports.js, views/admin*.js): breadcrumbs, the page header, titled cards, definition
// lists, tables, JSON values shown as text, flattening objects to JSON-pointer paths.

import { h } from '../lib/dom.js';
import { formatTime } from '../lib/ui.js';
import { ensureViewStyles } from './render.js';

ensureViewStyles();

export function crumbs(items) {
  const ol = h('ol', {});
  items.forEach(([label, href], i) => {
    ol.appendChild(i === items.length - 1 ? h('li', { 'aria-current': 'page' }, label) : h('li', {}, h('a', { href }, label)));
  });
  return h('nav', { class: 'v-breadcrumb', 'aria-label': 'Breadcrumb' }, ol);
}

export function header(title, meta, actions) {
  return h('header', { class: 'v-page-header' },
    h('div', { class: 'v-page-heading' }, h('h1', {}, title), meta ? h('p', { class: 'v-meta-text' }, meta) : null),
    actions && (!Array.isArray(actions) || actions.length) ? h('div', { class: 'v-actions' }, actions) : null);
}

// A card with an <h2> that names its region.
export function card(title, id, ...children) {
  const headingId = `${id}-title`;
  return h('section', { class: 'v-card', id, 'aria-labelledby': headingId },
    h('h2', { class: 'v-card-title', id: headingId }, title), ...children);
}

export function dl(rows) {
  const list = h('dl', { class: 'v-dl' });
  for (const [term, value] of rows) {
    if (value === undefined) continue;
    list.appendChild(h('div', { class: 'v-dl-row' }, h('dt', {}, term),
      h('dd', {}, value instanceof Node ? value : (value === null || value === '' ? '—' : String(value)))));
  }
  return list;
}

export function time(ts) {
  return ts ? h('time', { datetime: ts }, formatTime(ts)) : '—';
}

// table('Caption', ['Col', ...], rows of cells) with a visually hidden caption (its name).
export function table(caption, columns, rows, { className } = {}) {
  return h('div', { class: 'v-table-wrap' }, h('table', { class: ['v-table', className] },
    h('caption', { class: 'v-sr-only' }, caption),
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((c, i) => (i === 0 && c && c.rowHeader
      ? h('th', { scope: 'row' }, c.rowHeader) : h('td', {}, c))))))));
}

export function empty(title, text) {
  return h('div', { class: 'v-empty' }, h('p', { class: 'v-empty-title' }, title), text ? h('p', { class: 'v-muted' }, text) : null);
}

export function messages() {
  return h('div', { class: 'v-messages', 'aria-live': 'polite' });
}

// A JSON value as text: strings as they are, the rest as JSON; absent as a muted dash.
export function jsonValue(v, present = true) {
  if (!present || v === undefined) return h('span', { class: 'v-muted' }, 'absent');
  if (typeof v === 'string') return h('span', { class: 'v-prewrap' }, v);
  return h('code', { class: 'v-prewrap' }, JSON.stringify(v));
}

// {a: {b: 1}, c: [1], d: {}} -> Map {'/a/b' => 1, '/c' => [1]}: leaves are scalars and arrays
// (compared as a whole); an empty object holds no field, as an absent one.
export function flatten(value, prefix = '', out = new Map()) {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, `${prefix}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, out);
  } else {
    out.set(prefix || '/', value);
  }
  return out;
}

// The paths where two objects differ: [{path, from, to, hasFrom, hasTo}].
export function fieldChanges(a, b) {
  const fa = flatten(a || {});
  const fb = flatten(b || {});
  const paths = [...new Set([...fa.keys(), ...fb.keys()])].sort();
  const rows = [];
  for (const p of paths) {
    const x = fa.get(p);
    const y = fb.get(p);
    if (fa.has(p) && fb.has(p) && JSON.stringify(x) === JSON.stringify(y)) continue;
    rows.push({ path: p, from: x, to: y, hasFrom: fa.has(p), hasTo: fb.has(p) });
  }
  return rows;
}

// Random hex, from the browser's CSPRNG (an Idempotency-Key, a fresh name).
export function randomKey(bytes = 16) {
  const a = new Uint8Array(bytes);
  crypto.getRandomValues(a);
  return [...a].map((b) => b.toString(16).padStart(2, '0')).join('');
}
