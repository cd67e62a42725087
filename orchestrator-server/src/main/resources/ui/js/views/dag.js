// A cluster workflow as its graph: the cluster task and everything it depends on (servers →
// taskservs → cluster), in columns by depth, each node coloured by its status and kept live from GET /events.
import { get } from '../api.js';
import { announce, badge, clear, h } from '../dom.js';
import { stream } from '../sse.js';

const W = 190, H = 56, GAP_X = 70, GAP_Y = 24, PAD = 20;

export function dagView(main, [rootId]) {
  rootId = rootId.toLowerCase();
  const nodes = new Map(); // id → task
  const figure = h('div', { class: 'dag', id: 'dag' }, h('p', {}, 'Loading the graph…'));
  const list = h('ol', { id: 'dag-list', 'aria-label': 'Tasks in order' });
  const summary = h('p', { id: 'dag-summary', 'aria-live': 'polite' });
  const liveState = h('span', { class: 'hint', id: 'live-state' }, 'connecting…');
  clear(main, h('h1', {}, 'Cluster graph'), summary, figure, h('h2', {}, 'In order'), list,
    h('p', {}, h('a', { href: `#/tasks/${rootId}` }, 'The cluster task'), ' · Live updates: ', liveState));

  async function collect(id) {
    if (nodes.has(id)) return;
    const { data } = await get(`/tasks/${id}`);
    nodes.set(id, data);
    for (const d of data.dependencies || []) await collect(d);
  }

  function levels() {
    const level = new Map();
    const depth = (id, seen = new Set()) => {
      if (level.has(id)) return level.get(id);
      if (seen.has(id)) return 0;
      seen.add(id);
      const t = nodes.get(id);
      const deps = (t && t.dependencies || []).filter((d) => nodes.has(d));
      const l = deps.length ? 1 + Math.max(...deps.map((d) => depth(d, seen))) : 0;
      level.set(id, l);
      return l;
    };
    for (const id of nodes.keys()) depth(id);
    return level;
  }

  function draw() {
    const level = levels();
    const columns = [];
    for (const [id, l] of level) (columns[l] ||= []).push(id);
    const pos = new Map();
    columns.forEach((ids, c) => ids.forEach((id, r) => pos.set(id, { x: PAD + c * (W + GAP_X), y: PAD + r * (H + GAP_Y) })));
    const width = PAD * 2 + columns.length * W + (columns.length - 1) * GAP_X;
    const height = PAD * 2 + Math.max(...columns.map((c) => c.length)) * (H + GAP_Y) - GAP_Y;
    const svg = h('svg:svg', { viewBox: `0 0 ${width} ${height}`, role: 'group', 'aria-label': 'Cluster workflow graph' },
      h('svg:defs', {}, h('svg:marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' },
        h('svg:path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: 'currentColor' }))));
    for (const [id, t] of nodes) {
      for (const d of t.dependencies || []) {
        if (!pos.has(d)) continue;
        const a = pos.get(d), b = pos.get(id);
        svg.append(h('svg:path', { class: 'edge', d: `M ${a.x + W} ${a.y + H / 2} C ${a.x + W + GAP_X / 2} ${a.y + H / 2}, ${b.x - GAP_X / 2} ${b.y + H / 2}, ${b.x} ${b.y + H / 2}` }));
      }
    }
    for (const [id, t] of nodes) {
      const p = pos.get(id);
      const label = nodeLabel(t);
      svg.append(h('svg:a', { href: `#/tasks/${id}`, 'aria-label': `${label}: ${t.status}` },
        h('svg:g', { class: `node s-${t.status}`, 'data-task': id, 'data-status': t.status, transform: `translate(${p.x} ${p.y})` },
          h('svg:rect', { width: W, height: H, rx: 8 }),
          h('svg:text', { x: 12, y: 22 }, label.length > 24 ? `${label.slice(0, 23)}…` : label),
          h('svg:text', { x: 12, y: 42 }, t.status))));
    }
    clear(figure, svg);
    const order = [...nodes.keys()].sort((a, b) => level.get(a) - level.get(b));
    clear(list, order.map((id) => h('li', {}, h('a', { href: `#/tasks/${id}` }, nodeLabel(nodes.get(id))), ' ', badge(nodes.get(id).status))));
    const done = [...nodes.values()].filter((t) => t.status === 'Completed').length;
    summary.textContent = `${done} of ${nodes.size} tasks completed`;
    figure.dataset.allCompleted = String(done === nodes.size);
  }

  function nodeLabel(t) {
    const words = t.args || [];
    const i = words.findIndex((w) => ['servers', 'taskserv', 'cluster'].includes(w));
    if (t.workflow && t.workflow.startsWith('taskserv')) {
      const name = words[words.indexOf('create') + 1] || words[words.length - 1];
      return `taskserv ${name && !name.startsWith('-') ? name : ''}`.trim();
    }
    return t.workflow ? t.workflow.replace('.', ' ') : (words[i] || t.name || t.id.slice(0, 8));
  }

  let events = null;
  collect(rootId).then(() => {
    draw();
    events = stream('/events', {
      onEvent: ({ type, data }) => {
        if (type === 'task' && data && nodes.has(data.id)) {
          const before = nodes.get(data.id).status;
          nodes.set(data.id, data);
          if (before !== data.status) { draw(); announce(`${nodeLabel(data)} is ${data.status}`); }
        }
      },
      onState: (s) => { liveState.textContent = s; },
    });
  }).catch((e) => clear(figure, h('p', {}, `Could not load the graph: ${e.message}`)));
  return () => { if (events) events.close(); };
}
