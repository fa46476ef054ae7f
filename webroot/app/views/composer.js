// The composer: a reply on the conversation's channel (from a number or address the agent picks among the inbox's
// endpoints on that channel), or an internal note; attachments; sending later; typing indicators for the team.

import { api, upload } from '../api.js';
import { fill, fullTime, h, icon, showError, fromLocalInput, toast, toLocalInput } from '../dom.js';
import { emit, endpointLabel, inboxById, on, store } from '../store.js';
import { failing, healthText } from './endpoint-health.js';

const sendTime = r => r && (r.send_at || (r.scheduled && r.scheduled.send_at));
import { size } from './activity.js';
import { pickTemplate } from './template-picker.js';
import { CannedMenu } from './canned-menu.js';

const TYPING_EVERY_MS = 3000;
const TYPING_IDLE_MS = 5000;
const drafts = new Map();

export class Composer {
  constructor(el, conversation, { onSent }) {
    this.el = el;
    this.conv = conversation;
    this.onSent = onSent;
    this.mode = 'reply';
    this.files = [];
    this.lastTyping = 0;
    this.build();
    // an error from before the connection dropped is about a state that no longer holds
    this.offs = [on('reconnected', () => showError(this.error, null))];
  }

  build() {
    const tab = (mode, label) => h('button', { type: 'button', role: 'tab', class: 'composer-tab', 'data-mode': mode,
      'aria-selected': String(this.mode === mode), onclick: () => this.setMode(mode) }, label);
    this.tabs = h('div', { class: 'composer-tabs', role: 'tablist', 'aria-label': 'Write' }, tab('reply', 'Reply'), tab('note', 'Internal note'));
    this.from = h('select', { class: 'from-picker', name: 'from_endpoint_id', 'aria-label': 'Send from', onchange: () => this.paintHealth() });
    this.fromHealth = h('p', { class: 'from-health', role: 'note', hidden: true });
    this.fromRow = h('div', { class: 'from-block' }, h('label', { class: 'from-row' }, h('span', { text: 'From' }), this.from), this.fromHealth);
    this.disabledNote = h('p', { class: 'composer-disabled', role: 'note', hidden: true });
    this.text = h('textarea', { class: 'composer-text', rows: '3', 'aria-label': 'Message',
      oninput: () => { this.typed(); this.canned.update(); }, onkeydown: e => this.keys(e),
      onblur: () => { this.stopTyping(); this.canned.close(); } });
    this.text.value = drafts.get(this.conv.id) || '';
    // "/shortcut" offers canned replies
    this.canned = new CannedMenu(this.text, () => this.conv, () => this.typed());
    this.fileInput = h('input', { type: 'file', multiple: true, class: 'visually-hidden', tabindex: '-1', 'aria-hidden': 'true',
      onchange: () => this.attach([...this.fileInput.files]) });
    this.fileList = h('ul', { class: 'upload-list', 'aria-label': 'Files to send' });
    this.attachBtn = h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Attach files', title: 'Attach files',
      onclick: () => this.fileInput.click() }, icon('clip'));
    this.when = h('input', { type: 'datetime-local', class: 'send-at', name: 'send_at', 'aria-label': 'Send at', hidden: true });
    this.laterBtn = h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Send later', title: 'Send later', 'aria-pressed': 'false',
      onclick: () => this.toggleLater() }, icon('clock'));
    // WhatsApp only: approved templates, for writing first or again after the 24-hour window
    this.templateBtn = h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Send a template', title: 'Send a WhatsApp template',
      'data-action': 'template', onclick: () => this.template() }, icon('note'));
    this.error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    this.send = h('button', { type: 'submit', class: 'btn btn-primary send-btn' }, icon('send'), h('span', { text: 'Send' }));
    this.form = h('form', { class: 'composer', 'data-mode': this.mode, onsubmit: e => { e.preventDefault(); this.submit(); } },
      this.tabs, this.disabledNote, this.fromRow, this.canned.el, this.text, this.fileList, this.error,
      h('div', { class: 'composer-actions' }, this.attachBtn, this.fileInput, this.laterBtn, this.templateBtn, this.when,
        h('span', { class: 'composer-hint muted', text: 'Ctrl+Enter to send' }), this.send));
    fill(this.el, this.form);
    this.refresh(this.conv);
  }

  /** The conversation changed (live): endpoint enabled or not, from-picker choices. */
  refresh(conv) {
    this.conv = conv;
    const inbox = inboxById(conv.inbox_id);
    const endpoints = ((inbox && inbox.endpoints) || []).filter(e => e.channel === conv.channel);
    if (!endpoints.some(e => e.id === conv.endpoint_id) && conv.endpoint) endpoints.unshift({ ...conv.endpoint, channel: conv.channel });
    const chosen = this.from.value ? Number(this.from.value) : conv.endpoint_id;
    fill(this.from, endpoints.map(e => {
      const enabled = e.id === conv.endpoint_id ? conv.endpoint.enabled !== false : e.enabled !== false;
      return h('option', { value: String(e.id), disabled: !enabled, selected: e.id === chosen,
        text: endpointLabel(e) + (e.name && e.address && !e.address.startsWith('k_') ? ` <${e.address}>` : '') + (e.primary ? ' · primary' : '')
          + (enabled ? '' : ' (disabled)') + (enabled && failing(e) ? ' · sends failing' : '') });
    }));
    this.endpoints = endpoints;
    this.paintHealth();
    const ep = conv.endpoint || {};
    // a conversation whose endpoint is disabled cannot be answered on it: the reason shows instead of the input
    this.replyBlocked = ep.enabled === false;
    this.disabledNote.textContent = this.replyBlocked
      ? `Sending is disabled on ${endpointLabel(ep)}${ep.disabled_reason ? ': ' + ep.disabled_reason : '.'} You can still add internal notes.` : '';
    this.setMode(this.replyBlocked && this.mode === 'reply' ? 'note' : this.mode);
  }

  /** Under the From picker: whether sends from the chosen endpoint keep failing, and why. */
  paintHealth() {
    const ep = (this.endpoints || []).find(e => String(e.id) === this.from.value);
    const text = healthText(ep);
    this.fromHealth.textContent = text || '';
    this.fromHealth.hidden = !text;
  }

  /** "Schedule" while a send time is set, "Send" otherwise, "Add note" for a note. */
  paintSendLabel() {
    const later = this.laterBtn.getAttribute('aria-pressed') === 'true';
    this.send.lastChild.textContent = this.mode === 'note' ? 'Add note' : later ? 'Schedule' : 'Send';
  }

  setMode(mode) {
    this.mode = mode;
    this.form.dataset.mode = mode;
    for (const t of this.tabs.children) t.setAttribute('aria-selected', String(t.dataset.mode === mode));
    const blocked = mode === 'reply' && this.replyBlocked;
    this.disabledNote.hidden = !this.replyBlocked;
    this.fromRow.hidden = mode !== 'reply';
    this.attachBtn.hidden = mode !== 'reply';
    this.laterBtn.hidden = mode !== 'reply';
    this.templateBtn.hidden = mode !== 'reply' || this.conv.channel !== 'whatsapp';
    this.templateBtn.disabled = blocked;
    this.when.hidden = mode !== 'reply' || this.laterBtn.getAttribute('aria-pressed') !== 'true';
    this.text.disabled = blocked;
    this.send.disabled = blocked;
    this.from.disabled = blocked;
    this.attachBtn.disabled = blocked;
    this.laterBtn.disabled = blocked;
    this.text.placeholder = mode === 'note' ? 'Write an internal note: only your team sees it' : blocked ? 'Sending is disabled on this channel' : 'Write a reply';
    this.text.setAttribute('aria-label', mode === 'note' ? 'Internal note' : 'Reply');
    this.paintSendLabel();
  }

  template() {
    const from = Number(this.from.value) || this.conv.endpoint_id;
    pickTemplate(from, async body => {
      if (from !== this.conv.endpoint_id) body.from_endpoint_id = from;
      const activity = await api.post(`/conversations/${this.conv.id}/messages`, body);
      if (activity && activity.id) this.onSent(activity);
    });
  }

  toggleLater() {
    const on = this.laterBtn.getAttribute('aria-pressed') !== 'true';
    this.laterBtn.setAttribute('aria-pressed', String(on));
    this.when.hidden = !on;
    this.paintSendLabel();
    if (on && !this.when.value) this.when.value = toLocalInput(new Date(Date.now() + 3600_000).toISOString());
    if (on) this.when.focus();
  }

  keys(e) {
    if (this.canned.keydown(e)) return;
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      this.submit();
    }
  }

  typed() {
    drafts.set(this.conv.id, this.text.value);
    if (this.mode !== 'reply' && this.mode !== 'note') return;
    const now = Date.now();
    if (now - this.lastTyping > TYPING_EVERY_MS && this.text.value) {
      this.lastTyping = now;
      if (store.live) store.live.typing(this.conv.id, true);
    }
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  stopTyping() {
    clearTimeout(this.idle);
    if (this.lastTyping && store.live) store.live.typing(this.conv.id, false);
    this.lastTyping = 0;
  }

  async attach(files) {
    this.fileInput.value = '';
    for (const file of files) {
      const item = { file, id: null, state: 'uploading' };
      this.files.push(item);
      this.paintFiles();
      try {
        const res = await upload(file);
        item.id = res.id;
        item.state = 'ready';
      } catch (e) {
        item.state = 'failed';
        item.error = e.message;
      }
      this.paintFiles();
    }
  }

  paintFiles() {
    fill(this.fileList, this.files.map(f => h('li', { class: 'upload', 'data-state': f.state },
      h('span', { text: `${f.file.name} (${size(f.file.size)})` }),
      f.state === 'uploading' ? h('span', { class: 'muted', text: ' uploading…' }) : null,
      f.state === 'failed' ? h('span', { class: 'form-error', text: ' ' + f.error }) : null,
      h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Remove ' + f.file.name,
        onclick: () => { this.files = this.files.filter(x => x !== f); this.paintFiles(); } }, icon('x')))));
  }

  async submit() {
    const text = this.text.value.trim();
    const ready = this.files.filter(f => f.state === 'ready').map(f => f.id);
    if (this.files.some(f => f.state === 'uploading')) {
      showError(this.error, { message: 'Wait for the files to finish uploading.' });
      return;
    }
    if (!text && !(this.mode === 'reply' && ready.length)) {
      showError(this.error, { message: this.mode === 'note' ? 'Write the note first.' : 'Write a reply or attach a file.' });
      this.text.focus();
      return;
    }
    showError(this.error, null);
    this.send.disabled = true;
    try {
      let activity;
      if (this.mode === 'note') {
        activity = await api.post(`/conversations/${this.conv.id}/notes`, { text });
      } else {
        const body = { text: text || undefined, attachments: ready.length ? ready : undefined };
        const from = Number(this.from.value);
        if (from && from !== this.conv.endpoint_id) body.from_endpoint_id = from;
        if (this.laterBtn.getAttribute('aria-pressed') === 'true') body.send_at = fromLocalInput(this.when.value);
        activity = await api.post(`/conversations/${this.conv.id}/messages`, body);
      }
      this.stopTyping();
      this.text.value = '';
      drafts.delete(this.conv.id);
      this.files = [];
      this.paintFiles();
      if (activity && activity.id && activity.kind) {
        this.onSent(activity);
      } else {
        // a message with a send time is scheduled, not sent: the sidebar lists it
        toast(sendTime(activity) ? `Scheduled for ${fullTime(sendTime(activity))}.` : 'Scheduled.');
        emit('scheduled', this.conv.id);
        this.toggleLater();
      }
    } catch (e) {
      showError(this.error, e);
    } finally {
      this.send.disabled = this.mode === 'reply' && this.replyBlocked;
      this.text.focus();
    }
  }

  destroy() {
    this.offs.forEach(off => off());
    this.stopTyping();
  }
}
