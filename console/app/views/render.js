// Content rendering as the recipient sees it, and field-level comparison of campaign specs.
//
// Rules (the console runs under a strict CSP):
// - campaign content is never inserted as HTML into the console's page: email bodies render
//   only inside <iframe sandbox="" srcdoc=...> (no scripts, opaque origin); every other value
//   is set as text (textContent, through h()).
// - no inline style attributes: every look comes from views.css classes.

import { h } from '../lib/dom.js';

const STYLESHEET = '/console/views.css';

/** Adds the views' stylesheet once, unless the page already links it. */
export function ensureViewStyles() {
  if (typeof document === 'undefined') return;
  const present = [...document.querySelectorAll('link[rel="stylesheet"]')]
    .some((l) => (l.getAttribute('href') || '').endsWith('views.css'));
  if (present) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = STYLESHEET;
  document.head.appendChild(link);
}
ensureViewStyles();

export const CHANNEL_LABELS = {
  email: 'Email', sms: 'SMS', push: 'Push notification', in_app: 'In-app message', webhook: 'Webhook',
};
export const TYPE_LABELS = {
  action: 'Action', api_triggered: 'API-triggered', orchestrated: 'Orchestrated',
};

// ---------- SMS length and segments ----------

const GSM_BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?'
  + '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '\f^{}\\[~]|€';
const GSM_BASIC_SET = new Set([...GSM_BASIC]);
const GSM_EXT_SET = new Set([...GSM_EXTENDED]);

/**
 * Length and segment count of an SMS text.
 * GSM-7 when every character is in the GSM 03.38 alphabet (extension characters count twice):
 * 160 per message, 153 per segment when split. Otherwise UCS-2 (UTF-16 code units): 70, 67.
 */
export function smsStats(text) {
  const chars = [...(text || '')];
  const nonGsm = [];
  let septets = 0;
  for (const c of chars) {
    if (GSM_BASIC_SET.has(c)) septets += 1;
    else if (GSM_EXT_SET.has(c)) septets += 2;
    else if (!nonGsm.includes(c)) nonGsm.push(c);
  }
  if (nonGsm.length === 0) {
    const length = septets;
    const segments = length === 0 ? 0 : length <= 160 ? 1 : Math.ceil(length / 153);
    return { encoding: 'GSM-7', length, characters: chars.length, segments, perSegment: length <= 160 ? 160 : 153, nonGsm };
  }
  const length = (text || '').length; // UTF-16 code units
  const segments = length === 0 ? 0 : length <= 70 ? 1 : Math.ceil(length / 67);
  return { encoding: 'UCS-2', length, characters: chars.length, segments, perSegment: length <= 70 ? 70 : 67, nonGsm };
}

export function smsSummary(text) {
  const s = smsStats(text);
  const unit = s.encoding === 'GSM-7' ? 'characters' : 'UTF-16 units';
  let out = `${s.length} ${unit} · ${s.encoding} · ${s.segments} ${s.segments === 1 ? 'segment' : 'segments'}`;
  if (s.segments > 1) out += ` of ${s.perSegment}`;
  return out;
}

// ---------- placeholders ----------

/** Splits text into text nodes and highlighted {{placeholder}} spans (as text, never HTML). */
export function textWithPlaceholders(text) {
  const parts = [];
  const re = /\{\{\s*[^{}]+?\s*\}\}/g;
  let last = 0;
  let m;
  const s = String(text ?? '');
  while ((m = re.exec(s)) !== null) {
    if (m.index > last) parts.push(document.createTextNode(s.slice(last, m.index)));
    parts.push(h('span', { class: 'v-placeholder', title: 'Filled in for each recipient' }, m[0]));
    last = m.index + m[0].length;
  }
  if (last < s.length) parts.push(document.createTextNode(s.slice(last)));
  return parts;
}

function withChildren(node, children) {
  for (const c of children) node.appendChild(c);
  return node;
}

// ---------- email ----------

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

/** The document shown inside the sandboxed frame: the body as HTML, or plain text made safe. */
export function emailDocument(body) {
  const b = String(body ?? '');
  const looksHtml = /<\s*[a-z!\/]/i.test(b);
  const inner = looksHtml ? b : escapeHtml(b).replace(/\r?\n/g, '<br>');
  // A neutral default look, as a mail client gives; the frame inherits the console's CSP,
  // so the stylesheet comes from the console's own origin.
  return `<!doctype html><html><head><meta charset="utf-8">`
    + `<link rel="stylesheet" href="/console/views-email.css"></head><body>${inner}</body></html>`;
}

/**
 * A sandboxed iframe showing an email body. The empty sandbox attribute allows no scripts,
 * no forms, no popups and gives the frame an opaque origin.
 */
export function emailFrame(body, title = 'Email body as the recipient sees it') {
  const frame = document.createElement('iframe');
  frame.setAttribute('sandbox', '');
  frame.setAttribute('title', title);
  frame.setAttribute('referrerpolicy', 'no-referrer');
  frame.setAttribute('loading', 'lazy');
  frame.className = 'v-email-frame';
  frame.srcdoc = emailDocument(body);
  // The frame's content cannot be measured (opaque origin): start from a height that suits the
  // body's length; the reader can drag the bottom edge to see more.
  const b = String(body ?? '');
  const blocks = (b.match(/<(p|div|tr|h[1-6]|li|br|img|table)\b/gi) || []).length;
  const size = b.length < 600 && blocks < 8 ? 's' : b.length < 3000 && blocks < 30 ? 'm' : 'l';
  return h('div', { class: ['v-email-body', `v-email-h-${size}`] }, frame);
}

// ---------- templates ----------

/**
 * Resolves each channel's content: inline fields as they are, a template reference through
 * the templates map (id -> template object, or null/undefined when it could not be read).
 * Returns {channel: {fields, template, missing}}.
 */
export function resolveContent(spec, templates = {}) {
  const out = {};
  for (const channel of spec?.channels || Object.keys(spec?.content || {})) {
    const entry = spec?.content?.[channel] || {};
    if (entry.template) {
      const t = templates[entry.template];
      if (t) {
        out[channel] = { template: t, fields: { subject: t.subject, body: t.body, title: t.subject }, missing: false };
      } else {
        out[channel] = { template: { id: entry.template }, fields: {}, missing: true };
      }
    } else {
      out[channel] = { template: null, fields: entry, missing: false };
    }
    // An in-app message's priority level is the campaign's, whichever template it shows.
    if (entry.priority) out[channel].priority = entry.priority;
  }
  return out;
}

/** Every template id a spec refers to. */
export function templateIds(spec) {
  return Object.values(spec?.content || {}).map((e) => e && e.template).filter(Boolean);
}

// ---------- rendering each channel ----------

function templateNote(resolved, templateLink) {
  if (!resolved.template) return null;
  const t = resolved.template;
  if (resolved.missing) {
    return h('p', { class: 'v-note v-note-warn' }, `Template ${t.id} could not be read (deleted, or not visible).`);
  }
  const p = h('p', { class: 'v-note' }, 'From template ');
  if (templateLink) p.appendChild(h('a', { href: templateLink(t) }, t.name));
  else p.appendChild(h('strong', {}, t.name));
  if (t.archived) p.appendChild(h('span', { class: 'v-pill v-pill-warn' }, 'archived'));
  return p;
}

function labelled(label, valueNode) {
  return h('div', { class: 'v-field' }, h('div', { class: 'v-field-label' }, label), valueNode);
}

function renderEmail(r) {
  const f = r.fields;
  const wrap = h('div', { class: 'v-email' });
  const head = h('div', { class: 'v-email-head' });
  head.appendChild(h('span', { class: 'v-email-head-label' }, 'Subject'));
  head.appendChild(f.subject
    ? withChildren(h('span', { class: 'v-email-subject' }), textWithPlaceholders(f.subject))
    : h('span', { class: 'v-muted' }, 'No subject yet'));
  wrap.appendChild(head);
  wrap.appendChild(f.body ? emailFrame(f.body) : h('p', { class: 'v-muted v-email-empty' }, 'The body is empty.'));
  const limits = [];
  if (/<img\b[^>]*\bsrc\s*=\s*["']?\s*(https?:)?\/\//i.test(f.body || '')) limits.push('load remote images');
  if (/<style\b|\sstyle\s*=/i.test(f.body || '')) limits.push('apply inline styles');
  if (limits.length) {
    wrap.appendChild(h('p', { class: 'v-note v-email-limits' },
      `This preview does not ${limits.join(' or ')} (the console's security policy); mail clients may.`));
  }
  return wrap;
}

function renderSms(r) {
  const body = r.fields.body ?? '';
  const s = smsStats(body);
  const bubble = withChildren(h('div', { class: 'v-sms-bubble' }), textWithPlaceholders(body));
  const meta = h('p', { class: 'v-sms-meta', 'data-testid': 'sms-stats' }, smsSummary(body));
  const box = h('div', { class: 'v-sms' }, h('div', { class: 'v-phone' }, bubble), meta);
  if (s.encoding === 'UCS-2' && s.nonGsm.length) {
    box.appendChild(h('p', { class: 'v-note' },
      `UCS-2 because of: ${s.nonGsm.slice(0, 8).join(' ')}${s.nonGsm.length > 8 ? ' …' : ''}`));
  }
  return box;
}

function renderPush(r) {
  const f = r.fields;
  const card = h('div', { class: 'v-push' });
  card.appendChild(h('div', { class: 'v-push-app' }, 'Your app · now'));
  if (f.title) card.appendChild(withChildren(h('div', { class: 'v-push-title' }), textWithPlaceholders(f.title)));
  card.appendChild(withChildren(h('div', { class: 'v-push-body' }), textWithPlaceholders(f.body ?? '')));
  return h('div', { class: 'v-phone v-phone-push' }, card);
}

export const PRIORITY_LABELS = { high: 'High', medium: 'Medium', low: 'Low' };

function renderInApp(r) {
  return h('div', { class: 'v-inapp' },
    labelled('Priority', h('span', { class: 'v-inapp-priority' }, PRIORITY_LABELS[r.priority] || PRIORITY_LABELS.medium)),
    withChildren(h('div', { class: 'v-inapp-card' }), textWithPlaceholders(r.fields.body ?? '')));
}

/** A URL with any user:password part hidden. */
export function maskUrl(url) {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = u.username ? '****' : '';
      u.password = u.password ? '****' : '';
      return u.toString();
    }
  } catch { /* not a URL: shown as it is */ }
  return String(url ?? '');
}

function renderWebhook(r) {
  const f = r.fields;
  const box = h('div', { class: 'v-webhook' });
  box.appendChild(labelled('Request', h('code', { class: 'v-code' }, `${f.method || 'POST'} ${maskUrl(f.url)}`)));
  box.appendChild(labelled('Authorization header',
    f.auth_header ? h('span', { class: 'v-secret', 'aria-label': 'Secret, hidden' }, '••••••••')
      : h('span', { class: 'v-muted' }, 'None')));
  box.appendChild(labelled('Body', f.body ? h('pre', { class: 'v-pre' }, f.body) : h('span', { class: 'v-muted' }, 'Empty')));
  return box;
}

const RENDERERS = { email: renderEmail, sms: renderSms, push: renderPush, in_app: renderInApp, webhook: renderWebhook };

/**
 * The content of a spec, channel by channel, as the recipient sees it.
 * options.templates: id -> template; options.templateLink(template) -> href.
 */
export function renderContent(spec, { templates = {}, templateLink, headingLevel = 3 } = {}) {
  const resolved = resolveContent(spec, templates);
  const list = h('div', { class: 'v-content' });
  const channels = Object.keys(resolved);
  if (channels.length === 0) {
    list.appendChild(h('p', { class: 'v-muted' }, 'No content.'));
    return list;
  }
  for (const channel of channels) {
    const r = resolved[channel];
    const card = h('section', { class: 'v-channel', 'aria-label': `${CHANNEL_LABELS[channel] || channel} content`, 'data-channel': channel });
    card.appendChild(h(`h${headingLevel}`, { class: 'v-channel-title' }, CHANNEL_LABELS[channel] || channel));
    const note = templateNote(r, templateLink);
    if (note) card.appendChild(note);
    if (r.missing) { list.appendChild(card); continue; }
    const render = RENDERERS[channel];
    card.appendChild(render ? render(r) : h('pre', { class: 'v-pre' }, JSON.stringify(r.fields, null, 2)));
    list.appendChild(card);
  }
  return list;
}

// ---------- values and field-level diffs ----------

/** Flattens a spec into dotted paths (content.email.subject, schedule.start, ...). */
export function flattenSpec(spec) {
  const out = {};
  if (!spec) return out;
  out.name = spec.name ?? null;
  out.description = spec.description ?? '';
  out.channels = spec.channels ?? [];
  const sch = spec.schedule || {};
  out['schedule.start'] = sch.start ?? null;
  out['schedule.end'] = sch.end ?? null;
  out['schedule.recurrence'] = sch.recurrence ?? null;
  out['audience.segment'] = spec.audience?.segment ?? null;
  for (const [channel, entry] of Object.entries(spec.content || {})) {
    for (const [k, v] of Object.entries(entry || {})) out[`content.${channel}.${k}`] = v;
  }
  return out;
}

function same(a, b) {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** [{field, from, to, changed}] over the union of both specs' fields, in a stable order. */
export function diffSpecs(from, to) {
  const a = flattenSpec(from);
  const b = flattenSpec(to);
  const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return fields.map((field) => ({ field, from: a[field] ?? null, to: b[field] ?? null, changed: !same(a[field], b[field]) }));
}

const FIELD_LABELS = {
  rule: 'Rule', subject: 'Subject', body: 'Body',
  name: 'Name', description: 'Description', channels: 'Channels', tags: 'Tags', type: 'Type',
  'schedule.start': 'Start', 'schedule.end': 'End', 'schedule.recurrence': 'Recurrence',
  'audience.segment': 'Audience segment', audience: 'Audience', schedule: 'Schedule', content: 'Content',
};

export function fieldLabel(field) {
  if (FIELD_LABELS[field]) return FIELD_LABELS[field];
  const m = /^content\.([a-z_]+)\.?(.*)$/.exec(field);
  if (m) {
    const ch = CHANNEL_LABELS[m[1]] || m[1];
    const sub = { subject: 'subject', body: 'body', title: 'title', template: 'template', url: 'URL', method: 'method', auth_header: 'authorization header', priority: 'priority' }[m[2]] || m[2];
    return sub ? `${ch} ${sub}` : `${ch} content`;
  }
  return field;
}

export function formatRecurrence(r) {
  if (!r) return 'Once';
  const n = r.interval || 1;
  const unit = { daily: 'day', weekly: 'week', monthly: 'month' }[r.frequency] || r.frequency;
  return n === 1 ? `Every ${unit}` : `Every ${n} ${unit}s`;
}

/**
 * A value shown as text. names: {segments: id->name, templates: id->name} to show names for
 * references; formatTime for timestamps.
 */
export function formatValue(field, value, { names = {}, formatTime } = {}) {
  if (value === null || value === undefined || value === '') return '—';
  if (field.endsWith('auth_header')) return '••••••••';
  if (field === 'schedule.recurrence') return formatRecurrence(value);
  if ((field === 'schedule.start' || field === 'schedule.end') && formatTime) return formatTime(value);
  if (field === 'audience.segment') return names.segments?.[value] ? `${names.segments[value]}` : value;
  if (field.endsWith('.template')) return names.templates?.[value] ? `Template: ${names.templates[value]}` : `Template ${value}`;
  if (field === 'channels' && Array.isArray(value)) return value.map((c) => CHANNEL_LABELS[c] || c).join(', ');
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function valueCell(field, value, opts, cls) {
  const v = formatValue(field, value, opts);
  const long = typeof value === 'string' && (value.length > 80 || value.includes('\n'));
  const node = long ? h('pre', { class: 'v-pre v-pre-small' }, v) : h('span', {}, v);
  return h('td', { class: cls }, node);
}

/**
 * A side-by-side table of two specs with a field-level diff.
 * rows: from diffSpecs(), or the server's diff entries [{field, from, to}].
 */
export function diffTable(rows, { fromLabel = 'Live version', toLabel = 'Draft version', mineLabel, caption, showUnchanged = true, ...opts } = {}) {
  const table = h('table', { class: ['v-diff', mineLabel ? 'v-diff-3' : ''] });
  if (caption) table.appendChild(h('caption', { class: 'v-sr-only' }, caption));
  table.appendChild(h('thead', {}, h('tr', {},
    h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, fromLabel), h('th', { scope: 'col' }, toLabel),
    mineLabel ? h('th', { scope: 'col' }, mineLabel) : null)));
  const tbody = h('tbody');
  for (const r of rows) {
    const changed = r.changed ?? true;
    if (!changed && !showUnchanged) continue;
    const tr = h('tr', { class: changed ? 'v-diff-changed' : 'v-diff-same', 'data-field': r.field });
    const th = h('th', { scope: 'row' }, fieldLabel(r.field));
    if (changed) th.appendChild(h('span', { class: 'v-pill v-pill-changed' }, 'changed'));
    tr.appendChild(th);
    tr.appendChild(valueCell(r.field, r.from, opts, changed ? 'v-diff-from' : ''));
    tr.appendChild(valueCell(r.field, r.to, opts, changed ? 'v-diff-to' : ''));
    if (mineLabel) tr.appendChild(valueCell(r.field, r.mine, opts, 'v-diff-mine'));
    tbody.appendChild(tr);
  }
  table.appendChild(tbody);
  return table;
}
