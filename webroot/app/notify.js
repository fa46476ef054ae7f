// Browser notifications for new incoming messages (only when the agent allows them), and the unread count in
// the tab's title.

import { navigate, conversationHref } from './router.js';
import { memberInboxes, store } from './store.js';

const KEY = 'sb.notifications';

export function supported() {
  return 'Notification' in window;
}

export function enabled() {
  return supported() && localStorage.getItem(KEY) === 'on' && Notification.permission === 'granted';
}

/** Turns notifications on (asking the browser's permission once) or off; resolves the new state. */
export async function toggle() {
  if (!supported()) return false;
  if (enabled()) {
    localStorage.setItem(KEY, 'off');
    return false;
  }
  const permission = Notification.permission === 'default' ? await Notification.requestPermission() : Notification.permission;
  localStorage.setItem(KEY, permission === 'granted' ? 'on' : 'off');
  return permission === 'granted';
}

/** A live message.created frame: notify when it is an incoming message the agent is not looking at. */
export function incoming(frame) {
  const a = frame.data && frame.data.activity;
  const c = frame.data && frame.data.conversation;
  if (!a || !c || a.direction !== 'in' || !enabled()) return;
  if (!document.hidden && store.openConversation === c.id) return;
  const who = (c.contact && (c.contact.name || c.contact.email || c.contact.phone)) || 'New message';
  const n = new Notification(who, { body: (a.text || a.subject || 'New message').slice(0, 160), tag: 'conversation-' + c.id });
  n.onclick = () => {
    window.focus();
    navigate(conversationHref(c.inbox_id, c.id));
    n.close();
  };
}

export function updateTitle() {
  const unread = memberInboxes().reduce((n, i) => n + (i.unread || 0), 0);
  document.title = (unread ? `(${unread}) ` : '') + 'Switchboard';
}
