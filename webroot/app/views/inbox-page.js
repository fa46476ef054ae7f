// The agent's main screen: inboxes, the conversation list, and the open conversation with its contact.

import { fill, h, icon } from '../dom.js';
import { store } from '../store.js';
import { ConversationList } from './conversation-list.js';
import { ConversationView } from './conversation-view.js';
import { InboxPanel } from './inbox-panel.js';
import { sampleInboxOffer } from './endpoint-sandbox.js';

export class InboxPage {
  constructor(host, params) {
    this.panelEl = h('aside', { class: 'inbox-panel', 'aria-label': 'Inboxes' });
    this.listEl = h('section', { class: 'conv-column', 'aria-label': 'Conversations' });
    this.viewEl = h('section', { class: 'conv-view-host', 'aria-label': 'Conversation' });
    host.className = 'page-host inbox-page';
    fill(host, this.panelEl, this.listEl, this.viewEl);
    this.params = params;
    this.panel = new InboxPanel(this.panelEl, params.inbox);
    this.list = new ConversationList(this.listEl, { inbox: params.inbox, selected: params.conversation });
    this.view = null;
    this.showConversation(params.conversation);
  }

  update(params) {
    const before = this.params;
    this.params = params;
    if (params.inbox !== before.inbox) {
      this.panel.select(params.inbox);
      this.list.setInbox(params.inbox);
    }
    if (params.conversation !== before.conversation) this.showConversation(params.conversation);
    this.list.select(params.conversation);
  }

  showConversation(id) {
    if (this.view) this.view.destroy();
    this.view = null;
    store.openConversation = id || null;
    this.viewEl.parentElement.classList.toggle('has-conversation', !!id);
    if (!id) {
      fill(this.viewEl, h('div', { class: 'empty-state' }, icon('chat', 'empty-icon'),
        h('h2', { text: 'No conversation open' }),
        h('p', { text: 'Pick a conversation from the list. New messages appear there as they arrive.' }), sampleInboxOffer()));
      return;
    }
    this.view = new ConversationView(this.viewEl, id, { inboxFilter: this.params.inbox });
  }

  destroy() {
    this.panel.destroy();
    this.list.destroy();
    if (this.view) this.view.destroy();
    store.openConversation = null;
  }
}
