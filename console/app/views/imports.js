// Imports into a sandbox (docs/packages.md "Imports", docs/sync.md "Merging in an import plan"):
// the sandbox's import history; the plan of a package version (each object's action and reason,
// a field-level diff against the target, a merge in three columns with a choice per conflict,
// per-object overrides, secrets in masked fields, the approvals the target will need), applied
// with one Idempotency-Key per plan so that a double click makes one import; an import's items
// with links to what it wrote, and its rollback.

import { h, uid } from '../lib/dom.js';
import { api, ApiError, tenantPath, sandboxPath } from '../lib/api.js';
import { paths } from '../lib/paths.js';
import { errorBanner, confirmDialog, toast } from '../lib/ui.js';
import { field, input, select, showError, localError } from './forms-common.js';
import { canImport } from './pipelines.js';
import {
  crumbs, header, card, dl, time, table, empty, messages as messageArea, jsonValue, fieldChanges, randomKey,
} from './kit.js';

export const ACTION_TEXT = {
  create: 'Create', update: 'Update', reuse: 'Reuse', skip: 'Skip', conflict: 'Conflict', merge: 'Merge',
};

// The conflict policies, in the order the console offers them ('' = the server's default, merge).
export const POLICIES = [
  ['', 'Merge field by field (default)'],
  ['fail', 'Fail: every edited object is a conflict'],
  ['update', 'Update: overwrite the target’s edits'],
  ['use_existing', 'Use existing: keep the target’s objects'],
  ['create_new', 'Create new beside the target’s objects'],
];
const OVERRIDES = [['', 'The plan’s policy'], ['merge', 'Merge field by field'], ...POLICIES.slice(1)];

const RESOLUTION_TEXT = { take_source: 'Take source', keep_target: 'Keep target', value: 'Use this value' };

// sandbox_import (admin or importer on the sandbox or on '*'), as the pipelines' Promote button.
const canImportInto = canImport;

export function actionPill(action) {
  const cls = action === 'conflict' ? 'v-pill-warn' : action === 'create' || action === 'update' || action === 'merge'
    ? 'v-pill-changed' : action === 'skip' ? 'v-pill-live' : null;
  return h('span', { class: ['v-pill', cls, 'v-import-action'], 'data-action': action }, ACTION_TEXT[action] || action);
}

function statusPill(status) {
  return h('span', { class: ['v-pill', status === 'applied' ? 'v-pill-live' : 'v-pill-wait'] }, status === 'rolled_back' ? 'Rolled back' : status === 'applied' ? 'Applied' : status);
}

function countsText(counts) {
  const parts = Object.entries(counts || {}).filter(([, n]) => n).map(([a, n]) => `${n} ${(ACTION_TEXT[a] || a).toLowerCase()}`);
  return parts.length ? parts.join(', ') : '—';
}

function objectLink(tenant, sandbox, item) {
  const label = `${item.kind} ${item.new_key || item.key}`;
  if (!item.target_id) return h('span', {}, label);
  const href = item.kind === 'campaign' ? paths.campaign(tenant, sandbox, item.target_id)
    : item.kind === 'segment' ? paths.segment(tenant, sandbox, item.target_id) : paths.template(tenant, sandbox, item.target_id);
  return h('a', { href }, label);
}

// ---------------------------------------------------------------- history

// /t/:tenant/s/:sandbox/imports
export async function renderImports(ctx) {
  const { tenant, sandbox } = ctx.params;
  const { data } = await api('GET', `${sandboxPath(tenant, sandbox)}/imports`);
  const items = data.items || [];
  const page = h('section', { class: 'page v-page', 'data-view': 'imports', 'data-title': `Imports into ${sandbox}` });
  page.appendChild(header(`Imports into ${sandbox}`, 'Package versions imported into this sandbox, newest first. Times in UTC.',
    h('a', { class: 'btn btn-primary', href: paths.importPlan(tenant, sandbox) }, 'Plan an import')));
  if (!items.length) {
    page.appendChild(empty('No import yet.', 'Plan one to see what a package version would change here.'));
    return page;
  }
  page.appendChild(card('History', 'import-history', table(`Imports into ${sandbox}`,
    ['Import', 'Package', 'Status', 'What it did', 'By', 'When'],
    items.map((i) => [
      h('a', { href: paths.importRecord(tenant, sandbox, i.id) }, i.id),
      `${i.package} v${i.version}`,
      statusPill(i.status),
      countsText(i.counts),
      i.created_by || '—',
      time(i.created_at),
    ]))));
  return page;
}

// ---------------------------------------------------------------- one import

// /t/:tenant/s/:sandbox/imports/:import
export async function renderImport(ctx) {
  const { tenant, sandbox, import: id } = ctx.params;
  const path = `${sandboxPath(tenant, sandbox)}/imports/${encodeURIComponent(id)}`;
  const { data: imp } = await api('GET', path);
  const title = `Import of ${imp.package} v${imp.version}`;
  const page = h('section', { class: 'page v-page', 'data-view': 'import', 'data-title': `${title} into ${sandbox}` });
  page.appendChild(crumbs([[`Imports into ${sandbox}`, paths.imports(tenant, sandbox)], [imp.id]]));
  const msgs = messageArea();
  const actions = [];
  if (imp.status === 'applied' && canImportInto(sandbox)) {
    actions.push(h('button', {
      type: 'button',
      class: 'btn btn-danger',
      onclick: async (ev) => {
        const btn = ev.currentTarget;
        const ok = await confirmDialog(`Everything this import created is deleted and everything it updated gets its previous content back. It is refused if any of it changed since.`,
          { title: `Roll back ${imp.package} v${imp.version}?`, confirmLabel: 'Roll back', danger: true });
        if (!ok) return;
        btn.disabled = true;
        try {
          await api('POST', `${path}/rollback`, { body: {} });
          toast('Import rolled back.');
          ctx.refresh();
        } catch (e) {
          btn.disabled = false;
          msgs.replaceChildren(rollbackError(e, tenant, sandbox));
        }
      },
    }, 'Roll back'));
  }
  page.appendChild(header(`${title} into ${sandbox}`, `Times in UTC`, actions));
  page.appendChild(msgs);
  page.appendChild(card('Import', 'import-summary', dl([
    ['Status', statusPill(imp.status)],
    ['Package', h('span', {}, `${imp.package} version ${imp.version}`)],
    ['What it did', countsText(imp.counts)],
    ['Applied', h('span', {}, time(imp.created_at), ` by ${imp.created_by || '—'}`)],
    ['Rolled back', imp.rolled_back_at ? h('span', {}, time(imp.rolled_back_at), ` by ${imp.rolled_back_by || '—'}`) : undefined],
    ['Version digest', h('code', { class: 'v-digest' }, imp.version_digest || '—')],
    ['Plan digest', h('code', { class: 'v-digest' }, imp.plan_digest || '—')],
  ])));
  page.appendChild(card('Objects', 'import-items', table('Objects of the import', ['Object', 'Action', 'Reason'],
    (imp.items || []).map((i) => [
      imp.status === 'rolled_back' && i.action === 'create' ? `${i.kind} ${i.new_key || i.key}` : objectLink(tenant, sandbox, i),
      h('span', {}, actionPill(i.action), i.as_draft_version ? h('span', { class: 'v-pill v-pill-wait' }, 'as draft version') : null),
      h('span', { class: 'v-cell-muted' }, i.reason || '—'),
    ]))));
  return page;
}

function rollbackError(e, tenant, sandbox) {
  if (e instanceof ApiError && e.code === 'edited_since' && Array.isArray(e.details.objects)) {
    return h('div', { class: 'banner banner-error', role: 'alert' },
      h('p', { class: 'banner-message' }, e.message),
      h('ul', { 'aria-label': 'Edited since the import' }, e.details.objects.map((o) => h('li', {},
        objectLink(tenant, sandbox, { kind: o.kind, key: o.key || o.id, target_id: o.id }), `: ${o.reason}`))));
  }
  return errorBanner(e);
}

// ---------------------------------------------------------------- the plan

// The target's object in its package form (references by key), to diff against the version's file.
function campaignForm(c, keysById) {
  const content = JSON.parse(JSON.stringify(c.content || {}));
  for (const ch of Object.values(content)) {
    if (ch && typeof ch === 'object' && typeof ch.template === 'string') ch.template = keysById.get(ch.template) || ch.template;
  }
  const audience = { ...(c.audience || {}) };
  if (typeof audience.segment === 'string') audience.segment = keysById.get(audience.segment) || audience.segment;
  return {
    key: c.key, kind: 'campaign', tags: c.tags || [], type: c.type,
    spec: { audience, channels: c.channels, content, description: c.description || '', name: c.name, schedule: c.schedule },
  };
}

function withoutState(file) {
  if (!file) return file;
  const { status, live_version: lv, ...rest } = file;
  return rest;
}

async function targetForm(tenant, sandbox, item, keysById) {
  const base = sandboxPath(tenant, sandbox);
  if (item.kind === 'campaign') {
    const { data } = await api('GET', `${base}/campaigns/${encodeURIComponent(item.target_id)}`);
    return campaignForm(data, await keysById());
  }
  if (item.kind === 'segment') {
    const { data } = await api('GET', `${base}/segments/${encodeURIComponent(item.target_id)}`);
    return { description: data.description || '', key: data.key, kind: 'segment', name: data.name, rule: data.rule };
  }
  const { data } = await api('GET', `${base}/templates/${encodeURIComponent(item.target_id)}`);
  const { id, sandbox: sb, created_at: ca, created_by: cb, updated_at: ua, updated_by: ub, archived, ...rest } = data;
  return { ...rest, kind: 'template' };
}

function diffRows(rows, fromLabel, toLabel, caption) {
  return h('div', { class: 'v-table-wrap' }, h('table', { class: 'v-diff v-import-diff' },
    h('caption', { class: 'v-sr-only' }, caption),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, fromLabel), h('th', { scope: 'col' }, toLabel))),
    h('tbody', {}, rows.map((r) => h('tr', { 'data-path': r.path },
      h('th', { scope: 'row' }, h('code', {}, r.path)),
      h('td', { class: 'v-diff-from' }, jsonValue(r.from, r.hasFrom)),
      h('td', { class: 'v-diff-to' }, jsonValue(r.to, r.hasTo)))))));
}

function has(o, k) {
  return o && Object.prototype.hasOwnProperty.call(o, k);
}

// /t/:tenant/s/:sandbox/imports/new?package=&version=
export async function renderImportPlan(ctx) {
  const { tenant, sandbox } = ctx.params;
  const base = sandboxPath(tenant, sandbox);
  const [sb, packages] = await Promise.all([
    api('GET', base).then((r) => r.data),
    api('GET', `${tenantPath(tenant)}/packages`).then((r) => r.data.items || []).catch(() => []),
  ]);
  const mayApply = canImportInto(sandbox);
  const page = h('section', { class: 'page v-page', 'data-view': 'import-plan', 'data-title': `Plan an import into ${sandbox}` });
  page.appendChild(crumbs([[`Imports into ${sandbox}`, paths.imports(tenant, sandbox)], ['Plan an import']]));
  page.appendChild(header(`Plan an import into ${sandbox}`,
    `${sb.type === 'production' ? 'Production sandbox. ' : ''}A plan changes nothing; applying it writes everything in one step, and campaigns go live only through ${sandbox}’s approval gate.`));
  const msgs = messageArea();

  // What the user chose: the request is rebuilt from this each time the plan is recomputed.
  const state = { overrides: {}, resolutions: {}, bindings: {}, bindingNames: new Set(), idempotencyKey: null, digest: null };

  const pkgInput = input({ name: 'package', type: 'text', required: true, value: ctx.query.package || '', autocomplete: 'off', list: 'import-packages' });
  const datalist = h('datalist', { id: 'import-packages' }, packages.map((p) => h('option', { value: p.name })));
  const versionInput = input({ name: 'version', type: 'number', min: '1', required: true, value: ctx.query.version || '' });
  const policySelect = select({ name: 'conflict_policy' }, POLICIES, ctx.query.conflict_policy || '');
  const downgrade = h('input', { type: 'checkbox', name: 'allow_downgrade', id: uid('downgrade') });
  const planButton = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Plan');
  const form = h('form', { class: 'v-form v-form-single', novalidate: true, 'aria-label': 'What to import' },
    h('fieldset', { class: 'v-fieldset' },
      h('legend', {}, 'What to import'),
      field('Package', pkgInput), datalist,
      field('Version', versionInput),
      field('Conflict policy', policySelect, { hint: 'For objects edited in this sandbox since their last import. Each object can be given its own below.' }),
      h('div', { class: 'field' }, h('label', { class: 'v-check', for: downgrade.id }, downgrade, 'Allow importing an older version than the last one imported'))),
    h('div', { class: 'v-form-actions' }, planButton, h('a', { class: 'btn', href: paths.imports(tenant, sandbox) }, 'Cancel')));
  const planArea = h('div', { class: 'v-import-plan', 'aria-live': 'polite' });
  page.appendChild(form);
  page.appendChild(msgs);
  page.appendChild(planArea);

  function request() {
    const body = { package: pkgInput.value.trim(), version: Number(versionInput.value) };
    if (policySelect.value) body.conflict_policy = policySelect.value;
    const overrides = Object.fromEntries(Object.entries(state.overrides).filter(([, v]) => v));
    if (Object.keys(overrides).length) body.overrides = overrides;
    const resolutions = {};
    for (const [obj, paths_] of Object.entries(state.resolutions)) {
      const chosen = Object.fromEntries(Object.entries(paths_).filter(([, v]) => v !== null && v !== undefined));
      if (Object.keys(chosen).length) resolutions[obj] = chosen;
    }
    if (Object.keys(resolutions).length) body.resolutions = resolutions;
    const bindings = Object.fromEntries(Object.entries(state.bindings).filter(([, v]) => v !== ''));
    if (Object.keys(bindings).length) body.bindings = bindings;
    if (downgrade.checked) body.allow_downgrade = true;
    return body;
  }

  // The version's files, when the user may read the package (for the field-level diffs).
  let versionFiles = { key: null, files: null };
  async function filesOf(pkg, version) {
    const key = `${pkg}@${version}`;
    if (versionFiles.key !== key) {
      let files = null;
      try {
        files = (await api('GET', `${tenantPath(tenant)}/packages/${encodeURIComponent(pkg)}/versions/${version}`)).data.objects || null;
      } catch {
        files = null;
      }
      versionFiles = { key, files };
    }
    return versionFiles.files;
  }
  let keyMap = null;
  const keysById = async () => {
    if (!keyMap) {
      keyMap = new Map();
      const [segs, tpls] = await Promise.all([
        api('GET', `${base}/segments`).then((r) => r.data.items || []).catch(() => []),
        api('GET', `${base}/templates`).then((r) => r.data.items || []).catch(() => []),
      ]);
      for (const o of [...segs, ...tpls]) keyMap.set(o.id, o.key);
    }
    return keyMap;
  };

  async function plan() {
    const body = request();
    if (!body.package) return showError(form, msgs, localError('package', 'Name the package to import.'));
    if (!Number.isInteger(body.version) || body.version < 1) return showError(form, msgs, localError('version', 'The version is a number, 1 or more.'));
    planButton.disabled = true;
    planArea.setAttribute('aria-busy', 'true');
    try {
      const { data } = await api('POST', `${base}/imports/plan`, { body });
      msgs.replaceChildren();
      history.replaceState(null, '', paths.importPlan(tenant, sandbox, { package: body.package, version: body.version, conflict_policy: policySelect.value }));
      if (data.digest !== state.digest) {
        state.digest = data.digest;
        state.idempotencyKey = `console-${randomKey()}`;
      }
      const files = await filesOf(body.package, body.version);
      planArea.replaceChildren(await drawPlan(data, body, files));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return;
      planArea.replaceChildren();
      showError(form, msgs, e);
    } finally {
      planButton.disabled = false;
      planArea.removeAttribute('aria-busy');
    }
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    state.overrides = {};
    state.resolutions = {};
    plan();
  });

  function mergeTable(item, body) {
    const m = item.merge;
    const obj = `${item.kind}/${item.key}`;
    const chosen = state.resolutions[obj] || (state.resolutions[obj] = {});
    const rows = [];
    for (const c of m.changes || []) rows.push({ ...c, conflict: false });
    for (const c of m.conflicts || []) {
      const i = rows.findIndex((r) => r.path === c.path);
      if (i >= 0) rows.splice(i, 1);
      rows.push({ ...c, conflict: true });
    }
    rows.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const tbody = h('tbody');
    for (const r of rows) {
      const merged = h('td', { class: 'v-merge-merged' }, has(r, 'merged') ? jsonValue(r.merged) : h('span', { class: 'v-muted' }, r.conflict ? 'undecided' : 'absent'));
      if (r.conflict) {
        const groupName = uid('resolution');
        const legendId = uid('legend');
        const current = has(chosen, r.path) ? chosen[r.path] : r.resolution;
        const currentKind = current && typeof current === 'object' ? 'value' : current;
        const valueInput = input({
          type: 'text', name: `value ${r.path}`, 'aria-label': `Value for ${r.path}`,
          value: current && typeof current === 'object' ? (typeof current.value === 'string' ? current.value : JSON.stringify(current.value)) : '',
        });
        const choose = (kind) => {
          if (kind === 'value') {
            const raw = valueInput.value;
            let v = raw;
            if (typeof r.source !== 'string' && typeof r.target !== 'string') {
              try { v = JSON.parse(raw); } catch { v = raw; }
            }
            chosen[r.path] = { value: v };
          } else {
            chosen[r.path] = kind;
          }
        };
        const radio = (kind) => {
          const rid = uid('res');
          return h('label', { class: 'v-check', for: rid },
            h('input', {
              type: 'radio', id: rid, name: groupName, value: kind, checked: currentKind === kind,
              onchange: () => choose(kind),
            }), RESOLUTION_TEXT[kind]);
        };
        valueInput.addEventListener('input', () => {
          const r3 = valueInput.closest('fieldset').querySelector('input[value="value"]');
          r3.checked = true;
          choose('value');
        });
        merged.appendChild(h('fieldset', { class: 'v-merge-choice', 'aria-labelledby': legendId },
          h('legend', { id: legendId, class: 'v-sr-only' }, `Resolve ${r.path}`),
          radio('take_source'), radio('keep_target'), radio('value'), valueInput));
      }
      tbody.appendChild(h('tr', { class: r.conflict ? 'v-merge-conflict' : 'v-merge-change', 'data-path': r.path },
        h('th', { scope: 'row' }, h('code', {}, r.path), r.conflict ? h('span', { class: 'v-pill v-pill-warn' }, 'conflict') : null),
        h('td', {}, jsonValue(r.base, has(r, 'base'))),
        h('td', { class: 'v-diff-to' }, jsonValue(r.source, has(r, 'source'))),
        h('td', { class: 'v-diff-mine' }, jsonValue(r.target, has(r, 'target'))),
        merged));
    }
    return h('div', { class: 'v-table-wrap' }, h('table', { class: 'v-diff v-merge' },
      h('caption', { class: 'v-sr-only' }, `Merge of ${item.kind} ${item.key}`),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Field'),
        h('th', { scope: 'col' }, `Base (v${m.base_version})`),
        h('th', { scope: 'col' }, `Source (v${body.version})`),
        h('th', { scope: 'col' }, `Target (${sandbox} now)`),
        h('th', { scope: 'col' }, 'Merged'))),
      tbody));
  }

  async function itemCard(item, body, files) {
    const obj = `${item.kind}/${item.key}`;
    const id = uid('item');
    const section = h('section', { class: ['v-card', 'v-import-item', `v-import-item-${item.action}`], id, 'aria-labelledby': `${id}-title`, 'data-object': obj });
    section.appendChild(h('div', { class: 'v-import-item-head' },
      h('h3', { class: 'v-card-title', id: `${id}-title` }, `${item.kind} ${item.key}`),
      actionPill(item.action),
      item.as_draft_version ? h('span', { class: 'v-pill v-pill-wait' }, 'as draft version') : null,
      item.new_key ? h('span', { class: 'v-pill' }, `as ${item.new_key}`) : null));
    section.appendChild(h('p', { class: 'v-import-reason' }, item.reason || ''));
    if (item.name) section.appendChild(h('p', { class: 'v-meta-text' }, item.name));
    const override = select({ name: `override ${obj}` }, OVERRIDES, state.overrides[obj] || '');
    override.addEventListener('change', () => { state.overrides[obj] = override.value; });
    section.appendChild(field(`Policy for ${item.kind} ${item.key}`, override));
    if ((item.missing_dependencies || []).length) {
      section.appendChild(h('p', { class: 'v-note v-note-warn' }, `Missing in the version and in ${sandbox}: ${item.missing_dependencies.join(', ')}`));
    }
    if ((item.missing_bindings || []).length) {
      section.appendChild(h('p', { class: 'v-note v-note-warn' }, `Needs a value for: ${item.missing_bindings.join(', ')}`));
    }
    if (item.merge) {
      section.appendChild(mergeTable(item, body));
      // What the merge keeps of the target's edits: where the merged object differs from the version.
      const file = files && files[`${item.kind}s/${item.key}.json`];
      const kept = file && item.merge.merged ? fieldChanges(withoutState(file), withoutState(item.merge.merged)) : [];
      if (kept.length) {
        section.appendChild(h('p', { class: 'v-meta-text' }, `Kept as ${sandbox} has it (the version says otherwise):`));
        section.appendChild(diffRows(kept, `Version ${body.version}`, `Kept (${sandbox})`, `Kept from ${sandbox}: ${item.kind} ${item.key}`));
      }
    } else if (item.target_id && ['update', 'reuse', 'conflict'].includes(item.action)) {
      const file = files && files[`${item.kind}s/${item.key}.json`];
      if (!file) {
        section.appendChild(h('p', { class: 'v-muted' }, 'The field-level diff needs a role on the package’s source sandbox.'));
      } else {
        try {
          const target = await targetForm(tenant, sandbox, item, keysById);
          const rows = fieldChanges(target, withoutState(file));
          section.appendChild(rows.length
            ? diffRows(rows, `${sandbox} now`, `Version ${body.version}`, `Differences of ${item.kind} ${item.key}`)
            : h('p', { class: 'v-muted' }, 'Same content as the version.'));
        } catch (e) {
          section.appendChild(h('p', { class: 'v-muted' }, `The target’s object could not be read: ${e.message}`));
        }
      }
    }
    return section;
  }

  async function drawPlan(p, body, files) {
    for (const it of p.items || []) for (const b of it.missing_bindings || []) state.bindingNames.add(b);
    const wrap = h('div', { class: 'v-import-plan-body' });
    const counts = {};
    for (const it of p.items || []) counts[it.action] = (counts[it.action] || 0) + 1;
    const verdict = p.blocked ? (p.conflicts ? 'Conflicts: resolve them to apply' : 'Blocked: something is missing') : 'Ready to apply';
    wrap.appendChild(card('Plan', 'plan-summary', dl([
      ['Package', `${p.package} version ${p.version}`],
      ['Into', sandbox],
      ['Policy', (POLICIES.find(([v]) => v === (p.conflict_policy === 'merge' ? '' : p.conflict_policy)) || [null, p.conflict_policy])[1]],
      ['Verdict', h('span', { class: ['v-pill', p.blocked ? 'v-pill-warn' : 'v-pill-live'], 'data-verdict': p.blocked ? 'blocked' : 'ready' }, verdict)],
      ['Objects', countsText(counts)],
      ['Plan digest', h('code', { class: 'v-digest' }, p.digest)],
    ])));
    if ((p.warnings || []).length) {
      wrap.appendChild(h('div', { class: 'banner banner-warning', role: 'note' }, h('ul', {}, p.warnings.map((w) => h('li', {}, w)))));
    }
    if ((p.preflight && p.preflight.missing_permissions || []).length || !mayApply) {
      wrap.appendChild(h('div', { class: 'banner banner-info', role: 'note' }, h('p', {}, 'You can plan this import but not apply it: applying needs the importer or admin role on this sandbox.')));
    }
    const approvals = p.approvals_needed || [];
    wrap.appendChild(card(`Approvals ${sandbox} will need`, 'plan-approvals', approvals.length
      ? h('ul', { class: 'v-reqs' }, approvals.map((a) => h('li', {},
        h('strong', {}, `${a.kind} ${a.key}: `),
        (a.requirements || []).map((r) => `${r.required} approval${r.required === 1 ? '' : 's'} (${r.name})`).join('; '))))
      : h('p', { class: 'v-muted' }, 'None: nothing this import brings waits for an approval.')));
    const itemsWrap = h('div', { class: 'v-import-items' });
    for (const it of p.items || []) itemsWrap.appendChild(await itemCard(it, body, files));
    wrap.appendChild(card('Objects', 'plan-items', itemsWrap));

    if (state.bindingNames.size) {
      const fields = [...state.bindingNames].sort().map((name) => {
        const f = input({ type: 'password', name: `binding ${name}`, autocomplete: 'off', value: state.bindings[name] || '', spellcheck: 'false' });
        f.addEventListener('input', () => { state.bindings[name] = f.value; });
        return field(`Secret ${name}`, f);
      });
      wrap.appendChild(card('Secrets', 'plan-bindings',
        h('p', { class: 'v-muted' }, 'Values for the version’s secret placeholders. They are sent with the plan and never shown again.'),
        fields));
    }

    const recompute = h('button', { type: 'button', class: 'btn', onclick: () => plan() }, 'Recompute plan');
    const actions = [recompute];
    if (mayApply) {
      const apply = h('button', { type: 'button', class: 'btn btn-primary', 'aria-describedby': p.blocked ? 'apply-blocked' : undefined }, 'Apply import');
      if (p.blocked) apply.disabled = true;
      apply.addEventListener('click', async () => {
        if (apply.disabled) return;
        apply.disabled = true;
        recompute.disabled = true;
        try {
          const res = await api('POST', `${base}/imports`, { body: request(), extraHeaders: { 'Idempotency-Key': state.idempotencyKey } });
          const imp = res.data;
          toast(imp.status === 'already_applied' ? `Version ${imp.version} was already imported with these options.` : `Imported ${imp.package} v${imp.version} into ${sandbox}.`);
          ctx.navigate(paths.importRecord(tenant, sandbox, imp.id));
        } catch (e) {
          apply.disabled = false;
          recompute.disabled = false;
          if (e instanceof ApiError && e.status === 401) return;
          msgs.replaceChildren(applyError(e));
          msgs.firstChild.setAttribute('tabindex', '-1');
          msgs.firstChild.focus();
        }
      });
      actions.push(apply);
    }
    wrap.appendChild(h('div', { class: 'v-form-actions' }, actions,
      p.blocked && mayApply ? h('p', { id: 'apply-blocked', class: 'v-note' }, 'Resolve every conflict and fill every secret, then recompute the plan.') : null));
    return wrap;
  }

  if (ctx.query.package && ctx.query.version) setTimeout(() => plan(), 0);
  return page;
}

function applyError(e) {
  if (e instanceof ApiError && e.code === 'conflicts' && Array.isArray(e.details.conflicts)) {
    return h('div', { class: 'banner banner-error', role: 'alert' }, h('p', { class: 'banner-message' }, e.message),
      h('ul', {}, e.details.conflicts.map((c) => h('li', {}, `${c.kind} ${c.key}: ${c.reason}`))));
  }
  if (e instanceof ApiError && e.code === 'plan_stale') {
    return h('div', { class: 'banner banner-error', role: 'alert' }, h('p', { class: 'banner-message' }, e.message),
      h('p', { class: 'banner-detail' }, 'The sandbox changed since the plan: recompute it.'));
  }
  return errorBanner(e);
}
