// Users (create, change role, name and default inbox, deactivate) and the roles' permissions.

import { all, api } from '../api.js';
import { confirmDialog, field, fill, h, icon, modal, showError, toast } from '../dom.js';
import { loadUsers, store } from '../store.js';

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
    const inboxName = id => (inboxes.find(i => i.id === id) || {}).name || '—';
    fill(this.el, h('div', { class: 'settings-card' },
      h('div', { class: 'card-head' }, h('h2', { text: 'Users' }),
        h('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-action': 'new-user', onclick: () => this.create() }, icon('plus'), 'New user')),
      h('table', { class: 'table' },
        h('thead', {}, h('tr', {}, ['Name', 'E-mail', 'Role', 'Default inbox', 'Status', ''].map(t => h('th', { scope: 'col', text: t })))),
        h('tbody', {}, users.map(u => h('tr', { dataset: { user: String(u.id) }, class: u.active ? null : 'is-inactive' },
          h('td', {}, h('span', { class: 'presence', 'data-status': store.presence.get(u.id) || 'offline' }), ' ', u.name),
          h('td', { text: u.email }),
          h('td', {}, this.roleSelect(u)),
          h('td', { text: inboxName(u.default_inbox_id) }),
          h('td', { text: u.active ? 'active' : 'deactivated' }),
          h('td', { class: 'cell-actions' }, u.active && u.id !== store.me.id ? h('button', { type: 'button', class: 'btn btn-small',
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

  create() {
    const name = h('input', { type: 'text', name: 'name', required: true });
    const email = h('input', { type: 'email', name: 'email', required: true });
    const role = h('select', { name: 'role' }, ROLES.map(r => h('option', { value: r, text: r, selected: r === 'agent' })));
    const password = h('input', { type: 'password', name: 'password', autocomplete: 'new-password', required: true, minlength: '8' });
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const m = modal('New user', h('form', { class: 'stack', onsubmit: async e => {
      e.preventDefault();
      try {
        await api.post('/users', { name: name.value.trim(), email: email.value.trim(), role: role.value, password: password.value });
        m.close();
        toast('User created. Add them to inboxes so they see conversations.');
        this.load();
      } catch (err) {
        showError(error, err);
      }
    } }, field('Name', name), field('E-mail', email), field('Role', role), field('Password', password, 'At least 8 characters; they can change it.'),
    error, h('div', { class: 'dialog-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', text: 'Create user' }))));
    name.focus();
  }
}

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
