// The reviewer's queue and the review page: rendered content, the diff against the live
// version for a draft version, the requirements, who may not approve and why, and the decision.

import { h, clear, uid } from '../lib/dom.js';
import { api, ApiError, rolesOn, isTenantAdmin, tenantPath, session as currentSession } from '../lib/api.js';
import { errorBanner, formatTime, toast, confirmDialog, statusBadge, STATUS_LABELS } from '../lib/ui.js';
import { paths } from '../lib/paths.js';
import { renderContent, diffTable, ensureViewStyles } from './render.js';
import { campaignPath, getOrNull, referenceCache, nameMaps } from './campaign-data.js';
import { liveVersionLast24h } from './reports.js';

ensureViewStyles();

const STATE_LABELS = {
  pending: 'Pending', approved: 'Approved', changes_requested: 'Changes requested', withdrawn: 'Withdrawn',
  voided: 'Voided',
};
const STATE_BADGE = {
  pending: 'badge-in_review', approved: 'badge-active', changes_requested: 'badge-paused', withdrawn: 'badge-archived',
  voided: 'badge-archived',
};
const KIND_LABELS = { campaign: 'New campaign', campaign_draft: 'Draft version of a live campaign', package: 'Package version' };

export function reviewStateBadge(state) {
  return h('span', { class: ['badge', STATE_BADGE[state] || '', `v-review-${state}`] }, STATE_LABELS[state] || state);
}

function time(ts) {
  return ts ? h('time', { datetime: ts }, formatTime(ts)) : '—';
}

function progress(review) {
  const req = review.required || [];
  const need = req.reduce((n, q) => n + q.required, 0);
  const have = req.reduce((n, q) => n + Math.min((q.counted || []).length, q.required), 0);
  return { need, have };
}

function subjectName(r) {
  return (r.subject && (r.subject.name || r.subject.package)) || r.id;
}

function approversText(a) {
  if (!a) return '';
  if (a.role) return `anyone with the ${a.role} role (or an admin)`;
  if (a.users) return `${a.users.join(', ')} (or an admin)`;
  return '';
}

/** Why the current user may or may not decide; {approve, requestChanges, reasons[]}. */
export function decisionRights(review, sess) {
  const me = sess && sess.user;
  const sandbox = review.subject && review.subject.sandbox;
  const roles = rolesOn(sandbox, sess);
  const reasons = [];
  if (review.state !== 'pending') return { approve: false, requestChanges: false, withdraw: false, reasons };
  const eligibleFor = (req) => roles.includes('admin')
    || (req.approvers && req.approvers.role && roles.includes(req.approvers.role))
    || (req.approvers && Array.isArray(req.approvers.users) && req.approvers.users.includes(me));
  const eligible = (review.required || []).some(eligibleFor);
  const isSubmitter = review.requested_by === me;
  const isEditor = review.last_editor === me;
  const approved = (review.approvals || []).some((a) => a.user === me);
  if (isSubmitter) reasons.push('You submitted this review: the submitter cannot approve it or request changes.');
  else if (isEditor) reasons.push('You last edited this content: the last editor cannot approve it or request changes.');
  else if (!eligible) reasons.push((review.required || []).length
    ? 'You are not one of the approvers this review needs.'
    : 'No approval policy applies any more: nobody can approve this review; the submitter can withdraw it.');
  const canDecide = eligible && !isSubmitter && !isEditor;
  if (canDecide && approved) reasons.push('You have approved this review already; it is waiting for other approvers.');
  return {
    approve: canDecide && !approved,
    requestChanges: canDecide,
    withdraw: isSubmitter || isTenantAdmin(sess),
    reasons,
  };
}

// ---------------------------------------------------------------- the queue

function queueTable(items, tenant, caption, { reason } = {}) {
  const table = h('table', { class: 'v-table' },
    h('caption', { class: 'v-sr-only' }, caption),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Campaign'),
      h('th', { scope: 'col' }, 'Kind'),
      h('th', { scope: 'col' }, 'Sandbox'),
      h('th', { scope: 'col' }, 'Requested by'),
      h('th', { scope: 'col' }, 'Requested'),
      h('th', { scope: 'col' }, reason ? 'Status' : 'Approvals'))));
  const tbody = h('tbody');
  for (const r of items) {
    const { need, have } = progress(r);
    let last;
    if (reason) last = h('td', {}, reason(r));
    else last = h('td', {}, h('span', { class: 'v-progress-text' }, `${have} of ${need}`),
      h('span', { class: 'v-progress', 'aria-hidden': 'true' }, h('span', { class: `v-progress-bar v-progress-${need ? Math.round((have / need) * 4) : 0}` })));
    tbody.appendChild(h('tr', {},
      h('td', {}, h('a', { href: paths.review(tenant, r.id) }, subjectName(r))),
      h('td', {}, KIND_LABELS[r.subject && r.subject.kind] || r.scope),
      h('td', {}, h('code', {}, (r.subject && r.subject.sandbox) || '—')),
      h('td', {}, r.requested_by),
      h('td', { class: 'v-cell-muted' }, time(r.requested_at)),
      last));
  }
  table.appendChild(tbody);
  return h('div', { class: 'v-table-wrap v-card v-card-flush' }, table);
}

export async function renderReviewQueue(ctx) {
  const { tenant } = ctx.params;
  const sess = ctx.session || currentSession();
  const base = `${tenantPath(tenant)}/reviews`;
  const showDecided = ctx.query.state === 'decided';
  const [mine, pending, all] = await Promise.all([
    api('GET', base, { query: { assigned: 'me' } }),
    api('GET', base, { query: { state: 'pending' } }),
    showDecided ? api('GET', base, { query: { state: 'all' } }) : Promise.resolve(null),
  ]);
  const assigned = mine.data.items || [];
  const ids = new Set(assigned.map((r) => r.id));
  const others = (pending.data.items || []).filter((r) => !ids.has(r.id));
  const page = h('section', { class: 'page v-page', 'data-view': 'review-queue' });
  page.appendChild(h('header', { class: 'v-page-header' },
    h('div', { class: 'v-page-heading' }, h('h1', {}, 'Reviews'),
      h('p', { class: 'v-meta-text' }, 'Campaigns waiting for approval before they go live. Newest first.'))));

  page.appendChild(h('h2', { class: 'v-section-title', id: 'assigned-title' }, 'Waiting for your decision',
    h('span', { class: 'v-count' }, String(assigned.length))));
  page.appendChild(assigned.length ? queueTable(assigned, tenant, 'Reviews waiting for your decision')
    : h('div', { class: 'v-empty' }, h('p', { class: 'v-empty-title' }, 'Nothing to review.'),
      h('p', { class: 'v-muted' }, 'Reviews you can approve appear here as soon as someone submits a campaign.')));

  const reason = (r) => {
    if (r.requested_by === sess.user) return 'You submitted it';
    if (r.last_editor === sess.user) return 'You last edited it';
    if ((r.approvals || []).some((a) => a.user === sess.user)) return 'You approved it';
    const { need, have } = progress(r);
    return `Waiting for others (${have} of ${need})`;
  };
  page.appendChild(h('h2', { class: 'v-section-title' }, 'Other pending reviews', h('span', { class: 'v-count' }, String(others.length))));
  page.appendChild(others.length ? queueTable(others, tenant, 'Other pending reviews', { reason })
    : h('p', { class: 'v-muted' }, 'No other pending review in the sandboxes you can see.'));

  if (showDecided) {
    const decided = (all.data.items || []).filter((r) => r.state !== 'pending');
    page.appendChild(h('h2', { class: 'v-section-title' }, 'Decided reviews', h('span', { class: 'v-count' }, String(decided.length))));
    page.appendChild(decided.length ? queueTable(decided, tenant, 'Decided reviews', {
      reason: (r) => h('span', {}, reviewStateBadge(r.state), r.decided_by ? ` by ${r.decided_by}` : ''),
    }) : h('p', { class: 'v-muted' }, 'No decided review yet.'));
    page.appendChild(h('p', {}, h('a', { href: paths.reviews(tenant) }, 'Hide decided reviews')));
  } else {
    page.appendChild(h('p', {}, h('a', { href: `${paths.reviews(tenant)}?state=decided` }, 'Show decided reviews')));
  }
  return page;
}

// ---------------------------------------------------------------- one review

function requirementsSection(review) {
  const list = h('ul', { class: 'v-reqs' });
  if (!(review.required || []).length) {
    list.appendChild(h('li', { class: 'v-muted' }, 'No approval policy applies to this content now.'));
  }
  for (const q of review.required || []) {
    const counted = q.counted || [];
    const item = h('li', { class: ['v-req', q.satisfied ? 'v-req-ok' : ''] },
      h('div', { class: 'v-req-head' },
        h('span', { class: 'v-req-name' }, q.source === 'sandbox' ? 'Sandbox requires approval' : q.name),
        h('span', { class: ['v-pill', q.satisfied ? 'v-pill-live' : 'v-pill-wait'] }, q.satisfied ? 'satisfied' : `${Math.min(counted.length, q.required)} of ${q.required}`)),
      h('p', { class: 'v-small v-muted' }, `${q.required} ${q.required === 1 ? 'approval' : 'distinct approvals'} by ${approversText(q.approvers)}.`),
      h('p', { class: 'v-small' }, counted.length ? `Counted: ${counted.join(', ')}` : 'No approval counted yet.'));
    list.appendChild(item);
  }
  return list;
}

function approvalsList(review) {
  if (!(review.approvals || []).length) return h('p', { class: 'v-muted' }, 'No approval yet.');
  const ul = h('ul', { class: 'v-approvals' });
  for (const a of review.approvals) {
    ul.appendChild(h('li', { class: 'v-approval' },
      h('p', {}, h('strong', {}, a.user), ' approved on ', time(a.at),
        a.counts ? null : h('span', { class: 'v-pill v-pill-warn', title: 'Not eligible now, or given for other content' }, 'does not count')),
      a.comment ? h('blockquote', { class: 'v-quote' }, a.comment) : null));
  }
  return ul;
}

function cannotApprove(review) {
  const ul = h('ul', { class: 'v-cannot' });
  if (review.requested_by && review.requested_by === review.last_editor) {
    ul.appendChild(h('li', {}, h('strong', {}, review.requested_by), ' — submitted it and last edited the content'));
  } else {
    if (review.requested_by) ul.appendChild(h('li', {}, h('strong', {}, review.requested_by), ' — submitted it'));
    if (review.last_editor) ul.appendChild(h('li', {}, h('strong', {}, review.last_editor), ' — last edited the content'));
  }
  return ul;
}

function outcomeBanner(review, campaign) {
  const when = review.decided_at ? ` on ${formatTime(review.decided_at)}` : '';
  const now = campaign ? ` The campaign is now ${(STATUS_LABELS[campaign.status] || campaign.status).toLowerCase()}.` : '';
  if (review.state === 'approved') {
    return h('div', { class: 'banner banner-success v-banner', role: 'status' },
      h('p', {}, `Approved${review.decided_by ? ` (last approval by ${review.decided_by})` : ''}${when}.${now}`));
  }
  if (review.state === 'changes_requested') {
    return h('div', { class: 'banner banner-warning v-banner', role: 'status' },
      h('p', {}, `Changes requested by ${review.decided_by}${when}.${now}`),
      review.comment ? h('blockquote', { class: 'v-quote', 'data-testid': 'decision-comment' }, review.comment) : null);
  }
  if (review.state === 'withdrawn') {
    const auto = review.comment && /archiv|stop/i.test(review.comment);
    return h('div', { class: 'banner banner-warning v-banner', role: 'status' },
      h('p', {}, auto
        ? `This review is void: it ended when the campaign changed${when}. Its approvals no longer count.`
        : `This review was withdrawn by ${review.decided_by || review.requested_by}${when}: it is void and its approvals no longer count.${now}`),
      review.comment ? h('blockquote', { class: 'v-quote' }, review.comment) : null);
  }
  if (review.state === 'voided') {
    return h('div', { class: 'banner banner-warning v-banner', role: 'status' },
      h('p', {}, `This review is void: what it was for changed${when}. Its approvals no longer count; ask again to start a new review.`));
  }
  return null;
}

export async function renderReview(ctx) {
  const { tenant, review: id } = ctx.params;
  const sess = ctx.session || currentSession();
  const path = `${tenantPath(tenant)}/reviews/${encodeURIComponent(id)}`;
  const root = h('article', { class: 'page v-page v-review-page', 'data-view': 'review' });
  let messages = [];
  let review = (await api('GET', path)).data;

  async function campaignOf(r) {
    if (!r.subject || !r.subject.campaign) return null;
    const res = await getOrNull(campaignPath(tenant, r.subject.sandbox, r.subject.campaign));
    return res ? res.data : null;
  }

  async function decide(kind, form, banner) {
    const comment = form.elements.comment.value.trim();
    banner.replaceChildren();
    if (kind === 'request-changes' && !comment) {
      const err = h('p', { class: 'field-error', id: 'comment-error' }, 'Say what needs to change: a comment is required to request changes.');
      form.elements.comment.setAttribute('aria-invalid', 'true');
      form.elements.comment.setAttribute('aria-describedby', 'comment-hint comment-error');
      form.querySelector('.v-comment-field').appendChild(err);
      form.elements.comment.focus();
      return;
    }
    if (kind === 'withdraw') {
      const ok = await confirmDialog('The review ends and its approvals are dropped; the campaign goes back to draft (a draft version is unlocked).',
        { title: 'Withdraw this review?', confirmLabel: 'Withdraw', danger: true });
      if (!ok) return;
    }
    for (const b of form.querySelectorAll('button')) b.disabled = true;
    try {
      const res = await api('POST', `${path}/${kind}`, { body: kind === 'withdraw' ? {} : (comment ? { comment } : {}) });
      review = res.data;
      messages = [];
      toast(kind === 'approve' ? (review.state === 'approved' ? 'Approved: the campaign goes live' : 'Approval recorded')
        : kind === 'request-changes' ? 'Changes requested: the campaign is back with its editors' : 'Review withdrawn');
      await redraw(true);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (e.code === 'review_stale') {
        messages = [errorBanner(new Error('The content changed since it was submitted: this review is void. The editors must submit it again.'))];
      } else {
        messages = [errorBanner(e)];
      }
      try { review = (await api('GET', path)).data; } catch { /* keep the old one */ }
      await redraw(true);
    }
  }

  function decisionPanel(rights) {
    const editorOnly = rights.reasons;
    const banner = h('div', { class: 'v-messages' });
    const box = h('section', { class: 'v-card v-decision', 'aria-labelledby': 'decision-title' },
      h('h2', { class: 'v-card-title', id: 'decision-title' }, 'Your decision'));
    for (const r of editorOnly) box.appendChild(h('p', { class: 'v-note' }, r));
    if (!rights.approve && !rights.requestChanges && !rights.withdraw) return box;
    const form = h('form', { class: 'v-form', novalidate: true, onsubmit: (e) => e.preventDefault() });
    if (rights.approve || rights.requestChanges) {
      const cid = uid('comment');
      form.appendChild(h('div', { class: 'field v-comment-field' },
        h('label', { for: cid, class: 'field-label' }, 'Comment'),
        h('p', { class: 'field-help', id: 'comment-hint' }, 'Optional when approving; required when requesting changes. Editors see it.'),
        h('textarea', { id: cid, name: 'comment', class: 'input', rows: 4, maxlength: '2000', 'aria-describedby': 'comment-hint' })));
    } else {
      form.appendChild(h('input', { type: 'hidden', name: 'comment', value: '' }));
    }
    const buttons = h('div', { class: 'v-form-actions' });
    if (rights.approve) buttons.appendChild(h('button', { type: 'button', class: 'btn btn-primary', onclick: () => decide('approve', form, banner) }, 'Approve'));
    if (rights.requestChanges) buttons.appendChild(h('button', { type: 'button', class: 'btn btn-danger-outline', onclick: () => decide('request-changes', form, banner) }, 'Request changes'));
    if (rights.withdraw) buttons.appendChild(h('button', { type: 'button', class: 'btn', onclick: () => decide('withdraw', form, banner) }, 'Withdraw review'));
    form.appendChild(buttons);
    box.append(banner, form);
    return box;
  }

  async function redraw(focusOutcome = false) {
    const campaign = await campaignOf(review);
    const sandbox = review.subject && review.subject.sandbox;
    const refs = review.content && sandbox ? await referenceCache(tenant, sandbox).forSpecs([review.content, campaign]) : { segments: {}, templates: {} };
    const rights = decisionRights(review, sess);
    const name = subjectName(review);
    // A draft version's reviewers see how the live version did in the last 24 hours.
    const liveReport = review.subject && review.subject.kind === 'campaign_draft' && campaign
      ? await liveVersionLast24h(tenant, sandbox, campaign.id) : null;
    clear(root);
    root.dataset.title = `Review: ${name}`;
    root.appendChild(h('nav', { class: 'v-breadcrumb', 'aria-label': 'Breadcrumb' }, h('ol', {},
      h('li', {}, h('a', { href: paths.reviews(tenant) }, 'Reviews')),
      h('li', { 'aria-current': 'page' }, name))));
    const meta = h('div', { class: 'v-title-meta' }, reviewStateBadge(review.state),
      h('span', { class: 'v-meta-text' }, `${KIND_LABELS[review.subject && review.subject.kind] || review.scope} · ${sandbox || ''} · requested by ${review.requested_by} on ${formatTime(review.requested_at)}`));
    const heading = h('div', { class: 'v-page-heading' }, h('h1', {}, `Review: ${name}`), meta);
    const links = h('div', { class: 'v-actions' });
    if (campaign) links.appendChild(h('a', { class: 'btn', href: paths.campaign(tenant, sandbox, campaign.id) }, 'Open the campaign'));
    root.appendChild(h('header', { class: 'v-page-header' }, heading, links));

    const msgs = h('div', { class: 'v-messages', 'aria-live': 'polite' });
    for (const m of messages) msgs.appendChild(m);
    root.appendChild(msgs);
    const outcome = outcomeBanner(review, campaign);
    if (outcome) {
      outcome.setAttribute('data-testid', 'review-outcome');
      root.appendChild(outcome);
    }
    if (campaign && review.state === 'pending') {
      root.appendChild(h('p', { class: 'v-meta-text v-campaign-line' }, 'Campaign status: ', statusBadge(campaign.status)));
    }

    const main = h('div', { class: 'v-main' });
    if (review.subject && review.subject.kind === 'campaign_draft') {
      const names = nameMaps(refs);
      const diff = review.diff || [];
      main.appendChild(h('section', { class: 'v-card', 'aria-labelledby': 'diff-title', id: 'diff' },
        h('h2', { class: 'v-card-title', id: 'diff-title' }, 'Changes from the live version'),
        diff.length
          ? h('div', { class: 'v-table-wrap' }, diffTable(diff, { names, formatTime, fromLabel: 'Live version', toLabel: 'Draft version', caption: 'What changes in the live version' }))
          : h('p', { class: 'v-muted' }, 'The draft version does not differ from the live version.')));
    }
    if (liveReport) main.appendChild(liveReport);
    if (review.content) {
      main.appendChild(h('section', { class: 'v-card', 'aria-labelledby': 'content-title', id: 'content' },
        h('h2', { class: 'v-card-title', id: 'content-title' }, review.subject.kind === 'campaign_draft' ? 'Content of the draft version' : 'Content'),
        review.state !== 'pending' ? h('p', { class: 'v-note' }, 'The review is over: this is the content as it is now, which may differ from what was reviewed.') : null,
        h('dl', { class: 'v-dl v-dl-inline' },
          h('div', { class: 'v-dl-row' }, h('dt', {}, 'Name'), h('dd', {}, review.content.name)),
          review.content.description ? h('div', { class: 'v-dl-row' }, h('dt', {}, 'Description'), h('dd', { class: 'v-prewrap' }, review.content.description)) : null,
          h('div', { class: 'v-dl-row' }, h('dt', {}, 'Audience'), h('dd', {}, review.content.audience && review.content.audience.segment
            ? (refs.segments[review.content.audience.segment] ? refs.segments[review.content.audience.segment].name : review.content.audience.segment) : 'No segment')),
          h('div', { class: 'v-dl-row' }, h('dt', {}, 'Schedule'), h('dd', {}, review.content.schedule && review.content.schedule.start ? `Starts ${formatTime(review.content.schedule.start)}` : 'Starts at activation'))),
        renderContent(review.content, { templates: refs.templates })));
    } else if (review.scope === 'package') {
      main.appendChild(h('section', { class: 'v-card' }, h('h2', { class: 'v-card-title' }, 'Package'),
        h('p', {}, `Publishing a version of the package ${review.subject.package || review.subject.name}.`)));
    } else {
      main.appendChild(h('section', { class: 'v-card' }, h('h2', { class: 'v-card-title' }, 'Content'),
        h('p', { class: 'v-muted' }, 'The campaign or its draft version no longer exists.')));
    }

    const side = h('aside', { class: 'v-side', 'aria-label': 'Review requirements and decision' });
    if (review.state === 'pending' && (rights.approve || rights.requestChanges || rights.withdraw || rights.reasons.length)) side.appendChild(decisionPanel(rights));
    side.appendChild(h('section', { class: 'v-card', 'aria-labelledby': 'req-title' },
      h('h2', { class: 'v-card-title', id: 'req-title' }, 'Requirements'), requirementsSection(review)));
    side.appendChild(h('section', { class: 'v-card', 'aria-labelledby': 'appr-title' },
      h('h2', { class: 'v-card-title', id: 'appr-title' }, 'Approvals'), approvalsList(review)));
    side.appendChild(h('section', { class: 'v-card', 'aria-labelledby': 'cannot-title' },
      h('h2', { class: 'v-card-title', id: 'cannot-title' }, 'Cannot approve'),
      h('p', { class: 'v-small v-muted' }, 'The submitter and the last editor never approve their own work.'),
      cannotApprove(review)));
    side.appendChild(h('section', { class: 'v-card', 'aria-labelledby': 'digest-title' },
      h('h2', { class: 'v-card-title', id: 'digest-title' }, 'Digest'),
      h('p', { class: 'v-small v-muted' }, 'Approvals count only for this exact content; any change voids them.'),
      h('code', { class: 'v-digest' }, review.digest)));
    root.appendChild(h('div', { class: 'v-layout' }, main, side));

    if (focusOutcome) {
      const target = msgs.querySelector('[role="alert"]') || root.querySelector('[data-testid="review-outcome"]') || root.querySelector('h1');
      if (target) { target.setAttribute('tabindex', '-1'); target.focus(); }
    }
  }

  await redraw();
  return root;
}
