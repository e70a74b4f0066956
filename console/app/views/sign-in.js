// Sign-in: a one-time link (/sign-in?code=...) or a pasted personal token. Either becomes an
// HttpOnly session cookie; the console keeps neither the code nor the token anywhere.

import { h } from '../lib/dom.js';
import { ApiError, signIn, session, loadSession } from '../lib/api.js';
import { navigate } from '../lib/router.js';
import { errorBanner, infoBanner } from '../lib/ui.js';
import { forgetSandboxes } from './shell.js';

// Only a local path may follow sign-in (never another origin).
function nextPath(query) {
  const next = query.next;
  if (typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/sign-in')) return next;
  return '/';
}

function card(...children) {
  return h('section', { class: 'signin' },
    h('div', { class: 'signin-card' }, ...children));
}

export async function renderSignIn(ctx) {
  const { query } = ctx;
  let problem = null;
  if (query.code) {
    const code = query.code;
    // The code leaves the address bar (and the history entry) before anything else happens.
    history.replaceState(null, '', '/sign-in');
    try {
      await signIn({ code });
      forgetSandboxes();
      navigate('/', { replace: true });
      return null;
    } catch (e) {
      problem = e instanceof ApiError && (e.status === 401 || e.status === 400 || e.status === 422)
        ? new Error('This sign-in link is invalid, has expired or has already been used. Ask your admin for a new one, or sign in with a personal token.')
        : e;
    }
  } else if (!query.ended) {
    const s = session() || await loadSession().catch(() => null);
    if (s) {
      navigate(nextPath(query), { replace: true });
      return null;
    }
  }

  const status = h('div', { class: 'signin-status' },
    problem ? errorBanner(problem) : null,
    !problem && query.ended ? infoBanner('Your session has ended. Sign in again to continue.') : null);
  const input = h('input', {
    id: 'personal-token',
    name: 'token',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    'aria-describedby': 'personal-token-help',
  });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Sign in');
  const form = h('form', {
    class: 'form signin-form',
    novalidate: true,
    onsubmit: async (ev) => {
      ev.preventDefault();
      const token = input.value.trim();
      if (!token) {
        status.replaceChildren(errorBanner(new Error('Paste your personal token first.')));
        input.focus();
        return;
      }
      submit.disabled = true;
      try {
        await signIn({ token });
        input.value = '';
        forgetSandboxes();
        navigate(nextPath(query), { replace: true });
      } catch (e) {
        input.value = '';
        status.replaceChildren(errorBanner(e instanceof ApiError && e.status === 401
          ? new Error('This token was not accepted: it may be mistyped, revoked or expired.') : e));
        submit.disabled = false;
        input.focus();
      }
    },
  },
  h('div', { class: 'field' },
    h('label', { for: 'personal-token' }, 'Personal token'),
    input,
    h('p', { class: 'field-help', id: 'personal-token-help' },
      'Paste a token your admin gave you (it starts with fry_). It is used once to start a session and is not stored.')),
  submit);

  return card(
    h('div', { class: 'signin-brand', 'aria-hidden': 'true' }, h('span', { class: 'brand-mark brand-mark-large' }, 'f')),
    h('h1', {}, 'Sign in to ferry'),
    h('p', { class: 'signin-lead' }, 'Open the sign-in link your admin sent you, or paste a personal token.'),
    status,
    form);
}
