// Approval policies (docs/approvals.md), for tenant admins: the list with activate, deactivate
// and duplicate; a policy's page, read-only while it is active; the form with its condition
// builder (groups "all" / "any", nested; leaves on sandbox, type, channel, tag, name or
// requester), approvers (a role or named users) and the number of approvals required.

import { h, uid } from '../lib/dom.js';
import { api, isTenantAdmin, tenantPath } from '../lib/api.js';
import { paths } from '../lib/paths.js';
import { errorBanner, toast, confirmDialog } from '../lib/ui.js';
import { field, input, select, showError, localError } from './forms-common.js';
import { adminPage, notAdmin, ROLES } from './admin.js';
import { card, dl, time, table, empty, messages as messageArea } from './kit.js';

const FIELDS = [['sandbox', 'Sandbox'], ['type', 'Campaign type'], ['channel', 'Channel'], ['tag', 'Tag'], ['name', 'Name'], ['requester', 'Requester'], ['requester_role', 'Requester role']];
const OPS = [['equals', 'is'], ['in', 'is one of'], ['matches', 'matches the pattern']];

function policyPath(tenant, id) {
  return `${tenantPath(tenant)}/approval-policies${id ? `/${encodeURIComponent(id)}` : ''}`;
}

function policyURL(tenant, id) {
  return `${paths.admin(tenant, 'policies')}/${encodeURIComponent(id)}`;
}

// A condition tree in words: (sandbox is prod and (channel is one of email, sms)).
export function conditionText(c) {
  if (!c) return '';
  if (Array.isArray(c.all) || Array.isArray(c.any)) {
    const list = c.all || c.any;
    if (!list.length) return c.all ? 'always' : 'never';
    const parts = list.map(conditionText);
    return parts.length === 1 ? parts[0] : `(${parts.join(c.all ? ' and ' : ' or ')})`;
  }
  const f = (FIELDS.find(([v]) => v === c.field) || [null, c.field])[1].toLowerCase();
  const o = (OPS.find(([v]) => v === c.op) || [null, c.op])[1];
  return `${f} ${o} ${Array.isArray(c.value) ? c.value.join(', ') : c.value}`;
}

function approversText(a) {
  if (!a) return '—';
  return a.role ? `a ${a.role}` : `one of ${(a.users || []).join(', ')}`;
}

function actionButton(tenant, p, action, label, msgs, after) {
  return h('button', {
    type: 'button', class: ['btn', 'btn-small', action === 'activate' ? 'btn-primary' : null], 'aria-label': `${label} ${p.name}`,
    onclick: async () => {
      try {
        const { data } = await api('POST', `${policyPath(tenant, p.id)}/actions/${action}`, { body: {} });
        toast(action === 'duplicate' ? `Duplicated as "${data.name}" (inactive).` : `${p.name}: ${action === 'activate' ? 'active' : 'inactive'}.`);
        after(data);
      } catch (e) {
        msgs.replaceChildren(errorBanner(e));
      }
    },
  }, label);
}

// /t/:tenant/admin/policies
export async function renderAdminPolicies(ctx) {
  const { tenant } = ctx.params;
  const page = adminPage(ctx, 'policies', 'Approval policies', 'Who must approve what before it goes live (campaigns) or is published (packages). Active policies cannot be edited: deactivate or duplicate them.');
  if (!isTenantAdmin()) return notAdmin(page);
  const { data } = await api('GET', policyPath(tenant));
  const msgs = messageArea();
  page.appendChild(msgs);
  const items = data.items || [];
  page.appendChild(h('div', { class: 'v-actions' }, h('a', { class: 'btn btn-primary', href: `${paths.admin(tenant, 'policies')}/new` }, 'New policy')));
  page.appendChild(items.length ? card('Policies', 'admin-policies', table('Approval policies', ['Policy', 'Scope', 'When', 'Approvers', 'State', ''], items.map((p) => [
    h('a', { href: policyURL(tenant, p.id) }, p.name),
    p.scope,
    conditionText(p.conditions),
    `${p.required_approvals} × ${approversText(p.approvers)}`,
    h('span', { class: ['v-pill', p.active ? 'v-pill-live' : null] }, p.active ? 'Active' : 'Inactive'),
    h('span', { class: 'v-actions' },
      actionButton(tenant, p, p.active ? 'deactivate' : 'activate', p.active ? 'Deactivate' : 'Activate', msgs, () => ctx.refresh()),
      actionButton(tenant, p, 'duplicate', 'Duplicate', msgs, (d) => ctx.navigate(policyURL(tenant, d.id)))),
  ]))) : empty('No policy.', 'Without one, only sandboxes that require an approval for every activation hold campaigns back.'));
  return page;
}

// ---------------------------------------------------------------- the condition builder

function leaf() {
  return { field: 'sandbox', op: 'equals', value: '' };
}

// Draws the tree into `host`, editing `root` in place; onChange after structural changes redraws.
function builder(root) {
  const host = h('div', { class: 'v-cond-builder' });
  const draw = () => host.replaceChildren(groupNode(root, null, '1', draw));
  draw();
  return host;
}

function groupNode(group, parent, label, redraw) {
  const mode = group.all ? 'all' : 'any';
  const list = group[mode];
  const id = uid('group');
  const modeSelect = select({ name: `group ${label}`, 'aria-label': `Group ${label} matches when` }, [['all', 'all of these hold'], ['any', 'any of these holds']], mode);
  modeSelect.addEventListener('change', () => {
    const items = group.all || group.any;
    delete group.all;
    delete group.any;
    group[modeSelect.value] = items;
  });
  const children = list.map((c, i) => {
    const childLabel = `${label}.${i + 1}`;
    const remove = h('button', {
      type: 'button', class: 'btn btn-small btn-ghost', 'aria-label': `Remove condition ${childLabel}`,
      onclick: () => { list.splice(i, 1); redraw(); },
    }, 'Remove');
    if (Array.isArray(c.all) || Array.isArray(c.any)) {
      return h('li', { class: 'v-cond-item' }, groupNode(c, group, childLabel, redraw), remove);
    }
    return h('li', { class: 'v-cond-item' }, leafNode(c, childLabel), remove);
  });
  return h('fieldset', { class: 'v-fieldset v-cond-group', 'aria-labelledby': id },
    h('legend', { id }, `Group ${label}`),
    field(`Group ${label} matches when`, modeSelect),
    h('ul', { class: 'v-cond-list' }, children),
    h('div', { class: 'v-actions' },
      h('button', { type: 'button', class: 'btn btn-small', onclick: () => { list.push(leaf()); redraw(); } }, `Add condition to group ${label}`),
      h('button', { type: 'button', class: 'btn btn-small', onclick: () => { list.push({ any: [leaf()] }); redraw(); } }, `Add group to group ${label}`)));
}

function leafNode(c, label) {
  const f = select({ 'aria-label': `Field of condition ${label}` }, FIELDS, c.field);
  const o = select({ 'aria-label': `Test of condition ${label}` }, OPS, c.op);
  const v = input({ type: 'text', 'aria-label': `Value of condition ${label}`, value: Array.isArray(c.value) ? c.value.join(', ') : c.value || '', autocomplete: 'off' });
  const sync = () => {
    c.field = f.value;
    c.op = o.value;
    c.value = o.value === 'in' ? v.value.split(',').map((x) => x.trim()).filter(Boolean) : v.value.trim();
  };
  f.addEventListener('change', sync);
  o.addEventListener('change', sync);
  v.addEventListener('input', sync);
  sync();
  return h('div', { class: 'v-cond-leaf' }, f, o, v);
}

// /t/:tenant/admin/policies/new and /t/:tenant/admin/policies/:policy
export async function renderAdminPolicy(ctx) {
  const { tenant, policy: id } = ctx.params;
  const isNew = !id;
  let p = null;
  let etag = null;
  if (!isNew) {
    const res = await api('GET', policyPath(tenant, id));
    p = res.data;
    etag = res.etag;
  }
  const page = adminPage(ctx, 'policies', isNew ? 'New approval policy' : `Policy ${p.name}`, null);
  if (!isTenantAdmin()) return notAdmin(page);
  const msgs = messageArea();
  page.appendChild(msgs);

  if (p && p.active) {
    page.appendChild(h('div', { class: 'banner banner-info', role: 'note' }, h('p', {}, 'This policy is active: it cannot be edited. Deactivate it to edit it, or duplicate it.')));
    page.appendChild(card('Policy', 'admin-policy', dl([
      ['Name', p.name], ['Scope', p.scope], ['When', conditionText(p.conditions)],
      ['Approvers', approversText(p.approvers)], ['Approvals required', String(p.required_approvals)],
      ['Updated', h('span', {}, time(p.updated_at), ` by ${p.updated_by}`)],
    ]), h('pre', { class: 'v-pre v-pre-small', 'aria-label': 'Conditions as JSON', tabindex: '0' }, JSON.stringify(p.conditions, null, 2)),
    h('div', { class: 'v-actions' },
      actionButton(tenant, p, 'deactivate', 'Deactivate', msgs, () => ctx.refresh()),
      actionButton(tenant, p, 'duplicate', 'Duplicate', msgs, (d) => ctx.navigate(policyURL(tenant, d.id))))));
    return page;
  }

  const conditions = p ? JSON.parse(JSON.stringify(p.conditions)) : { all: [leaf()] };
  const root = Array.isArray(conditions.all) || Array.isArray(conditions.any) ? conditions : { all: [conditions] };
  const name = input({ name: 'name', type: 'text', required: true, value: p ? p.name : '', maxlength: '200' });
  const scope = select({ name: 'scope' }, [['campaign', 'Campaigns (activation)'], ['package', 'Packages (publication)']], p ? p.scope : 'campaign');
  if (p) scope.disabled = true;
  const byRole = !p || !!p.approvers.role;
  const approverKind = select({ name: 'approver_kind' }, [['role', 'Anyone with a role'], ['users', 'Named users']], byRole ? 'role' : 'users');
  const role = select({ name: 'approvers.role' }, ROLES.filter((r) => r !== 'reporter').map((r) => [r, r]), p && p.approvers.role ? p.approvers.role : 'reviewer');
  const users = input({ name: 'approvers.users', type: 'text', value: p && p.approvers.users ? p.approvers.users.join(', ') : '', autocomplete: 'off' });
  const required = input({ name: 'required_approvals', type: 'number', min: '1', max: '10', value: p ? String(p.required_approvals) : '1' });
  const active = h('input', { type: 'checkbox', id: uid('active'), checked: true });
  const roleField = field('Approver role', role);
  const usersField = field('Approver users', users, { hint: 'User ids, separated by commas.' });
  const toggle = () => { roleField.hidden = approverKind.value !== 'role'; usersField.hidden = approverKind.value === 'role'; };
  approverKind.addEventListener('change', toggle);
  toggle();
  const form = h('form', { class: 'v-form', novalidate: true },
    h('fieldset', { class: 'v-fieldset' }, h('legend', {}, 'Policy'),
      field('Name', name), field('Scope', scope)),
    h('fieldset', { class: 'v-fieldset' }, h('legend', {}, 'When it applies'), builder(root)),
    h('fieldset', { class: 'v-fieldset' }, h('legend', {}, 'Who approves'),
      field('Approvers', approverKind), roleField, usersField, field('Approvals required', required)),
    isNew ? h('div', { class: 'field' }, h('label', { class: 'v-check', for: active.id }, active, 'Active at once')) : null,
    h('div', { class: 'v-form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, isNew ? 'Create policy' : 'Save policy'),
      h('a', { class: 'btn', href: paths.admin(tenant, 'policies') }, 'Cancel')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!name.value.trim()) return showError(form, msgs, localError('name', 'Give the policy a name.'));
    const body = {
      name: name.value.trim(),
      conditions: root,
      approvers: approverKind.value === 'role' ? { role: role.value } : { users: users.value.split(',').map((x) => x.trim()).filter(Boolean) },
      required_approvals: Number(required.value),
    };
    try {
      if (isNew) {
        body.scope = scope.value;
        body.active = active.checked;
        const { data } = await api('POST', policyPath(tenant), { body });
        toast(`Policy ${data.name} created${data.active ? ' and active' : ''}.`);
        ctx.navigate(policyURL(tenant, data.id));
      } else {
        await api('PATCH', policyPath(tenant, id), { body, ifMatch: etag });
        toast(`Policy ${body.name} saved.`);
        ctx.refresh();
      }
    } catch (e) {
      showError(form, msgs, e);
    }
  });
  page.appendChild(card(isNew ? 'New policy' : 'Edit', 'admin-policy-form', form));
  if (p) {
    page.appendChild(h('div', { class: 'v-actions' },
      actionButton(tenant, p, 'activate', 'Activate', msgs, () => ctx.refresh()),
      actionButton(tenant, p, 'duplicate', 'Duplicate', msgs, (d) => ctx.navigate(policyURL(tenant, d.id))),
      h('button', {
        type: 'button', class: 'btn btn-small btn-danger',
        onclick: async () => {
          const ok = await confirmDialog(`Policy ${p.name} is deleted.`, { title: 'Delete this policy?', confirmLabel: 'Delete', danger: true });
          if (!ok) return;
          try {
            await api('DELETE', policyPath(tenant, id), { ifMatch: etag });
            toast('Policy deleted.');
            ctx.navigate(paths.admin(tenant, 'policies'));
          } catch (e) {
            msgs.replaceChildren(errorBanner(e));
          }
        },
      }, 'Delete policy')));
  }
  return page;
}
