// A conversation's history: newest at the bottom, older pages on demand, filtered by activity kind. Activities
// are keyed by id, so one that arrives twice (a reply's own response and its live event, a replay after a
// reconnect) is shown once, and a later status replaces an earlier one, never the reverse.

import { api } from '../api.js';
import { dateOnly, fill, h } from '../dom.js';
import { renderActivity } from './activity.js';

export const KIND_FILTERS = [
  { key: 'all', label: 'All', kinds: null },
  { key: 'messages', label: 'Messages', kinds: ['message'] },
  { key: 'notes', label: 'Notes', kinds: ['note'] },
  { key: 'calls', label: 'Calls & voicemail', kinds: ['call', 'voicemail'] },
  { key: 'system', label: 'System', kinds: ['system'] },
];

const RANK = { queued: 1, sent: 2, delivered: 3, read: 4, failed: 4, received: 1 };

export class History {
  constructor(el, conversationId) {
    this.id = conversationId;
    this.kinds = null;
    this.items = new Map();
    this.nodes = new Map();
    this.cursor = null;
    this.token = 0;
    this.list = h('ol', { class: 'history', 'aria-label': 'Conversation history' });
    this.older = h('button', { type: 'button', class: 'btn btn-ghost btn-small load-older', text: 'Load older activity', hidden: true,
      onclick: () => this.loadOlder() });
    this.note = h('p', { class: 'empty-note', hidden: true });
    this.scroller = h('div', { class: 'history-scroll', tabindex: '0', 'aria-label': 'Conversation history' },
      this.older, this.note, this.list);
    fill(el, this.scroller);
  }

  setKinds(kinds) {
    this.kinds = kinds;
    return this.load();
  }

  accepts(a) {
    return !this.kinds || this.kinds.includes(a.kind);
  }

  async load() {
    const token = ++this.token;
    const page = await api.get(`/conversations/${this.id}/activities`, { kind: this.kinds, limit: 40 });
    if (token !== this.token) return;
    this.items.clear();
    for (const n of this.nodes.values()) n.remove();
    this.nodes.clear();
    page.items.forEach(a => this.merge(a));
    this.cursor = page.next_cursor;
    this.paint();
    this.scrollToEnd();
  }

  /** Reloads the newest page and merges it (after a resync): nothing on screen is lost or doubled. */
  async refresh() {
    const page = await api.get(`/conversations/${this.id}/activities`, { kind: this.kinds, limit: 40 });
    page.items.forEach(a => this.merge(a));
    this.paint();
  }

  async loadOlder() {
    if (!this.cursor) return;
    this.older.disabled = true;
    const before = this.scroller.scrollHeight - this.scroller.scrollTop;
    try {
      const page = await api.get(`/conversations/${this.id}/activities`, { kind: this.kinds, limit: 40, cursor: this.cursor });
      page.items.forEach(a => this.merge(a));
      this.cursor = page.next_cursor;
      this.paint();
      this.scroller.scrollTop = this.scroller.scrollHeight - before;
    } finally {
      this.older.disabled = false;
    }
  }

  /** A new or changed activity (from a reply, a live event or a page). */
  add(a) {
    if (!this.accepts(a)) return;
    const stick = this.nearEnd();
    if (this.merge(a)) this.paint();
    if (stick || (a.direction === 'out' && a.status === 'queued')) this.scrollToEnd();
  }

  /** Keeps the newest version of an activity; true when something changed. */
  merge(a) {
    const old = this.items.get(a.id);
    if (old) {
      const ta = Date.parse(a.updated_at || 0);
      const to = Date.parse(old.updated_at || 0);
      const newer = ta > to || (ta === to && (RANK[a.status] || 0) > (RANK[old.status] || 0));
      if (!newer) return false;
    }
    this.items.set(a.id, a);
    const node = this.nodes.get(a.id);
    if (node) {
      const fresh = renderActivity(a);
      node.replaceWith(fresh);
      this.nodes.set(a.id, fresh);
    }
    return true;
  }

  paint() {
    const sorted = [...this.items.values()].sort((x, y) => x.id - y.id);
    let prev = null;
    let prevDay = null;
    for (const n of this.list.querySelectorAll('.day-divider')) n.remove();
    for (const a of sorted) {
      let node = this.nodes.get(a.id);
      if (!node) {
        node = renderActivity(a);
        this.nodes.set(a.id, node);
      }
      const day = a.created_at ? a.created_at.slice(0, 10) : null;
      if (day && day !== prevDay) {
        const divider = h('li', { class: 'day-divider', role: 'separator', text: dateOnly(a.created_at) });
        this.list.insertBefore(divider, prev ? prev.nextSibling : this.list.firstChild);
        prev = divider;
      }
      prevDay = day;
      const expected = prev ? prev.nextSibling : this.list.firstChild;
      if (expected !== node) this.list.insertBefore(node, expected);
      prev = node;
    }
    this.older.hidden = !this.cursor;
    this.note.hidden = this.items.size > 0;
    this.note.textContent = this.kinds ? 'Nothing of this kind in this conversation yet.' : 'No activity yet.';
  }

  nearEnd() {
    const s = this.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < 120;
  }

  scrollToEnd() {
    requestAnimationFrame(() => { this.scroller.scrollTop = this.scroller.scrollHeight; });
  }
}
