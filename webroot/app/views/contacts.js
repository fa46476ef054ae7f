// Contacts: search, open, edit, merge a duplicate, delete (after confirming), and the contact's conversations.

import { all, api, optional } from '../api.js';
import { avatar, confirmDialog, dateOnly, debounce, field, fill, fullTime, h, icon, modal, shortTime, showError, toast } from '../dom.js';
import { conversationHref, navigate } from '../router.js';
import { can, channelLabel, inboxById } from '../store.js';
import { CONTACT_FIELDS, inlineField, propertyInput } from './inline.js';

/** A list-and-detail page skeleton shared by contacts and profiles. */
export function splitPage(host, { title, searchLabel, onSearch, newLabel, onNew }) {
  const search = debounce(v => onSearch(v), 250);
  const input = h('input', { type: 'search', placeholder: searchLabel, 'aria-label': searchLabel, oninput: () => search(input.value.trim()) });
  const list = h('ul', { class: 'entity-list', 'aria-label': title });
  const more = h('button', { type: 'button', class: 'btn btn-ghost btn-block', text: 'Load more', hidden: true });
  const detail = h('section', { class: 'detail-pane', 'aria-label': title + ' details' });
  host.className = 'page-host split-page';
  fill(host,
    h('section', { class: 'list-pane', 'aria-label': title },
      h('div', { class: 'panel-head' }, h('h1', { class: 'panel-title', text: title }),
        onNew ? h('button', { type: 'button', class: 'btn btn-small btn-primary', onclick: onNew }, icon('plus'), newLabel) : null),
      h('div', { class: 'panel-search' }, icon('search'), input),
      h('div', { class: 'conv-scroll' }, list, more)),
    detail);
  return { input, list, more, detail };
}

export function notAvailable(host, what) {
  host.className = 'page-host';
  fill(host, h('div', { class: 'empty-state' }, icon('contacts', 'empty-icon'), h('h2', { text: `${what} are not available yet` }),
    h('p', { text: `This hub does not offer the ${what.toLowerCase()} API yet. Conversations still show each contact's details.` })));
}

/** The list half of a list-and-detail page: search, paging, and what to show when the API is not there. */
export class EntityListPage {
  constructor(host, params, { title, path, searchLabel, newLabel }) {
    this.host = host;
    this.path = path;
    this.title = title;
    this.q = '';
    this.items = [];
    this.ui = splitPage(host, { title, searchLabel, onSearch: q => { this.q = q; this.load(); },
      newLabel, onNew: can('contacts.manage') ? () => this.create() : null });
    this.ui.more.onclick = () => this.load(true);
    this.load().then(() => this.update(params));
  }

  async load(more = false) {
    const r = await optional(api.get(this.path, { q: this.q, limit: 50, cursor: more ? this.cursor : null })).catch(e => ({ error: e }));
    if (r.unavailable) { notAvailable(this.host, this.title); this.dead = true; return; }
    if (r.error) { fill(this.ui.list, h('li', { class: 'empty-note', text: r.error.message })); return; }
    this.items = more ? [...this.items, ...r.value.items] : r.value.items;
    this.cursor = r.value.next_cursor;
    this.ui.more.hidden = !this.cursor;
    this.paintList();
  }
}

export class ContactsPage extends EntityListPage {
  constructor(host, params) {
    super(host, params, { title: 'Contacts', path: '/contacts', searchLabel: 'Search contacts', newLabel: 'New contact' });
  }

  paintList() {
    fill(this.ui.list, this.items.length ? this.items.map(c => h('li', {}, h('a', { href: '#/contacts/' + c.id, class: 'entity-row',
      'aria-current': c.id === this.id ? 'true' : null, dataset: { contact: String(c.id) } },
      avatar(c.name || c.email || c.phone, '#64748b'),
      h('div', { class: 'conv-main' }, h('span', { class: 'conv-name', text: c.name || c.email || c.phone || 'Unnamed contact' }),
        h('span', { class: 'muted clamp', text: [c.email, c.phone, c.company].filter(Boolean).join(' · ') })))))
      : h('li', { class: 'empty-note', text: this.q ? 'No contact matches.' : 'No contacts yet.' }));
  }

  update(params) {
    if (this.dead) return;
    this.id = params.id;
    this.paintList();
    if (!params.id) {
      fill(this.ui.detail, h('div', { class: 'empty-state' }, icon('contacts', 'empty-icon'), h('h2', { text: 'Pick a contact' }),
        h('p', { text: 'Search by name, e-mail, phone or company.' })));
      return;
    }
    this.show(params.id);
  }

  async show(id) {
    fill(this.ui.detail, h('p', { class: 'loading-note', text: 'Loading…' }));
    let c;
    try {
      c = await api.get(`/contacts/${id}`);
    } catch (e) {
      fill(this.ui.detail, h('div', { class: 'empty-state', role: 'alert' }, h('h2', { text: 'Contact not found' }), h('p', { text: e.message })));
      return;
    }
    const editable = can('contacts.manage');
    const save = async (key, v) => {
      const updated = await api.patch(`/contacts/${id}`, { [key]: v });
      this.items = this.items.map(x => x.id === id ? { ...x, ...updated } : x);
      this.paintList();
      this.show(id);
    };
    const convs = h('ul', { class: 'side-list' }, h('li', { class: 'muted', text: 'Loading…' }));
    const props = h('div', { class: 'prop-list' });
    const notes = notesBlock(`/contacts/${id}/notes`, editable);
    fill(this.ui.detail, h('div', { class: 'detail-card' },
      h('header', { class: 'detail-head' }, avatar(c.name || c.email, '#64748b', 'avatar-lg'),
        h('div', { class: 'conv-title' }, h('h2', { text: c.name || c.email || c.phone || 'Unnamed contact' }),
          h('p', { class: 'muted', text: 'Created ' + dateOnly(c.created_at) })),
        editable ? h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'merge', onclick: () => this.merge(c) }, 'Merge duplicate…') : null,
        editable ? h('button', { type: 'button', class: 'btn btn-small btn-danger', 'data-action': 'delete-contact', onclick: () => this.remove(c) }, icon('trash'), 'Delete') : null),
      h('h3', { class: 'detail-sub', text: 'Details' }),
      h('dl', { class: 'fields' }, CONTACT_FIELDS.map(([key, label, type]) => inlineField({ key, label, type, value: c[key], editable,
        onSave: v => save(key, v) }))),
      c.blocked ? h('p', { class: 'warning', text: 'Blocked: messages from this contact are refused.' }) : null,
      h('h3', { class: 'detail-sub', text: 'Properties' }), props,
      (c.profiles || []).length ? [h('h3', { class: 'detail-sub', text: 'Profiles' }), h('ul', { class: 'tag-list' },
        c.profiles.map(p => h('li', {}, h('a', { class: 'chip', href: '#/profiles/' + p.id }, icon('profiles'), p.name))))] : null,
      (c.identities || []).length ? [h('h3', { class: 'detail-sub', text: 'Reaches us through' }),
        h('ul', { class: 'side-list' }, c.identities.map(i => h('li', {}, h('strong', { text: channelLabel(i.channel) }), h('span', { class: 'muted', text: i.address }))))] : null,
      h('h3', { class: 'detail-sub', text: 'Conversations' }), convs,
      h('h3', { class: 'detail-sub', text: 'Notes' }), notes.el));
    notes.load();
    optional(all('/properties', { scope: 'contact' })).then(r => {
      if (!r.value) return;
      const defs = r.value.filter(p => !p.scope || p.scope === 'contact');
      fill(props, defs.length ? defs.map(p => propertyInput(p, (c.properties || {})[p.key], editable,
        v => api.patch(`/contacts/${id}`, { properties: v }))) : h('p', { class: 'muted', text: 'No properties defined.' }));
    }).catch(() => {});
    all(`/contacts/${id}/conversations`, {}, 200).catch(() => all('/conversations', { contact: id }, 200)).then(items => fill(convs, items.length ? items.map(x => h('li', {},
      h('a', { href: conversationHref(null, x.id), class: 'side-item-main' }, h('strong', { text: `${channelLabel(x.channel)} · ${(inboxById(x.inbox_id) || {}).name || ''}` }),
        h('span', { class: 'muted', text: (x.last_message && x.last_message.text) || x.subject || '' })),
      h('span', { class: 'chip', 'data-status': x.status, text: x.status }), h('span', { class: 'muted', text: shortTime(x.last_activity_at) })))
      : h('li', { class: 'muted', text: 'No conversations in your inboxes.' }))).catch(() => fill(convs));
  }

  async remove(c) {
    const ok = await confirmDialog({ title: 'Delete contact?', message: `${c.name || c.email || 'This contact'} and their conversations will be deleted for good.`,
      confirm: 'Delete contact' });
    if (!ok) return;
    try {
      await api.del(`/contacts/${c.id}`);
      toast('Contact deleted.');
      this.items = this.items.filter(x => x.id !== c.id);
      navigate('#/contacts');
    } catch (e) {
      toast(e.message, 'error');
    }
  }

  create() {
    const inputs = CONTACT_FIELDS.map(([key, label, type]) => [key, label, h('input', { type, name: key })]);
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const m = modal('New contact', h('form', { class: 'stack', onsubmit: async e => {
      e.preventDefault();
      const body = {};
      for (const [key, , input] of inputs) if (input.value.trim()) body[key] = input.value.trim();
      try {
        const c = await api.post('/contacts', body);
        m.close();
        await this.load();
        navigate('#/contacts/' + c.id);
      } catch (err) {
        showError(error, err);
      }
    } }, inputs.map(([, label, input]) => field(label, input)), error,
    h('div', { class: 'dialog-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', text: 'Create contact' }))));
    inputs[0][2].focus();
  }

  merge(c) {
    const q = h('input', { type: 'search', placeholder: 'Search the duplicate' });
    const results = h('ul', { class: 'choice-list' });
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const m = modal(`Merge into ${c.name || c.email || 'this contact'}`, h('div', { class: 'stack' },
      h('p', { class: 'muted', text: 'The duplicate\'s conversations, identities and details move here; the duplicate is removed.' }),
      field('Duplicate contact', q), results, error));
    const find = debounce(async () => {
      const page = await api.get('/contacts', { q: q.value.trim(), limit: 10 });
      fill(results, page.items.filter(x => x.id !== c.id).map(x => h('li', {}, h('button', { type: 'button', class: 'choice', onclick: async () => {
        const dup = mergeLabel(x);
        const kept = mergeLabel(c);
        if (!await confirmDialog({ title: 'Merge these two contacts?', message: `${dup} will be merged into ${kept}: its conversations, identities and details move to ${kept}, and ${dup} is removed.`, confirm: 'Merge' })) return;
        try {
          await api.post(`/contacts/${c.id}/merge`, { from_contact_id: x.id });
          m.close();
          toast('Contacts merged.');
          await this.load();
          this.show(c.id);
        } catch (err) {
          showError(error, err);
        }
      } }, h('strong', { text: x.name || 'Unnamed' }), h('span', { class: 'muted', text: ' ' + [x.email, x.phone].filter(Boolean).join(' · ') })))));
    }, 250);
    q.addEventListener('input', find);
    q.focus();
  }

  destroy() {}
}

/** Notes with author and time, newest first, with a box to add one and a delete (after confirming) on each. */
export function notesBlock(path, editable) {
  const list = h('ul', { class: 'note-list', 'aria-label': 'Notes' });
  const text = h('textarea', { rows: '2', 'aria-label': 'New note', placeholder: 'Add a note' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const load = async () => {
    const r = await optional(api.get(path, { limit: 100 })).catch(e => ({ error: e }));
    if (!r.value) return fill(list, h('li', { class: 'muted', text: r.unavailable ? 'Notes are not available yet.' : r.error.message }));
    fill(list, r.value.items.length ? r.value.items.map(n => h('li', { class: 'note-card', dataset: { note: String(n.id) } },
      h('header', { class: 'bubble-head' }, h('strong', { text: (n.author && n.author.name) || n.author_name || 'Note' }),
        h('time', { datetime: n.created_at, text: fullTime(n.created_at) }),
        editable ? h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Delete note', onclick: async () => {
          if (!await confirmDialog({ title: 'Delete note?', message: 'The note is removed for everyone.' })) return;
          try { await api.del(`${path}/${n.id}`); load(); } catch (e) { toast(e.message, 'error'); }
        } }, icon('trash')) : null),
      h('div', { class: 'msg-text', text: n.text }))) : h('li', { class: 'muted', text: 'No notes yet.' }));
  };
  const form = editable ? h('form', { class: 'stack', onsubmit: async e => {
    e.preventDefault();
    if (!text.value.trim()) return;
    try {
      await api.post(path, { text: text.value.trim() });
      text.value = '';
      showError(error, null);
      load();
    } catch (err) {
      showError(error, err);
    }
  } }, text, error, h('div', {}, h('button', { type: 'submit', class: 'btn btn-small', text: 'Add note' }))) : null;
  return { el: h('div', { class: 'stack' }, form, list), load };
}

/**
 * How a contact is named when two are merged: the name with the address that tells it apart ("Jan de Vries
 * (jan@example.com)"), or the address alone, or its number for a contact with nothing else: never "null".
 */
function mergeLabel(c) {
  const name = c.name && String(c.name).trim();
  const address = c.email || c.phone;
  if (name && address) return `${name} (${address})`;
  return name || address || `contact #${c.id}`;
}
