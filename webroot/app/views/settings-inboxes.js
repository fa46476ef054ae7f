// Inbox settings (settings.manage): the list of all inboxes, and one inbox's name and colour, endpoints, members,
// business hours, call routing, and a routing test.

import { all, api } from '../api.js';
import { colorDot, confirmDialog, field, fill, h, icon, modal, showError, toast } from '../dom.js';
import { navigate } from '../router.js';
import { loadInboxes, store } from '../store.js';
import { AutomationCard } from './settings-automation.js';
import { EndpointsCard } from './settings-endpoints.js';
import { BusinessHoursCard, CallRoutingCard, RoutingTestCard } from './settings-routing.js';

export class InboxSettings {
  constructor(el, params) {
    this.el = el;
    this.listEl = h('div', { class: 'settings-card inbox-admin-list' });
    this.detailEl = h('div', { class: 'inbox-admin-detail' });
    el.className = 'settings-content settings-split';
    fill(el, this.listEl, this.detailEl);
    this.update(params);
  }

  async update(params) {
    this.id = params.id;
    let inboxes;
    try {
      inboxes = await all('/inboxes');
    } catch (e) {
      fill(this.listEl, h('p', { class: 'form-error', text: e.message }));
      return;
    }
    if (this.id !== params.id) return; // another inbox was picked meanwhile; its own update paints
    this.inboxes = inboxes;
    this.paintList();
    if (!this.id) {
      fill(this.detailEl, h('div', { class: 'settings-card empty-state' }, h('h2', { text: 'Pick an inbox' }),
        h('p', { text: 'An inbox is a team\'s destination: its addresses and numbers, who is in it, when it is open and how calls ring.' })));
      return;
    }
    this.showInbox(this.id);
  }

  paintList() {
    fill(this.listEl,
      h('div', { class: 'card-head' }, h('h2', { text: 'Inboxes' }),
        h('button', { type: 'button', class: 'btn btn-small btn-primary', 'data-action': 'new-inbox', onclick: () => this.create() }, icon('plus'), 'New inbox')),
      h('ul', { class: 'settings-list' }, this.inboxes.map(i => h('li', {}, h('a', { href: '#/settings/inboxes/' + i.id, class: 'settings-row',
        'aria-current': i.id === this.id ? 'true' : null, dataset: { inbox: String(i.id) } }, colorDot(i.color), h('span', { class: 'inbox-name', text: i.name }),
        h('span', { class: 'muted', text: `${(i.endpoints || []).length} endpoint${(i.endpoints || []).length === 1 ? '' : 's'}` }),
        i.member ? null : h('span', { class: 'chip', title: 'You are not a member: you manage its settings but do not see its conversations', text: 'not a member' }),
        noMembers(i))))));
  }

  async showInbox(id) {
    let inbox;
    try {
      inbox = await api.get(`/inboxes/${id}`);
    } catch (e) {
      if (String(this.id) === String(id)) fill(this.detailEl, h('div', { class: 'settings-card' }, h('p', { class: 'form-error', text: e.message })));
      return;
    }
    // an answer for an inbox no longer picked (a slow load, or a reload after a change there) must not paint over
    if (String(this.id) !== String(id)) return;
    const changed = async () => {
      this.inboxes = await loadInboxes();
      this.paintList();
    };
    const reload = async () => { await changed(); this.showInbox(id); };
    fill(this.detailEl,
      this.general(inbox, changed),
      new EndpointsCard(inbox, reload).el,
      this.members(inbox, changed),
      new BusinessHoursCard(inbox, reload).el,
      new CallRoutingCard(inbox, reload).el,
      new AutomationCard(inbox, reload).el,
      new (await import('./settings-reviews.js')).ReviewsCard(inbox, reload).el,
      new RoutingTestCard(inbox, this.inboxes).el);
  }

  general(inbox, changed) {
    const warning = inbox.member_count === 0 ? h('p', { class: 'warning', role: 'status', 'data-warning': 'no-members',
      text: 'No members: its messages reach nobody. Add a member under Members.' }) : null;
    const name = h('input', { type: 'text', value: inbox.name, required: true, 'data-field': 'inbox-name' });
    const color = h('input', { type: 'color', value: inbox.color || '#4f46e5' });
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    return h('div', { class: 'settings-card' },
      h('div', { class: 'card-head' }, h('h2', {}, colorDot(inbox.color), ' ', inbox.name),
        h('button', { type: 'button', class: 'btn btn-small btn-danger', onclick: () => this.remove(inbox) }, icon('trash'), 'Delete inbox')),
      warning,
      h('form', { class: 'grid-form inbox-general', onsubmit: async e => {
        e.preventDefault();
        try {
          await api.patch(`/inboxes/${inbox.id}`, { name: name.value.trim(), color: color.value });
          showError(error, null);
          toast('Inbox saved.');
          changed();
        } catch (err) {
          showError(error, err);
        }
      } }, field('Name', name), field('Colour', color),
      h('div', { class: 'grid-form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', text: 'Save' })), error));
  }

  members(inbox, changed) {
    const card = h('div', { class: 'settings-card', 'data-card': 'members' }, h('h2', { text: 'Members' }), h('p', { class: 'muted', text: 'Loading…' }));
    const paint = async () => {
      let members;
      try {
        members = (await api.get(`/inboxes/${inbox.id}/members`)).items;
      } catch (e) {
        fill(card, h('h2', { text: 'Members' }), h('p', { class: 'form-error', text: e.message }));
        return;
      }
      const ids = new Set(members.map(m => m.id));
      const candidates = store.users.filter(u => u.active !== false && !ids.has(u.id));
      const pick = h('select', { 'aria-label': 'User to add' }, candidates.map(u => h('option', { value: String(u.id), text: `${u.name} (${u.role})` })));
      const active = members.filter(m => m.active !== false);
      fill(card, h('h2', { text: 'Members' }),
        h('p', { class: 'muted', text: 'Members see and answer this inbox\'s conversations, whatever their role.' }),
        active.length ? null : h('p', { class: 'warning', role: 'status', 'data-warning': 'no-members',
          text: 'No members: its messages reach nobody. Add at least one member below.' }),
        h('ul', { class: 'side-list' }, members.map(m => h('li', { dataset: { member: String(m.id) } },
          h('span', { class: 'presence', 'data-status': store.presence.get(m.id) || 'offline' }),
          h('span', { class: 'side-item-main' }, h('strong', { text: m.name }), h('span', { class: 'muted', text: `${m.email} · ${m.role}` })),
          h('button', { type: 'button', class: 'btn btn-small', text: 'Remove', onclick: async () => {
            const last = m.active !== false && active.length === 1;
            if (!await confirmDialog(last
              ? { title: `Remove ${m.name}, the last member?`, message: `${inbox.name} will have no members: its messages will reach nobody until someone is added.`, confirm: 'Remove anyway' }
              : { title: `Remove ${m.name}?`, message: 'They stop seeing this inbox at once, and lose the conversations assigned to them here.', confirm: 'Remove' })) return;
            try {
              // the hub refuses to empty an inbox unless told it was confirmed (someone may have left meanwhile)
              await api.del(`/inboxes/${inbox.id}/members/${m.id}`, { params: last ? { confirm: true } : null });
              await changed(); paint();
            } catch (e) {
              if (e.status === 409 && await confirmDialog({ title: 'Leave the inbox without members?', message: `${inbox.name} would have no members left: its messages would reach nobody.`, confirm: 'Remove anyway' })) {
                try { await api.del(`/inboxes/${inbox.id}/members/${m.id}`, { params: { confirm: true } }); await changed(); paint(); } catch (e2) { toast(e2.message, 'error'); }
              } else if (e.status !== 409) toast(e.message, 'error');
            }
          } })))),
        candidates.length ? h('form', { class: 'inline-add', 'data-action': 'add-member', onsubmit: async e => {
          e.preventDefault();
          try { await api.put(`/inboxes/${inbox.id}/members/${pick.value}`); await changed(); paint(); } catch (err) { toast(err.message, 'error'); }
        } }, pick, h('button', { type: 'submit', class: 'btn btn-small', text: 'Add member' })) : null);
    };
    paint();
    return card;
  }

  async remove(inbox) {
    const ok = await confirmDialog({ title: `Delete ${inbox.name}?`, message: 'The inbox and all its conversations, messages and endpoints are deleted for good.',
      confirm: 'Delete inbox' });
    if (!ok) return;
    try {
      await api.del(`/inboxes/${inbox.id}`);
      toast('Inbox deleted.');
      await loadInboxes();
      navigate('#/settings/inboxes');
    } catch (e) {
      toast(e.message, 'error');
    }
  }

  create() {
    const name = h('input', { type: 'text', name: 'name', required: true });
    const color = h('input', { type: 'color', value: '#4f46e5' });
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const m = modal('New inbox', h('form', { class: 'stack', onsubmit: async e => {
      e.preventDefault();
      try {
        const inbox = await api.post('/inboxes', { name: name.value.trim(), color: color.value });
        m.close();
        await loadInboxes();
        navigate('#/settings/inboxes/' + inbox.id);
      } catch (err) {
        showError(error, err);
      }
    } }, field('Name', name, 'For example Sales or Support.'), field('Colour', color), error,
    h('div', { class: 'dialog-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', text: 'Create inbox' }))));
    name.focus();
  }
}

/** The warning badge of an inbox whose messages reach nobody (no active member). */
export function noMembers(inbox) {
  return inbox.member_count === 0 ? h('span', { class: 'chip chip-warn', 'data-warning': 'no-members',
    title: 'No members: its messages reach nobody', text: 'No members' }) : null;
}
