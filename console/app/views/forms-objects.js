// Segments and templates: lists, create and edit forms, archive and unarchive.

import { h } from '../lib/dom.js';
import { api, ApiError, canEdit, sandboxPath } from '../lib/api.js';
import { toast, confirmDialog, formatTime, errorBanner } from '../lib/ui.js';
import { paths } from '../lib/paths.js';
import { renderContent, CHANNEL_LABELS, ensureViewStyles } from './render.js';
import {
  field, input, textarea, select, showError, conflictPanel, canEditNote, diffFlat, localError,
} from './forms-common.js';

ensureViewStyles();

const KINDS = {
  segment: {
    plural: 'segments', label: 'Segment', labels: 'Segments',
    list: paths.segments, item: paths.segment, create: paths.newSegment,
  },
  template: {
    plural: 'templates', label: 'Template', labels: 'Templates',
    list: paths.templates, item: paths.template, create: paths.newTemplate,
  },
};

function crumbs(items) {
  const ol = h('ol', {});
  items.forEach(([label, href], i) => {
    ol.appendChild(i === items.length - 1 ? h('li', { 'aria-current': 'page' }, label) : h('li', {}, h('a', { href }, label)));
  });
  return h('nav', { class: 'v-breadcrumb', 'aria-label': 'Breadcrumb' }, ol);
}

// ---------------------------------------------------------------- lists

async function renderList(ctx, kindName) {
  const kind = KINDS[kindName];
  const { tenant, sandbox } = ctx.params;
  const base = sandboxPath(tenant, sandbox);
  const includeArchived = ctx.query.archived === '1';
  const q = ctx.query.q || '';
  const { data } = await api('GET', `${base}/${kind.plural}`, { query: { include_archived: includeArchived ? 'true' : undefined, q: q || undefined } });
  const items = data.items || [];
  const editor = canEdit(sandbox, ctx.session);

  const page = h('section', { class: 'page v-page', 'data-view': `${kind.plural}` });
  page.appendChild(h('header', { class: 'v-page-header' },
    h('div', { class: 'v-page-heading' }, h('h1', {}, kind.labels),
      h('p', { class: 'v-meta-text' }, kindName === 'segment'
        ? 'Audiences that campaigns target. Archiving a segment archives every campaign that uses it.'
        : 'Reusable content for one channel, referenced by campaigns.')),
    editor ? h('div', { class: 'v-actions' }, h('a', { class: 'btn btn-primary', href: kind.create(tenant, sandbox) }, `New ${kind.label.toLowerCase()}`)) : null));

  const searchId = `${kindName}-search`;
  const archId = `${kindName}-archived`;
  const filters = h('form', { class: 'v-filters', role: 'search', onsubmit: (e) => {
    e.preventDefault();
    const params = new URLSearchParams();
    const v = e.target.elements.q.value.trim();
    if (v) params.set('q', v);
    if (e.target.elements.archived.checked) params.set('archived', '1');
    const s = params.toString();
    ctx.navigate(`${kind.list(tenant, sandbox)}${s ? `?${s}` : ''}`);
  } },
  h('label', { for: searchId, class: 'v-sr-only' }, `Search ${kind.plural} by name`),
  h('input', { id: searchId, class: 'input', type: 'search', name: 'q', value: q, placeholder: 'Search by name' }),
  h('label', { class: 'v-check', for: archId }, h('input', { type: 'checkbox', id: archId, name: 'archived', checked: includeArchived, onchange: (e) => e.target.form.requestSubmit() }), ' Show archived'),
  h('button', { type: 'submit', class: 'btn' }, 'Search'));
  page.appendChild(filters);

  if (!items.length) {
    page.appendChild(h('div', { class: 'v-empty' },
      h('p', { class: 'v-empty-title' }, q ? `No ${kind.label.toLowerCase()} matches “${q}”.` : `No ${kind.label.toLowerCase()} yet.`),
      editor && !q ? h('a', { class: 'btn btn-primary', href: kind.create(tenant, sandbox) }, `Create the first ${kind.label.toLowerCase()}`) : null));
    return page;
  }
  const table = h('table', { class: 'v-table' },
    h('caption', { class: 'v-sr-only' }, kind.labels),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Name'),
      kindName === 'template' ? h('th', { scope: 'col' }, 'Channel') : h('th', { scope: 'col' }, 'Description'),
      h('th', { scope: 'col' }, 'Key'),
      h('th', { scope: 'col' }, 'Last modified'))));
  const tbody = h('tbody');
  for (const it of items) {
    const name = h('td', {}, h('a', { href: kind.item(tenant, sandbox, it.id) }, it.name));
    if (it.archived) name.appendChild(h('span', { class: 'v-pill v-pill-warn' }, 'archived'));
    tbody.appendChild(h('tr', {},
      name,
      kindName === 'template' ? h('td', {}, CHANNEL_LABELS[it.channel] || it.channel) : h('td', { class: 'v-cell-muted' }, it.description || '—'),
      h('td', {}, h('code', {}, it.key)),
      h('td', { class: 'v-cell-muted' }, `${formatTime(it.updated_at)} · ${it.updated_by}`)));
  }
  table.appendChild(tbody);
  page.appendChild(h('div', { class: 'v-table-wrap v-card v-card-flush' }, table));
  page.appendChild(h('p', { class: 'v-small v-muted' }, `${items.length} ${items.length === 1 ? kind.label.toLowerCase() : kind.plural}`));
  return page;
}

export function renderSegmentList(ctx) { return renderList(ctx, 'segment'); }
export function renderTemplateList(ctx) { return renderList(ctx, 'template'); }

// ---------------------------------------------------------------- forms

async function renderObjectForm(ctx, kindName) {
  const kind = KINDS[kindName];
  const { tenant, sandbox } = ctx.params;
  const id = ctx.params[kindName];
  const base = sandboxPath(tenant, sandbox);
  const editing = !!id;
  const editor = canEdit(sandbox, ctx.session);
  let obj = null;
  let etag = null;
  if (editing) {
    const res = await api('GET', `${base}/${kind.plural}/${encodeURIComponent(id)}`);
    obj = res.data;
    etag = res.etag;
  }
  const title = editing ? obj.name : `New ${kind.label.toLowerCase()}`;
  const page = h('section', { class: 'page v-page v-form-page', 'data-view': `${kindName}-${editing ? 'edit' : 'new'}` });
  page.dataset.title = editing ? `${kind.label}: ${obj.name}` : title;
  page.appendChild(crumbs([[kind.labels, kind.list(tenant, sandbox)], [title]]));
  const heading = h('div', { class: 'v-page-heading' }, h('h1', {}, title));
  if (editing) {
    const meta = h('div', { class: 'v-title-meta' });
    if (obj.archived) meta.appendChild(h('span', { class: 'badge badge-archived' }, 'Archived'));
    meta.appendChild(h('span', { class: 'v-meta-text' }, `${kind.label} · ${obj.key} · last modified ${formatTime(obj.updated_at)} by ${obj.updated_by}`));
    heading.appendChild(meta);
  }
  const headerActions = h('div', { class: 'v-actions' });
  page.appendChild(h('header', { class: 'v-page-header' }, heading, headerActions));
  const banner = h('div', { class: 'v-messages', 'aria-live': 'polite' });
  page.appendChild(banner);

  if (!editor) {
    page.appendChild(canEditNote(editing ? `You can read this ${kind.label.toLowerCase()} but not edit it.` : `Creating a ${kind.label.toLowerCase()} needs the editor or admin role on this sandbox.`));
    if (!editing) return page;
  }
  if (editing && obj.archived && editor) {
    page.appendChild(canEditNote(`This ${kind.label.toLowerCase()} is archived: unarchive it to edit it.`));
  }
  const readOnly = !editor || (editing && obj.archived);

  const form = h('form', { class: 'v-form', novalidate: true });
  const fs = h('fieldset', { class: 'v-fieldset', disabled: readOnly }, h('legend', {}, kind.label));
  fs.appendChild(field('Name', input({ name: 'name', type: 'text', value: obj ? obj.name : '', required: true, autocomplete: 'off' })));
  if (!editing) {
    fs.appendChild(field('Key', input({ name: 'key', type: 'text', autocomplete: 'off', placeholder: 'derived from the name' }),
      { hint: 'Optional. Lowercase letters, digits and dashes; it never changes and matches this object across sandboxes.' }));
  }
  const preview = h('div', { class: 'v-preview-body' });
  let channelSel = null;
  if (kindName === 'segment') {
    fs.appendChild(field('Description', textarea({ name: 'description', rows: 3 }, obj ? obj.description : '')));
    fs.appendChild(field('Rule (JSON)', textarea({ name: 'rule', rows: 10, class: 'input v-mono', spellcheck: 'false' }, obj ? JSON.stringify(obj.rule, null, 2) : '{\n  \n}'),
      { hint: 'A JSON object describing who is in the segment; ferry stores it as given, for the delivery engine.' }));
  } else {
    channelSel = select({ name: 'channel', disabled: editing }, Object.entries(CHANNEL_LABELS), obj ? obj.channel : 'email');
    fs.appendChild(field('Channel', channelSel, { hint: editing ? 'The channel of a template cannot change.' : null }));
    const subj = field('Subject', input({ name: 'subject', type: 'text', value: obj && obj.subject ? obj.subject : '' }));
    subj.classList.add('v-subject-field');
    fs.appendChild(subj);
    fs.appendChild(field('Body', textarea({ name: 'body', rows: 12, class: 'input v-mono' }, obj ? obj.body : ''),
      { hint: 'Email bodies may be HTML; it is shown only inside a sandboxed preview.' }));
  }
  form.appendChild(fs);

  const syncSubject = () => {
    if (!channelSel) return;
    const f = form.querySelector('.v-subject-field');
    f.hidden = channelSel.value !== 'email';
  };
  function currentTemplate() {
    const ch = channelSel.value;
    const t = { id: 'preview', name: form.elements.name.value || 'This template', channel: ch, subject: ch === 'email' ? form.elements.subject.value : null, body: form.elements.body.value };
    return t;
  }
  function updatePreview() {
    if (kindName !== 'template') return;
    const t = currentTemplate();
    const entry = t.channel === 'email' ? { subject: t.subject, body: t.body } : t.channel === 'webhook' ? { url: '(set by the campaign)', body: t.body } : { body: t.body };
    preview.replaceChildren(renderContent({ channels: [t.channel], content: { [t.channel]: entry } }, { headingLevel: 3 }));
  }
  let timer;
  form.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(updatePreview, 250); });
  form.addEventListener('change', () => { syncSubject(); updatePreview(); });
  syncSubject();

  const saveBtn = h('button', { type: 'submit', class: 'btn btn-primary' }, editing ? 'Save changes' : `Create ${kind.label.toLowerCase()}`);
  if (!readOnly) {
    form.appendChild(h('div', { class: 'v-form-actions' }, saveBtn, h('a', { class: 'btn', href: kind.list(tenant, sandbox) }, 'Cancel')));
  }

  let opened = obj;
  const fieldsOf = kindName === 'segment' ? ['name', 'description', 'rule'] : ['name', 'subject', 'body'];

  function collect() {
    const body = { name: form.elements.name.value };
    if (!editing && form.elements.key.value.trim()) body.key = form.elements.key.value.trim();
    if (kindName === 'segment') {
      body.description = form.elements.description.value;
      const text = form.elements.rule.value.trim();
      try {
        body.rule = text ? JSON.parse(text) : {};
      } catch (e) {
        throw localError('rule', `The rule is not valid JSON: ${e.message}`);
      }
      if (body.rule === null || typeof body.rule !== 'object' || Array.isArray(body.rule)) throw localError('rule', 'The rule must be a JSON object, { … }.');
    } else {
      if (!editing) body.channel = channelSel.value;
      if (channelSel.value === 'email') body.subject = form.elements.subject.value;
      body.body = form.elements.body.value;
    }
    return body;
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    let body;
    try {
      body = collect();
    } catch (e) {
      showError(form, banner, e);
      return;
    }
    saveBtn.disabled = true;
    try {
      if (!editing) {
        const res = await api('POST', `${base}/${kind.plural}`, { body });
        toast(`${kind.label} “${res.data.name}” created`);
        ctx.navigate(kind.item(tenant, sandbox, res.data.id));
        return;
      }
      const res = await api('PATCH', `${base}/${kind.plural}/${encodeURIComponent(id)}`, { body, ifMatch: etag });
      etag = res.etag;
      opened = res.data;
      toast(`${kind.label} saved`);
      ctx.navigate(kind.item(tenant, sandbox, id), { replace: true });
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (e.status === 412) {
        const now = await api('GET', `${base}/${kind.plural}/${encodeURIComponent(id)}`);
        const panel = conflictPanel({
          what: kind.label.toLowerCase(),
          now: now.data,
          rows: diffFlat(opened, now.data, fieldsOf),
          mine: body,
          onOverwrite: () => { etag = now.etag; opened = now.data; banner.replaceChildren(); form.requestSubmit(); },
          onReload: () => ctx.navigate(kind.item(tenant, sandbox, id), { replace: true }),
        });
        banner.replaceChildren(panel);
        panel.focus();
      } else {
        showError(form, banner, e);
      }
    } finally {
      saveBtn.disabled = false;
    }
  });

  // archive / unarchive
  if (editing && editor) {
    const action = obj.archived ? 'unarchive' : 'archive';
    headerActions.appendChild(h('button', {
      type: 'button', class: ['btn', action === 'archive' ? 'btn-danger-outline' : ''], 'data-action': action,
      onclick: async () => {
        if (action === 'archive') {
          const text = kindName === 'segment'
            ? 'Every campaign that uses this segment is archived with it, drafts included. New campaigns cannot use it.'
            : 'Campaigns that use this template keep it, but cannot be activated until they use another one. New campaigns cannot use it.';
          const ok = await confirmDialog(text, { title: `Archive this ${kind.label.toLowerCase()}?`, confirmLabel: 'Archive', danger: true });
          if (!ok) return;
        }
        try {
          const res = await api('POST', `${base}/${kind.plural}/${encodeURIComponent(id)}/actions/${action}`, { body: {} });
          const n = res.data && Array.isArray(res.data.archived_campaigns) ? res.data.archived_campaigns.length : 0;
          toast(action === 'archive'
            ? `${kind.label} archived${kindName === 'segment' ? `, with ${n} ${n === 1 ? 'campaign' : 'campaigns'}` : ''}`
            : `${kind.label} unarchived`);
          ctx.navigate(kind.item(tenant, sandbox, id), { replace: true });
        } catch (e) {
          if (!(e instanceof ApiError)) throw e;
          banner.replaceChildren(errorBanner(e));
        }
      },
    }, action === 'archive' ? 'Archive' : 'Unarchive'));
  }

  if (kindName === 'template') {
    const pane = h('aside', { class: 'v-preview', 'aria-labelledby': 'preview-title' },
      h('h2', { class: 'v-card-title', id: 'preview-title' }, 'Preview'),
      h('p', { class: 'v-small v-muted' }, 'As the recipient sees it. Placeholders such as {{first_name}} are filled in per recipient.'),
      preview);
    page.appendChild(h('div', { class: 'v-form-layout' }, form, pane));
    updatePreview();
  } else {
    const about = h('aside', { class: 'v-preview', 'aria-labelledby': 'about-title' },
      h('h2', { class: 'v-card-title', id: 'about-title' }, 'About segments'),
      h('p', { class: 'v-small v-muted' }, 'Campaigns target a segment as their audience; action and orchestrated campaigns need one to go live.'),
      h('p', { class: 'v-small v-muted' }, 'The key matches this segment across sandboxes when campaigns are imported from a package; it never changes.'),
      h('p', { class: 'v-small v-muted' }, 'Archiving a segment archives every campaign that uses it, drafts included. Unarchiving it does not bring them back.'));
    if (editing) {
      about.appendChild(h('dl', { class: 'v-dl' },
        h('div', { class: 'v-dl-row' }, h('dt', {}, 'Key'), h('dd', {}, h('code', {}, obj.key))),
        h('div', { class: 'v-dl-row' }, h('dt', {}, 'Created'), h('dd', {}, `${formatTime(obj.created_at)} by ${obj.created_by}`)),
        h('div', { class: 'v-dl-row' }, h('dt', {}, 'Modified'), h('dd', {}, `${formatTime(obj.updated_at)} by ${obj.updated_by}`))));
    }
    page.appendChild(h('div', { class: 'v-form-layout' }, form, about));
  }
  return page;
}

export function renderSegmentForm(ctx) { return renderObjectForm(ctx, 'segment'); }
export function renderTemplateForm(ctx) { return renderObjectForm(ctx, 'template'); }
