// Starts the agent app: the session, the live connection, and the page for the current route.

import { api, onUnauthorized, setCsrf } from './api.js';
import { debounce, fill, h, toast } from './dom.js';
import { Live } from './live.js';
import * as notify from './notify.js';
import { emit, loadInboxes, loadPresence, loadTags, loadUsers, store, userById } from './store.js';
import { inviteToken, showInvite } from './views/invite.js';
import { showLogin } from './views/login.js';
import { Shell } from './views/shell.js';

const root = document.getElementById('root');
let shell = null;

async function boot() {
  const invite = inviteToken();
  if (invite) {
    showInvite(root, invite, start, () => showLogin(root, start));
    return;
  }
  try {
    const me = await api.get('/me', null, { quiet: true });
    start(me);
  } catch (e) {
    if (e.status === 401) showLogin(root, start);
    else {
      fill(root, h('main', { class: 'boot-error' }, h('h1', { text: 'Switchboard cannot be reached' }),
        h('p', { text: e.message }), h('button', { class: 'btn btn-primary', text: 'Try again', onclick: boot })));
    }
  }
}

/** Signed in (from /me or a fresh login): {user, csrf_token}. */
function start({ user, csrf_token: csrf }) {
  setCsrf(csrf);
  store.me = user;
  store.perms = new Set(user.permissions || []);
  // a fresh start with no page asked for opens the user's default inbox
  if (user.default_inbox_id && /^#?\/?$/.test(location.hash)) history.replaceState(null, '', '#/inbox/' + user.default_inbox_id);
  const live = new Live();
  store.live = live;
  shell = new Shell(root, { live, logout });
  wireLive(live);
  Promise.all([loadInboxes(), loadUsers(), loadTags(), loadPresence()])
    .then(() => notify.updateTitle())
    .catch(e => toast(e.message, 'error'));
  live.start();
  shell.start();
}

const refreshInboxes = debounce(() => loadInboxes().then(notify.updateTitle).catch(() => {}), 600);
const refreshUsers = debounce(() => loadUsers().catch(() => {}), 600);

function wireLive(live) {
  live.addEventListener('event', e => {
    const f = e.detail;
    switch (f.type) {
      case 'message.created':
        notify.incoming(f);
        refreshInboxes();
        break;
      case 'conversation.created':
      case 'conversation.updated':
      case 'conversation.deleted':
      case 'contact.deleted':
        // a merge or a deletion takes conversations (and what was unread in them) away: the counts follow
        refreshInboxes();
        if (f.data && f.data.changes && f.data.changes.includes('tags')) loadTags().catch(() => {});
        break;
      case 'inbox.updated':
      case 'inbox.access_granted':
      case 'inbox.access_revoked':
      case 'membership.added':
      case 'membership.removed':
        refreshInboxes();
        refreshUsers();
        break;
      case 'presence':
        store.presence.set(f.data.user.id, f.data.status);
        if (!userById(f.data.user.id)) refreshUsers();
        emit('presence', store.presence);
        break;
      default:
    }
    emit('live', f);
    if (f.type === 'inbox.access_revoked') emit('access-revoked', f.inbox);
  });
  live.addEventListener('ready', e => {
    emit('reconnected', e.detail);
    // the first hello or a resync: lists reload quietly so nothing committed before the socket opened is missing
    // (a resume replays what was missed instead)
    if (e.detail.first || e.detail.resync) {
      emit('reload', {});
      refreshInboxes();
      loadPresence().catch(() => {});
    }
  });
  // a socket refused again and again may mean the session expired: ask once, quietly
  live.addEventListener('state', e => {
    if (e.detail.state === 'offline' && e.detail.attempts === 3) {
      api.get('/me', null, { quiet: true }).catch(err => { if (err.status === 401) signedOut('Your session ended. Sign in again.'); });
    }
  });
  live.addEventListener('signedout', e => signedOut(e.detail.code === 4403
    ? 'Your account was deactivated.' : 'You were signed out.'));
}

function signedOut(notice) {
  if (!shell) return;
  shell.destroy();
  shell = null;
  if (store.live) store.live.stop();
  store.live = null;
  store.me = null;
  setCsrf(null);
  showLogin(root, start, notice);
}

async function logout() {
  try {
    await api.post('/auth/logout', {}, { quiet: true });
  } catch (e) {
    // signed out locally either way
  }
  signedOut('You signed out.');
}

onUnauthorized(() => signedOut('Your session ended. Sign in again.'));
// an invite link opened in a tab that runs the app already: the page becomes the invite's
window.addEventListener('hashchange', () => { if (inviteToken()) location.reload(); });
boot();
