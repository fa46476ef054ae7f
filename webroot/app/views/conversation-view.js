// The contact view: on the left the chat, with one tab per conversation the contact has with us (one per channel
// endpoint, plus "+" to start one where there is none), an activity filter, the history and the composer; on the
// right the contact's sidebar.

import { all, api } from '../api.js';
import { announce, avatar, debounce, fill, h, icon, toast, toLocalInput, fromLocalInput, modal, field, showError } from '../dom.js';
import { conversationHref, navigate } from '../router.js';
import { CHANNELS, can, channelLabel, contactAddressLabel, contactTitle, emit, endpointLabel, inboxById, loadInboxes, on, store } from '../store.js';
import { failing } from './endpoint-health.js';
import { callContact } from './calls.js';
import { Composer } from './composer.js';
import { History, KIND_FILTERS } from './history.js';
import { ContactSidebar } from './sidebar.js';


export class ConversationView {
  constructor(el, id, { inboxFilter }) {
    this.el = el;
    this.id = id;
    this.inboxFilter = inboxFilter;
    this.conv = null;
    this.siblings = [];
    this.typers = new Map();
    this.filter = 'all';
    this.offs = [];
    this.markRead = debounce(() => api.post(`/conversations/${this.id}/read`).then(() => emit('read', this.id)).catch(() => {}), 400);
    fill(el, h('div', { class: 'loading-note', text: 'Loading conversation…' }));
    this.load();
  }

  async load() {
    try {
      this.conv = await api.get(`/conversations/${this.id}`);
    } catch (e) {
      fill(this.el, h('div', { class: 'empty-state', role: 'alert' }, h('h2', { text: 'Conversation not available' }),
        h('p', { text: e.status === 404 ? 'It does not exist, or it belongs to an inbox you are not a member of.' : e.message })));
      return;
    }
    this.build();
    this.offs.push(on('live', f => this.live(f)), on('reload', () => this.reload()), on('inboxes', () => { this.paintHeader(); this.paintTabs(); this.composer.refresh(this.conv); }),
      on('presence', () => this.paintHeader()));
    // opening a conversation reads it (at once: the agent may move on before a debounce would fire)
    api.post(`/conversations/${this.id}/read`).then(() => emit('read', this.id)).catch(() => {});
    await Promise.all([this.history.load().catch(e => toast(e.message, 'error')), this.loadSiblings()]);
  }

  build() {
    this.header = h('header', { class: 'conv-header' });
    this.tabs = h('div', { class: 'channel-tabs', role: 'tablist', 'aria-label': 'Conversations with this contact' });
    this.filterBar = h('div', { class: 'kind-filter', role: 'group', 'aria-label': 'Show activity' },
      KIND_FILTERS.map(k => h('button', { type: 'button', class: 'seg', 'data-kind': k.key, 'aria-pressed': String(k.key === this.filter),
        text: k.label, onclick: () => this.setFilter(k.key) })));
    const historyEl = h('div', { class: 'history-host' });
    this.typingLine = h('div', { class: 'typing-line', 'aria-live': 'polite' });
    const composerEl = h('div', { class: 'composer-host' });
    const chat = h('section', { class: 'chat', 'aria-label': 'Chat' }, this.header, this.tabs, this.filterBar, historyEl, this.typingLine, composerEl);
    const sideEl = h('aside', { class: 'contact-sidebar', 'aria-label': 'Contact details' });
    fill(this.el, h('div', { class: 'contact-view' }, chat, sideEl));
    this.history = new History(historyEl, this.id);
    this.composer = new Composer(composerEl, this.conv, { onSent: a => a && this.history.add(a) });
    this.sidebar = new ContactSidebar(sideEl, this.conv);
    this.paintHeader();
    this.paintTabs();
    this.applySidebar();
  }

  paintHeader() {
    if (!this.conv) return;
    const c = this.conv;
    const inbox = inboxById(c.inbox_id);
    const name = contactTitle(c);
    const status = h('select', { class: 'status-select', 'aria-label': 'Status', onchange: () => this.setStatus(status.value) },
      ['open', 'pending', 'snoozed', 'resolved'].map(s => h('option', { value: s, text: s[0].toUpperCase() + s.slice(1), selected: c.status === s })));
    const assignee = h('select', { class: 'assignee-select', 'aria-label': 'Assignee', onchange: () => this.assign(assignee.value) });
    const members = store.users.filter(u => u.active !== false);
    const options = [h('option', { value: '', text: 'Unassigned', selected: c.assignee_id == null })];
    for (const u of members) {
      const mine = store.me && u.id === store.me.id;
      if (!mine && !can('conversations.assign') && u.id !== c.assignee_id) continue;
      options.push(h('option', { value: String(u.id), selected: c.assignee_id === u.id, text: (mine ? 'Me' : u.name) + presenceSuffix(u.id) }));
    }
    fill(assignee, options);
    fill(this.header,
      avatar(name, inbox && inbox.color, 'avatar-lg'),
      h('div', { class: 'conv-title' },
        h('h2', { text: name }),
        h('p', { class: 'muted' }, channelLabel(c.channel), ' · ', contactAddressLabel(c), inbox ? ` · ${inbox.name}` : '',
          c.status === 'snoozed' && c.snoozed_until ? ` · snoozed until ${new Date(c.snoozed_until).toLocaleString()}` : '')),
      h('div', { class: 'conv-actions' },
        h('label', { class: 'inline-label' }, h('span', { class: 'visually-hidden', text: 'Status' }), status),
        h('label', { class: 'inline-label' }, h('span', { class: 'visually-hidden', text: 'Assignee' }), assignee),
        (c.channel === 'phone' || (c.contact && c.contact.phone)) && can('calls.make')
          ? h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Call ' + name, title: 'Call', 'data-action': 'call',
            onclick: () => callContact(c, c.contact || {}) }, icon('phone')) : null,
        c.status !== 'resolved' ? h('button', { type: 'button', class: 'btn btn-small', text: 'Resolve', onclick: () => this.setStatus('resolved') }) : null,
        h('button', { type: 'button', class: 'icon-btn sidebar-toggle', title: 'Contact details', 'aria-label': 'Contact details',
          'aria-pressed': String(this.sidebarShown()), onclick: () => this.toggleSidebar() }, icon('contacts'))));
  }

  /** The sidebar can be folded away (on narrow screens it is folded unless asked for); the choice is remembered. */
  sidebarShown() {
    const pref = localStorage.getItem('sb.sidebar');
    return pref ? pref === 'shown' : !window.matchMedia('(max-width: 1360px)').matches;
  }

  toggleSidebar() {
    localStorage.setItem('sb.sidebar', this.sidebarShown() ? 'hidden' : 'shown');
    this.applySidebar();
  }

  applySidebar() {
    const shown = this.sidebarShown();
    this.el.querySelector('.contact-view').classList.toggle('sidebar-hidden', !shown);
    const b = this.header.querySelector('.sidebar-toggle');
    if (b) b.setAttribute('aria-pressed', String(shown));
  }

  async loadSiblings() {
    try {
      this.siblings = await all('/conversations', { contact: this.conv.contact_id }, 200);
    } catch (e) {
      this.siblings = [this.conv];
    }
    this.paintTabs();
  }

  paintTabs() {
    if (!this.conv) return;
    const list = this.siblings.some(s => s.id === this.conv.id) ? this.siblings : [this.conv, ...this.siblings];
    const sub = tabLabels(list);
    const tabs = list.map(s => {
      const ep = s.endpoint || {};
      const disabled = ep.enabled === false;
      const ch = CHANNELS[s.channel] || { icon: 'chat' };
      const selected = s.id === this.conv.id;
      return h('a', { role: 'tab', class: ['channel-tab', disabled ? 'is-disabled' : null], href: conversationHref(this.inboxFilter, s.id),
        'aria-selected': String(selected), tabindex: selected ? '0' : '-1', dataset: { conversation: String(s.id), channel: s.channel },
        title: disabled ? `Sending disabled${ep.disabled_reason ? ': ' + ep.disabled_reason : ''}` : `${channelLabel(s.channel)} · ${endpointLabel(ep)}` },
      icon(ch.icon), h('span', { text: channelLabel(s.channel) }), h('span', { class: 'tab-sub', text: sub.get(s.id) }),
      s.status === 'resolved' ? h('span', { class: 'visually-hidden', text: ' (resolved)' }) : null,
      disabled ? h('span', { class: 'tab-flag', text: 'disabled' }) : null);
    });
    const plus = h('button', { type: 'button', class: 'channel-tab tab-new', 'aria-label': 'Start a conversation on another channel',
      title: 'Start a conversation on another channel', onclick: () => this.startMenu(plus) }, icon('plus'));
    fill(this.tabs, tabs, plus);
    this.tabs.onkeydown = e => {
      const items = [...this.tabs.querySelectorAll('[role=tab]')];
      const at = items.indexOf(document.activeElement);
      if (at < 0) return;
      const next = e.key === 'ArrowRight' ? items[(at + 1) % items.length] : e.key === 'ArrowLeft' ? items[(at - 1 + items.length) % items.length] : null;
      if (next) { e.preventDefault(); next.focus(); }
    };
  }

  /**
   * Where a conversation can start with this contact: the endpoints of the agent's inboxes, as the hub judges them
   * (GET /contacts/{id}/channels). Those where it cannot (no address for the channel, a widget the contact never
   * chatted on, a disabled endpoint, a chat already open) are listed disabled, with the reason.
   */
  async startMenu(anchor) {
    let items;
    try {
      items = (await api.get(`/contacts/${this.conv.contact_id}/channels`)).items || [];
    } catch (e) {
      toast(e.message, 'error');
      return;
    }
    const open = items.filter(i => i.can_start);
    const closed = items.filter(i => !i.can_start);
    const label = i => [h('strong', { text: channelLabel(i.channel) }), h('span', { text: ' ' + endpointLabel(i) }),
      h('span', { class: 'muted', text: ' · ' + i.inbox_name })];
    const m = modal('Start a conversation',
      open.length ? h('ul', { class: 'choice-list' }, open.map(i => h('li', {},
        h('button', { type: 'button', class: 'choice', 'data-endpoint': String(i.endpoint_id), onclick: () => this.start({ id: i.endpoint_id }, m) },
          icon((CHANNELS[i.channel] || {}).icon || 'chat'), label(i)))))
        : h('p', { text: 'There is no channel of your inboxes on which a conversation with this contact can start.' }),
      closed.length ? h('div', { class: 'choice-closed' }, h('h3', { class: 'detail-sub', text: 'Not available' }),
        h('ul', { class: 'choice-list' }, closed.map(i => h('li', {},
          h('button', { type: 'button', class: 'choice', disabled: true, 'aria-disabled': 'true', 'data-endpoint': String(i.endpoint_id),
            'aria-describedby': 'why-' + i.endpoint_id }, icon((CHANNELS[i.channel] || {}).icon || 'chat'), label(i)),
          h('p', { class: 'choice-reason muted small', id: 'why-' + i.endpoint_id, 'data-reason-for': String(i.endpoint_id),
            text: `${channelLabel(i.channel)}: ${sentence(i.reason)}` }))))) : null,
      this.startError = h('p', { class: 'form-error', role: 'alert', hidden: true }));
    anchor.setAttribute('aria-expanded', 'true');
    m.dialog.addEventListener('close', () => anchor.setAttribute('aria-expanded', 'false'));
  }

  async start(ep, m) {
    try {
      const conv = await api.post('/conversations', { contact_id: this.conv.contact_id, endpoint_id: ep.id });
      m.close();
      navigate(conversationHref(this.inboxFilter, conv.id));
    } catch (e) {
      showError(this.startError, e);
    }
  }

  setFilter(key) {
    this.filter = key;
    for (const b of this.filterBar.children) b.setAttribute('aria-pressed', String(b.dataset.kind === key));
    this.history.setKinds(KIND_FILTERS.find(k => k.key === key).kinds).catch(e => toast(e.message, 'error'));
  }

  async setStatus(status) {
    const body = { status };
    if (status === 'snoozed') {
      const until = await askSnooze();
      if (!until) { this.paintHeader(); return; }
      body.snoozed_until = until;
    }
    await this.patch(body);
  }

  async assign(value) {
    await this.patch({ assignee_id: value ? Number(value) : null });
  }

  async patch(body) {
    try {
      this.setConv(await api.patch(`/conversations/${this.id}`, body));
    } catch (e) {
      toast(e.message, 'error');
      this.paintHeader();
    }
  }

  setConv(conv) {
    this.conv = { ...this.conv, ...conv };
    const i = this.siblings.findIndex(s => s.id === conv.id);
    if (i >= 0) this.siblings[i] = { ...this.siblings[i], ...conv };
    this.paintHeader();
    this.paintTabs();
    this.composer.refresh(this.conv);
    this.sidebar.conversationChanged(this.conv);
  }

  live(f) {
    if (!this.conv) return;
    if (f.type === 'inbox.access_revoked' && f.inbox === this.conv.inbox_id) {
      this.gone('You are no longer a member of this conversation\'s inbox.', 'Access removed');
      return;
    }
    if (f.type === 'inbox.updated' && f.data && f.data.endpoint) {
      const ep = f.data.endpoint;
      if (ep.id === this.conv.endpoint_id && !ep.deleted) this.setConv({ endpoint: { ...this.conv.endpoint, ...ep } });
      this.siblings = this.siblings.map(s => s.endpoint_id === ep.id && !ep.deleted ? { ...s, endpoint: { ...s.endpoint, ...ep } } : s);
      this.paintTabs();
      return;
    }
    if (f.type === 'contact.updated' && f.data.contact && f.data.contact.id === this.conv.contact_id) {
      this.sidebar.contactChanged(f.data.contact);
      return;
    }
    if (f.type === 'conversation.deleted' && f.data.conversation_id === this.id) {
      if (f.data.merged_into) {
        toast('This conversation was merged into another one.');
        navigate(conversationHref(this.inboxFilter, f.data.merged_into));
      } else {
        this.gone('This conversation was deleted, with its contact.');
      }
      return;
    }
    if (f.type === 'contact.deleted' && f.data.contact_id === this.conv.contact_id) {
      this.gone('This contact and their conversations were deleted.');
      return;
    }
    if (f.type === 'conversation.deleted') {
      this.siblings = this.siblings.filter(s => s.id !== f.data.conversation_id);
      this.paintTabs();
    }
    this.sidebar.live(f);
    const conv = f.data && f.data.conversation;
    if (conv && conv.contact_id === this.conv.contact_id && conv.id !== this.id && !this.siblings.some(s => s.id === conv.id)) {
      this.siblings.push(conv);
      this.paintTabs();
    }
    if (f.conversation !== this.id) return;
    switch (f.type) {
      case 'message.created':
        this.history.add(f.data.activity);
        if (f.data.activity.direction === 'in') {
          this.clearTyping();
          this.markRead();
          announce(`New message from ${(f.data.activity.sender && f.data.activity.sender.name) || 'the contact'}`);
        }
        if (conv) this.setConv(conv);
        break;
      case 'message.updated':
        this.history.add(f.data.activity);
        this.healthMayHaveChanged(f.data.activity);
        break;
      case 'conversation.updated':
        this.setConv(conv);
        break;
      case 'typing':
        this.showTyping(f.data.user, f.data.typing !== false);
        break;
      default:
    }
  }

  /**
   * A reply of ours failed, is being retried, or went out from an endpoint marked failing: the endpoints' health
   * (shown in the From picker) may have changed, so the inboxes are asked again.
   */
  healthMayHaveChanged(a) {
    if (!a || a.direction !== 'out' || a.kind !== 'message') return;
    const inbox = inboxById(this.conv.inbox_id);
    const ep = ((inbox && inbox.endpoints) || []).find(e => e.id === a.endpoint_id);
    const retrying = a.delivery && a.delivery.retrying;
    if (a.status === 'failed' || retrying ? !failing(ep) : (a.status === 'sent' && failing(ep))) loadInboxes().catch(() => {});
  }

  /** The conversation is no longer there for this agent: say so instead of showing stale content. */
  gone(text, title = 'Conversation closed') {
    fill(this.el, h('div', { class: 'empty-state', role: 'alert' }, h('h2', { text: title }), h('p', { text })));
    this.destroy();
  }

  showTyping(user, on) {
    if (!user || (store.me && user.id === store.me.id)) return;
    clearTimeout(this.typers.get(user.id)?.timer);
    if (on) this.typers.set(user.id, { name: user.name, timer: setTimeout(() => { this.typers.delete(user.id); this.paintTyping(); }, 7000) });
    else this.typers.delete(user.id);
    this.paintTyping();
  }

  clearTyping() {
    for (const t of this.typers.values()) clearTimeout(t.timer);
    this.typers.clear();
    this.paintTyping();
  }

  paintTyping() {
    if (!this.typingLine) return;
    const names = [...this.typers.values()].map(t => t.name);
    this.typingLine.textContent = !names.length ? '' : names.length === 1 ? `${names[0]} is typing…` : `${names.join(', ')} are typing…`;
  }

  async reload() {
    try {
      this.setConv(await api.get(`/conversations/${this.id}`));
      await this.history.refresh();
      await this.loadSiblings();
    } catch (e) {
      // the next live event or reload tries again
    }
  }

  destroy() {
    this.offs.forEach(off => off());
    this.offs = [];
    this.markRead.cancel();
    if (this.composer) this.composer.destroy();
    if (this.sidebar) this.sidebar.destroy();
    this.clearTyping();
  }
}

/**
 * What tells tabs apart: the endpoint's name; where two tabs would read the same, its address too, and for
 * threads on one endpoint (e-mail) their subject.
 */
function tabLabels(list) {
  const labels = new Map(list.map(s => [s.id, endpointLabel(s.endpoint || {})]));
  const twins = () => {
    const seen = new Map();
    for (const s of list) {
      const key = s.channel + '\u0000' + labels.get(s.id);
      seen.set(key, (seen.get(key) || 0) + 1);
    }
    return s => seen.get(s.channel + '\u0000' + labels.get(s.id)) > 1;
  };
  let same = twins();
  for (const s of list) {
    const ep = s.endpoint || {};
    if (same(s) && ep.name && ep.address && !ep.address.startsWith('k_')) labels.set(s.id, `${ep.name} <${ep.address}>`);
  }
  same = twins();
  for (const s of list) {
    if (same(s)) labels.set(s.id, `${labels.get(s.id)} · ${s.subject || '#' + s.id}`);
  }
  return labels;
}

/** The hub's reason ("the contact has no e-mail address") as a sentence: "this contact has no e-mail address." */
function sentence(reason) {
  const r = String(reason || 'not available').replace(/^the contact\b/, 'this contact');
  return /[.!?]$/.test(r) ? r : r + '.';
}

function presenceSuffix(userId) {
  const s = store.presence.get(userId);
  return s === 'online' ? ' ● online' : s === 'away' ? ' ◐ away' : '';
}

/** Asks until when to snooze; resolves an ISO time or null. */
function askSnooze() {
  return new Promise(resolve => {
    const tomorrow = new Date();
    tomorrow.setDate(tomorrow.getDate() + 1);
    tomorrow.setHours(9, 0, 0, 0);
    const input = h('input', { type: 'datetime-local', value: toLocalInput(tomorrow.toISOString()), required: true });
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    let done = false;
    const form = h('form', { class: 'stack', onsubmit: e => {
      e.preventDefault();
      const iso = fromLocalInput(input.value);
      if (!iso || new Date(iso) <= new Date()) { showError(error, { message: 'Pick a time in the future.' }); return; }
      done = true;
      m.close();
      resolve(iso);
    } }, field('Snooze until', input), error,
    h('div', { class: 'dialog-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', text: 'Snooze' })));
    const m = modal('Snooze conversation', form);
    m.dialog.addEventListener('close', () => { if (!done) resolve(null); });
    input.focus();
  });
}
