// Canned replies: everyone's own ("My replies"); for admins (settings.manage) also the workspace's and those of the
// inboxes they are a member of. Agents without settings.manage see the shared ones they may use, read-only.

import { optional, api } from '../api.js';
import { confirmDialog, field, fill, h, icon, showError, toast } from '../dom.js';
import { can, memberInboxes } from '../store.js';

const PLACEHOLDERS = '{{contact.name}} {{contact.first_name}} {{contact.email}} {{contact.phone}} {{agent.name}} '
  + '{{inbox.name}} {{contact.properties.<key>}}';

export class CannedSettings {
  constructor(el) {
    this.el = el;
    this.editing = null;
    this.load();
  }

  async load() {
    const r = await optional(api.get('/canned_replies')).catch(e => ({ error: e }));
    if (r.unavailable) {
      fill(this.el, h('div', { class: 'settings-card' }, h('h2', { text: 'Canned replies' }),
        h('p', { class: 'muted unavailable', text: 'Canned replies are not available on this hub yet.' })));
      return;
    }
    if (r.error) { fill(this.el, h('p', { class: 'form-error', text: r.error.message })); return; }
    const items = r.value.items || [];
    const admin = can('settings.manage');
    const mine = items.filter(c => c.scope === 'personal');
    const workspace = items.filter(c => c.scope === 'workspace');
    const inbox = items.filter(c => c.scope === 'inbox');
    const cards = [this.card('My replies', 'Only you see these.', mine, true, 'personal')];
    if (admin) {
      cards.push(this.card('Workspace replies', 'Every agent can use these.', workspace, true, 'workspace'));
      cards.push(this.card('Inbox replies', 'The members of the inbox can use these.', inbox, true, 'inbox'));
    } else if (workspace.length || inbox.length) {
      cards.push(this.card('Shared with you', 'Set up by an admin for the workspace or your inboxes.', [...workspace, ...inbox], false, 'shared'));
    }
    fill(this.el, cards, this.form());
  }

  card(title, hint, rows, editable, key) {
    const head = ['Shortcut', 'Title', 'Text'].concat(key === 'inbox' || key === 'shared' ? ['For'] : []).concat(editable ? [''] : []);
    const body = rows.map(c => h('tr', { dataset: { canned: String(c.id) } },
      h('td', {}, h('code', { text: '/' + c.shortcut })),
      h('td', { text: c.title }),
      h('td', { class: 'canned-text-cell', text: c.text.length > 120 ? c.text.slice(0, 120) + '…' : c.text }),
      key === 'inbox' || key === 'shared' ? h('td', { text: c.scope === 'inbox' ? c.inbox_name : 'Workspace' }) : null,
      editable ? h('td', { class: 'cell-actions' },
        h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Edit /' + c.shortcut, onclick: () => this.edit(c) }, icon('edit')),
        h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Delete /' + c.shortcut, onclick: () => this.remove(c) }, icon('trash'))) : null));
    return h('div', { class: 'settings-card', dataset: { cannedScope: key } }, h('h2', { text: title }), h('p', { class: 'muted', text: hint }),
      h('table', { class: 'table' }, h('thead', {}, h('tr', {}, head.map(t => h('th', { scope: 'col', text: t })))),
        h('tbody', {}, body.length ? body : h('tr', {}, h('td', { colspan: String(head.length), class: 'muted', text: 'None yet.' })))));
  }

  /** The form for a new reply, or for the one being edited (its scope fixed). */
  form() {
    const c = this.editing;
    const shortcut = h('input', { type: 'text', name: 'shortcut', required: true, maxlength: '32', pattern: '[a-z0-9_\\-]{1,32}',
      placeholder: 'e.g. greet', title: 'Lowercase letters, digits, - and _ (at most 32)', value: c ? c.shortcut : '' });
    const title = h('input', { type: 'text', name: 'title', maxlength: '200', value: c ? c.title : '' });
    const text = h('textarea', { name: 'text', required: true, rows: '4', maxlength: '10000' });
    text.value = c ? c.text : '';
    const scope = h('select', { name: 'scope', disabled: !!c },
      h('option', { value: 'personal', text: 'Only me' }),
      can('settings.manage') ? h('option', { value: 'workspace', text: 'Everyone (workspace)' }) : null,
      can('settings.manage') ? memberInboxes().map(i => h('option', { value: 'inbox:' + i.id, text: 'Inbox: ' + i.name })) : null);
    if (c) scope.value = c.scope === 'inbox' ? 'inbox:' + c.inbox_id : c.scope;
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const submit = async e => {
      e.preventDefault();
      const body = { shortcut: shortcut.value.trim(), title: title.value.trim(), text: text.value };
      try {
        if (c) {
          await api.patch(`/canned_replies/${c.id}`, body);
          toast('Canned reply saved.');
        } else {
          if (scope.value.startsWith('inbox:')) body.inbox_id = Number(scope.value.slice(6));
          else body.scope = scope.value;
          await api.post('/canned_replies', body);
          toast('Canned reply added.');
        }
        this.editing = null;
        this.load();
      } catch (err) {
        showError(error, err);
      }
    };
    return h('div', { class: 'settings-card canned-form-card' }, h('h2', { text: c ? `Edit /${c.shortcut}` : 'New canned reply' }),
      h('form', { class: 'grid-form canned-form', onsubmit: submit },
        field('Shortcut', shortcut, 'Type / and this in a reply to insert it.'), field('Title', title), field('For', scope),
        h('div', { class: 'canned-form-text' }, field('Text', text, 'Filled in when inserted: ' + PLACEHOLDERS)),
        h('div', { class: 'grid-form-actions' },
          h('button', { type: 'submit', class: 'btn btn-primary', text: c ? 'Save' : 'Add reply' }),
          c ? h('button', { type: 'button', class: 'btn', text: 'Cancel', onclick: () => { this.editing = null; this.load(); } }) : null),
        error));
  }

  edit(c) {
    this.editing = c;
    this.load().then(() => this.el.querySelector('.canned-form input[name="shortcut"]')?.focus());
  }

  async remove(c) {
    if (!await confirmDialog({ title: `Delete /${c.shortcut}?`, message: 'It can no longer be inserted.' })) return;
    try {
      await api.del(`/canned_replies/${c.id}`);
      if (this.editing && this.editing.id === c.id) this.editing = null;
      this.load();
    } catch (e) {
      toast(e.message, 'error');
    }
  }
}
