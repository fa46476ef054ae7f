// A collapsible sidebar section and the "not available yet" note.

import { fill, h } from '../dom.js';

const OPEN_KEY = 'sb.sidebar.closed';

/** A collapsible section (native <details>, so keyboard and screen readers get it for free); remembers its state. */
export function section(key, title) {
  const closed = new Set(JSON.parse(localStorage.getItem(OPEN_KEY) || '[]'));
  const count = h('span', { class: 'section-count' });
  const body = h('div', { class: 'side-body' });
  const el = h('details', { class: 'side-section', 'data-section': key, open: !closed.has(key) },
    h('summary', {}, h('span', { class: 'section-title', text: title }), count), body);
  el.addEventListener('toggle', () => {
    const now = new Set(JSON.parse(localStorage.getItem(OPEN_KEY) || '[]'));
    if (el.open) now.delete(key);
    else now.add(key);
    localStorage.setItem(OPEN_KEY, JSON.stringify([...now]));
  });
  return { el, body, count };
}

export function unavailable(body, what) {
  fill(body, h('p', { class: 'muted unavailable', text: `${what} not available on this hub yet.` }));
}
