// Promotion pipelines (docs/pipelines.md): the pipelines of the tenant, each with its environment
// matrix (packages by stage: the version there, live or in review, when and by whom, and a
// Promote button where the next version is ready and the user may import into that stage); the
// recent promotions; a promotion's page (status, why it waits, plan, history, Retry and Cancel);
// and the form that promotes a package version now or schedules it.

import { h, uid } from '../lib/dom.js';
import { api, ApiError, rolesOn, isTenantAdmin, session as currentSession, tenantPath, sandboxPath } from '../lib/api.js';
import { paths } from '../lib/paths.js';
import { errorBanner, formatTime, confirmDialog, toast } from '../lib/ui.js';
import { field, input, select, showError, fromInputTime, localError } from './forms-common.js';
import { ensureViewStyles } from './render.js';

ensureViewStyles();

export const PROMOTION_STATUS_LABELS = {
  planned: 'Planned',
  scheduled: 'Scheduled',
  waiting: 'Waiting',
  applied: 'Applied, in review',
  live: 'Live',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export const WAITING_LABELS = {
  frozen: 'Frozen',
  soak: 'Soak time',
  health: 'Health gate',
  conflicts: 'Conflicts',
  plan_changed: 'Plan changed',
  blocked: 'Blocked',
};

const STATE_LABELS = { source: 'Source', live: 'Live', in_review: 'In review' };
const FINAL = new Set(['applied', 'live', 'failed', 'cancelled']);

// sandbox_import: admin or importer on the sandbox or on '*'.
export function canImport(sandbox, s = currentSession()) {
  return rolesOn(sandbox, s).some((r) => r === 'admin' || r === 'importer');
}

export function promotionBadge(status) {
  return h('span', { class: ['badge', `v-pl-badge-${status}`] }, PROMOTION_STATUS_LABELS[status] || status);
}

function crumbs(items) {
  const ol = h('ol', {});
  items.forEach(([label, href], i) => {
    ol.appendChild(i === items.length - 1 ? h('li', { 'aria-current': 'page' }, label) : h('li', {}, h('a', { href }, label)));
  });
  return h('nav', { class: 'v-breadcrumb', 'aria-label': 'Breadcrumb' }, ol);
}

function header(title, meta, actions) {
  return h('header', { class: 'v-page-header' },
    h('div', { class: 'v-page-heading' }, h('h1', {}, title), meta ? h('p', { class: 'v-meta-text' }, meta) : null),
    actions ? h('div', { class: 'v-actions' }, actions) : null);
}

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

// "why it waits" in words, from the promotion's waiting object.
function waitingText(w) {
  if (!w) return '';
  if (w.message) return w.message;
  const label = WAITING_LABELS[w.reason] || w.reason;
  return w.until ? `${label} until ${formatTime(w.until)}` : label;
}

// ---------------------------------------------------------------- the matrix

function matrixCell(entry, stage, pkg, tenant) {
  if (!entry) return h('td', { class: 'v-pl-cell v-pl-cell-empty' }, h('span', { class: 'v-muted' }, 'Not here'));
  const state = entry.state || 'source';
  const who = [entry.at ? formatTime(entry.at) : null, entry.by ? `by ${entry.by}` : null].filter(Boolean).join(' · ');
  return h('td', { class: ['v-pl-cell', `v-pl-cell-${state}`] },
    h('div', { class: 'v-pl-cell-head' },
      h('span', { class: 'v-pl-version' }, `v${entry.version}`),
      h('span', { class: ['v-pill', state === 'live' ? 'v-pill-live' : state === 'in_review' ? 'v-pill-wait' : null] }, STATE_LABELS[state] || state)),
    who ? h('p', { class: 'v-pl-cell-meta' }, who) : null,
    entry.import ? h('p', { class: 'v-pl-cell-meta' }, h('a', { href: paths.inventory(tenant, stage), 'aria-label': `Campaigns of ${pkg} in ${stage}` }, 'Campaigns')) : null);
}

function matrixTable(pipeline, matrix, tenant) {
  const stages = matrix.stages || (pipeline.stages || []).map((s) => s.sandbox);
  const table = h('table', { class: 'v-table v-pl-matrix' },
    h('caption', { class: 'v-sr-only' }, `Environment matrix of ${pipeline.name}`),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Package'),
      stages.map((s) => h('th', { scope: 'col' }, s)),
      h('th', { scope: 'col' }, 'Next'))));
  const tbody = h('tbody');
  for (const p of matrix.packages || []) {
    const next = h('td', { class: 'v-pl-next' });
    for (const n of p.next || []) {
      const pending = n.promotion ? (typeof n.promotion === 'string' ? { id: n.promotion } : n.promotion) : null;
      const line = h('div', { class: 'v-pl-next-item' }, h('span', {}, `v${n.version} → ${n.to}`));
      if (pending) {
        line.appendChild(h('a', { href: paths.promotion(tenant, pending.id) }, pending.status ? `Promotion ${PROMOTION_STATUS_LABELS[pending.status] || pending.status}` : 'Promotion pending'));
      } else if (canImport(n.to)) {
        line.appendChild(h('a', {
          class: 'btn btn-small btn-primary',
          href: paths.promote(tenant, { package: p.package, version: n.version, stage: n.to }),
          'aria-label': `Promote ${p.package} v${n.version} to ${n.to}`,
        }, 'Promote'));
      }
      next.appendChild(line);
    }
    if (!(p.next || []).length) next.appendChild(h('span', { class: 'v-muted' }, 'Up to date'));
    tbody.appendChild(h('tr', {},
      h('th', { scope: 'row' }, p.package),
      stages.map((s, i) => matrixCell((p.stages || [])[i] || null, s, p.package, tenant)),
      next));
  }
  table.appendChild(tbody);
  return table;
}

function promotionRows(items, tenant) {
  const table = h('table', { class: 'v-table' },
    h('caption', { class: 'v-sr-only' }, 'Recent promotions'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Promotion'),
      h('th', { scope: 'col' }, 'Status'),
      h('th', { scope: 'col' }, 'Why it waits'),
      h('th', { scope: 'col' }, 'At'),
      h('th', { scope: 'col' }, 'By'))));
  const tbody = h('tbody');
  for (const p of items) {
    tbody.appendChild(h('tr', {},
      h('td', {}, h('a', { href: paths.promotion(tenant, p.id) }, `${p.package} v${p.version} → ${p.stage}`)),
      h('td', {}, promotionBadge(p.status)),
      h('td', { class: 'v-cell-muted' }, p.status === 'waiting' ? waitingText(p.waiting) : '—'),
      h('td', { class: 'v-cell-muted' }, p.at ? formatTime(p.at) : 'Now'),
      h('td', { class: 'v-cell-muted' }, p.created_by || '—')));
  }
  table.appendChild(tbody);
  return table;
}

// /t/:tenant/pipelines
export async function renderPipelines(ctx) {
  const { tenant } = ctx.params;
  const base = tenantPath(tenant);
  const [{ data: list }, promotions] = await Promise.all([
    api('GET', `${base}/pipelines`),
    api('GET', `${base}/promotions`, { query: { limit: 20 } }).then((r) => r.data.items || []).catch(() => []),
  ]);
  const pipelines = list.items || [];
  const page = h('section', { class: 'page v-page', 'data-view': 'pipelines', 'data-title': 'Pipelines' });
  const anyImport = (currentSession().roles || []).some((r) => r.role === 'admin' || r.role === 'importer');
  page.appendChild(header('Pipelines', 'The path package versions take through the sandboxes, and where each version is now. Times in UTC.',
    anyImport ? h('a', { class: 'btn btn-primary', href: paths.promote(tenant) }, 'Promote a version') : null));
  if (!pipelines.length) {
    page.appendChild(h('div', { class: 'v-empty' },
      h('p', { class: 'v-empty-title' }, 'No pipeline yet.'),
      h('p', { class: 'v-muted' }, 'A tenant admin creates one (below, ferry pipelines create, or the API).')));
    if (isTenantAdmin()) page.appendChild(pipelineForm(ctx, base));
    return page;
  }
  const matrices = await Promise.all(pipelines.map((p) => api('GET', `${base}/pipelines/${encodeURIComponent(p.name)}/matrix`)
    .then((r) => ({ data: r.data })).catch((e) => ({ error: e }))));
  pipelines.forEach((p, i) => {
    const id = uid('pipeline');
    const stagesText = (p.stages || []).map((s) => s.sandbox).join(' → ');
    const rules = (p.stages || []).filter((s) => s.soak_seconds || s.health_gate).map((s) => {
      const parts = [];
      if (s.soak_seconds) parts.push(`live ${Math.round(s.soak_seconds / 3600)} h in the previous stage`);
      if (s.health_gate) parts.push('nothing failed there');
      return `${s.sandbox}: ${parts.join(', ')}`;
    });
    const m = matrices[i];
    const body = m.error ? errorBanner(m.error)
      : (m.data.packages || []).length ? h('div', { class: 'v-table-wrap' }, matrixTable(p, m.data, tenant))
        : h('p', { class: 'v-muted' }, 'No package has a version in these sandboxes yet.');
    page.appendChild(section(`Pipeline ${p.name}`, id,
      h('p', { class: 'v-meta-text' }, stagesText, p.description ? ` · ${p.description}` : ''),
      rules.length ? h('p', { class: 'v-note' }, `Before promoting: ${rules.join('; ')}.`) : null,
      body));
  });
  page.appendChild(section('Recent promotions', 'recent-promotions',
    promotions.length ? h('div', { class: 'v-table-wrap' }, promotionRows(promotions, tenant)) : h('p', { class: 'v-muted' }, 'No promotion yet.')));
  if (isTenantAdmin()) page.appendChild(pipelineForm(ctx, base));
  return page;
}

// Tenant admins create a pipeline here (ferry pipelines create): a name, a description and the
// ordered stages, with the optional soak time and health gate of each stage after the first.
function pipelineForm(ctx, base) {
  const messages = h('div', { class: 'v-messages', 'aria-live': 'polite' });
  const name = input({ name: 'name', type: 'text', required: true, autocomplete: 'off' });
  const description = input({ name: 'description', type: 'text' });
  const stages = input({ name: 'stages', type: 'text', required: true, autocomplete: 'off' });
  const soak = input({ name: 'soak_hours', type: 'number', min: '0', value: '0' });
  const health = h('input', { type: 'checkbox', id: uid('health') });
  const form = h('form', { class: 'v-form v-form-single', novalidate: true },
    h('fieldset', { class: 'v-fieldset' }, h('legend', {}, 'New pipeline'),
      field('Pipeline name', name), field('Description', description),
      field('Stages', stages, { hint: 'Sandbox ids in order, separated by commas: dev, stage, prod.' }),
      field('Soak time before each later stage (hours)', soak),
      h('div', { class: 'field' }, h('label', { class: 'v-check', for: health.id }, health, 'Health gate: nothing failed in the previous stage'))),
    h('div', { class: 'v-form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Create pipeline')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const ids = stages.value.split(',').map((x) => x.trim()).filter(Boolean);
    if (!name.value.trim()) return showError(form, messages, localError('name', 'Name the pipeline.'));
    if (!ids.length) return showError(form, messages, localError('stages', 'List the stages, in order.'));
    const hours = Number(soak.value) || 0;
    const body = {
      name: name.value.trim(),
      stages: ids.map((sandbox, i) => (i === 0 ? { sandbox } : {
        sandbox, ...(hours ? { soak_seconds: Math.round(hours * 3600) } : {}), ...(health.checked ? { health_gate: true } : {}),
      })),
    };
    if (description.value.trim()) body.description = description.value.trim();
    try {
      await api('POST', `${base}/pipelines`, { body });
      toast(`Pipeline ${body.name} created.`);
      ctx.refresh();
    } catch (e) {
      showError(form, messages, e);
    }
  });
  return section('Create a pipeline', 'pipeline-create', messages, form);
}

// ---------------------------------------------------------------- a promotion

// /t/:tenant/promotions/:promotion
export async function renderPromotion(ctx) {
  const { tenant, promotion: id } = ctx.params;
  const path = `${tenantPath(tenant)}/promotions/${encodeURIComponent(id)}`;
  const { data: p } = await api('GET', path);
  const title = `${p.package} v${p.version} → ${p.stage}`;
  const page = h('section', { class: 'page v-page', 'data-view': 'promotion', 'data-title': `Promotion ${title}` });
  page.appendChild(crumbs([['Pipelines', paths.pipelines(tenant)], [title]]));
  const messages = h('div', { class: 'v-messages', 'aria-live': 'polite' });
  const actions = [];
  const may = canImport(p.stage);
  if (may && !FINAL.has(p.status)) {
    if (p.status === 'waiting') {
      actions.push(h('button', {
        type: 'button', class: 'btn btn-primary',
        onclick: async (ev) => {
          const btn = ev.currentTarget;
          btn.disabled = true;
          try {
            const { data } = await api('POST', `${path}/retry`, { body: {} });
            toast(data.status === 'waiting' ? `Still waiting: ${waitingText(data.waiting)}` : `Promotion ${PROMOTION_STATUS_LABELS[data.status] || data.status}`);
            ctx.refresh();
          } catch (e) {
            messages.replaceChildren(errorBanner(e));
            btn.disabled = false;
          }
        },
      }, 'Retry now'));
    }
    actions.push(h('button', {
      type: 'button', class: 'btn btn-danger',
      onclick: async () => {
        const ok = await confirmDialog(`The promotion of ${p.package} v${p.version} to ${p.stage} will not be applied. Its history stays.`,
          { title: 'Cancel this promotion?', confirmLabel: 'Cancel promotion', cancelLabel: 'Keep it', danger: true });
        if (!ok) return;
        try {
          await api('POST', `${path}/cancel`, { body: {} });
          toast('Promotion cancelled');
          ctx.refresh();
        } catch (e) {
          messages.replaceChildren(errorBanner(e));
        }
      },
    }, 'Cancel promotion'));
  }
  page.appendChild(header(title, `Pipeline ${p.pipeline} · from ${p.previous_stage || 'the package'} to ${p.stage} · times in UTC`, actions.length ? actions : null));
  page.appendChild(messages);

  const statusRows = [['Status', promotionBadge(p.status)]];
  if (p.status === 'waiting' && p.waiting) {
    statusRows.push(['Waiting for', WAITING_LABELS[p.waiting.reason] || p.waiting.reason]);
    statusRows.push(['Why', waitingText(p.waiting)]);
    if (p.waiting.until) statusRows.push(['Until', time(p.waiting.until)]);
  }
  if (p.status === 'applied') statusRows.push(['Next', 'What it brought waits for the approval gate of the stage.']);
  if (p.error) statusRows.push(['Error', p.error]);
  statusRows.push(['Apply at', p.at ? time(p.at) : 'At once']);
  statusRows.push(['Applied', time(p.applied_at)]);
  statusRows.push(['Live', time(p.live_at)]);
  statusRows.push(['Import', p.import ? h('span', {}, h('code', {}, p.import), ' · ', h('a', { href: paths.inventory(tenant, p.stage) }, `Campaigns in ${p.stage}`)) : '—']);
  statusRows.push(['Requested', h('span', {}, time(p.created_at), ` by ${p.created_by || '—'}`)]);
  if (p.bypass) statusRows.push(['Break-glass', typeof p.bypass === 'object' ? `${p.bypass.reason || ''}${p.bypass.by ? ` (${p.bypass.by})` : ''}` : String(p.bypass)]);
  const main = [section('Status', 'promotion-status', dl(statusRows))];

  const objects = (p.waiting && p.waiting.objects) || [];
  if (objects.length) {
    main.push(section('In the way', 'promotion-objects', h('ul', { class: 'v-pl-objects' }, objects.map((o) => h('li', {},
      typeof o === 'object' ? [h('code', {}, `${o.kind || ''}/${o.key || o.id || ''}`), o.reason ? ` — ${o.reason}` : ''] : String(o))))));
  }
  const counts = (p.plan && p.plan.counts) || {};
  main.push(section('Plan', 'promotion-plan',
    h('ul', { class: 'v-pl-counts', 'aria-label': 'Plan counts' }, Object.entries(counts).map(([action, n]) => h('li', {},
      h('span', { class: 'v-pl-count' }, String(n)), ` ${action}`))),
    p.plan && p.plan.digest ? h('p', { class: 'v-digest' }, p.plan.digest) : null));
  const history = h('table', { class: 'v-table' },
    h('caption', { class: 'v-sr-only' }, 'History'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'When'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'By'), h('th', { scope: 'col' }, 'Note'))),
    h('tbody', {}, (p.history || []).map((e) => h('tr', {},
      h('td', {}, time(e.at)), h('td', {}, promotionBadge(e.status)), h('td', {}, e.by || '—'), h('td', { class: 'v-cell-muted' }, e.note || '—')))));
  main.push(section('History', 'promotion-history', h('div', { class: 'v-table-wrap' }, history)));
  page.appendChild(h('div', { class: 'v-pl-promotion' }, main));
  return page;
}

// ---------------------------------------------------------------- promote and schedule

// /t/:tenant/promote?package=&version=&stage=
export async function renderPromote(ctx) {
  const { tenant } = ctx.params;
  const s = currentSession();
  const [{ data: list }, packages] = await Promise.all([
    api('GET', `${tenantPath(tenant)}/pipelines`),
    api('GET', `${tenantPath(tenant)}/packages`).then((r) => r.data.items || []).catch(() => []),
  ]);
  const stages = [];
  for (const p of list.items || []) {
    for (const st of p.stages || []) if (canImport(st.sandbox, s)) stages.push([st.sandbox, `${st.sandbox} (pipeline ${p.name})`]);
  }
  const page = h('section', { class: 'page v-page v-form-page', 'data-view': 'promote', 'data-title': 'Promote a version' });
  page.appendChild(crumbs([['Pipelines', paths.pipelines(tenant)], ['Promote a version']]));
  page.appendChild(header('Promote a version', 'Plans the import of a package version into a stage and applies it now, or at the time you give. What it brings lands as drafts behind the stage’s approval gate.'));
  const messages = h('div', { class: 'v-messages', 'aria-live': 'polite' });
  page.appendChild(messages);
  if (!stages.length) {
    page.appendChild(h('div', { class: 'banner banner-info v-banner', role: 'note' }, h('p', {}, 'Promoting needs the importer or admin role on a stage of a pipeline.')));
    return page;
  }
  const pkgInput = input({ name: 'package', type: 'text', required: true, value: ctx.query.package || '', autocomplete: 'off', list: 'promote-packages' });
  const datalist = h('datalist', { id: 'promote-packages' }, packages.map((p) => h('option', { value: p.name })));
  const versionInput = input({ name: 'version', type: 'number', min: '1', required: true, value: ctx.query.version || '' });
  const stageSelect = select({ name: 'stage', required: true }, stages, ctx.query.stage && stages.some(([v]) => v === ctx.query.stage) ? ctx.query.stage : stages[0][0]);
  const atInput = input({ name: 'at', type: 'datetime-local' });
  const reasonInput = input({ name: 'bypass_reason', type: 'text', maxlength: '2000' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Promote');
  const form = h('form', { class: 'v-form v-form-single', novalidate: true },
    h('fieldset', { class: 'v-fieldset' },
      h('legend', {}, 'What and where'),
      field('Package', pkgInput), datalist,
      field('Version', versionInput),
      field('Target stage', stageSelect),
      field('Apply at (UTC)', atInput, { hint: 'Leave empty to apply now. A time inside a freeze window waits for its end.' })),
    h('details', { class: 'v-fieldset v-pl-breakglass' },
      h('summary', {}, 'Break-glass'),
      field('Bypass reason', reasonInput, { hint: 'Skips the previous-stage, soak, health and freeze checks. Needs the bypass permission; audited.' })),
    h('div', { class: 'v-form-actions' }, submit, h('a', { class: 'btn', href: paths.pipelines(tenant) }, 'Cancel')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const pkg = pkgInput.value.trim();
    const version = Number(versionInput.value);
    if (!pkg) return showError(form, messages, localError('package', 'Name the package to promote.'));
    if (!Number.isInteger(version) || version < 1) return showError(form, messages, localError('version', 'The version is a number, 1 or more.'));
    const body = { package: pkg, version };
    const at = fromInputTime(atInput.value);
    if (at) body.at = at;
    if (reasonInput.value.trim()) body.bypass_reason = reasonInput.value.trim();
    submit.disabled = true;
    try {
      const { data } = await api('POST', `${sandboxPath(tenant, stageSelect.value)}/promotions`, { body });
      toast(data.status === 'scheduled' ? `Scheduled for ${formatTime(data.at)}` : `Promotion ${PROMOTION_STATUS_LABELS[data.status] || data.status}`);
      ctx.navigate(paths.promotion(tenant, data.id));
    } catch (e) {
      submit.disabled = false;
      if (e instanceof ApiError && e.status === 409 && e.code === 'frozen' && e.details) {
        const until = e.details.ends_at ? ` until ${formatTime(e.details.ends_at)}` : '';
        const b = h('div', { class: 'banner banner-error', role: 'alert', tabindex: '-1' },
          h('p', { class: 'banner-message' }, `${stageSelect.value} is frozen${until}${e.details.reason ? ` (${e.details.reason})` : ''}.`),
          h('p', { class: 'banner-detail' }, 'Schedule it for after the window, or use break-glass.'));
        messages.replaceChildren(b);
        b.focus();
        return;
      }
      showError(form, messages, e);
    }
  });
  page.appendChild(form);
  return page;
}
