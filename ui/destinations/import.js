// The import dialog (#import-dialog): list AWS profiles or rclone remotes
// (import_candidates), pick one, name it, and create a destination from it
// (import_destination). Secrets never pass through this page: the backend
// copies them from the source straight into the keychain.

import { api } from '../lib/api.js';
import { $, h, richText, debounce } from '../lib/dom.js';
import { icon, providerMark } from '../lib/icons.js';
import { openModal, guardClose } from '../components/dialogs.js';
import { renderProblems } from '../components/field-problems.js';
import { defaultKeyTemplate, providerLabel } from '../lib/catalog.js';
import { showErrorBanner } from '../components/error-banner.js';

const SOURCE_HINT = {
  aws: 'Profiles from `~/.aws/config` and `~/.aws/credentials`. SSO and role profiles keep working through the AWS profile.',
  rclone: 'S3-type remotes from your `rclone.conf`. Their keys are copied into the keychain.',
};
const EMPTY = {
  aws: ['No AWS profiles found.', 'Create one with `aws configure --profile NAME`, or add the destination by hand.'],
  rclone: ['No S3 remotes found in rclone.conf.', 'Create one with `rclone config`, or add the destination by hand.'],
};

let dialog;
let form;
let hooks = { onImported: () => {}, onAddManually: () => {} };
const state = { kind: 'aws', file: null, candidates: [], selected: null, seq: 0, vseq: 0, touched: new Set(), busy: false, problems: [] };

function authSummary(a) {
  switch (a && a.kind) {
    case 'keys':
      return ['key', `Key ${a.key_id_hint} — copied to the keychain`];
    case 'profile':
      return ['user', `Signs in with AWS profile ${a.profile}`];
    default:
      return ['unlock', 'No credentials'];
  }
}

function candidateEl(c, i) {
  const [authIcon, authText] = authSummary(c.auth);
  const id = `candidate-${i}`;
  return h(
    'label',
    { class: 'candidate', for: id },
    h('input', { type: 'radio', name: 'import_source', value: c.source, id, class: 'candidate-radio' }),
    providerMark(c.provider, 'sm'),
    h(
      'span',
      { class: 'candidate-body' },
      h('span', { class: 'candidate-title' }, h('strong', { class: 'candidate-source', text: c.source }), h('span', { class: 'candidate-provider', text: providerLabel(c.provider) })),
      h(
        'span',
        { class: 'candidate-meta' },
        c.region ? h('span', {}, icon('globe'), c.region) : null,
        c.endpoint ? h('span', { class: 'mono' }, icon('server'), c.endpoint) : null,
        h('span', {}, icon(authIcon), authText),
      ),
      c.notes && c.notes.length ? h('span', { class: 'candidate-notes' }, c.notes.map((n) => h('span', { class: 'candidate-note' }, icon('info'), h('span', {}, richText(n))))) : null,
    ),
  );
}

function showError(err) {
  const box = $('#import-error', dialog);
  if (!err) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  const others = (err.problems || []).filter((p) => !['name', 'bucket', 'prefix'].includes(p.field));
  showErrorBanner(box, err, others.length ? h('ul', { class: 'banner-list' }, others.map((p) => h('li', {}, richText(`${p.message} ${p.fix}`)))) : null);
}

/** "Choose a file…": a native dialog; the chosen file replaces the usual one. */
async function chooseFile(button) {
  let file;
  button.disabled = true;
  try {
    file = await api.pickImportFile(state.kind);
  } catch (err) {
    showError(err);
    return;
  } finally {
    button.disabled = false;
  }
  if (!file) return; // cancelled: nothing changes
  state.file = file;
  loadCandidates();
}

function chooseButton(label) {
  const b = h('button', { type: 'button', class: 'button button--secondary button--small', dataset: { act: 'choose-file' } }, icon('folder'), h('span', { text: label }));
  b.addEventListener('click', () => chooseFile(b));
  return b;
}

function manualButton() {
  const b = h('button', { type: 'button', class: 'button button--ghost button--small', dataset: { act: 'add-by-hand' } }, icon('plus'), h('span', { text: 'Add by hand' }));
  b.addEventListener('click', () => {
    dialog.close();
    hooks.onAddManually();
  });
  return b;
}

/** Where the candidates come from: the usual files, or the one chosen. */
function renderSourceHint() {
  const hint = $('#import-source-hint', dialog);
  if (!state.file) {
    hint.replaceChildren(richText(SOURCE_HINT[state.kind]));
    return;
  }
  const usual = h('button', { type: 'button', class: 'link-button', text: 'use the usual location' });
  usual.addEventListener('click', () => {
    state.file = null;
    loadCandidates();
  });
  hint.replaceChildren('From ', h('code', { class: 'import-file', text: state.file }), ' · ', chooseButtonLink(), ' · ', usual);
}

function chooseButtonLink() {
  const b = h('button', { type: 'button', class: 'link-button', dataset: { act: 'choose-file' }, text: 'choose another file' });
  b.addEventListener('click', () => chooseFile(b));
  return b;
}

async function loadCandidates() {
  const seq = ++state.seq;
  const list = $('#import-candidates', dialog);
  state.candidates = [];
  selectCandidate(null);
  showError(null);
  renderSourceHint();
  list.setAttribute('aria-busy', 'true');
  list.replaceChildren(h('div', { class: 'candidates-loading' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Looking for connection settings…'));
  try {
    const found = await api.importCandidates(state.kind, state.file);
    if (seq !== state.seq) return;
    state.candidates = Array.isArray(found) ? found : [];
    if (state.candidates.length) {
      list.replaceChildren(...state.candidates.map(candidateEl));
    } else {
      const [title, fix] = EMPTY[state.kind];
      list.replaceChildren(
        h('div', { class: 'candidates-empty', dataset: { empty: 'no-candidates' } }, h('p', { class: 'candidates-empty-title', text: title }), h('p', { class: 'muted' }, richText(fix)), h('div', { class: 'candidates-empty-actions' }, chooseButton('Choose a file…'), manualButton())),
      );
    }
  } catch (err) {
    if (seq !== state.seq) return;
    if (err.code === 'import_file_missing' || err.code === 'import_file_unreadable' || err.code === 'import_rclone_encrypted') {
      // No configuration where the tool keeps it (or not a usable one):
      // say where Chute looked and let the user point at the file.
      list.replaceChildren(
        h(
          'div',
          { class: 'candidates-empty', dataset: { empty: err.code } },
          h('p', { class: 'candidates-empty-title' }, richText(err.message)),
          h('p', { class: 'muted' }, richText(err.fix)),
          h('div', { class: 'candidates-empty-actions' }, chooseButton('Choose a file…'), manualButton()),
        ),
      );
    } else {
      list.replaceChildren();
      showError(err);
    }
  } finally {
    if (seq === state.seq) list.setAttribute('aria-busy', 'false');
  }
}

function selectCandidate(c) {
  state.selected = c;
  state.touched = new Set();
  state.problems = [];
  const details = $('#import-details', dialog);
  details.hidden = !c;
  renderProblems(details, []);
  if (c) {
    form.elements.name.value = c.source;
    form.elements.bucket.value = c.bucket || '';
    form.elements.prefix.value = '';
    $('#import-details-title', dialog).textContent = `New destination from “${c.source}”`;
    requestAnimationFrame(() => details.scrollIntoView({ block: 'nearest', behavior: 'smooth' }));
    validate();
  }
  updateConfirm();
}

function settingsFor(c) {
  return {
    name: form.elements.name.value, provider: c.provider, bucket: form.elements.bucket.value,
    region: c.region || '', endpoint: c.endpoint || '', account_id: c.account_id || '', path_style: Boolean(c.path_style),
    prefix: form.elements.prefix.value, key_template: defaultKeyTemplate(), storage_class: c.storage_class || '', acl: c.acl || '',
    headers: { cache_control: '', content_disposition: '', content_encoding: '', content_language: '', expires: '', content_type: '' },
    metadata: {}, tags: {}, active: true,
  };
}

/** Check name, bucket and prefix as the user types (the rest comes from the source). */
async function validate() {
  const c = state.selected;
  if (!c) return;
  const seq = ++state.vseq;
  const creds = c.auth && c.auth.kind === 'profile' ? { kind: 'profile', profile: c.auth.profile } : { kind: 'none' };
  try {
    const problems = await api.validateDestination(settingsFor(c), creds, null);
    if (seq !== state.vseq || state.selected !== c) return;
    state.problems = problems.filter((p) => ['name', 'bucket', 'prefix'].includes(p.field));
  } catch {
    state.problems = [];
  }
  const shown = state.problems.filter((p) => !/(_empty|_required)$/.test(p.code) || state.touched.has(p.field));
  renderProblems($('#import-details', dialog), shown, { onFix: applyFix });
  updateConfirm();
}
const validateSoon = debounce(validate, 150);

function applyFix(p) {
  const el = form.elements[p.fix_field || p.field];
  if (!el || el.type === 'radio') return;
  el.value = p.fix_value;
  validate();
  el.focus();
}

function updateConfirm() {
  const btn = $('#import-confirm', dialog);
  const blocked = state.problems.some((p) => p.severity === 'error');
  btn.disabled = state.busy || !state.selected || !form.elements.name.value.trim() || !form.elements.bucket.value.trim() || blocked;
  btn.classList.toggle('is-busy', state.busy);
}

async function submit() {
  const c = state.selected;
  if (!c || state.busy) return;
  state.busy = true;
  showError(null);
  updateConfirm();
  try {
    const res = await api.importDestination({
      kind: state.kind, file: state.file, source: c.source,
      name: form.elements.name.value, bucket: form.elements.bucket.value, prefix: form.elements.prefix.value,
    });
    state.busy = false;
    dialog.close();
    hooks.onImported(res);
  } catch (err) {
    state.busy = false;
    showError(err);
    const mine = (err.problems || []).filter((p) => ['name', 'bucket', 'prefix'].includes(p.field));
    if (mine.length) {
      state.problems = mine;
      renderProblems($('#import-details', dialog), mine, { onFix: applyFix });
    }
    updateConfirm();
  }
}

export function openImport(opener) {
  if (dialog.open) return;
  form.reset();
  state.kind = 'aws';
  state.file = null;
  state.busy = false;
  const first = $('#import-kind-aws', dialog);
  first.checked = true;
  openModal(dialog, { focus: first, returnFocus: opener });
  loadCandidates();
}

/** What closing now would throw away: the name, bucket or prefix typed for the chosen source. */
function typedWork() {
  if (!state.selected || !state.touched.size) return null;
  return {
    title: 'Discard this import?',
    body: `Nothing was imported from “${state.selected.source}”; what you typed is lost.`,
  };
}

export function initImport(opts) {
  dialog = $('#import-dialog');
  form = $('#import-form');
  hooks = { ...hooks, ...opts };
  guardClose(dialog, typedWork);

  form.addEventListener('change', (e) => {
    const t = e.target;
    if (t.name === 'import_kind' && t.value !== state.kind) {
      state.kind = t.value;
      state.file = null;
      loadCandidates();
    } else if (t.name === 'import_source') {
      selectCandidate(state.candidates.find((c) => c.source === t.value) || null);
    }
  });
  form.addEventListener('input', (e) => {
    const name = e.target.name;
    if (!['name', 'bucket', 'prefix'].includes(name)) return;
    state.touched.add(name);
    updateConfirm();
    validateSoon();
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!$('#import-confirm', dialog).disabled) submit();
  });
}
