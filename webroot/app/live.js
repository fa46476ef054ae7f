// The live connection (GET /live): events as they happen, resumed by seq after any drop.
//
// Protocol (README "## Live"): the server greets with hello {seq}; events carry a workspace-wide seq. After a
// reconnect we send {"op":"resume","after":lastSeq} and get what we missed, then "resumed"; if the gap is too
// old we get "resync" and reload over REST. Events are de-duplicated by seq here, so a view never sees one twice.

const PING_MS = 20000;
const PONG_WAIT_MS = 10000;
const SEEN_MAX = 5000;

/**
 * Emits: "state" {state, retryInMs, reason} (connecting, live, resuming, offline, closed), "ready" {first, resync}
 * after a hello (first: true on the very first connection; resync: true after a resync), "resumed" {count}, "resync" (reload everything over REST),
 * "event" (one server frame with a type), "signedout" {code} (the session or the user ended).
 */
export class Live extends EventTarget {
  constructor(url) {
    super();
    this.url = url || ((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/live');
    this.ws = null;
    this.state = 'idle';
    this.lastSeq = null;
    this.seen = new Set();
    this.attempts = 0;
    this.stopped = true;
    this.retryTimer = null;
    this.pingTimer = null;
    this.pongTimer = null;
    this.onOnline = () => this.reconnectNow();
    this.onOffline = () => this.abandon('the browser went offline');
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    this.connect();
  }

  stop() {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    clearTimeout(this.retryTimer);
    this.stopPing();
    if (this.ws) this.ws.close(1000, 'bye');
    this.ws = null;
    this.setState('closed');
  }

  /** Skips the back-off wait (the "Retry now" button, the browser coming back online). */
  reconnectNow() {
    if (this.stopped || this.state === 'live' || this.state === 'connecting' || this.state === 'resuming') return;
    clearTimeout(this.retryTimer);
    this.connect();
  }

  send(op) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(op));
      return true;
    }
    return false;
  }

  typing(conversation, typing = true) {
    this.send({ op: 'typing', conversation, typing });
  }

  presence(status) {
    this.presenceStatus = status;
    this.send({ op: 'presence', status });
  }

  setState(state, extra = {}) {
    this.state = state;
    this.dispatchEvent(new CustomEvent('state', { detail: { state, ...extra } }));
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  connect() {
    clearTimeout(this.retryTimer);
    this.setState(this.lastSeq === null ? 'connecting' : 'resuming');
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (e) {
      this.scheduleRetry(1006, 'cannot open a connection');
      return;
    }
    this.ws = ws;
    ws.onmessage = e => {
      if (this.ws !== ws) return;
      this.heard();
      let frame;
      try {
        frame = JSON.parse(e.data);
      } catch (err) {
        return;
      }
      this.frame(frame);
    };
    ws.onclose = e => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.stopPing();
      this.closed(e.code, e.reason);
    };
  }

  frame(f) {
    switch (f.type) {
      case 'hello': {
        this.attempts = 0;
        this.startPing();
        if (this.presenceStatus && this.presenceStatus !== 'online') this.send({ op: 'presence', status: this.presenceStatus });
        if (this.lastSeq === null) {
          this.lastSeq = f.seq || 0;
          this.setState('live');
          this.emit('ready', { first: true, hello: f });
        } else {
          // we were here before: ask for exactly what we missed
          this.setState('resuming');
          this.send({ op: 'resume', after: this.lastSeq });
        }
        return;
      }
      case 'resumed':
        if (typeof f.seq === 'number') this.lastSeq = Math.max(this.lastSeq, f.seq);
        this.setState('live');
        this.emit('resumed', { count: f.count });
        this.emit('ready', { first: false });
        return;
      case 'resync':
        // the gap is older than the hub keeps: the views reload over REST and go on from here
        this.lastSeq = f.seq || this.lastSeq;
        this.seen.clear();
        this.setState('live');
        this.emit('resync', {});
        this.emit('ready', { first: false, resync: true });
        return;
      case 'pong':
        return;
      case 'error':
        if (f.code === 'busy' && this.state === 'resuming') setTimeout(() => this.send({ op: 'resume', after: this.lastSeq }), 300);
        else console.warn('live:', f.code, f.message);
        return;
      default:
        if (typeof f.seq === 'number') {
          if (this.seen.has(f.seq)) return;
          this.seen.add(f.seq);
          if (this.seen.size > SEEN_MAX) this.seen.delete(this.seen.values().next().value);
          if (this.lastSeq === null || f.seq > this.lastSeq) this.lastSeq = f.seq;
        }
        this.emit('event', f);
    }
  }

  closed(code, reason) {
    if (this.stopped) return;
    if (code === 4401 || code === 4403) {
      this.stopped = true;
      this.setState('closed', { reason });
      this.emit('signedout', { code, reason });
      return;
    }
    this.scheduleRetry(code, reason);
  }

  scheduleRetry(code, reason) {
    this.attempts++;
    // a draining node (4503) or a slow socket (4100) means "come back now"; anything else backs off with jitter
    const quick = code === 4503 || code === 4100;
    const base = quick ? 250 : Math.min(30000, 500 * 2 ** Math.min(this.attempts - 1, 6));
    const wait = Math.round(base * (0.6 + Math.random() * 0.4));
    this.setState('offline', { retryInMs: wait, code, reason, attempts: this.attempts });
    this.retryTimer = setTimeout(() => this.connect(), wait);
  }

  // A dead connection can look open for minutes; a ping that gets no answer closes it so we reconnect.
  startPing() {
    this.stopPing();
    this.pingTimer = setInterval(() => {
      if (!this.send({ op: 'ping' })) return;
      clearTimeout(this.pongTimer);
      this.pongTimer = setTimeout(() => this.abandon('no answer to ping'), PONG_WAIT_MS);
    }, PING_MS);
  }

  /** Gives up on the current socket at once (its close handshake may never finish) and reconnects. */
  abandon(reason) {
    const ws = this.ws;
    if (!ws) return;
    this.ws = null;
    this.stopPing();
    try {
      ws.close(4000, reason);
    } catch (e) {
      // already closing
    }
    this.closed(1006, reason);
  }

  heard() {
    clearTimeout(this.pongTimer);
  }

  stopPing() {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
  }
}
