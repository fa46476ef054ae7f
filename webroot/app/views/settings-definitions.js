// The shared frame of admin-defined automations (sequences, chatbots): a list with edit and delete, and an editor
// card below it that saves through the API and shows its errors with the field they name.

import { all, api, optional } from '../api.js';
import { confirmDialog, field, fill, h, icon, showError, toast } from '../dom.js';

export class DefinitionSettings {
  /**
   * kind: { title, path, noun, intro, columns: [heading…], cells: item => [cell…], blank: () => draft,
   *         draft: item => draft, body: draft => request body, editor: (draft, repaint) => element }
   */
  constructor(el, kind) {
    this.el = el;
    this.kind = kind;
    this.load();
  }

  async load(keep) {
    const k = this.kind;
    const r = await optional(all(k.path)).catch(e => ({ error: e }));
    if (r.unavailable) {
      fill(this.el, h('div', { class: 'settings-card' }, h('h2', { text: k.title }),
        h('p', { class: 'muted unavailable', text: `${k.title} are not available on this hub yet.` })));
      return;
    }
    if (r.error) { fill(this.el, h('p', { class: 'form-error', text: r.error.message })); return; }
    this.items = r.value;
    const rows = this.items.map(item => h('tr', { dataset: { definition: String(item.id) } },
      k.cells(item).map(c => h('td', {}, c)),
      h('td', { class: 'cell-actions' },
        h('button', { type: 'button', class: 'btn btn-small btn-ghost', text: 'Edit', 'aria-label': `Edit ${item.name}`,
          onclick: () => this.edit(item) }),
        h('button', { type: 'button', class: 'icon-btn', 'aria-label': `Delete ${item.name}`, onclick: () => this.remove(item) },
          icon('trash')))));
    this.editorCard = h('div', { class: 'settings-card', 'data-card': 'definition-editor' });
    fill(this.el, h('div', { class: 'settings-card' }, h('h2', { text: k.title }), h('p', { class: 'muted', text: k.intro }),
      h('table', { class: 'table' }, h('thead', {}, h('tr', {}, [...k.columns, ''].map(t => h('th', { scope: 'col', text: t })))),
        h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: String(k.columns.length + 1), class: 'muted', text: 'None yet.' })))),
      h('div', {}, h('button', { type: 'button', class: 'btn btn-small btn-primary', 'data-action': 'new-definition',
        onclick: () => this.edit(null) }, icon('plus'), `New ${k.noun}`))),
    this.editorCard);
    this.edit(keep ? this.items.find(i => i.id === keep) || null : null);
  }

  edit(item) {
    const k = this.kind;
    this.draft = item ? k.draft(item) : k.blank();
    this.editing = item;
    this.paint();
  }

  paint() {
    const k = this.kind;
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    fill(this.editorCard, h('h2', { text: this.editing ? `Edit ${this.editing.name}` : `New ${k.noun}` }),
      h('form', { class: 'stack', 'data-form': 'definition', onsubmit: async e => {
        e.preventDefault();
        try {
          const saved = this.editing ? await api.patch(`${k.path}/${this.editing.id}`, k.body(this.draft))
            : await api.post(k.path, k.body(this.draft));
          toast(`${k.noun[0].toUpperCase()}${k.noun.slice(1)} saved.`);
          this.load(saved.id);
        } catch (err) {
          showError(error, err);
        }
      } }, k.editor(this.draft, () => this.paint()), error,
      h('div', { class: 'row-actions' },
        h('button', { type: 'submit', class: 'btn btn-primary', text: this.editing ? 'Save changes' : `Create ${k.noun}` }),
        this.editing ? h('button', { type: 'button', class: 'btn btn-ghost', text: 'Cancel', onclick: () => this.edit(null) }) : null)));
  }

  async remove(item) {
    if (!await confirmDialog({ title: `Delete ${this.kind.noun} "${item.name}"?`, message: this.kind.deleteNote })) return;
    try {
      await api.del(`${this.kind.path}/${item.id}`);
      toast(`${item.name} deleted.`);
      this.load();
    } catch (e) {
      toast(e.message, 'error');
    }
  }
}

/**
 * A row of a repeated part of an editor (a step, a rule, an action): {@code list[i]}, with buttons to move it up
 * (order matters: rules are tried from the top) and to remove it while more than one is left.
 */
export function part(cls, title, list, i, repaint, ...content) {
  const up = i > 0 ? h('button', { type: 'button', class: 'icon-btn move-up', 'aria-label': 'Move ' + title.toLowerCase() + ' up',
    title: 'Move up', text: '↑', onclick: () => { list.splice(i - 1, 0, list.splice(i, 1)[0]); repaint(); } }) : null;
  const remove = list.length > 1 ? h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Remove ' + title.toLowerCase(),
    onclick: () => { list.splice(i, 1); repaint(); } }, icon('trash')) : null;
  return h('fieldset', { class: 'definition-part ' + cls }, h('legend', {}, h('span', { text: title }), up, remove), ...content);
}

/** An input bound to one key of a draft object (kept on input and on change: not every way of picking fires both). */
export function bound(tag, obj, key, props = {}, ...children) {
  const keep = () => { obj[key] = el.value; };
  const el = h(tag, { ...props, value: obj[key] ?? '', oninput: keep,
    onchange: e => { keep(); if (props.onchange) props.onchange(e); } }, ...children);
  if (tag === 'select') el.value = obj[key] ?? '';
  return el;
}

/** The top of an editor: the name, and the one switch each kind has (stop on reply, enabled). */
export function nameAndSwitch(draft, key, label) {
  return [field('Name', bound('input', draft, 'name', { type: 'text', required: true, maxlength: '200', name: 'name' })),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: key, checked: draft[key],
      onchange: e => { draft[key] = e.target.checked; } }), label)];
}

/** A button that adds a part (a step, a rule, an action). */
export function addButton(action, text, add) {
  return h('div', {}, h('button', { type: 'button', class: 'btn btn-small btn-ghost', 'data-action': action, text, onclick: add }));
}
