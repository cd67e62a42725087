// A tiny element builder: text always goes in as text (never HTML), so data from the API cannot inject markup.
export function h(tag, attrs = {}, ...children) {
  const el = tag.startsWith('svg:')
    ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
    : document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function badge(status) {
  const s = status || 'unknown';
  return h('span', { class: `badge s-${s}`, 'data-status': s }, s);
}

/** "3 min ago" style age of an ISO instant. */
export function age(iso, now = Date.now()) {
  if (!iso) return '—';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86400)} d`;
}

export function duration(fromIso, toIso) {
  if (!fromIso) return '—';
  const ms = (toIso ? Date.parse(toIso) : Date.now()) - Date.parse(fromIso);
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`;
}

export function time(iso) {
  return iso ? new Date(iso).toLocaleString() : '—';
}

/** Tells screen readers something changed, politely. */
export function announce(text) {
  const region = document.getElementById('announce');
  if (region) region.textContent = text;
}

export function field(label, control, hint) {
  const id = control.id || `f-${Math.random().toString(36).slice(2)}`;
  control.id = id;
  const errorId = `${id}-error`;
  const error = h('span', { id: errorId, class: 'field-error', hidden: true });
  const hintEl = hint ? h('span', { id: `${id}-hint`, class: 'hint' }, hint) : null;
  control.setAttribute('aria-describedby', [hintEl ? `${id}-hint` : null, errorId].filter(Boolean).join(' '));
  const inline = control.type === 'checkbox';
  return h('div', { class: inline ? 'field inline' : 'field' },
    inline ? [control, h('label', { for: id }, label)] : [h('label', { for: id }, label), control], hintEl, error);
}
