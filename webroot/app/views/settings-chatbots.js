// Chatbots: rules tried in order on each message a contact writes; the first whose trigger matches runs its actions.

import { all, optional } from '../api.js';
import { field, h } from '../dom.js';
import { DefinitionSettings, addButton, bound, nameAndSwitch, part } from './settings-definitions.js';

const TRIGGERS = [['keyword', 'Keywords'], ['regex', 'Regular expression'], ['first_message', 'First message'],
  ['outside_hours', 'Outside business hours'], ['any', 'Any message']];
const ACTIONS = [['reply', 'Reply'], ['ask', 'Ask and store the answer'], ['tag', 'Add a tag'], ['assign', 'Assign'],
  ['handover', 'Hand over to a human']];

/** What the editor needs besides the bot: the contact properties an answer can go to, and the users to assign. */
let choices = { properties: [], users: [] };

function triggerEditor(t, repaint) {
  const type = bound('select', t, 'type', { name: 'trigger', onchange: repaint }, TRIGGERS.map(([v, l]) => h('option', { value: v, text: l })));
  return h('div', { class: 'grid-form' }, field('When', type),
    t.type === 'keyword' ? field('Keywords (comma separated)', bound('input', t, 'keywords', { type: 'text', required: true, name: 'keywords',
      placeholder: 'price, pricing, quote' })) : null,
    t.type === 'regex' ? field('Pattern', bound('input', t, 'pattern', { type: 'text', required: true, name: 'pattern',
      placeholder: 'order\\s*#?\\d{4,}' })) : null,
    t.type === 'regex' ? h('label', { class: 'check' }, h('input', { type: 'checkbox', checked: !!t.case_sensitive,
      onchange: e => { t.case_sensitive = e.target.checked; } }), 'Case sensitive') : null);
}

function actionEditor(a, i, rule, repaint) {
  const type = bound('select', a, 'type', { name: 'action', onchange: repaint }, ACTIONS.map(([v, l]) => h('option', { value: v, text: l })));
  const text = (label, required) => field(label, bound('textarea', a, 'text', { rows: '2', required, maxlength: '2000', name: 'text' }));
  return part('bot-action', `Action ${i + 1}`, rule.actions, i, repaint,
    h('div', { class: 'grid-form' }, field('Do', type),
      a.type === 'tag' ? field('Tag', bound('input', a, 'tag', { type: 'text', required: true, name: 'tag' })) : null,
      a.type === 'assign' ? field('To', bound('select', a, 'user_id', { name: 'user_id' }, h('option', { value: '', text: 'Round robin among online members' }),
        choices.users.map(u => h('option', { value: String(u.id), text: u.name || u.email })))) : null,
      a.type === 'ask' ? field('Store the answer in', bound('select', a, 'property', { name: 'property', required: true },
        h('option', { value: '', text: choices.properties.length ? 'Choose a contact property' : 'No contact properties defined' }),
        choices.properties.map(p => h('option', { value: p.key, text: `${p.label} (${p.type})` })))) : null),
    a.type === 'reply' ? text('Message', true) : null,
    a.type === 'ask' ? text('Question', true) : null,
    a.type === 'ask' ? field('When the answer does not fit (optional)', bound('input', a, 'retry_text', { type: 'text', name: 'retry_text' })) : null,
    a.type === 'handover' ? text('Message before handing over (optional)', false) : null);
}

function ruleEditor(r, i, draft, repaint) {
  return part('bot-rule', `Rule ${i + 1}`, draft.rules, i, repaint,
    field('Name (optional)', bound('input', r, 'name', { type: 'text', maxlength: '200', name: 'rule_name' })),
    triggerEditor(r.trigger, repaint),
    r.actions.map((a, j) => actionEditor(a, j, r, repaint)),
    addButton('add-action', 'Add an action', () => { r.actions.push({ type: 'reply', text: '' }); repaint(); }));
}

/** The editor's form of a rule: keywords as one text, every field a string. */
function draftRule(r) {
  const t = r.trigger || { type: 'any' };
  return { name: r.name || '', trigger: { type: t.type, keywords: (t.keywords || []).join(', '), pattern: t.pattern || '',
    case_sensitive: !!t.case_sensitive },
  actions: (r.actions || []).map(a => ({ ...a, user_id: a.user_id == null ? '' : String(a.user_id) })) };
}

function ruleBody(r) {
  const t = r.trigger;
  const trigger = t.type === 'keyword' ? { type: 'keyword', keywords: t.keywords.split(',').map(k => k.trim()).filter(Boolean) }
    : t.type === 'regex' ? { type: 'regex', pattern: t.pattern, case_sensitive: !!t.case_sensitive } : { type: t.type };
  const actions = r.actions.map(a => {
    switch (a.type) {
      case 'reply': return { type: 'reply', text: a.text || '' };
      case 'ask': return { type: 'ask', text: a.text || '', property: a.property || '', ...(a.retry_text ? { retry_text: a.retry_text } : {}) };
      case 'tag': return { type: 'tag', tag: a.tag || '' };
      case 'assign': return a.user_id ? { type: 'assign', user_id: Number(a.user_id) } : { type: 'assign' };
      default: return a.text ? { type: 'handover', text: a.text } : { type: 'handover' };
    }
  });
  return { ...(r.name.trim() ? { name: r.name.trim() } : {}), trigger, actions };
}

const blankRule = () => ({ name: '', trigger: { type: 'keyword', keywords: '', pattern: '', case_sensitive: false },
  actions: [{ type: 'reply', text: '' }] });

export class ChatbotSettings extends DefinitionSettings {
  constructor(el) {
    super(el, {
      title: 'Chatbots', path: '/chatbots', noun: 'chatbot',
      intro: 'Rule-based bots. On each message a contact writes, the rules are tried from the top; the first that matches runs its actions. Agents add a bot to a conversation, or an inbox uses one by default (Inboxes → Automation).',
      deleteNote: 'It stops attending every conversation and is no longer an inbox default.',
      columns: ['Name', 'Rules', 'Enabled'],
      cells: b => [b.name, String(b.rules.length), b.enabled ? 'Yes' : 'No'],
      blank: () => ({ name: '', enabled: true, rules: [blankRule()] }),
      draft: b => ({ name: b.name, enabled: b.enabled, rules: b.rules.map(draftRule) }),
      body: d => ({ name: d.name.trim(), enabled: d.enabled, rules: d.rules.map(ruleBody) }),
      editor: (d, repaint) => h('div', { class: 'stack' }, nameAndSwitch(d, 'enabled', 'Enabled'),
        d.rules.map((r, i) => ruleEditor(r, i, d, repaint)),
        addButton('add-rule', 'Add a rule', () => { d.rules.push(blankRule()); repaint(); })),
    });
  }

  async load(keep) {
    const [props, users] = await Promise.all([optional(all('/properties', { scope: 'contact' })).catch(() => ({})),
      optional(all('/users')).catch(() => ({}))]);
    choices = { properties: props.value || [], users: (users.value || []).filter(u => u.active !== false) };
    return super.load(keep);
  }
}
