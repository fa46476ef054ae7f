// What the whole app shares: who is signed in, their inboxes, the team and its presence, and an event hub
// through which live events and app-wide changes reach the views that are on screen.

import { all, api, optional } from './api.js';

export const store = {
  me: null,
  perms: new Set(),
  /** GET /inboxes: for admins every inbox (with member), for everyone else their own. */
  inboxes: [],
  users: [],
  /** user id → online | away | offline */
  presence: new Map(),
  tags: [],
  /** the conversation on screen, so unread counts and notifications leave it alone */
  openConversation: null,
  live: null,
};

const hub = new EventTarget();

/** Subscribes to an app event; returns the function that unsubscribes. */
export function on(type, fn) {
  const handler = e => fn(e.detail);
  hub.addEventListener(type, handler);
  return () => hub.removeEventListener(type, handler);
}

export function emit(type, detail) {
  hub.dispatchEvent(new CustomEvent(type, { detail }));
}

export function can(permission) {
  return store.perms.has(permission);
}

/** The inboxes whose conversations the user sees: membership, for every role. Default inbox first. */
export function memberInboxes() {
  const def = store.me && store.me.default_inbox_id;
  return store.inboxes.filter(i => i.member !== false).sort((a, b) => {
    if (a.id === def) return -1;
    if (b.id === def) return 1;
    return a.name.localeCompare(b.name, undefined, { sensitivity: 'base' });
  });
}

export function inboxById(id) {
  return store.inboxes.find(i => i.id === Number(id)) || null;
}

export function userById(id) {
  return store.users.find(u => u.id === Number(id)) || null;
}

export async function loadInboxes() {
  store.inboxes = await all('/inboxes');
  emit('inboxes', store.inboxes);
  return store.inboxes;
}

export async function loadUsers() {
  store.users = await all('/users');
  emit('users', store.users);
  return store.users;
}

export async function loadPresence() {
  const r = await optional(api.get('/presence'));
  if (r.value) {
    store.presence = new Map(r.value.items.map(p => [p.user_id, p.status]));
    emit('presence', store.presence);
  }
}

export async function loadTags() {
  const r = await optional(api.get('/tags'));
  store.tags = r.value ? r.value.items : [];
  emit('tags', store.tags);
  return store.tags;
}

export const CHANNELS = {
  email: { label: 'Email', icon: 'mail' },
  phone: { label: 'SMS', icon: 'phone' },
  whatsapp: { label: 'WhatsApp', icon: 'chat' },
  messenger: { label: 'Messenger', icon: 'chat' },
  instagram: { label: 'Instagram', icon: 'chat' },
  widget: { label: 'Chat', icon: 'chat' },
  api: { label: 'API', icon: 'code' },
};

export function channelLabel(channel) {
  return (CHANNELS[channel] || { label: channel }).label;
}

/** How an endpoint is named on screen: its name, else its address (a generated key is shortened). */
export function endpointLabel(ep) {
  if (!ep) return '';
  if (ep.name) return ep.name;
  const a = ep.address || '';
  return a.startsWith('k_') ? a.slice(0, 10) + '…' : a;
}

/**
 * How a conversation's contact is named on screen: their name, e-mail or number; a website visitor who gave none is
 * "Website visitor" with the short code the widget shows them (never the raw visitor id).
 */
export function contactTitle(c) {
  const k = c.contact || {};
  const name = k.name || k.email || k.phone;
  if (name) return name;
  if (c.channel === 'widget') {
    const m = /^v_([A-Za-z0-9_-]{4})/.exec(c.contact_address || '');
    return m ? `Website visitor ${m[1].toUpperCase()}` : 'Website visitor';
  }
  return c.contact_address || 'Unknown';
}

/** The contact's address under a conversation's title: a website visitor's generated id says nothing, so it is left out. */
export function contactAddressLabel(c) {
  const a = c.contact_address || '';
  if (c.channel !== 'widget') return a;
  return /^v_/.test(a) ? 'website visitor' : `visitor ID ${a}`;
}
