// The campaign page: fields, schedule, audience, content as the recipient sees it, status with
// alerts, the actions allowed now, the live and draft versions side by side, the history of
// live versions and provenance.

import { h, clear } from '../lib/dom.js';
import { api, ApiError, canEdit, isTenantAdmin, session as currentSession } from '../lib/api.js';
import {
  statusBadge, errorBanner, formatTime, confirmDialog, toast, ACTION_LABELS, STATUS_LABELS, alertLabel,
} from '../lib/ui.js';
import { paths } from '../lib/paths.js';
import { icon } from '../lib/icons.js';
import {
  renderContent, diffSpecs, diffTable, formatRecurrence, CHANNEL_LABELS, TYPE_LABELS, ensureViewStyles,
} from './render.js';
import { campaignPath, getOrNull, referenceCache, nameMaps, reviewsOf } from './campaign-data.js';

ensureViewStyles();

const LIVE = new Set(['scheduled', 'active', 'paused']);

// The order buttons appear in: going forward first, destructive last.
const ACTION_ORDER = [
  'submit', 'activate', 'submit-draft', 'activate-draft', 'resume', 'withdraw', 'pause', 'close',
  'duplicate', 'unarchive', 'discard-draft', 'stop', 'archive',
];
const CONTENT_ACTIONS = new Set(['activate', 'submit', 'activate-draft', 'submit-draft']);
const PRIMARY = new Set(['submit', 'activate', 'submit-draft', 'activate-draft', 'resume']);
const DANGER = new Set(['stop', 'archive', 'discard-draft']);

const BUTTON_LABELS = {
  ...ACTION_LABELS,
  stop: 'Stop campaign',
  'submit-draft': 'Submit draft version for review',
};

const CONFIRM = {
  activate: ['Activate this campaign?', 'It goes live now, or is scheduled when its start time is in the future.', 'Activate'],
  'activate-draft': ['Activate the draft version?', 'Activating the draft version replaces the live version of the campaign.', 'Activate draft version'],
  'discard-draft': ['Discard the draft version?', 'The draft version is dropped. The live version keeps running unchanged.', 'Discard draft version'],
  stop: ['Stop this campaign?', 'A stopped campaign is read-only: you can no longer activate or reuse it, only archive it (an orchestrated one can be duplicated to run again).', 'Stop campaign'],
  archive: ['Archive this campaign?', 'No more messages are sent. Archived campaigns are hidden from the default list and deleted 30 days after their last change.', 'Archive'],
  close: ['Close this campaign?', 'No new profiles can enter it; it runs on until its end date.', 'Close'],
  pause: ['Pause this campaign?', 'Nothing is sent while it is paused.', 'Pause'],
};

const DONE = {
  submit: 'Submitted for review', withdraw: 'Review withdrawn: the campaign is a draft again',
  activate: 'Campaign activated', pause: 'Campaign paused', resume: 'Campaign resumed',
  stop: 'Campaign stopped', close: 'Campaign closed', archive: 'Campaign archived',
  unarchive: 'Campaign unarchived', 'submit-draft': 'Draft version submitted for review',
  'activate-draft': 'Draft version activated: it is now the live version',
  'discard-draft': 'Draft version discarded',
};

function section(title, id, ...children) {
  const headingId = `${id}-title`;
  return h('section', { class: 'v-card', id, 'aria-labelledby': headingId },
    h('h2', { class: 'v-card-title', id: headingId }, title), ...children);
}

function dl(rows) {
  const list = h('dl', { class: 'v-dl' });
  for (const [term, value] of rows) {
    if (value === undefined) continue;
    list.appendChild(h('div', { class: 'v-dl-row' }, h('dt', {}, term),
      h('dd', {}, value instanceof Node ? value : (value === null || value === '' ? '—' : String(value)))));
  }
  return list;
}

function time(ts) {
  return ts ? h('time', { datetime: ts }, formatTime(ts)) : '—';
}

function tagList(tags) {
  if (!tags || !tags.length) return h('span', { class: 'v-muted' }, 'No tags');
  const ul = h('ul', { class: 'v-tags', 'aria-label': 'Tags' });
  for (const t of tags) ul.appendChild(h('li', { class: 'v-tag' }, t));
  return ul;
}

function scheduleRows(spec, campaign) {
  const s = spec.schedule || {};
  return [
    ['Start', s.start ? time(s.start) : (campaign && campaign.activated_at
      ? h('span', {}, 'At activation (', time(campaign.activated_at), ')') : 'At activation')],
    ['End', s.end ? time(s.end) : (s.recurrence ? 'No end' : 'None (one-shot: completes 3 days after activation)')],
    ['Recurrence', formatRecurrence(s.recurrence)],
  ];
}

function audienceNode(spec, refs, t, sb) {
  const id = spec.audience && spec.audience.segment;
  if (!id) return h('span', { class: 'v-muted' }, 'No audience segment');
  const seg = refs.segments[id];
  if (!seg) return h('span', { class: 'v-warn-text' }, `Segment ${id} (not found)`);
  const wrap = h('span', {}, h('a', { href: paths.segment(t, sb, id) }, seg.name));
  if (seg.archived) wrap.appendChild(h('span', { class: 'v-pill v-pill-warn' }, 'archived'));
  return wrap;
}

function alertList(alerts) {
  const ul = h('ul', { class: 'v-alerts' });
  for (const a of [...alerts].reverse()) {
    ul.appendChild(h('li', { class: ['v-alert', a.type === 'execution_failed' ? 'v-alert-failed' : 'v-alert-warning'] },
      icon('alert'),
      h('div', {},
        h('p', { class: 'v-alert-type' }, alertLabel(a.type)),
        h('p', { class: 'v-alert-message' }, a.message || '(no reason given)'),
        h('p', { class: 'v-alert-time' }, time(a.at)))));
  }
  return ul;
}

/** The actions offered to this user now, in display order. */
export function visibleActions(campaign, sess, review) {
  if (!canEdit(campaign.sandbox, sess)) return [];
  const allowed = new Set(campaign.allowed_actions || []);
  // Only the submitter or a tenant admin may withdraw; the API refuses others.
  if (allowed.has('withdraw') && review && review.requested_by !== sess.user && !isTenantAdmin(sess)) allowed.delete('withdraw');
  return ACTION_ORDER.filter((a) => allowed.has(a));
}

function draftEditable(campaign) {
  // A draft version in review is locked: then none of its actions is allowed.
  const a = new Set(campaign.allowed_actions || []);
  return ['activate-draft', 'submit-draft', 'discard-draft'].some((x) => a.has(x));
}

export async function renderCampaign(ctx) {
  const { tenant, sandbox, campaign: id } = ctx.params;
  const sess = ctx.session || currentSession();
  const path = campaignPath(tenant, sandbox, id);
  const root = h('article', { class: 'page v-page v-campaign-page', 'data-view': 'campaign' });
  let messages = [];

  async function load() {
    const { data: campaign, etag } = await api('GET', path);
    const hasDraft = !!campaign.draft_version;
    const [draftRes, versionsRes, reviews] = await Promise.all([
      hasDraft ? getOrNull(`${path}/draft`) : Promise.resolve(null),
      getOrNull(`${path}/versions`),
      reviewsOf(tenant, id),
    ]);
    const review = reviews.pending;
    const lastReview = reviews.last;
    const draft = draftRes ? draftRes.data : campaign.draft_version;
    const versions = versionsRes ? versionsRes.data.items || [] : [];
    const refs = await referenceCache(tenant, sandbox).forSpecs([campaign, draft, ...versions.map((v) => v.spec)]);
    return { campaign, etag, draft, versions, review, lastReview, refs };
  }

  async function act(action, state) {
    const c = state.campaign;
    if (CONFIRM[action]) {
      const [title, text, label] = CONFIRM[action];
      const ok = await confirmDialog(text, { title, confirmLabel: label, danger: DANGER.has(action) });
      if (!ok) return;
    }
    try {
      if (action === 'delete') {
        await api('DELETE', path, { ifMatch: state.etag });
        toast(`Campaign “${c.name}” deleted`);
        ctx.navigate(paths.inventory(tenant, sandbox));
        return;
      }
      // Actions that put content live or in review are bound to the version on screen (a
      // change meanwhile answers 412); the others act on the campaign as it is, and the API
      // refuses (409, with the actions allowed now) what its status no longer allows.
      const res = await api('POST', `${path}/actions/${action}`, { body: {}, ifMatch: CONTENT_ACTIONS.has(action) ? state.etag : undefined });
      if (action === 'duplicate') {
        toast('Campaign duplicated: this is the copy, a draft');
        ctx.navigate(paths.campaign(tenant, sandbox, res.data.id));
        return;
      }
      toast(DONE[action] || 'Done');
      messages = [];
      await redraw({ focusHeading: true });
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (e.status === 412) {
        messages = [errorBanner(new Error('Someone else changed this campaign since you opened it, so nothing was done. Here it is as it is now: check it and try again.'))];
      } else {
        messages = [errorBanner(e)];
      }
      await redraw();
    }
  }

  async function askDelete(state) {
    const ok = await confirmDialog('This draft campaign and its content are deleted. This cannot be undone.',
      { title: 'Delete this campaign?', confirmLabel: 'Delete', danger: true });
    if (ok) await act('delete', state);
  }

  function actionBar(state) {
    const c = state.campaign;
    const bar = h('div', { class: 'v-actions', role: 'group', 'aria-label': 'Campaign actions' });
    if (!canEdit(sandbox, sess)) return null;
    const actions = visibleActions(c, sess, state.review);
    const buttons = [];
    for (const a of actions) {
      buttons.push(h('button', {
        type: 'button',
        class: ['btn', PRIMARY.has(a) ? 'btn-primary' : '', DANGER.has(a) ? 'btn-danger-outline' : ''],
        'data-action': a,
        onclick: () => act(a, state),
      }, BUTTON_LABELS[a] || a));
    }
    // Editing: a draft is edited in place; a live campaign gets (or edits) its draft version.
    const editHref = paths.editCampaign(tenant, sandbox, id);
    if (c.status === 'draft') {
      buttons.splice(actions.filter((a) => PRIMARY.has(a)).length, 0, h('a', { class: 'btn', href: editHref }, 'Edit campaign'));
    } else if (LIVE.has(c.status) && (!state.draft || draftEditable(c))) {
      buttons.splice(actions.filter((a) => PRIMARY.has(a)).length, 0,
        h('a', { class: 'btn', href: editHref }, state.draft ? 'Edit draft version' : 'Edit campaign'));
    }
    if (c.status === 'draft' && c.live_version === 0) {
      buttons.push(h('button', { type: 'button', class: 'btn btn-danger-outline', 'data-action': 'delete', onclick: () => askDelete(state) }, 'Delete'));
    }
    if (!buttons.length) return null;
    for (const b of buttons) bar.appendChild(b);
    return bar;
  }

  function header(state) {
    const c = state.campaign;
    const crumbs = h('nav', { class: 'v-breadcrumb', 'aria-label': 'Breadcrumb' },
      h('ol', {},
        h('li', {}, h('a', { href: paths.inventory(tenant, sandbox) }, 'Campaigns')),
        h('li', { 'aria-current': 'page' }, c.name)));
    const meta = h('div', { class: 'v-title-meta' }, statusBadge(c.status));
    if (c.alerts && c.alerts.length) {
      meta.appendChild(h('a', { class: 'v-alert-icon', href: '#alerts', title: 'Alerts' },
        icon('alert', { label: `${c.alerts.length} ${c.alerts.length === 1 ? 'alert' : 'alerts'}` }),
        h('span', { 'aria-hidden': 'true' }, String(c.alerts.length))));
    }
    if (state.draft) {
      meta.appendChild(h('a', { class: 'v-draft-icon', href: '#draft-version', title: 'Open draft version' },
        icon('draft', { label: 'Open draft version' })));
    }
    meta.appendChild(h('span', { class: 'v-meta-text' }, `${TYPE_LABELS[c.type] || c.type} · ${c.key}`));
    if (c.provenance) {
      meta.appendChild(h('a', { class: 'v-meta-text v-provenance-link', href: '#provenance' },
        `Imported from package ${c.provenance.package}, version ${c.provenance.version}`));
    }
    let side = actionBar(state);
    if (state.review) {
      // Whoever can see the review gets to it from here (a reviewer lands on the campaign first).
      const link = h('a', { class: ['btn', side ? '' : 'btn-primary'], href: paths.review(tenant, state.review.id) }, 'Open the review');
      if (side) side.prepend(link);
      else side = h('div', { class: 'v-actions' }, link);
    }
    const head = h('header', { class: 'v-page-header' },
      h('div', { class: 'v-page-heading' }, h('h1', {}, c.name), meta),
      side);
    // The campaign's figures, for everyone who sees it (docs/reports.md).
    const reports = h('nav', { class: 'v-actions v-report-links', 'aria-label': 'Reports' },
      h('a', { class: 'btn btn-small', href: paths.campaignReport(tenant, sandbox, id, '24h') }, 'Report (24 h)'),
      h('a', { class: 'btn btn-small', href: paths.campaignReport(tenant, sandbox, id, 'full') }, 'Full report'));
    return [crumbs, head, reports];
  }

  function statusNotes(state) {
    const c = state.campaign;
    const notes = [];
    if (state.review) {
      const r = state.review;
      const need = (r.required || []).reduce((n, q) => n + q.required, 0);
      const have = (r.required || []).reduce((n, q) => n + Math.min(q.counted.length, q.required), 0);
      const what = r.subject.kind === 'campaign_draft' ? 'The draft version is in review' : 'This campaign is in review';
      notes.push(h('div', { class: 'banner banner-info v-banner' },
        h('p', {}, `${what}: ${have} of ${need} approvals, submitted by ${r.requested_by} on ${formatTime(r.requested_at)}.`)));
    }
    const last = state.lastReview;
    if (!state.review && last && last.state === 'changes_requested' && (c.status === 'draft' || state.draft)) {
      notes.push(h('div', { class: 'banner banner-warning v-banner', 'data-testid': 'changes-requested' },
        h('p', {}, `Changes requested by ${last.decided_by} on ${formatTime(last.decided_at)}: `),
        h('blockquote', { class: 'v-quote' }, last.comment),
        h('p', {}, h('a', { href: paths.review(tenant, last.id) }, 'Open the review'))));
    }
    if (state.draft && !state.review) {
      notes.push(h('div', { class: 'banner banner-info v-banner' },
        h('p', {}, `A draft version of this campaign was saved by ${state.draft.updated_by} on ${formatTime(state.draft.updated_at)}. `
          + 'The live version keeps running until the draft version is activated. ',
        h('a', { href: '#draft-version' }, 'Compare with the live version'))));
    }
    if (c.status === 'stopped') notes.push(h('div', { class: 'banner banner-info v-banner' }, h('p', {}, 'This campaign was stopped: it is read-only. You can duplicate or archive it.')));
    if (c.status === 'archived') notes.push(h('div', { class: 'banner banner-info v-banner' }, h('p', {}, 'This campaign is archived: nothing is sent. It is deleted 30 days after its last change unless unarchived.')));
    if (c.bypass) {
      notes.push(h('div', { class: 'banner banner-warning v-banner' },
        h('p', {}, `Activated without approval (break-glass) by ${c.bypass.by} on ${formatTime(c.bypass.at)}: `, h('q', {}, c.bypass.reason))));
    }
    return notes;
  }

  function contentSection(state) {
    const c = state.campaign;
    const title = c.live_version > 0 ? `Content · live version ${c.live_version}` : 'Content';
    return section(title, 'content',
      renderContent(c, { templates: state.refs.templates, templateLink: (t) => paths.template(tenant, sandbox, t.id) }));
  }

  function draftSection(state) {
    const c = state.campaign;
    const d = state.draft;
    const names = nameMaps(state.refs);
    const rows = diffSpecs(c, d);
    const changed = rows.filter((r) => r.changed).length;
    const body = [
      h('p', { class: 'v-card-intro' },
        `Saved by ${d.updated_by} on ${formatTime(d.updated_at)}. `
        + (changed ? `${changed} ${changed === 1 ? 'field differs' : 'fields differ'} from the live version.` : 'It does not differ from the live version.')),
    ];
    const toggleId = 'diff-show-all';
    const table = diffTable(rows, { names, formatTime, caption: 'Live version and draft version, field by field', fromLabel: `Live version ${c.live_version}`, toLabel: 'Draft version' });
    table.classList.add('v-diff-hide-same');
    const toggle = h('label', { class: 'v-check', for: toggleId },
      h('input', { type: 'checkbox', id: toggleId, onchange: (e) => table.classList.toggle('v-diff-hide-same', !e.target.checked) }),
      ' Show unchanged fields');
    body.push(toggle, h('div', { class: 'v-table-wrap' }, table));
    body.push(h('h3', { class: 'v-subtitle' }, 'Draft version content'));
    body.push(renderContent(d, { templates: state.refs.templates, headingLevel: 4, templateLink: (t) => paths.template(tenant, sandbox, t.id) }));
    return section('Draft version', 'draft-version', ...body);
  }

  function historySection(state) {
    const versions = state.versions;
    if (!versions.length) {
      return section('Live versions', 'history', h('p', { class: 'v-muted' }, 'Not activated yet: there is no live version.'));
    }
    const names = nameMaps(state.refs);
    const list = h('ol', { class: 'v-history' });
    versions.forEach((v, i) => {
      const prev = versions[i + 1];
      const item = h('li', { class: 'v-history-item' });
      const head = h('div', { class: 'v-history-head' },
        h('span', { class: 'v-history-version' }, `Version ${v.version}`),
        v.version === state.campaign.live_version ? h('span', { class: 'v-pill v-pill-live' }, 'live') : null,
        h('span', { class: 'v-muted' }, ' activated by ', h('strong', {}, v.activated_by), ' on ', time(v.activated_at)));
      item.appendChild(head);
      if (prev) {
        const rows = diffSpecs(prev.spec, v.spec).filter((r) => r.changed);
        const det = h('details', { class: 'v-details' },
          h('summary', {}, rows.length ? `${rows.length} ${rows.length === 1 ? 'change' : 'changes'} from version ${prev.version}` : `No change from version ${prev.version}`));
        if (rows.length) det.appendChild(diffTable(rows, { names, formatTime, fromLabel: `Version ${prev.version}`, toLabel: `Version ${v.version}`, caption: `Changes in version ${v.version}` }));
        item.appendChild(det);
      } else {
        item.appendChild(h('p', { class: 'v-muted v-small' }, 'First live version.'));
      }
      list.appendChild(item);
    });
    return section('Live versions', 'history', list);
  }

  function sidebar(state) {
    const c = state.campaign;
    const out = [];
    out.push(section('Details', 'details', dl([
      ['Status', h('span', {}, STATUS_LABELS[c.status] || c.status)],
      ['Type', TYPE_LABELS[c.type] || c.type],
      ['Key', h('code', {}, c.key)],
      ['Channels', (c.channels || []).map((ch) => CHANNEL_LABELS[ch] || ch).join(', ')],
      ['Tags', tagList(c.tags)],
      ['Description', c.description ? h('p', { class: 'v-prewrap' }, c.description) : h('span', { class: 'v-muted' }, 'None')],
      ['Live version', c.live_version > 0 ? String(c.live_version) : 'Not activated yet'],
      ['Activated', c.activated_at ? time(c.activated_at) : undefined],
      ['Created', h('span', {}, time(c.created_at), ` by ${c.created_by}`)],
      ['Last modified', h('span', {}, time(c.updated_at), ` by ${c.updated_by}`)],
    ])));
    out.push(section('Schedule', 'schedule', dl(scheduleRows(c, c))));
    out.push(section('Audience', 'audience', dl([['Segment', audienceNode(c, state.refs, tenant, sandbox)]])));
    out.push(section('Alerts and execution events', 'alerts',
      c.alerts && c.alerts.length ? alertList(c.alerts) : h('p', { class: 'v-muted' }, 'No alert: the delivery engine reported no problem and ferry sees none.')));
    const p = c.provenance;
    out.push(section('Provenance', 'provenance', p
      ? dl([['Package', p.package], ['Version', String(p.version)], ['Digest', h('code', { class: 'v-digest' }, p.digest)], ['Import', h('code', {}, p.import)]])
      : h('p', { class: 'v-muted' }, 'Created in this sandbox, not imported from a package.')));
    return out;
  }

  async function redraw({ focusHeading = false } = {}) {
    const state = await load();
    clear(root);
    root.dataset.title = state.campaign.name;
    for (const n of header(state)) root.appendChild(n);
    const live = h('div', { class: 'v-messages', 'aria-live': 'polite' });
    for (const m of messages) live.appendChild(m);
    root.appendChild(live);
    for (const n of statusNotes(state)) root.appendChild(n);
    const main = h('div', { class: 'v-main' }, contentSection(state));
    if (state.draft) main.appendChild(draftSection(state));
    main.appendChild(historySection(state));
    root.appendChild(h('div', { class: 'v-layout' }, main, h('aside', { class: 'v-side', 'aria-label': 'Campaign details' }, ...sidebar(state))));
    if (messages.length) {
      const first = live.querySelector('[role="alert"]');
      if (first) { first.setAttribute('tabindex', '-1'); first.focus(); }
    } else if (focusHeading) {
      // The button pressed is gone with the old state: keyboard users restart from the title.
      const h1 = root.querySelector('h1');
      h1.setAttribute('tabindex', '-1');
      h1.focus();
    }
  }

  await redraw();
  if (ctx.query && ctx.query.version === 'draft') {
    queueMicrotask(() => { const d = root.querySelector('#draft-version'); if (d) d.scrollIntoView(); });
  }
  return root;
}
