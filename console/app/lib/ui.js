// Pieces of UI shared by every view: status badges, error banners, 422 field errors, times,
// confirmation dialogs and toasts.

import { h, clear, uid } from './dom.js';
import { ApiError } from './api.js';

export const STATUS_LABELS = {
  draft: 'Draft',
  in_review: 'In review',
  scheduled: 'Scheduled',
  active: 'Active',
  paused: 'Paused',
  stopped: 'Stopped',
  completed: 'Completed',
  failed: 'Failed',
  archived: 'Archived',
  publishing: 'Publishing',
  closed: 'Closed',
};

export const TYPE_LABELS = {
  action: 'Action',
  api_triggered: 'API-triggered',
  orchestrated: 'Orchestrated',
};

export const CHANNEL_LABELS = {
  email: 'Email',
  sms: 'SMS',
  push: 'Push',
  in_app: 'In-app',
  webhook: 'Webhook',
};

export const ACTION_LABELS = {
  submit: 'Submit for review',
  withdraw: 'Withdraw',
  activate: 'Activate',
  pause: 'Pause',
  resume: 'Resume',
  stop: 'Stop',
  close: 'Close',
  archive: 'Archive',
  unarchive: 'Unarchive',
  duplicate: 'Duplicate',
  'submit-draft': 'Submit draft version',
  'activate-draft': 'Activate draft version',
  'discard-draft': 'Discard draft version',
  'add-to-package': 'Add to package',
  delete: 'Delete',
};

// Alert types: the delivery engine's (execution_failed, warning) and those ferry raises from a
// campaign's present state (configuration, start_passed, binding_empty).
export const ALERT_LABELS = {
  execution_failed: 'Execution failed',
  warning: 'Warning',
  configuration: 'Configuration incorrect',
  start_passed: 'Start passed in review',
  binding_empty: 'Secret left empty',
};

export function alertLabel(type) {
  return ALERT_LABELS[type] || type;
}

export function statusLabel(status) {
  return STATUS_LABELS[status] || status;
}

// A coloured status pill; the label is text, so colour is never the only cue.
export function statusBadge(status) {
  return h('span', { class: ['badge', `badge-${status}`] }, statusLabel(status));
}

// The error of an API call as a banner: the API's message, and the actions allowed now when a
// lifecycle action was refused.
export function errorBanner(error) {
  const message = error && error.message ? error.message : String(error);
  const allowed = error instanceof ApiError && Array.isArray(error.details && error.details.allowed_actions)
    ? error.details.allowed_actions : null;
  return h('div', { class: 'banner banner-error', role: 'alert' },
    h('p', { class: 'banner-message' }, message),
    allowed ? h('p', { class: 'banner-detail' },
      allowed.length ? `Allowed now: ${allowed.map((a) => ACTION_LABELS[a] || a).join(', ')}.` : 'No action is allowed now.') : null);
}

export function infoBanner(text) {
  return h('div', { class: 'banner banner-info', role: 'status' }, text);
}

function candidateNames(field) {
  // content.email.subject -> content.email.subject, content.email, content; channels[1] -> channels[1], channels
  const names = [field];
  let f = field;
  while (true) {
    const bracket = f.lastIndexOf('[');
    const dot = f.lastIndexOf('.');
    const cut = Math.max(bracket, dot);
    if (cut <= 0) break;
    f = f.slice(0, cut);
    names.push(f);
  }
  return names;
}

// Shows a 422's details.field message next to the form control whose name matches (or the
// closest parent path). Clears earlier messages. Returns true when it found a field.
export function fieldErrors(form, error) {
  for (const old of form.querySelectorAll('.field-error')) old.remove();
  for (const el of form.querySelectorAll('[aria-invalid="true"]')) {
    el.removeAttribute('aria-invalid');
    const described = (el.getAttribute('aria-describedby') || '').split(' ').filter((id) => id && !id.startsWith('field-error-'));
    if (described.length) el.setAttribute('aria-describedby', described.join(' '));
    else el.removeAttribute('aria-describedby');
  }
  if (!error || !error.details || typeof error.details.field !== 'string') return false;
  let control = null;
  for (const name of candidateNames(error.details.field)) {
    control = [...form.querySelectorAll('[name]')].find((el) => el.getAttribute('name') === name);
    if (control) break;
  }
  if (!control) return false;
  const id = uid('field-error');
  const message = h('p', { class: 'field-error', id }, error.message);
  const anchor = control.closest('.field') || control;
  if (anchor === control) control.insertAdjacentElement('afterend', message);
  else anchor.appendChild(message);
  control.setAttribute('aria-invalid', 'true');
  control.setAttribute('aria-describedby', `${control.getAttribute('aria-describedby') || ''} ${id}`.trim());
  control.focus();
  return true;
}

const dateTime = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC',
});
const dateOnly = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

// Times are shown in UTC, as the API and the calendar's ISO weeks use it.
export function formatTime(rfc3339) {
  if (!rfc3339) return '—';
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return String(rfc3339);
  return `${dateTime.format(d)} UTC`;
}

export function formatDate(rfc3339) {
  if (!rfc3339) return '—';
  const d = new Date(rfc3339);
  return Number.isNaN(d.getTime()) ? String(rfc3339) : dateOnly.format(d);
}

// A <time> element with the full timestamp as its datetime.
export function timeEl(rfc3339) {
  return h('time', { datetime: rfc3339 || undefined }, formatTime(rfc3339));
}

// A modal <dialog>: resolves true when confirmed, false when cancelled (Escape included).
export function confirmDialog(text, { title = 'Are you sure?', confirmLabel = 'Confirm', cancelLabel = 'Cancel', danger = false } = {}) {
  return new Promise((resolve) => {
    const titleId = uid('dialog-title');
    const textId = uid('dialog-text');
    let result = false;
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId, 'aria-describedby': textId },
      h('form', { method: 'dialog', class: 'dialog-body' },
        h('h2', { id: titleId, class: 'dialog-title' }, title),
        h('p', { id: textId }, text),
        h('div', { class: 'dialog-actions' },
          h('button', { type: 'submit', value: 'cancel', class: 'btn', onclick: () => { result = false; } }, cancelLabel),
          h('button', { type: 'submit', value: 'confirm', class: ['btn', danger ? 'btn-danger' : 'btn-primary'], onclick: () => { result = true; } }, confirmLabel))));
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(result);
    });
    document.body.appendChild(dialog);
    dialog.showModal();
  });
}

let toastRegion = null;

// A short message in a polite live region, gone after a few seconds.
export function toast(text, { kind = 'info', timeout = 5000 } = {}) {
  if (!toastRegion || !toastRegion.isConnected) {
    toastRegion = h('div', { class: 'toast-region', role: 'status', 'aria-live': 'polite' });
    document.body.appendChild(toastRegion);
  }
  const item = h('div', { class: ['toast', `toast-${kind}`] }, text);
  toastRegion.appendChild(item);
  setTimeout(() => item.remove(), timeout);
  return item;
}

// A page's title row: <h1> and, on the right, actions.
export function pageHeader(title, { subtitle, actions } = {}) {
  return h('div', { class: 'page-header' },
    h('div', { class: 'page-heading' },
      h('h1', {}, title),
      subtitle ? h('p', { class: 'page-subtitle' }, subtitle) : null),
    actions ? h('div', { class: 'page-actions' }, actions) : null);
}

export function emptyState(title, text, action) {
  return h('div', { class: 'empty-state' },
    h('p', { class: 'empty-title' }, title),
    text ? h('p', { class: 'empty-text' }, text) : null,
    action || null);
}

export function loadingState(text = 'Loading…') {
  return h('p', { class: 'loading', role: 'status' }, text);
}

export { clear };
