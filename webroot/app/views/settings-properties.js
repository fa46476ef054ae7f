// Property definitions: the typed custom fields on contacts and profiles.

import { all, optional, api } from '../api.js';
import { confirmDialog, field, fill, h, icon, showError, toast } from '../dom.js';

const TYPES = ['text', 'number', 'boolean', 'date'];

export class PropertySettings {
  constructor(el) {
    this.el = el;
    this.load();
  }

  async load() {
    const r = await optional(all('/properties')).catch(e => ({ error: e }));
    if (r.unavailable) {
      fill(this.el, h('div', { class: 'settings-card' }, h('h2', { text: 'Properties' }),
        h('p', { class: 'muted unavailable', text: 'Property definitions are not available on this hub yet.' })));
      return;
    }
    if (r.error) { fill(this.el, h('p', { class: 'form-error', text: r.error.message })); return; }
    const key = h('input', { type: 'text', name: 'key', required: true, pattern: '[a-z][a-z0-9_]*', placeholder: 'e.g. customer_number',
      title: 'Lowercase letters, digits and _, starting with a letter (e.g. customer_number)' });
    const label = h('input', { type: 'text', name: 'label', required: true });
    const type = h('select', { name: 'type' }, TYPES.map(t => h('option', { value: t, text: t })));
    const scope = h('select', { name: 'scope' }, h('option', { value: 'contact', text: 'Contacts' }), h('option', { value: 'profile', text: 'Profiles' }));
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const rows = scopeName => r.value.filter(p => p.scope === scopeName).map(p => h('tr', { dataset: { property: String(p.id) } },
      h('td', {}, h('code', { text: p.key })), h('td', {}, this.labelInput(p)), h('td', { text: p.type }),
      h('td', { class: 'cell-actions' }, h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Delete property ' + p.key,
        onclick: () => this.remove(p) }, icon('trash')))));
    const table = (title, scopeName) => [h('h3', { class: 'detail-sub', text: title }),
      h('table', { class: 'table' }, h('thead', {}, h('tr', {}, ['Key', 'Label', 'Type', ''].map(t => h('th', { scope: 'col', text: t })))),
        h('tbody', {}, rows(scopeName).length ? rows(scopeName) : h('tr', {}, h('td', { colspan: '4', class: 'muted', text: 'None yet.' }))))];
    fill(this.el, h('div', { class: 'settings-card' },
      h('h2', { text: 'Properties' }),
      h('p', { class: 'muted', text: 'Custom fields agents fill in on contacts and profiles.' }),
      table('On contacts', 'contact'), table('On profiles', 'profile')),
    h('div', { class: 'settings-card' }, h('h2', { text: 'New property' }),
      h('form', { class: 'grid-form', onsubmit: async e => {
        e.preventDefault();
        try {
          await api.post('/properties', { key: key.value.trim(), label: label.value.trim(), type: type.value, scope: scope.value });
          toast('Property added.');
          this.load();
        } catch (err) {
          showError(error, err);
        }
      } }, field('Key', key), field('Label', label), field('Type', type), field('On', scope),
      h('div', { class: 'grid-form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', text: 'Add property' })), error)));
  }

  labelInput(p) {
    const input = h('input', { type: 'text', value: p.label, 'aria-label': `Label of ${p.key}`, onchange: async () => {
      try {
        await api.patch(`/properties/${p.id}`, { label: input.value.trim() });
        toast('Label saved.');
      } catch (e) {
        toast(e.message, 'error');
        input.value = p.label;
      }
    } });
    return input;
  }

  async remove(p) {
    if (!await confirmDialog({ title: `Delete property "${p.label}"?`, message: 'Its values on every contact or profile are deleted too.' })) return;
    try {
      await api.del(`/properties/${p.id}`);
      this.load();
    } catch (e) {
      toast(e.message, 'error');
    }
  }
}
