// What the delivery panel says about a batch: its headline, its numbers
// (how many of its objects were verified at the destination among them),
// the outcome (#delivery-outcome[data-outcome]) with the actions offered,
// the errors grouped by kind (#delivery-notes), one card per code with
// its fix, and the toast saying how it ended.

import { $, h, richText } from '../lib/dom.js';
import { icon } from '../lib/icons.js';
import { toast } from '../components/toast.js';
import { planNotices } from './preview.js';
import { formatBytes, formatRate, formatEta, formatDuration, formatCount, plural } from '../lib/format.js';
import { copyText } from '../lib/clipboard.js';
import { statusLabel } from '../lib/status.js';

let lastErrorsKey = '';

/** Another batch is shown: render its notes afresh. */
export function resetSummary() {
  lastErrorsKey = '';
}

async function copyAllLinks(b) {
  const urls = b.lists.delivered.map((i) => b.results[i].url).filter(Boolean);
  const ok = await copyText(urls.join('\n'));
  toast(ok ? `Copied ${plural(urls.length, 'link')}` : 'Could not copy the links', { kind: ok ? 'success' : 'error', timeout: 2500 });
}

export function headline(b) {
  const s = b.summary;
  const name = b.dest.name;
  if (!s) return `Delivery to “${name}” could not run`;
  switch (b.outcome) {
    case 'delivered':
      return s.skipped && !s.delivered ? `Nothing new for “${name}”` : `Delivered to “${name}”`;
    case 'partial':
      return `Partly delivered to “${name}”`;
    case 'cancelled':
      return `Delivery to “${name}” cancelled`;
    default:
      return `Delivery to “${name}” failed`;
  }
}

export function statsParts(b) {
  const p = b.progress;
  const sep = () => h('span', { class: 'stat-sep', 'aria-hidden': 'true', text: '·' });
  const parts = [];
  if (b.phase === 'running') {
    if (p.paused) parts.push(h('span', { class: 'stat stat--paused', text: statusLabel('paused') }));
    parts.push(h('span', { class: 'stat', dataset: { stat: 'bytes' } }, h('strong', { text: formatBytes(p.bytes_sent) }), ` of ${formatBytes(p.bytes_total)}`));
    parts.push(h('span', { class: 'stat', dataset: { stat: 'files' } }, h('strong', { text: formatCount(p.files_done) }), ` of ${plural(p.files_total, 'file')}`));
    if (!p.paused && p.rate > 0) parts.push(h('span', { class: 'stat', dataset: { stat: 'rate' }, text: formatRate(p.rate) }));
    if (p.rate_limit) parts.push(limitStat(p.rate_limit));
    if (p.slowed_to) parts.push(slowedStat(p.slowed_to));
    const eta = p.paused ? '' : formatEta(p.eta_secs);
    if (eta) parts.push(h('span', { class: 'stat', dataset: { stat: 'eta' }, text: eta }));
  } else if (b.summary) {
    const s = b.summary;
    parts.push(h('span', { class: 'stat', dataset: { stat: 'bytes' } }, h('strong', { text: formatBytes(s.bytes_sent) }), ` sent in ${formatDuration(s.duration_ms)}`));
    parts.push(h('span', { class: 'stat', dataset: { stat: 'files' } }, h('strong', { text: formatCount(s.delivered) }), ` of ${plural(b.total, 'file')} delivered`));
    if (s.duration_ms > 0 && s.bytes_sent > 0) parts.push(h('span', { class: 'stat', dataset: { stat: 'rate' }, text: `${formatRate((s.bytes_sent * 1000) / s.duration_ms)} on average` }));
    if (p.rate_limit) parts.push(limitStat(p.rate_limit));
    if (s.receipt) parts.push(h('span', { class: 'stat', dataset: { stat: 'receipt' }, text: receiptStat(s.receipt) }));
  } else if (b.error) {
    parts.push(h('span', { class: 'stat', text: `${plural(b.total, 'file')} not sent` }));
  }
  return parts.flatMap((x, i) => (i ? [sep(), x] : [x]));
}

/** "Limited to 2.0 MB/s": the bandwidth limit in force (the lower of the destination's and the overall one). */
function limitStat(bytesPerSec) {
  return h('span', {
    class: 'stat stat--limited',
    dataset: { stat: 'limit' },
    title: 'The bandwidth limit in force: the lower of the destination’s own and the overall limit in the header',
    text: `Limited to ${formatRate(bytesPerSec)}`,
  });
}

/** "Server busy: 4 at once": the server asked the run to slow down, so it sends fewer requests at once. */
function slowedStat(requests) {
  return h('span', {
    class: 'stat stat--limited',
    dataset: { stat: 'slowed' },
    title: 'The server asked Chute to slow down (503 SlowDown or 429), so it sends fewer requests at once; it sends more again while that pays',
    text: `Server busy: ${plural(requests, 'request')} at once`,
  });
}

/** The receipt in a few words: how many of the objects checked at the destination were verified. */
function receiptStat(r) {
  if (r.unchecked === r.checked) return `${plural(r.checked, 'object')} not checked at the destination`;
  const sizeOnly = r.size_only ? ` (${formatCount(r.size_only)} by size only)` : '';
  return `${formatCount(r.verified + r.size_only)} of ${formatCount(r.checked)} verified at the destination${sizeOnly}`;
}

export function renderOutcome(b, outcomeActions, offerKey) {
  const box = $('#delivery-outcome');
  const key = `${b.id}|${b.phase}|${b.outcome}|${offerKey}`;
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  if (b.phase === 'running') {
    box.hidden = true;
    box.removeAttribute('data-outcome');
    box.replaceChildren();
    return;
  }
  box.hidden = false;
  box.dataset.outcome = b.outcome;
  const s = b.summary;
  const lines = [];
  let title;
  if (!s) {
    title = b.error ? b.error.message : 'The delivery could not run.';
    if (b.error && b.error.fix) lines.push(h('p', { class: 'outcome-fix' }, richText(b.error.fix)));
  } else {
    const parts = [];
    if (s.delivered) parts.push(`${plural(s.delivered, 'file')} delivered`);
    if (s.skipped) parts.push(`${formatCount(s.skipped)} skipped (already there)`);
    if (s.failed) parts.push(`${formatCount(s.failed)} failed`);
    if (s.cancelled) parts.push(`${formatCount(s.cancelled)} cancelled`);
    title = parts.join(', ') || 'No file was delivered';
    if (b.outcome === 'delivered' && s.delivered) lines.push(h('p', { class: 'outcome-detail', text: 'Each file’s link is below. Links work for anyone only if the bucket allows public reads; “Presigned link…” makes one that works for a limited time.' }));
    else if (b.outcome === 'failed') lines.push(h('p', { class: 'outcome-detail', text: 'Nothing was delivered. What went wrong, and what to do, is below.' }));
  }
  const offer = outcomeActions(b);
  lines.push(...offer.lines);
  const actions = [...offer.actions];
  if (s && s.delivered > 0) {
    actions.push(h('button', { type: 'button', id: 'delivery-copy-all', class: 'button button--secondary button--small', on: { click: () => copyAllLinks(b) } }, icon('copy'), h('span', { text: s.delivered === 1 ? 'Copy link' : `Copy all ${formatCount(s.delivered)} links` })));
  }
  box.replaceChildren(
    ...[h('div', { class: 'outcome-text' }, h('p', { class: 'outcome-title' }, richText(title)), ...lines), actions.length ? h('div', { class: 'outcome-actions' }, actions) : null].filter(Boolean),
  );
}

export function renderNotes(b) {
  const key = `${b.id}|${b.errorsVersion}`;
  if (key === lastErrorsKey) return;
  lastErrorsKey = key;
  const box = $('#delivery-notes');
  const cards = [];
  for (const [code, g] of b.errors) {
    cards.push(
      h(
        'section',
        { class: 'delivery-error', dataset: { code } },
        icon('error', 'delivery-error-icon'),
        h(
          'div',
          { class: 'delivery-error-text' },
          h('p', { class: 'delivery-error-message' }, richText(g.message), g.count > 1 ? h('span', { class: 'delivery-error-count', text: ` (${formatCount(g.count)} files)` }) : null),
          g.fix ? h('p', { class: 'delivery-error-fix' }, richText(g.fix)) : null,
          g.s3_code || g.request_id
            ? h('p', { class: 'delivery-error-meta' }, g.s3_code ? h('span', {}, 'S3 code ', h('code', { text: g.s3_code })) : null, g.request_id ? h('span', {}, 'request id ', h('code', { text: g.request_id })) : null)
            : null,
        ),
      ),
    );
  }
  // When the preview was skipped, what the plan left behind is shown here.
  if (!b.plan.confirm) cards.push(...planNotices(b.plan, { includeCollisions: false }));
  box.replaceChildren(...cards);
}

/** The toast that says how a finished batch ended. */
export function announceOutcome(batch) {
  const s = batch.summary;
  const name = batch.dest.name;
  const skipped = s.skipped ? ` ${plural(s.skipped, 'file')} already there ${s.skipped === 1 ? 'was' : 'were'} skipped.` : '';
  if (batch.outcome === 'delivered') {
    toast(`Delivered ${plural(s.delivered, 'file')} to “${name}”`, { detail: `${formatBytes(s.bytes_sent)} in ${formatDuration(s.duration_ms)}.${skipped}` });
  } else if (batch.outcome === 'partial') {
    toast(`${formatCount(s.delivered)} of ${plural(batch.total, 'file')} delivered to “${name}”`, { kind: 'warning', detail: `${s.failed ? `${formatCount(s.failed)} failed. ` : ''}${s.cancelled ? `${formatCount(s.cancelled)} cancelled. ` : ''}${skipped}`.trim(), timeout: 10000 });
  } else if (batch.outcome === 'cancelled') {
    toast(`Delivery to “${name}” cancelled`, { kind: 'info', detail: `${plural(s.delivered, 'file')} had already been delivered.` });
  } else {
    const first = batch.errors.values().next().value;
    toast(`Nothing was delivered to “${name}”`, { kind: 'error', detail: first ? first.message : '', fix: first ? first.fix : '' });
  }
}
