// Settings: everyone's own account and canned replies; for admins (settings.manage) inboxes, users and roles, property definitions,
// sequences and chatbots.

import { fill, h } from '../dom.js';
import { can } from '../store.js';
import { AccountSettings } from './settings-account.js';
import { CannedSettings } from './settings-canned.js';
import { ChatbotSettings } from './settings-chatbots.js';
import { InboxSettings } from './settings-inboxes.js';
import { PropertySettings } from './settings-properties.js';
import { SequenceSettings } from './settings-sequences.js';
import { RoleSettings, UserSettings } from './settings-users.js';

const SECTIONS = [
  { key: 'account', label: 'My account', View: AccountSettings, admin: false },
  { key: 'inboxes', label: 'Inboxes', View: InboxSettings, admin: true },
  { key: 'users', label: 'Users', View: UserSettings, admin: true },
  { key: 'roles', label: 'Roles', View: RoleSettings, admin: true },
  { key: 'properties', label: 'Properties', View: PropertySettings, admin: true },
  { key: 'sequences', label: 'Sequences', View: SequenceSettings, admin: true },
  { key: 'chatbots', label: 'Chatbots', View: ChatbotSettings, admin: true },
  { key: 'canned', label: 'Canned replies', View: CannedSettings, admin: false },
];

export class SettingsPage {
  constructor(host, params) {
    host.className = 'page-host settings-page';
    this.sections = SECTIONS.filter(s => !s.admin || can('settings.manage'));
    this.nav = h('nav', { class: 'settings-nav', 'aria-label': 'Settings' });
    this.content = h('section', { class: 'settings-content' });
    fill(host, this.nav, this.content);
    this.view = null;
    this.update(params);
  }

  update(params) {
    const wanted = params.section || (can('settings.manage') ? 'inboxes' : 'account');
    const s = this.sections.find(x => x.key === wanted) || this.sections[0];
    fill(this.nav, h('h1', { class: 'panel-title', text: can('settings.manage') ? 'Settings' : 'Account' }),
      h('ul', {}, this.sections.map(x => h('li', {}, h('a', { href: '#/settings/' + x.key, class: 'settings-link', 'data-section': x.key,
        'aria-current': x === s ? 'page' : null, text: x.label })))));
    if (this.view && this.current === s.key && this.view.update) {
      this.view.update(params);
      return;
    }
    if (this.view && this.view.destroy) this.view.destroy();
    this.current = s.key;
    // a section may lay the content out its own way (inboxes: list and detail side by side); the next starts plain
    this.content.className = 'settings-content';
    fill(this.content);
    this.view = new s.View(this.content, params);
  }

  destroy() {
    if (this.view && this.view.destroy) this.view.destroy();
  }
}
