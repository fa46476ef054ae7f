// The page an invite link opens (#/invite/<token>), before anyone is signed in: the invitee chooses their password
// and is signed in. A link that was used, has expired or never existed gets a friendly page, not an error.

import { api } from '../api.js';
import { field, fill, h, showError } from '../dom.js';

const GONE = {
  used: ['This invite was already used', 'Your account is set up. Sign in with your e-mail address and the password you chose.'],
  expired: ['This invite link has expired', 'Invite links work for a limited time. Ask whoever invited you to send a new one from Settings → Users.'],
  missing: ['This invite link does not work', 'It may have been mistyped or replaced by a newer link. Ask whoever invited you to send a new one.'],
};

/** The token of an invite link in the location's hash, or null. */
export function inviteToken(hash = location.hash) {
  const m = /^#\/invite\/([A-Za-z0-9_-]{10,100})$/.exec(hash);
  return m ? m[1] : null;
}

/** Shows the invite page in root; calls onSignedIn({user, csrf_token}) once the password is set. */
export async function showInvite(root, token, onSignedIn, toSignIn) {
  document.title = 'Welcome · Switchboard';
  root.className = 'login-screen';
  const card = h('div', { class: 'login-card invite-card' }, h('p', { class: 'muted', text: 'Opening your invite…' }));
  fill(root, h('main', { class: 'login-wrap' }, card));
  let invite;
  try {
    invite = await api.get(`/invites/${encodeURIComponent(token)}`, null, { quiet: true });
  } catch (e) {
    if (e.status === 404) return gone(card, 'missing', toSignIn);
    fill(card, brand(), h('h1', { text: 'Switchboard cannot be reached' }), h('p', { text: e.message }));
    return;
  }
  if (invite.state !== 'open') return gone(card, invite.state, toSignIn);

  const password = h('input', { type: 'password', name: 'password', autocomplete: 'new-password', required: true, minlength: '8' });
  const again = h('input', { type: 'password', name: 'password_again', autocomplete: 'new-password', required: true });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', text: 'Set password and sign in' });
  const form = h('form', { class: 'login-card invite-card', 'aria-labelledby': 'invite-title', novalidate: true },
    brand(),
    h('h1', { id: 'invite-title', text: `Welcome, ${invite.name}` }),
    h('p', { class: 'muted', text: `You are invited to the ${invite.workspace || 'Switchboard'} workspace. Choose a password for ${invite.email}: `
      + 'you sign in with that address and this password from now on.' }),
    h('input', { type: 'email', name: 'email', autocomplete: 'username', value: invite.email, hidden: true, readonly: true }),
    field('Password', password, 'At least 8 characters; not a common password, and not your e-mail address.'),
    field('Password again', again),
    error, submit);
  form.addEventListener('submit', async e => {
    e.preventDefault();
    if (password.value.length < 8) return showError(error, { message: 'The password needs at least 8 characters.' });
    if (password.value !== again.value) return showError(error, { message: 'The two passwords are not the same.' });
    submit.disabled = true;
    submit.textContent = 'Setting up…';
    try {
      const res = await api.post(`/invites/${encodeURIComponent(token)}/accept`, { password: password.value }, { quiet: true });
      history.replaceState(null, '', location.pathname + location.search);
      onSignedIn(res);
    } catch (err) {
      if (err.status === 409 || err.status === 404) {
        // used or expired meanwhile: say so as the page would have
        const state = err.status === 404 ? 'missing' : /expired/.test(err.message) ? 'expired' : 'used';
        return gone(form, state, toSignIn);
      }
      showError(error, err.field === 'password' ? { message: err.message.replace(/^password/, 'The password') } : err);
      submit.disabled = false;
      submit.textContent = 'Set password and sign in';
    }
  });
  card.replaceWith(form);
  password.focus();
}

function brand() {
  return h('div', { class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), h('span', { text: 'Switchboard' }));
}

function gone(card, state, toSignIn) {
  const [title, text] = GONE[state] || GONE.missing;
  fill(card, brand(), h('h1', { text: title }), h('p', { 'data-invite-state': state, text }),
    h('button', { type: 'button', class: 'btn btn-primary btn-block', text: 'Go to sign in', onclick: () => {
      history.replaceState(null, '', location.pathname + location.search);
      toSignIn();
    } }));
}
