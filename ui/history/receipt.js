// A delivery's receipt in its details: its objects as checked at the
// destination when it ended (every delivery does) or since, with History
// → Verify (#history-verify), which checks them again: unchanged ones
// verified, others changed since or missing, each with its cause and fix.
// A check runs in the core off the window's thread; its progress shows
// here as it goes and the window keeps answering.
//
// Hooks: #hd-receipt[data-state="none"|"verified"|"differing"|"checking"],
// .hd-receipt-line, #hd-receipt-progress, .hd-receipt-problem[data-state][data-code].

import { api } from '../lib/api.js';
import { $, h, richText } from '../lib/dom.js';
import { icon } from '../lib/icons.js';
import { formatCount, plural } from '../lib/format.js';
import { timeElement } from '../lib/reltime.js';
import { statusLabel } from '../lib/status.js';
import { toast, errorToast } from '../components/toast.js';
import { view } from './state.js';

/** Problems listed; the rest are counted. */
const SHOWN = 50;

function counts(r) {
  const parts = [`${formatCount(r.verified)} of ${plural(r.checked, 'object')} verified`];
  if (r.size_only) parts.push(`${formatCount(r.size_only)} by size only`);
  if (r.differing) parts.push(`${formatCount(r.differing)} differing`);
  if (r.unchecked) parts.push(`${formatCount(r.unchecked)} not checked`);
  return parts.join(' · ');
}

function problemItem(p) {
  return h(
    'li',
    { class: 'hd-receipt-problem', dataset: { state: p.state, code: p.code } },
    icon(p.state === 'unchecked' ? 'warning' : 'error', 'hd-left-icon'),
    h(
      'span',
      { class: 'hd-left-main' },
      h('span', { class: 'hd-receipt-key' }, h('span', { class: 'hd-left-path mono', title: p.key, text: p.key }), h('span', { class: 'hd-receipt-state', text: statusLabel(p.state) })),
      h('span', { class: 'hd-left-reason' }, richText(p.message)),
      p.fix ? h('span', { class: 'hd-left-fix' }, richText(p.fix)) : null,
    ),
  );
}

function receiptBlock(r) {
  const fine = r.differing === 0 && r.unchecked === 0;
  const when = r.kind === 'delivery' ? 'checked as it was delivered, ' : 'checked again ';
  return [
    h(
      'p',
      { class: 'hd-receipt-line', dataset: { kind: r.kind } },
      icon(fine ? 'check' : r.differing ? 'error' : 'warning', 'hd-receipt-icon'),
      h('span', { text: `${counts(r)} · ${when}` }),
      timeElement(r.checked_at),
    ),
    r.note ? h('p', { class: 'hd-receipt-note muted' }, richText(r.note)) : null,
    r.problems.length
      ? h(
          'ul',
          { class: 'hd-left-list hd-receipt-problems' },
          r.problems.slice(0, SHOWN).map(problemItem),
          r.problems.length > SHOWN ? h('li', { class: 'muted', text: `And ${plural(r.problems.length - SHOWN, 'more object')} (chute history show lists them all).` }) : null,
        )
      : null,
  ];
}

function title() {
  return h('h4', { class: 'hd-section-title', text: 'At the destination' });
}

function show(container, r) {
  container.dataset.state = !r ? 'none' : r.differing || r.unchecked ? 'differing' : 'verified';
  if (!r) {
    container.replaceChildren(title(), h('p', { class: 'hd-inputs-note muted', text: "Its objects have not been checked since they landed: the server's answer to each upload was the only check (its destination does not check each object, or it was delivered before Chute did). Verify checks them now." }));
    return;
  }
  container.replaceChildren(title(), ...receiptBlock(r).filter(Boolean));
}

function showProgress(container, p) {
  container.dataset.state = 'checking';
  const text = p && p.total ? `Checking ${formatCount(p.checked)} of ${plural(p.total, 'object')}…` : 'Checking the objects…';
  container.replaceChildren(
    title(),
    h('p', { class: 'hd-receipt-line' }, icon('clock', 'hd-receipt-icon'), h('span', { text })),
    h('progress', { id: 'hd-receipt-progress', class: 'hd-receipt-progress', max: String((p && p.total) || 1), value: String((p && p.checked) || 0) }),
  );
}

/** Show the batch's receipt (or the check under way) in `container`; `isCurrent()` tells whether the batch is still shown when the reply comes. */
export async function renderReceipt(container, batch, isCurrent) {
  if (view.verifying && view.verifying.id === batch.id) {
    showProgress(container, view.verifying.progress);
    return;
  }
  if (!batch.delivered) {
    container.dataset.state = 'none';
    container.replaceChildren();
    return;
  }
  container.setAttribute('aria-busy', 'true');
  let r;
  try {
    r = await api.historyReceipt(batch.id);
  } catch (err) {
    if (!isCurrent()) return;
    container.setAttribute('aria-busy', 'false');
    container.replaceChildren(title(), h('p', { class: 'hd-inputs-note hd-inputs-error' }, richText(`The receipt could not be read: ${err.message}`)));
    return;
  }
  if (!isCurrent()) return;
  container.setAttribute('aria-busy', 'false');
  show(container, r);
}

/** Check the objects of `batch` again (History → Verify); `done()` runs once the check ends (the details redraw). */
export async function verifyBatch(batch, done) {
  if (view.verifying) return;
  view.verifying = { id: batch.id, progress: null };
  const here = () => view.selectedId === batch.id && $('#hd-receipt');
  done();
  try {
    const check = await api.verifyBatch(batch.id, (p) => {
      view.verifying.progress = p;
      if (here()) showProgress($('#hd-receipt'), p);
    });
    const r = check.receipt;
    if (r.differing || r.unchecked) {
      const what = r.differing ? `${plural(r.differing, 'object')} of “${batch.destination_name}” ${r.differing === 1 ? 'is' : 'are'} not as delivered` : `${plural(r.unchecked, 'object')} could not be checked`;
      const more = r.problems.length > 1 ? ` And ${plural(r.problems.length - 1, 'other object')}.` : '';
      toast(what, { kind: 'warning', detail: r.problems[0] ? `${r.problems[0].message}${more}` : '' });
    } else {
      toast(`${plural(r.verified + r.size_only, 'object')} as delivered`, { detail: `Every object of the delivery to “${batch.destination_name}” is at the destination, unchanged.` });
    }
  } catch (err) {
    errorToast(err, 'Could not verify the delivery');
  } finally {
    view.verifying = null;
    done();
  }
}
