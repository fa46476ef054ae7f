// An inbox's customer-review settings (settings.reviews): ask the contact for a rating when a conversation is
// resolved — inline in the website chat, by a message with a link to the rating page elsewhere — and what a low
// rating does.

import { api } from '../api.js';
import { field, h, showError, toast } from '../dom.js';

const CHANNELS = [['widget', 'Website chat'], ['phone', 'SMS'], ['whatsapp', 'WhatsApp'], ['messenger', 'Messenger'],
  ['instagram', 'Instagram'], ['email', 'E-mail'], ['api', 'API']];
const DEFAULT_MESSAGE = 'Thanks for getting in touch! How did we do? Please rate us from 1 to 5.';

export class ReviewsCard {
  constructor(inbox, changed) {
    const r = (inbox.settings && inbox.settings.reviews) || {};
    const chosen = new Set(r.channels || []);
    const enabled = h('input', { type: 'checkbox', role: 'switch', checked: !!r.enabled, 'data-field': 'reviews-enabled' });
    const boxes = CHANNELS.map(([value, label]) => h('label', { class: 'check' },
      h('input', { type: 'checkbox', value, checked: chosen.has(value), 'data-field': 'reviews-channel' }), ' ', label));
    const message = h('textarea', { rows: '2', maxlength: '1000', value: r.message || DEFAULT_MESSAGE, 'data-field': 'reviews-message' });
    const action = h('select', { 'data-field': 'reviews-action' },
      [['none', 'Nothing'], ['reopen', 'Reopen the conversation'], ['assign', 'Reopen it and assign it back to the rated agent']]
        .map(([value, text]) => h('option', { value, text, selected: (r.low_rating_action || 'none') === value })));
    const threshold = h('select', { 'data-field': 'reviews-threshold' },
      [1, 2, 3, 4].map(n => h('option', { value: String(n), text: `${n} star${n > 1 ? 's' : ''} or fewer`,
        selected: (r.low_rating_threshold || 2) === n })));
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    this.el = h('div', { class: 'settings-card', 'data-card': 'reviews' }, h('h2', { text: 'Customer reviews' }),
      h('form', { class: 'stack', onsubmit: async e => {
        e.preventDefault();
        const reviews = {
          enabled: enabled.checked,
          ask_after: 'resolved',
          channels: boxes.map(b => b.querySelector('input')).filter(i => i.checked).map(i => i.value),
          message: message.value.trim() || DEFAULT_MESSAGE,
          low_rating_action: action.value,
          low_rating_threshold: Number(threshold.value),
        };
        try {
          await api.patch(`/inboxes/${inbox.id}`, { settings: { reviews } });
          showError(error, null);
          toast('Review settings saved.');
          changed();
        } catch (err) {
          showError(error, err);
        }
      } },
      h('label', { class: 'switch' }, enabled, h('span', { text: 'Ask for a rating (1 to 5 and a comment) when a conversation is resolved' })),
      h('fieldset', { class: 'plain' }, h('legend', { text: 'On these channels (none ticked: all)' }), h('div', { class: 'check-grid' }, boxes)),
      field('Message', message, 'The website chat shows it with its rating stars; elsewhere a link to the rating page is added. Links work once, for 7 days.'),
      field('When a rating is low', action),
      field('Low means', threshold),
      error,
      h('div', {}, h('button', { type: 'submit', class: 'btn btn-primary', text: 'Save reviews' }))));
  }
}
