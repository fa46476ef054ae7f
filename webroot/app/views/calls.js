// Click-to-call: the hub rings the agent first (their phone, or the browser), then dials the contact from the
// inbox's number.

import { api } from '../api.js';
import { toast } from '../dom.js';

/** Calls a contact from the conversation's number when it is a phone conversation, else from the default inbox. */
export async function callContact(conv, contact) {
  const body = { contact_id: contact.id || conv.contact_id };
  if (conv && conv.channel === 'phone') {
    body.from_endpoint_id = conv.endpoint_id;
    body.to = conv.contact_address;
  } else if (contact.phone) {
    body.to = contact.phone;
  }
  try {
    await api.post('/calls', body);
    toast('Calling… your phone rings first, then the contact.');
  } catch (e) {
    const text = e.unavailable ? 'Calling is not available on this hub.'
      : /default inbox/i.test(e.message) ? 'To call from here, choose a default inbox with a phone number under Settings → My account.'
        : e.message;
    toast(text, 'error');
  }
}
