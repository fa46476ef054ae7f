// The contact sidebar: collapsible sections about the person behind the conversation. Each section loads on its
// own and says "not available" when the hub has no API for it yet, instead of breaking the page.

import { all, api, optional } from '../api.js';
import { dateOnly, fill, h } from '../dom.js';
import { can } from '../store.js';
import { CONTACT_FIELDS, inlineField } from './inline.js';
import { section, unavailable } from './section.js';
import { ChatbotsSection, EventsSection, OpportunitiesSection, ScheduledSection, SequencesButton, TagsSection } from './sidebar-sections.js';

export class ContactSidebar {
  constructor(el, conv) {
    this.el = el;
    this.conv = conv;
    this.contact = { ...conv.contact };
    this.editable = false;
    this.profile = section('profile', 'Profile');
    this.properties = section('properties', 'Properties');
    this.sections = [new OpportunitiesSection(conv), new EventsSection(conv), new TagsSection(conv), new ChatbotsSection(conv),
      new ScheduledSection(conv)];
    fill(el, this.profile.el, this.properties.el, this.sections.map(s => s.el), new SequencesButton(conv).el);
    this.loadContact();
    this.sections.forEach(s => s.load());
  }

  async loadContact() {
    this.paintProfile();
    try {
      const r = await optional(api.get(`/contacts/${this.conv.contact_id}`));
      if (r.unavailable) {
        this.editable = false;
        this.paintProfile('Editing contacts is not available on this hub yet.');
        unavailable(this.properties.body, 'Contact properties are');
        return;
      }
      this.contact = r.value;
      this.editable = can('contacts.manage');
      this.paintProfile();
      this.loadProperties();
    } catch (e) {
      this.paintProfile(e.message);
    }
  }

  contactChanged(contact) {
    this.contact = { ...this.contact, ...contact };
    this.paintProfile();
    if (this.definitions) this.paintProperties();
  }

  conversationChanged(conv) {
    this.conv = conv;
    this.sections.forEach(s => s.conversationChanged && s.conversationChanged(conv));
  }

  paintProfile(note) {
    const c = this.contact || {};
    const rows = CONTACT_FIELDS.map(([key, label, type]) => inlineField({ key, label, type, value: c[key], editable: this.editable,
      onSave: async v => this.contactChanged(await api.patch(`/contacts/${this.contact.id}`, { [key]: v })) }));
    fill(this.profile.body,
      h('dl', { class: 'fields' }, rows,
        h('div', { class: 'field-row' }, h('dt', { text: 'Created' }), h('dd', { text: c.created_at ? dateOnly(c.created_at) : '—' }))),
      c.blocked ? h('p', { class: 'warning', text: 'This contact is blocked.' }) : null,
      note ? h('p', { class: 'muted unavailable', text: note }) : null);
  }

  async loadProperties() {
    const r = await optional(all('/properties', { scope: 'contact' })).catch(e => ({ error: e }));
    if (r.unavailable) { unavailable(this.properties.body, 'Contact properties are'); return; }
    if (r.error) { fill(this.properties.body, h('p', { class: 'form-error', text: r.error.message })); return; }
    this.definitions = r.value.filter(p => !p.scope || p.scope === 'contact');
    this.paintProperties();
  }

  paintProperties() {
    const values = (this.contact && this.contact.properties) || {};
    this.properties.count.textContent = this.definitions.length ? String(this.definitions.length) : '';
    if (!this.definitions.length) {
      fill(this.properties.body, h('p', { class: 'muted', text: 'No properties defined. Admins add them in Settings.' }));
      return;
    }
    fill(this.properties.body, h('div', { class: 'prop-list' }, this.definitions.map(p => this.propertyInput(p, values[p.key]))));
  }

  propertyInput(p, value) {
    const id = 'prop-' + p.key;
    const status = h('span', { class: 'save-state', 'aria-live': 'polite' });
    let input;
    if (p.type === 'boolean') input = h('input', { type: 'checkbox', id, checked: value === true });
    else if (p.type === 'number') input = h('input', { type: 'number', id, step: 'any', value: value ?? '' });
    else if (p.type === 'date') input = h('input', { type: 'date', id, value: value || '' });
    else input = h('input', { type: 'text', id, value: value ?? '' });
    input.dataset.property = p.key;
    input.disabled = !this.editable;
    input.addEventListener('change', async () => {
      let v = p.type === 'boolean' ? input.checked : input.value;
      if (p.type === 'number') v = input.value === '' ? null : Number(input.value);
      if (v === '') v = null;
      status.textContent = 'Saving…';
      try {
        const updated = await api.patch(`/contacts/${this.contact.id}`, { properties: { [p.key]: v } });
        this.contact = { ...this.contact, ...updated };
        status.textContent = 'Saved';
        setTimeout(() => { status.textContent = ''; }, 1500);
      } catch (e) {
        status.textContent = e.message;
        status.classList.add('form-error');
      }
    });
    return h('div', { class: ['prop', 'prop-' + p.type] }, h('label', { for: id, text: p.label || p.key }), input, status);
  }

  destroy() {}
}
