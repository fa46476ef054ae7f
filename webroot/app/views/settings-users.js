// Users (create or invite, edit with their inboxes and default inbox, deactivate) and the roles' permissions.

import { all, api } from '../api.js';
import { colorDot, confirmDialog, field, fill, h, icon, modal, showError, timeEl, toast } from '../dom.js';
import { loadInboxes, loadUsers, store } from '../store.js';

const ROLES = ['admin', 'supervisor', 'agent'];
const PERMISSIONS = [
  ['inbox.use', 'Read and answer conversations of inboxes they are a member of', ['admin', 'supervisor', 'agent']],
  ['calls.make', 'Make calls', ['admin', 'supervisor', 'agent']],
  ['contacts.manage', 'Edit contacts, profiles, property values, opportunities', ['admin', 'supervisor', 'agent']],
  ['conversations.assign', 'Assign conversations to others, bulk actions', ['admin', 'supervisor']],
  ['reviews.manage', 'Manage reviews', ['admin', 'supervisor']],
  ['reports.view', 'View reports', ['admin', 'supervisor']],
  ['settings.manage', 'Inboxes, endpoints, members, users, roles, property definitions, chatbots', ['admin']],
];

export class UserSettings {
  constructor(el) {
    this.el = el;
    this.load();
  }

  async load() {
    let users;
    let inboxes;
    try {
      // through the store, so every view's user list follows what is done here
      [users, inboxes] = await Promise.all([loadUsers(), all('/inboxes')]);
    } catch (e) {
      fill(this.el, h('p', { class: 'form-error', text: e.message }));
      return;
    }
    this.inboxes = inboxes;
    const inboxName = id => (inboxes.find(i => i.id === id) || {}).name || '—';
    fill(this.el, h('div', { class: 'settings-card' },
      h('div', { class: 'card-head' }, h('h2', { text: 'Users' }),
        h('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-action': 'new-user', onclick: () => this.edit(null) }, icon('plus'), 'New user')),
      h('table', { class: 'table users-table' },
        h('thead', {}, h('tr', {}, ['Name', 'E-mail', 'Role', 'Inboxes', 'Default inbox', 'Last seen', 'Status', ''].map(t => h('th', { scope: 'col', text: t })))),
        h('tbody', {}, users.map(u => h('tr', { dataset: { user: String(u.id) }, class: u.active ? null : 'is-inactive' },
          h('td', {}, h('span', { class: 'presence', 'data-status': store.presence.get(u.id) || 'offline' }), ' ', u.name),
          h('td', { text: u.email }),
          h('td', {}, this.roleSelect(u)),
          h('td', { 'data-cell': 'inboxes' }, (u.inbox_ids || []).length
            ? (u.inbox_ids || []).map(id => h('span', { class: 'chip chip-inbox', text: inboxName(id) }))
            : h('span', { class: 'muted', text: 'none' })),
          h('td', { 'data-cell': 'default-inbox', text: u.default_inbox_id ? inboxName(u.default_inbox_id) : '—' }),
          h('td', { 'data-cell': 'last-seen' }, u.last_seen_at ? timeEl(u.last_seen_at) : h('span', { class: 'muted', text: 'never' })),
          h('td', { 'data-cell': 'status' }, h('span', { class: 'chip', 'data-user-status': u.status, text: STATUS[u.status] || u.status })),
          h('td', { class: 'cell-actions' },
            u.active ? h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'edit-user', text: 'Edit', onclick: () => this.edit(u) }) : null,
            u.status === 'invited' ? h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'reinvite', text: 'New invite link',
              onclick: () => this.reinvite(u) }) : null,
            u.active && u.id !== store.me.id ? h('button', { type: 'button', class: 'btn btn-small',
              text: 'Deactivate', onclick: () => this.deactivate(u) }) : null)))))));
  }

  roleSelect(u) {
    const select = h('select', { 'aria-label': `Role of ${u.name}`, disabled: !u.active, onchange: async () => {
      try {
        await api.patch(`/users/${u.id}`, { role: select.value });
        toast(`${u.name} is now ${select.value}.`);
        loadUsers();
      } catch (e) {
        toast(e.message, 'error');
        select.value = u.role;
      }
    } }, ROLES.map(r => h('option', { value: r, text: r, selected: u.role === r })));
    return select;
  }

  async deactivate(u) {
    const ok = await confirmDialog({ title: `Deactivate ${u.name}?`, message: 'They are signed out everywhere and can no longer sign in. What they wrote keeps their name.',
      confirm: 'Deactivate' });
    if (!ok) return;
    try {
      await api.del(`/users/${u.id}`);
      toast(`${u.name} deactivated.`);
      this.load();
    } catch (e) {
      toast(e.message, 'error');
    }
  }

  async reinvite(u) {
    try {
      const res = await api.post(`/users/${u.id}/invite`);
      this.showInvite(u, res.invite);
      this.load();
    } catch (e) {
      toast(e.message, 'error');
    }
  }

  /** The New user dialog (u null) or the edit dialog: everything about a user, inboxes and default inbox included. */
  edit(u) {
    const creating = !u;
    const name = h('input', { type: 'text', name: 'name', required: true, value: u ? u.name : '' });
    const email = h('input', { type: 'email', name: 'email', required: true, value: u ? u.email : '' });
    const role = h('select', { name: 'role', disabled: !!u && u.id === store.me.id },
      ROLES.map(r => h('option', { value: r, text: r, selected: r === (u ? u.role : 'agent') })));
    const phone = h('input', { type: 'tel', name: 'phone', value: u && u.phone ? u.phone : '', placeholder: '+31 20 123 4567' });
    const inboxes = this.inboxes || [];
    const chosen = new Set(u ? u.inbox_ids || [] : []);
    const boxes = inboxes.map(i => h('input', { type: 'checkbox', name: 'inbox', value: String(i.id), checked: chosen.has(i.id) }));
    const def = h('select', { name: 'default_inbox' });
    const paintDefault = () => {
      const ids = boxes.filter(b => b.checked).map(b => Number(b.value));
      const current = def.value ? Number(def.value) : (u ? u.default_inbox_id : null);
      const keep = ids.includes(current) ? current : (ids.length === 1 ? ids[0] : null);
      fill(def, h('option', { value: '', text: ids.length ? 'None' : 'Pick inboxes first' }),
        inboxes.filter(i => ids.includes(i.id)).map(i => h('option', { value: String(i.id), text: i.name, selected: i.id === keep })));
      def.disabled = !ids.length;
    };
    boxes.forEach(b => b.addEventListener('change', paintDefault));
    paintDefault();
    const inboxList = h('fieldset', { class: 'check-list', 'data-field': 'inboxes' }, h('legend', { text: 'Inboxes' }),
      inboxes.length ? inboxes.map((i, n) => h('label', { class: 'check-row' }, boxes[n], colorDot(i.color), ' ', i.name,
        i.member_count === 0 ? h('span', { class: 'chip chip-warn', text: 'no members' }) : null))
        : h('p', { class: 'muted', text: 'There are no inboxes yet.' }),
      h('p', { class: 'hint', text: 'They see and answer the conversations of these inboxes, whatever their role.' }));
    const password = h('input', { type: 'password', name: 'password', autocomplete: 'new-password', minlength: '8' });
    const how = creating ? ['password', 'invite'].map(v => h('input', { type: 'radio', name: 'signin', value: v, checked: v === 'password' })) : [];
    const passwordField = field(creating ? 'Password' : 'New password', password,
      creating ? 'At least 8 characters; they can change it.' : 'Leave empty to keep their password.');
    const paintHow = () => {
      const invite = creating && how[1].checked;
      passwordField.hidden = invite;
      password.required = creating && !invite;
    };
    how.forEach(r => r.addEventListener('change', paintHow));
    paintHow();
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', text: creating ? 'Create user' : 'Save' });
    const save = async confirm => {
      const body = { name: name.value.trim(), email: email.value.trim(), phone: phone.value.trim() || null,
        inbox_ids: boxes.filter(b => b.checked).map(b => Number(b.value)), default_inbox_id: def.value ? Number(def.value) : null };
      if (!role.disabled) body.role = role.value;
      const invite = creating && how[1].checked;
      if (invite) body.invite = true;
      else if (password.value) body.password = password.value;
      return creating ? api.post('/users', body) : api.patch(`/users/${u.id}`, body, { params: confirm ? { confirm: true } : null });
    };
    const m = modal(creating ? 'New user' : `Edit ${u.name}`, h('form', { class: 'stack user-form', onsubmit: async e => {
      e.preventDefault();
      submit.disabled = true;
      try {
        let saved;
        try {
          saved = await save(false);
        } catch (err) {
          // taking the last member out of an inbox leaves its messages reaching nobody: said, and done only when confirmed
          if (err.status !== 409 || err.field !== 'inbox_ids') throw err;
          if (!await confirmDialog({ title: 'Leave an inbox without members?', message: err.message.replace(/; send the request.*$/, '.'),
            confirm: 'Remove anyway' })) return;
          saved = await save(true);
        }
        m.close();
        if (saved.invite) this.showInvite(saved, saved.invite);
        else toast(creating ? `${saved.name} can sign in now.` : `${saved.name} saved.`);
        if (u && u.id === store.me.id) store.me = { ...store.me, ...saved, permissions: store.me.permissions };
        loadInboxes().catch(() => {});
        this.load();
      } catch (err) {
        showError(error, err);
      } finally {
        submit.disabled = false;
      }
    } }, field('Name', name), field('E-mail', email), field('Role', role), field('Phone', phone, 'Rung for their calls; optional.'),
    inboxList, field('Default inbox', def, 'Where their new conversations and calls start from.'),
    creating ? h('fieldset', { class: 'check-list', 'data-field': 'signin' }, h('legend', { text: 'Signing in' }),
      h('label', { class: 'check-row' }, how[0], ' Set a password now'),
      h('label', { class: 'check-row' }, how[1], ' Invite by link: they choose their own password')) : null,
    passwordField, error, h('div', { class: 'dialog-actions' }, submit)));
    name.focus();
  }

  /** The invite link, shown once to copy; says whether it was e-mailed too. */
  showInvite(u, invite) {
    const link = h('input', { type: 'text', readonly: true, value: invite.url, 'data-field': 'invite-link', 'aria-label': 'Invite link' });
    const copy = h('button', { type: 'button', class: 'btn', text: 'Copy', onclick: async () => {
      link.select();
      try {
        await navigator.clipboard.writeText(invite.url);
        toast('Link copied.');
      } catch (e) {
        toast('Select the link and copy it.');
      }
    } });
    const until = new Date(invite.expires_at).toLocaleString();
    const m = modal(`Invite ${u.name}`, h('div', { class: 'stack', 'data-card': 'invite' },
      h('p', { text: invite.emailed
        ? `The invite was e-mailed to ${u.email}. You can also pass the link on yourself.`
        : `Send this link to ${u.name} (${u.email}): it is shown only now. It was not e-mailed: the workspace has no outgoing mail server (an e-mail address with an SMTP server), or that server did not accept it.` }),
      h('div', { class: 'inline-add' }, link, copy),
      h('p', { class: 'hint', text: `It works once, until ${until}. Opening it, they choose a password and are signed in.` }),
      h('div', { class: 'dialog-actions' }, h('button', { type: 'button', class: 'btn btn-primary', text: 'Done', onclick: () => m.close() }))));
    link.select();
  }
}

const STATUS = { active: 'active', invited: 'invited', deactivated: 'deactivated' };

export class RoleSettings {
  constructor(el) {
    fill(el, h('div', { class: 'settings-card' },
      h('h2', { text: 'Roles and permissions' }),
      h('p', { class: 'muted', text: 'Each user has one role. Whatever the role, a user sees an inbox\'s conversations only while they are a member of it.' }),
      h('table', { class: 'table matrix' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Permission' }), ROLES.map(r => h('th', { scope: 'col', text: r })))),
        h('tbody', {}, PERMISSIONS.map(([key, label, roles]) => h('tr', {},
          h('th', { scope: 'row' }, h('code', { text: key }), h('div', { class: 'muted', text: label })),
          ROLES.map(r => h('td', { class: 'cell-check' }, roles.includes(r) ? h('span', { 'aria-label': 'yes', text: '✓' }) : h('span', { 'aria-label': 'no', class: 'muted', text: '—' })))))))));
  }
}
