// History-API router. route('/t/:tenant/s/:sandbox/campaigns/:campaign', render) registers a
// view; render(ctx) returns a Promise<Node> that replaces the content of <main id="app">.
// ctx = {params, query, session, navigate, path, refresh}: params are the decoded path
// parameters, query a plain object of the query string's parameters (first value of each).

import { h, clear } from './dom.js';
import { ApiError, loadSession, session } from './api.js';

const routes = [];
const options = { publicPaths: new Set(['/sign-in']), beforeRender: null, notFound: null };
let generation = 0;
// True once the browser starts leaving the page (another address, reload, tab closed).
let leaving = false;

export function route(pattern, render) {
  const parts = pattern.split('/').filter(Boolean);
  routes.push({
    pattern,
    parts,
    render,
    // More literal segments win: /campaigns/new before /campaigns/:campaign.
    literals: parts.filter((p) => !p.startsWith(':')).length,
  });
}

function match(pathname) {
  const segments = pathname.split('/').filter(Boolean);
  let best = null;
  for (const r of routes) {
    if (r.parts.length !== segments.length) continue;
    const params = {};
    let ok = true;
    for (let i = 0; i < r.parts.length; i += 1) {
      const p = r.parts[i];
      let seg;
      try {
        seg = decodeURIComponent(segments[i]);
      } catch {
        ok = false;
        break;
      }
      if (p.startsWith(':')) params[p.slice(1)] = seg;
      else if (p !== seg) {
        ok = false;
        break;
      }
    }
    if (ok && (!best || r.literals > best.route.literals)) best = { route: r, params };
  }
  return best;
}

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  return render();
}

// Re-renders the current URL (after an action changed what the view shows).
export function refresh() {
  return render({ keepFocus: true });
}

export function notFoundView() {
  return h('section', { class: 'page page-narrow empty-page' },
    h('div', { class: 'card message-card' },
      h('p', { class: 'message-code', 'aria-hidden': 'true' }, '404'),
      h('h1', {}, 'Not found'),
      h('p', { class: 'message-text' }, 'There is nothing here, or you do not have access to it.'),
      h('p', {}, h('a', { href: '/', class: 'btn btn-primary' }, 'Go to your campaigns'))));
}

function errorView(error) {
  return h('section', { class: 'page page-narrow empty-page' },
    h('div', { class: 'card message-card' },
      h('h1', {}, 'Something went wrong'),
      h('p', { role: 'alert', class: 'banner banner-error' }, error && error.message ? error.message : String(error)),
      h('p', {}, h('button', { type: 'button', class: 'btn', onclick: () => refresh() }, 'Try again'))));
}

function focusHeading(main) {
  const heading = main.querySelector('h1');
  if (!heading) {
    main.focus({ preventScroll: true });
    return;
  }
  if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
  heading.focus({ preventScroll: true });
}

function setTitle(node) {
  const heading = node && node.querySelector ? (node.matches && node.matches('h1') ? node : node.querySelector('h1')) : null;
  const title = (node && node.dataset && node.dataset.title) || (heading ? heading.textContent.trim() : '');
  document.title = title ? `${title} · ferry` : 'ferry';
}

async function render({ keepFocus = false } = {}) {
  const mine = ++generation;
  const main = document.getElementById('app');
  const url = new URL(window.location.href);
  const found = match(url.pathname);
  const query = Object.fromEntries(url.searchParams.entries());
  let s = session();
  if (!options.publicPaths.has(url.pathname) && !s) {
    s = await loadSession().catch(() => null);
    if (mine !== generation) return;
    if (!s) {
      const next = url.pathname + url.search;
      const target = next === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`;
      history.replaceState(null, '', target);
      return render();
    }
  }
  const ctx = {
    params: found ? found.params : {},
    query,
    session: s,
    navigate,
    refresh,
    path: url.pathname,
    pattern: found ? found.route.pattern : null,
    // False once another navigation has started (a slow answer must not draw over a newer view).
    isCurrent: () => mine === generation,
  };
  // The header and the view load at the same time; the view is put on screen once both are.
  const header = options.beforeRender
    ? Promise.resolve().then(() => options.beforeRender(ctx)).catch((e) => {
      // The header failing must not take the page with it.
      console.warn('header', e);
    })
    : Promise.resolve();
  main.setAttribute('aria-busy', 'true');
  let node;
  try {
    node = found ? await found.route.render(ctx) : notFoundView();
    await header;
  } catch (e) {
    await header;
    // A page being left cancels its requests: that is no error to show or report.
    if (mine !== generation || leaving) return;
    if (e instanceof ApiError && e.status === 404) node = notFoundView();
    else if (e instanceof ApiError && e.status === 401) return undefined;
    else {
      console.error(e);
      node = errorView(e);
    }
  }
  if (mine !== generation) return;
  main.removeAttribute('aria-busy');
  if (!node) return;
  const scroll = keepFocus ? window.scrollY : 0;
  clear(main).appendChild(node);
  setTitle(node);
  if (keepFocus) window.scrollTo(0, scroll);
  else {
    window.scrollTo(0, 0);
    focusHeading(main);
  }
  document.dispatchEvent(new CustomEvent('ferry:rendered', { detail: { path: url.pathname } }));
}

function onClick(event) {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const a = event.target.closest ? event.target.closest('a[href]') : null;
  if (!a || a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, window.location.href);
  if (url.origin !== window.location.origin) return;
  if (url.pathname.startsWith('/v1/') || url.pathname.startsWith('/console/')) return;
  event.preventDefault();
  if (url.pathname === window.location.pathname && url.search === window.location.search && url.hash) {
    window.location.hash = url.hash;
    return;
  }
  navigate(url.pathname + url.search + url.hash);
}

// start({beforeRender}) renders the current URL and follows links and history from then on.
// beforeRender(ctx) runs before each view (the header).
export function start({ beforeRender } = {}) {
  options.beforeRender = beforeRender || null;
  document.addEventListener('click', onClick);
  window.addEventListener('pagehide', () => { leaving = true; });
  window.addEventListener('pageshow', () => { leaving = false; });
  window.addEventListener('popstate', () => render());
  window.addEventListener('ferry:session-ended', () => {
    if (window.location.pathname === '/sign-in') return;
    navigate('/sign-in?ended=1', { replace: true });
  });
  return render();
}
