// The inboxes the agent is a member of (default inbox first), with colour and unread counts, filterable by name;
// and the team's presence below.

import { colorDot, fill, h, icon } from '../dom.js';
import { can, memberInboxes, on, store } from '../store.js';

export class InboxPanel {
  constructor(el, selected) {
    this.el = el;
    this.selected = selected;
    this.filter = '';
    const input = h('input', { type: 'search', class: 'panel-filter', placeholder: 'Filter inboxes', 'aria-label': 'Filter inboxes by name',
      oninput: () => { this.filter = input.value.trim().toLowerCase(); this.paint(); } });
    this.list = h('ul', { class: 'inbox-list', 'aria-label': 'Inboxes' });
    this.team = h('ul', { class: 'team-list', 'aria-label': 'Team presence' });
    fill(el,
      h('div', { class: 'panel-head' }, h('h2', { class: 'panel-title', text: 'Inboxes' })),
      h('div', { class: 'panel-search' }, icon('search'), input),
      h('nav', { class: 'inbox-nav', 'aria-label': 'Inboxes' }, this.list),
      h('details', { class: 'team', open: true }, h('summary', { text: 'Team' }), this.team));
    this.offs = [on('inboxes', () => this.paint()), on('presence', () => this.paintTeam()), on('users', () => this.paintTeam())];
    this.paint();
    this.paintTeam();
  }

  select(inbox) {
    this.selected = inbox;
    this.paint();
  }

  paint() {
    const inboxes = memberInboxes();
    const shown = inboxes.filter(i => !this.filter || i.name.toLowerCase().includes(this.filter));
    const total = inboxes.reduce((n, i) => n + (i.unread || 0), 0);
    const row = (href, label, color, unread, current, extra) => h('li', {},
      h('a', { href, class: 'inbox-link', 'aria-current': current ? 'page' : null, dataset: extra },
        color ? colorDot(color) : icon('inbox', 'inbox-all-icon'),
        h('span', { class: 'inbox-name', text: label }),
        unread ? h('span', { class: 'badge', 'aria-label': `${unread} unread`, text: unread > 99 ? '99+' : String(unread) }) : null));
    const items = [];
    if (!this.filter) items.push(row('#/inbox/all', 'All inboxes', null, total, this.selected == null, { inbox: 'all' }));
    for (const i of shown) {
      const isDefault = store.me && store.me.default_inbox_id === i.id;
      const li = row('#/inbox/' + i.id, i.name, i.color, i.unread, this.selected === i.id, { inbox: String(i.id) });
      if (isDefault) li.firstChild.append(h('span', { class: 'tag-default', title: 'Your default inbox', text: 'default' }));
      items.push(li);
    }
    // an admin is shown the inboxes nobody is a member of: what arrives there reaches nobody until they add someone
    if (can('settings.manage')) {
      for (const i of store.inboxes.filter(x => x.member_count === 0 && (!this.filter || x.name.toLowerCase().includes(this.filter)))) {
        items.push(h('li', {}, h('a', { href: '#/settings/inboxes/' + i.id, class: 'inbox-flag',
          title: 'No members: its messages reach nobody. Open its settings to add members.', dataset: { inbox: String(i.id), warning: 'no-members' } },
          colorDot(i.color), h('span', { class: 'inbox-name', text: i.name }), h('span', { class: 'chip chip-warn', text: 'No members' }))));
      }
    }
    if (!inboxes.length) {
      items.push(h('li', { class: 'empty-note', text: 'You are not a member of any inbox yet. An admin can add you in Settings.' }));
    } else if (!shown.length) {
      items.push(h('li', { class: 'empty-note', text: 'No inbox matches.' }));
    }
    fill(this.list, items);
  }

  paintTeam() {
    const rank = { online: 0, away: 1, offline: 2 };
    const users = store.users.filter(u => u.active !== false)
      .map(u => ({ u, status: store.presence.get(u.id) || 'offline' }))
      .sort((a, b) => rank[a.status] - rank[b.status] || a.u.name.localeCompare(b.u.name));
    fill(this.team, users.slice(0, 30).map(({ u, status }) => h('li', { class: 'team-member', dataset: { user: String(u.id) } },
      h('span', { class: 'presence', 'data-status': status, 'aria-hidden': 'true' }),
      h('span', { class: 'team-name', text: u.name + (store.me && u.id === store.me.id ? ' (you)' : '') }),
      h('span', { class: 'visually-hidden', text: status }))));
  }

  destroy() {
    this.offs.forEach(off => off());
  }
}
