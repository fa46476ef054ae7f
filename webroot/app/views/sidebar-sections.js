// Sidebar sections around a conversation: opportunities, calendar events, tags, chatbots, scheduled messages and
// sequences. Each talks to its own API and degrades to "not available" on a hub without it.

import { all, api, optional } from '../api.js';
import { compactTime, confirmDialog, field, fill, fromLocalInput, fullTime, h, icon, modal, showError, toast, toLocalInput } from '../dom.js';
import { on, store } from '../store.js';
import { section, unavailable } from './section.js';

export class OpportunitiesSection {
  constructor(conv) {
    this.conv = conv;
    this.activeOnly = true;
    const s = section('opportunities', 'Opportunities');
    Object.assign(this, s);
  }

  async load() {
    const r = await optional(api.get(`/contacts/${this.conv.contact_id}/opportunities`, { active: this.activeOnly ? 'true' : null, limit: 100 }))
      .catch(e => ({ error: e }));
    if (r.unavailable) return unavailable(this.body, 'Opportunities are');
    if (r.error) return fill(this.body, h('p', { class: 'form-error', text: r.error.message }));
    this.items = r.value.items;
    this.total = r.value.count ?? this.items.length;
    this.activeValue = r.value.active_value || null;
    this.paint();
  }

  /** Live: an opportunity of this contact changed somewhere else. */
  live(f) {
    if (f.type.startsWith('opportunity.') && f.data.opportunity && f.data.opportunity.contact_id === this.conv.contact_id) this.load();
  }

  paint() {
    this.count.textContent = String(this.total);
    const worth = this.activeValue && Object.keys(this.activeValue).length
      ? 'Active value: ' + Object.entries(this.activeValue).map(([cur, v]) => `${cur} ${v}`).join(', ') : null;
    const toggle = h('label', { class: 'switch' },
      h('input', { type: 'checkbox', role: 'switch', checked: this.activeOnly, 'aria-label': 'Active opportunities only',
        onchange: e => { this.activeOnly = e.target.checked; this.load(); } }),
      h('span', { text: 'Active only' }));
    fill(this.body, h('div', { class: 'side-toolbar' }, toggle,
      h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'add-opportunity', onclick: () => this.form() }, icon('plus'), 'Add')),
    worth ? h('p', { class: 'muted', text: worth }) : null,
    this.items.length ? h('ul', { class: 'side-list' }, this.items.map(o => h('li', { class: 'opportunity', dataset: { opportunity: String(o.id) } },
      h('div', { class: 'side-item-main' }, h('strong', { text: o.title }),
        h('span', { class: 'muted', text: [o.value != null ? `${o.value} ${o.currency || ''}`.trim() : null, o.stage].filter(Boolean).join(' · ') })),
      h('span', { class: 'chip', 'data-status': o.status, text: o.status }),
      h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Edit ' + o.title, onclick: () => this.form(o) }, icon('edit')))))
      : h('p', { class: 'muted', text: this.activeOnly ? 'No active opportunities.' : 'No opportunities.' }));
  }

  form(o) {
    const title = h('input', { type: 'text', name: 'title', required: true, value: o ? o.title : '' });
    const value = h('input', { type: 'number', name: 'value', step: '0.01', value: o && o.value != null ? o.value : '' });
    const currency = h('input', { type: 'text', name: 'currency', maxlength: '3', value: o ? o.currency || '' : 'EUR' });
    const stage = h('input', { type: 'text', name: 'stage', value: o ? o.stage || '' : '' });
    const status = h('select', { name: 'status' }, ['active', 'won', 'lost'].map(s => h('option', { value: s, text: s, selected: (o ? o.status : 'active') === s })));
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const m = modal(o ? 'Edit opportunity' : 'New opportunity', h('form', { class: 'stack', onsubmit: async e => {
      e.preventDefault();
      const body = { title: title.value.trim(), value: value.value === '' ? null : Number(value.value),
        currency: currency.value.trim().toUpperCase() || null, stage: stage.value.trim() || null, status: status.value };
      try {
        if (o) await api.patch(`/opportunities/${o.id}`, body);
        else await api.post(`/contacts/${this.conv.contact_id}/opportunities`, body);
        m.close();
        this.load();
      } catch (err) {
        showError(error, err);
      }
    } }, field('Title', title), h('div', { class: 'row' }, field('Value', value), field('Currency', currency)),
    field('Stage', stage), field('Status', status), error,
    h('div', { class: 'dialog-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', text: o ? 'Save' : 'Add opportunity' }))));
    title.focus();
  }
}

export class EventsSection {
  constructor(conv) {
    this.conv = conv;
    Object.assign(this, section('events', 'Events'));
  }

  live(f) {
    if (f.type.startsWith('calendar_event.') && f.conversation === this.conv.id) this.load();
  }

  async load() {
    const r = await optional(api.get(`/conversations/${this.conv.id}/events`, { limit: 100 })).catch(e => ({ error: e }));
    if (r.unavailable) return unavailable(this.body, 'Calendar events are');
    if (r.error) return fill(this.body, h('p', { class: 'form-error', text: r.error.message }));
    const items = r.value.items;
    this.count.textContent = String(items.length);
    fill(this.body, h('div', { class: 'side-toolbar' }, h('span'),
      h('button', { type: 'button', class: 'btn btn-small', onclick: () => this.form() }, icon('plus'), 'Add')),
    items.length ? h('ul', { class: 'side-list' }, items.map(ev => h('li', { dataset: { event: String(ev.id) } },
      h('div', { class: 'side-item-main' }, h('strong', { text: ev.title }),
        h('span', { class: 'muted', text: fullTime(ev.starts_at) + (ev.location ? ' · ' + ev.location : '') })),
      h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Delete event ' + ev.title, onclick: async () => {
        if (!await confirmDialog({ title: 'Delete event?', message: `"${ev.title}" will be removed from the calendar.` })) return;
        try { await api.del(`/events/${ev.id}`); this.load(); } catch (e) { toast(e.message, 'error'); }
      } }, icon('trash')))))
      : h('p', { class: 'muted', text: 'No events.' }));
  }

  form() {
    const start = new Date(Date.now() + 86400_000);
    start.setMinutes(0, 0, 0);
    const title = h('input', { type: 'text', name: 'title', required: true });
    const starts = h('input', { type: 'datetime-local', name: 'starts_at', required: true, value: toLocalInput(start.toISOString()) });
    const ends = h('input', { type: 'datetime-local', name: 'ends_at', required: true, value: toLocalInput(new Date(start.getTime() + 1800_000).toISOString()) });
    const location = h('input', { type: 'text', name: 'location' });
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const m = modal('New event', h('form', { class: 'stack', onsubmit: async e => {
      e.preventDefault();
      try {
        await api.post(`/conversations/${this.conv.id}/events`, { title: title.value.trim(), starts_at: fromLocalInput(starts.value),
          ends_at: fromLocalInput(ends.value), location: location.value.trim() || null });
        m.close();
        this.load();
      } catch (err) {
        showError(error, err);
      }
    } }, field('Title', title), h('div', { class: 'row' }, field('Starts', starts), field('Ends', ends)), field('Location', location), error,
    h('div', { class: 'dialog-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', text: 'Add event' }))));
    title.focus();
  }
}

export class TagsSection {
  constructor(conv) {
    this.conv = conv;
    Object.assign(this, section('tags', 'Tags'));
  }

  load() {
    this.paint();
  }

  conversationChanged(conv) {
    this.conv = conv;
    this.paint();
  }

  paint() {
    const tags = this.conv.tags || [];
    this.count.textContent = tags.length ? String(tags.length) : '';
    const listId = 'tag-options-' + this.conv.id;
    const input = h('input', { type: 'text', list: listId, placeholder: 'Add a tag', 'aria-label': 'Add a tag', class: 'tag-input' });
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    fill(this.body,
      h('ul', { class: 'tag-list', 'aria-label': 'Tags' }, tags.map(t => h('li', { class: 'chip chip-tag', dataset: { tag: t } }, '#' + t,
        h('button', { type: 'button', class: 'chip-x', 'aria-label': 'Remove tag ' + t, onclick: () => this.change(t, false, error) }, icon('x'))))),
      h('form', { class: 'tag-form', onsubmit: e => { e.preventDefault(); if (input.value.trim()) this.change(input.value.trim(), true, error); } },
        input, h('datalist', { id: listId }, store.tags.map(t => h('option', { value: t.name }))),
        h('button', { type: 'submit', class: 'btn btn-small', text: 'Add' })),
      error);
  }

  async change(tag, add, error) {
    try {
      const path = `/conversations/${this.conv.id}/tags/${encodeURIComponent(tag)}`;
      const conv = add ? await api.put(path) : await api.del(path);
      if (conv && conv.id) {
        this.conv = { ...this.conv, ...conv };
      } else if (!add) {
        this.conv = { ...this.conv, tags: (this.conv.tags || []).filter(t => t !== tag.toLowerCase()) };
      }
      this.paint();
    } catch (e) {
      showError(error, e);
    }
  }
}

export class ChatbotsSection {
  constructor(conv) {
    this.conv = conv;
    Object.assign(this, section('chatbots', 'Chatbots'));
  }

  async load() {
    const r = await optional(all('/chatbots')).catch(e => ({ error: e }));
    if (r.unavailable) return unavailable(this.body, 'Chatbots are');
    if (r.error) return fill(this.body, h('p', { class: 'form-error', text: r.error.message }));
    this.bots = r.value;
    await this.loadAttending();
    this.paint();
  }

  /** The bots attending this conversation now: added by an agent, or the inbox's default. */
  async loadAttending() {
    const r = await optional(api.get(`/conversations/${this.conv.id}/chatbots`)).catch(() => ({}));
    this.attending = r.value ? r.value.items || [] : [];
  }

  live(f) {
    if (this.bots && f.type === 'conversation.updated' && f.conversation === this.conv.id
        && (f.data.changes || []).includes('chatbots')) this.loadAttending().then(() => this.paint());
  }

  paint() {
    const on = new Map(this.attending.map(a => [a.chatbot_id, a]));
    this.count.textContent = on.size ? String(on.size) : '';
    if (!this.bots.length) return fill(this.body, h('p', { class: 'muted', text: 'No chatbots set up.' }));
    fill(this.body, h('ul', { class: 'side-list' }, this.bots.map(b => {
      const a = on.get(b.id);
      const note = !a ? (b.enabled === false ? 'disabled' : '') : a.source === 'inbox' ? "attending (the inbox's default)"
        : a.awaiting_property ? `waiting for an answer (${a.awaiting_property})` : 'attending';
      return h('li', { dataset: { chatbot: String(b.id), attending: String(!!a) } },
        icon('bot'), h('span', { class: 'side-item-main' }, h('strong', { text: b.name }), note ? h('span', { class: 'muted', text: note }) : null),
        h('button', { type: 'button', class: 'btn btn-small', 'aria-pressed': String(!!a), text: a ? 'Remove' : 'Add',
          disabled: !a && b.enabled === false, onclick: async () => {
            try {
              const path = `/conversations/${this.conv.id}/chatbots/${b.id}`;
              if (a) await api.del(path);
              else await api.put(path);
              await this.loadAttending();
              this.paint();
            } catch (e) {
              toast(e.message, 'error');
            }
          } }));
    })));
  }
}

export class ScheduledSection {
  constructor(conv) {
    this.conv = conv;
    Object.assign(this, section('scheduled', 'Scheduled messages'));
    this.off = on('scheduled', id => { if (id === this.conv.id) this.load(); });
  }

  /** Scheduled messages change live (created, sent, canceled, failed). */
  live(f) {
    if (f.conversation === this.conv.id && f.type.startsWith('scheduled.')) this.load();
  }

  destroy() {
    this.off();
  }

  async load() {
    const r = await optional(api.get(`/conversations/${this.conv.id}/scheduled`, { limit: 100 })).catch(e => ({ error: e }));
    if (r.unavailable) return unavailable(this.body, 'Scheduled messages are');
    if (r.error) return fill(this.body, h('p', { class: 'form-error', text: r.error.message }));
    const items = r.value.items;
    this.count.textContent = String(items.filter(s => s.status === 'pending').length || '');
    fill(this.body, items.length ? h('ul', { class: 'side-list' }, items.map(s => h('li', { class: 'scheduled', dataset: { scheduled: String(s.id), status: s.status } },
      h('div', { class: 'side-item-main' }, h('strong', { text: compactTime(s.send_at), title: fullTime(s.send_at) }), h('span', { class: 'muted clamp', text: s.preview || s.text || '' }),
        s.status === 'failed' && s.error ? h('span', { class: 'form-error', text: typeof s.error === 'string' ? s.error : s.error.message || '' }) : null),
      h('span', { class: 'chip', 'data-status': s.status, text: s.status }),
      s.status === 'pending' ? h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Delete scheduled message', 'data-action': 'delete-scheduled',
        onclick: () => this.remove(s) }, icon('trash')) : null)))
      : h('p', { class: 'muted', text: 'Nothing scheduled. Use the clock in the composer to send later.' }));
  }

  async remove(s) {
    const ok = await confirmDialog({ title: 'Delete scheduled message?',
      message: `The message planned for ${fullTime(s.send_at)} will not be sent.`, confirm: 'Delete message' });
    if (!ok) return;
    try {
      await api.del(`/scheduled/${s.id}`);
      toast('Scheduled message deleted.');
      this.load();
    } catch (e) {
      toast(e.message, 'error');
    }
  }
}

export class SequencesButton {
  constructor(conv) {
    this.conv = conv;
    this.running = h('ul', { class: 'side-list running-sequences', 'aria-label': 'Running sequences' });
    this.el = h('div', { class: 'side-footer' }, this.running, h('button', { type: 'button', class: 'btn btn-block', 'data-action': 'sequences',
      onclick: () => this.open() }, icon('clock'), 'Sequences…'));
  }

  live(f) {
    if (f.type.startsWith('enrollment.') && f.conversation === this.conv.id) this.load();
  }

  /** The sequences running on this conversation, each with its progress and Stop; nothing when none runs. */
  async load() {
    const r = await optional(api.get(`/conversations/${this.conv.id}/sequences`)).catch(() => ({}));
    const runs = r.value ? (r.value.items || []).filter(e => e.status === 'active') : [];
    fill(this.running, runs.map(e => h('li', { class: 'running-sequence', dataset: { enrollment: String(e.id) } },
      h('span', { class: 'side-item-main' }, h('strong', { text: `Sequence running: ${e.sequence_name || 'Sequence'}` }),
        h('span', { class: 'muted', text: `${e.steps_sent ?? 0} of ${e.steps_total ?? '?'} sent` + (e.next_at ? ` · next ${compactTime(e.next_at)}` : '') })),
      h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'stop-sequence', text: 'Stop', onclick: async () => {
        if (!await confirmDialog({ title: 'Stop this sequence?', message: 'Its remaining steps will not be sent.', confirm: 'Stop sequence' })) return;
        try { await api.del(`/conversations/${this.conv.id}/sequences/${e.id}`); toast('Sequence stopped.'); this.load(); } catch (err) { toast(err.message, 'error'); }
      } }))));
    this.running.hidden = !runs.length;
  }

  /** The conversation's follow-up sequences (running ones can be canceled) and the ones that can be started. */
  async open() {
    const body = h('div', { class: 'stack' }, h('p', { class: 'muted', text: 'Loading…' }));
    const m = modal('Sequences', body);
    const r = await optional(all('/sequences')).catch(e => ({ error: e }));
    if (r.unavailable) return unavailable(body, 'Sequences are');
    if (r.error) return fill(body, h('p', { class: 'form-error', text: r.error.message }));
    const enrolled = await optional(api.get(`/conversations/${this.conv.id}/sequences`)).catch(() => ({}));
    const runs = enrolled.value ? enrolled.value.items || [] : [];
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const active = new Set(runs.filter(e => e.status === 'active').map(e => e.sequence_id));
    fill(body,
      runs.length ? [h('h3', { class: 'detail-sub', text: 'On this conversation' }), h('ul', { class: 'side-list' }, runs.map(e => h('li', { dataset: { enrollment: String(e.id) } },
        h('span', { class: 'side-item-main' }, h('strong', { text: e.sequence_name || 'Sequence' }),
          h('span', { class: 'muted', text: `${e.steps_sent ?? 0} of ${e.steps_total ?? '?'} sent` + (e.status === 'active' && e.next_at ? ` · next ${fullTime(e.next_at)}`
            : e.stop_reason ? ` · ${e.stop_reason}` : '') })),
        h('span', { class: 'chip', 'data-status': e.status === 'active' ? 'pending' : e.status === 'completed' ? 'sent' : 'canceled', text: e.status }),
        e.status === 'active' ? h('button', { type: 'button', class: 'btn btn-small', text: 'Cancel', onclick: async () => {
          if (!await confirmDialog({ title: 'Cancel this sequence?', message: 'Its remaining steps will not be sent.', confirm: 'Cancel sequence' })) return;
          try { await api.del(`/conversations/${this.conv.id}/sequences/${e.id}`); m.close(); toast('Sequence canceled.'); this.load(); } catch (err) { showError(error, err); }
        } }) : null)))] : null,
      h('h3', { class: 'detail-sub', text: 'Start one' }),
      r.value.length ? h('ul', { class: 'choice-list' }, r.value.map(s => h('li', {}, h('button', { type: 'button', class: 'choice',
        disabled: active.has(s.id), dataset: { sequence: String(s.id) }, onclick: async () => {
          try {
            await api.post(`/conversations/${this.conv.id}/sequences`, { sequence_id: s.id });
            m.close();
            toast(`Sequence "${s.name}" started.`);
            this.load();
          } catch (e) {
            showError(error, e);
          }
        } }, h('strong', { text: s.name }), h('span', { class: 'muted', text: ` · ${plural((s.steps || []).length, 'step')}${active.has(s.id) ? ' · running' : ''}` })))))
        : h('p', { class: 'muted', text: 'No sequences yet. Admins create them through the API (/api/v1/sequences).' }),
      h('p', { class: 'muted small', text: 'Follow-ups go out as messages from you and stop when the contact replies.' }),
      error);
  }
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
