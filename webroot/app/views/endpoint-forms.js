// The settings form of each channel's endpoint (never raw JSON): e-mail with provider presets, IMAP and SMTP
// accounts and OAuth2; Twilio's account and the webhook URLs to paste into its console; Meta's ids and token with
// the callback URL, verify token and subscribed fields; the widget's look, origins, embed code and secret; the API
// channel's callback URL. Secrets are write-only: the form says whether one is stored and takes a new one to
// replace it. Also the Test connection box that shows what the hub's connection test found, check by check.

import { api } from '../api.js';
import { field, fill, h, toast } from '../dom.js';

const setups = new Map();

/** What to copy into a provider's console for a channel (GET /channels/{channel}/setup), fetched once per page. */
export function channelSetup(channel) {
  if (!setups.has(channel)) {
    const p = api.get(`/channels/${channel}/setup`, null, { quiet: true });
    p.catch(() => setups.delete(channel));
    setups.set(channel, p);
  }
  return setups.get(channel);
}

/** Copies text to the clipboard (selecting it in `input` when the browser has no clipboard API) and says so. */
async function copy(text, input) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    if (input) {
      input.select();
      document.execCommand('copy');
    }
  }
  toast('Copied.');
}

/** A read-only value with a Copy button. */
export function copyField(label, value, hint, { multiline = false, name } = {}) {
  const input = multiline
    ? h('textarea', { rows: '3', readonly: true, class: 'mono', value, 'data-copy': name || label })
    : h('input', { type: 'text', readonly: true, class: 'mono', value, 'data-copy': name || label });
  const f = field(label, input, hint);
  const row = h('div', { class: 'copy-row' });
  input.replaceWith(row);
  row.append(input, h('button', { type: 'button', class: 'btn btn-small', text: 'Copy', 'aria-label': 'Copy ' + label,
    onclick: () => copy(input.value, input) }));
  return f;
}

/** An input with the given attributes; `accepts` says what it takes, shown under it and used as the pattern's title. */
function input(attrs) {
  return h('input', { type: 'text', autocomplete: 'off', ...attrs });
}

/**
 * A write-only secret: "set" or "not set", and a password input that replaces it when filled. read() gives the
 * new value or undefined (keep what is stored).
 */
function secretField(label, name, isSet, hint) {
  const box = h('input', { type: 'password', name, autocomplete: 'new-password',
    placeholder: isSet ? 'stored: type a new one to replace it' : '' });
  const state = h('span', { class: 'chip', 'data-secret-state': isSet ? 'set' : 'not-set', 'data-status': isSet ? 'sent' : 'pending',
    text: isSet ? 'set' : 'not set' });
  const f = field(label, box, (hint ? hint + ' ' : '') + 'Write-only: it is never shown again.');
  f.querySelector('label').append(' ', state);
  return { el: f, input: box, read: () => (box.value ? box.value : undefined) };
}

function numberInput(name, value) {
  return h('input', { type: 'number', name, min: '1', max: '65535', step: '1', value: value == null ? '' : String(value) });
}

function section(title, ...children) {
  return h('fieldset', { class: 'form-section' }, h('legend', { text: title }), children);
}

/** Drops undefined values, and empty strings too on create (a PATCH sends null to remove a setting). */
function clean(o, patch) {
  const out = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    if (v === '' || v === null) {
      if (patch) out[k] = null;
      continue;
    }
    out[k] = v && typeof v === 'object' && !Array.isArray(v) ? clean(v, patch) : v;
  }
  return out;
}

/**
 * The settings form of a channel. current: the stored settings (edit) or {}; secretsSet: the stored secrets' paths;
 * ep: the endpoint when editing. Returns { el, read } where read() gives the settings to send (create or PATCH).
 */
export function channelForm(channel, { current = {}, secretsSet = [], ep = null } = {}) {
  const has = path => secretsSet.includes(path);
  const patch = !!ep;
  const form = FORMS[channel];
  if (!form) return { el: h('div'), read: () => ({}) };
  const built = form({ current, has, patch, ep });
  return { el: built.el, read: () => clean(built.read(), patch) };
}

const EMAIL_PRESETS = {
  gmail: { label: 'Gmail / Google Workspace', imap: ['imap.gmail.com', 993, 'tls'], smtp: ['smtp.gmail.com', 587, 'starttls'],
    token_url: 'https://oauth2.googleapis.com/token', scope: 'https://mail.google.com/',
    help: 'Sign in with an app password (Google account → Security → 2-Step Verification → App passwords), or with OAuth2.' },
  outlook: { label: 'Outlook / Microsoft 365', imap: ['outlook.office365.com', 993, 'tls'], smtp: ['smtp.office365.com', 587, 'starttls'],
    token_url: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    scope: 'https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send offline_access',
    help: 'Microsoft 365 usually allows only OAuth2 for IMAP and SMTP: choose OAuth2 below. Replace "common" in the token URL with your tenant id if needed.' },
  other: { label: 'Other IMAP/SMTP server', help: 'Your provider documents the server names, ports and encryption.' },
};
const SECURITY = [['tls', 'TLS (usually port 993 for IMAP, 465 for SMTP)'], ['starttls', 'STARTTLS (usually port 143 for IMAP, 587 for SMTP)'], ['none', 'None (not encrypted)']];

function emailForm({ current, has, patch }) {
  const imapNow = current.imap || {};
  const smtpNow = current.smtp || {};
  const oauthNow = current.oauth2 || {};
  const presetOf = host => (host === 'imap.gmail.com' || host === 'smtp.gmail.com' ? 'gmail'
    : host === 'outlook.office365.com' || host === 'smtp.office365.com' ? 'outlook' : 'other');
  const preset = h('select', { name: 'preset' }, Object.entries(EMAIL_PRESETS).map(([k, p]) => h('option', { value: k, text: p.label })));
  preset.value = presetOf(imapNow.host || smtpNow.host);
  const presetHelp = h('p', { class: 'hint' });

  const account = (block, now, defaults) => {
    const host = input({ name: `${block}.host`, value: now.host || '', placeholder: `${block}.example.com`,
      pattern: '[A-Za-z0-9.\\-]+', title: 'A server name such as ' + block + '.example.com, or an IP address' });
    const port = numberInput(`${block}.port`, now.port);
    const security = h('select', { name: `${block}.security` }, SECURITY.map(([v, t]) => h('option', { value: v, text: t })));
    security.value = now.security || defaults.security;
    const username = input({ name: `${block}.username`, value: now.username || '', placeholder: 'usually the full e-mail address' });
    const password = secretField('Password', `${block}.password`, has(`${block}.password`), 'The account\'s password or app password.');
    return { block, host, port, security, username, password };
  };
  const imap = account('imap', imapNow, { security: 'tls' });
  const folder = input({ name: 'imap.folder', value: imapNow.folder || '', placeholder: 'INBOX' });
  const sentFolder = input({ name: 'imap.sent_folder', value: imapNow.sent_folder || '', placeholder: 'found automatically' });
  const smtp = account('smtp', smtpNow, { security: 'starttls' });

  const useImap = h('input', { type: 'checkbox', name: 'use_imap', checked: !!imapNow.host || !patch });
  const useSmtp = h('input', { type: 'checkbox', name: 'use_smtp', checked: !!smtpNow.host || !patch });
  const listener = h('p', { class: 'hint', 'data-listener': '' });
  channelSetup('email').then(s => { listener.textContent = s.smtp_listener.message; }).catch(() => {});

  const signIn = h('select', { name: 'sign_in' }, h('option', { value: 'password', text: 'Password' }),
    h('option', { value: 'oauth2', text: 'OAuth2 (a refresh token from your provider)' }));
  signIn.value = oauthNow.token_url ? 'oauth2' : 'password';
  const tokenUrl = input({ name: 'oauth2.token_url', type: 'url', value: oauthNow.token_url || '', placeholder: 'https://oauth2.googleapis.com/token' });
  const clientId = input({ name: 'oauth2.client_id', value: oauthNow.client_id || '' });
  const scope = input({ name: 'oauth2.scope', value: oauthNow.scope || '' });
  const clientSecret = secretField('Client secret', 'oauth2.client_secret', has('oauth2.client_secret'), 'From the app registration, if it has one.');
  const refreshToken = secretField('Refresh token', 'oauth2.refresh_token', has('oauth2.refresh_token'), 'Granted when the mailbox owner consented to the app.');
  const oauthBox = h('div', { class: 'stack' },
    field('Token URL', tokenUrl, 'The provider\'s OAuth2 token endpoint, an https:// URL.'),
    field('Client id', clientId, 'The id of the app registered with the provider.'),
    clientSecret.el, refreshToken.el,
    field('Scope', scope, 'Optional: the scopes asked for when refreshing, separated by spaces.'));
  const replyToken = h('input', { type: 'checkbox', name: 'reply_to_token', checked: current.reply_to_token !== false });

  const accountFields = (a, extra) => h('div', { class: 'stack' },
    h('div', { class: 'form-row' }, field('Server', a.host, `The server's name, e.g. ${a.block}.example.com.`),
      field('Port', a.port, 'A number from 1 to 65535; empty for the usual port of the encryption.')),
    field('Encryption', a.security),
    field('User name', a.username, 'Usually the full e-mail address.'),
    a.password.el, extra);
  const imapBox = accountFields(imap, [
    field('Folder', folder, 'The folder incoming mail is read from (default INBOX).'),
    field('Sent folder', sentFolder, 'Mail you send from elsewhere is imported from here. Empty: found automatically; "none": not imported.')]);
  const smtpBox = accountFields(smtp, null);

  const paint = () => {
    imapBox.hidden = !useImap.checked;
    listener.hidden = useImap.checked;
    smtpBox.hidden = !useSmtp.checked;
    const oauth = signIn.value === 'oauth2';
    oauthBox.hidden = !oauth;
    imap.password.el.hidden = oauth;
    smtp.password.el.hidden = oauth;
    presetHelp.textContent = EMAIL_PRESETS[preset.value].help;
  };
  preset.addEventListener('change', () => {
    const p = EMAIL_PRESETS[preset.value];
    if (p.imap) {
      [imap.host.value, imap.port.value, imap.security.value] = [p.imap[0], String(p.imap[1]), p.imap[2]];
      [smtp.host.value, smtp.port.value, smtp.security.value] = [p.smtp[0], String(p.smtp[1]), p.smtp[2]];
      if (!tokenUrl.value || Object.values(EMAIL_PRESETS).some(x => x.token_url === tokenUrl.value)) tokenUrl.value = p.token_url;
      if (!scope.value || Object.values(EMAIL_PRESETS).some(x => x.scope === scope.value)) scope.value = p.scope;
    }
    paint();
  });
  [useImap, useSmtp, signIn].forEach(c => c.addEventListener('change', paint));
  // the SMTP login is usually the mailbox's: fill it in until someone types their own
  imap.username.addEventListener('input', () => {
    if (!smtp.username.dataset.typed) smtp.username.value = imap.username.value;
  });
  smtp.username.addEventListener('input', () => { smtp.username.dataset.typed = '1'; });
  paint();

  const el = h('div', { class: 'stack', 'data-form': 'email' },
    field('Provider', preset), presetHelp,
    section('Receiving', h('label', { class: 'check' }, useImap, ' Read a mailbox over IMAP'), listener, imapBox),
    section('Sending replies', h('label', { class: 'check' }, useSmtp, ' Send replies through an SMTP server'),
      h('p', { class: 'hint', text: 'Without one, agents cannot reply from this address.' }), smtpBox),
    section('Sign-in', field('Sign in with', signIn), oauthBox),
    h('label', { class: 'check' }, replyToken, ' Add a Reply-To address that keeps replies in their conversation'));

  const block = (use, a, extra) => {
    if (!use.checked) return patch ? null : undefined;
    const b = { host: a.host.value.trim(), port: a.port.value ? Number(a.port.value) : null, security: a.security.value,
      username: a.username.value.trim() };
    if (signIn.value === 'password') b.password = a.password.read();
    return { ...b, ...extra };
  };
  const read = () => {
    const s = {
      imap: block(useImap, imap, { folder: folder.value.trim(), sent_folder: sentFolder.value.trim() }),
      smtp: block(useSmtp, smtp, {}),
      reply_to_token: replyToken.checked ? (patch ? null : undefined) : false,
    };
    if (signIn.value === 'oauth2') {
      s.oauth2 = { token_url: tokenUrl.value.trim(), client_id: clientId.value.trim(), scope: scope.value.trim(),
        client_secret: clientSecret.read(), refresh_token: refreshToken.read() };
    } else if (patch && current.oauth2) {
      s.oauth2 = null;
    }
    return s;
  };
  return { el, read };
}

function phoneForm({ current, has }) {
  const sid = input({ name: 'account_sid', value: current.account_sid || '', placeholder: 'AC…',
    pattern: 'AC[0-9a-fA-F]{32}', title: 'AC followed by 32 letters a–f and digits' });
  const token = secretField('Auth token', 'auth_token', has('auth_token'), 'On the Twilio console\'s dashboard, next to the account SID.');
  const hooks = h('div', { class: 'stack', 'data-webhooks': '' }, h('p', { class: 'hint', text: 'Loading the webhook URLs…' }));
  channelSetup('phone').then(s => fill(hooks,
    h('p', { class: 'hint', text: 'In the Twilio console, open the number (Phone Numbers → Manage → Active numbers) and paste these URLs, method HTTP POST:' }),
    s.webhooks.map(w => copyField(w.label, w.url, null, { name: w.id })))).catch(e => fill(hooks, h('p', { class: 'form-error', text: e.message })));
  const el = h('div', { class: 'stack', 'data-form': 'phone' },
    field('Account SID', sid, 'Starts with AC followed by 32 letters and digits; on the Twilio console\'s dashboard.'),
    token.el, section('Webhooks', hooks));
  return { el, read: () => ({ account_sid: sid.value.trim(), auth_token: token.read() }) };
}

const META = {
  whatsapp: { token: 'A permanent token of a system user with whatsapp_business_messaging (Business settings → System users).',
    where: 'In the Meta app: WhatsApp → Configuration → Webhook.' },
  messenger: { token: 'The page access token (Meta app → Messenger → Settings → Access tokens), with pages_messaging.',
    where: 'In the Meta app: Messenger → Settings → Webhooks, then subscribe the page.' },
  instagram: { token: 'The page access token of the Facebook page linked to the Instagram account, with instagram_manage_messages.',
    where: 'In the Meta app: Messenger → Instagram settings → Webhooks, then subscribe the account.' },
};

function metaForm(channel) {
  return ({ current, has }) => {
    const token = secretField('Access token', 'access_token', has('access_token'), META[channel].token);
    const waba = channel === 'whatsapp' ? input({ name: 'waba_id', value: current.waba_id || '', inputmode: 'numeric',
      pattern: '[0-9]{1,32}', title: 'Digits only: the WhatsApp Business Account id' }) : null;
    const hook = h('div', { class: 'stack', 'data-webhook': '' }, h('p', { class: 'hint', text: 'Loading the callback URL…' }));
    channelSetup(channel).then(s => fill(hook,
      h('p', { class: 'hint', text: META[channel].where }),
      copyField('Callback URL', s.callback_url, null, { name: 'callback_url' }),
      s.verify_token ? copyField('Verify token', s.verify_token, null, { name: 'verify_token' })
        : h('p', { class: 'form-error', text: 'This hub has no meta.verify_token: an operator must set it before Meta can verify the callback URL.' }),
      s.app_secret_set ? null : h('p', { class: 'form-error', text: 'This hub has no meta.app_secret: Meta\'s deliveries are refused until an operator sets it.' }),
      h('p', { class: 'hint', 'data-fields': '' }, 'Subscribe to these webhook fields: ',
        s.subscribed_fields.map((f, i) => [i ? ', ' : '', h('code', { text: f })])))).catch(e => fill(hook, h('p', { class: 'form-error', text: e.message })));
    const el = h('div', { class: 'stack', 'data-form': channel }, token.el,
      waba ? field('WhatsApp Business Account id', waba, 'Optional, digits only: needed to list the approved message templates.') : null,
      section('Webhook', hook));
    return { el, read: () => ({ access_token: token.read(), ...(waba ? { waba_id: waba.value.trim() } : {}) }) };
  };
}

/** A new random secret, made in the browser (32 bytes, base64url). */
function randomSecret() {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Replaces the endpoint's secret (widget identity or API bearer secret) and shows the new one once. */
function secretBox(ep, has, what) {
  if (!ep) return h('p', { class: 'hint', text: `The ${what} is made when you add the endpoint, and shown once.` });
  const shown = h('div');
  const box = h('div', { class: 'stack', 'data-endpoint-secret': '' },
    h('p', { class: 'hint' }, `The ${what} is `, h('span', { class: 'chip', 'data-secret-state': has('secret') ? 'set' : 'not-set',
      'data-status': has('secret') ? 'sent' : 'pending', text: has('secret') ? 'set' : 'not set' }),
    '. It was shown once; if it is lost, make a new one (the old one stops working at once).'),
    h('button', { type: 'button', class: 'btn btn-small', text: 'Make a new secret', onclick: async () => {
      const secret = randomSecret();
      try {
        await api.patch(`/endpoints/${ep.id}`, { settings: { secret } });
        fill(shown, copyField('New secret (shown only now)', secret, 'Store it where your server can use it.', { name: 'secret' }));
      } catch (e) {
        toast(e.message, 'error');
      }
    } }), shown);
  return box;
}

function widgetForm({ current, has, ep }) {
  const title = input({ name: 'title', value: current.title || '', maxlength: '100', placeholder: 'Chat with us' });
  const greeting = input({ name: 'greeting', value: current.greeting || '', maxlength: '300', placeholder: 'Hi! How can we help?' });
  const color = h('input', { type: 'color', name: 'color', value: current.color || '#4f46e5' });
  const origins = h('textarea', { name: 'allowed_origins', rows: '3', class: 'mono',
    value: (current.allowed_origins || []).join('\n'), placeholder: 'https://www.example.com' });
  const embed = h('div');
  if (ep) {
    channelSetup('widget').then(s => fill(embed, copyField('Embed code', `<script src="${s.script_url}" data-key="${ep.address}" async></script>`,
      'Put it on every page of your site, before </body>.', { multiline: true, name: 'embed' }))).catch(() => {});
  }
  const el = h('div', { class: 'stack', 'data-form': 'widget' },
    field('Title', title, 'The chat panel\'s header; empty for the endpoint\'s name.'),
    field('Greeting', greeting, 'Shown above the messages.'),
    field('Color', color, 'The launcher\'s and header\'s color.'),
    field('Allowed origins', origins, 'One per line, each a scheme and host with an optional port and nothing after it, e.g. https://www.example.com. Empty: any site may embed the widget.'),
    embed, section('Identity secret', secretBox(ep, has, 'identity secret (your server signs visitors\' identities with it)')));
  return { el, read: () => ({
    title: title.value.trim(), greeting: greeting.value.trim(), color: color.value,
    allowed_origins: origins.value.split(/[\s,]+/).map(s => s.trim()).filter(Boolean),
  }) };
}

function apiForm({ current, has, ep }) {
  const cb = input({ type: 'url', name: 'callback_url', value: current.callback_url || '', placeholder: 'https://crm.example.com/switchboard' });
  const inbound = h('div');
  if (ep) {
    channelSetup('api').then(s => fill(inbound, copyField('Inbound URL', s.inbound_url.replace('{key}', ep.address),
      'Your system POSTs customers\' messages here with Authorization: Bearer <secret>.', { name: 'inbound_url' }))).catch(() => {});
  }
  const el = h('div', { class: 'stack', 'data-form': 'api' },
    field('Callback URL', cb, 'An http:// or https:// URL: agents\' replies are POSTed here, signed with the endpoint secret.'),
    inbound, section('Secret', secretBox(ep, has, 'bearer secret')));
  return { el, read: () => ({ callback_url: cb.value.trim() }) };
}

const FORMS = {
  email: emailForm,
  phone: phoneForm,
  whatsapp: metaForm('whatsapp'),
  messenger: metaForm('messenger'),
  instagram: metaForm('instagram'),
  widget: widgetForm,
  api: apiForm,
};

/**
 * The Test connection button and what the test found. request() gives { path, body } of the current form (it may
 * throw a message for an incomplete form).
 */
export function connectionTest(request) {
  const results = h('div', { class: 'connection-test', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'btn', 'data-action': 'test-connection', text: 'Test connection' });
  button.addEventListener('click', async () => {
    let req;
    try {
      req = request();
    } catch (e) {
      fill(results, h('p', { class: 'form-error', text: e.message }));
      return;
    }
    button.disabled = true;
    fill(results, h('p', { class: 'muted', 'data-testing': '', text: 'Testing the connection… (at most about 20 seconds)' }));
    try {
      const r = await api.post(req.path, req.body);
      fill(results, h('p', { class: 'connection-summary', 'data-ok': String(r.ok),
        text: r.ok ? 'Everything worked.' : 'Something did not work: see below.' }),
      h('ul', { class: 'checks' }, r.checks.map(c => h('li', { 'data-check': c.name, 'data-ok': String(c.ok) },
        h('span', { class: 'check-mark', 'aria-hidden': 'true', text: c.ok ? '✓' : '✗' }),
        h('strong', { text: c.name + (c.ok ? '' : ' (failed)') + ': ' }), c.message))));
    } catch (e) {
      fill(results, h('p', { class: 'form-error', text: e.field ? `${e.field}: ${e.message}` : e.message }));
    } finally {
      button.disabled = false;
    }
  });
  return { el: h('div', { class: 'stack' }, h('div', {}, button), results), clear: () => fill(results) };
}
