// Profiles: named groups of contacts (a customer with several addresses, a company). Search, open, rename,
// attach and detach contacts, notes, contact moments, and delete (after confirming; the contacts stay).

import { all, api, optional } from '../api.js';
import { avatar, confirmDialog, debounce, field, fill, fullTime, h, icon, modal, shortTime, showError, toast } from '../dom.js';
import { conversationHref, navigate } from '../router.js';
import { can, channelLabel } from '../store.js';
import { EntityListPage, notesBlock } from './contacts.js';
import { inlineField, propertyInput } from './inline.js';

export class ProfilesPage extends EntityListPage {
  constructor(host, params) {
    super(host, params, { title: 'Profiles', path: '/profiles', searchLabel: 'Search profiles', newLabel: 'New profile' });
  }

  paintList() {
    fill(this.ui.list, this.items.length ? this.items.map(p => h('li', {}, h('a', { href: '#/profiles/' + p.id, class: 'entity-row',
      'aria-current': p.id === this.id ? 'true' : null, dataset: { profile: String(p.id) } },
      avatar(p.name, '#0f766e'), h('div', { class: 'conv-main' }, h('span', { class: 'conv-name', text: p.name }),
        h('span', { class: 'muted', text: contactCount(p) })))))
      : h('li', { class: 'empty-note', text: this.q ? 'No profile matches.' : 'No profiles yet.' }));
  }

  update(params) {
    if (this.dead) return;
    this.id = params.id;
    this.paintList();
    if (!params.id) {
      fill(this.ui.detail, h('div', { class: 'empty-state' }, icon('profiles', 'empty-icon'), h('h2', { text: 'Pick a profile' }),
        h('p', { text: 'A profile groups the contacts of one customer or company, with notes and every conversation they had.' })));
      return;
    }
    this.show(params.id);
  }

  async show(id) {
    let p;
    try {
      p = await api.get(`/profiles/${id}`);
    } catch (e) {
      fill(this.ui.detail, h('div', { class: 'empty-state', role: 'alert' }, h('h2', { text: 'Profile not found' }), h('p', { text: e.message })));
      return;
    }
    const editable = can('contacts.manage');
    const contactsEl = h('div', { class: 'stack', 'aria-label': 'Attached contacts' });
    const notes = notesBlock(`/profiles/${id}/notes`, editable);
    const momentsEl = h('ul', { class: 'side-list', 'aria-label': 'Contact moments' });
    const filesEl = h('ul', { class: 'side-list', 'aria-label': 'Attachments' });
    const propsEl = h('div', { class: 'prop-list' });
    fill(this.ui.detail, h('div', { class: 'detail-card' },
      h('header', { class: 'detail-head' }, avatar(p.name, '#0f766e', 'avatar-lg'),
        h('div', { class: 'conv-title' }, h('h2', { text: p.name }), h('p', { class: 'muted', text: contactCount(p) })),
        editable ? h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'attach-contact', onclick: () => this.attach(p) }, icon('plus'), 'Attach contact') : null,
        editable ? h('button', { type: 'button', class: 'btn btn-small btn-danger', 'data-action': 'delete-profile', onclick: () => this.remove(p) }, icon('trash'), 'Delete') : null),
      h('dl', { class: 'fields' }, inlineField({ key: 'name', label: 'Name', value: p.name, editable, onSave: async v => {
        await api.patch(`/profiles/${id}`, { name: v });
        await this.load();
        this.show(id);
      } })),
      h('h3', { class: 'detail-sub', text: 'Properties' }), propsEl,
      h('h3', { class: 'detail-sub', text: 'Contacts, by channel' }), contactsEl,
      h('h3', { class: 'detail-sub', text: 'Notes' }), notes.el,
      h('h3', { class: 'detail-sub', text: 'Contact moments' }), momentsEl,
      h('h3', { class: 'detail-sub', text: 'Attachments' }), filesEl));
    this.paintContacts(p, contactsEl, editable);
    notes.load();
    this.moments(id, momentsEl);
    this.files(id, filesEl);
    optional(all('/properties', { scope: 'profile' })).then(r => {
      if (!r.value) return;
      const defs = r.value.filter(x => x.scope === 'profile');
      fill(propsEl, defs.length ? defs.map(d => propertyInput(d, (p.properties || {})[d.key], editable,
        v => api.patch(`/profiles/${id}`, { properties: v }))) : h('p', { class: 'muted', text: 'No profile properties defined.' }));
    }).catch(() => {});
  }

  /** The profile's contacts grouped by the channels they reach us on, each with a detach button. */
  paintContacts(p, el, editable) {
    const groups = p.contacts_by_channel || { other: flatContacts(p).map(c => ({ contact_id: c.id, name: c.name, address: c.email || c.phone })) };
    const detach = c => async () => {
      if (!await confirmDialog({ title: 'Detach contact?', message: `${c.name || 'The contact'} leaves this profile; the contact itself stays.`, confirm: 'Detach' })) return;
      try { await api.del(`/profiles/${p.id}/contacts/${c.contact_id}`); await this.load(); this.show(p.id); } catch (e) { toast(e.message, 'error'); }
    };
    const entries = Object.entries(groups).filter(([, list]) => list && list.length);
    fill(el, entries.length ? entries.map(([channel, list]) => h('div', { class: 'channel-group', dataset: { channel } },
      h('h4', { class: 'group-title', text: channel === 'other' ? 'Other' : channelLabel(channel) }),
      h('ul', { class: 'side-list' }, list.map(c => h('li', { dataset: { contact: String(c.contact_id) } },
        h('a', { href: '#/contacts/' + c.contact_id, class: 'side-item-main' }, h('strong', { text: c.name || 'Contact ' + c.contact_id }),
          h('span', { class: 'muted', text: c.address || '' })),
        editable ? h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'detach', text: 'Detach', onclick: detach(c) }) : null)))))
      : h('p', { class: 'muted', text: 'No contacts attached yet.' }));
  }

  async files(id, el) {
    const r = await optional(api.get(`/profiles/${id}/attachments`, { limit: 50 })).catch(e => ({ error: e }));
    if (!r.value) return fill(el, h('li', { class: 'muted', text: r.unavailable ? 'Not available yet.' : r.error.message }));
    fill(el, r.value.items.length ? r.value.items.map(f => h('li', {},
      h('a', { href: f.url, target: '_blank', rel: 'noopener', class: 'side-item-main' }, h('strong', { text: f.filename || 'file' }),
        h('span', { class: 'muted', text: `${channelLabel(f.channel)} · ${f.direction === 'out' ? 'sent' : 'received'} · ${fullTime(f.created_at)}` }))))
      : h('li', { class: 'muted', text: 'No files exchanged yet.' }));
  }

  async moments(id, el) {
    const r = await optional(api.get(`/profiles/${id}/moments`, { limit: 50 })).catch(e => ({ error: e }));
    if (!r.value) return fill(el, h('li', { class: 'muted', text: r.unavailable ? 'Contact moments are not available yet.' : r.error.message }));
    fill(el, r.value.items.length ? r.value.items.map(m => {
      const convId = m.conversation_id || (m.conversation && m.conversation.id) || m.id;
      return h('li', {}, h('a', { href: conversationHref(null, convId), class: 'side-item-main' },
        h('strong', { text: `${channelLabel(m.channel || (m.conversation && m.conversation.channel))} · ${m.contact_name || (m.contact && m.contact.name) || ''}` }),
        h('span', { class: 'muted', text: m.text || (m.last_message && m.last_message.text) || m.subject || '' })),
      h('span', { class: 'muted', text: shortTime(m.created_at || m.last_activity_at) }));
    }) : h('li', { class: 'muted', text: 'No conversations yet.' }));
  }

  attach(p) {
    const q = h('input', { type: 'search', placeholder: 'Name, e-mail or phone' });
    const results = h('ul', { class: 'choice-list' });
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const m = modal(`Attach a contact to ${p.name}`, h('div', { class: 'stack' }, field('Find a contact', q), results, error));
    const attached = new Set(flatContacts(p).map(c => c.id));
    const find = debounce(async () => {
      try {
        const page = await api.get('/contacts', { q: q.value.trim(), limit: 10 });
        fill(results, page.items.filter(c => !attached.has(c.id)).map(c => h('li', {}, h('button', { type: 'button', class: 'choice',
          dataset: { contact: String(c.id) }, onclick: async () => {
            try {
              await api.put(`/profiles/${p.id}/contacts/${c.id}`);
              m.close();
              toast(`${c.name || 'Contact'} attached.`);
              await this.load();
              this.show(p.id);
            } catch (err) {
              showError(error, err);
            }
          } }, h('strong', { text: c.name || 'Unnamed' }), h('span', { class: 'muted', text: ' ' + [c.email, c.phone].filter(Boolean).join(' · ') })))));
      } catch (err) {
        showError(error, err);
      }
    }, 250);
    q.addEventListener('input', find);
    find();
    q.focus();
  }

  async remove(p) {
    const ok = await confirmDialog({ title: 'Delete profile?', message: `"${p.name}" and its notes are deleted for good. Its contacts stay.`,
      confirm: 'Delete profile' });
    if (!ok) return;
    try {
      await api.del(`/profiles/${p.id}`);
      toast('Profile deleted.');
      await this.load();
      navigate('#/profiles');
    } catch (e) {
      toast(e.message, 'error');
    }
  }

  create() {
    const name = h('input', { type: 'text', name: 'name', required: true });
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const m = modal('New profile', h('form', { class: 'stack', onsubmit: async e => {
      e.preventDefault();
      try {
        const p = await api.post('/profiles', { name: name.value.trim() });
        m.close();
        await this.load();
        navigate('#/profiles/' + p.id);
      } catch (err) {
        showError(error, err);
      }
    } }, field('Name', name), error, h('div', { class: 'dialog-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', text: 'Create profile' }))));
    name.focus();
  }

  destroy() {}
}

/** A profile's contacts, whether the API lists them flat or grouped by channel. */
function flatContacts(p) {
  const c = p.contacts;
  if (!c) return [];
  if (Array.isArray(c)) return c;
  const out = [];
  const seen = new Set();
  for (const [channel, list] of Object.entries(c)) {
    for (const x of list || []) {
      if (seen.has(x.id)) continue;
      seen.add(x.id);
      out.push({ channel, ...x });
    }
  }
  return out;
}

function contactCount(p) {
  const n = p.contact_count ?? flatContacts(p).length;
  return `${n} contact${n === 1 ? '' : 's'}`;
}
