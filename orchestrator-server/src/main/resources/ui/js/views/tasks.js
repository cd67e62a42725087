// The tasks table: counts per status, filters and pages, all done by the server (GET /tasks with
// status, workflow, infra, limit, offset; X-Total-Count), and rows updated live from GET /events.
import { get, taskCounts } from '../api.js';
import { age, announce, badge, clear, h } from '../dom.js';
import { stream } from '../sse.js';

export const STATUSES = ['Pending', 'Running', 'Completed', 'Failed', 'Cancelled'];
const WORKFLOWS = ['servers.create', 'servers.delete', 'taskserv.create', 'taskserv.delete', 'cluster.create'];

export function tasksView(main) {
  const query = new URLSearchParams(sessionStorage.getItem('console.tasks.filter') || '');
  const filter = {
    status: query.get('status') || '',
    workflow: query.get('workflow') || '',
    infra: query.get('infra') || '',
    size: Number(query.get('size') || 25),
    page: 0,
  };
  let rows = [];
  let total = 0;
  let refreshTimer = null;
  const rowEls = new Map();

  const counts = h('ul', { class: 'counts', 'aria-label': 'Tasks per status' });
  const statusSel = h('select', { id: 'filter-status', name: 'status' }, h('option', { value: '' }, 'Any'),
    STATUSES.map((s) => h('option', { value: s }, s)));
  const workflowSel = h('select', { id: 'filter-workflow', name: 'workflow' }, h('option', { value: '' }, 'Any'),
    WORKFLOWS.map((w) => h('option', { value: w }, w)));
  const infraIn = h('input', { id: 'filter-infra', name: 'infra', type: 'search', placeholder: 'e.g. production', size: 14,
    'aria-describedby': 'filter-infra-error' });
  const infraError = h('span', { id: 'filter-infra-error', class: 'field-error', hidden: true });
  const sizeSel = h('select', { id: 'filter-size', name: 'size' }, [10, 25, 50, 100].map((n) => h('option', { value: n }, n)));
  statusSel.value = filter.status; workflowSel.value = filter.workflow; infraIn.value = filter.infra; sizeSel.value = String(filter.size);
  const filters = h('form', { class: 'row', role: 'search', 'aria-label': 'Filter tasks' },
    h('div', { class: 'field' }, h('label', { for: 'filter-status' }, 'Status'), statusSel),
    h('div', { class: 'field' }, h('label', { for: 'filter-workflow' }, 'Workflow'), workflowSel),
    h('div', { class: 'field' }, h('label', { for: 'filter-infra' }, 'Infra'), infraIn, infraError),
    h('div', { class: 'field' }, h('label', { for: 'filter-size' }, 'Per page'), sizeSel));
  const onFilter = () => {
    filter.status = statusSel.value; filter.workflow = workflowSel.value; filter.infra = infraIn.value.trim();
    filter.size = Number(sizeSel.value); filter.page = 0;
    sessionStorage.setItem('console.tasks.filter', new URLSearchParams({ status: filter.status, workflow: filter.workflow,
      infra: filter.infra, size: filter.size }).toString());
    load();
  };
  filters.addEventListener('change', onFilter);
  filters.addEventListener('submit', (e) => { e.preventDefault(); onFilter(); });

  const tbody = h('tbody');
  const table = h('table', { class: 'responsive', id: 'tasks-table' },
    h('caption', { id: 'tasks-caption' }, 'Tasks, newest first'),
    h('thead', {}, h('tr', {}, ['Task', 'Status', 'Workflow', 'Infra', 'Progress', 'Attempts', 'Age'].map((c) => h('th', { scope: 'col' }, c)))),
    tbody);
  const prev = h('button', { type: 'button', onclick: () => { filter.page -= 1; load(); } }, 'Previous page');
  const next = h('button', { type: 'button', onclick: () => { filter.page += 1; load(); } }, 'Next page');
  const pageInfo = h('span', { id: 'page-info', 'aria-live': 'polite' });
  const live = h('span', { class: 'hint', id: 'live-state' }, 'connecting…');

  clear(main, h('h1', {}, 'Tasks'), counts, filters, h('div', { class: 'table-wrap' }, table),
    h('nav', { class: 'pager', 'aria-label': 'Pages' }, prev, pageInfo, next), h('p', {}, 'Live updates: ', live));

  function matches(task) {
    return (!filter.status || task.status === filter.status)
      && (!filter.workflow || task.workflow === filter.workflow)
      && (!filter.infra || task.infra === filter.infra);
  }

  /** The filter as query parameters; the server filters and counts (X-Total-Count is every match). */
  function params(extra = {}) {
    const q = new URLSearchParams();
    for (const key of ['status', 'workflow', 'infra']) if (filter[key]) q.set(key, filter[key]);
    for (const [k, v] of Object.entries(extra)) q.set(k, v);
    return q.toString();
  }

  let loads = 0; // a live refresh and a page change may overlap: only the newest answer is shown
  async function load() {
    const mine = ++loads;
    const page = filter.page;
    try {
      const { data, headers } = await get(`/tasks?${params({ limit: filter.size, offset: page * filter.size })}`);
      const count = Number(headers.get('X-Total-Count') || data.length);
      if (data.length === 0 && page > 0 && count > 0 && mine === loads) { // the page emptied (tasks moved on): show the last one
        filter.page = Math.ceil(count / filter.size) - 1;
        return load();
      }
      if (mine !== loads) return;
      rows = data;
      total = count;
      showFilterError(null);
      renderRows();
    } catch (e) {
      if (mine !== loads) return;
      if (e.status === 400 && /'infra'/.test(e.message)) showFilterError(e.message);
      rows = [];
      total = 0;
      renderRows(`Could not load the tasks (${e.status}): ${e.message}`);
    }
    loadCounts();
  }

  function showFilterError(message) {
    infraError.textContent = message || '';
    infraError.hidden = !message;
    if (message) infraIn.setAttribute('aria-invalid', 'true'); else infraIn.removeAttribute('aria-invalid');
  }

  let countLoads = 0; // counts asked for twice may answer out of order: only the newest answer is shown
  async function loadCounts() {
    const mine = ++countLoads;
    try {
      const byStatus = await taskCounts({ workflow: filter.workflow, infra: filter.infra });
      if (mine !== countLoads) return;
      const numbers = STATUSES.map((s) => byStatus[s] ?? 0);
      counts.setAttribute('aria-label', `Tasks per status${filter.workflow ? `, workflow ${filter.workflow}` : ''}${filter.infra ? `, infra ${filter.infra}` : ''}`);
      clear(counts, STATUSES.map((s, i) => h('li', {}, h('a', {
        href: '#/tasks', class: `badge s-${s}`, 'data-count': s, 'aria-label': `${numbers[i]} ${s}`,
        'aria-current': s === filter.status ? 'true' : null,
        onclick: (e) => { e.preventDefault(); statusSel.value = s === filter.status ? '' : s; onFilter(); },
      }, s, h('span', { class: 'n' }, numbers[i])))));
    } catch { /* the table shows the problem */ }
  }

  function renderRows(problem) {
    const focused = document.activeElement && document.activeElement.closest('tr[data-task]');
    const focusId = focused && focused.dataset.task;
    rowEls.clear();
    clear(tbody, rows.length ? rows.map(rowFor) : h('tr', {}, h('td', { colspan: 7 }, problem || 'No tasks match.')));
    const pages = Math.max(1, Math.ceil(total / filter.size));
    const first = total === 0 ? 0 : filter.page * filter.size + 1;
    pageInfo.textContent = `Page ${Math.min(filter.page + 1, pages)} of ${pages}: ${first}–${filter.page * filter.size + rows.length} of ${total}`;
    pageInfo.dataset.page = String(filter.page + 1);
    pageInfo.dataset.pages = String(pages);
    pageInfo.dataset.total = String(total);
    prev.disabled = filter.page === 0;
    next.disabled = (filter.page + 1) * filter.size >= total;
    if (focusId && rowEls.has(focusId)) rowEls.get(focusId).querySelector('a').focus();
  }

  function rowFor(task) {
    const tr = h('tr', { 'data-task': task.id, 'data-status': task.status });
    fillRow(tr, task);
    rowEls.set(task.id, tr);
    return tr;
  }

  function fillRow(tr, task) {
    const pct = (task.progress && task.progress.percent) || 0;
    tr.dataset.status = task.status;
    clear(tr,
      h('td', { 'data-label': 'Task' }, h('a', { href: `#/tasks/${task.id}` }, task.name || task.id.slice(0, 8))),
      h('td', { 'data-label': 'Status' }, badge(task.status)),
      h('td', { 'data-label': 'Workflow' }, task.workflow || '—'),
      h('td', { 'data-label': 'Infra' }, task.infra || '—'),
      h('td', { 'data-label': 'Progress' }, h('progress', { max: 100, value: pct, 'aria-label': `${pct}% done` }), ` ${pct}%`),
      h('td', { 'data-label': 'Attempts' }, `${task.attempts}/${task.max_attempts}`),
      h('td', { 'data-label': 'Age' }, h('time', { datetime: task.created_at, title: task.created_at }, age(task.created_at))));
  }

  function scheduleRefresh() {
    if (refreshTimer) return;
    refreshTimer = setTimeout(() => { refreshTimer = null; load(); }, 700);
  }

  const events = stream('/events', {
    onEvent: ({ type, data }) => {
      if (type === 'progress' && data && data.task_id) {
        // a progress line carries only the progress: merge it into the row's task
        const i = rows.findIndex((r) => r.id === data.task_id);
        const tr = rowEls.get(data.task_id);
        if (i >= 0 && tr) {
          rows[i] = { ...rows[i], progress: data.progress, updated_at: data.updated_at };
          fillRow(tr, rows[i]);
        }
        return;
      }
      if (type !== 'task' || !data || !data.id) return;
      const tr = rowEls.get(data.id);
      if (tr && matches(data)) {
        const before = tr.dataset.status;
        fillRow(tr, data);
        const i = rows.findIndex((r) => r.id === data.id);
        if (i >= 0) rows[i] = data;
        if (before !== data.status) {
          announce(`${data.name || data.id} is ${data.status}`);
          loadCountsSoon();
        }
      } else if (tr || matches(data)) {
        // a row that left the filter (its status changed), or a task that joins it: the server says which page holds what
        scheduleRefresh();
      } else {
        loadCountsSoon();
      }
    },
    onState: (s) => { live.textContent = s; },
  });
  let countsTimer = null;
  function loadCountsSoon() {
    if (countsTimer) return;
    countsTimer = setTimeout(() => { countsTimer = null; loadCounts(); }, 700);
  }
  const ticker = setInterval(() => {
    for (const t of tbody.querySelectorAll('time')) t.textContent = age(t.getAttribute('datetime'));
  }, 5000);

  load();
  return () => { events.close(); clearInterval(ticker); clearTimeout(refreshTimer); clearTimeout(countsTimer); };
}
