// Keeping a sandbox in step with its packages (docs/sync.md): the Drift page (the imported objects
// edited here since their last import, field by field: what the import wrote and what the sandbox
// holds now; Adopt accepts an edit, "Re-sync plan" plans the package's content back and applies
// that plan), and the sandbox's sync subscriptions (a card of the sandbox's settings page: list,
// subscribe to a package in auto or manual mode, pause, resume, delete). The buttons that change
// something are offered to those who may import into the sandbox (admin or importer).

import { h, uid } from '../lib/dom.js';
import { api, tenantPath, sandboxPath } from '../lib/api.js';
import { paths } from '../lib/paths.js';
import { formatTime, confirmDialog, toast, emptyState, errorBanner } from '../lib/ui.js';
import { field, select, showError, localError } from './forms-common.js';
import { ensureViewStyles } from './render.js';
import { canImport } from './pipelines.js';

ensureViewStyles();

const KIND_LABELS = { campaign: 'Campaign', segment: 'Segment', template: 'Template' };
const ACTION_LABELS = {
  create: 'Create', update: 'Update', merge: 'Merge', reuse: 'Keep', conflict: 'Conflict', skip: 'Skip',
};

// A value of a drifted field, as text (never HTML): a string as it is, anything else as JSON; a
// field that does not exist on that side is said so.
function valueCell(change, side) {
  if (!Object.prototype.hasOwnProperty.call(change, side)) return h('td', { class: 'v-cell-muted' }, '(absent)');
  const v = change[side];
  return h('td', { class: 'v-code v-prewrap' }, typeof v === 'string' ? v : JSON.stringify(v));
}

function kindLabel(kind) {
  return KIND_LABELS[kind] || kind;
}

// The plan that brings the package's content back into one object, shown in short under it: each
// item's action and reason, whether it can go, and a button to apply exactly that plan.
function resyncResult(ctx, item, plan, messages) {
  const titleId = uid('resync');
  const box = h('section', { class: 'v-card', 'aria-labelledby': titleId },
    h('h3', { class: 'v-card-title', id: titleId }, `Re-sync plan for ${item.name || item.key}`),
    h('p', { class: 'v-meta-text' }, `${plan.package || item.resync.package} v${plan.version || item.resync.version} · plan `,
      h('span', { class: 'v-digest' }, plan.digest || '')));
  const list = h('ul', {});
  for (const it of plan.items || []) {
    list.appendChild(h('li', {},
      h('strong', {}, `${ACTION_LABELS[it.action] || it.action} `),
      `${kindLabel(it.kind)} ${it.key}`,
      it.reason ? h('span', { class: 'v-muted' }, ` — ${it.reason}`) : null));
  }
  box.appendChild(list);
  if (plan.conflicts || plan.blocked) {
    box.appendChild(h('div', { class: 'banner banner-error v-banner', role: 'alert' },
      h('p', {}, plan.conflicts ? 'This plan has conflicts: it cannot be applied as it is.' : 'This plan is blocked: it cannot be applied as it is.')));
    return box;
  }
  const apply = h('button', { type: 'button', class: 'btn btn-primary' }, 'Apply re-sync');
  apply.addEventListener('click', async () => {
    apply.disabled = true;
    try {
      await api('POST', `${sandboxPath(ctx.params.tenant, ctx.params.sandbox)}/imports`, { body: { plan_digest: plan.digest } });
      toast(`${item.name || item.key} re-synced from ${item.resync.package} v${item.resync.version}`);
      ctx.refresh();
    } catch (e) {
      apply.disabled = false;
      showError(h('form'), messages, e);
    }
  });
  box.appendChild(h('div', { class: 'v-form-actions' }, apply));
  return box;
}

function driftCard(ctx, item, may, messages) {
  const { tenant, sandbox } = ctx.params;
  const titleId = uid('drift');
  const name = item.name || item.key;
  const title = item.kind === 'campaign'
    ? h('a', { href: paths.campaign(tenant, sandbox, item.id) }, name)
    : name;
  const card = h('section', { class: 'v-card', 'aria-labelledby': titleId },
    h('h2', { class: 'v-card-title', id: titleId }, `${kindLabel(item.kind)} `, title),
    h('p', { class: 'v-meta-text' },
      `Key ${item.key} · imported from ${item.package} v${item.version}`,
      item.detected_at ? ` · edited here since (seen ${formatTime(item.detected_at)})` : ' · edited here since'));
  const changes = item.changes || [];
  const table = h('table', { class: 'v-table v-dr-fields' },
    h('caption', { class: 'v-sr-only' }, `Fields of ${name} that differ from its import`),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Field'),
      h('th', { scope: 'col' }, 'Imported'),
      h('th', { scope: 'col' }, 'Current'))),
    h('tbody', {}, changes.map((c) => h('tr', {},
      h('th', { scope: 'row', class: 'v-code' }, c.path || '(the whole object)'),
      valueCell(c, 'imported'),
      valueCell(c, 'current')))));
  card.appendChild(h('div', { class: 'v-table-wrap' }, table));
  if (!may) return card;

  const result = h('div', { 'aria-live': 'polite' });
  const adopt = h('button', {
    type: 'button', class: 'btn', 'aria-label': `Adopt the edits of ${name}`,
  }, 'Adopt');
  adopt.addEventListener('click', async () => {
    const ok = await confirmDialog(`The current content of ${name} is accepted: it is no longer reported until it changes again. Nothing in it changes.`,
      { title: 'Adopt these edits?', confirmLabel: 'Adopt' });
    if (!ok) return;
    try {
      await api('POST', `${sandboxPath(tenant, sandbox)}/drift/${encodeURIComponent(item.kind)}/${encodeURIComponent(item.id)}/adopt`);
      toast(`Edits of ${name} adopted`);
      ctx.refresh();
    } catch (e) {
      showError(h('form'), messages, e);
    }
  });
  const resync = h('button', {
    type: 'button', class: 'btn', 'aria-label': `Re-sync plan for ${name}`,
  }, 'Re-sync plan');
  resync.addEventListener('click', async () => {
    resync.disabled = true;
    try {
      const { data } = await api('POST', `${sandboxPath(tenant, sandbox)}/imports/plan`, { body: item.resync });
      result.replaceChildren(resyncResult(ctx, item, data, messages));
    } catch (e) {
      result.replaceChildren(errorBanner(e));
    } finally {
      resync.disabled = false;
    }
  });
  card.appendChild(h('div', { class: 'v-actions' }, adopt, resync));
  card.appendChild(result);
  return card;
}

// /t/:tenant/s/:sandbox/drift
export async function renderDrift(ctx) {
  const { sandbox } = ctx.params;
  const { data } = await api('GET', `${sandboxPath(ctx.params.tenant, sandbox)}/drift`);
  const items = data.items || [];
  const may = canImport(sandbox, ctx.session);
  const page = h('section', { class: 'page v-page', 'data-view': 'drift', 'data-title': `Drift · ${sandbox}` });
  page.appendChild(h('header', { class: 'v-page-header' },
    h('div', { class: 'v-page-heading' }, h('h1', {}, 'Drift'),
      h('p', { class: 'v-meta-text' }, `Sandbox ${sandbox} · imported objects edited here since their last import`))));
  const messages = h('div', { class: 'v-messages', 'aria-live': 'polite' });
  page.appendChild(messages);
  if (!items.length) {
    page.appendChild(emptyState('No drift', 'Every imported object holds what its last import wrote (or an edit that was adopted).'));
    return page;
  }
  if (!may) {
    page.appendChild(h('p', { class: 'v-note' }, 'Importers of this sandbox adopt edits or re-sync objects from their package.'));
  }
  for (const item of items) page.appendChild(driftCard(ctx, item, may, messages));
  return page;
}

// ---- sync subscriptions ----

function subscriptionState(s) {
  if (s.paused) return h('span', { class: 'badge badge-paused' }, 'Paused');
  return h('span', { class: 'badge badge-active' }, 'Following');
}

// The card of the sandbox's subscriptions, for its settings page. `messages` shows errors.
export async function subscriptionsCard(ctx, messages) {
  const { tenant, sandbox } = ctx.params;
  const may = canImport(sandbox, ctx.session);
  const titleId = uid('subs');
  const card = h('section', { class: 'v-card', 'aria-labelledby': titleId },
    h('h2', { class: 'v-card-title', id: titleId }, 'Sync subscriptions'),
    h('p', { class: 'v-card-intro' },
      `Each new version of a package this sandbox follows is planned here by itself (merging ${sandbox}'s edits): auto applies it when it has no conflicts, manual waits for someone to apply it. What lands is still a draft, behind the approval gate. `,
      h('a', { href: paths.drift(tenant, sandbox) }, `Drift in ${sandbox}`)));
  // The rest of the settings page stands even when the subscriptions cannot be read.
  let subs;
  try {
    subs = (await api('GET', `${tenantPath(tenant)}/subscriptions`, { query: { sandbox } })).data.items || [];
  } catch (e) {
    card.appendChild(errorBanner(e));
    return card;
  }

  if (subs.length) {
    const table = h('table', { class: 'v-table' },
      h('caption', { class: 'v-sr-only' }, `Sync subscriptions of ${sandbox}`),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Package'),
        h('th', { scope: 'col' }, 'Mode'),
        h('th', { scope: 'col' }, 'State'),
        h('th', { scope: 'col' }, 'Last version'),
        h('th', { scope: 'col' }, 'Created'),
        may ? h('th', { scope: 'col' }, h('span', { class: 'v-sr-only' }, 'Actions')) : null)));
    const tbody = h('tbody');
    for (const s of subs) {
      const act = async (verb, done) => {
        try {
          await api('POST', `${tenantPath(tenant)}/subscriptions/${encodeURIComponent(s.id)}/${verb}`);
          toast(done);
          ctx.refresh();
        } catch (e) {
          showError(h('form'), messages, e);
        }
      };
      const actions = may ? h('td', {}, h('div', { class: 'v-actions' },
        s.paused
          ? h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `Resume following ${s.package}`, onclick: () => act('resume', `Following ${s.package} again`) }, 'Resume')
          : h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `Pause following ${s.package}`, onclick: () => act('pause', `Paused following ${s.package}`) }, 'Pause'),
        h('button', {
          type: 'button', class: 'btn btn-small btn-danger', 'aria-label': `Delete the subscription to ${s.package}`,
          onclick: async () => {
            const ok = await confirmDialog(`${sandbox} stops following ${s.package}. Promotions it made keep their history.`,
              { title: 'Delete this subscription?', confirmLabel: 'Delete', danger: true });
            if (!ok) return;
            try {
              await api('DELETE', `${tenantPath(tenant)}/subscriptions/${encodeURIComponent(s.id)}`);
              toast(`${sandbox} no longer follows ${s.package}`);
              ctx.refresh();
            } catch (e) {
              showError(h('form'), messages, e);
            }
          },
        }, 'Delete'))) : null;
      tbody.appendChild(h('tr', {},
        h('td', {}, s.package),
        h('td', {}, s.mode === 'manual' ? 'Manual' : 'Auto'),
        h('td', {}, subscriptionState(s)),
        h('td', {}, s.last_version ? `v${s.last_version}` : '—',
          s.promotion ? h('span', {}, ' · ', h('a', { href: paths.promotion(tenant, s.promotion) }, 'promotion')) : null),
        h('td', { class: 'v-cell-muted' }, s.created_at ? `${formatTime(s.created_at)}${s.created_by ? ` · ${s.created_by}` : ''}` : '—'),
        actions));
    }
    table.appendChild(tbody);
    card.appendChild(h('div', { class: 'v-table-wrap' }, table));
  } else {
    card.appendChild(h('p', { class: 'v-muted' }, `${sandbox} follows no package.`));
  }

  if (!may) {
    card.appendChild(h('p', { class: 'v-note' }, 'Importers of this sandbox subscribe it to packages.'));
    return card;
  }

  // Subscribe: a package (those the user can see, not followed yet) and a mode.
  let packages = [];
  try {
    const res = await api('GET', `${tenantPath(tenant)}/packages`);
    packages = (res.data.items || []).map((p) => p.name).filter((n) => !subs.some((s) => s.package === n));
  } catch { /* no role on any source sandbox: nothing to offer */ }
  if (!packages.length) {
    card.appendChild(h('p', { class: 'v-note' }, 'No other package to follow.'));
    return card;
  }
  const pkg = select({ name: 'package' }, [['', 'Choose a package'], ...packages.map((n) => [n, n])], '');
  const mode = select({ name: 'mode' }, [['auto', 'Auto: apply each version without conflicts'], ['manual', 'Manual: wait for someone to apply it']], 'auto');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Subscribe');
  const form = h('form', { class: 'v-form', novalidate: true, 'aria-label': 'Subscribe to a package' },
    h('fieldset', { class: 'v-fieldset' },
      h('legend', {}, 'Subscribe to a package'),
      h('div', { class: 'v-grid-2' }, field('Package', pkg), field('Mode', mode))),
    h('div', { class: 'v-form-actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!pkg.value) return showError(form, messages, localError('package', 'Choose a package.'));
    submit.disabled = true;
    try {
      await api('POST', `${sandboxPath(tenant, sandbox)}/subscriptions`, { body: { package: pkg.value, mode: mode.value } });
      toast(`${sandbox} follows ${pkg.value}`);
      ctx.refresh();
    } catch (e) {
      submit.disabled = false;
      showError(form, messages, e);
    }
    return undefined;
  });
  card.appendChild(form);
  return card;
}
