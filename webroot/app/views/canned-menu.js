// Canned replies in the composer: "/" at the start of the text or after a space, then a shortcut, opens a menu of the
// matching replies (the workspace's, the agent's own, the conversation's inbox's). Arrow keys move, Enter or Tab
// inserts the highlighted one with its placeholders filled in by the hub, Escape closes. The highlighted reply is
// previewed as it will be inserted.

import { api } from '../api.js';
import { fill, h, toast, uid } from '../dom.js';

const SHOWN = 8;
// "/" and the shortcut typed so far, right before the caret, at the start or after whitespace
const TOKEN = /(^|\s)\/([a-z0-9_-]{0,32})$/;

export class CannedMenu {
  /** textarea: the composer's input; conversation(): the conversation now shown; changed(): after an insert. */
  constructor(textarea, conversation, changed) {
    this.text = textarea;
    this.conversation = conversation;
    this.changed = changed;
    this.id = uid('canned');
    this.list = h('ul', { class: 'canned-list', role: 'listbox', id: this.id, 'aria-label': 'Canned replies' });
    this.preview = h('div', { class: 'canned-preview', 'aria-live': 'polite' });
    this.el = h('div', { class: 'canned-menu', hidden: true }, this.list, this.preview,
      h('p', { class: 'canned-hint muted', text: '↑ ↓ to choose · Enter or Tab to insert · Esc to close' }));
    this.items = null;        // the replies usable here, loaded when the menu opens
    this.shown = [];
    this.active = 0;
    this.token = null;        // {start, end, query} of the "/shortcut" being typed
    this.dismissed = null;    // where the token Escape closed starts: not reopened until another one is typed
    this.rendered = new Map(); // reply id → Promise of its filled text, for this conversation
    this.text.setAttribute('aria-controls', this.id);
    this.text.setAttribute('aria-autocomplete', 'list');
    this.text.setAttribute('aria-expanded', 'false');
  }

  get open() {
    return !this.el.hidden;
  }

  /** After every input and caret move: opens, filters or closes the menu. */
  async update() {
    const caret = this.text.selectionStart;
    const m = this.text.selectionEnd === caret ? TOKEN.exec(this.text.value.slice(0, caret)) : null;
    if (!m) {
      this.dismissed = null;
      this.close();
      return;
    }
    const start = caret - m[2].length - 1;
    if (this.dismissed === start) return;
    this.token = { start, end: caret, query: m[2] };
    if (!this.items) {
      const conv = this.conversation();
      try {
        const r = await api.get('/canned_replies', { inbox_id: conv.inbox_id });
        this.items = r.items || [];
      } catch (e) {
        this.items = [];
      }
      // the text may have changed, or the focus moved away, while the list loaded
      if (!this.token || this.text.selectionStart !== caret || document.activeElement !== this.text) return;
    }
    this.filter();
  }

  filter() {
    const q = this.token.query;
    const starts = this.items.filter(r => r.shortcut.startsWith(q));
    const titled = q ? this.items.filter(r => !r.shortcut.startsWith(q) && r.title.toLowerCase().includes(q)) : [];
    this.shown = [...starts, ...titled].slice(0, SHOWN);
    if (!this.shown.length) {
      this.hide();
      return;
    }
    this.active = 0;
    this.el.hidden = false;
    this.text.setAttribute('aria-expanded', 'true');
    this.paint();
  }

  paint() {
    fill(this.list, this.shown.map((r, i) => h('li', {
      id: `${this.id}-${i}`, role: 'option', class: 'canned-item', 'aria-selected': String(i === this.active),
      dataset: { shortcut: r.shortcut },
      // a click must not take the focus from the text first
      onmousedown: e => e.preventDefault(),
      onclick: () => { this.active = i; this.insert(); },
    }, h('span', { class: 'canned-shortcut', text: '/' + r.shortcut }),
    h('span', { class: 'canned-title', text: r.title }),
    h('span', { class: 'canned-scope muted', text: r.scope === 'personal' ? 'mine' : r.scope === 'inbox' ? r.inbox_name : 'workspace' }))));
    this.text.setAttribute('aria-activedescendant', `${this.id}-${this.active}`);
    const reply = this.shown[this.active];
    this.preview.textContent = '';
    this.render(reply).then(text => {
      if (this.shown[this.active] === reply) this.preview.textContent = text;
    }, e => {
      if (this.shown[this.active] === reply) this.preview.textContent = e.message;
    });
  }

  /** The reply's text filled in for this conversation (asked once per reply). */
  render(reply) {
    if (!this.rendered.has(reply.id)) {
      const p = api.post(`/canned_replies/${reply.id}/render`, { conversation_id: this.conversation().id }).then(r => r.text);
      p.catch(() => this.rendered.delete(reply.id));
      this.rendered.set(reply.id, p);
    }
    return this.rendered.get(reply.id);
  }

  /** The composer's keydown: true when the menu used the key. */
  keydown(e) {
    if (!this.open || e.isComposing || e.altKey || e.ctrlKey || e.metaKey) return false;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      const n = this.shown.length;
      this.active = (this.active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
      this.paint();
    } else if ((e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey) {
      this.insert();
    } else if (e.key === 'Escape') {
      this.dismissed = this.token.start;
      this.close();
    } else {
      return false;
    }
    e.preventDefault();
    e.stopPropagation();
    return true;
  }

  /** Replaces the "/shortcut" with the highlighted reply, filled in. */
  async insert() {
    const reply = this.shown[this.active];
    const token = this.token;
    if (!reply || !token) return;
    const filled = this.render(reply);
    this.close();
    let text;
    try {
      text = await filled;
    } catch (e) {
      toast(e.message, 'error');
      return;
    }
    const v = this.text.value;
    // only if the "/shortcut" is still there as it was
    if (v.slice(token.start, token.end) !== '/' + token.query) return;
    this.text.value = v.slice(0, token.start) + text + v.slice(token.end);
    const caret = token.start + text.length;
    this.text.setSelectionRange(caret, caret);
    this.text.focus();
    this.changed();
  }

  /** Hides the menu while the "/shortcut" matches nothing; typing on may match again. */
  hide() {
    this.el.hidden = true;
    this.shown = [];
    this.text.setAttribute('aria-expanded', 'false');
    this.text.removeAttribute('aria-activedescendant');
  }

  /** Closes the menu and forgets the "/shortcut" and the list (loaded again when one is next typed). */
  close() {
    this.hide();
    this.token = null;
    this.items = null;
    // a reply may change before the menu next opens
    this.rendered.clear();
  }
}
