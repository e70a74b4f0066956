// Administration of a tenant (tenant admins only; docs/console.md "Administration"): sandboxes,
// users with a sandbox × role grid, their tokens (shown once) and sign-in links, webhooks with
// their recent deliveries, the audit log with filters and the chain's verification, the signing
// keys. Approval policies are in views/admin-policies.js. The API refuses all of it to anyone
// else (403); the console does not offer it to them either.

import { h, uid } from '../lib/dom.js';
import { api, isTenantAdmin, tenantPath } from '../lib/api.js';
import { paths } from '../lib/paths.js';
import { errorBanner, confirmDialog, toast, formatTime } from '../lib/ui.js';
import { field, input, select, showError, localError, fromInputTime } from './forms-common.js';
import { forgetSandboxes } from './shell.js';
import {
  header, card, dl, time, table, empty, messages as messageArea,
} from './kit.js';

// reporter: a delivery engine's token role (docs/reports.md); it never approves.
export const ROLES = ['admin', 'editor', 'reviewer', 'importer', 'viewer', 'reporter'];
export const EVENTS = [
  'review.requested', 'review.decided', 'campaign.status_changed', 'package.published', 'import.applied', 'import.rolled_back',
  'promotion.scheduled', 'promotion.waiting', 'promotion.applied', 'promotion.live', 'promotion.failed', 'drift.detected',
];

const SECTIONS = [
  ['sandboxes', 'Sandboxes'],
  ['users', 'Users'],
  ['policies', 'Approval policies'],
  ['webhooks', 'Webhooks'],
  ['audit', 'Audit log'],
  ['keys', 'Signing keys'],
];

// The page of an admin section, with the section tabs; a non-admin gets a refusal and nothing to do.
export function adminPage(ctx, id, title, subtitle) {
  const { tenant } = ctx.params;
  const page = h('section', { class: 'page v-page', 'data-view': `admin-${id}`, 'data-title': title });
  page.appendChild(h('nav', { class: 'v-subnav v-admin-nav', 'aria-label': 'Administration' }, h('ul', {},
    SECTIONS.map(([sid, label]) => h('li', {}, h('a', {
      href: paths.admin(tenant, sid), class: 'nav-link', 'aria-current': sid === id ? 'page' : undefined,
    }, label))))));
  page.appendChild(header(title, subtitle));
  return page;
}

export function notAdmin(page) {
  page.appendChild(h('div', { class: 'banner banner-info', role: 'note' }, h('p', {}, 'Only tenant admins administer the tenant.')));
  return page;
}

async function etagOf(path) {
  return (await api('GET', path)).etag;
}

// /t/:tenant/admin -> sandboxes
export function renderAdminHome(ctx) {
  ctx.navigate(paths.admin(ctx.params.tenant, 'sandboxes'), { replace: true });
  return null;
}

// ---------------------------------------------------------------- sandboxes

export async function renderAdminSandboxes(ctx) {
  const { tenant } = ctx.params;
  const page = adminPage(ctx, 'sandboxes', 'Sandboxes', 'Development and production sandboxes, and whether every activation needs an approval.');
  if (!isTenantAdmin()) return notAdmin(page);
  const base = `${tenantPath(tenant)}/sandboxes`;
  const { data } = await api('GET', base);
  const msgs = messageArea();
  page.appendChild(msgs);
  page.appendChild(card('Sandboxes', 'admin-sandboxes', table('Sandboxes', ['Sandbox', 'Type', 'Every activation needs an approval', 'Description'],
    (data.items || []).map((s) => {
      const box = h('input', {
        type: 'checkbox', checked: s.require_approval === 'always', 'aria-label': `${s.id}: every activation needs an approval`,
        onchange: async (ev) => {
          const el = ev.currentTarget;
          try {
            const path = `${base}/${encodeURIComponent(s.id)}`;
            await api('PATCH', path, { body: { require_approval: el.checked ? 'always' : 'policy' }, ifMatch: await etagOf(path) });
            toast(`${s.id}: ${el.checked ? 'every activation needs an approval' : 'approval policies decide'}.`);
          } catch (e) {
            el.checked = !el.checked;
            msgs.replaceChildren(errorBanner(e));
          }
        },
      });
      return [h('a', { href: paths.inventory(tenant, s.id) }, s.id), s.type === 'production' ? 'Production' : 'Development', box, s.description || '—'];
    }))));
  const id = input({ name: 'id', type: 'text', required: true, autocomplete: 'off' });
  const type = select({ name: 'type' }, [['development', 'Development'], ['production', 'Production']]);
  const approval = h('input', { type: 'checkbox', name: 'require_approval', id: uid('approval') });
  const description = input({ name: 'description', type: 'text' });
  const form = h('form', { class: 'v-form v-form-single', novalidate: true },
    h('fieldset', { class: 'v-fieldset' }, h('legend', {}, 'New sandbox'),
      field('Id', id, { hint: 'Lower-case letters, digits and dashes; it never changes.' }),
      field('Type', type),
      h('div', { class: 'field' }, h('label', { class: 'v-check', for: approval.id }, approval, 'Every activation needs an approval')),
      field('Description', description)),
    h('div', { class: 'v-form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Create sandbox')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!id.value.trim()) return showError(form, msgs, localError('id', 'Give the sandbox an id.'));
    try {
      const body = { id: id.value.trim(), type: type.value, require_approval: approval.checked ? 'always' : 'policy' };
      if (description.value.trim()) body.description = description.value.trim();
      await api('POST', base, { body });
      forgetSandboxes();
      toast(`Sandbox ${body.id} created.`);
      ctx.refresh();
    } catch (e) {
      showError(form, msgs, e);
    }
  });
  page.appendChild(card('Create a sandbox', 'admin-sandbox-create', form));
  return page;
}

// ---------------------------------------------------------------- users

function rolesText(roles) {
  return (roles || []).map((r) => `${r.role} on ${r.sandbox === '*' ? 'every sandbox' : r.sandbox}`).join(', ') || 'No role';
}

export async function renderAdminUsers(ctx) {
  const { tenant } = ctx.params;
  const page = adminPage(ctx, 'users', 'Users', 'Who may do what, in which sandbox.');
  if (!isTenantAdmin()) return notAdmin(page);
  const { data } = await api('GET', `${tenantPath(tenant)}/users`);
  const msgs = messageArea();
  page.appendChild(msgs);
  page.appendChild(card('Users', 'admin-users', table('Users', ['User', 'Name', 'Roles'],
    (data.items || []).map((u) => [h('a', { href: `${paths.admin(tenant, 'users')}/${encodeURIComponent(u.id)}` }, u.id), u.name, rolesText(u.roles)]))));
  const id = input({ name: 'id', type: 'text', required: true, autocomplete: 'off' });
  const name = input({ name: 'name', type: 'text', required: true, autocomplete: 'off' });
  const form = h('form', { class: 'v-form v-form-single', novalidate: true },
    h('fieldset', { class: 'v-fieldset' }, h('legend', {}, 'New user'),
      field('User id', id), field('Full name', name)),
    h('div', { class: 'v-form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Create user')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!id.value.trim()) return showError(form, msgs, localError('id', 'Give the user an id.'));
    if (!name.value.trim()) return showError(form, msgs, localError('name', 'Give the user a name.'));
    try {
      const { data: u } = await api('POST', `${tenantPath(tenant)}/users`, { body: { id: id.value.trim(), name: name.value.trim(), roles: [] } });
      toast(`User ${u.id} created: give them roles.`);
      ctx.navigate(`${paths.admin(tenant, 'users')}/${encodeURIComponent(u.id)}`);
    } catch (e) {
      showError(form, msgs, e);
    }
  });
  page.appendChild(card('Create a user', 'admin-user-create', form));
  return page;
}

function copyButton(text, label) {
  return h('button', {
    type: 'button', class: 'btn btn-small',
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(text);
        toast('Copied.');
      } catch {
        toast('Copy it by hand: the clipboard is not available here.', { kind: 'error' });
      }
    },
  }, label);
}

// /t/:tenant/admin/users/:user
export async function renderAdminUser(ctx) {
  const { tenant, user } = ctx.params;
  const page = adminPage(ctx, 'users', `User ${user}`, null);
  if (!isTenantAdmin()) return notAdmin(page);
  const path = `${tenantPath(tenant)}/users/${encodeURIComponent(user)}`;
  const [{ data: u, etag }, { data: sbs }, { data: toks }] = await Promise.all([
    api('GET', path), api('GET', `${tenantPath(tenant)}/sandboxes`), api('GET', `${path}/tokens`),
  ]);
  const msgs = messageArea();
  page.appendChild(msgs);
  page.appendChild(card('Profile', 'admin-user-profile', dl([['User id', u.id], ['Name', u.name], ['Roles', rolesText(u.roles)], ['Created', time(u.created_at)]])));

  // The grid: one row per sandbox (and every sandbox), one column per role.
  const has = new Set((u.roles || []).map((r) => `${r.sandbox}|${r.role}`));
  const rows = [['*', 'Every sandbox'], ...(sbs.items || []).map((s) => [s.id, s.id])];
  const boxes = [];
  const grid = h('table', { class: 'v-table v-role-grid' },
    h('caption', { class: 'v-sr-only' }, `Roles of ${u.id}`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Sandbox'), ROLES.map((r) => h('th', { scope: 'col' }, r)))),
    h('tbody', {}, rows.map(([sid, label]) => h('tr', {},
      h('th', { scope: 'row' }, label),
      ROLES.map((role) => {
        const box = h('input', { type: 'checkbox', checked: has.has(`${sid}|${role}`), 'aria-label': `${role} on ${label}`, 'data-sandbox': sid, 'data-role': role });
        boxes.push(box);
        return h('td', {}, box);
      })))));
  const saveRoles = h('button', {
    type: 'button', class: 'btn btn-primary',
    onclick: async () => {
      const roles = boxes.filter((b) => b.checked).map((b) => ({ sandbox: b.dataset.sandbox, role: b.dataset.role }));
      try {
        await api('PATCH', path, { body: { roles }, ifMatch: etag });
        toast(`Roles of ${u.id} saved.`);
        ctx.refresh();
      } catch (e) {
        msgs.replaceChildren(errorBanner(e));
      }
    },
  }, 'Save roles');
  page.appendChild(card('Roles', 'admin-user-roles', h('div', { class: 'v-table-wrap' }, grid), h('div', { class: 'v-form-actions' }, saveRoles)));

  // Tokens: created (shown once), listed, revoked.
  const shown = h('div', { 'aria-live': 'polite' });
  const tokName = input({ name: 'token_name', type: 'text', required: true, autocomplete: 'off' });
  const tokExpiry = input({ name: 'expires_at', type: 'datetime-local' });
  const tokForm = h('form', { class: 'v-filters v-inline-form', novalidate: true, 'aria-label': 'New token' },
    field('Token name', tokName), field('Expires (UTC)', tokExpiry),
    h('button', { type: 'submit', class: 'btn btn-primary' }, 'Create token'));
  tokForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!tokName.value.trim()) return showError(tokForm, msgs, localError('token_name', 'Name the token (what it is for).'));
    try {
      const body = { name: tokName.value.trim() };
      const at = fromInputTime(tokExpiry.value);
      if (at) body.expires_at = at;
      const { data: t } = await api('POST', `${path}/tokens`, { body });
      tokName.value = '';
      const value = h('code', { class: 'v-token-value', 'data-testid': 'new-token' }, t.token);
      shown.replaceChildren(h('div', { class: 'banner banner-warning', role: 'status' },
        h('p', { class: 'banner-message' }, `Token ${t.name} (${t.id}): copy it now, it is shown only once.`),
        h('p', {}, value, ' ', copyButton(t.token, 'Copy token'))));
      tokList.replaceChildren(tokenTable([...(await api('GET', `${path}/tokens`)).data.items]));
    } catch (e) {
      showError(tokForm, msgs, e);
    }
  });
  const tokenTable = (items) => (items.length ? table(`Tokens of ${u.id}`, ['Token', 'Created', 'Expires', 'State', ''], items.map((t) => [
    h('span', {}, t.name, ' ', h('code', { class: 'v-digest' }, t.id)),
    time(t.created_at),
    t.expires_at ? time(t.expires_at) : 'Never',
    t.revoked_at ? h('span', {}, 'Revoked ', time(t.revoked_at)) : (t.expires_at && new Date(t.expires_at) < new Date() ? 'Expired' : 'Active'),
    t.revoked_at ? '' : h('button', {
      type: 'button', class: 'btn btn-small btn-danger', 'aria-label': `Revoke token ${t.name}`,
      onclick: async () => {
        const ok = await confirmDialog(`Anything using token ${t.name} stops working at once, sessions opened with it included.`, { title: `Revoke ${t.name}?`, confirmLabel: 'Revoke', danger: true });
        if (!ok) return;
        try {
          await api('DELETE', `${path}/tokens/${encodeURIComponent(t.id)}`);
          toast(`Token ${t.name} revoked.`);
          tokList.replaceChildren(tokenTable([...(await api('GET', `${path}/tokens`)).data.items]));
        } catch (e) {
          msgs.replaceChildren(errorBanner(e));
        }
      },
    }, 'Revoke'),
  ])) : h('p', { class: 'v-muted' }, 'No token.'));
  const tokList = h('div', {}, tokenTable(toks.items || []));
  page.appendChild(card('Tokens', 'admin-user-tokens', h('p', { class: 'v-muted' }, 'For the CLI and scripts: ferry login --token …'), tokForm, shown, tokList));

  // Sign-in links: one-time, 15 minutes.
  const linkArea = h('div', { 'aria-live': 'polite' });
  page.appendChild(card('Sign-in link', 'admin-user-link',
    h('p', { class: 'v-muted' }, 'A one-time link that opens a console session as this user; valid 15 minutes.'),
    h('div', {}, h('button', {
      type: 'button', class: 'btn',
      onclick: async () => {
        try {
          const { data: l } = await api('POST', `${path}/sign-in-links`, { body: {} });
          const url = `${window.location.origin}${l.path}`;
          linkArea.replaceChildren(h('div', { class: 'banner banner-info', role: 'status' },
            h('p', {}, h('code', { 'data-testid': 'sign-in-link' }, url), ' ', copyButton(url, 'Copy link')),
            h('p', { class: 'banner-detail' }, `Valid until ${formatTime(l.expires_at)}, once.`)));
        } catch (e) {
          msgs.replaceChildren(errorBanner(e));
        }
      },
    }, 'Create sign-in link')), linkArea));

  page.appendChild(card('Delete', 'admin-user-delete', h('div', {}, h('button', {
    type: 'button', class: 'btn btn-danger',
    onclick: async () => {
      const ok = await confirmDialog(`${u.id} loses every role, token and session.`, { title: `Delete user ${u.id}?`, confirmLabel: 'Delete user', danger: true });
      if (!ok) return;
      try {
        await api('DELETE', path, { ifMatch: await etagOf(path) });
        toast(`User ${u.id} deleted.`);
        ctx.navigate(paths.admin(tenant, 'users'));
      } catch (e) {
        msgs.replaceChildren(errorBanner(e));
      }
    },
  }, 'Delete user'))));
  return page;
}

// ---------------------------------------------------------------- webhooks

export async function renderAdminWebhooks(ctx) {
  const { tenant } = ctx.params;
  const page = adminPage(ctx, 'webhooks', 'Webhooks', 'Where ferry POSTs the tenant’s events, signed with each webhook’s secret, and how the recent deliveries went.');
  if (!isTenantAdmin()) return notAdmin(page);
  const base = `${tenantPath(tenant)}/webhooks`;
  const { data } = await api('GET', base);
  const items = data.items || [];
  const deliveries = await Promise.all(items.map((w) => api('GET', `${base}/${encodeURIComponent(w.id)}/deliveries`).then((r) => r.data.items || []).catch(() => [])));
  const msgs = messageArea();
  page.appendChild(msgs);
  if (!items.length) page.appendChild(empty('No webhook.', null));
  items.forEach((w, i) => {
    const ds = deliveries[i].slice(0, 20);
    page.appendChild(card(`Webhook ${w.url}`, `webhook-${w.id}`,
      dl([['Events', w.events.join(', ')], ['Created', h('span', {}, time(w.created_at), ` by ${w.created_by}`)], ['Id', h('code', {}, w.id)]]),
      ds.length ? table(`Recent deliveries to ${w.url}`, ['When', 'Event', 'Attempt', 'Status', 'Error'], ds.map((d) => [
        time(d.at), d.event_type, String(d.attempt),
        h('span', { class: ['v-pill', d.ok ? 'v-pill-live' : 'v-pill-warn'] }, d.ok ? `${d.status_code} delivered` : (d.status_code ? `${d.status_code} failed` : 'No answer')),
        d.error || '—',
      ])) : h('p', { class: 'v-muted' }, 'No delivery yet.'),
      h('div', {}, h('button', {
        type: 'button', class: 'btn btn-danger btn-small', 'aria-label': `Delete webhook ${w.url}`,
        onclick: async () => {
          const ok = await confirmDialog(`No more events go to ${w.url}.`, { title: 'Delete this webhook?', confirmLabel: 'Delete', danger: true });
          if (!ok) return;
          try {
            await api('DELETE', `${base}/${encodeURIComponent(w.id)}`);
            toast('Webhook deleted.');
            ctx.refresh();
          } catch (e) {
            msgs.replaceChildren(errorBanner(e));
          }
        },
      }, 'Delete'))));
  });
  const url = input({ name: 'url', type: 'url', required: true });
  const secret = input({ name: 'secret', type: 'password', required: true, autocomplete: 'new-password', minlength: '16' });
  const boxes = EVENTS.map((e) => {
    const box = h('input', { type: 'checkbox', value: e, id: uid('event') });
    return [box, h('label', { class: 'v-check', for: box.id }, box, e)];
  });
  const form = h('form', { class: 'v-form v-form-single', novalidate: true },
    h('fieldset', { class: 'v-fieldset' }, h('legend', {}, 'New webhook'),
      field('URL', url),
      h('fieldset', { class: 'v-fieldset', 'aria-label': 'Events' }, h('legend', {}, 'Events'), boxes.map(([, l]) => h('div', {}, l))),
      h('div', { class: 'field' }, field('Secret', secret, { hint: 'At least 16 characters; it keys the HMAC-SHA256 signature of every delivery. Never shown again.' }))),
    h('div', { class: 'v-form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Create webhook')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const events = boxes.filter(([b]) => b.checked).map(([b]) => b.value);
    try {
      await api('POST', base, { body: { url: url.value.trim(), events, secret: secret.value } });
      toast('Webhook created.');
      ctx.refresh();
    } catch (e) {
      showError(form, msgs, e);
    }
  });
  page.appendChild(card('Create a webhook', 'admin-webhook-create', form));
  return page;
}

// ---------------------------------------------------------------- audit

// Every record of the tenant's log (pages of 500), oldest first.
async function auditRecords(tenant, max = 10000) {
  const out = [];
  let cursor;
  while (out.length < max) {
    const { data } = await api('GET', `${tenantPath(tenant)}/audit`, { query: { limit: 500, cursor } });
    out.push(...(data.items || []));
    if (!data.next_cursor || !(data.items || []).length) break;
    cursor = data.next_cursor;
  }
  return out;
}

function detailsText(d) {
  if (!d || typeof d !== 'object') return '';
  return Object.entries(d).filter(([k]) => k !== 'token_id').map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' · ');
}

export async function renderAdminAudit(ctx) {
  const { tenant } = ctx.params;
  const page = adminPage(ctx, 'audit', 'Audit log', 'Every change made in the tenant, oldest first, in one hash chain. Times in UTC.');
  if (!isTenantAdmin()) return notAdmin(page);
  const [records, { data: verify }] = await Promise.all([auditRecords(tenant), api('GET', `${tenantPath(tenant)}/audit/verify`)]);
  page.appendChild(h('div', { class: ['banner', verify.ok ? 'banner-info' : 'banner-error'], role: 'status', 'data-testid': 'audit-verify' },
    h('p', { class: 'banner-message' }, verify.ok
      ? `Chain verified: ${verify.checked} records, each linked to the one before.`
      : `Chain broken at record ${verify.first_broken}: the log was altered after it was written.`)));
  const q = ctx.query;
  const actor = input({ name: 'actor', type: 'text', value: q.actor || '', autocomplete: 'off' });
  const action = input({ name: 'action', type: 'text', value: q.action || '', autocomplete: 'off', list: 'audit-actions' });
  const actions = h('datalist', { id: 'audit-actions' }, [...new Set(records.map((r) => r.action))].sort().map((a) => h('option', { value: a })));
  const object = input({ name: 'object', type: 'text', value: q.object || '', autocomplete: 'off' });
  const from = input({ name: 'from', type: 'datetime-local', value: q.from || '' });
  const to = input({ name: 'to', type: 'datetime-local', value: q.to || '' });
  const result = h('div', {});
  const draw = () => {
    const f = {
      actor: actor.value.trim(), action: action.value.trim(), object: object.value.trim(),
      from: fromInputTime(from.value), to: fromInputTime(to.value),
    };
    const shown = records.filter((r) => (!f.actor || r.actor === f.actor)
      && (!f.action || r.action === f.action || r.action.startsWith(`${f.action}.`))
      && (!f.object || (r.target || '').includes(f.object))
      && (!f.from || r.at >= f.from) && (!f.to || r.at <= f.to));
    const params = new URLSearchParams();
    for (const [k, el] of [['actor', actor], ['action', action], ['object', object], ['from', from], ['to', to]]) if (el.value.trim()) params.set(k, el.value.trim());
    history.replaceState(null, '', `${paths.admin(tenant, 'audit')}${params.toString() ? `?${params}` : ''}`);
    result.replaceChildren(h('p', { class: 'v-muted', role: 'status' }, `${shown.length} of ${records.length} records`),
      shown.length ? table('Audit records', ['#', 'When', 'Actor', 'Action', 'Object', 'Details'], shown.map((r) => [
        String(r.seq), time(r.at), r.actor, h('code', {}, r.action), r.target || '—', h('span', { class: 'v-small' }, detailsText(r.details)),
      ]), { className: 'v-audit' }) : empty('No record matches.', null));
  };
  const form = h('form', { class: 'v-filters v-inline-form', role: 'search', 'aria-label': 'Audit filters' },
    field('Actor', actor), field('Action', action), actions, field('Object', object), field('From (UTC)', from), field('To (UTC)', to),
    h('button', { type: 'submit', class: 'btn' }, 'Filter'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    draw();
  });
  page.appendChild(card('Records', 'admin-audit', form, result));
  draw();
  return page;
}

// ---------------------------------------------------------------- signing keys

export async function renderAdminKeys(ctx) {
  const { tenant } = ctx.params;
  const page = adminPage(ctx, 'keys', 'Signing keys', 'The Ed25519 key that signs every package version; older keys still verify the versions they signed.');
  if (!isTenantAdmin()) return notAdmin(page);
  const { data: k } = await api('GET', `${tenantPath(tenant)}/signing-key`);
  const msgs = messageArea();
  page.appendChild(msgs);
  const download = (key) => h('button', {
    type: 'button', class: 'btn btn-small', 'aria-label': `Download public key ${key.key_id}`,
    onclick: () => {
      const blob = new Blob([key.public_key_pem], { type: 'application/x-pem-file' });
      const a = h('a', { href: URL.createObjectURL(blob), download: `${tenant}-${key.key_id.replace(':', '_')}.pub.pem` });
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    },
  }, 'Download public key');
  page.appendChild(card('Active key', 'admin-key-active', dl([['Key id', h('code', { 'data-testid': 'active-key' }, k.key_id)]]),
    h('pre', { class: 'v-pre v-pre-small', 'aria-label': 'Public key (PEM)', tabindex: '0' }, k.public_key_pem),
    h('div', { class: 'v-form-actions' }, download(k), h('button', {
      type: 'button', class: 'btn btn-danger',
      onclick: async () => {
        const ok = await confirmDialog('A new key signs every version from now on. Versions signed before still verify with the key that signed them.', { title: 'Rotate the signing key?', confirmLabel: 'Rotate', danger: true });
        if (!ok) return;
        try {
          const { data } = await api('POST', `${tenantPath(tenant)}/signing-key/rotate`, { body: {} });
          toast(`New signing key ${data.key_id}.`);
          ctx.refresh();
        } catch (e) {
          msgs.replaceChildren(errorBanner(e));
        }
      },
    }, 'Rotate key'))));
  const prev = k.previous_keys || [];
  page.appendChild(card('Previous keys', 'admin-key-previous', prev.length
    ? table('Previous keys', ['Key id', 'Created', ''], prev.map((p) => [h('code', {}, p.key_id), time(p.created_at), download(p)]))
    : h('p', { class: 'v-muted' }, 'None: the key has never been rotated.')));
  return page;
}

