// Storage and operations: the backend in use and an online migration's progress, the audit
// chain's verification (both admin), and a live summary: queue depth, running, completed per minute.
import { get, taskCounts } from '../api.js';
import { clear, h } from '../dom.js';
import { stream } from '../sse.js';

export function storageView(main, _params, ctx) {
  const backend = h('dl', { class: 'facts', id: 'storage-backend' });
  const audit = h('dl', { class: 'facts', id: 'audit-verify' });
  const queue = h('span', { class: 'big', id: 'sum-queue' }, '…');
  const running = h('span', { class: 'big', id: 'sum-running' }, '…');
  const perMinute = h('span', { class: 'big', id: 'sum-completed' }, '…');
  clear(main, h('h1', {}, 'Storage and operations'),
    h('section', { 'aria-labelledby': 'sum-title' }, h('h2', { id: 'sum-title' }, 'Now'),
      h('div', { class: 'cards' },
        h('div', { class: 'card' }, h('div', {}, 'Queue depth (Pending)'), queue),
        h('div', { class: 'card' }, h('div', {}, 'Running'), running),
        h('div', { class: 'card' }, h('div', {}, 'Completed in the last minute'), perMinute))),
    h('section', { 'aria-labelledby': 'backend-title' }, h('h2', { id: 'backend-title' }, 'Storage backend'), backend),
    h('section', { 'aria-labelledby': 'audit-title' }, h('h2', { id: 'audit-title' }, 'Audit log'), audit));

  const adminOnly = (el, what) => clear(el, h('dt', {}, what), h('dd', {}, `needs the admin role (you are ${ctx.role()})`));

  async function loadStorage() {
    if (!ctx.may('admin')) return adminOnly(backend, 'Backend');
    try {
      const { data } = await get('/storage');
      const m = data.migration;
      clear(backend, h('dt', {}, 'Backend'), h('dd', {}, data.type), h('dt', {}, 'Store'), h('dd', {}, data.store || '—'),
        h('dt', {}, 'Migration'), h('dd', {}, m ? migration(m) : 'none since the server started'),
        data.warning ? [h('dt', {}, 'Warning'), h('dd', {}, data.warning)] : null);
      clearTimeout(storageTimer); // a migration started elsewhere shows up, and a running one moves, without a reload
      storageTimer = setTimeout(loadStorage, m && !['SWITCHED', 'FAILED'].includes(String(m.state).toUpperCase()) ? 1000 : 3000);
    } catch (e) {
      clear(backend, h('dt', {}, 'Backend'), h('dd', {}, `${e.status}: ${e.message}`));
    }
  }

  function migration(m) {
    const copied = m.copied || 0;
    const total = m.total || 0;
    const pct = String(m.state).toUpperCase() === 'SWITCHED' ? 100 : total ? Math.round((100 * copied) / total) : 0;
    return h('span', { id: 'migration', 'data-state': m.state },
      `${m.state} ${m.from || ''} → ${m.to || ''} `, h('progress', { max: 100, value: pct, 'aria-label': `migration ${pct}%` }),
      ` ${copied} of ${total} tasks copied`, m.error ? ` — ${m.error}` : '');
  }

  async function loadAudit() {
    if (!ctx.may('admin')) return adminOnly(audit, 'Verification');
    try {
      const { data } = await get('/audit/verify');
      clear(audit, h('dt', {}, 'Chain'), h('dd', { id: 'audit-intact' }, data.intact ? 'intact' : `BROKEN: ${data.problem}`),
        h('dt', {}, 'Entries'), h('dd', {}, `${data.entries} in ${data.files} file(s)`), h('dt', {}, 'Head'), h('dd', {}, h('code', {}, `${data.last_seq}:${data.last_hash}`)));
    } catch (e) {
      clear(audit, h('dt', {}, 'Verification'), h('dd', {}, `${e.status}: ${e.message}`));
    }
  }

  const completedAt = [];
  async function loadCounts() {
    try {
      const counts = await taskCounts();
      queue.textContent = counts.Pending;
      running.textContent = counts.Running;
      if (completedAt.length === 0 && perMinute.textContent === '…') {
        const { data } = await get('/tasks?status=Completed&limit=1000');
        const since = Date.now() - 60000;
        data.forEach((t) => { if (t.completed_at && Date.parse(t.completed_at) > since) completedAt.push(Date.parse(t.completed_at)); });
      }
      const since = Date.now() - 60000;
      while (completedAt.length && completedAt[0] < since) completedAt.shift();
      perMinute.textContent = completedAt.length;
    } catch { /* shown elsewhere */ }
  }
  let storageTimer = null;
  let countsTimer = null;
  const seen = new Set();
  const events = stream('/events', {
    onEvent: ({ type, data }) => {
      if (type !== 'task' || !data) return;
      if (data.status === 'Completed' && data.completed_at && !seen.has(data.id + data.attempts)) {
        seen.add(data.id + data.attempts);
        const at = Date.parse(data.completed_at);
        if (at > Date.now() - 60000 && !completedAt.includes(at)) { completedAt.push(at); completedAt.sort((a, b) => a - b); }
      }
      if (!countsTimer) countsTimer = setTimeout(() => { countsTimer = null; loadCounts(); }, 500);
    },
  });
  const ticker = setInterval(loadCounts, 5000);
  loadStorage(); loadAudit(); loadCounts();
  return () => { events.close(); clearInterval(ticker); clearTimeout(storageTimer); clearTimeout(countsTimer); };
}
