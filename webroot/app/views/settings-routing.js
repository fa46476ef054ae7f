// When an inbox is open (business hours), how its calls ring (call routing), and a test that shows where an
// address routes and what happens at a given time.

import { api } from '../api.js';
import { field, fill, fromLocalInput, h, showError, toast, toLocalInput } from '../dom.js';
import { channelLabel, store, userById } from '../store.js';

const DAYS = [['mon', 'Monday'], ['tue', 'Tuesday'], ['wed', 'Wednesday'], ['thu', 'Thursday'], ['fri', 'Friday'], ['sat', 'Saturday'], ['sun', 'Sunday']];
const RANGE = /^(\d{2}:\d{2})\s*[-–]\s*(\d{2}:\d{2})$/;

function zones() {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch (e) {
    return ['UTC', 'Europe/Amsterdam', 'Europe/London', 'America/New_York'];
  }
}

export class BusinessHoursCard {
  constructor(inbox, changed) {
    const bh = inbox.business_hours;
    const always = h('input', { type: 'checkbox', role: 'switch', checked: !bh });
    const tz = h('input', { type: 'text', list: 'tz-list', value: (bh && bh.timezone) || Intl.DateTimeFormat().resolvedOptions().timeZone });
    const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'];
    const days = DAYS.map(([key, label]) => {
      // an inbox without hours starts from office hours on weekdays
      const ranges = bh ? (bh.weekly && bh.weekly[key]) || null : weekdays.includes(key) ? [['09:00', '17:00']] : null;
      const open = h('input', { type: 'checkbox', checked: !!ranges, 'aria-label': `Open on ${label}` });
      const text = h('input', { type: 'text', value: ranges ? ranges.map(r => r.join('-')).join(', ') : '09:00-17:00', 'aria-label': `${label} hours`,
        placeholder: '09:00-12:00, 13:00-17:00' });
      return { key, label, open, text };
    });
    const holidays = h('textarea', { rows: '3', placeholder: '2026-12-25', value: ((bh && bh.holidays) || []).join('\n') });
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const grid = h('div', { class: 'hours-grid' }, days.map(d => h('div', { class: 'hours-row' },
      h('label', { class: 'switch' }, d.open, h('span', { text: d.label })), d.text)));
    const body = h('div', { class: 'stack' }, field('Time zone', tz), grid, field('Holidays (closed all day, one date per line)', holidays));
    const sync = () => { body.hidden = always.checked; };
    always.addEventListener('change', sync);
    sync();
    this.el = h('div', { class: 'settings-card', 'data-card': 'business-hours' }, h('h2', { text: 'Business hours' }),
      h('form', { class: 'stack', onsubmit: async e => {
        e.preventDefault();
        try {
          let value = null;
          if (!always.checked) {
            const weekly = {};
            for (const d of days) {
              if (!d.open.checked) continue;
              weekly[d.key] = d.text.value.split(',').map(s => s.trim()).filter(Boolean).map(s => {
                const m = RANGE.exec(s);
                if (!m) throw Object.assign(new Error(`${d.label}: "${s}" is not a range like 09:00-17:00`), { field: null });
                return [m[1], m[2]];
              });
            }
            value = { timezone: tz.value.trim(), weekly, holidays: holidays.value.split(/\s+/).filter(Boolean) };
          }
          await api.patch(`/inboxes/${inbox.id}`, { business_hours: value });
          showError(error, null);
          toast('Business hours saved.');
          changed();
        } catch (err) {
          showError(error, err);
        }
      } }, h('label', { class: 'switch' }, always, h('span', { text: 'Always open' })), body,
      h('datalist', { id: 'tz-list' }, zones().map(z => h('option', { value: z }))), error,
      h('div', {}, h('button', { type: 'submit', class: 'btn btn-primary', text: 'Save hours' }))));
  }
}

export class CallRoutingCard {
  constructor(inbox, changed) {
    const cr = inbox.call_routing;
    const ring = new Set(((cr && cr.ring) || []).filter(x => typeof x === 'number'));
    const numbers = h('input', { type: 'text', placeholder: '+31201234567, +31612345678',
      value: ((cr && cr.ring) || []).filter(x => typeof x === 'string').join(', ') });
    const users = store.users.filter(u => u.active !== false);
    const boxes = users.map(u => h('label', { class: 'check' }, h('input', { type: 'checkbox', value: String(u.id), checked: ring.has(u.id) }), ' ' + u.name));
    const timeout = h('input', { type: 'number', min: '5', max: '120', value: String((cr && cr.timeout_s) || 20) });
    const after = (cr && cr.after_hours) || 'voicemail';
    const mode = h('select', {}, h('option', { value: 'voicemail', text: 'Take a voicemail', selected: after === 'voicemail' }),
      h('option', { value: 'forward', text: 'Forward to a number', selected: after.startsWith('forward:') }));
    const forward = h('input', { type: 'tel', placeholder: '+31201234567', value: after.startsWith('forward:') ? after.slice(8) : '' });
    const forwardField = field('Forward to', forward);
    const sync = () => { forwardField.hidden = mode.value !== 'forward'; };
    mode.addEventListener('change', sync);
    sync();
    const off = h('input', { type: 'checkbox', role: 'switch', checked: !cr });
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    this.el = h('div', { class: 'settings-card', 'data-card': 'call-routing' }, h('h2', { text: 'Call routing' }),
      h('form', { class: 'stack', onsubmit: async e => {
        e.preventDefault();
        try {
          const value = off.checked ? null : {
            ring: [...boxes.map(b => b.firstChild).filter(b => b.checked).map(b => Number(b.value)),
              ...numbers.value.split(',').map(s => s.trim()).filter(Boolean)],
            timeout_s: Number(timeout.value),
            after_hours: mode.value === 'forward' ? 'forward:' + forward.value.trim() : 'voicemail',
          };
          await api.patch(`/inboxes/${inbox.id}`, { call_routing: value });
          showError(error, null);
          toast('Call routing saved.');
          changed();
        } catch (err) {
          showError(error, err);
        }
      } }, h('label', { class: 'switch' }, off, h('span', { text: 'No call routing (calls go to voicemail)' })),
      h('fieldset', { class: 'plain' }, h('legend', { text: 'Ring these people (in the browser and on their phone), at most 10' }),
        h('div', { class: 'check-grid' }, boxes)),
      field('…and these numbers', numbers),
      h('div', { class: 'row' }, field('Ring for (seconds)', timeout), field('When closed or nobody answers', mode)),
      forwardField, error,
      h('div', {}, h('button', { type: 'submit', class: 'btn btn-primary', text: 'Save routing' }))));
  }
}

/** Whether business hours are open at a moment, computed in the inbox's time zone as the hub does. */
export function openAt(bh, date) {
  if (!bh || !bh.timezone) return { open: true, why: 'no business hours: always open' };
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: bh.timezone, weekday: 'short', year: 'numeric',
    month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(date).map(p => [p.type, p.value]));
  const day = parts.weekday.toLowerCase().slice(0, 3);
  const ymd = `${parts.year}-${parts.month}-${parts.day}`;
  const hm = `${parts.hour}:${parts.minute}`;
  const local = `${DAYS.find(d => d[0] === day)[1]} ${ymd} ${hm} (${bh.timezone})`;
  if ((bh.holidays || []).includes(ymd)) return { open: false, why: `${local} is a holiday` };
  const ranges = (bh.weekly || {})[day];
  if (!ranges || !ranges.length) return { open: false, why: `closed on ${DAYS.find(d => d[0] === day)[1]}s (${local})` };
  const hit = ranges.find(([from, to]) => hm >= from && (to === '24:00' || hm < to));
  return hit ? { open: true, why: `${local} is within ${hit[0]}–${hit[1]}` } : { open: false, why: `${local} is outside ${ranges.map(r => r.join('–')).join(', ')}` };
}

function normal(address) {
  const a = address.trim().toLowerCase();
  return /^[+\d\s().-]+$/.test(a) ? a.replace(/[^\d]/g, '') : a;
}

export class RoutingTestCard {
  constructor(inbox, inboxes) {
    const address = h('input', { type: 'text', placeholder: 'An address or number, e.g. support@example.com or +31201234567',
      value: ((inbox.endpoints || [])[0] || {}).address || '' });
    const at = h('input', { type: 'datetime-local', value: toLocalInput(new Date().toISOString()) });
    const result = h('div', { class: 'routing-result', 'aria-live': 'polite' });
    const emails = (inbox.endpoints || []).filter(e => e.channel === 'email');
    this.el = h('div', { class: 'settings-card', 'data-card': 'routing-test' }, h('h2', { text: 'Test routing' }),
      h('p', { class: 'muted', text: 'Where a message or call to an address lands, and what happens at a given time.' }),
      h('form', { class: 'grid-form', onsubmit: e => {
        e.preventDefault();
        fill(result, this.explain(address.value, new Date(fromLocalInput(at.value) || Date.now()), inbox, inboxes));
      } }, field('Address or number', address), field('At', at),
      h('div', { class: 'grid-form-actions' }, h('button', { type: 'submit', class: 'btn', 'data-action': 'test-routing', text: 'Test' }))),
      result,
      emails.length ? this.mailTest(inbox, emails) : null);
  }

  /** Sends a real test mail through the hub's own SMTP listener (the e-mail channel's routing test). */
  mailTest(inbox, emails) {
    const pick = h('select', { 'aria-label': 'E-mail address to test' }, emails.map(e => h('option', { value: String(e.id), text: e.address })));
    const out = h('div', { 'aria-live': 'polite' });
    return h('form', { class: 'inline-add', onsubmit: async e => {
      e.preventDefault();
      fill(out, h('p', { class: 'muted', text: 'Sending…' }));
      try {
        const r = await api.post(`/inboxes/${inbox.id}/test-routing`, { endpoint_id: Number(pick.value) });
        fill(out, h('ul', { class: 'routing-lines' }, h('li', { 'data-kind': r.delivered ? 'ok' : 'bad' },
          r.delivered ? 'Delivered: the test mail is in this inbox' : `Not delivered: ${r.smtp_reply || 'refused'}`,
          r.delivered && r.conversation_id && inbox.member !== false
            ? [' (', h('a', { href: `#/inbox/${inbox.id}/c/${r.conversation_id}`, text: 'open it' }), ')'] : null)));
      } catch (err) {
        fill(out, h('p', { class: err.unavailable ? 'muted unavailable' : 'form-error',
          text: err.unavailable ? 'Sending a test e-mail is not available on this hub yet.' : err.message }));
      }
    } }, pick, h('button', { type: 'submit', class: 'btn', 'data-action': 'test-mail', text: 'Send a test e-mail' }), out);
  }

  explain(address, when, inbox, inboxes) {
    const wanted = normal(address);
    let owner = null;
    for (const i of inboxes) {
      for (const ep of i.endpoints || []) if (wanted && normal(ep.address) === wanted) owner = { inbox: i, ep };
    }
    const lines = [];
    if (!wanted) lines.push(['', `Routing for ${inbox.name}:`]);
    else if (!owner) lines.push(['bad', `No inbox owns ${address.trim()}: messages to it are refused (unknown endpoint).`]);
    else {
      lines.push([owner.inbox.id === inbox.id ? 'ok' : 'warn', `${address.trim()} is the ${channelLabel(owner.ep.channel)} endpoint of ${owner.inbox.name}`
        + (owner.ep.enabled === false ? ' (disabled: it still receives, replies are refused).' : '.')]);
    }
    const target = owner ? inboxes.find(i => i.id === owner.inbox.id) || inbox : inbox;
    const o = openAt(target.business_hours, when);
    lines.push([o.open ? 'ok' : 'warn', `${o.open ? 'Open' : 'Closed'}: ${o.why}.`]);
    const cr = target.call_routing;
    if (!owner || owner.ep.channel === 'phone') {
      if (!cr) lines.push(['', 'Calls: no call routing, so callers reach voicemail.']);
      else if (!o.open) lines.push(['', `Calls: ${cr.after_hours === 'voicemail' ? 'voicemail' : 'forwarded to ' + cr.after_hours.slice(8)} (closed).`]);
      else {
        const who = (cr.ring || []).map(x => typeof x === 'number' ? (userById(x) || { name: 'user ' + x }).name : x);
        lines.push(['', `Calls: ring ${who.length ? who.join(', ') : 'every member'} for ${cr.timeout_s} s, then ${cr.after_hours === 'voicemail' ? 'voicemail' : 'forward to ' + cr.after_hours.slice(8)}.`]);
      }
    }
    return h('ul', { class: 'routing-lines' }, lines.map(([kind, text]) => h('li', { 'data-kind': kind, text })));
  }
}
