// Whether an endpoint's sends keep failing (the hub's `health` on each endpoint), shown where it matters: beside
// the endpoint in Settings, with "Retry all" for its failed replies, and in the composer's From picker.

import { api } from '../api.js';
import { compactTime, h, toast } from '../dom.js';

export const failing = ep => !!(ep && ep.health && ep.health.state === 'failing');

/** "Sends failing since Dec 3, 10:02 (2 messages): <what went wrong>", or null when the endpoint is fine. */
export function healthText(ep) {
  if (!failing(ep)) return null;
  const hl = ep.health;
  const count = hl.failures > 1 ? ` (${hl.failures} messages)` : '';
  return `Sends failing since ${compactTime(hl.since)}${count}: ${hl.last_error || 'the last send failed.'}`;
}

/** The badge and "Retry all" for a Settings row; null when the endpoint is fine. */
export function healthBadge(ep, retried) {
  if (!failing(ep)) return null;
  const retry = h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'retry-failed', text: 'Retry all', onclick: async () => {
    retry.disabled = true;
    try {
      const r = await api.post(`/endpoints/${ep.id}/retry_failed`);
      toast(r.requeued === 1 ? '1 failed message queued again.' : `${r.requeued} failed messages queued again.`);
      if (retried) retried();
    } catch (e) {
      toast(e.message, 'error');
      retry.disabled = false;
    }
  } });
  return h('div', { class: 'endpoint-health', 'data-health': 'failing', role: 'note' },
    h('span', { class: 'chip', 'data-status': 'failed', text: 'sends failing' }),
    h('span', { class: 'small', text: ' ' + healthText(ep) + ' ' }),
    retry);
}
