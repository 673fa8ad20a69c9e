// "Also deliver to…" in the preview of a drop (#preview-also): the other
// saved, active destinations as a list of checkboxes. Each one chosen gets
// its own plan (its own key template), its own check for existing objects,
// and its file count or refusal shown beside it. On Deliver, the ones that
// can go are sent with the first destination as one drop (flow.js groups
// and sends them, each its own batch that fails on its own).
//
// Hooks: #preview-also, .also-option[data-id] (input[type=checkbox]),
// .also-status[data-state="planning|ready|refused|error"].

import { api } from '../lib/api.js';
import { h, richText } from '../lib/dom.js';
import { icon, providerMark } from '../lib/icons.js';
import { PlanRows } from '../lib/vlist.js';
import { formatCount, plural } from '../lib/format.js';
import { destPath } from '../lib/destination-text.js';
import { checkExisting } from './existing-objects.js';

/** The destinations chosen beside the first one, for one drop. */
export class AlsoTargets {
  /** candidates: the other saved, active destinations; paths: what was dropped. */
  constructor(paths, candidates) {
    this.paths = paths;
    this.candidates = candidates;
    this.entries = new Map(); // destination id -> {dest, state, plan, rows, error, existing}
    this.box = null;
    this.onChange = () => {};
  }

  /** Plans still being made (Deliver waits for them). */
  pending() {
    return [...this.entries.values()].some((e) => e.state === 'planning');
  }

  /** The chosen destinations that can be sent to: [{dest, plan, rows}]. */
  sendable() {
    return [...this.entries.values()].filter((e) => e.state === 'ready' && !refusal(e));
  }

  /** The chosen destinations that cannot: [{dest, why}]. */
  refused() {
    return [...this.entries.values()].filter((e) => e.state !== 'planning' && refusal(e)).map((e) => ({ dest: e.dest, why: refusal(e) }));
  }

  /** Forget every plan except those sent (by plan id). */
  discard(sent = []) {
    for (const e of this.entries.values()) {
      if (e.plan && !sent.includes(e.plan.plan_id)) api.discardPlan(e.plan.plan_id).catch(() => {});
    }
    this.entries.clear();
  }

  async toggle(dest, on) {
    const old = this.entries.get(dest.id);
    if (!on) {
      this.entries.delete(dest.id);
      if (old && old.plan) api.discardPlan(old.plan.plan_id).catch(() => {});
      this.changed(dest.id);
      return;
    }
    if (old) return;
    const entry = { dest, state: 'planning', plan: null, rows: null, error: null, existing: null };
    this.entries.set(dest.id, entry);
    this.changed(dest.id);
    try {
      entry.plan = await api.planDelivery(dest.id, this.paths);
    } catch (err) {
      entry.state = 'error';
      entry.error = err;
    }
    if (this.entries.get(dest.id) !== entry) {
      if (entry.plan) api.discardPlan(entry.plan.plan_id).catch(() => {});
      return;
    }
    if (entry.plan) {
      entry.state = 'ready';
      entry.rows = new PlanRows(entry.plan.plan_id, entry.plan.files, entry.plan.files_total, api.planPage);
    }
    this.changed(dest.id);
    if (entry.plan && entry.plan.files_total > 0) {
      const check = await checkExisting(entry.plan);
      if (this.entries.get(dest.id) !== entry) return;
      entry.existing = check;
      this.changed(dest.id);
    }
  }

  changed(id) {
    this.renderStatus(id);
    this.onChange();
  }

  /** Draw the list into `box` (its checkboxes stay put; only the statuses change afterwards). */
  render(box) {
    this.box = box;
    box.hidden = this.candidates.length === 0;
    if (box.hidden) return box.replaceChildren();
    box.replaceChildren(
      h('legend', { class: 'also-legend', text: 'Also deliver to' }),
      h('p', { class: 'also-hint', text: 'Each destination gets its own keys and its own batch; one that fails stops none of the others.' }),
      h(
        'ul',
        { class: 'also-list' },
        this.candidates.map((d) => {
          const id = `also-${d.id}`;
          return h(
            'li',
            { class: 'also-option', dataset: { id: d.id } },
            h('input', { type: 'checkbox', id, checked: this.entries.has(d.id), on: { change: (e) => this.toggle(d, e.currentTarget.checked) } }),
            h('label', { for: id, class: 'also-label' }, providerMark(d.provider, 'sm'), h('span', { class: 'also-name', text: d.name }), h('code', { class: 'also-path', text: destPath(d) })),
            h('span', { class: 'also-status', 'aria-live': 'polite' }),
          );
        }),
      ),
    );
    for (const d of this.candidates) this.renderStatus(d.id);
  }

  renderStatus(id) {
    const el = this.box && this.box.querySelector(`.also-option[data-id="${CSS.escape(id)}"] .also-status`);
    if (!el) return;
    const e = this.entries.get(id);
    if (!e) {
      el.removeAttribute('data-state');
      el.replaceChildren();
      return;
    }
    if (e.state === 'planning') {
      el.dataset.state = 'planning';
      el.replaceChildren(h('span', { class: 'spinner spinner--small', 'aria-hidden': 'true' }), h('span', { text: 'Reading the files…' }));
      return;
    }
    const why = refusal(e);
    el.dataset.state = e.state === 'error' ? 'error' : why ? 'refused' : 'ready';
    if (why) {
      el.replaceChildren(icon('error'), h('span', {}, richText(why)));
      return;
    }
    const unchecked = e.existing && e.existing.not_checked ? `Existing objects could not be checked: ${e.existing.not_checked}.` : null;
    el.replaceChildren(icon('check'), h('span', { text: readyText(e), title: unchecked }));
  }
}

/** Why a chosen destination cannot be sent to, or null. */
function refusal(e) {
  if (e.state === 'error') return `Not delivered: ${e.error.message}`;
  if (e.state !== 'ready') return null;
  const p = e.plan;
  if (p.collisions.length) return `Not delivered: ${p.collisions.length === 1 ? 'two files would get the same key' : `${formatCount(p.collisions.length)} keys would each be used by more than one file`} under its key template.`;
  if (!p.files_total) return 'Not delivered: no file is left to deliver there.';
  return null;
}

function readyText(e) {
  const p = e.plan;
  const parts = [plural(p.files_total, 'file')];
  if (p.problems.length) parts.push(`${plural(p.problems.length, 'file')} cannot go`);
  const ex = e.existing;
  if (!ex) parts.push('checking existing objects…');
  else if (ex.not_checked) parts.push('existing objects not checked');
  else if (ex.existing.length) {
    const n = plural(ex.existing.length, 'file');
    parts.push(p.overwrite === 'overwrite' ? `${n} replace objects` : p.overwrite === 'skip' ? `${n} already there, skipped` : `${n} would meet objects: reported, not sent`);
  }
  return parts.join(' · ');
}
