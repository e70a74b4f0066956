// The header (tenant, sandbox switcher, navigation, review count, who am I, sign out) and the
// root route, which opens the first sandbox the user can see.

import { h, clear } from '../lib/dom.js';
import { api, session, signOut, tenantPath, ApiError, isTenantAdmin } from '../lib/api.js';
import { navigate } from '../lib/router.js';
import { paths } from '../lib/paths.js';
import { toast, pageHeader, emptyState } from '../lib/ui.js';

let sandboxCache = { key: null, items: null };
let lastSandbox = null;

// The sandboxes the signed-in user can see (cached for the session).
export async function visibleSandboxes(s = session()) {
  const key = `${s.tenant}/${s.user}/${s.csrf_token}`;
  if (sandboxCache.key !== key || !sandboxCache.items) {
    const { data } = await api('GET', `${tenantPath(s.tenant)}/sandboxes`);
    sandboxCache = { key, items: data.items || [] };
  }
  return sandboxCache.items;
}

export function forgetSandboxes() {
  sandboxCache = { key: null, items: null };
}

const NAV = [
  { id: 'campaigns', label: 'Campaigns', href: (t, s) => paths.inventory(t, s) },
  { id: 'calendar', label: 'Calendar', href: (t, s) => paths.calendar(t, s) },
  { id: 'segments', label: 'Segments', href: (t, s) => paths.segments(t, s) },
  { id: 'templates', label: 'Templates', href: (t, s) => paths.templates(t, s) },
  { id: 'reports', label: 'Reports', href: (t, s) => paths.sandboxReports(t, s) },
  { id: 'imports', label: 'Imports', href: (t, s) => paths.imports(t, s) },
  { id: 'drift', label: 'Drift', href: (t, s) => paths.drift(t, s) },
  { id: 'settings', label: 'Settings', href: (t, s) => paths.sandboxSettings(t, s) },
  { id: 'reviews', label: 'Reviews', href: (t) => paths.reviews(t), tenant: true },
  { id: 'pipelines', label: 'Pipelines', href: (t) => paths.pipelines(t), tenant: true },
  { id: 'packages', label: 'Packages', href: (t) => paths.packages(t), tenant: true },
  { id: 'admin', label: 'Admin', href: (t) => paths.admin(t), tenant: true, admin: true },
];

function section(path) {
  if (/^\/t\/[^/]+\/reviews(\/|$)/.test(path)) return 'reviews';
  if (/^\/t\/[^/]+\/(pipelines|promotions|promote)(\/|$)/.test(path)) return 'pipelines';
  if (/^\/t\/[^/]+\/packages(\/|$)/.test(path)) return 'packages';
  if (/^\/t\/[^/]+\/admin(\/|$)/.test(path)) return 'admin';
  const m = path.match(/^\/t\/[^/]+\/s\/[^/]+\/([^/]+)/);
  return m ? m[1] : null;
}

function brand() {
  return h('a', { href: '/', class: 'brand' },
    h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, 'f'),
    h('span', { class: 'brand-name' }, 'ferry'));
}

async function updateReviewCount(tenant, badge) {
  try {
    const { data } = await api('GET', `${tenantPath(tenant)}/reviews`, { query: { assigned: 'me' } });
    const n = (data.items || []).length;
    badge.textContent = String(n);
    badge.hidden = n === 0;
    badge.setAttribute('aria-label', `${n} pending review${n === 1 ? '' : 's'} assigned to you`);
  } catch {
    badge.hidden = true;
  }
}

// Runs before every view: draws the header for the signed-in user (or the bare brand).
export async function renderHeader(ctx) {
  const header = document.getElementById('app-header');
  const s = ctx.session;
  if (!s || ctx.path === '/sign-in') {
    clear(header).appendChild(h('div', { class: 'header-inner' }, brand()));
    return;
  }
  let sandboxes = [];
  try {
    sandboxes = await visibleSandboxes(s);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return;
    throw e;
  }
  if (ctx.isCurrent && !ctx.isCurrent()) return;
  const tenant = s.tenant;
  const ids = sandboxes.map((x) => x.id);
  let current = ctx.params.sandbox && ids.includes(ctx.params.sandbox) ? ctx.params.sandbox : null;
  if (!current) current = lastSandbox && ids.includes(lastSandbox) ? lastSandbox : ids[0] || null;
  if (ctx.params.sandbox && ids.includes(ctx.params.sandbox)) lastSandbox = ctx.params.sandbox;
  const here = section(ctx.path);

  const switcher = sandboxes.length
    ? h('div', { class: 'sandbox-switch' },
      h('label', { for: 'sandbox-switch', class: 'sandbox-label' }, 'Sandbox'),
      h('select', {
        id: 'sandbox-switch',
        value: current,
        onchange: (ev) => {
          const next = ev.target.value;
          lastSandbox = next;
          const view = here === 'calendar' ? paths.calendar(tenant, next)
            : here === 'settings' ? paths.sandboxSettings(tenant, next)
              : here === 'drift' ? paths.drift(tenant, next) : paths.inventory(tenant, next);
          navigate(view);
        },
      }, sandboxes.map((x) => h('option', { value: x.id }, x.type === 'production' ? `${x.id} (production)` : x.id))))
    : null;

  const countBadge = h('span', { class: 'nav-count', hidden: true });
  const nav = h('nav', { class: 'main-nav', 'aria-label': 'Main' },
    h('ul', {}, NAV.filter((item) => (item.tenant || current) && (!item.admin || isTenantAdmin(s))).map((item) => h('li', {},
      h('a', {
        href: item.href(tenant, current),
        class: 'nav-link',
        'aria-current': here === item.id ? 'page' : undefined,
      }, item.label, item.id === 'reviews' ? countBadge : null)))));

  const who = h('div', { class: 'whoami' },
    h('span', { class: 'avatar', 'aria-hidden': 'true' }, (s.name || s.user || '?').trim().charAt(0).toUpperCase()),
    h('span', { class: 'whoami-text' },
      h('span', { class: 'whoami-name' }, s.name || s.user),
      h('span', { class: 'whoami-tenant' }, `${s.user} · ${tenant}`)),
    h('button', {
      type: 'button',
      class: 'btn btn-ghost btn-small',
      onclick: async () => {
        try {
          await signOut();
        } catch (e) {
          toast(e.message, { kind: 'error' });
        }
        forgetSandboxes();
        lastSandbox = null;
        navigate('/sign-in', { replace: true });
      },
    }, 'Sign out'));

  clear(header).appendChild(h('div', { class: 'header-inner' },
    brand(),
    h('span', { class: 'tenant', title: 'Tenant' }, tenant),
    switcher,
    nav,
    who));
  updateReviewCount(tenant, countBadge);
}

// "/" (and "/t/:tenant/s/:sandbox"): the inventory of the first sandbox the user can see.
export async function renderHome(ctx) {
  const s = ctx.session;
  if (ctx.params.sandbox) {
    navigate(paths.inventory(ctx.params.tenant, ctx.params.sandbox), { replace: true });
    return null;
  }
  const sandboxes = await visibleSandboxes(s);
  const first = (lastSandbox && sandboxes.find((x) => x.id === lastSandbox)) || sandboxes[0];
  if (first) {
    navigate(paths.inventory(s.tenant, first.id), { replace: true });
    return null;
  }
  return h('section', { class: 'page page-narrow' },
    pageHeader('No sandbox yet'),
    emptyState('You have no role on any sandbox of this tenant.', 'Ask a tenant admin to give you a role on a sandbox.'));
}
