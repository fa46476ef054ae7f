/*
 * Switchboard website chat widget. Embed with
 *   <script src="https://HUB/widget.js" data-key="k_..." async></script>
 * and, for a signed-in user of the site, data-identifier="<user id>" data-identifier-hash="<hex HMAC-SHA256(user id, widget secret)>"
 * (optionally data-name, data-email). No dependencies; everything lives in a shadow root so the site's CSS and the
 * widget's never meet. Visitor and agent text is always inserted as text, never as HTML.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || window.__switchboardWidget) return;
  var key = script.getAttribute('data-key');
  if (!key) { console.warn('switchboard widget: data-key is missing'); return; }
  var hub = new URL(script.src, location.href);
  var hubOrigin = hub.origin;
  var wsUrl = (hub.protocol === 'https:' ? 'wss://' : 'ws://') + hub.host + '/widget/ws?key=' + encodeURIComponent(key);
  var identity = {
    identifier: script.getAttribute('data-identifier') || null,
    hash: script.getAttribute('data-identifier-hash') || null,
    name: script.getAttribute('data-name') || null,
    email: script.getAttribute('data-email') || null
  };
  var prefix = 'switchboard:' + key + ':' + (identity.identifier ? 'id:' + identity.identifier : 'anon') + ':';

  function load(name, fallback) {
    try { var v = localStorage.getItem(prefix + name); return v == null ? fallback : JSON.parse(v); } catch (e) { return fallback; }
  }
  function save(name, value) {
    try { if (value == null) localStorage.removeItem(prefix + name); else localStorage.setItem(prefix + name, JSON.stringify(value)); } catch (e) { /* private mode */ }
  }

  // ---- state ----
  var ws = null;
  var ready = false;
  var stopped = false;
  var attempt = 0;
  var enabled = true;
  var more = false;
  var agentReadAt = null;
  var lastReceived = 0;
  var lastRead = 0;
  var pending = load('pending', []); // [{id, text, at}] sent but not acknowledged: resent with the same id
  var shown = {}; // server id -> element
  var open = false;
  try { open = sessionStorage.getItem(prefix + 'open') === '1'; } catch (e) { /* ignore */ }
  var typingTimer = null;
  var typingSentAt = 0;
  var agentTypingTimer = null;

  // ---- building the panel ----
  // a tag of our own, so the site's "div { … }" rules never match the host; inline !important placement wins the rest
  var host = document.createElement('switchboard-chat');
  host.setAttribute('data-switchboard-widget', '');
  host.setAttribute('style', 'all:initial !important;position:fixed !important;right:20px !important;bottom:20px !important;'
    + 'z-index:2147483000 !important;display:block !important;width:auto !important;height:auto !important;'
    + 'margin:0 !important;padding:0 !important;border:0 !important;transform:none !important;');
  var shadow = host.attachShadow({ mode: 'open' });
  // inherited properties (font, colour) could still flow from the page into the shadow tree: reset them here
  var root = document.createElement('div');
  root.className = 'root';
  shadow.appendChild(root);
  var style = document.createElement('style');
  style.textContent = [
    '.root{all:initial;display:block;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2937;text-align:left;letter-spacing:normal;word-spacing:normal;text-transform:none;direction:ltr;visibility:visible}',
    '.root *{box-sizing:border-box;font:inherit;color:inherit;text-transform:none;letter-spacing:normal}',
    '.root{--sb-color:var(--sb-site-color,#4f46e5)}',
    '.launcher{width:56px;height:56px;border-radius:50%;border:0;display:flex;align-items:center;justify-content:center;background:var(--sb-color);color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);position:relative;padding:0}',
    '.badge{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;border-radius:10px;background:#dc2626;color:#fff;font-size:12px;line-height:20px;padding:0 5px}',
    '.badge[hidden],.panel[hidden],.notice[hidden],.more[hidden],.typing[hidden]{display:none}',
    '.panel{position:absolute;right:0;bottom:70px;width:360px;max-width:calc(100vw - 40px);height:520px;max-height:calc(100vh - 110px);background:#fff;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);display:flex;flex-direction:column;overflow:hidden}',
    '.head{background:var(--sb-color);color:#fff;padding:14px 16px;display:flex;align-items:center;gap:8px}',
    '.title{font-weight:600;flex:1;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}',
    '.close{background:transparent;border:0;color:#fff;font-size:20px;cursor:pointer;line-height:1}',
    '.greeting{padding:10px 16px;color:#4b5563;border-bottom:1px solid #eee;white-space:pre-wrap}',
    '.greeting:empty{display:none}',
    '.notice{padding:8px 16px;background:#fef3c7;color:#92400e;font-size:13px}',
    '.list{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px}',
    '.more{align-self:center;background:none;border:1px solid #d1d5db;border-radius:12px;padding:2px 10px;cursor:pointer;color:#4b5563;font-size:12px}',
    '.msg{max-width:80%;display:flex;flex-direction:column}',
    '.msg[data-from=visitor]{align-self:flex-end;align-items:flex-end}',
    '.msg[data-from=agent]{align-self:flex-start}',
    '.bubble{padding:8px 12px;border-radius:14px;white-space:pre-wrap;word-wrap:break-word;overflow-wrap:anywhere}',
    '.msg[data-from=visitor] .bubble{background:var(--sb-color);color:#fff;border-bottom-right-radius:4px}',
    '.msg[data-from=agent] .bubble{background:#f3f4f6;border-bottom-left-radius:4px}',
    '.msg[data-from=visitor] .bubble a{color:#fff}',
    '.meta{font-size:11px;color:#6b7280;margin-top:2px}',
    '.files a{display:block;font-size:13px;margin-top:4px}',
    '.files img{max-width:200px;max-height:200px;border-radius:8px;display:block}',
    '.typing{font-size:12px;color:#6b7280;padding:0 16px 6px}',
    '.composer{display:flex;border-top:1px solid #eee;padding:8px;gap:8px}',
    'textarea{flex:1;resize:none;border:1px solid #d1d5db;border-radius:8px;padding:8px;font:inherit;height:40px;max-height:120px;color:inherit;background:#fff}',
    'textarea:disabled{background:#f9fafb}',
    '.send{background:var(--sb-color);color:#fff;border:0;border-radius:8px;padding:0 14px;cursor:pointer;font:inherit}',
    '.send:disabled{opacity:.5;cursor:default}',
    '.review{align-self:stretch;border:1px solid #e5e7eb;border-radius:12px;padding:10px 12px;background:#fafafa;display:flex;flex-direction:column;gap:6px}',
    '.review .stars{display:flex;gap:2px}',
    '.review .star{background:none;border:0;font-size:26px;line-height:1;color:#d1d5db;cursor:pointer;padding:0 2px}',
    '.review .star[aria-pressed=true]{color:#f59e0b}',
    '.review textarea{height:56px;flex:none}',
    '.review .send{padding:6px 14px;align-self:flex-end}',
    '.review .done{color:#065f46}'
  ].join('\n');
  shadow.appendChild(style);

  function el(tag, cls, attrs) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (attrs) for (var k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }
  var panel = el('div', 'panel', { 'data-sb': 'panel', role: 'dialog', 'aria-label': 'Chat' });
  panel.hidden = true;
  var head = el('div', 'head');
  var title = el('div', 'title', { 'data-sb': 'title' });
  title.textContent = 'Chat with us';
  var closeBtn = el('button', 'close', { 'data-sb': 'close', 'aria-label': 'Close chat', type: 'button' });
  closeBtn.textContent = '\u00d7';
  head.appendChild(title); head.appendChild(closeBtn);
  var greeting = el('div', 'greeting', { 'data-sb': 'greeting' });
  var notice = el('div', 'notice', { 'data-sb': 'notice', role: 'status' });
  notice.hidden = true;
  var list = el('div', 'list', { 'data-sb': 'messages', 'aria-live': 'polite' });
  var moreBtn = el('button', 'more', { 'data-sb': 'more', type: 'button' });
  moreBtn.textContent = 'Earlier messages';
  moreBtn.hidden = true;
  list.appendChild(moreBtn);
  var typing = el('div', 'typing', { 'data-sb': 'typing' });
  typing.hidden = true;
  var composer = el('div', 'composer');
  var input = el('textarea', '', { 'data-sb': 'input', rows: '1', placeholder: 'Write a message\u2026', maxlength: '8000', 'aria-label': 'Message' });
  var sendBtn = el('button', 'send', { 'data-sb': 'send', type: 'button' });
  sendBtn.textContent = 'Send';
  composer.appendChild(input); composer.appendChild(sendBtn);
  panel.appendChild(head); panel.appendChild(greeting); panel.appendChild(notice); panel.appendChild(list);
  panel.appendChild(typing); panel.appendChild(composer);
  var launcher = el('button', 'launcher', { 'data-sb': 'launcher', 'aria-label': 'Open chat', type: 'button' });
  var NS = 'http://www.w3.org/2000/svg';
  var icon = document.createElementNS(NS, 'svg');
  icon.setAttribute('viewBox', '0 0 24 24'); icon.setAttribute('width', '28'); icon.setAttribute('height', '28');
  icon.setAttribute('aria-hidden', 'true');
  var path = document.createElementNS(NS, 'path');
  path.setAttribute('fill', 'currentColor');
  path.setAttribute('d', 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6v2h10V9H7zm0-3v2h10V6H7zm0 6v2h7v-2H7z');
  icon.appendChild(path);
  launcher.appendChild(icon);
  var badge = el('span', 'badge', { 'data-sb': 'badge' });
  badge.hidden = true;
  launcher.appendChild(badge);
  root.appendChild(panel);
  root.appendChild(launcher);

  // ---- rendering (text only) ----
  var URL_RE = /\bhttps?:\/\/[^\s<>"']+/g;
  function fillText(node, text) {
    text = text || '';
    var last = 0, m;
    URL_RE.lastIndex = 0;
    while ((m = URL_RE.exec(text))) {
      if (m.index > last) node.appendChild(document.createTextNode(text.slice(last, m.index)));
      var a = document.createElement('a');
      a.href = m[0]; a.textContent = m[0]; a.target = '_blank'; a.rel = 'noopener noreferrer nofollow';
      node.appendChild(a);
      last = m.index + m[0].length;
    }
    if (last < text.length) node.appendChild(document.createTextNode(text.slice(last)));
  }
  function time(iso) {
    try { return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }); } catch (e) { return ''; }
  }
  function render(m, pendingMsg) {
    var box = el('div', 'msg', { 'data-from': m.from });
    if (m.id) box.setAttribute('data-id', String(m.id));
    if (m.client_id) box.setAttribute('data-client-id', m.client_id);
    var bubble = el('div', 'bubble', { 'data-sb': 'text' });
    fillText(bubble, m.text);
    box.appendChild(bubble);
    if (m.attachments && m.attachments.length) {
      var files = el('div', 'files');
      m.attachments.forEach(function (f) {
        var href = new URL(f.url, hubOrigin);
        if (href.origin !== hubOrigin) return;
        var a = el('a', '', { target: '_blank', rel: 'noopener noreferrer' });
        a.href = href.href;
        if (/^image\/(png|jpeg|gif|webp)$/.test(f.content_type || '')) {
          var img = el('img', '', { alt: f.filename || 'image' });
          img.src = href.href;
          a.appendChild(img);
        } else {
          a.textContent = f.filename || 'file';
        }
        files.appendChild(a);
      });
      box.appendChild(files);
    }
    var meta = el('div', 'meta', { 'data-sb': 'meta' });
    box.appendChild(meta);
    box._msg = m;
    box._pending = !!pendingMsg;
    updateMeta(box);
    return box;
  }
  function updateMeta(box) {
    var m = box._msg, meta = box.querySelector('.meta');
    if (box._pending) { meta.textContent = box._failed ? 'Not sent \u2013 retrying' : 'Sending\u2026'; return; }
    var when = m.created_at ? time(m.created_at) : '';
    if (m.from === 'agent') { meta.textContent = (m.name ? m.name + ' \u00b7 ' : '') + when; return; }
    var seen = agentReadAt && m.created_at && Date.parse(agentReadAt) >= Date.parse(m.created_at);
    meta.textContent = when + (seen ? ' \u00b7 Seen' : ' \u00b7 Sent');
  }
  function refreshSeen() {
    var boxes = list.querySelectorAll('.msg[data-from=visitor]');
    for (var i = 0; i < boxes.length; i++) updateMeta(boxes[i]);
  }
  function nearBottom() { return list.scrollHeight - list.scrollTop - list.clientHeight < 80; }
  function scrollDown() { list.scrollTop = list.scrollHeight; }

  /** Adds a stored message once; an acknowledged pending one becomes it. */
  function addMessage(m, atTop) {
    if (!m || !m.id || shown[m.id]) return false;
    var box = null;
    if (m.client_id) {
      box = list.querySelector('.msg[data-client-id="' + cssEscape(m.client_id) + '"]');
      if (box && box._pending) {
        var fresh = render(m);
        list.replaceChild(fresh, box);
        shown[m.id] = fresh;
        return true;
      }
    }
    var stick = nearBottom();
    box = render(m);
    shown[m.id] = box;
    if (atTop) list.insertBefore(box, moreBtn.nextSibling);
    else list.insertBefore(box, firstPending());
    if (!atTop && stick) scrollDown();
    return true;
  }
  function firstPending() {
    var boxes = list.querySelectorAll('.msg');
    for (var i = 0; i < boxes.length; i++) if (boxes[i]._pending) return boxes[i];
    return null;
  }
  function cssEscape(s) { return String(s).replace(/[^A-Za-z0-9_-]/g, ''); }
  function showPending(p) {
    if (list.querySelector('.msg[data-client-id="' + cssEscape(p.id) + '"]')) return;
    list.appendChild(render({ from: 'visitor', text: p.text, client_id: p.id, created_at: p.at }, true));
    scrollDown();
  }
  function clearList() {
    shown = {};
    var boxes = list.querySelectorAll('.msg');
    for (var i = 0; i < boxes.length; i++) list.removeChild(boxes[i]);
    var reviews = list.querySelectorAll('.review');
    for (var j = 0; j < reviews.length; j++) list.removeChild(reviews[j]);
    reviewBox = null;
  }
  function setNotice(text) { notice.textContent = text || ''; notice.hidden = !text; }
  function setEnabled(on, reason) {
    enabled = on;
    input.disabled = !on; sendBtn.disabled = !on;
    setNotice(on ? '' : 'This chat is not available right now' + (reason ? ': ' + reason : '.') + ' Your conversation is kept.');
  }

  // ---- the rating prompt (a review request after the conversation was resolved) ----
  var reviewBox = null;
  function showReview(r) {
    if (!r || !r.id) return;
    if (reviewBox && reviewBox._id === r.id) return;
    if (reviewBox && reviewBox.parentNode) reviewBox.parentNode.removeChild(reviewBox);
    var box = el('div', 'review', { 'data-sb': 'review', 'data-review-id': String(r.id) });
    box._id = r.id;
    box._rating = 0;
    var label = el('div', '', { 'data-sb': 'review-label' });
    label.textContent = 'How would you rate this conversation?';
    var stars = el('div', 'stars', { role: 'group', 'aria-label': 'Rating from 1 to 5' });
    var buttons = [];
    for (var i = 1; i <= 5; i++) {
      var b = el('button', 'star', { type: 'button', 'data-sb': 'star-' + i, 'aria-label': i + ' out of 5', 'aria-pressed': 'false' });
      b.textContent = '\u2605';
      (function (n) {
        b.addEventListener('click', function () {
          box._rating = n;
          buttons.forEach(function (x, j) { x.setAttribute('aria-pressed', j < n ? 'true' : 'false'); });
          sendReview.disabled = false;
        });
      })(i);
      buttons.push(b);
      stars.appendChild(b);
    }
    var comment = el('textarea', '', { 'data-sb': 'review-comment', maxlength: '2000', placeholder: 'Anything to add? (optional)', 'aria-label': 'Comment' });
    var sendReview = el('button', 'send', { type: 'button', 'data-sb': 'review-send' });
    sendReview.textContent = 'Send rating';
    sendReview.disabled = true;
    sendReview.addEventListener('click', function () {
      if (!box._rating || !ready) return;
      sendReview.disabled = true;
      send({ op: 'rate', review: r.id, rating: box._rating, comment: comment.value.replace(/^\s+|\s+$/g, '') || null });
    });
    box.appendChild(label); box.appendChild(stars); box.appendChild(comment); box.appendChild(sendReview);
    reviewBox = box;
    list.appendChild(box);
    scrollDown();
  }
  function reviewDone(text) {
    if (!reviewBox) return;
    while (reviewBox.firstChild) reviewBox.removeChild(reviewBox.firstChild);
    var done = el('div', 'done', { 'data-sb': 'review-done' });
    done.textContent = text;
    reviewBox.appendChild(done);
    reviewBox = null;
  }

  // ---- the connection ----
  function send(frame) { if (ws && ws.readyState === 1) ws.send(JSON.stringify(frame)); }
  function connect() {
    if (stopped) return;
    ready = false;
    try { ws = new WebSocket(wsUrl); } catch (e) { retry(); return; }
    ws.onopen = function () {
      send({ op: 'hello', token: identity.identifier ? null : load('token', null), identifier: identity.identifier,
        identifier_hash: identity.hash, name: identity.name, email: identity.email, page_url: location.href.slice(0, 1000) });
    };
    ws.onmessage = function (e) {
      var f;
      try { f = JSON.parse(e.data); } catch (err) { return; }
      handle(f);
    };
    ws.onclose = function (e) {
      ready = false;
      ws = null;
      if (e.code === 4401) { save('token', null); attempt = 0; setTimeout(connect, 100); return; }
      if (e.code === 4403) { stopped = true; setNotice('This chat could not verify who you are. Please reload the page.'); setEnabled(false); return; }
      if (e.code === 4404) { stopped = true; setNotice('This chat is no longer available.'); input.disabled = true; sendBtn.disabled = true; return; }
      if (enabled) setNotice('Reconnecting\u2026');
      retry(e.code === 4429 ? 10000 : 0);
    };
  }
  function retry(min) {
    attempt++;
    var delay = Math.max(min || 0, Math.min(30000, 500 * Math.pow(2, Math.min(attempt, 6))) * (0.75 + Math.random() / 2));
    setTimeout(connect, delay);
  }

  function handle(f) {
    switch (f.type) {
      case 'hello':
        attempt = 0;
        ready = true;
        if (f.token) save('token', f.token);
        var w = f.widget || {};
        title.textContent = w.title || 'Chat with us';
        greeting.textContent = w.greeting || '';
        if (w.color && /^#[0-9a-fA-F]{3,8}$/.test(w.color)) host.style.setProperty('--sb-site-color', w.color);
        agentReadAt = f.agent_read_at || null;
        clearList();
        (f.messages || []).forEach(function (m) {
          if (m.from === 'agent' && (!agentReadAt || Date.parse(m.created_at) > Date.parse(agentReadAt))) agentReadAt = m.created_at;
        });
        (f.messages || []).forEach(function (m) {
          addMessage(m);
          // replies this visitor already read elsewhere (another tab, another visit) are not unread again
          if (m.from === 'agent' && m.status === 'read' && m.id > lastRead) lastRead = m.id;
        });
        more = !!f.more; moreBtn.hidden = !more;
        setEnabled(w.enabled !== false, w.disabled_reason);
        pending.forEach(function (p) { showPending(p); send({ op: 'message', id: p.id, text: p.text }); });
        if (f.review) showReview(f.review);
        scrollDown();
        receipts();
        break;
      case 'ack':
        pending = pending.filter(function (p) { return p.id !== f.id; });
        save('pending', pending);
        if (f.message) { f.message.client_id = f.message.client_id || f.id; addMessage(f.message); }
        break;
      case 'message':
        if (addMessage(f.message) && f.message.from === 'agent') {
          typing.hidden = true;
          // an agent answering has seen what came before
          if (!agentReadAt || Date.parse(f.message.created_at) > Date.parse(agentReadAt)) { agentReadAt = f.message.created_at; refreshSeen(); }
          receipts();
        }
        break;
      case 'history':
        var prevHeight = list.scrollHeight;
        (f.messages || []).slice().reverse().forEach(function (m) { addMessage(m, true); });
        more = !!f.more; moreBtn.hidden = !more;
        list.scrollTop += list.scrollHeight - prevHeight;
        break;
      case 'typing':
        typing.textContent = ((f.agent && f.agent.name) || 'Someone') + ' is typing\u2026';
        typing.hidden = !f.typing;
        clearTimeout(agentTypingTimer);
        if (f.typing) agentTypingTimer = setTimeout(function () { typing.hidden = true; }, 8000);
        break;
      case 'read':
        if (!agentReadAt || Date.parse(f.at) > Date.parse(agentReadAt)) agentReadAt = f.at;
        refreshSeen();
        break;
      case 'status':
        setEnabled(f.enabled !== false, f.disabled_reason);
        break;
      case 'review_request':
        showReview(f.review);
        break;
      case 'rated':
        if (reviewBox && reviewBox._id === f.review) reviewDone('Thanks for your rating!');
        break;
      case 'error':
        if (reviewBox && (f.code === 'expired' || f.code === 'not_found')) { reviewDone(f.message); break; }
        if (reviewBox && !f.id && (f.code === 'unavailable' || f.code === 'validation')) {
          var again = reviewBox.querySelector('[data-sb=review-send]');
          if (again) again.disabled = false;
        }
        if (f.id) {
          var box = list.querySelector('.msg[data-client-id="' + cssEscape(f.id) + '"]');
          if (f.code === 'unavailable' || f.code === 'internal' || f.code === 'rate_limited') {
            if (box) { box._failed = true; updateMeta(box); }
            setTimeout(function () { var p = pending.filter(function (x) { return x.id === f.id; })[0]; if (p) send({ op: 'message', id: p.id, text: p.text }); }, 5000);
          } else {
            pending = pending.filter(function (p) { return p.id !== f.id; });
            save('pending', pending);
            if (box) box.parentNode.removeChild(box);
            setNotice(f.message);
          }
        }
        break;
      default:
        break;
    }
  }

  /** Tells the hub which agent replies this browser has, and whether they were seen. */
  function receipts() {
    if (!ready) return;
    var newest = 0;
    for (var id in shown) if (shown[id]._msg.from === 'agent' && +id > newest) newest = +id;
    if (!newest) return;
    var visible = open && document.visibilityState === 'visible';
    if (visible && newest > lastRead) { lastRead = newest; send({ op: 'read', up_to: newest }); }
    else if (!visible && newest > lastReceived && newest > lastRead) { lastReceived = newest; send({ op: 'received', up_to: newest }); }
    var unread = 0;
    for (var i in shown) if (shown[i]._msg.from === 'agent' && +i > lastRead) unread++;
    badge.textContent = String(unread);
    badge.hidden = unread === 0 || open;
  }

  function submit() {
    var text = input.value.replace(/^\s+|\s+$/g, '');
    if (!text || !enabled) return;
    var p = { id: 'c_' + Date.now().toString(36) + Math.random().toString(36).slice(2, 10), text: text, at: new Date().toISOString() };
    pending.push(p);
    save('pending', pending);
    input.value = '';
    showPending(p);
    if (ready) send({ op: 'message', id: p.id, text: p.text });
    send({ op: 'typing', typing: false });
    typingSentAt = 0;
  }

  function setOpen(on, byUser) {
    open = on;
    panel.hidden = !on;
    launcher.setAttribute('aria-label', on ? 'Close chat' : 'Open chat');
    try { sessionStorage.setItem(prefix + 'open', on ? '1' : '0'); } catch (e) { /* ignore */ }
    if (on) { scrollDown(); if (byUser) input.focus(); }
    receipts();
  }

  launcher.addEventListener('click', function () { setOpen(!open, true); });
  closeBtn.addEventListener('click', function () { setOpen(false, true); });
  sendBtn.addEventListener('click', submit);
  moreBtn.addEventListener('click', function () {
    var first = list.querySelector('.msg[data-id]');
    if (first) send({ op: 'history', before: +first.getAttribute('data-id') });
  });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
  });
  input.addEventListener('input', function () {
    var now = Date.now();
    if (ready && input.value && now - typingSentAt > 3000) { typingSentAt = now; send({ op: 'typing', typing: true }); }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { if (typingSentAt) { typingSentAt = 0; send({ op: 'typing', typing: false }); } }, 4000);
  });
  document.addEventListener('visibilitychange', receipts);

  window.__switchboardWidget = true;
  window.SwitchboardWidget = {
    open: function () { setOpen(true, true); },
    close: function () { setOpen(false); },
    /** For a site's sign-out: forget this browser's anonymous visitor and start afresh. */
    reset: function () { save('token', null); save('pending', null); pending = []; clearList(); if (ws) ws.close(1000, 'reset'); }
  };

  function mount() {
    document.body.appendChild(host);
    setOpen(open);
    connect();
  }
  if (document.body) mount(); else document.addEventListener('DOMContentLoaded', mount);
})();
