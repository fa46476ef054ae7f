// Sequences: automatic follow-ups an agent enrols a conversation in; each step waits, then sends its text.

import { field, h } from '../dom.js';
import { channelLabel } from '../store.js';
import { DefinitionSettings, addButton, bound, nameAndSwitch, part } from './settings-definitions.js';

const CHANNELS = ['email', 'phone', 'whatsapp', 'messenger', 'instagram', 'widget', 'api'];
const UNITS = [['minutes', 60], ['hours', 3600], ['days', 86400]];

/** A step's delay in the largest whole unit: 2 days rather than 48 hours. */
function split(seconds) {
  for (const [unit, size] of [...UNITS].reverse()) {
    if (seconds > 0 && seconds % size === 0) return { amount: String(seconds / size), unit };
  }
  return { amount: String(Math.max(1, Math.ceil(seconds / 60))), unit: 'minutes' };
}

function words(seconds) {
  const { amount, unit } = split(seconds);
  return `${amount} ${amount === '1' ? unit.slice(0, -1) : unit}`;
}

function stepEditor(step, i, draft, repaint) {
  const channels = h('div', { class: 'check-grid', role: 'group', 'aria-label': `Channels of step ${i + 1}` },
    CHANNELS.map(c => h('label', { class: 'check' }, h('input', { type: 'checkbox', value: c, checked: step.channels.includes(c),
      onchange: e => { step.channels = e.target.checked ? [...step.channels, c] : step.channels.filter(x => x !== c); } }),
      channelLabel(c))));
  return part('sequence-step', `Step ${i + 1}`, draft.steps, i, repaint,
    h('div', { class: 'grid-form' },
      field(i === 0 ? 'Wait after enrolling' : 'Wait after the step before',
        bound('input', step, 'amount', { type: 'number', min: '1', max: '525600', required: true, name: 'amount' })),
      field('Unit', bound('select', step, 'unit', { name: 'unit' }, UNITS.map(([u]) => h('option', { value: u, text: u }))))),
    field('Message', bound('textarea', step, 'text', { rows: '3', required: true, maxlength: '10000', name: 'text' })),
    field('Only on these channels (none ticked: every channel)', channels));
}

export class SequenceSettings extends DefinitionSettings {
  constructor(el) {
    super(el, {
      title: 'Sequences', path: '/sequences', noun: 'sequence',
      intro: 'Follow-ups an agent starts from a conversation. Each step waits, then sends its message; the sequence stops when the contact replies (if chosen), the conversation is resolved, or it is canceled.',
      deleteNote: 'Conversations enrolled in it stop receiving its steps. Their history keeps what was sent.',
      columns: ['Name', 'Steps', 'Stops on reply'],
      cells: s => [s.name, s.steps.map(x => words(x.delay_seconds)).join(' → '), s.stop_on_reply ? 'Yes' : 'No'],
      blank: () => ({ name: '', stop_on_reply: true, steps: [{ amount: '1', unit: 'days', text: '', channels: [] }] }),
      draft: s => ({ name: s.name, stop_on_reply: s.stop_on_reply,
        steps: s.steps.map(x => ({ ...split(x.delay_seconds), text: x.text, channels: [...(x.channels || [])] })) }),
      body: d => ({ name: d.name.trim(), stop_on_reply: d.stop_on_reply,
        steps: d.steps.map(x => ({ delay: Number(x.amount) * UNITS.find(([u]) => u === x.unit)[1], text: x.text,
          ...(x.channels.length ? { channels: x.channels } : {}) })) }),
      editor: (d, repaint) => h('div', { class: 'stack' }, nameAndSwitch(d, 'stop_on_reply', 'Stop when the contact replies'),
        d.steps.map((s, i) => stepEditor(s, i, d, repaint)),
        addButton('add-step', 'Add a step', () => { d.steps.push({ amount: '1', unit: 'days', text: '', channels: [] }); repaint(); })),
    });
  }
}
