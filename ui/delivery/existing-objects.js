// Files that would meet (or met) objects already in the bucket. The preview
// asks the server which keys are taken (check_existing) and, under "never
// overwrite", offers what can work instead of a failure: new keys for them
// (another prefix or key template, for this delivery only), overwriting
// them after a confirmation that names them, or skipping them. After a
// delivery, files refused as "already exists" get the same choices instead
// of a Retry that cannot succeed.
//
// Hooks: .notice[data-notice="existing"][data-state="checking|found|none|unknown"],
// [data-existing-act="rekey|overwrite|skip|undo"], #rekey-dialog.

import { api } from '../lib/api.js';
import { $, h, richText } from '../lib/dom.js';
import { icon } from '../lib/icons.js';
import { openModal, confirmAction } from '../components/dialogs.js';
import { renderProblems } from '../components/field-problems.js';
import { formatCount, plural } from '../lib/format.js';
import { defaultKeyTemplate, keyPresets } from '../lib/catalog.js';
import { showErrorBanner } from '../components/error-banner.js';

const NAMED = 10; // keys named in a confirmation; the rest are counted

/** Call once the catalog is loaded (the key template presets). */
export function initExisting() {
  wireRekeyDialog();
}

function keyList(keys, total) {
  const items = keys.slice(0, NAMED).map((k) => h('li', { class: 'notice-item' }, h('code', { class: 'notice-key', text: k })));
  if (total > NAMED) items.push(h('li', { class: 'notice-more', text: `and ${formatCount(total - NAMED)} more` }));
  return h('ul', { class: 'notice-items' }, items);
}

function actButton(act, label, iconName, primary = false) {
  return h('button', { type: 'button', class: `button button--small ${primary ? 'button--primary' : 'button--secondary'}`, dataset: { existingAct: act } }, icon(iconName), h('span', { text: label }));
}

/**
 * The preview's notice about existing objects, for a check result and the
 * choice made so far (null, 'skip' or 'overwrite'). state.check is null
 * while the server is being asked.
 */
export function existingNotice({ check, policy, choice }) {
  if (!check) {
    return h('section', { class: 'notice notice--info', dataset: { notice: 'existing', state: 'checking' } },
      h('div', { class: 'notice-head' }, h('span', { class: 'spinner spinner--small notice-icon', 'aria-hidden': 'true' }), h('span', { class: 'notice-title', text: 'Checking which keys already hold an object…' })));
  }
  if (check.not_checked) {
    return h('section', { class: 'notice notice--info', dataset: { notice: 'existing', state: 'unknown' } },
      h('div', { class: 'notice-head' }, icon('info', 'notice-icon'), h('span', { class: 'notice-title', text: 'Chute could not check for existing objects' })),
      h('div', { class: 'notice-body' }, h('p', { class: 'notice-text' }, richText(`${capitalise(check.not_checked)}. ${policy === 'overwrite' ? 'Existing objects will be replaced.' : 'Existing objects are never replaced: a file meeting one is reported.'}`))));
  }
  const n = check.existing.length;
  if (n === 0) return null;
  const keys = check.existing.slice(0, NAMED).map((e) => e.key);
  const total = n;
  const state = { notice: 'existing', state: 'found', choice: choice || policy };
  const checkedNote = check.checked < (check.total || check.checked) ? ` (of the first ${formatCount(check.checked)} checked)` : '';
  if (choice === 'skip' || (!choice && policy === 'skip')) {
    return h('section', { class: 'notice notice--info', dataset: state },
      h('div', { class: 'notice-head' }, icon('skip', 'notice-icon'), h('span', { class: 'notice-title', text: `${plural(total, 'file')} already in the bucket will be skipped${checkedNote}` })),
      h('div', { class: 'notice-body' }, h('p', { class: 'notice-text', text: 'Their objects stay as they are; the other files are delivered.' }), keyList(keys, total),
        choice ? h('div', { class: 'notice-actions' }, actButton('undo', 'Undo', 'refresh')) : null));
  }
  if (choice === 'overwrite' || (!choice && policy === 'overwrite')) {
    return h('section', { class: 'notice notice--warning', dataset: state },
      h('div', { class: 'notice-head' }, icon('warning', 'notice-icon'), h('span', { class: 'notice-title', text: `${plural(total, 'object')} in the bucket will be replaced${checkedNote}` })),
      h('div', { class: 'notice-body' }, keyList(keys, total), choice ? h('div', { class: 'notice-actions' }, actButton('undo', 'Undo', 'refresh')) : null));
  }
  return h('section', { class: 'notice notice--warning', role: 'alert', dataset: state },
    h('div', { class: 'notice-head' }, icon('warning', 'notice-icon'), h('span', { class: 'notice-title', text: `${total === 1 ? '1 file would meet an object' : `${formatCount(total)} files would meet objects`} already in the bucket${checkedNote}` })),
    h('div', { class: 'notice-body' },
      h('p', { class: 'notice-text', text: 'This destination never overwrites: as things stand these files would not be delivered and the objects would stay as they are. Choose what to do with them:' }),
      keyList(keys, total),
      h('div', { class: 'notice-actions' }, actButton('rekey', 'New keys for them…', 'edit', true), actButton('overwrite', total === 1 ? 'Overwrite it…' : `Overwrite these ${formatCount(total)}…`, 'upload'), actButton('skip', 'Skip them', 'skip'))));
}

function capitalise(s) {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

/** Ask which keys of a plan are taken; never throws (a failure is "could not check"). */
export async function checkExisting(plan) {
  try {
    const check = await api.checkExisting(plan.plan_id);
    return { ...check, total: plan.files_total };
  } catch (err) {
    return { checked: 0, existing: [], total: plan.files_total, not_checked: err.message.replace(/\.$/, '') };
  }
}

/** "Overwrite these files?", naming them. Resolves true when confirmed. */
export function confirmOverwrite({ dest, keys, total, returnFocus }) {
  const named = keys.slice(0, NAMED).map((k) => `\`${k}\``);
  if (total > NAMED) named.push(`and ${formatCount(total - NAMED)} more`);
  return confirmAction({
    title: total === 1 ? 'Replace the object in the bucket?' : `Replace ${formatCount(total)} objects in the bucket?`,
    body: `These objects in “${dest.name}” will be replaced by your files, for this delivery only (the destination keeps “never overwrite”). The objects’ current contents are lost unless the bucket keeps versions.`,
    details: named,
    confirmLabel: total === 1 ? 'Replace it' : `Replace ${formatCount(total)} objects`,
    cancelLabel: 'Keep the objects',
    icon: 'warning',
    returnFocus,
    action: async () => {},
  });
}

/* ---------- new keys: another prefix or key template, for this delivery ---------- */

let rekey = null; // {apply, resolve}

function wireRekeyDialog() {
  const dialog = $('#rekey-dialog');
  const form = $('#rekey-form');
  const select = $('#rekey-preset');
  select.replaceChildren(...keyPresets().map((p) => h('option', { value: p.template, text: `${p.label}: ${p.template}` })), h('option', { value: '', text: 'Custom…' }));
  select.addEventListener('change', () => {
    if (select.value) form.elements.key_template.value = select.value;
    else form.elements.key_template.focus();
    updateApply();
  });
  form.addEventListener('input', (e) => {
    if (e.target.name === 'key_template') syncPreset();
    updateApply();
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!rekey || $('#rekey-apply').disabled) return;
    const button = $('#rekey-apply');
    button.disabled = true;
    button.classList.add('is-busy');
    $('#rekey-error').hidden = true;
    try {
      const preview = await rekey.apply(form.elements.prefix.value, form.elements.key_template.value);
      const done = rekey;
      rekey = null;
      dialog.close();
      done.resolve(preview);
    } catch (err) {
      renderProblems(form, err.problems || []);
      if (!(err.problems || []).length) {
        showErrorBanner($('#rekey-error'), err);
      }
    } finally {
      button.classList.remove('is-busy');
      updateApply();
    }
  });
}

function syncPreset() {
  const select = $('#rekey-preset');
  const t = $('#rekey-form').elements.key_template.value;
  select.value = keyPresets().some((p) => p.template === t) ? t : '';
}

function updateApply() {
  const form = $('#rekey-form');
  const changed = rekey && (form.elements.prefix.value !== rekey.prefix || form.elements.key_template.value !== rekey.template);
  $('#rekey-apply').disabled = !changed || !form.elements.key_template.value.trim();
  $('#rekey-same').hidden = Boolean(changed);
}

/**
 * Ask for another prefix and/or key template for `count` files. apply(prefix,
 * template) makes the new plan (and may throw an ApiError with problems,
 * shown in place). Resolves the new plan preview, or null when cancelled.
 */
export function chooseNewKeys({ dest, count, apply, returnFocus }) {
  const dialog = $('#rekey-dialog');
  const form = $('#rekey-form');
  form.reset();
  renderProblems(form, []);
  $('#rekey-error').hidden = true;
  $('#rekey-lead').textContent = `${plural(count, 'file')} for “${dest.name}”. Choose another path prefix or key template for this delivery only; the destination keeps its settings, and the new keys are shown before anything is sent.`;
  form.elements.prefix.value = dest.prefix || '';
  form.elements.key_template.value = dest.key_template || defaultKeyTemplate();
  syncPreset();
  return new Promise((resolve) => {
    rekey = { apply, resolve, prefix: form.elements.prefix.value, template: form.elements.key_template.value };
    updateApply();
    openModal(dialog, {
      focus: form.elements.prefix,
      returnFocus,
      onClose: () => {
        if (!rekey) return;
        const r = rekey;
        rekey = null;
        r.resolve(null);
      },
    });
  });
}
