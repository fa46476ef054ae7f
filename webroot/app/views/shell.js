// The frame around every page: the navigation rail, the connection state, and the page for the route.

import { avatar, fill, h, icon, toast } from '../dom.js';
import * as notify from '../notify.js';
import { onRoute, parse } from '../router.js';
import { can, on, store } from '../store.js';
import { ContactsPage } from './contacts.js';
import { InboxPage } from './inbox-page.js';
import { ProfilesPage } from './profiles.js';
import { SettingsPage } from './settings.js';
import { ReportsPage } from './reports.js';

const PAGES = { inbox: InboxPage, contacts: ContactsPage, profiles: ProfilesPage, settings: SettingsPage, reports: ReportsPage };

export class Shell {
  constructor(root, { live, logout }) {
    this.root = root;
    this.live = live;
    this.logout = logout;
    this.page = null;
    this.pageName = null;
    this.offs = [];
    this.countdown = null;
    root.className = 'app';
    this.banner = h('div', { class: 'conn-banner', role: 'status', 'aria-live': 'polite', hidden: true });
    this.host = h('div', { class: 'page-host' });
    this.rail = this.buildRail();
    fill(root, this.rail, h('div', { class: 'main' }, this.banner, this.host));
    live.addEventListener('state', this.onState = e => this.showState(e.detail));
    live.addEventListener('resumed', this.onResumed = e => {
      if (e.detail.count) toast(`Back online: caught up on ${e.detail.count} update${e.detail.count === 1 ? '' : 's'}.`);
    });
    live.addEventListener('resync', this.onResync = () => toast('You were away too long to catch up event by event: the screen was reloaded.'));
    this.offs.push(on('presence', () => this.paintMe()));
  }

  start() {
    this.offs.push(onRoute(r => this.route(r)));
    this.route(parse());
    document.addEventListener('visibilitychange', this.onVisibility = () => this.visibility());
  }

  destroy() {
    this.offs.forEach(off => off());
    this.live.removeEventListener('state', this.onState);
    this.live.removeEventListener('resumed', this.onResumed);
    this.live.removeEventListener('resync', this.onResync);
    document.removeEventListener('visibilitychange', this.onVisibility);
    clearInterval(this.countdown);
    if (this.page) this.page.destroy();
    this.page = null;
  }

  route({ page, params }) {
    if (!PAGES[page] || (page === 'reports' && !can('reports.view'))) page = 'inbox';
    // a dialog belongs to the screen that opened it
    for (const d of document.querySelectorAll('dialog[open]')) {
      d.close();
      d.remove();
    }
    for (const a of this.rail.querySelectorAll('[data-page]')) {
      if (a.dataset.page === page) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    if (this.page && this.pageName === page) {
      this.page.update(params);
      return;
    }
    if (this.page) this.page.destroy();
    fill(this.host);
    this.pageName = page;
    this.page = new PAGES[page](this.host, params);
  }

  buildRail() {
    const link = (page, label, iconName) => h('a', { href: '#/' + page, class: 'rail-link', 'data-page': page, title: label },
      icon(iconName), h('span', { class: 'rail-label', text: label }));
    this.bell = h('button', { type: 'button', class: 'rail-link', 'aria-pressed': String(notify.enabled()),
      title: 'Desktop notifications', onclick: async () => {
        const on = await notify.toggle();
        this.bell.setAttribute('aria-pressed', String(on));
        toast(on ? 'Desktop notifications are on.' : notify.supported() && Notification.permission === 'denied'
          ? 'The browser blocks notifications for this site.' : 'Desktop notifications are off.');
      } }, icon('bell'), h('span', { class: 'rail-label', text: 'Alerts' }));
    if (!notify.supported()) this.bell.hidden = true;
    this.meButton = h('button', { type: 'button', class: 'me-button', 'aria-haspopup': 'menu', 'aria-expanded': 'false',
      onclick: () => this.toggleMenu() });
    this.menu = h('div', { class: 'me-menu', role: 'menu', hidden: true });
    this.liveDot = h('span', { class: 'live-dot', 'data-state': 'connecting', title: 'Connecting' });
    this.paintMe();
    return h('nav', { class: 'rail', 'aria-label': 'Main' },
      h('a', { href: '#/inbox/all', class: 'rail-brand', 'aria-label': 'Switchboard home' }, h('span', { class: 'brand-mark' })),
      [link('inbox', 'Inbox', 'inbox'), link('contacts', 'Contacts', 'contacts'),
        link('profiles', 'Profiles', 'profiles'), can('reports.view') ? link('reports', 'Reports', 'reports') : null, link('settings', can('settings.manage') ? 'Settings' : 'Account', 'settings')],
      h('div', { class: 'rail-spacer' }),
      this.bell,
      h('div', { class: 'me-wrap' }, this.meButton, this.menu),
      this.liveDot);
  }

  paintMe() {
    if (!this.meButton || !store.me) return;
    const status = this.live.state !== 'live' ? 'offline' : store.presence.get(store.me.id) || 'online';
    fill(this.meButton, avatar(store.me.name, '#4f46e5'), h('span', { class: 'presence', 'data-status': status }),
      h('span', { class: 'visually-hidden', text: `${store.me.name}, ${status}. Account menu` }));
  }

  toggleMenu(force) {
    const open = force !== undefined ? force : this.menu.hidden;
    this.meButton.setAttribute('aria-expanded', String(open));
    if (!open) {
      this.menu.hidden = true;
      return;
    }
    const item = (label, fn, attrs = {}) => h('button', { type: 'button', role: 'menuitem', class: 'menu-item', ...attrs,
      onclick: () => { this.toggleMenu(false); fn(); } }, label);
    fill(this.menu,
      h('div', { class: 'menu-head' }, h('strong', { text: store.me.name }), h('span', { class: 'muted', text: store.me.email })),
      item('Set yourself online', () => this.setPresence('online')),
      item('Set yourself away', () => this.setPresence('away')),
      item('Sign out', () => this.logout(), { 'data-action': 'logout' }));
    this.menu.hidden = false;
    this.menu.querySelector('button').focus();
    const close = e => {
      if (!this.menu.contains(e.target) && e.target !== this.meButton && !this.meButton.contains(e.target)) {
        this.toggleMenu(false);
        document.removeEventListener('click', close, true);
      }
    };
    document.addEventListener('click', close, true);
    this.menu.onkeydown = e => { if (e.key === 'Escape') { this.toggleMenu(false); this.meButton.focus(); } };
  }

  setPresence(status) {
    this.manualAway = status === 'away';
    this.live.presence(status);
    store.presence.set(store.me.id, status);
    this.paintMe();
  }

  /** A hidden tab for a while counts as away, unless the agent chose away themselves. */
  visibility() {
    clearTimeout(this.awayTimer);
    if (this.manualAway) return;
    if (document.hidden) this.awayTimer = setTimeout(() => this.live.presence('away'), 5 * 60 * 1000);
    else if (this.live.presenceStatus === 'away') this.live.presence('online');
  }

  showState({ state, retryInMs }) {
    clearInterval(this.countdown);
    this.liveDot.dataset.state = state;
    this.liveDot.title = { live: 'Live', offline: 'Offline', connecting: 'Connecting', resuming: 'Reconnecting', closed: 'Closed' }[state] || state;
    this.banner.dataset.state = state;
    if (state === 'live' || state === 'closed' || state === 'connecting') {
      this.banner.hidden = true;
      this.root.classList.remove('is-offline');
      this.paintMe();
      return;
    }
    this.root.classList.toggle('is-offline', state === 'offline');
    if (state === 'resuming') {
      fill(this.banner, h('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Reconnecting… catching up on what you missed.');
      this.banner.hidden = false;
      return;
    }
    const until = Date.now() + (retryInMs || 0);
    const paint = () => {
      const s = Math.max(0, Math.ceil((until - Date.now()) / 1000));
      fill(this.banner, h('strong', { text: 'Connection lost.' }),
        ` Messages will appear when it is back. Reconnecting${s ? ' in ' + s + ' s' : '…'}`,
        h('button', { type: 'button', class: 'btn btn-small', text: 'Retry now', onclick: () => this.live.reconnectNow() }));
    };
    paint();
    this.banner.hidden = false;
    this.countdown = setInterval(paint, 1000);
    this.paintMe();
  }
}
