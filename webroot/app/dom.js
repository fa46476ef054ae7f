// Building the page without ever parsing text as HTML: every string becomes a text node or an attribute value.

/**
 * Creates an element. props: class, text, on{Event} handlers, dataset (object), aria-* and other attributes;
 * a value of false/null/undefined leaves the attribute out. Children: nodes, strings (as text), arrays, nulls.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'hidden' || k === 'open') el[k] = !!v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'style') throw new Error('inline styles break the Content-Security-Policy; use a class or setProperty');
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  if (tag === 'input' && props && props.pattern) explainPattern(el);
  return el;
}

/**
 * A pattern field says what it accepts: its title (required with a pattern) becomes the browser's message when the
 * value does not match, instead of a bare "Please match the requested format".
 */
function explainPattern(input) {
  if (!input.title) return;
  const check = () => input.setCustomValidity(input.validity.patternMismatch ? input.title : '');
  input.addEventListener('input', check);
  input.addEventListener('invalid', check);
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  clear(el);
  return append(el, children);
}

const ICONS = {
  inbox: 'M3 13h4l2 3h6l2-3h4M5 5h14l2 8v6H3v-6z',
  contacts: 'M16 19v-1a4 4 0 0 0-4-4H7a4 4 0 0 0-4 4v1M9.5 10a3 3 0 1 0 0-6 3 3 0 0 0 0 6M21 19v-1a4 4 0 0 0-3-3.9M15 4.1a3 3 0 0 1 0 5.8',
  reports: 'M4 20V10M10 20V4M16 20v-7M22 20H2',
  profiles: 'M4 21V5a2 2 0 0 1 2-2h12a2 2 0 0 1 2 2v16M9 8h6M9 12h6M9 16h3',
  settings: 'M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z',
  logout: 'M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4M16 17l5-5-5-5M21 12H9',
  send: 'M22 2 11 13M22 2l-7 20-4-9-9-4z',
  clip: 'M21.4 11.1l-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5',
  plus: 'M12 5v14M5 12h14',
  x: 'M18 6 6 18M6 6l12 12',
  mail: 'M4 4h16a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zM22 6l-10 7L2 6',
  phone: 'M22 16.9v3a2 2 0 0 1-2.2 2 19.8 19.8 0 0 1-8.6-3.1 19.5 19.5 0 0 1-6-6A19.8 19.8 0 0 1 2.1 4.2 2 2 0 0 1 4.1 2h3a2 2 0 0 1 2 1.7c.1.9.4 1.8.7 2.7a2 2 0 0 1-.5 2.1L8.1 9.8a16 16 0 0 0 6 6l1.3-1.3a2 2 0 0 1 2.1-.4c.9.3 1.8.6 2.7.7a2 2 0 0 1 1.7 2z',
  chat: 'M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z',
  code: 'M16 18l6-6-6-6M8 6l-6 6 6 6',
  note: 'M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8zM14 2v6h6M16 13H8M16 17H8',
  bell: 'M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9M13.7 21a2 2 0 0 1-3.4 0',
  search: 'M11 19a8 8 0 1 0 0-16 8 8 0 0 0 0 16zM21 21l-4.3-4.3',
  trash: 'M3 6h18M8 6V4a2 2 0 0 1 2-2h4a2 2 0 0 1 2 2v2M19 6l-1 14a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2L5 6',
  edit: 'M12 20h9M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4z',
  clock: 'M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM12 6v6l4 2',
  bot: 'M12 8V4H8M4 8h16v12H4zM2 14h2M20 14h2M15 13v2M9 13v2',
};

/** A small line icon, hidden from screen readers (the button or link around it carries the label). */
export function icon(name, cls = '') {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', ('icon ' + cls).trim());
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', ICONS[name] || ICONS.chat);
  svg.append(path);
  return svg;
}

// ---- time ----

const dayFmt = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
const dateFmt = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const fullFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const longDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'long' });

/** "now", "5m", "14:02", "Mon", "3 Mar": short enough for a list row. */
export function shortTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const diff = (Date.now() - d.getTime()) / 1000;
  if (diff < 60) return 'now';
  if (diff < 3600) return Math.floor(diff / 60) + 'm';
  if (d.toDateString() === new Date().toDateString()) return timeFmt.format(d);
  if (diff < 6 * 86400) return dayFmt.format(d);
  return dateFmt.format(d);
}

export function fullTime(iso) {
  return iso ? fullFmt.format(new Date(iso)) : '';
}

const compactFmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** "Dec 1, 14:00": a date and time that fits a sidebar row. */
export function compactTime(iso) {
  return iso ? compactFmt.format(new Date(iso)) : '';
}

export function clockTime(iso) {
  return iso ? timeFmt.format(new Date(iso)) : '';
}

export function dateOnly(iso) {
  return iso ? longDate.format(new Date(iso)) : '';
}

/** A <time> element with a machine-readable value and the full time as tooltip. */
export function timeEl(iso, text = shortTime(iso)) {
  return h('time', { datetime: iso || '', title: fullTime(iso), text });
}

/** ISO instant → value for <input type="datetime-local"> in local time. */
export function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = n => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(v) {
  return v ? new Date(v).toISOString() : null;
}

// ---- small helpers ----

export function debounce(fn, ms) {
  let t = null;
  const d = (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
  d.cancel = () => clearTimeout(t);
  return d;
}

export function initials(name) {
  const parts = String(name || '?').trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] || '?') + (parts.length > 1 ? parts[parts.length - 1][0] : '')).toUpperCase();
}

/** A round avatar with initials; the colour is set through the CSSOM, which the CSP allows. */
export function avatar(name, color, cls = '') {
  const el = h('span', { class: ['avatar', cls], 'aria-hidden': 'true', text: initials(name) });
  if (color) el.style.setProperty('--avatar', color);
  return el;
}

export function colorDot(color, label) {
  const el = h('span', { class: 'dot', 'aria-hidden': label ? null : 'true', title: label || null });
  if (color) el.style.setProperty('--dot', color);
  return el;
}

let labelSeq = 0;
/** A labelled form field: <label> tied to its control by id. */
export function field(labelText, control, hint) {
  if (!control.id) control.id = 'f' + (++labelSeq);
  return h('div', { class: 'field' },
    h('label', { for: control.id, text: labelText }),
    control,
    hint ? h('p', { class: 'hint', text: hint }) : null);
}

export function uid(prefix = 'u') {
  return prefix + (++labelSeq);
}

/** Text for a screen reader, said politely. */
export function announce(text) {
  const region = document.getElementById('announcer');
  if (!region) return;
  region.textContent = '';
  setTimeout(() => { region.textContent = text; }, 30);
}

/** A short message in the corner; errors stay longer. */
export function toast(text, kind = 'info') {
  let box = document.getElementById('toasts');
  if (!box) {
    box = h('div', { id: 'toasts', class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(box);
  }
  const t = h('div', { class: ['toast', 'toast-' + kind], text });
  box.append(t);
  setTimeout(() => t.remove(), kind === 'error' ? 8000 : 4000);
}

/**
 * Asks before something that cannot be undone, in a native modal dialog (focus trapped, Escape cancels).
 * Resolves true only when the confirming button is pressed.
 */
export function confirmDialog({ title, message, confirm = 'Delete', danger = true }) {
  return new Promise(resolve => {
    const dlg = h('dialog', { class: 'dialog', 'aria-labelledby': 'confirm-title' });
    const done = ok => {
      dlg.close();
      dlg.remove();
      resolve(ok);
    };
    const no = h('button', { type: 'button', class: 'btn', text: 'Cancel', onclick: () => done(false) });
    const yes = h('button', { type: 'button', class: ['btn', danger ? 'btn-danger' : 'btn-primary'], 'data-confirm': '',
      text: confirm, onclick: () => done(true) });
    append(dlg, [h('h2', { id: 'confirm-title', text: title }), h('p', { text: message }),
      h('div', { class: 'dialog-actions' }, no, yes)]);
    dlg.addEventListener('cancel', e => { e.preventDefault(); done(false); });
    dlg.addEventListener('close', () => resolve(false)); // closed from outside (the screen changed): not confirmed
    document.body.append(dlg);
    dlg.showModal();
    no.focus();
  });
}

/** A modal dialog with arbitrary content; returns {dialog, close}. */
export function modal(title, ...content) {
  const id = uid('dlg');
  const dlg = h('dialog', { class: 'dialog', 'aria-labelledby': id });
  const close = () => { dlg.close(); dlg.remove(); };
  append(dlg, [h('div', { class: 'dialog-head' }, h('h2', { id, text: title }),
    h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Close', onclick: close }, icon('x'))), content]);
  dlg.addEventListener('cancel', e => { e.preventDefault(); close(); });
  document.body.append(dlg);
  dlg.showModal();
  return { dialog: dlg, close };
}

/**
 * Shows an API error next to a form. A field the server names is called by its label in the form (the control
 * whose name is the field), else by the field made readable ("ends_at" → "Ends at"); other fields the message
 * mentions get their labels too: "ends_at: ends_at must be after starts_at" reads "Ends: must be after Starts".
 */
export function showError(box, err) {
  fill(box, err ? errorText(box, err) : '');
  box.hidden = !err;
}

/** An error's text as the form around {@code box} words it. */
export function errorText(box, err) {
  const message = (err && (err.message || String(err))) || '';
  if (!err || !err.field) return message;
  const scope = box && (box.closest('form, dialog, .settings-card, section') || box.parentElement);
  const field = err.field;
  let rest = message;
  for (const prefix of [field + ': ', field + ' ']) {
    if (rest.startsWith(prefix)) { rest = rest.slice(prefix.length); break; }
  }
  rest = rest.replace(/\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/g, word => labelIn(scope, word) || word);
  return `${labelIn(scope, field) || humanise(field)}: ${rest}`;
}

/** The label of the control named {@code name} (or by its last dotted part) in scope, without the control's own text. */
function labelIn(scope, name) {
  if (!scope || !name) return null;
  // a path into a list (steps[1].delay) names one of several alike controls: no single label is its
  const names = name.includes('[') ? [name] : [name, name.split('.').pop()];
  for (const n of names) {
    const control = scope.querySelector(`[name="${CSS.escape(n)}"], [data-field="${CSS.escape(n)}"]`);
    if (!control) continue;
    const label = control.labels && control.labels[0];
    if (label) {
      const copy = label.cloneNode(true);
      copy.querySelectorAll('input, select, textarea, button, .hint').forEach(x => x.remove());
      const text = copy.textContent.trim();
      if (text) return text;
    }
    const aria = control.getAttribute('aria-label');
    if (aria) return aria;
  }
  return null;
}

/**
 * "ends_at" → "Ends at", "contact_id" → "Contact", "settings.smtp.host" → "Settings smtp host",
 * "steps[1].delay" → "Step 2, delay" (lists count from 1 on screen).
 */
export function humanise(field) {
  const words = String(field)
    .replace(/([a-z_]+?)s?\[(\d+)\]\.?/g, (m, list, i) => `${list} ${Number(i) + 1}, `)
    .replace(/_id$/, '').replace(/_ids$/, '').replace(/[._]+/g, ' ').replace(/\s+/g, ' ').replace(/, $/, '').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
