// The conversation list of one inbox or of all of them, filtered by status, assignee, tag and text, kept up to
// date by live events without reloading: new conversations appear, changed ones move, ones that no longer match
// the filters leave.

import { api } from '../api.js';
import { avatar, colorDot, debounce, fill, h, icon, shortTime, timeEl } from '../dom.js';
import { conversationHref, navigate } from '../router.js';
import { CHANNELS, channelLabel, contactTitle, inboxById, memberInboxes, on, store } from '../store.js';

const FILTERS_KEY = 'sb.filters';
const STATUSES = [['open', 'Open'], ['pending', 'Pending'], ['snoozed', 'Snoozed'], ['resolved', 'Resolved'], ['', 'All statuses']];

export class ConversationList {
  constructor(el, { inbox, selected }) {
    this.el = el;
    this.inbox = inbox;
    this.selected = selected;
    this.items = [];
    this.rows = new Map();
    this.cursor = null;
    this.loading = false;
    this.pending = [];
    this.token = 0;
    this.filters = { status: 'open', assignee: '', tag: '', q: '', ...JSON.parse(localStorage.getItem(FILTERS_KEY) || '{}') };
    this.build();
    this.offs = [
      on('live', f => this.live(f)),
      on('reload', () => this.reload()),
      on('read', id => this.setUnread(id, 0)),
      on('tags', () => this.paintTagOptions()),
      on('users', () => this.paintAssigneeOptions()),
      on('inboxes', () => this.paintHead()),
    ];
    this.reload();
  }

  build() {
    const f = this.filters;
    this.title = h('h2', { class: 'panel-title' });
    this.count = h('span', { class: 'muted count' });
    this.status = h('select', { 'aria-label': 'Status', class: 'filter-status', onchange: () => this.setFilter('status', this.status.value) },
      STATUSES.map(([v, label]) => h('option', { value: v, text: label, selected: f.status === v })));
    this.assignee = h('select', { 'aria-label': 'Assignee', class: 'filter-assignee', onchange: () => this.setFilter('assignee', this.assignee.value) });
    this.tag = h('select', { 'aria-label': 'Tag', class: 'filter-tag', onchange: () => this.setFilter('tag', this.tag.value) });
    const search = debounce(v => this.setFilter('q', v), 250);
    this.search = h('input', { type: 'search', class: 'filter-search', placeholder: 'Search messages, names, numbers', 'aria-label': 'Search conversations',
      value: f.q, oninput: () => search(this.search.value.trim()) });
    this.list = h('ul', { class: 'conv-list', 'aria-label': 'Conversation list', onkeydown: e => this.keys(e) });
    this.more = h('button', { type: 'button', class: 'btn btn-ghost btn-block load-more', text: 'Load more', hidden: true, onclick: () => this.loadMore() });
    this.note = h('p', { class: 'empty-note', hidden: true });
    fill(this.el,
      h('div', { class: 'panel-head' }, this.title, this.count),
      h('div', { class: 'filters' },
        h('div', { class: 'panel-search' }, icon('search'), this.search),
        h('div', { class: 'filter-row' }, this.status, this.assignee, this.tag)),
      h('div', { class: 'conv-scroll' }, this.list, this.note, this.more));
    this.paintHead();
    this.paintAssigneeOptions();
    this.paintTagOptions();
    // "/" jumps to the search box from anywhere on the inbox screen
    this.slash = e => {
      if (e.key === '/' && !/input|textarea|select/i.test(document.activeElement.tagName) && !document.activeElement.isContentEditable) {
        e.preventDefault();
        this.search.focus();
      }
    };
    document.addEventListener('keydown', this.slash);
  }

  paintHead() {
    const i = this.inbox ? inboxById(this.inbox) : null;
    fill(this.title, i ? colorDot(i.color) : null, i ? i.name : this.inbox ? 'Inbox' : 'All inboxes');
  }

  paintAssigneeOptions() {
    const v = this.filters.assignee;
    const others = store.users.filter(u => u.active !== false && (!store.me || u.id !== store.me.id));
    fill(this.assignee,
      h('option', { value: '', text: 'Anyone', selected: v === '' }),
      h('option', { value: 'me', text: 'Assigned to me', selected: v === 'me' }),
      h('option', { value: 'none', text: 'Unassigned', selected: v === 'none' }),
      others.map(u => h('option', { value: String(u.id), text: u.name, selected: v === String(u.id) })));
  }

  paintTagOptions() {
    const v = this.filters.tag;
    const names = store.tags.map(t => t.name);
    if (v && !names.includes(v)) names.push(v);
    fill(this.tag, h('option', { value: '', text: 'Any tag', selected: !v }),
      names.map(n => h('option', { value: n, text: '#' + n, selected: v === n })));
  }

  setFilter(key, value) {
    if (this.filters[key] === value) return;
    this.filters[key] = value;
    localStorage.setItem(FILTERS_KEY, JSON.stringify(this.filters));
    this.reload();
  }

  setInbox(inbox) {
    this.inbox = inbox;
    this.paintHead();
    this.reload();
  }

  select(id) {
    this.selected = id;
    for (const [cid, li] of this.rows) {
      const a = li.firstChild;
      if (cid === id) a.setAttribute('aria-current', 'true');
      else a.removeAttribute('aria-current');
    }
  }

  params(cursor) {
    const f = this.filters;
    return { inbox: this.inbox, status: f.status, assignee: f.assignee, tag: f.tag, q: f.q, limit: 50, cursor };
  }

  async reload() {
    const token = ++this.token;
    this.loading = true;
    this.pending = [];
    this.el.classList.add('is-loading');
    try {
      const page = await api.get('/conversations', this.params());
      if (token !== this.token) return;
      this.items = page.items;
      this.cursor = page.next_cursor;
      // live changes that raced the request are applied on top of it
      const pending = this.pending;
      this.pending = [];
      this.loading = false;
      pending.forEach(p => this.upsert(p.conversation, p.incoming, false));
      this.paint();
    } catch (e) {
      if (token !== this.token) return;
      this.loading = false;
      this.items = [];
      this.paint(e.status === 404 ? 'This inbox does not exist, or you are not a member of it.' : e.message);
    } finally {
      if (token === this.token) this.el.classList.remove('is-loading');
    }
  }

  async loadMore() {
    if (!this.cursor) return;
    this.more.disabled = true;
    try {
      const page = await api.get('/conversations', this.params(this.cursor));
      const known = new Set(this.items.map(c => c.id));
      this.items.push(...page.items.filter(c => !known.has(c.id)));
      this.cursor = page.next_cursor;
      this.paint();
    } finally {
      this.more.disabled = false;
    }
  }

  /** Would the server list this conversation under the current filters? */
  matches(c) {
    const f = this.filters;
    if (!memberInboxes().some(i => i.id === c.inbox_id)) return false;
    if (this.inbox && c.inbox_id !== this.inbox) return false;
    if (f.status && c.status !== f.status) return false;
    if (f.assignee === 'me' && c.assignee_id !== store.me.id) return false;
    if (f.assignee === 'none' && c.assignee_id != null) return false;
    if (/^\d+$/.test(f.assignee) && c.assignee_id !== Number(f.assignee)) return false;
    if (f.tag && !(c.tags || []).includes(f.tag)) return false;
    if (f.q) {
      const q = f.q.toLowerCase();
      const hay = [c.contact && c.contact.name, c.contact && c.contact.email, c.contact && c.contact.phone, c.subject,
        c.last_message && c.last_message.text].filter(Boolean).join(' ').toLowerCase();
      if (!hay.includes(q) && !this.items.some(x => x.id === c.id)) return false;
    }
    return true;
  }

  live(f) {
    if (f.type === 'inbox.access_revoked') {
      this.items = this.items.filter(c => c.inbox_id !== f.inbox);
      this.paint();
      return;
    }
    if (f.type === 'conversation.deleted' || f.type === 'contact.deleted') {
      const gone = new Set(f.type === 'conversation.deleted' ? [f.data.conversation_id] : f.data.conversation_ids || []);
      this.items = this.items.filter(c => !gone.has(c.id));
      this.paint();
      return;
    }
    if (f.type === 'inbox.access_granted') {
      this.reload();
      return;
    }
    if (f.type === 'message.updated') {
      const a = f.data.activity;
      const c = this.items.find(x => x.id === a.conversation_id);
      if (c && c.last_message && c.last_message.id === a.id) {
        c.last_message = { ...c.last_message, status: a.status };
        this.paintRow(c);
      }
      return;
    }
    const conv = f.data && f.data.conversation;
    if (!conv || !['conversation.created', 'conversation.updated', 'message.created'].includes(f.type)) return;
    const a = f.data.activity;
    const incoming = f.type === 'message.created' && a && a.direction === 'in' && store.openConversation !== conv.id;
    if (this.loading) this.pending.push({ conversation: conv, incoming });
    this.upsert(conv, incoming, true);
  }

  /** Puts a conversation where it belongs (or takes it out), keeping what the list knew about unread. */
  upsert(conv, incoming, paint) {
    const i = this.items.findIndex(c => c.id === conv.id);
    const before = i >= 0 ? this.items[i] : null;
    const t = iso => Date.parse(iso || 0);
    if (before && t(conv.updated_at) < t(before.updated_at) && t(conv.last_activity_at) <= t(before.last_activity_at)) {
      return; // an older view of it (e.g. replayed while a reload ran)
    }
    const merged = { ...conv, unread: before ? before.unread || 0 : 0 };
    if (incoming) merged.unread = (merged.unread || 0) + 1;
    if (i >= 0) this.items.splice(i, 1);
    if (this.matches(merged)) {
      this.items.push(merged);
      this.items.sort((x, y) => t(y.last_activity_at) - t(x.last_activity_at) || y.id - x.id);
    }
    if (paint) this.paint();
  }

  setUnread(id, n) {
    const c = this.items.find(x => x.id === id);
    if (c && c.unread !== n) {
      c.unread = n;
      this.paintRow(c);
    }
  }

  paint(error) {
    const keep = new Set(this.items.map(c => c.id));
    for (const [id, li] of this.rows) if (!keep.has(id)) { li.remove(); this.rows.delete(id); }
    let prev = null;
    for (const c of this.items) {
      const li = this.paintRow(c);
      const expected = prev ? prev.nextSibling : this.list.firstChild;
      if (expected !== li) this.list.insertBefore(li, expected);
      prev = li;
    }
    this.count.textContent = this.items.length ? String(this.items.length) + (this.cursor ? '+' : '') : '';
    this.more.hidden = !this.cursor;
    this.note.hidden = !!this.items.length && !error;
    this.note.textContent = error || (this.filters.q ? 'No conversation matches your search.' : 'No conversations here. New ones appear as they arrive.');
  }

  paintRow(c) {
    let li = this.rows.get(c.id);
    if (!li) {
      li = h('li', { class: 'conv-item' });
      this.rows.set(c.id, li);
    }
    const inbox = inboxById(c.inbox_id);
    const name = contactTitle(c);
    const lm = c.last_message;
    const fallback = { call: 'Call', voicemail: 'Voicemail' }[lm && lm.kind] || c.subject || 'Message';
    const preview = !lm ? c.subject || 'New conversation' : previewPrefix(lm) + (lm.text || fallback);
    const ch = CHANNELS[c.channel] || { icon: 'chat' };
    const a = h('a', { href: conversationHref(this.inbox, c.id), class: ['conv-row', c.unread ? 'is-unread' : null],
        'aria-current': c.id === this.selected ? 'true' : null, dataset: { conversation: String(c.id), status: c.status, unread: String(c.unread || 0) } },
      avatar(name, inbox && inbox.color),
      h('div', { class: 'conv-main' },
        h('div', { class: 'conv-top' }, h('span', { class: 'conv-name', text: name }), timeEl(c.last_activity_at, shortTime(c.last_activity_at))),
        h('div', { class: 'conv-preview' }, h('span', { class: 'conv-channel', title: channelLabel(c.channel) }, icon(ch.icon)),
          h('span', { class: 'conv-text', text: preview })),
        h('div', { class: 'conv-meta' },
          !this.inbox && inbox ? h('span', { class: 'chip chip-inbox' }, colorDot(inbox.color), inbox.name) : null,
          c.status !== 'open' ? h('span', { class: 'chip chip-status', 'data-status': c.status, text: c.status }) : null,
          (c.tags || []).slice(0, 3).map(t => h('span', { class: 'chip chip-tag', text: '#' + t })),
          c.assignee_name ? h('span', { class: 'chip chip-assignee', title: 'Assigned to ' + c.assignee_name, text: c.assignee_name }) : null)),
      c.unread ? h('span', { class: 'badge', 'aria-label': `${c.unread} unread`, text: String(c.unread) }) : null);
    // repainting replaces the link: keep the keyboard where it was (j/k after opening an unread conversation)
    const focused = li.contains(document.activeElement);
    fill(li, a);
    if (focused) a.focus({ preventScroll: true });
    return li;
  }

  /** Arrow keys (or j/k) move through the list. */
  keys(e) {
    const links = [...this.list.querySelectorAll('.conv-row')];
    const at = links.indexOf(document.activeElement);
    let next = null;
    if (e.key === 'ArrowDown' || e.key === 'j') next = links[Math.min(links.length - 1, at + 1)];
    if (e.key === 'ArrowUp' || e.key === 'k') next = links[Math.max(0, at - 1)];
    if (next) {
      e.preventDefault();
      next.focus();
      navigate(next.getAttribute('href'));
    }
  }

  destroy() {
    this.offs.forEach(off => off());
    document.removeEventListener('keydown', this.slash);
  }
}

/** "Note: ", "You: " for your own reply, another agent's or a bot's name for theirs, nothing for the contact's. */
function previewPrefix(lm) {
  if (lm.kind === 'note') return 'Note: ';
  if (lm.direction !== 'out') return '';
  if (!lm.sender) return 'You: ';
  if (lm.sender.type === 'user' && store.me && lm.sender.id === store.me.id) return 'You: ';
  return lm.sender.name ? lm.sender.name + ': ' : '';
}
