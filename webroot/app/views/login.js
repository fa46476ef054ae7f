// The sign-in screen.

import { api } from '../api.js';
import { field, fill, h, showError } from '../dom.js';

/** Shows the sign-in form in root; calls onSignedIn(loginResponse) once the hub accepts the password. */
export function showLogin(root, onSignedIn, notice) {
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true, autofocus: true });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', text: 'Sign in' });
  const form = h('form', { class: 'login-card', 'aria-labelledby': 'login-title', novalidate: true },
    h('div', { class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), h('span', { text: 'Switchboard' })),
    h('h1', { id: 'login-title', text: 'Sign in to your workspace' }),
    notice ? h('p', { class: 'notice', role: 'status', text: notice }) : null,
    field('E-mail', email),
    field('Password', password),
    error,
    submit);
  form.addEventListener('submit', async e => {
    e.preventDefault();
    if (!email.value.trim() || !password.value) {
      showError(error, { message: 'Enter your e-mail and password.' });
      return;
    }
    submit.disabled = true;
    submit.textContent = 'Signing in…';
    try {
      const res = await api.post('/auth/login', { email: email.value.trim(), password: password.value }, { quiet: true });
      onSignedIn(res);
    } catch (err) {
      showError(error, err.status === 401 ? { message: 'Wrong e-mail or password.' } : err);
      submit.disabled = false;
      submit.textContent = 'Sign in';
      password.select();
    }
  });
  document.title = 'Sign in · Switchboard';
  root.className = 'login-screen';
  fill(root, h('main', { class: 'login-wrap' }, form));
  email.focus();
}
