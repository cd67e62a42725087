// Test environments: the list with a form to create one from a topology template or for one
// taskserv, and a page per environment (containers, results, logs, run checks, delete). They have
// no event stream, so the views poll while an environment is busy.
import { del, get, post } from '../api.js';
import { age, badge, clear, field, h, time } from '../dom.js';

const BUSY = ['Creating', 'Running'];

export function testEnvsView(main, _params, ctx) {
  const tbody = h('tbody');
  const form = createForm(ctx);
  clear(main, h('h1', {}, 'Test environments'),
    h('div', { class: 'table-wrap' }, h('table', { class: 'responsive', id: 'testenvs-table' },
      h('caption', {}, 'Newest first'),
      h('thead', {}, h('tr', {}, ['Environment', 'Type', 'Status', 'Containers', 'Message', 'Age'].map((c) => h('th', { scope: 'col' }, c)))),
      tbody)),
    ctx.may('operator') ? form : null);

  async function load() {
    try {
      const { data } = await get('/test/environments');
      clear(tbody, data.length ? data.map((e) => h('tr', { 'data-env': e.id },
        h('td', { 'data-label': 'Environment' }, h('a', { href: `#/testenvs/${e.id}` }, e.template || e.id)),
        h('td', { 'data-label': 'Type' }, e.type),
        h('td', { 'data-label': 'Status' }, badge(e.status)),
        h('td', { 'data-label': 'Containers' }, (e.containers || []).length),
        h('td', { 'data-label': 'Message' }, e.error || e.message || ''),
        h('td', { 'data-label': 'Age' }, age(e.created_at))))
        : h('tr', {}, h('td', { colspan: 6 }, 'No test environments.')));
    } catch (e) {
      clear(tbody, h('tr', {}, h('td', { colspan: 6 }, `Could not load them (${e.status}): ${e.message}`)));
    }
  }
  load();
  const timer = setInterval(load, 3000);
  return () => clearInterval(timer);
}

function createForm(ctx) {
  const template = h('select', { id: 'te-template', name: 'template' }, h('option', { value: '' }, '— one taskserv instead —'));
  const taskserv = h('input', { id: 'te-taskserv', name: 'taskserv', placeholder: 'redis', autocomplete: 'off' });
  const autoStart = h('input', { id: 'te-auto-start', type: 'checkbox', checked: true });
  const autoCleanup = h('input', { id: 'te-auto-cleanup', type: 'checkbox' });
  const error = h('p', { class: 'field-error', role: 'alert', id: 'te-error', hidden: true });
  const form = h('form', { id: 'testenv-form', 'aria-labelledby': 'te-title' },
    h('h2', { id: 'te-title' }, 'Create a test environment'),
    field('Topology template', template), field('Taskserv (when no template)', taskserv),
    field('Run the checks when ready', autoStart), field('Remove the containers after the run', autoCleanup),
    error, h('button', { type: 'submit', class: 'primary' }, 'Create'));
  get('/test/topologies').then(({ data }) => {
    const names = Array.isArray(data) ? data.map((t) => (typeof t === 'string' ? t : t.name)) : Object.keys(data || {});
    template.append(...names.map((n) => h('option', { value: n }, n)));
  }).catch(() => { /* the list shows the problem */ });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    const config = template.value ? { type: 'cluster_topology', template: template.value }
      : { type: 'single_taskserv', taskserv: taskserv.value.trim() };
    try {
      const { data } = await post('/test/environments/create', { config, auto_start: autoStart.checked, auto_cleanup: autoCleanup.checked });
      location.hash = `#/testenvs/${data.id}`;
    } catch (e) {
      error.textContent = `${e.status}: ${e.message}`;
      error.hidden = false;
    }
  });
  return form;
}

export function testEnvView(main, [id], ctx) {
  const head = h('h1', {}, 'Test environment ', h('code', {}, id));
  const facts = h('dl', { class: 'facts', id: 'te-facts' });
  const actions = h('div', { class: 'actions' });
  const containers = h('tbody');
  const results = h('tbody');
  const logs = h('div', { id: 'te-logs' });
  const tail = h('select', { id: 'te-tail' }, ['100', '500', 'all'].map((n) => h('option', { value: n }, n)));
  clear(main, head, h('p', { id: 'te-status' }), facts, actions,
    h('h2', {}, 'Containers'),
    h('div', { class: 'table-wrap' }, h('table', { class: 'responsive', id: 'te-containers' },
      h('thead', {}, h('tr', {}, ['Node', 'Role', 'Container', 'Image', 'Taskservs'].map((c) => h('th', { scope: 'col' }, c)))), containers)),
    h('h2', {}, 'Check results'),
    h('div', { class: 'table-wrap' }, h('table', { class: 'responsive', id: 'te-results' },
      h('thead', {}, h('tr', {}, ['Check', 'Kind', 'Node', 'Result', 'Exit code', 'Duration', 'Output'].map((c) => h('th', { scope: 'col' }, c)))), results)),
    h('h2', {}, 'Logs'),
    h('div', { class: 'row' }, h('div', { class: 'field' }, h('label', { for: 'te-tail' }, 'Lines per container'), tail),
      h('button', { type: 'button', id: 'te-load-logs', onclick: () => loadLogs() }, 'Show logs')),
    logs);
  tail.addEventListener('change', () => loadLogs());
  let env = null;
  let timer = null;

  async function load() {
    try {
      ({ data: env } = await get(`/test/environments/${encodeURIComponent(id)}`));
    } catch (e) {
      clear(main, h('h1', {}, 'Test environment not found'), h('p', {}, e.message), h('a', { href: '#/testenvs' }, 'All test environments'));
      return;
    }
    clear(main.querySelector('#te-status'), 'Status: ', badge(env.status), env.message ? ` — ${env.message}` : '');
    clear(facts, f('Type', env.type), f('Template', env.template || '—'), f('Network', env.network ? `${env.network.name} ${env.network.subnet}` : '—'),
      f('Created', time(env.created_at)), f('Runs', env.runs), env.error ? f('Error', env.error) : null,
      env.cleaned_up ? f('Cleaned up', time(env.cleaned_up_at)) : null);
    clear(containers, (env.containers || []).map((c) => h('tr', {},
      h('td', { 'data-label': 'Node' }, c.node), h('td', { 'data-label': 'Role' }, c.role || '—'), h('td', { 'data-label': 'Container' }, c.name),
      h('td', { 'data-label': 'Image' }, c.image), h('td', { 'data-label': 'Taskservs' }, (c.taskservs || []).join(', ')))));
    clear(results, (env.results || []).length ? env.results.map((r) => h('tr', { 'data-check': r.name },
      h('td', { 'data-label': 'Check' }, r.name), h('td', { 'data-label': 'Kind' }, r.kind), h('td', { 'data-label': 'Node' }, r.node || '—'),
      h('td', { 'data-label': 'Result' }, badge(r.skipped ? 'skipped' : r.passed ? 'passed' : 'failed')),
      h('td', { 'data-label': 'Exit code' }, r.exit_code ?? '—'), h('td', { 'data-label': 'Duration' }, r.duration || `${r.duration_ms} ms`),
      h('td', { 'data-label': 'Output' }, h('code', {}, (r.output || '').slice(0, 300)))))
      : h('tr', {}, h('td', { colspan: 7 }, 'No checks have run.')));
    clear(actions);
    if (ctx.may('operator')) {
      actions.append(h('button', { type: 'button', id: 'te-run', disabled: BUSY.includes(env.status), onclick: run }, 'Run checks'),
        h('button', { type: 'button', class: 'danger', id: 'te-delete', onclick: remove }, 'Delete'));
    }
    clearTimeout(timer);
    if (BUSY.includes(env.status)) timer = setTimeout(load, 2000);
  }

  async function run(event) {
    event.target.disabled = true;
    ctx.alert('Running the checks…', 'info');
    try { await post(`/test/environments/${encodeURIComponent(id)}/run`); ctx.clearAlert(); } catch (e) { if (e.status !== 403) ctx.alert(`Run failed (${e.status}): ${e.message}`); }
    load();
  }

  async function remove() {
    if (!confirm(`Delete test environment ${id} and its containers?`)) return;
    try { await del(`/test/environments/${encodeURIComponent(id)}`); location.hash = '#/testenvs'; } catch (e) { if (e.status !== 403) ctx.alert(`Delete failed (${e.status}): ${e.message}`); }
  }

  async function loadLogs() {
    try {
      const { data } = await get(`/test/environments/${encodeURIComponent(id)}/logs?tail=${tail.value}`);
      clear(logs, data.map((c) => h('section', { 'aria-label': `Log of ${c.node}` },
        h('h3', {}, `${c.node} (${c.container})${c.archived ? ' — archived' : ''}`),
        h('ol', { class: 'log', tabindex: 0, 'data-container': c.container }, c.lines.length ? c.lines.map((l) => h('li', { class: l.stream === 'stderr' ? 'stderr' : null }, l.line)) : h('li', {}, '(empty)')))));
    } catch (e) {
      clear(logs, h('p', {}, `Could not load the logs (${e.status}): ${e.message}`));
    }
  }

  function f(name, value) { return [h('dt', {}, name), h('dd', {}, value)]; }
  load();
  return () => clearTimeout(timer);
}
