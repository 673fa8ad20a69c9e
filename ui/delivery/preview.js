// The delivery preview (#delivery-preview): where the files go, how many,
// how big, what happens to existing objects, what was left out and why,
// key collisions (which block the batch), and every file -> key in a
// virtualised table (.plan-row), loaded page by page, and for a drop the
// other destinations it may also go to (#preview-also, also.js). Nothing
// is sent until #delivery-confirm.

import { $, h, richText } from '../lib/dom.js';
import { icon, providerMark } from '../lib/icons.js';
import { openModal } from '../components/dialogs.js';
import { VirtualList, scrollWithKeys } from '../lib/vlist.js';
import { formatBytes, formatCount, plural } from '../lib/format.js';
import { existingNotice, checkExisting, confirmOverwrite, chooseNewKeys } from './existing-objects.js';
import { api } from '../lib/api.js';
import { destPath } from '../lib/destination-text.js';

export const OVERWRITE = {
  never: { label: 'Existing objects are kept', detail: 'A file whose key already exists is reported as not delivered; the object in the bucket is left untouched.' },
  skip: { label: 'Existing objects are skipped', detail: 'A file whose key already exists is skipped; the object in the bucket is left as it is.' },
  overwrite: { label: 'Existing objects are replaced', detail: 'A file whose key already exists replaces the object in the bucket.' },
};

const ROW_HEIGHT = 34;
const SHOWN_ITEMS = 50; // problems and collisions listed in full; the rest are counted
const SHOWN_EXCLUDED = 200;

let dialog;
let vlist;
let current = null; // {plan, rows, resolve, onConfirm, busy}

function shortPath(p) {
  const parts = String(p).split(/[\\/]/).filter(Boolean);
  return parts.length > 3 ? `…/${parts.slice(-3).join('/')}` : String(p);
}

function planRow(i) {
  const r = current && current.rows.get(i);
  if (!r) {
    return h(
      'div',
      { class: 'plan-row plan-row--loading', role: 'listitem', 'aria-posinset': String(i + 1), 'aria-setsize': String(current ? current.rows.total : 0) },
      h('span', { class: 'skeleton-bar' }),
      h('span', { class: 'skeleton-bar' }),
      h('span'),
      h('span'),
    );
  }
  const collides = current.collisionKeys.has(r.key);
  return h(
    'div',
    { class: 'plan-row', role: 'listitem', 'aria-posinset': String(i + 1), 'aria-setsize': String(current.rows.total), dataset: collides ? { collides: 'true' } : {} },
    h('span', { class: 'plan-file', title: r.source }, r.relpath),
    h(
      'span',
      { class: 'plan-key', title: collides ? `${r.key}: also the key of another file` : r.key },
      collides ? icon('error', 'plan-collision-icon') : h('span', { class: 'plan-arrow', 'aria-label': 'becomes' }, '→'),
      h('span', { class: 'plan-key-text', text: r.key }),
      collides ? h('span', { class: 'sr-only', text: ' (collides with another file)' }) : null,
    ),
    h('span', { class: 'plan-size', text: formatBytes(r.size) }),
    h('span', { class: 'plan-type', title: r.content_type, text: r.content_type }),
  );
}

function notice(kind, title, { text = '', items = [], more = 0, actions = [], open = null, code = '' } = {}) {
  const list = items.length
    ? h('ul', { class: 'notice-items' }, items, more > 0 ? h('li', { class: 'notice-more', text: `and ${formatCount(more)} more` }) : null)
    : null;
  const head = [icon(kind === 'error' ? 'error' : kind === 'warning' ? 'warning' : 'info', 'notice-icon'), h('span', { class: 'notice-title' }, richText(title))];
  if (open !== null) {
    // Collapsible: excluded items are worth knowing about, not reading by default.
    return h(
      'details',
      { class: `notice notice--${kind}`, open, dataset: { notice: code } },
      h('summary', { class: 'notice-head' }, ...head, icon('chevron', 'notice-chevron')),
      h('div', { class: 'notice-body' }, text ? h('p', { class: 'notice-text' }, richText(text)) : null, list),
    );
  }
  return h(
    'section',
    { class: `notice notice--${kind}`, dataset: { notice: code }, role: kind === 'error' ? 'alert' : null },
    h('div', { class: 'notice-head' }, ...head),
    h('div', { class: 'notice-body' }, text ? h('p', { class: 'notice-text' }, richText(text)) : null, list, actions.length ? h('div', { class: 'notice-actions' }, actions) : null),
  );
}

/** Notices about a plan: collisions (errors), problems, excluded. Also used by the progress panel. */
export function planNotices(plan, { onEditDestination = null, includeCollisions = true } = {}) {
  const out = [];
  if (includeCollisions && plan.collisions.length) {
    const n = plan.collisions.length;
    out.push(
      notice('error', n === 1 ? 'Two files would get the same key' : `${formatCount(n)} keys would each be used by more than one file`, {
        code: 'collisions',
        text: 'Chute delivers nothing while two files would overwrite each other. Change the key template so each file gets its own key: keep folders with `{prefix}{relpath}`, or add `{id}` to the name.',
        items: plan.collisions.slice(0, SHOWN_ITEMS).map((c) =>
          h('li', { class: 'notice-item collision', dataset: { key: c.key } }, h('code', { class: 'notice-key', text: c.key }), h('span', { class: 'notice-sources', text: `from ${c.sources.map(shortPath).join(', ')}` })),
        ),
        more: n - SHOWN_ITEMS,
        actions: onEditDestination ? [h('button', { type: 'button', class: 'button button--secondary button--small', id: 'preview-edit-template', on: { click: onEditDestination } }, icon('edit'), h('span', { text: 'Change the key template…' }))] : [],
      }),
    );
  }
  if (plan.problems.length) {
    const n = plan.problems.length;
    out.push(
      notice('warning', n === 1 ? '1 file cannot be delivered' : `${formatCount(n)} files cannot be delivered`, {
        code: 'problems',
        text: 'The other files can still go.',
        items: plan.problems.slice(0, SHOWN_ITEMS).map((p) =>
          h(
            'li',
            { class: 'notice-item problem-item', dataset: { code: p.code } },
            h('span', { class: 'notice-path', title: p.path, text: shortPath(p.path) }),
            h('span', { class: 'notice-message' }, richText(p.message)),
            p.fix ? h('span', { class: 'notice-fix' }, richText(p.fix)) : null,
          ),
        ),
        more: n - SHOWN_ITEMS,
      }),
    );
  }
  if (plan.excluded.length) {
    const n = plan.excluded.length;
    out.push(
      notice('info', n === 1 ? '1 item left out' : `${formatCount(n)} items left out`, {
        code: 'excluded',
        open: false,
        text: 'Left out by the destination’s “Never deliver” list or because they are not regular files.',
        items: plan.excluded.slice(0, SHOWN_EXCLUDED).map((x) =>
          h('li', { class: 'notice-item excluded-item' }, h('span', { class: 'notice-path', title: x.path, text: shortPath(x.path) }), h('span', { class: 'notice-reason' }, richText(x.reason))),
        ),
        more: n - SHOWN_EXCLUDED,
      }),
    );
  }
  return out;
}

function fact(iconName, label, value, extra = {}) {
  return h('li', { class: 'preview-fact', ...extra }, icon(iconName), h('span', { class: 'preview-fact-value', text: value }), label ? h('span', { class: 'preview-fact-label', text: label }) : null);
}

function setBusy(busy) {
  current.busy = busy;
  $('#delivery-confirm').classList.toggle('is-busy', busy);
  updateConfirm();
}

function deliverable(plan) {
  return plan.files_total > 0 && plan.collisions.length === 0;
}

/** Deliver's label and whether it can be pressed (not while another destination's plan is being made), and the note beside it. */
function updateConfirm() {
  const c = current;
  const confirm = $('#delivery-confirm');
  const also = c.also;
  const more = also ? also.sendable().length : 0;
  const count = c.plan.files_total;
  const label = count ? `Deliver ${plural(count, 'file')}${more ? ` to ${more + 1} destinations` : ''}` : 'Deliver';
  $('.button-label', confirm).textContent = label;
  confirm.disabled = c.busy || !deliverable(c.plan) || Boolean(also && also.pending());
  $('#preview-note').textContent = c.busy ? 'Getting the files ready…' : noteText(c.plan);
}

function noteText(plan) {
  if (plan.collisions.length) return 'Resolve the key collisions to deliver.';
  const ex = current && current.existing;
  if (ex && ex.check && ex.check.existing.length && !ex.choice && plan.overwrite === 'never') {
    return `Choose what to do with the ${plural(ex.check.existing.length, 'file')} meeting existing objects, or deliver: ${ex.check.existing.length === 1 ? 'it is' : 'they are'} then reported, not sent.`;
  }
  if (!plan.files_total) return 'There is nothing to deliver.';
  const left = plan.problems.length ? ` ${plural(plan.problems.length, 'file')} with problems ${plan.problems.length === 1 ? 'stays' : 'stay'} behind.` : '';
  const also = current && current.also;
  if (also && also.pending()) return 'Reading the files for the other destinations…';
  const out = also ? also.refused().map((r) => ` “${r.dest.name}” is left out.`).join('') : '';
  return `Nothing is sent until you confirm.${left}${out}`;
}

/* ---------- existing objects ---------- */

function renderExisting() {
  const box = $('#preview-notices');
  const old = box.querySelector('[data-notice="existing"]');
  const ex = current.existing;
  const el = ex ? existingNotice({ check: ex.check, policy: current.plan.overwrite, choice: ex.choice }) : null;
  if (old && el) old.replaceWith(el);
  else if (old) old.remove();
  else if (el) box.prepend(el);
  dialog.dataset.existing = !ex ? 'off' : ex.check ? 'checked' : 'checking';
  updateConfirm();
}

async function startExistingCheck() {
  const c = current;
  if (!c.plan.files_total) {
    c.existing = null;
    renderExisting();
    return;
  }
  c.existing = { check: null, choice: null };
  renderExisting();
  const check = await checkExisting(c.plan);
  if (current !== c) return;
  c.existing.check = check;
  renderExisting();
}

async function onExistingAction(e) {
  const btn = e.target.closest('[data-existing-act]');
  const c = current;
  if (!btn || !c || !c.existing || !c.existing.check || c.busy) return;
  const found = c.existing.check.existing;
  switch (btn.dataset.existingAct) {
    case 'skip':
      c.existing.choice = 'skip';
      break;
    case 'undo':
      c.existing.choice = null;
      break;
    case 'overwrite':
      if (!(await confirmOverwrite({ dest: c.dest, keys: found.map((x) => x.key), total: found.length, returnFocus: btn }))) return;
      if (current !== c) return;
      c.existing.choice = 'overwrite';
      break;
    case 'rekey': {
      const preview = await chooseNewKeys({
        dest: c.dest,
        count: found.length,
        returnFocus: btn,
        apply: (prefix, template) => api.rekeyPlan(c.plan.plan_id, found.map((x) => x.index), true, prefix, template),
      });
      if (!preview || current !== c) return;
      c.replan = preview;
      dialog.close();
      return;
    }
    default:
      return;
  }
  renderExisting();
  $('#delivery-confirm').focus();
}

/**
 * Show a plan. onConfirm runs (with the button busy) before the dialog
 * closes. also: the other destinations a drop may go to (an AlsoTargets),
 * or null. Resolves false when cancelled, {overwrite} when confirmed (the
 * policy chosen for this batch, or null), or {replan} when the person
 * chose new keys (a new plan preview to show instead).
 */
export function showPreview({ dest, plan, rows, onConfirm, onEditDestination, extraNotice = null, returnFocus = null, also = null }) {
  if (current) current.resolve(false);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (v) => {
      if (settled) return;
      settled = true;
      resolve(v);
    };
    current = { plan, rows, resolve: finish, onConfirm, busy: false, dest, collisionKeys: new Set(plan.collisions.map((c) => c.key)), existing: null, replan: null, also };

    $('#preview-title').textContent = `Deliver to “${dest.name}”`;
    $('#preview-where').replaceChildren(providerMark(dest.provider, 'sm'), h('code', { text: destPath(dest) }), h('span', { class: 'muted', text: dest.provider_label || '' }));
    const ow = OVERWRITE[plan.overwrite] || OVERWRITE.never;
    $('#preview-facts').replaceChildren(
      fact('file', plan.files_total === 1 ? 'file' : 'files', formatCount(plan.files_total), { dataset: { fact: 'files' } }),
      fact('server', '', formatBytes(plan.total_bytes), { dataset: { fact: 'size' }, title: `${formatCount(plan.total_bytes)} bytes` }),
      fact('copy', '', ow.label, { dataset: { fact: 'overwrite', overwrite: plan.overwrite }, title: ow.detail }),
      plan.multipart_files ? fact('upload', plan.multipart_files === 1 ? 'large file goes in parts' : 'large files go in parts', formatCount(plan.multipart_files), { dataset: { fact: 'multipart' } }) : '',
    );
    const notices = planNotices(plan, {
      onEditDestination: onEditDestination
        ? () => {
            current.editing = true;
            dialog.close();
            onEditDestination();
          }
        : null,
    });
    if (extraNotice) notices.unshift(notice('warning', extraNotice.title, { code: extraNotice.code || 'note', text: extraNotice.text }));
    // Seen on this server: it ignores conditional writes, so "never" is a look, then a write.
    if (plan.overwrite === 'never' && dest.overwrite_guard === 'check_first') {
      notices.push(notice('info', 'On this server, “never overwrite” is not atomic', {
        code: 'not_atomic',
        text: 'It ignores conditional writes, so Chute looks for an existing object just before each write. Only another program writing the same key at that very moment could be overwritten.',
      }));
    }
    $('#preview-notices').replaceChildren(...notices);

    const empty = $('#plan-empty');
    empty.hidden = plan.files_total > 0;
    empty.textContent = plan.files_total ? '' : plan.excluded.length || plan.problems.length ? 'No file is left to deliver: see above for why.' : 'The dropped folders hold no files.';
    $('#plan-rows').hidden = plan.files_total === 0;

    const count = plan.files_total;
    const confirm = $('#delivery-confirm');
    confirm.classList.remove('is-busy');
    const alsoBox = $('#preview-also');
    if (also) {
      also.render(alsoBox);
      const mine = current;
      also.onChange = () => current === mine && updateConfirm();
    } else {
      alsoBox.hidden = true;
      alsoBox.replaceChildren();
    }
    updateConfirm();

    const vp = $('#plan-rows');
    vp.scrollTop = 0;
    rows.onLoad(() => current && current.rows === rows && vlist.schedule(true));
    vlist.setCount(count, { reset: true });

    openModal(dialog, {
      focus: deliverable(plan) ? confirm : $('#delivery-cancel'),
      returnFocus,
      onClose: () => {
        const c = current;
        current = null;
        if (!c) return;
        if (c.replan) c.resolve({ replan: c.replan });
        else c.resolve(c.confirmed === true ? { overwrite: c.existing ? c.existing.choice : null } : false);
      },
    });
    vlist.update();
    startExistingCheck();
  });
}

async function confirm() {
  if (!current || current.busy || !deliverable(current.plan) || (current.also && current.also.pending())) return;
  setBusy(true);
  try {
    if (current.onConfirm) await current.onConfirm();
  } finally {
    if (current) {
      current.confirmed = true;
      dialog.close();
    }
  }
}

export function isPreviewOpen() {
  return Boolean(dialog && dialog.open);
}

export function initPreview() {
  dialog = $('#delivery-preview');
  vlist = new VirtualList($('#plan-rows'), {
    rowHeight: ROW_HEIGHT,
    render: planRow,
    signature: (i) => (current && current.rows.get(i) ? 'ready' : 'loading'),
    onRange: (first, last) => current && current.rows.ensure(first, last),
  });
  $('#delivery-confirm').addEventListener('click', confirm);
  $('#preview-notices').addEventListener('click', onExistingAction);
  $('#delivery-cancel').addEventListener('click', () => dialog.close());
  // Keyboard scrolling of the table without a pointer.
  scrollWithKeys($('#plan-rows'), ROW_HEIGHT);
}
