// How one activity looks: a message bubble (in or out, with its delivery status), an internal note, a call or
// voicemail, or a system line. Text is always set as text; e-mail HTML only ever goes into a sandboxed frame
// that cannot run scripts.

import { api } from '../api.js';
import { clockTime, fill, h, icon, timeEl, toast } from '../dom.js';

const URL_RE = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g;

/** Text with web addresses as links; everything else stays text nodes. */
export function linkify(text) {
  const out = [];
  let last = 0;
  for (const m of String(text || '').matchAll(URL_RE)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(h('a', { href: m[0], target: '_blank', rel: 'noopener noreferrer nofollow', text: m[0] }));
    last = m.index + m[0].length;
  }
  if (last < String(text || '').length) out.push(String(text).slice(last));
  return out;
}

const STATUS_TEXT = { queued: 'queued', sent: 'sent', delivered: 'delivered', read: 'read', failed: 'failed', received: '' };

/** The rendered element of an activity; rendered again whenever it changes. */
export function renderActivity(a) {
  const el = h('li', { class: ['activity', 'kind-' + a.kind, a.direction ? 'dir-' + a.direction : null],
    dataset: { activity: String(a.id), kind: a.kind, status: a.status || '' } });
  switch (a.kind) {
    case 'system':
      if (a.data && a.data.change === 'review') return fill(el, review(a));
      return fill(el, h('div', { class: 'system-line' }, h('span', { class: 'system-text', text: a.text || '' }), ' · ', timeEl(a.created_at, clockTime(a.created_at))));
    case 'note':
      return fill(el, h('article', { class: 'note-card', 'aria-label': 'Internal note' },
        h('header', { class: 'bubble-head' }, icon('note'), h('strong', { text: (a.sender && a.sender.name) || 'Note' }),
          h('span', { class: 'muted', text: 'internal note' }), timeEl(a.created_at, clockTime(a.created_at))),
        h('div', { class: 'msg-text' }, linkify(a.text))));
    case 'call':
    case 'voicemail':
      return fill(el, h('article', { class: 'call-card', 'aria-label': a.kind === 'call' ? 'Call' : 'Voicemail' },
        h('header', { class: 'bubble-head' }, icon('phone'), h('strong', { text: a.kind === 'call' ? callTitle(a) : 'Voicemail' }),
          timeEl(a.created_at, clockTime(a.created_at))),
        a.text ? h('div', { class: 'msg-text' }, linkify(a.text)) : null,
        attachments(a)));
    default:
      return fill(el, message(a));
  }
}

/** A customer's rating: stars, the comment, who and when. */
function review(a) {
  const rating = Math.max(0, Math.min(5, Number(a.data.rating) || 0));
  return h('article', { class: 'review-card', 'aria-label': `Rating: ${rating} out of 5`, dataset: { rating: String(rating) } },
    h('header', { class: 'bubble-head' },
      h('span', { class: 'review-stars', 'aria-hidden': 'true' }, h('span', { class: 'on', text: '\u2605'.repeat(rating) }),
        h('span', { class: 'off', text: '\u2605'.repeat(5 - rating) })),
      h('strong', { text: `${rating}/5` }),
      h('span', { class: 'muted', text: `rated by ${(a.sender && a.sender.name) || 'the customer'}` }),
      timeEl(a.created_at, clockTime(a.created_at))),
    a.data.comment ? h('blockquote', { class: 'review-comment', text: a.data.comment }) : null);
}

function callTitle(a) {
  const d = a.data || {};
  const dir = a.direction === 'out' ? 'Outgoing call' : 'Incoming call';
  const secs = Number(d.duration || d.duration_s || 0);
  return secs ? `${dir} · ${Math.floor(secs / 60)}:${String(secs % 60).padStart(2, '0')}` : (d.status ? `${dir} · ${d.status}` : dir);
}

function message(a) {
  const who = (a.sender && a.sender.name) || (a.direction === 'out' ? 'You' : 'Contact');
  const body = [];
  if (a.subject) body.push(h('div', { class: 'msg-subject', text: a.subject }));
  if (a.html) body.push(emailBody(a));
  else if (a.text) body.push(h('div', { class: 'msg-text' }, linkify(a.text)));
  const d = a.direction === 'out' ? a.delivery : null;
  const retrying = !!(d && d.retrying && a.status === 'queued');
  const status = a.direction === 'out' && a.status ? h('span', { class: 'delivery', 'data-status': a.status,
    title: d && d.explanation ? d.explanation : a.status, text: retrying ? 'retrying' : STATUS_TEXT[a.status] ?? a.status }) : null;
  return h('article', { class: 'bubble', 'aria-label': `${a.direction === 'out' ? 'Sent' : 'Received'} message from ${who}` },
    h('header', { class: 'bubble-head' }, h('strong', { text: who }), timeEl(a.created_at, clockTime(a.created_at))),
    body,
    attachments(a),
    status || a.status === 'failed' ? h('footer', { class: 'bubble-foot' }, status,
      retrying ? retryingLine(d) : null,
      a.status === 'failed' ? failure(a) : null) : null);
}

/** "retrying (attempt 3 of 8, next at 10:12)", with what the last attempt ran into on hover. */
function retryingLine(d) {
  const parts = [];
  if (d.next_attempt && d.max_attempts) parts.push(`attempt ${d.next_attempt} of ${d.max_attempts}`);
  if (d.next_attempt_at) parts.push(`next at ${clockTime(d.next_attempt_at)}`);
  return h('span', { class: 'delivery-retrying', role: 'note', title: d.explanation || '',
    text: 'retrying' + (parts.length ? ` (${parts.join(', ')})` : '') });
}

/**
 * A failed reply: what went wrong and who can put it right, in words; the provider's own answer behind "Details";
 * and Retry, which queues it again (the history follows the live update).
 */
function failure(a) {
  const d = a.delivery || {};
  const words = d.explanation || (a.error && a.error.message) || 'The message could not be sent.';
  const raw = [d.error || (a.error && a.error.message), d.error_code || (a.error && a.error.code) ? `code ${d.error_code || a.error.code}` : null]
    .filter(Boolean).join(' · ');
  const retry = h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'retry', text: 'Retry', onclick: async () => {
    retry.disabled = true;
    retry.textContent = 'Retrying…';
    try {
      await api.post(`/activities/${a.id}/retry`);
    } catch (e) {
      retry.disabled = false;
      retry.textContent = 'Retry';
      toast(e.message, 'error');
    }
  } });
  return h('div', { class: 'delivery-failure', role: 'note' },
    h('p', { class: 'delivery-error', text: words }),
    h('div', { class: 'delivery-actions' },
      raw && raw !== words ? h('details', { class: 'delivery-details' }, h('summary', { text: 'Details' }), h('p', { text: raw })) : null,
      retry));
}

/**
 * E-mail HTML in a frame sandboxed without "allow-scripts": nothing in it can run, whatever it contains (and it
 * inherits the page's Content-Security-Policy, which also blocks its inline styles and remote images).
 * "allow-same-origin" only lets this page size the frame and make its links open in a new tab.
 */
function emailBody(a) {
  const frame = h('iframe', { class: 'email-frame', title: 'E-mail content' + (a.subject ? ': ' + a.subject : ''),
    sandbox: 'allow-same-origin allow-popups allow-popups-to-escape-sandbox', referrerpolicy: 'no-referrer', loading: 'lazy' });
  frame.srcdoc = '<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/app/css/email-frame.css">'
    + '</head><body>' + a.html + '</body></html>';
  const fit = () => {
    try {
      const doc = frame.contentDocument;
      for (const link of doc.querySelectorAll('a[href]')) {
        link.target = '_blank';
        link.rel = 'noopener noreferrer';
      }
      frame.style.height = Math.min(1200, Math.max(60, doc.documentElement.scrollHeight + 8)) + 'px';
    } catch (e) {
      // cannot reach into the frame: keep the default height
    }
  };
  // once on load, and again when its stylesheet and images have settled
  frame.addEventListener('load', () => { fit(); setTimeout(fit, 300); });
  if (!a.text) return h('div', { class: 'email-body' }, frame);
  const text = h('div', { class: 'msg-text', hidden: true }, linkify(a.text));
  const toggle = h('button', { type: 'button', class: 'link-btn', text: 'Show plain text', onclick: () => {
    text.hidden = !text.hidden;
    frame.hidden = !text.hidden;
    toggle.textContent = text.hidden ? 'Show plain text' : 'Show formatted';
  } });
  return h('div', { class: 'email-body' }, frame, text, toggle);
}

function attachments(a) {
  const files = a.attachments || [];
  if (!files.length) return null;
  return h('ul', { class: 'files', 'aria-label': 'Attachments' }, files.map(f => {
    if (f.status === 'failed') return h('li', { class: 'file file-failed', text: `${f.filename || 'file'}: could not be stored` });
    const type = f.content_type || '';
    const label = `${f.filename || 'file'} (${size(f.size)})`;
    if (type.startsWith('image/')) {
      return h('li', { class: 'file file-image' }, h('a', { href: f.url, target: '_blank', rel: 'noopener' },
        h('img', { src: f.url, alt: f.filename || 'image', loading: 'lazy' })));
    }
    if (type.startsWith('audio/')) {
      return h('li', { class: 'file file-audio' }, h('audio', { controls: true, preload: 'none', src: f.url, 'aria-label': label }));
    }
    return h('li', { class: 'file' }, h('a', { href: f.url, download: f.filename || '', text: label }));
  }));
}

export function size(bytes) {
  const n = Number(bytes || 0);
  if (n < 1024) return n + ' B';
  if (n < 1024 * 1024) return Math.round(n / 1024) + ' KB';
  return (n / 1024 / 1024).toFixed(1) + ' MB';
}
