// The console's shell: sign-in, the pages the signed-in roles may see, and a hash router (#/page?query).
import * as api from './api.js';
import { h, show, problemBox, guarded, button, field, fields } from './ui.js';
import { adminPages } from './admin.js';
import { auditPages } from './audit.js';

const pages = [...adminPages, ...auditPages];
const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
let environment = null;

function route() {
  const [path, query = ''] = location.hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { name: parts[0] ?? '', rest: parts.slice(1), params: new URLSearchParams(query) };
}

export const go = (hash) => { if (location.hash === hash) render(); else location.hash = hash; };

const visible = () => pages.filter(page => api.hasRole(page.role));

function renderNav(current) {
  show(nav, visible().map(page => h('a', {
    href: `#/${page.name}`,
    'aria-current': page.name === current ? 'page' : null,
    text: page.title,
  })));
  const user = api.currentUser();
  show(who, user
    ? [h('span', { text: `${user.handle} · ${user.roles.join(', ')}` }), button('Sign out', async () => { await api.signOut(); go('#/'); })]
    : []);
}

async function render() {
  const { name, rest, params } = route();
  renderNav(name);
  if (!api.currentUser()) return renderSignIn();
  const page = pages.find(p => p.name === name);
  if (!page) {
    const first = visible()[0];
    if (first) return go(`#/${first.name}`);
    return show(main, h('h1', { text: 'Nothing to show' }),
      h('p.notice', { role: 'status', text: 'Your account has neither the admin nor the auditor role: the console has no page for you.' }));
  }
  if (!api.hasRole(page.role)) {
    return show(main, h('h1', { text: page.title }), h('p.notice', { role: 'status', text: `This page needs the ${page.role} role.` }));
  }
  document.title = `${page.title} · XYLO console`;
  show(main, h('h1', { text: page.title }));
  await guarded(main, () => page.render(main, { rest, params, go }));
}

async function renderSignIn() {
  document.title = 'Sign in · XYLO console';
  const status = h('div', { 'aria-live': 'polite' });
  const signIn = async (work) => {
    show(status, 'Signing in…');
    try {
      await work();
      show(status);
      render();
    } catch (error) {
      show(status, problemBox(error));
    }
  };
  environment ??= await api.serviceInfo().then(info => info.environment ?? 'Production').catch(() => 'unknown');
  const dev = environment === 'Development';
  const devForm = h('form.stack', {
    'aria-label': 'Development sign-in',
    on: {
      submit: event => {
        event.preventDefault();
        const form = event.currentTarget;
        const roles = [...form.querySelectorAll('input[name=role]:checked')].map(box => box.value);
        signIn(() => api.devSignIn(fields(form).handle, roles));
      },
    },
  },
  field('Handle', { name: 'handle', required: true, autocomplete: 'username', value: 'operator' }),
  h('fieldset.roles', {}, h('legend', { text: 'Roles to grant' }),
    ['admin', 'auditor'].map(role => h('label', {}, h('input', { type: 'checkbox', name: 'role', value: role }), role))),
  h('div', {}, h('button.primary', { type: 'submit', text: 'Sign in (development)' })));
  const refreshForm = h('form.stack', {
    'aria-label': 'Continue a session',
    on: {
      submit: event => {
        event.preventDefault();
        signIn(() => api.refresh(fields(event.currentTarget).refreshToken));
      },
    },
  },
  h('p', { text: 'After signing in with X, paste the refresh token of the answer here; the console exchanges it for a new pair and keeps both in memory only.' }),
  field('Refresh token', { name: 'refreshToken', required: true, autocomplete: 'off', spellcheck: 'false' }),
  h('div', {}, h('button', { type: 'submit', text: 'Continue the session' })));

  show(main,
    h('h1', { text: 'Sign in' }),
    h('p', { text: `The operator console for admins and auditors (environment: ${environment}).` }),
    dev ? [h('h2', { text: 'Without X (Development only)' }), devForm] : null,
    h('h2', { text: 'With X' }),
    h('p', {}, h('a', { href: '/auth/x/login', text: 'Sign in with X' })),
    refreshForm,
    status);
}

api.onSessionChange(user => { if (!user && route().name) go('#/'); });
window.addEventListener('hashchange', () => { render(); main.focus(); });
render();
