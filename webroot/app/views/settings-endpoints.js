// An inbox's endpoints: its addresses and numbers per channel, which phone number is primary, which are enabled
// (and why not), their provider settings (secrets are write-only), adding and deleting.

import { api } from '../api.js';
import { confirmDialog, field, fill, h, icon, modal, showError, toast } from '../dom.js';
import { CHANNELS, channelLabel, endpointLabel } from '../store.js';
import { channelForm, channelSetup, connectionTest } from './endpoint-forms.js';
import { healthBadge } from './endpoint-health.js';

const GENERATED = new Set(['widget', 'api']);
/** Per channel: the address field's label, what it accepts (shown under it), an example, and its pattern. */
const ADDRESS = {
  email: { label: 'E-mail address', hint: 'The address customers write to, e.g. support@example.com.', example: 'support@example.com', type: 'email' },
  phone: { label: 'Phone number', hint: 'In international form: + and the country code, then the number, e.g. +31201234567.',
    example: '+31201234567' },
  whatsapp: { label: 'Phone number id', hint: 'Digits only: the phone_number_id under WhatsApp → API setup in the Meta app (not the phone number).',
    example: '106540352242922', pattern: '[0-9]{1,32}' },
  messenger: { label: 'Page id', hint: 'Digits only: the Facebook page\'s id (page → About → Page transparency).', example: '1029384756', pattern: '[0-9]{1,32}' },
  instagram: { label: 'Instagram account id', hint: 'Digits only: the Instagram professional account\'s id (the Meta app shows it next to the linked page).',
    example: '17841400000000000', pattern: '[0-9]{1,32}' },
};

export class EndpointsCard {
  constructor(inbox, changed) {
    this.inbox = inbox;
    this.changed = changed;
    this.el = h('div', { class: 'settings-card', 'data-card': 'endpoints' });
    this.load();
  }

  async load() {
    let items;
    try {
      items = (await api.get(`/inboxes/${this.inbox.id}/endpoints`)).items;
    } catch (e) {
      fill(this.el, h('h2', { text: 'Endpoints' }), h('p', { class: 'form-error', text: e.message }));
      return;
    }
    fill(this.el,
      h('div', { class: 'card-head' }, h('h2', { text: 'Endpoints' }),
        h('button', { type: 'button', class: 'btn btn-small btn-primary', 'data-action': 'add-endpoint', onclick: () => this.add() }, icon('plus'), 'Add endpoint')),
      h('p', { class: 'muted', text: 'Addresses and numbers this inbox receives on and replies from. One phone number is the primary.' }),
      items.length ? h('table', { class: 'table' },
        h('thead', {}, h('tr', {}, ['Channel', 'Address', 'Name', 'Primary', 'Enabled', ''].map(t => h('th', { scope: 'col', text: t })))),
        h('tbody', {}, items.map(ep => this.row(ep))))
        : h('p', { class: 'muted', text: 'No endpoints yet: nothing reaches this inbox.' }));
  }

  row(ep) {
    const enabled = h('input', { type: 'checkbox', role: 'switch', checked: ep.enabled, 'aria-label': `Enabled: ${ep.address}`,
      onchange: () => this.setEnabled(ep, enabled) });
    return h('tr', { dataset: { endpoint: String(ep.id) } },
      h('td', {}, h('span', { class: 'with-icon' }, icon((CHANNELS[ep.channel] || {}).icon || 'chat'), channelLabel(ep.channel))),
      h('td', {}, h('code', { text: ep.address }), ep.channel === 'email' ? this.mailbox(ep) : null, healthBadge(ep, () => this.load())),
      h('td', { text: ep.name || '—' }),
      h('td', {}, ep.channel !== 'phone' ? '—' : ep.primary ? h('span', { class: 'chip', 'data-status': 'sent', text: 'primary' })
        : h('button', { type: 'button', class: 'btn btn-small', text: 'Make primary', onclick: () => this.patch(ep, { primary: true }, 'Primary number changed.') })),
      h('td', {}, h('label', { class: 'switch' }, enabled), ep.enabled ? null : h('div', { class: 'muted small', text: ep.disabled_reason || '' })),
      h('td', { class: 'cell-actions' },
        h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Edit ' + endpointLabel(ep), onclick: () => this.edit(ep) }, icon('edit')),
        h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Delete ' + endpointLabel(ep), onclick: () => this.remove(ep) }, icon('trash'))));
  }

  /** How the connected mailbox is doing (the e-mail channel reports it); nothing when the hub cannot say. */
  mailbox(ep) {
    const el = h('div', { class: 'small mailbox-state' });
    const words = { connected: 'mailbox connected', failing: 'mailbox failing', pending: 'mailbox connecting',
      disabled: 'mailbox paused (endpoint disabled)', stopped: 'mailbox stopped' };
    api.get(`/endpoints/${ep.id}/mailbox`, null, { quiet: true }).then(async m => {
      if (m.status === 'not_configured') {
        // no IMAP mailbox: mail arrives through the hub's own SMTP listener, which is not a fault
        const listener = await channelSetup('email').then(s => s.smtp_listener.message).catch(() => null);
        fill(el, h('span', { class: 'hint', 'data-mailbox': 'listener', text: listener || 'Receives mail through this hub\'s SMTP listener.' }));
        return;
      }
      const kind = m.status === 'connected' ? 'sent' : m.status === 'failing' ? 'failed' : 'pending';
      fill(el, h('span', { class: 'chip', 'data-status': kind, 'data-mailbox': m.status, text: words[m.status] || 'mailbox ' + m.status,
        title: m.last_success_at ? 'Last read ' + new Date(m.last_success_at).toLocaleString() : null }),
      m.error ? h('span', { class: 'form-error', text: ' ' + m.error }) : null);
    }).catch(() => {});
    return el;
  }

  async setEnabled(ep, box) {
    if (box.checked) return this.patch(ep, { enabled: true }, 'Endpoint enabled.');
    const reason = h('input', { type: 'text', placeholder: 'e.g. number ported to another provider' });
    const m = modal('Disable endpoint', h('form', { class: 'stack', onsubmit: async e => {
      e.preventDefault();
      m.close();
      await this.patch(ep, { enabled: false, disabled_reason: reason.value.trim() || null }, 'Endpoint disabled.');
    } }, h('p', { class: 'muted', text: `Replies from ${ep.address} stop; its conversations stay and show agents why.` }),
    field('Reason agents will see', reason), h('div', { class: 'dialog-actions' }, h('button', { type: 'submit', class: 'btn btn-danger', text: 'Disable' }))));
    m.dialog.addEventListener('close', () => { box.checked = ep.enabled; });
    reason.focus();
  }

  async patch(ep, body, done) {
    try {
      await api.patch(`/endpoints/${ep.id}`, body);
      toast(done);
      this.changed();
    } catch (e) {
      toast(e.message, 'error');
      this.load();
    }
  }

  async remove(ep) {
    if (!await confirmDialog({ title: `Delete ${ep.address}?`, message: 'This address stops routing to the inbox. An endpoint with conversations cannot be deleted: disable it instead.' })) return;
    try {
      await api.del(`/endpoints/${ep.id}`);
      toast('Endpoint deleted.');
      this.changed();
    } catch (e) {
      toast(e.message, 'error');
    }
  }

  /** The settings form of a channel (endpoint-forms.js); read() gives the settings to send. */
  settingsFields(channel, current = {}, secretsSet = [], ep = null) {
    return channelForm(channel, { current, secretsSet, ep });
  }

  add() {
    const channel = h('select', { name: 'channel' }, Object.keys(CHANNELS).map(c => h('option', { value: c, text: channelLabel(c) })));
    const address = h('input', { type: 'text', name: 'address' });
    const addressHint = h('p', { class: 'hint' });
    const addressField = field('Address', address);
    addressField.append(addressHint);
    const name = h('input', { type: 'text', name: 'name', placeholder: 'Shown to agents, e.g. Sales line' });
    const settingsHost = h('div');
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    let settings = null;
    const test = connectionTest(() => ({ path: '/endpoints/test', body: { channel: channel.value,
      ...(GENERATED.has(channel.value) ? {} : { address: address.value.trim() }), settings: settings.read() } }));
    const paint = () => {
      const c = channel.value;
      const a = ADDRESS[c] || {};
      addressField.hidden = GENERATED.has(c);
      addressField.querySelector('label').textContent = a.label || 'Address';
      addressHint.textContent = a.hint || '';
      address.placeholder = a.example || '';
      address.type = a.type || 'text';
      if (a.pattern) address.setAttribute('pattern', a.pattern);
      else address.removeAttribute('pattern');
      address.title = a.hint || '';
      settings = this.settingsFields(c);
      fill(settingsHost, settings.el);
      test.clear();
    };
    channel.addEventListener('change', paint);
    const m = modal('Add endpoint', h('form', { class: 'stack', onsubmit: async e => {
      e.preventDefault();
      try {
        const body = { channel: channel.value, name: name.value.trim() || null, settings: settings.read() };
        if (!GENERATED.has(channel.value)) body.address = address.value.trim();
        const ep = await api.post(`/inboxes/${this.inbox.id}/endpoints`, body);
        m.close();
        this.changed();
        if (ep.secret) showSecret(ep);
      } catch (err) {
        showError(error, err);
      }
    } }, field('Channel', channel), addressField, field('Name', name), settingsHost, test.el, error,
    h('div', { class: 'dialog-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', text: 'Add endpoint' }))));
    paint();
    channel.focus();
  }

  edit(ep) {
    const name = h('input', { type: 'text', value: ep.name || '' });
    const address = h('input', { type: 'text', value: ep.address });
    const settings = this.settingsFields(ep.channel, ep.settings || {}, ep.secrets_set || [], ep);
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const test = connectionTest(() => {
      const body = { settings: settings.read() };
      if (!GENERATED.has(ep.channel) && address.value.trim() !== ep.address) body.address = address.value.trim();
      return { path: `/endpoints/${ep.id}/test`, body };
    });
    const m = modal(`Edit ${channelLabel(ep.channel)} endpoint`, h('form', { class: 'stack', onsubmit: async e => {
      e.preventDefault();
      try {
        const body = { name: name.value.trim() || null, settings: settings.read() };
        if (!GENERATED.has(ep.channel) && address.value.trim() !== ep.address) body.address = address.value.trim();
        await api.patch(`/endpoints/${ep.id}`, body);
        m.close();
        toast('Endpoint saved.');
        this.changed();
      } catch (err) {
        showError(error, err);
      }
    } }, GENERATED.has(ep.channel) ? field('Key', h('input', { type: 'text', value: ep.address, readonly: true }))
      : field((ADDRESS[ep.channel] || {}).label || 'Address', address, (ADDRESS[ep.channel] || {}).hint),
    field('Name', name), settings.el, test.el, error,
    h('div', { class: 'dialog-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', text: 'Save' }))));
    name.focus();
  }
}

function showSecret(ep) {
  const key = ep.key || ep.address;
  const embed = `<script src="${location.origin}/widget.js" data-key="${key}" async></script>`;
  modal('Keep these safe', h('div', { class: 'stack' },
    h('p', { text: ep.channel === 'widget'
      ? 'The secret is shown only now: your site\'s server needs it to sign identified visitors. Put the embed code on your site.'
      : 'The secret is shown only now. Store it in the integration that will call this endpoint.' }),
    field('Key', h('input', { type: 'text', value: key, readonly: true, class: 'mono' })),
    field('Secret', h('input', { type: 'text', value: ep.secret, readonly: true, class: 'mono', 'data-secret': '' })),
    ep.channel === 'widget' ? field('Embed code', h('textarea', { rows: '3', readonly: true, class: 'mono', value: embed })) : null));
}
