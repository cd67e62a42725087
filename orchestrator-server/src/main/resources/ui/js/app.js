// The shell: finds out whether the server wants a token, shows the sign-in until it has a good one,
// then routes #/… to one view at a time. A view is a function (main, params, ctx) that may return a
// cleanup function (closing its event streams) called when the route changes.
import { ApiError, get, onAuthProblem, session } from './api.js';
import { announce, clear, h } from './dom.js';
import { tasksView } from './views/tasks.js';
import { taskView } from './views/task.js';
import { submitView } from './views/submit.js';
import { dagView } from './views/dag.js';
import { testEnvsView, testEnvView } from './views/testenvs.js';
import { storageView } from './views/storage.js';
import { signInView } from './views/signin.js';

const ROLE_RANK = { viewer: 1, operator: 2, admin: 3 };
const routes = [
  [/^#\/tasks\/([0-9a-fA-F-]{36})$/, taskView],
  [/^#\/dag\/([0-9a-fA-F-]{36})$/, dagView],
  [/^#\/submit(?:\/(servers|taskserv|cluster|batch))?$/, submitView],
  [/^#\/testenvs\/([A-Za-z0-9._-]{1,100})$/, testEnvView],
  [/^#\/testenvs$/, testEnvsView],
  [/^#\/storage$/, storageView],
  [/^#\/tasks$/, tasksView],
];

const state = { authOn: false, signedIn: false, cleanup: null, probing: false, role: null };
const main = document.getElementById('main');

/** What the views need to know about the user. */
const ctx = {
  /** The role learned when the server accepted the token (at sign-in), until a 403 says otherwise. */
  role() {
    if (!state.authOn) return 'admin'; // authentication off: the server lets anyone do anything
    return state.role || tokenRole();
  },
  may(role) { return (ROLE_RANK[ctx.role()] || 0) >= ROLE_RANK[role]; },
  alert(message, kind = 'error') { showAlert(message, kind); },
  clearAlert() { showAlert(null); },
};

function tokenRole() {
  const claims = session.claims();
  return (claims && typeof claims.role === 'string') ? claims.role.toLowerCase() : 'viewer';
}

function showAlert(message, kind = 'error') {
  const alert = document.getElementById('alert');
  if (!message) { alert.hidden = true; alert.textContent = ''; return; }
  alert.className = kind === 'info' ? 'alert info' : 'alert';
  alert.textContent = message;
  alert.hidden = false;
}

onAuthProblem((error, method, path) => {
  if (state.probing) return; // the sign-in itself says what went wrong
  if (error.status === 401) {
    session.signOut();
    state.signedIn = false;
    state.role = null;
    showAlert(`Signed out: the server refused the token (401: ${error.message}). Sign in again.`);
    render();
  } else {
    // the server decides: the role the console learned at sign-in may be out of date (the token
    // was replaced by one with a lower role), so learn it again and hide what it may not use
    const was = ctx.role();
    state.role = tokenRole();
    const changed = was !== state.role ? ` The console showed you as ${was}; your token now says ${state.role}, so actions it may not use are hidden.` : '';
    showAlert(`Not allowed (403): ${error.message}. Your role is ${state.role}; ${method} ${path} needs a higher one.${changed}`);
    if (changed) render();
  }
});

async function probe() {
  state.probing = true;
  try {
    await get('/tasks?limit=1');
    state.authOn = !!session.token();
    state.signedIn = true;
    state.role = state.authOn ? tokenRole() : null;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      state.authOn = true;
      state.signedIn = false;
    } else {
      state.signedIn = false;
      clear(main, h('h1', {}, 'The orchestrator cannot be reached'), h('p', {}, e.message),
        h('button', { type: 'button', onclick: () => start() }, 'Try again'));
      return false;
    }
  } finally {
    state.probing = false;
  }
  return true;
}

function renderSession() {
  const box = document.getElementById('session');
  clear(box);
  document.getElementById('nav').hidden = !state.signedIn;
  if (!state.authOn || !state.signedIn) {
    if (!state.authOn && state.signedIn) box.append(h('span', {}, 'Authentication is off'));
    return;
  }
  const claims = session.claims() || {};
  box.append(h('span', { id: 'whoami' }, `Signed in as ${claims.sub || 'unknown'} (${ctx.role()})`),
    h('button', { type: 'button', onclick: () => { session.signOut(); state.signedIn = false; state.role = null; showAlert('Signed out.', 'info'); render(); } }, 'Sign out'));
}

function render() {
  if (state.cleanup) { try { state.cleanup(); } catch { /* already gone */ } state.cleanup = null; }
  renderSession();
  if (!state.signedIn) {
    clear(main);
    signInView(main, async (token) => {
      session.signIn(token);
      await probe();
      if (!state.signedIn) {
        session.signOut();
        return false;
      }
      showAlert(null);
      render();
      return true;
    });
    return;
  }
  const hash = location.hash || '#/tasks';
  for (const a of document.querySelectorAll('#nav a')) {
    const here = hash.startsWith(a.getAttribute('href'));
    if (here) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  const route = routes.find(([pattern]) => pattern.test(hash));
  clear(main);
  if (!route) {
    main.append(h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '#/tasks' }, 'Back to the tasks')));
    return;
  }
  const params = hash.match(route[0]).slice(1);
  const cleanup = route[1](main, params, ctx);
  state.cleanup = typeof cleanup === 'function' ? cleanup : null;
  const heading = main.querySelector('h1');
  if (heading) { document.title = `${heading.textContent} · Provisioning console`; announce(heading.textContent); }
}

async function start() {
  if (await probe()) render();
}

// the skip link moves the focus to the content; followed as a link, "#main" would be taken for a route
document.querySelector('.skip').addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});
window.addEventListener('hashchange', () => {
  showAlert(null);
  render();
  main.focus({ preventScroll: true });
});
if (!location.hash) history.replaceState(null, '', '#/tasks');
start();
