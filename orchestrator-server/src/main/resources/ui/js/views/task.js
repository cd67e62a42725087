// One task: status, live progress and message, attempts, the live log (search, pages), its
// dependencies and dependents, and Cancel / Retry for roles that may use them. Everything live
// comes from GET /tasks/{id}/events, which replays the task's whole history first.
import { get, post } from '../api.js';
import { announce, badge, clear, duration, h, time } from '../dom.js';
import { stream } from '../sse.js';

const PAGE = 500;
const TERMINAL = ['Completed', 'Failed', 'Cancelled'];

export function taskView(main, [id], ctx) {
  id = id.toLowerCase();
  let task = null;
  const lines = []; // {attempt, stream, line, ts}
  let page = -1; // -1: follow the newest page
  let search = '';
  let renderQueued = false;

  const title = h('h1', {}, 'Task ', h('code', {}, id.slice(0, 8)));
  const status = h('p', { id: 'task-status' });
  const bar = h('progress', { class: 'big', id: 'task-progress', max: 100, value: 0, 'aria-labelledby': 'progress-label' });
  const barLabel = h('span', { id: 'progress-label' }, 'Progress 0%');
  const message = h('p', { id: 'task-message', 'aria-live': 'polite' });
  const actions = h('div', { class: 'actions', id: 'task-actions' });
  const facts = h('dl', { class: 'facts', id: 'task-facts' });
  const attempts = h('tbody');
  const deps = h('ul', { id: 'task-dependencies' });
  const dependents = h('ul', { id: 'task-dependents' });
  const dagLink = h('p', { id: 'dag-link', hidden: true });
  const searchIn = h('input', { type: 'search', id: 'log-search', name: 'log-search', placeholder: 'text to find' });
  const attemptSel = h('select', { id: 'log-attempt' }, h('option', { value: '' }, 'All attempts'));
  const log = h('ol', { class: 'log', id: 'task-log', 'aria-label': 'Log lines', tabindex: 0 });
  const logInfo = h('span', { id: 'log-info', 'aria-live': 'polite' });
  const older = h('button', { type: 'button', id: 'log-older' }, 'Older lines');
  const newer = h('button', { type: 'button', id: 'log-newer' }, 'Newer lines');
  const follow = h('input', { type: 'checkbox', id: 'log-follow', checked: true });
  const liveState = h('span', { class: 'hint', id: 'live-state' }, 'connecting…');

  clear(main, title, status, h('p', {}, barLabel), bar, message, actions,
    h('h2', {}, 'Details'), facts, dagLink,
    h('h2', {}, 'Attempts'),
    h('div', { class: 'table-wrap' }, h('table', { class: 'responsive', id: 'task-attempts' },
      h('thead', {}, h('tr', {}, ['Attempt', 'Outcome', 'Exit code', 'Started', 'Duration', 'Error'].map((c) => h('th', { scope: 'col' }, c)))),
      attempts)),
    h('h2', {}, 'Depends on'), deps,
    h('h2', {}, 'Needed by'), dependents,
    h('h2', {}, 'Log'),
    h('form', { class: 'row', role: 'search', 'aria-label': 'Search the log', onsubmit: (e) => e.preventDefault() },
      h('div', { class: 'field' }, h('label', { for: 'log-search' }, 'Find in log'), searchIn),
      h('div', { class: 'field' }, h('label', { for: 'log-attempt' }, 'Attempt'), attemptSel),
      h('div', { class: 'field inline' }, follow, h('label', { for: 'log-follow' }, 'Follow new lines'))),
    h('nav', { class: 'pager', 'aria-label': 'Log pages' }, older, logInfo, newer),
    log, h('p', {}, 'Live updates: ', liveState));

  searchIn.addEventListener('input', () => { search = searchIn.value; page = -1; queueRender(); });
  attemptSel.addEventListener('change', () => { page = -1; queueRender(); });
  follow.addEventListener('change', () => { if (follow.checked) { page = -1; queueRender(); } });
  older.addEventListener('click', () => { page = Math.max(0, currentPage() - 1); follow.checked = false; renderLog(); });
  newer.addEventListener('click', () => {
    const last = pageCount() - 1;
    page = Math.min(last, currentPage() + 1);
    if (page === last) { page = -1; follow.checked = true; }
    renderLog();
  });

  function visible() {
    const attempt = attemptSel.value;
    const needle = search.toLowerCase();
    return lines.filter((l) => (!attempt || String(l.attempt) === attempt) && (!needle || l.line.toLowerCase().includes(needle)));
  }
  function pageCount() { return Math.max(1, Math.ceil(visible().length / PAGE)); }
  function currentPage() { return page < 0 ? pageCount() - 1 : Math.min(page, pageCount() - 1); }

  function queueRender() {
    if (renderQueued) return;
    renderQueued = true;
    requestAnimationFrame(() => { renderQueued = false; renderLog(); });
  }

  function renderLog() {
    const shown = visible();
    const pages = Math.max(1, Math.ceil(shown.length / PAGE));
    const p = page < 0 || !follow.checked && page < 0 ? pages - 1 : Math.min(page, pages - 1);
    const slice = shown.slice(p * PAGE, (p + 1) * PAGE);
    const needle = search.toLowerCase();
    clear(log, slice.map((l) => h('li', { class: l.stream === 'stderr' ? 'stderr' : null, value: shown.indexOf(l) + 1 },
      needle ? mark(l.line, needle) : l.line)));
    logInfo.textContent = `${shown.length} line${shown.length === 1 ? '' : 's'}${search ? ` matching “${search}”` : ''}; page ${p + 1} of ${pages}`;
    older.disabled = p === 0;
    newer.disabled = p >= pages - 1;
    if (page < 0 && follow.checked) log.scrollTop = log.scrollHeight;
  }

  function mark(text, needle) {
    const out = [];
    let from = 0;
    const lower = text.toLowerCase();
    for (let i = lower.indexOf(needle); i >= 0; i = lower.indexOf(needle, from)) {
      out.push(text.slice(from, i), h('mark', {}, text.slice(i, i + needle.length)));
      from = i + needle.length;
    }
    out.push(text.slice(from));
    return out;
  }

  function renderTask() {
    const pct = (task.progress && task.progress.percent) || 0;
    title.replaceChildren(task.name || 'Task', ' ', h('code', {}, id.slice(0, 8)));
    clear(status, 'Status: ', badge(task.status), task.waiting_for ? ` — waiting for ${task.waiting_for}` : '');
    bar.value = pct;
    barLabel.textContent = `Progress ${pct}%`;
    message.textContent = (task.progress && task.progress.message) || '';
    clear(facts,
      fact('ID', h('code', {}, task.id)), fact('Workflow', task.workflow || '—'), fact('Infra', task.infra || '—'),
      fact('Priority', task.priority), fact('Attempts', `${task.attempts} of ${task.max_attempts}`),
      fact('Created', time(task.created_at)), fact('Started', time(task.started_at)), fact('Finished', time(task.completed_at)),
      fact('Exit code', task.exit_code ?? '—'), task.error ? fact('Error', task.error) : null,
      fact('Command', h('code', {}, [task.command, ...(task.args || [])].join(' '))));
    renderActions();
    renderAttempts();
    clear(deps, task.dependencies.length ? task.dependencies.map((d) => h('li', {}, h('a', { href: `#/tasks/${d}` }, d))) : h('li', {}, 'nothing'));
    if (task.workflow && task.workflow.startsWith('cluster.')) {
      dagLink.hidden = false;
      clear(dagLink, h('a', { href: `#/dag/${task.id}`, id: 'show-dag' }, 'Show the cluster as a graph'));
    }
    const attemptsSeen = new Set(lines.map((l) => l.attempt));
    for (let a = 1; a <= task.attempts; a++) attemptsSeen.add(a);
    if (attemptSel.options.length - 1 !== attemptsSeen.size) {
      const keep = attemptSel.value;
      clear(attemptSel, h('option', { value: '' }, 'All attempts'), [...attemptsSeen].sort((x, y) => x - y).map((a) => h('option', { value: a }, `Attempt ${a}`)));
      attemptSel.value = keep;
    }
  }

  function renderActions() {
    clear(actions);
    if (!ctx.may('operator')) return; // Cancel and Retry need the operator role
    if (!TERMINAL.includes(task.status)) actions.append(h('button', { type: 'button', class: 'danger', id: 'cancel', onclick: () => act('cancel') }, 'Cancel'));
    if (task.status === 'Failed' || task.status === 'Cancelled') actions.append(h('button', { type: 'button', id: 'retry', onclick: () => act('retry') }, 'Retry'));
  }

  async function act(what) {
    const button = actions.querySelector(`#${what}`);
    if (button) button.disabled = true;
    try {
      const { data } = await post(`/tasks/${id}/${what}`);
      // the answer may come after the live stream has shown a newer state (Cancelled after the cancel's Running)
      if (data && data.id && !olderThan(data, task)) { task = data; renderTask(); }
      ctx.alert(what === 'cancel' ? 'Cancel requested.' : 'Queued again as a new attempt.', 'info');
      if (what === 'retry') restartStream();
    } catch (e) {
      if (e.status !== 401 && e.status !== 403) ctx.alert(`${what === 'cancel' ? 'Cancel' : 'Retry'} failed (${e.status}): ${e.message}`);
    } finally {
      if (button) button.disabled = false;
    }
  }

  /** True when {@code a} is an older state of the task than {@code b} (updated_at, to the nanosecond). */
  function olderThan(a, b) {
    return instantKey(a.updated_at) < instantKey(b.updated_at);
  }

  /** An ISO instant as text that sorts in time order: the fraction padded to nine digits. */
  function instantKey(at) {
    const m = /^(.*?)(?:\.(\d{1,9}))?Z$/.exec(at || '');
    return m ? `${m[1]}.${(m[2] || '').padEnd(9, '0')}` : '';
  }

  function renderAttempts() {
    const rows = (task.history || []).map((a) => [a.attempt, a.outcome, a.exit_code, a.started_at, a.ended_at, a.error]);
    const recorded = new Set(rows.map((r) => r[0]));
    if (task.attempts > 0 && !recorded.has(task.attempts)) {
      rows.push([task.attempts, task.status, task.exit_code, task.started_at, TERMINAL.includes(task.status) ? task.completed_at : null, task.error]);
    }
    clear(attempts, rows.length ? rows.map(([n, outcome, exit, started, ended, error]) => h('tr', { 'data-attempt': n },
      h('td', { 'data-label': 'Attempt' }, n), h('td', { 'data-label': 'Outcome' }, badge(outcome)),
      h('td', { 'data-label': 'Exit code' }, exit ?? '—'), h('td', { 'data-label': 'Started' }, time(started)),
      h('td', { 'data-label': 'Duration' }, started ? duration(started, ended) : '—'), h('td', { 'data-label': 'Error' }, error || ''))) :
      h('tr', {}, h('td', { colspan: 6 }, 'Not started yet.')));
  }

  function fact(name, value) {
    return [h('dt', {}, name), h('dd', {}, value)];
  }

  async function loadDependents() {
    try {
      const { data, headers } = await get(`/tasks?depends_on=${id}&limit=1000`);
      const total = Number(headers.get('X-Total-Count') || data.length);
      const note = total > data.length ? h('li', { class: 'hint' }, `and ${total - data.length} more`) : null;
      clear(dependents, data.length ? data.map((t) => h('li', {}, h('a', { href: `#/tasks/${t.id}` }, t.name || t.id), ' ', badge(t.status))) : h('li', {}, 'nothing'), note);
    } catch { clear(dependents, h('li', {}, 'unknown')); }
  }

  let events = null;
  function restartStream() {
    if (events) events.close();
    lines.length = 0;
    events = stream(`/tasks/${id}/events`, {
      onEvent: ({ type, data }) => {
        if (type === 'task' && data && data.id) {
          const was = task && task.status;
          task = data;
          renderTask();
          if (was && was !== task.status) announce(`Task is ${task.status}`);
        } else if (type === 'progress' && data && task && data.task_id === task.id) {
          // a progress line: {task_id, attempt, status, progress, updated_at}, not the whole task
          task = { ...task, status: data.status || task.status, progress: data.progress, updated_at: data.updated_at };
          renderTask();
        } else if (type === 'log' && data) {
          lines.push({ attempt: data.attempt, stream: data.stream, line: data.line });
          if (follow.checked) queueRender();
          else logInfo.textContent = `${visible().length} lines (new lines arrive; tick “Follow new lines” to see them)`;
        } else if (type === 'error') {
          ctx.alert(data.error || 'the event stream failed');
          return false;
        }
        return true;
      },
      finished: () => !!task && TERMINAL.includes(task.status),
      onState: (s) => { liveState.textContent = s; if (s === 'ended') { queueRender(); loadDependents(); } },
      onError: (e) => { if (e.status === 404) ctx.alert(`No such task: ${e.message}`); },
    });
  }

  get(`/tasks/${id}`).then(({ data }) => { if (!task) { task = data; renderTask(); } }).catch((e) => {
    if (e.status === 404) clear(main, h('h1', {}, 'No such task'), h('p', {}, e.message));
  });
  restartStream();
  loadDependents();
  return () => { if (events) events.close(); };
}
