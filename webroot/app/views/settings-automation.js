// An inbox's automation settings (the automation feature reads them from the inbox's settings): round-robin
// assignment among online members, the reply sent outside business hours, and the default chatbot.

import { all, api, optional } from '../api.js';
import { field, fill, h, showError, toast } from '../dom.js';

export class AutomationCard {
  constructor(inbox, changed) {
    this.el = h('div', { class: 'settings-card', 'data-card': 'automation' }, h('h2', { text: 'Automation' }));
    this.build(inbox, changed);
  }

  async build(inbox, changed) {
    // the automation feature brings chatbots with it: without them (and without stored settings) it is not here
    const bots = await optional(all('/chatbots')).catch(() => ({}));
    if (!bots.value && !inbox.settings) {
      this.el.append(h('p', { class: 'muted unavailable', text: 'Automatic assignment and auto-replies are not available on this hub yet.' }));
      return;
    }
    const s = inbox.settings || {};
    const auto = s.auto_assign || {};
    const assign = h('input', { type: 'checkbox', role: 'switch', checked: !!auto.enabled });
    const cap = h('input', { type: 'number', min: '1', max: '1000', value: auto.max_open_per_agent ?? '', placeholder: 'no limit' });
    const reply = h('textarea', { rows: '2', value: s.auto_reply_outside_hours || '', placeholder: 'Thanks! We are closed and answer from 9:00.' });
    const bot = h('select', { disabled: !bots.value }, h('option', { value: '', text: bots.value ? 'None' : 'Chatbots are not available' }),
      (bots.value || []).map(b => h('option', { value: String(b.id), text: b.name, selected: s.default_chatbot_id === b.id })));
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    this.el.append(h('form', { class: 'stack', onsubmit: async e => {
      e.preventDefault();
      const settings = {
        auto_assign: { enabled: assign.checked, ...(cap.value ? { max_open_per_agent: Number(cap.value) } : {}) },
        auto_reply_outside_hours: reply.value.trim() || null,
      };
      if (bots.value) settings.default_chatbot_id = bot.value ? Number(bot.value) : null;
      try {
        const saved = await api.patch(`/inboxes/${inbox.id}`, { settings });
        // a hub without the automation feature accepts the request but keeps nothing
        if (!saved.settings || JSON.stringify(saved.settings.auto_assign || null) !== JSON.stringify(settings.auto_assign)) {
          showError(error, { message: 'This hub does not keep automation settings yet (the automation feature is not installed).' });
          return;
        }
        showError(error, null);
        toast('Automation saved.');
        changed();
      } catch (err) {
        showError(error, err);
      }
    } },
    h('label', { class: 'switch' }, assign, h('span', { text: 'Assign new conversations round-robin to members who are online' })),
    field('At most this many open conversations per agent', cap),
    field('Reply sent when someone writes outside business hours', reply, 'Sent at most once per conversation while closed. Leave empty for none.'),
    field('Default chatbot (attends unassigned conversations)', bot),
    error,
    h('div', {}, h('button', { type: 'submit', class: 'btn btn-primary', text: 'Save automation' }))));
  }
}
