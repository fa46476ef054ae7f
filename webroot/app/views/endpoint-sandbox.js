// The sandbox in the web app: the badge of sandbox endpoints, the "Send a test message" box of every endpoint,
// the sandbox option when adding one, and the sample inbox a fresh hub offers its admin.

import { api } from '../api.js';
import { field, fill, h, icon, modal, showError, toast } from '../dom.js';
import { channelLabel, can, loadInboxes } from '../store.js';
import { conversationHref } from '../router.js';

/** Channels an endpoint can be in sandbox mode on, and take test messages on. */
export const SANDBOX_CHANNELS = new Set(['phone', 'email', 'whatsapp', 'messenger', 'instagram', 'api']);

const FROM_EXAMPLE = {
  phone: '+14155550123',
  email: 'customer@example.com',
  whatsapp: '14155550123',
  messenger: '7000000001',
  instagram: '7000000001',
  api: 'customer-1',
};
const FROM_HINT = {
  phone: 'A phone number in international form.',
  email: 'An e-mail address.',
  whatsapp: 'The customer\'s WhatsApp number, digits with the country code.',
  messenger: 'The person\'s numeric Messenger id (any digits).',
  instagram: 'The person\'s numeric Instagram id (any digits).',
  api: 'The customer\'s id in your system.',
};

/** The "Sandbox" badge of a sandbox endpoint; null for others. */
export function sandboxBadge(ep) {
  if (!ep.sandbox) return null;
  return h('span', { class: 'chip chip-sandbox', 'data-sandbox': '', title: 'Replies go to the built-in provider simulator, not to a real provider',
    text: 'Sandbox' });
}

/** The button opening the test message box; null for endpoints that take none (the website chat). */
export function testMessageButton(ep) {
  if (!SANDBOX_CHANNELS.has(ep.channel)) return null;
  return h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'test-message', onclick: () => testMessageDialog(ep) },
    icon('send'), 'Send a test message');
}

/** "Send a test message": a customer's message through the endpoint's real inbound path. */
export function testMessageDialog(ep) {
  const from = h('input', { type: 'text', name: 'from', required: true, value: FROM_EXAMPLE[ep.channel] || '' });
  const name = h('input', { type: 'text', name: 'name', maxlength: '200', value: 'Test Customer' });
  const subject = h('input', { type: 'text', name: 'subject', maxlength: '500', value: 'A test message' });
  const text = h('textarea', { name: 'text', rows: '3', required: true, maxlength: '4096', value: 'Hello! Is anyone there?' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const hasSubject = ep.channel === 'email' || ep.channel === 'api';
  const m = modal(`Send a test message to ${ep.address}`, h('form', { class: 'stack', 'data-form': 'test-message', onsubmit: async e => {
    e.preventDefault();
    try {
      const body = { from: from.value.trim(), text: text.value };
      if (name.value.trim()) body.name = name.value.trim();
      if (hasSubject && subject.value.trim()) body.subject = subject.value.trim();
      const r = await api.post(`/endpoints/${ep.id}/simulate`, body);
      m.close();
      await loadInboxes().catch(() => {});
      toast('Test message delivered through ' + r.path + '.');
      location.hash = conversationHref(ep.inbox_id, r.conversation_id);
    } catch (err) {
      showError(error, err);
    }
  } },
  h('p', { class: 'muted', text: `Comes in as if a customer wrote on ${channelLabel(ep.channel)}: through the same signed webhook`
    + ' (or the SMTP listener) a provider uses, so routing, contacts and automation treat it like a real message.' }),
  field('From', from, FROM_HINT[ep.channel]), ep.channel === 'phone' ? null : field('Name', name),
  hasSubject ? field('Subject', subject) : null, field('Message', text, ep.sandbox
    ? 'Reply to it: the simulator reports the reply sent, then delivered. A reply containing [fail] fails instead.' : null),
  error, h('div', { class: 'dialog-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', text: 'Send test message' }))));
  text.focus();
}

/**
 * The sandbox option of the "Add endpoint" form: a checkbox that, when ticked, makes the address optional and
 * hides the provider settings and their connection test ({@code hidden}: the elements to hide). {@code extend(body)}
 * adds what the request needs.
 */
export function sandboxOption(channelSelect, addressField, hidden) {
  const box = h('input', { type: 'checkbox', name: 'sandbox' });
  const wrap = h('label', { class: 'check', 'data-field': 'sandbox' }, box,
    h('span', { text: ' Sandbox: no provider account needed; replies go to a built-in simulator' }));
  const paint = () => {
    const possible = SANDBOX_CHANNELS.has(channelSelect.value);
    wrap.hidden = !possible;
    if (!possible) box.checked = false;
    for (const el of hidden) el.hidden = box.checked;
    const input = addressField.querySelector('input');
    if (!input) return;
    if (box.checked && input.dataset.hint === undefined) {
      input.dataset.hint = input.placeholder;
      input.placeholder = 'Optional: one is made up when empty';
    } else if (!box.checked && input.dataset.hint !== undefined) {
      input.placeholder = input.dataset.hint;
      delete input.dataset.hint;
    }
  };
  box.addEventListener('change', paint);
  // the form's own painting sets the channel's address hint first; this one then says whether it is optional
  channelSelect.addEventListener('change', () => setTimeout(() => {
    const input = addressField.querySelector('input');
    if (input) delete input.dataset.hint;
    paint();
  }));
  setTimeout(paint);
  return {
    el: wrap,
    checked: () => box.checked,
    extend(body) {
      if (!box.checked) return body;
      body.sandbox = true;
      body.settings = {};
      if (!body.address) delete body.address;
      return body;
    },
  };
}

/**
 * "Try it with a sample inbox": for an admin whose hub has nothing to show yet (no inbox, or no endpoint in any of
 * theirs). Creates the inbox "Sample" (its creator is its member), a sandbox phone number, and one customer message
 * through the number's real webhook, then opens the conversation.
 */
export function sampleInboxOffer() {
  const host = h('div', { class: 'sample-offer', 'data-offer': 'sample-inbox' });
  if (!can('settings.manage')) return host;
  (async () => {
    // the hub's inboxes as they are now (the app's list may still be loading): the admin's own, by membership
    const mine = (await api.get('/inboxes', { limit: 200 }, { quiet: true })).items.filter(i => i.member !== false);
    for (const inbox of mine.slice(0, 5)) {
      const items = (await api.get(`/inboxes/${inbox.id}/endpoints`, null, { quiet: true }).catch(() => ({ items: [1] }))).items;
      if (items.length) return;
    }
    if (mine.length > 5) return;
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const button = h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'create-sample-inbox' }, 'Try it with a sample inbox');
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        const conv = await createSampleInbox();
        location.hash = conversationHref(conv.inbox, conv.conversation);
      } catch (err) {
        button.disabled = false;
        showError(error, err);
      }
    });
    fill(host, h('h3', { text: 'Nothing to answer yet?' }),
      h('p', { text: 'Try Switchboard without a provider account: a sample inbox with a sandbox phone number, and a customer'
        + ' message waiting. Replies go to a built-in simulator that reports them sent and delivered.' }),
      button, error);
  })();
  return host;
}

async function createSampleInbox() {
  const inbox = await api.post('/inboxes', { name: 'Sample' });
  const ep = await api.post(`/inboxes/${inbox.id}/endpoints`, { channel: 'phone', sandbox: true, name: 'Sample number' });
  const message = await api.post(`/endpoints/${ep.id}/simulate`, { from: FROM_EXAMPLE.phone,
    text: 'Hi! I ordered a blue kettle last week and it has not arrived yet. Can you check where it is?' });
  await loadInboxes();
  toast('Sample inbox created: answer the customer below.');
  return { inbox: inbox.id, conversation: message.conversation_id };
}
