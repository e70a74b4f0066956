// Create and edit forms. Campaigns here; segments and templates in forms-objects.js.
//
// A draft campaign is edited with PATCH; a live one (scheduled, active, paused) through its
// draft version (PUT .../draft), which the live version keeps running beside. Every edit sends
// If-Match with the ETag read when the form opened; a 412 shows what someone else changed.

import { h, uid } from '../lib/dom.js';
import { api, ApiError, canEdit, sandboxPath } from '../lib/api.js';
import { toast } from '../lib/ui.js';
import { paths } from '../lib/paths.js';
import {
  renderContent, smsSummary, diffSpecs, CHANNEL_LABELS, TYPE_LABELS, ensureViewStyles,
} from './render.js';
import { campaignPath, getOrNull, referenceCache, nameMaps, specOf } from './campaign-data.js';
import {
  field, input, textarea, select, toInputTime, fromInputTime, showError, conflictPanel, canEditNote, diffFlat,
} from './forms-common.js';

export {
  renderSegmentList, renderSegmentForm, renderTemplateList, renderTemplateForm,
} from './forms-objects.js';

ensureViewStyles();

const CHANNELS = ['email', 'sms', 'push', 'in_app', 'webhook'];
const LIVE = new Set(['scheduled', 'active', 'paused']);
const MASK = '********';

function splitTags(v) {
  return [...new Set(String(v || '').split(',').map((t) => t.trim()).filter(Boolean))];
}

const PRIORITY_LEVELS = [['high', 'High'], ['medium', 'Medium (default)'], ['low', 'Low']];

/** The inline fields of a channel's content, as [name, label, kind, options]. */
const INLINE = {
  email: [['subject', 'Subject', 'text', { required: true }], ['body', 'Body (HTML or text)', 'textarea', { rows: 10, required: true }]],
  sms: [['body', 'SMS text', 'textarea', { rows: 4, required: true }]],
  push: [['title', 'Push title', 'text', {}], ['body', 'Push text', 'textarea', { rows: 3, required: true }]],
  in_app: [['body', 'In-app message', 'textarea', { rows: 6, required: true }]],
  webhook: [['url', 'Webhook URL', 'url', { required: true }], ['method', 'Method', 'select', {}], ['body', 'Request body', 'textarea', { rows: 5 }], ['auth_header', 'Authorization header (secret)', 'password', {}]],
};

function channelFieldset(channel, entry, templates, onChange) {
  const name = `content.${channel}`;
  const usesTemplate = !!(entry && entry.template);
  const mine = templates.filter((t) => t.channel === channel && (!t.archived || (entry && entry.template === t.id)));
  const fs = h('fieldset', { class: 'v-fieldset v-channel-fields', name, 'data-channel': channel });
  fs.appendChild(h('legend', {}, `${CHANNEL_LABELS[channel]} content`));
  const radioName = `mode-${channel}`;
  const inlineId = uid('mode');
  const tplId = uid('mode');
  const modes = h('div', { class: 'v-radio-row', role: 'radiogroup', 'aria-label': `${CHANNEL_LABELS[channel]} content source` },
    h('label', { class: 'v-check', for: inlineId }, h('input', { type: 'radio', id: inlineId, name: radioName, value: 'inline', checked: !usesTemplate }), ' Write the message'),
    h('label', { class: 'v-check', for: tplId }, h('input', { type: 'radio', id: tplId, name: radioName, value: 'template', checked: usesTemplate, disabled: mine.length === 0 && !usesTemplate }),
      mine.length === 0 && !usesTemplate ? ' Use a template (none for this channel yet)' : ' Use a template'));
  fs.appendChild(modes);

  const tplSelect = select({ name: `${name}.template` },
    [['', 'Choose a template…'], ...mine.map((t) => [t.id, t.archived ? `${t.name} (archived)` : t.name])], usesTemplate ? entry.template : '');
  const tplBox = h('div', { class: 'v-mode-template' }, field('Template', tplSelect));
  const inlineBox = h('div', { class: 'v-mode-inline' });
  for (const [key, label, kind, opts] of INLINE[channel]) {
    const current = !usesTemplate && entry ? entry[key] : undefined;
    let control;
    const fname = `${name}.${key}`;
    if (kind === 'textarea') control = textarea({ name: fname, rows: opts.rows }, current ?? '');
    else if (kind === 'select') control = select({ name: fname }, [['POST', 'POST'], ['PUT', 'PUT']], current || 'POST');
    else if (kind === 'password') {
      control = input({ name: fname, type: 'password', autocomplete: 'off', placeholder: current === MASK ? 'Unchanged (hidden)' : '' });
      control.dataset.hadSecret = current === MASK ? '1' : '';
    } else control = input({ name: fname, type: kind === 'url' ? 'url' : 'text', value: current ?? '' });
    let hint;
    if (channel === 'webhook' && key === 'auth_header') hint = current === MASK ? 'A value is stored and never shown. Leave empty to keep it.' : 'Stored as a secret: never shown again, never exported.';
    const f = field(label, control, { hint });
    if (channel === 'sms' && key === 'body') {
      const counter = h('p', { class: 'v-counter', 'aria-live': 'polite', 'data-testid': 'sms-counter' }, smsSummary(control.value));
      control.addEventListener('input', () => { counter.textContent = smsSummary(control.value); });
      f.appendChild(counter);
    }
    inlineBox.appendChild(f);
  }
  fs.appendChild(inlineBox);
  fs.appendChild(tplBox);
  if (channel === 'in_app') {
    // The level is content (reviewed, packaged); the exact order within a level is set apart,
    // on the sandbox's in-app priority page, and applies at once.
    const level = select({ name: `${name}.priority` }, PRIORITY_LEVELS, (entry && entry.priority) || 'medium');
    fs.appendChild(field('Priority', level, {
      hint: 'Which in-app message wins when several could show: high before medium before low. The exact order within a level is set on the In-app priority page.',
    }));
  }
  const sync = () => {
    const t = fs.querySelector(`input[name="${radioName}"]:checked`).value === 'template';
    tplBox.hidden = !t;
    inlineBox.hidden = t;
    onChange();
  };
  fs.addEventListener('change', (e) => { if (e.target.name === radioName) sync(); });
  tplBox.hidden = !usesTemplate;
  inlineBox.hidden = usesTemplate;
  return fs;
}

function readChannel(fs, channel) {
  const mode = fs.querySelector(`input[name="mode-${channel}"]:checked`).value;
  const get = (k) => { const el = fs.querySelector(`[name="content.${channel}.${k}"]`); return el ? el.value : undefined; };
  const out = channel === 'in_app' ? { priority: get('priority') } : {};
  if (mode === 'template') return { template: get('template'), ...out };
  for (const [key] of INLINE[channel]) {
    let v = get(key);
    if (channel === 'webhook' && key === 'auth_header') {
      const el = fs.querySelector(`[name="content.webhook.auth_header"]`);
      if (!v && el.dataset.hadSecret) v = MASK;
      if (!v) continue;
    }
    if (channel === 'push' && key === 'title' && !v) continue;
    if (channel === 'webhook' && key === 'body' && !v) continue;
    out[key] = v;
  }
  return out;
}

/** The snapshot a 412 compares with: spec fields flattened, plus type and tags. */
function flatCampaign(spec, extra) {
  const rows = {};
  for (const r of diffSpecs(spec, spec)) rows[r.field] = r.from;
  if (extra) { rows.type = extra.type; rows.tags = extra.tags; }
  return rows;
}

export async function renderCampaignForm(ctx) {
  const { tenant, sandbox, campaign: id } = ctx.params;
  const base = sandboxPath(tenant, sandbox);
  const editing = !!id;
  const page = h('section', { class: 'page v-page v-form-page', 'data-view': editing ? 'campaign-edit' : 'campaign-new' });

  if (!canEdit(sandbox, ctx.session)) {
    page.append(h('h1', {}, editing ? 'Edit campaign' : 'New campaign'),
      canEditNote('You can read this sandbox but not edit its campaigns (that needs the editor or admin role).'));
    return page;
  }

  const [segRes, tplRes] = await Promise.all([
    api('GET', `${base}/segments`), api('GET', `${base}/templates`),
  ]);
  const segments = segRes.data.items || [];
  const templates = tplRes.data.items || [];

  let campaign = null;
  let etag = null;
  let mode = 'create';
  let source = null; // the spec the form opens with
  if (editing) {
    const res = await api('GET', campaignPath(tenant, sandbox, id));
    campaign = res.data;
    etag = res.etag;
    if (campaign.status === 'draft') mode = 'patch';
    else if (LIVE.has(campaign.status)) mode = 'draft';
    else mode = 'readonly';
    source = specOf(campaign);
    if (mode === 'draft' && campaign.draft_version) {
      const d = await getOrNull(`${campaignPath(tenant, sandbox, id)}/draft`);
      source = specOf(d ? d.data : campaign.draft_version);
    }
  }
  const campaignHref = editing ? paths.campaign(tenant, sandbox, id) : null;
  const title = !editing ? 'New campaign' : mode === 'draft' ? (campaign.draft_version ? 'Edit draft version' : 'Edit campaign') : 'Edit campaign';
  page.dataset.title = editing ? `${title}: ${campaign.name}` : title;

  const crumbs = h('nav', { class: 'v-breadcrumb', 'aria-label': 'Breadcrumb' }, h('ol', {},
    h('li', {}, h('a', { href: paths.inventory(tenant, sandbox) }, 'Campaigns')),
    editing ? h('li', {}, h('a', { href: campaignHref }, campaign.name)) : null,
    h('li', { 'aria-current': 'page' }, title)));
  page.append(crumbs, h('header', { class: 'v-page-header' }, h('div', { class: 'v-page-heading' }, h('h1', {}, title))));

  if (mode === 'readonly' || (campaign && campaign.status === 'in_review')) {
    const why = campaign.status === 'in_review'
      ? 'This campaign is in review: its content is locked until the review ends (approved, changes requested or withdrawn).'
      : `A ${campaign.status} campaign is read-only: its content cannot change any more.`;
    page.append(canEditNote(why), h('p', {}, h('a', { href: campaignHref, class: 'btn' }, 'Back to the campaign')));
    return page;
  }
  if (mode === 'draft' && campaign.draft_version && !(campaign.allowed_actions || []).some((a) => a === 'activate-draft' || a === 'submit-draft' || a === 'discard-draft')) {
    page.append(canEditNote('The draft version is in review: it is locked until the review ends.'), h('p', {}, h('a', { href: campaignHref, class: 'btn' }, 'Back to the campaign')));
    return page;
  }
  if (mode === 'draft') {
    page.appendChild(h('div', { class: 'banner banner-info v-banner' }, h('p', {},
      campaign.draft_version
        ? 'You are editing the draft version. The live version keeps running unchanged until the draft version is activated.'
        : 'This campaign is live. Saving creates a draft version; the live version keeps running unchanged until the draft version is activated.')));
  }

  const banner = h('div', { class: 'v-messages', 'aria-live': 'polite' });
  page.appendChild(banner);

  const spec = source || { name: '', description: '', channels: ['email'], schedule: {}, audience: null, content: {} };
  const form = h('form', { class: 'v-form', novalidate: true });
  const preview = h('div', { class: 'v-preview-body' });

  // --- the general fields
  const general = h('fieldset', { class: 'v-fieldset' }, h('legend', {}, 'Campaign'));
  general.appendChild(field('Name', input({ name: 'name', type: 'text', value: spec.name || '', required: true, autocomplete: 'off' })));
  if (!editing) {
    general.appendChild(field('Key', input({ name: 'key', type: 'text', autocomplete: 'off', placeholder: 'derived from the name' }),
      { hint: 'Optional. Lowercase letters, digits and dashes; it never changes and matches the campaign across sandboxes.' }));
  }
  const typeEditable = !editing || campaign.status === 'draft';
  const typeSel = select({ name: 'type', disabled: !typeEditable }, Object.entries(TYPE_LABELS), editing ? campaign.type : 'action');
  general.appendChild(field('Type', typeSel, { hint: typeEditable ? null : 'The type can change only while the campaign is a draft.' }));
  general.appendChild(field('Description', textarea({ name: 'description', rows: 3 }, spec.description || '')));
  general.appendChild(field('Tags', input({ name: 'tags', type: 'text', value: (campaign ? campaign.tags : []).join(', '), autocomplete: 'off' }),
    { hint: 'Separated by commas.' }));
  form.appendChild(general);

  // --- channels
  const chFs = h('fieldset', { class: 'v-fieldset', name: 'channels' }, h('legend', {}, 'Channels'));
  const chRow = h('div', { class: 'v-check-row' });
  for (const c of CHANNELS) {
    const cid = uid('ch');
    chRow.appendChild(h('label', { class: 'v-check', for: cid },
      h('input', { type: 'checkbox', id: cid, name: 'channels', value: c, checked: (spec.channels || []).includes(c) }), ` ${CHANNEL_LABELS[c]}`));
  }
  chFs.appendChild(chRow);
  form.appendChild(chFs);

  // --- schedule
  const sched = spec.schedule || {};
  const schFs = h('fieldset', { class: 'v-fieldset' }, h('legend', {}, 'Schedule'));
  const grid = h('div', { class: 'v-grid-2' });
  grid.appendChild(field('Start (UTC)', input({ name: 'schedule.start', type: 'datetime-local', value: toInputTime(sched.start) }), { hint: 'Empty: starts when activated.' }));
  grid.appendChild(field('End (UTC)', input({ name: 'schedule.end', type: 'datetime-local', value: toInputTime(sched.end) }), { hint: 'Optional.' }));
  const rec = sched.recurrence || null;
  grid.appendChild(field('Recurrence', select({ name: 'schedule.recurrence.frequency' },
    [['', 'None (one-shot)'], ['daily', 'Daily'], ['weekly', 'Weekly'], ['monthly', 'Monthly']], rec ? rec.frequency : '')));
  grid.appendChild(field('Repeat every', input({ name: 'schedule.recurrence.interval', type: 'number', min: '1', max: '365', value: rec ? String(rec.interval || 1) : '1' }),
    { hint: 'Days, weeks or months.' }));
  schFs.appendChild(grid);
  form.appendChild(schFs);

  // --- audience
  const audFs = h('fieldset', { class: 'v-fieldset' }, h('legend', {}, 'Audience'));
  const segId = spec.audience && spec.audience.segment;
  const segOptions = segments.map((s) => [s.id, s.name]);
  if (segId && !segments.some((s) => s.id === segId)) segOptions.push([segId, `${segId} (archived or missing)`]);
  audFs.appendChild(field('Segment', select({ name: 'audience.segment' }, [['', 'No segment'], ...segOptions], segId || ''),
    { hint: segments.length ? 'Action and orchestrated campaigns need one to go live.' : 'No segment yet in this sandbox.' }));
  audFs.appendChild(h('p', { class: 'v-small' }, h('a', { href: paths.newSegment(tenant, sandbox) }, 'Create a segment')));
  form.appendChild(audFs);

  // --- content per channel
  const contentBox = h('div', { class: 'v-content-fields' });
  const fieldsets = {};
  const schedulePreview = () => {
    clearTimeout(schedulePreview.t);
    schedulePreview.t = setTimeout(updatePreview, 250);
  };
  for (const c of CHANNELS) {
    const entry = spec.content && spec.content[c];
    fieldsets[c] = channelFieldset(c, entry, templates, schedulePreview);
    contentBox.appendChild(fieldsets[c]);
  }
  form.appendChild(h('h2', { class: 'v-form-section-title' }, 'Content'));
  form.appendChild(contentBox);
  const syncChannels = () => {
    for (const c of CHANNELS) fieldsets[c].hidden = !form.querySelector(`input[name="channels"][value="${c}"]`).checked;
  };
  syncChannels();
  chFs.addEventListener('change', () => { syncChannels(); schedulePreview(); });

  const saveLabel = mode === 'create' ? 'Create campaign' : mode === 'draft' ? 'Save draft version' : 'Save changes';
  const saveBtn = h('button', { type: 'submit', class: 'btn btn-primary' }, saveLabel);
  form.appendChild(h('div', { class: 'v-form-actions' }, saveBtn,
    h('a', { class: 'btn', href: editing ? campaignHref : paths.inventory(tenant, sandbox) }, 'Cancel')));

  function collect() {
    const channels = CHANNELS.filter((c) => form.querySelector(`input[name="channels"][value="${c}"]`).checked);
    const content = {};
    for (const c of channels) content[c] = readChannel(fieldsets[c], c);
    const freq = form.elements['schedule.recurrence.frequency'].value;
    const interval = parseInt(form.elements['schedule.recurrence.interval'].value, 10);
    const seg = form.elements['audience.segment'].value;
    return {
      spec: {
        name: form.elements.name.value,
        description: form.elements.description.value,
        channels,
        schedule: {
          start: fromInputTime(form.elements['schedule.start'].value),
          end: fromInputTime(form.elements['schedule.end'].value),
          recurrence: freq ? { frequency: freq, interval: Number.isFinite(interval) ? interval : 1 } : null,
        },
        audience: seg ? { segment: seg } : null,
        content,
      },
      type: form.elements.type.value,
      tags: splitTags(form.elements.tags.value),
      key: form.elements.key ? form.elements.key.value.trim() : '',
    };
  }

  const tplMap = Object.fromEntries(templates.map((t) => [t.id, t]));
  function updatePreview() {
    const { spec: s } = collect();
    preview.replaceChildren(renderContent(s, { templates: tplMap, headingLevel: 3 }));
  }
  form.addEventListener('input', schedulePreview);
  form.addEventListener('change', schedulePreview);

  // What the form opened with, to show what someone else changed on a 412.
  let opened = { spec, type: campaign ? campaign.type : null, tags: campaign ? campaign.tags : [] };

  async function currentState() {
    const res = await api('GET', campaignPath(tenant, sandbox, id));
    let s = specOf(res.data);
    if (mode === 'draft' && res.data.draft_version) {
      const d = await getOrNull(`${campaignPath(tenant, sandbox, id)}/draft`);
      s = specOf(d ? d.data : res.data.draft_version);
    }
    return { campaign: res.data, etag: res.etag, spec: s };
  }

  async function showConflict() {
    const now = await currentState();
    const before = flatCampaign(opened.spec, opened);
    const after = flatCampaign(now.spec, { type: now.campaign.type, tags: now.campaign.tags });
    const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    const refs = await referenceCache(tenant, sandbox).forSpecs([opened.spec, now.spec]);
    const panel = conflictPanel({
      what: 'campaign',
      now: mode === 'draft' && now.campaign.draft_version ? now.campaign.draft_version : now.campaign,
      rows: diffFlat(before, after, fields),
      names: nameMaps(refs),
      mine: flatCampaign(collect().spec, { type: collect().type, tags: collect().tags }),
      onOverwrite: () => { etag = now.etag; opened = { spec: now.spec, type: now.campaign.type, tags: now.campaign.tags }; banner.replaceChildren(); form.requestSubmit(); },
      onReload: () => ctx.navigate(paths.editCampaign(tenant, sandbox, id), { replace: true }),
    });
    banner.replaceChildren(panel);
    panel.focus();
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = collect();
    updatePreview();
    saveBtn.disabled = true;
    try {
      if (mode === 'create') {
        const body = { ...v.spec, type: v.type, tags: v.tags };
        if (v.key) body.key = v.key;
        if (!body.audience) delete body.audience;
        const res = await api('POST', `${base}/campaigns`, { body });
        toast(`Campaign “${res.data.name}” created`);
        ctx.navigate(paths.campaign(tenant, sandbox, res.data.id));
        return;
      }
      if (mode === 'patch') {
        const body = { ...v.spec, tags: v.tags };
        if (v.type !== campaign.type) body.type = v.type;
        await api('PATCH', campaignPath(tenant, sandbox, id), { body, ifMatch: etag });
        toast('Campaign saved');
        ctx.navigate(paths.campaign(tenant, sandbox, id));
        return;
      }
      // A live campaign: the spec goes to its draft version, tags to the campaign.
      const res = await api('PUT', `${campaignPath(tenant, sandbox, id)}/draft`, { body: v.spec, ifMatch: etag });
      etag = res.etag || etag;
      if (JSON.stringify(v.tags) !== JSON.stringify(campaign.tags)) {
        await api('PATCH', campaignPath(tenant, sandbox, id), { body: { tags: v.tags }, ifMatch: etag });
      }
      toast('Draft version saved. The live version keeps running.');
      ctx.navigate(paths.campaign(tenant, sandbox, id));
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (e.status === 412) await showConflict();
      else showError(form, banner, e);
    } finally {
      saveBtn.disabled = false;
    }
  });

  const previewPane = h('aside', { class: 'v-preview', 'aria-labelledby': 'preview-title' },
    h('h2', { class: 'v-card-title', id: 'preview-title' }, 'Preview'),
    h('p', { class: 'v-small v-muted' }, 'As the recipient sees it. Placeholders such as {{first_name}} are filled in per recipient.'),
    preview);
  page.appendChild(h('div', { class: 'v-form-layout' }, form, previewPane));
  updatePreview();
  return page;
}
