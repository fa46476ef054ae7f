// The contact sidebar: collapsible sections about the person behind the conversation. Each section loads on its
// own and says "not available" when the hub has no API for it yet, instead of breaking the page.

import { all, api, optional } from '../api.js';
import { dateOnly, debounce, field, fill, h, icon, modal, showError, toast } from '../dom.js';
import { can } from '../store.js';
import { CONTACT_FIELDS, inlineField, propertyInput } from './inline.js';
import { section, unavailable } from './section.js';
import { callContact } from './calls.js';
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
    const sequences = new SequencesButton(conv);
    fill(el, this.profile.el, this.properties.el, this.sections.map(s => s.el), sequences.el);
    this.sections.push(sequences);
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
    if (this.propInputs) {
      const values = this.contact.properties || {};
      for (const [key, el] of this.propInputs) el.setValue(values[key]);
    }
  }

  /** A live event about this conversation or its contact. */
  live(f) {
    this.sections.forEach(s => s.live && s.live(f));
  }

  conversationChanged(conv) {
    this.conv = conv;
    this.sections.forEach(s => s.conversationChanged && s.conversationChanged(conv));
  }

  paintProfile(note) {
    const c = this.contact || {};
    const rows = CONTACT_FIELDS.map(([key, label, type]) => inlineField({ key, label, type, value: c[key], editable: this.editable,
      onSave: async v => this.contactChanged(await api.patch(`/contacts/${this.contact.id}`, { [key]: v })) }));
    const profiles = c.profiles || [];
    fill(this.profile.body,
      h('dl', { class: 'fields' }, rows,
        h('div', { class: 'field-row' }, h('dt', { text: 'Created' }), h('dd', { text: c.created_at ? dateOnly(c.created_at) : '—' }))),
      c.blocked ? h('p', { class: 'warning', text: 'This contact is blocked.' }) : null,
      note ? h('p', { class: 'muted unavailable', text: note }) : null,
      h('div', { class: 'side-toolbar' },
        c.phone && can('calls.make') ? h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'call',
          onclick: () => callContact(this.conv, c) }, icon('phone'), 'Call') : h('span'),
        this.editable ? h('button', { type: 'button', class: 'btn btn-small', onclick: () => this.addToProfile() }, icon('plus'), 'Add to profile') : null),
      profiles.length ? h('ul', { class: 'tag-list', 'aria-label': 'Profiles' }, profiles.map(p => h('li', {},
        h('a', { class: 'chip', href: '#/profiles/' + p.id }, icon('profiles'), p.name)))) : null);
  }

  /** Puts this conversation's contact into a profile: an existing one, or a new one named on the spot. */
  addToProfile() {
    const q = h('input', { type: 'search', placeholder: 'Search profiles, or type a new name' });
    const results = h('ul', { class: 'choice-list' });
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const attach = async body => {
      try {
        await api.post(`/conversations/${this.conv.id}/profile`, body);
        m.close();
        toast('Added to the profile.');
        this.loadContact();
      } catch (e) {
        showError(error, e);
      }
    };
    const m = modal('Add to a profile', h('div', { class: 'stack' }, field('Profile', q), results, error));
    const find = debounce(async () => {
      const name = q.value.trim();
      const r = await optional(api.get('/profiles', { q: name, limit: 8 })).catch(e => ({ error: e }));
      if (!r.value) return showError(error, r.error || { message: 'Profiles are not available on this hub yet.' });
      if (!r.value.items.length && !name) return fill(results, h('li', { class: 'muted', text: 'No profiles yet: type a name to create one.' }));
      fill(results, r.value.items.map(p => h('li', {}, h('button', { type: 'button', class: 'choice', onclick: () => attach({ profile_id: p.id }) },
        icon('profiles'), h('strong', { text: p.name }), h('span', { class: 'muted', text: ` · ${p.contact_count ?? ''} contacts` })))),
      name ? h('li', {}, h('button', { type: 'button', class: 'choice', onclick: () => attach({ name }) }, icon('plus'), `Create profile "${name}"`)) : null);
    }, 250);
    q.addEventListener('input', find);
    find();
    q.focus();
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
    const save = async props => {
      const updated = await api.patch(`/contacts/${this.contact.id}`, { properties: props });
      this.contact = { ...this.contact, ...updated };
    };
    this.propInputs = new Map(this.definitions.map(p => [p.key, propertyInput(p, values[p.key], this.editable, save)]));
    fill(this.properties.body, h('div', { class: 'prop-list' }, [...this.propInputs.values()]));
  }

  destroy() {
    this.sections.forEach(s => s.destroy && s.destroy());
  }
}
