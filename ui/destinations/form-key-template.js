// The destination form's key template: the preset chips (the one that
// matches lit), the tokens a template may use, and an example key that the
// core renders exactly as a delivery would (key_example): the page never
// re-implements key rendering.

import { api } from '../lib/api.js';
import { $, $all, h, richText } from '../lib/dom.js';
import { icon } from '../lib/icons.js';
import { keyPresets, keyTokens } from '../lib/catalog.js';

/** Fill the preset chips and the token list from the catalog (once). */
export function setupKeyTemplate(form) {
  const chips = $('#key-presets', form);
  chips.replaceChildren(
    ...keyPresets().map((p) =>
      h('button', { type: 'button', class: 'chip', title: p.template, 'aria-pressed': 'false', dataset: { template: p.template, preset: p.id } }, p.label),
    ),
  );
  chips.addEventListener('click', (e) => {
    const chip = e.target.closest('.chip');
    if (!chip) return;
    const input = form.elements.key_template;
    input.value = chip.dataset.template;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });

  $('#token-list', form).replaceChildren(
    ...keyTokens().flatMap((t) => {
      const name = String(t.token).replace(/^\{|\}$/g, '');
      return [h('dt', {}, h('code', { text: `{${name}}` })), h('dd', { text: t.help })];
    }),
  );
}

let exampleSeq = 0;

/**
 * Highlight the preset chip that matches, and show an example key: the
 * core renders it exactly as a delivery would (the page never re-implements
 * key rendering). Answers that arrive late are dropped.
 */
export async function updateKeyPreview(form) {
  const template = form.elements.key_template.value;
  for (const chip of $all('.chip', $('#key-presets', form))) {
    chip.setAttribute('aria-pressed', String(chip.dataset.template === template));
  }
  const out = $('#key-preview', form);
  const seq = ++exampleSeq;
  let res;
  try {
    res = await api.keyExample(template, form.elements.prefix.value);
  } catch {
    res = null;
  }
  if (seq !== exampleSeq) return;
  if (!res || (!res.key && !res.error)) {
    out.replaceChildren();
    return;
  }
  out.dataset.state = res.error ? 'error' : 'ok';
  out.replaceChildren(
    h('span', { class: 'key-preview-label', text: 'Example' }),
    h('code', { text: res.file }),
    h('span', { class: 'key-preview-arrow', 'aria-label': 'becomes', text: '→' }),
    res.error
      ? h('span', { class: 'key-preview-error' }, icon('warning'), h('span', {}, richText(res.error)))
      : h('code', { class: 'key-preview-key', text: res.key }),
  );
}
