// Forms for the four workflow kinds. The server checks every field; its one-sentence error names
// the field ("field 'infra' must …"), and the console puts it beside that field.
import { post } from '../api.js';
import { clear, field, h } from '../dom.js';

const KINDS = { servers: 'Servers', taskserv: 'Taskserv', cluster: 'Cluster', batch: 'Batch' };
const EXAMPLE_BATCH = JSON.stringify([
  { ref: 'web', workflow: 'servers', infra: 'production', settings: './settings.yaml', servers: ['web-01'] },
  { ref: 'db', workflow: 'taskserv', infra: 'production', settings: './settings.yaml', taskserv: 'postgres', servers: ['web-01'], after: ['web'] },
], null, 2);

export function submitView(main, [kind = 'servers'], ctx) {
  const tabs = h('nav', { class: 'actions', 'aria-label': 'Workflow kind' }, Object.entries(KINDS).map(([k, label]) =>
    h('a', { href: `#/submit/${k}`, class: 'button', 'aria-current': k === kind ? 'page' : null }, label)));
  const controls = {};
  const input = (name, attrs = {}) => (controls[name] = h('input', { name, id: `wf-${name}`, ...attrs }));
  const general = h('p', { class: 'field-error', id: 'form-error', role: 'alert', hidden: true });
  const result = h('div', { id: 'submit-result', 'aria-live': 'polite' });

  const parts = [];
  if (kind !== 'batch') {
    parts.push(field('Infra', input('infra', { value: 'production', autocomplete: 'off', required: true }), 'a plain name: letters, digits, . - _'),
      field('Settings file', input('settings', { value: './settings.yaml', autocomplete: 'off', required: true }), 'inside the workspace'));
  }
  if (kind === 'servers') {
    parts.push(field('Servers', input('servers', { placeholder: 'web-01 web-02', autocomplete: 'off', required: true }), 'names separated by spaces or commas'),
      field('Operation', select('operation', ['create', 'delete'])));
  } else if (kind === 'taskserv') {
    parts.push(field('Taskserv', input('taskserv', { placeholder: 'postgres', autocomplete: 'off', required: true })),
      field('Servers', input('servers', { placeholder: 'web-01 (optional)', autocomplete: 'off' }), 'optional; names separated by spaces or commas'),
      field('Operation', select('operation', ['create', 'delete'])));
  } else if (kind === 'cluster') {
    parts.push(field('Cluster type', input('cluster_type', { placeholder: 'buildkit', autocomplete: 'off', required: true })));
  } else {
    controls.tasks = h('textarea', { name: 'tasks', id: 'wf-tasks', rows: 14, spellcheck: 'false' }, EXAMPLE_BATCH);
    parts.push(field('Tasks (JSON array)', controls.tasks, 'each with ref, workflow (servers, taskserv or cluster), its body, and after: [refs]'));
  }
  const options = [];
  if (kind !== 'batch') {
    options.push(field('Check mode (plan only, change nothing)', input('check_mode', { type: 'checkbox' })),
      field('Wait for the servers to be ready', input('wait', { type: 'checkbox' })),
      field('Priority', select('priority', ['normal', 'low', 'high', 'critical'])),
      field('Depends on (task ids)', input('depends_on', { autocomplete: 'off', placeholder: 'optional' }), 'ids separated by spaces or commas'),
      field('Idempotency key', input('idempotency_key', { autocomplete: 'off', placeholder: 'optional' }),
        'the same key with the same body returns the first task instead of a new one'));
  }
  const submit = h('button', { type: 'submit', class: 'primary', id: 'submit' }, `Submit ${KINDS[kind].toLowerCase()} workflow`);
  const form = h('form', { id: 'workflow-form', novalidate: true, 'aria-labelledby': 'submit-title' },
    h('fieldset', {}, h('legend', {}, 'Workflow'), parts),
    options.length ? h('fieldset', {}, h('legend', {}, 'Options'), options) : null,
    general, submit);

  if (!ctx.may('operator')) {
    ctx.alert(`Your role (${ctx.role()}) may look but not submit: the server will answer 403.`, 'info');
  }
  clear(main, h('h1', { id: 'submit-title' }, `Submit a ${KINDS[kind].toLowerCase()} workflow`), tabs, form, result);

  function select(name, values) {
    return (controls[name] = h('select', { name, id: `wf-${name}` }, values.map((v) => h('option', { value: v }, v))));
  }
  const words = (text) => text.split(/[\s,]+/).filter(Boolean);

  function body() {
    if (kind === 'batch') {
      let tasks;
      try { tasks = JSON.parse(controls.tasks.value); } catch (e) { throw fieldError('tasks', `field 'tasks' is not valid JSON: ${e.message}`); }
      return { tasks };
    }
    const b = { infra: controls.infra.value.trim(), settings: controls.settings.value.trim(), check_mode: controls.check_mode.checked,
      wait: controls.wait.checked, priority: controls.priority.value };
    if (controls.servers && (kind === 'servers' || controls.servers.value.trim())) b.servers = words(controls.servers.value);
    if (controls.taskserv) b.taskserv = controls.taskserv.value.trim();
    if (controls.cluster_type) b.cluster_type = controls.cluster_type.value.trim();
    if (controls.operation) b.operation = controls.operation.value;
    const deps = words(controls.depends_on.value);
    if (deps.length) b.depends_on = deps;
    return b;
  }

  function fieldError(name, message) {
    const e = new Error(message);
    e.field = name;
    return e;
  }

  function resetErrors() {
    general.hidden = true;
    for (const c of Object.values(controls)) {
      c.removeAttribute('aria-invalid');
      const err = document.getElementById(`${c.id}-error`);
      if (err) { err.hidden = true; err.textContent = ''; }
    }
  }

  function showError(message, status) {
    const named = /field '([A-Za-z_]+)/.exec(message) || /header '(Idempotency-Key)'/.exec(message) || /^(tasks)\[/.exec(message);
    let name = named && named[1];
    if (name === 'Idempotency-Key') name = 'idempotency_key';
    if (name && kind === 'batch') name = 'tasks';
    const control = name && controls[name];
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      const err = document.getElementById(`${control.id}-error`);
      err.textContent = message;
      err.hidden = false;
      control.focus();
    } else {
      general.textContent = status ? `${status}: ${message}` : message;
      general.hidden = false;
      general.focus?.();
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    resetErrors();
    clear(result);
    let payload;
    try { payload = body(); } catch (e) { showError(e.message); return; }
    const extra = {};
    if (controls.idempotency_key && controls.idempotency_key.value.trim()) extra['Idempotency-Key'] = controls.idempotency_key.value.trim();
    submit.disabled = true;
    try {
      const path = kind === 'batch' ? '/workflows/batch' : `/workflows/${kind}/create`;
      const { data, headers } = await post(path, payload, extra);
      if (kind === 'batch') {
        clear(result, h('h2', {}, 'Queued'), h('ul', {}, Object.entries(data).map(([ref, id]) => h('li', {}, `${ref}: `, h('a', { href: `#/tasks/${id}` }, id)))));
        result.querySelector('a')?.focus();
      } else {
        if (headers.get('Idempotent-Replayed')) ctx.alert('That idempotency key was used before: this is the first request\'s task.', 'info');
        location.hash = kind === 'cluster' ? `#/dag/${data}` : `#/tasks/${data}`;
      }
    } catch (e) {
      showError(e.message, e.status);
    } finally {
      submit.disabled = false;
    }
  });
  (controls.infra || controls.tasks).focus();
}
