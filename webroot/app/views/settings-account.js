// The signed-in user's own settings: name, default inbox, password, notifications.

import { api } from '../api.js';
import { field, fill, h, showError, toast } from '../dom.js';
import * as notify from '../notify.js';
import { memberInboxes, store } from '../store.js';

export class AccountSettings {
  constructor(el) {
    const me = store.me;
    const name = h('input', { type: 'text', value: me.name, required: true });
    const phone = h('input', { type: 'tel', value: me.phone || '', placeholder: '+31612345678' });
    const inbox = h('select', {}, h('option', { value: '', text: 'None' }),
      memberInboxes().map(i => h('option', { value: String(i.id), text: i.name, selected: me.default_inbox_id === i.id })));
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const current = h('input', { type: 'password', autocomplete: 'current-password' });
    const next = h('input', { type: 'password', autocomplete: 'new-password', minlength: '8' });
    const pwError = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const bell = h('input', { type: 'checkbox', role: 'switch', checked: notify.enabled(), disabled: !notify.supported(),
      onchange: async () => { bell.checked = await notify.toggle(); } });
    fill(el, h('div', { class: 'settings-card' },
      h('h2', { text: 'My account' }),
      h('p', { class: 'muted', text: `${me.email} · ${me.role}` }),
      h('form', { class: 'stack narrow', onsubmit: async e => {
        e.preventDefault();
        try {
          const body = { name: name.value.trim(), default_inbox_id: inbox.value ? Number(inbox.value) : null };
          if ((me.phone || '') !== phone.value.trim()) body.phone = phone.value.trim() || null;
          const res = await api.patch('/me', body);
          Object.assign(store.me, res.user);
          showError(error, null);
          toast('Saved.');
        } catch (err) {
          showError(error, err);
        }
      } }, field('Name', name), field('Default inbox', inbox, 'Your new calls and messages go out from this inbox\'s number or address.'),
      field('My phone', phone, 'Click-to-call rings this phone first; without it, the browser.'),
      error, h('div', {}, h('button', { type: 'submit', class: 'btn btn-primary', text: 'Save' })))),
    h('div', { class: 'settings-card' },
      h('h2', { text: 'Password' }),
      h('form', { class: 'stack narrow', onsubmit: async e => {
        e.preventDefault();
        try {
          await api.patch('/me', { current_password: current.value, password: next.value });
          current.value = '';
          next.value = '';
          showError(pwError, null);
          toast('Password changed.');
        } catch (err) {
          showError(pwError, err);
        }
      } }, field('Current password', current), field('New password', next, 'At least 8 characters.'), pwError,
      h('div', {}, h('button', { type: 'submit', class: 'btn', text: 'Change password' })))),
    h('div', { class: 'settings-card' },
      h('h2', { text: 'Notifications' }),
      h('label', { class: 'switch' }, bell, h('span', { text: 'Desktop notifications for new messages when you are not looking' })),
      notify.supported() ? null : h('p', { class: 'muted', text: 'This browser does not support notifications.' })));
  }
}
