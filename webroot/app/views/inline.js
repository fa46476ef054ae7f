// Inline editing: a value shown as a button; activating it turns it into an input with Save and Cancel
// (Enter saves, Escape cancels). Used for contact and profile fields.

import { fill, h, showError } from '../dom.js';

/**
 * A <div class="field-row"> with a label and the value. onSave(newValue) returns a promise; when it fails, the
 * error shows under the input and the input stays open.
 */
export function inlineField({ key, label, type = 'text', value, editable, onSave }) {
  const dd = h('dd', {});
  const show = () => {
    if (!editable) {
      fill(dd, h('span', { class: value ? 'field-value' : 'field-value muted', 'data-field': key, text: value || '—' }));
      return;
    }
    fill(dd, h('button', { type: 'button', class: ['inline-edit', value ? null : 'is-empty'], 'data-field': key,
      'aria-label': `${label}: ${value || 'empty'}. Edit`, onclick: edit }, value || `Add ${label.toLowerCase()}`));
  };
  const edit = () => {
    const input = h('input', { type, value: value || '', 'aria-label': label, 'data-field': key, class: 'inline-input' });
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const save = async () => {
      input.disabled = true;
      try {
        await onSave(input.value.trim() || null);
      } catch (e) {
        input.disabled = false;
        showError(error, e);
        input.focus();
      }
    };
    input.addEventListener('keydown', e => {
      if (e.key === 'Enter') { e.preventDefault(); save(); }
      if (e.key === 'Escape') { e.preventDefault(); show(); dd.querySelector('button')?.focus(); }
    });
    fill(dd, h('form', { class: 'inline-form', onsubmit: e => { e.preventDefault(); save(); } }, input,
      h('div', { class: 'inline-actions' }, h('button', { type: 'submit', class: 'btn btn-small btn-primary', text: 'Save' }),
        h('button', { type: 'button', class: 'btn btn-small', text: 'Cancel', onclick: show })), error));
    input.focus();
    input.select();
  };
  show();
  return h('div', { class: 'field-row' }, h('dt', { text: label }), dd);
}

export const CONTACT_FIELDS = [['name', 'Name', 'text'], ['phone', 'Phone', 'tel'], ['company', 'Company', 'text'], ['email', 'E-mail', 'email']];

/**
 * A typed input for a custom property (text, number, boolean, date) that saves on change through
 * save({key: value}) and says "Saved" or why not.
 */
export function propertyInput(p, value, editable, save) {
  const id = 'prop-' + p.scope + '-' + p.key;
  const status = h('span', { class: 'save-state', 'aria-live': 'polite' });
  let input;
  if (p.type === 'boolean') input = h('input', { type: 'checkbox', id, checked: value === true });
  else if (p.type === 'number') input = h('input', { type: 'number', id, step: 'any', value: value ?? '' });
  else if (p.type === 'date') input = h('input', { type: 'date', id, value: value || '' });
  else input = h('input', { type: 'text', id, value: value ?? '' });
  input.dataset.property = p.key;
  input.disabled = !editable;
  input.addEventListener('change', async () => {
    let v = p.type === 'boolean' ? input.checked : input.value;
    if (p.type === 'number') v = input.value === '' ? null : Number(input.value);
    if (v === '') v = null;
    status.classList.remove('form-error');
    status.textContent = 'Saving…';
    try {
      await save({ [p.key]: v });
      status.textContent = 'Saved';
      setTimeout(() => { if (status.textContent === 'Saved') status.textContent = ''; }, 1500);
    } catch (e) {
      status.textContent = e.message;
      status.classList.add('form-error');
    }
  });
  const el = h('div', { class: ['prop', 'prop-' + p.type] }, h('label', { for: id, text: p.label || p.key }), input, status);
  /** Shows a value that changed elsewhere (live), unless the agent is editing this very input. */
  el.setValue = v => {
    if (document.activeElement === input) return;
    if (p.type === 'boolean') input.checked = v === true;
    else input.value = v ?? '';
  };
  return el;
}
