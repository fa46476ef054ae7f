// WhatsApp template messages: after 24 hours without a customer message (or to write first) WhatsApp accepts only
// templates the business account had approved. The agent picks one, fills its values and sees what will be sent.

import { api } from '../api.js';
import { append, field, h, modal, showError } from '../dom.js';

/** The body with its {{1}}, {{2}}… filled from the values given so far. */
export function render(body, values) {
  return (body || '').replace(/\{\{(\d{1,2})}}/g, (m, n) => values[Number(n) - 1] || m);
}

/** Opens the picker for a conversation; sends through {@code send(body)} and closes when it is accepted. */
export async function pickTemplate(endpointId, send) {
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const form = h('form', { class: 'stack template-picker', 'data-form': 'template' });
  const m = modal('Send a WhatsApp template', form);
  let listed = [];
  let note = null;
  try {
    listed = (await api.get(`/endpoints/${endpointId}/whatsapp/templates`)).items;
    if (!listed.length) note = 'The business account has no approved templates. You can still send one by its name.';
  } catch (e) {
    note = e.message;
  }
  const name = h('input', { type: 'text', name: 'name', required: true, pattern: '[a-z0-9_]+', placeholder: 'order_update',
    title: 'The template\'s name as approved: lowercase letters, digits and _ (e.g. order_update)' });
  const language = h('input', { type: 'text', name: 'language', required: true, pattern: '[a-z]{2,3}(_[A-Z]{2})?', value: 'en_US',
    title: 'A language code such as en_US or nl' });
  const choice = h('select', { name: 'template' }, listed.map((t, i) => h('option', { value: String(i), text: `${t.name} · ${t.language}` })));
  const values = h('div', { class: 'stack', 'data-part': 'values' });
  const preview = h('p', { class: 'template-preview', 'aria-live': 'polite' });
  const current = () => listed.length ? listed[Number(choice.value)] : null;
  const inputs = () => [...values.querySelectorAll('input')].map(i => i.value.trim());
  const paint = () => {
    const t = current();
    const count = t ? t.parameters : Math.max(0, values.children.length);
    values.replaceChildren(...Array.from({ length: count }, (_, i) =>
      field(`Value {{${i + 1}}}`, h('input', { type: 'text', name: 'value', required: true, maxlength: '1024', oninput: show }))));
    show();
  };
  const show = () => {
    const t = current();
    preview.textContent = t ? [t.header, render(t.body, inputs()), t.footer].filter(Boolean).join('\n') : '';
    preview.hidden = !t;
  };
  choice.addEventListener('change', paint);
  const addValue = h('button', { type: 'button', class: 'btn btn-small btn-ghost', text: 'Add a value', onclick: () => {
    values.append(field(`Value {{${values.children.length + 1}}}`, h('input', { type: 'text', name: 'value', required: true, maxlength: '1024' })));
  } });
  append(form, [note ? h('p', { class: 'muted', 'data-part': 'note', text: note }) : null,
    listed.length ? field('Template', choice) : [field('Template name', name), field('Language', language), addValue],
    values, preview, error,
    h('div', { class: 'row-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', text: 'Send template' }))]);
  form.addEventListener('submit', async e => {
    e.preventDefault();
    const t = current();
    const parameters = inputs();
    const body = { template: { name: t ? t.name : name.value.trim(), language: t ? t.language : language.value.trim(), parameters } };
    // what history shows: the template as the customer reads it, when its text is known
    if (t && t.body) body.text = [t.header, render(t.body, parameters), t.footer].filter(Boolean).join('\n');
    try {
      await send(body);
      m.close();
    } catch (err) {
      showError(error, err);
    }
  });
  paint();
  return m;
}
