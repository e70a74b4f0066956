// Pieces shared by the campaign, segment and template forms: labelled fields, datetime
// conversion (the API speaks UTC), 422 and 412 handling.

import { h, uid } from '../lib/dom.js';
import { ApiError } from '../lib/api.js';
import { errorBanner, fieldErrors, formatTime } from '../lib/ui.js';
import { diffTable } from './render.js';

/** A labelled control: {label, control, hint}. The control gets an id; the label points at it. */
export function field(label, control, { hint, className } = {}) {
  if (!control.id) control.id = uid('f');
  const wrap = h('div', { class: ['field', 'v-field-row', className] },
    h('label', { for: control.id, class: 'field-label' }, label));
  if (hint) {
    const hintId = uid('hint');
    wrap.appendChild(h('p', { class: 'field-help', id: hintId }, hint));
    control.setAttribute('aria-describedby', `${control.getAttribute('aria-describedby') || ''} ${hintId}`.trim());
  }
  wrap.appendChild(control);
  return wrap;
}

export function input(attrs) {
  return h('input', { class: 'input', ...attrs });
}

export function textarea(attrs, value = '') {
  const t = h('textarea', { class: 'input', ...attrs });
  t.value = value ?? '';
  return t;
}

export function select(attrs, options, value) {
  const s = h('select', { class: 'input', ...attrs });
  for (const o of options) {
    const [v, label] = Array.isArray(o) ? o : [o, o];
    s.appendChild(h('option', { value: v }, label));
  }
  if (value !== undefined && value !== null) s.value = value;
  return s;
}

/** '2026-12-07T10:00:00.000Z' -> '2026-12-07T10:00' (UTC) for <input type=datetime-local>. */
export function toInputTime(ts) {
  if (!ts) return '';
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return '';
  return d.toISOString().slice(0, 16);
}

/** '2026-12-07T10:00' (UTC) -> '2026-12-07T10:00:00Z'; '' -> null. */
export function fromInputTime(v) {
  if (!v) return null;
  return v.length === 16 ? `${v}:00Z` : `${v}Z`;
}

/** Puts a 422 next to its field and a summary in the banner area; other errors as a banner. */
export function showError(form, bannerArea, error) {
  bannerArea.replaceChildren();
  const placed = error instanceof ApiError && error.status === 422 ? fieldErrors(form, error) : false;
  if (error instanceof ApiError && error.status === 422) {
    const where = error.details && error.details.field ? ` (${error.details.field})` : '';
    const b = h('div', { class: 'banner banner-error', role: 'alert' },
      h('p', { class: 'banner-message' }, placed ? `Please correct the highlighted field${where}.` : `${error.message}${where}`));
    bannerArea.appendChild(b);
    if (!placed) { b.setAttribute('tabindex', '-1'); b.focus(); }
    return;
  }
  fieldErrors(form, null);
  const b = errorBanner(error);
  bannerArea.appendChild(b);
  b.setAttribute('tabindex', '-1');
  b.focus();
}

/** A client-side error shaped like the API's, for fieldErrors(). */
export function localError(fieldName, message) {
  const e = new ApiError(422, { error: { code: 'invalid_field', message, details: { field: fieldName } } });
  return e;
}

/**
 * The 412 panel: someone else changed the object since the form was opened. rows are
 * [{field, from, to, changed}] between what the form opened with and what is stored now.
 */
export function conflictPanel({ what, now, rows, names, mine, onOverwrite, onReload }) {
  const changed = rows.filter((r) => r.changed);
  const titleId = uid('conflict');
  const panel = h('section', { class: 'v-conflict', role: 'alert', 'aria-labelledby': titleId, tabindex: '-1' },
    h('h2', { id: titleId, class: 'v-conflict-title' }, `Someone else changed this ${what}`),
    h('p', {}, `It was changed${now && now.updated_by ? ` by ${now.updated_by}` : ''}${now && now.updated_at ? ` on ${formatTime(now.updated_at)}` : ''} after you opened this form, so your changes were not saved. `
      + (changed.length ? 'What changed meanwhile:' : 'None of the fields shown here differ (something else changed, such as its status).')));
  if (changed.length) {
    panel.appendChild(h('div', { class: 'v-table-wrap' },
      diffTable(changed.map((r) => ({ ...r, mine: mine ? mine[r.field] ?? null : undefined })),
        { names, formatTime, fromLabel: 'When you opened the form', toLabel: 'Now', mineLabel: mine ? 'Yours (not saved)' : undefined, caption: 'Fields changed by someone else' })));
  }
  panel.appendChild(h('div', { class: 'v-conflict-actions' },
    h('button', { type: 'button', class: 'btn btn-primary', onclick: onOverwrite }, 'Save my version anyway'),
    h('button', { type: 'button', class: 'btn', onclick: onReload }, 'Discard my changes and reload')));
  return panel;
}

/** Compares two flat objects of {field: value}. */
export function diffFlat(a, b, fields) {
  return fields.map((f) => ({
    field: f, from: a[f] ?? null, to: b[f] ?? null,
    changed: JSON.stringify(a[f] ?? null) !== JSON.stringify(b[f] ?? null),
  }));
}

export function canEditNote(text) {
  return h('div', { class: 'banner banner-info v-banner', role: 'note' }, h('p', {}, text));
}
