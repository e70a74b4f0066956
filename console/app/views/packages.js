// Packages and their versions (docs/packages.md): the tenant's packages (name, source sandbox,
// kind, latest version, who published it and when) and the form that creates one; a package's
// root campaigns and dependency closure, its versions and Publish (a review when a package
// policy applies); a version's publisher, approvals, signature check and objects, the export to
// verify offline; the diff between two versions, field by field.

import { h, uid } from '../lib/dom.js';
import { api, ApiError, canEdit, session as currentSession, tenantPath } from '../lib/api.js';
import { canImport } from './pipelines.js';
import { paths } from '../lib/paths.js';
import { errorBanner, toast, statusBadge } from '../lib/ui.js';
import { field, input, select, textarea, showError, localError } from './forms-common.js';
import { visibleSandboxes } from './shell.js';
import {
  crumbs, header, card, dl, time, table, empty, messages as messageArea, jsonValue,
} from './kit.js';

const KIND_TEXT = { partial: 'Partial (listed campaigns)', full: 'Full (every campaign of the sandbox)' };

function pkgPath(tenant, name) {
  return `${tenantPath(tenant)}/packages/${encodeURIComponent(name)}`;
}

// /t/:tenant/packages
export async function renderPackages(ctx) {
  const { tenant } = ctx.params;
  const s = currentSession();
  const [{ data }, sandboxes] = await Promise.all([api('GET', `${tenantPath(tenant)}/packages`), visibleSandboxes(s)]);
  const items = data.items || [];
  const versions = await Promise.all(items.map((p) => (p.last_version
    ? api('GET', `${pkgPath(tenant, p.name)}/versions/${p.last_version}`).then((r) => r.data).catch(() => null)
    : Promise.resolve(null))));
  const page = h('section', { class: 'page v-page', 'data-view': 'packages', 'data-title': 'Packages' });
  page.appendChild(header('Packages', 'Signed, versioned sets of campaigns (with the segments and templates they use) to import into other sandboxes. Times in UTC.'));
  const msgs = messageArea();
  page.appendChild(msgs);
  page.appendChild(items.length ? card('Packages', 'package-list', table('Packages', ['Name', 'Source sandbox', 'Kind', 'Latest version', 'Published'],
    items.map((p, i) => [
      h('a', { href: paths.package(tenant, p.name) }, p.name),
      p.source_sandbox,
      p.kind === 'full' ? 'Full' : 'Partial',
      p.last_version ? h('a', { href: paths.packageVersion(tenant, p.name, p.last_version), 'aria-label': `${p.name} version ${p.last_version}` }, `v${p.last_version}`) : 'None yet',
      versions[i] ? h('span', {}, time(versions[i].created_at), ` by ${versions[i].created_by}`) : '—',
    ])))
    : empty('No package yet.', 'Create one below, or add campaigns to a new package from the campaign list.'));

  const editable = sandboxes.filter((x) => canEdit(x.id, s));
  if (editable.length) {
    const name = input({ name: 'name', type: 'text', required: true, autocomplete: 'off', pattern: '[a-z0-9\\-]+', maxlength: '64' });
    const source = select({ name: 'source_sandbox' }, editable.map((x) => x.id));
    const kind = select({ name: 'kind' }, Object.entries(KIND_TEXT));
    const description = textarea({ name: 'description', rows: '2', maxlength: '2000' });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Create package');
    const form = h('form', { class: 'v-form v-form-single', novalidate: true },
      h('fieldset', { class: 'v-fieldset' }, h('legend', {}, 'New package'),
        field('Name', name, { hint: 'Lower-case letters, digits and dashes.' }),
        field('Source sandbox', source),
        field('Kind', kind),
        field('Description', description)),
      h('div', { class: 'v-form-actions' }, submit));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!name.value.trim()) return showError(form, msgs, localError('name', 'Give the package a name.'));
      submit.disabled = true;
      try {
        const body = { name: name.value.trim(), source_sandbox: source.value, kind: kind.value };
        if (description.value.trim()) body.description = description.value.trim();
        const { data: p } = await api('POST', `${tenantPath(tenant)}/packages`, { body });
        toast(`Package ${p.name} created.`);
        ctx.navigate(paths.package(tenant, p.name));
      } catch (e) {
        submit.disabled = false;
        showError(form, msgs, e);
      }
    });
    page.appendChild(card('Create a package', 'package-create', form));
  }
  return page;
}

// POST versions: 201 the version, 202 a review, 200 unchanged.
function publish(tenant, name) {
  return api('POST', `${pkgPath(tenant, name)}/versions`, { body: {} });
}

// /t/:tenant/packages/:package
export async function renderPackage(ctx) {
  const { tenant, package: name } = ctx.params;
  const path = pkgPath(tenant, name);
  const [{ data: p, etag }, { data: vs }] = await Promise.all([api('GET', path), api('GET', `${path}/versions`)]);
  const versions = (vs.items || []).slice().reverse();
  const mayEdit = canEdit(p.source_sandbox);
  const page = h('section', { class: 'page v-page', 'data-view': 'package', 'data-title': `Package ${p.name}` });
  page.appendChild(crumbs([['Packages', paths.packages(tenant)], [p.name]]));
  const msgs = messageArea();
  const actions = [];
  if (mayEdit) {
    actions.push(h('button', {
      type: 'button', class: 'btn btn-primary',
      onclick: async (ev) => {
        const btn = ev.currentTarget;
        btn.disabled = true;
        try {
          const res = await publish(tenant, p.name);
          if (res.status === 202) {
            btn.disabled = false;
            msgs.replaceChildren(h('div', { class: 'banner banner-info', role: 'status' },
              h('p', { class: 'banner-message' }, 'A package approval policy applies: publishing waits for a review.'),
              h('p', {}, h('a', { href: paths.review(tenant, res.data.review) }, `Review ${res.data.review}`), ` (${res.data.state}), digest `, h('code', {}, res.data.digest))));
            return;
          }
          if (res.data.unchanged) {
            btn.disabled = false;
            msgs.replaceChildren(h('div', { class: 'banner banner-info', role: 'status' }, `Nothing changed since version ${res.data.version}: no new version.`));
            return;
          }
          toast(`Published ${p.name} v${res.data.version}.`);
          ctx.navigate(paths.packageVersion(tenant, p.name, res.data.version));
        } catch (e) {
          btn.disabled = false;
          msgs.replaceChildren(errorBanner(e));
        }
      },
    }, 'Publish a version'));
  }
  page.appendChild(header(`Package ${p.name}`, `From ${p.source_sandbox} · ${KIND_TEXT[p.kind] || p.kind}${p.description ? ` · ${p.description}` : ''}`, actions));
  page.appendChild(msgs);

  const campaigns = p.campaigns || [];
  const rootRows = campaigns.map((c) => [
    c.status === 'missing' ? c.key || c.id : h('a', { href: paths.campaign(tenant, p.source_sandbox, c.id) }, c.name),
    h('code', {}, c.key || '—'),
    c.status === 'missing' ? h('span', { class: 'v-pill v-pill-warn' }, 'Missing') : statusBadge(c.status),
    mayEdit && p.kind === 'partial' ? h('button', {
      type: 'button', class: 'btn btn-small btn-ghost', 'aria-label': `Remove ${c.name || c.key} from the package`,
      onclick: async () => {
        try {
          const objects = campaigns.filter((x) => x.id !== c.id).map((x) => ({ kind: 'campaign', id: x.id }));
          await api('PATCH', path, { body: { objects }, ifMatch: etag });
          toast(`${c.name} removed from ${p.name}.`);
          ctx.refresh();
        } catch (e) {
          msgs.replaceChildren(errorBanner(e));
        }
      },
    }, 'Remove') : '',
  ]);
  page.appendChild(card('Root campaigns', 'package-roots', campaigns.length
    ? table(`Root campaigns of ${p.name}`, ['Campaign', 'Key', 'Status', ''], rootRows)
    : h('p', { class: 'v-muted' }, p.kind === 'full' ? `Every campaign of ${p.source_sandbox} that is not archived, when a version is published.` : 'No campaign yet: add some from the campaign list’s menu.')));
  const deps = [
    ...((p.dependencies && p.dependencies.segments) || []).map((x) => ['Segment', x, paths.segment(tenant, p.source_sandbox, x.id)]),
    ...((p.dependencies && p.dependencies.templates) || []).map((x) => ['Template', x, paths.template(tenant, p.source_sandbox, x.id)]),
  ];
  page.appendChild(card('Dependencies', 'package-dependencies',
    h('p', { class: 'v-muted' }, 'What the root campaigns use; every version holds them too.'),
    deps.length ? table(`Dependencies of ${p.name}`, ['Object', 'Kind', 'Key', ''], deps.map(([k, x, href]) => [
      h('a', { href }, x.name), k, h('code', {}, x.key), h('span', { class: 'v-pill' }, 'dependency'),
    ])) : h('p', { class: 'v-muted' }, 'None.')));
  page.appendChild(card('Versions', 'package-versions', versions.length
    ? table(`Versions of ${p.name}`, ['Version', 'Published', 'Digest', ''], versions.map((v, i) => [
      h('a', { href: paths.packageVersion(tenant, p.name, v.version) }, `v${v.version}`),
      h('span', {}, time(v.created_at), ` by ${v.created_by}`),
      h('code', { class: 'v-digest' }, v.digest),
      i + 1 < versions.length ? h('a', { href: paths.packageDiff(tenant, p.name, versions[i + 1].version, v.version), 'aria-label': `Compare v${versions[i + 1].version} with v${v.version}` }, 'Changes') : '',
    ]))
    : h('p', { class: 'v-muted' }, 'Not published yet.')));
  return page;
}

// /t/:tenant/packages/:package/versions/:version
export async function renderPackageVersion(ctx) {
  const { tenant, package: name, version } = ctx.params;
  const path = pkgPath(tenant, name);
  const [{ data: v }, { data: vs }] = await Promise.all([api('GET', `${path}/versions/${encodeURIComponent(version)}`), api('GET', `${path}/versions`)]);
  const m = v.manifest || {};
  const page = h('section', { class: 'page v-page', 'data-view': 'package-version', 'data-title': `${name} version ${v.version}` });
  page.appendChild(crumbs([['Packages', paths.packages(tenant)], [name, paths.package(tenant, name)], [`v${v.version}`]]));
  const importable = (await visibleSandboxes(currentSession())).filter((x) => canImport(x.id));
  const actions = [h('a', {
    class: 'btn', href: `${path}/versions/${v.version}/export`, download: `${name}-v${v.version}.json`,
  }, 'Download export')];
  for (const x of importable.slice(0, 3)) {
    if (x.id === m.source_sandbox) continue;
    actions.push(h('a', { class: 'btn btn-primary', href: paths.importPlan(tenant, x.id, { package: name, version: v.version }) }, `Import into ${x.id}`));
  }
  page.appendChild(header(`${name} version ${v.version}`, `From ${m.source_sandbox} · times in UTC`, actions));
  const ok = v.verification && v.verification.ok;
  page.appendChild(card('Version', 'version-summary', dl([
    ['Published', h('span', {}, time(v.created_at), ` by ${v.created_by}`)],
    ['Signature', h('span', { class: ['v-pill', ok ? 'v-pill-live' : 'v-pill-warn'], 'data-verified': ok ? 'yes' : 'no' },
      ok ? 'Valid' : `Not valid: ${(v.verification && v.verification.path) || ''} ${(v.verification && v.verification.reason) || ''}`.trim())],
    ['Key id', h('code', {}, m.key_id || '—')],
    ['Digest', h('code', { class: 'v-digest' }, v.digest)],
    ['Previous', m.previous ? h('code', { class: 'v-digest' }, m.previous) : 'None (first version)'],
    ['Git', h('span', {}, h('code', {}, v.tag), ' at ', h('code', { class: 'v-digest' }, v.commit))],
  ])));
  const approvals = m.approvals || [];
  page.appendChild(card('Approvals', 'version-approvals', approvals.length
    ? table('Approvals in the manifest', ['Approver', 'At', 'Digest'], approvals.map((a) => [a.user, time(a.at), h('code', { class: 'v-digest' }, a.digest)]))
    : h('p', { class: 'v-muted' }, 'None: no package approval policy applied.')));
  page.appendChild(card('Objects', 'version-objects', table(`Objects of ${name} v${v.version}`, ['Object', 'Kind', 'Path', 'Size', 'SHA-256'],
    (m.objects || []).map((o) => [o.name || o.key, o.kind, h('code', {}, o.path), `${o.size} B`, h('code', { class: 'v-digest' }, o.sha256)]))));
  const others = (vs.items || []).filter((x) => x.version !== v.version);
  if (others.length) {
    const other = select({ name: 'compare' }, others.map((x) => [String(x.version), `v${x.version}`]), String(others[others.length - 1].version));
    const form = h('form', { class: 'v-filters v-inline-form', 'aria-label': 'Compare versions' },
      field('Compare with', other),
      h('button', { type: 'submit', class: 'btn' }, 'Compare'));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const o = Number(other.value);
      ctx.navigate(paths.packageDiff(tenant, name, Math.min(o, v.version), Math.max(o, v.version)));
    });
    page.appendChild(card('Compare', 'version-compare', form));
  }
  return page;
}

// /t/:tenant/packages/:package/diff?from=&to=
export async function renderPackageDiff(ctx) {
  const { tenant, package: name } = ctx.params;
  const from = Number(ctx.query.from);
  const to = Number(ctx.query.to);
  if (!Number.isInteger(from) || !Number.isInteger(to)) throw new ApiError(404, null, 'not found');
  const { data: d } = await api('GET', `${pkgPath(tenant, name)}/versions/${to}/diff`, { query: { from } });
  const page = h('section', { class: 'page v-page', 'data-view': 'package-diff', 'data-title': `${name}: v${from} to v${to}` });
  page.appendChild(crumbs([['Packages', paths.packages(tenant)], [name, paths.package(tenant, name)], [`v${from} → v${to}`]]));
  page.appendChild(header(`${name}: changes from v${from} to v${to}`, null));
  const list = (title, id, items) => card(title, id, items.length ? h('ul', {}, items.map((x) => h('li', {}, h('code', {}, x)))) : h('p', { class: 'v-muted' }, 'None.'));
  page.appendChild(list('Added', 'diff-added', d.added || []));
  page.appendChild(list('Removed', 'diff-removed', d.removed || []));
  const changed = d.changed || [];
  page.appendChild(card('Changed', 'diff-changed', changed.length ? changed.map((c) => {
    const id = uid('changed');
    return h('section', { class: 'v-import-item', 'aria-labelledby': id },
      h('h3', { class: 'v-card-title', id }, c.path),
      h('div', { class: 'v-table-wrap' }, h('table', { class: 'v-diff' },
        h('caption', { class: 'v-sr-only' }, `Changes of ${c.path}`),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, `v${from}`), h('th', { scope: 'col' }, `v${to}`))),
        h('tbody', {}, (c.fields || []).map((f) => h('tr', { 'data-field': f.field },
          h('th', { scope: 'row' }, h('code', {}, f.field)),
          h('td', { class: 'v-diff-from' }, jsonValue(f.from, f.from !== undefined)),
          h('td', { class: 'v-diff-to' }, jsonValue(f.to, f.to !== undefined))))))));
  }) : h('p', { class: 'v-muted' }, 'None.')));
  return page;
}
