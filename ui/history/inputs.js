// What a delivery was given and what it left out, in its details: the
// folders and files dropped (or chosen, or named on the command line),
// the paths left out on purpose (ignored names, links not followed…) and
// the files refused before sending, each with its reason.
//
// Hooks: #hd-inputs, .hd-source[data-kind], #history-left-out,
// .hd-left[data-kind="excluded"|"refused"][data-code].

import { api } from '../lib/api.js';
import { h, richText } from '../lib/dom.js';
import { icon } from '../lib/icons.js';
import { baseName, formatCount, plural, visibleName } from '../lib/format.js';
import { originLabel } from '../lib/status.js';

/** Left-out paths listed; the rest are counted. */
const SHOWN = 50;
/** Up to this many left-out paths, the list starts open. */
const OPEN_UP_TO = 6;

const SOURCE_ICON = { folder: 'folder', file: 'file', missing: 'warning' };

/** A path as shown under the source it came from (`.git` rather than /home/…/photos/.git). */
function insideSource(path, sources) {
  const root = sources.find((s) => path.startsWith(`${s.path}/`) || path.startsWith(`${s.path}\\`));
  return root ? path.slice(root.path.length + 1) : baseName(path);
}

function sourceNote(s) {
  if (s.kind === 'missing') return 'not found when the delivery started';
  if (s.kind === 'folder') return plural(s.files, 'file');
  return '';
}

function sourcesBlock(batch, sources) {
  const title = originLabel(batch.origin);
  if (!sources.length) {
    return h('div', { class: 'hd-given' }, h('h4', { class: 'hd-section-title', text: title }), h('p', { class: 'hd-inputs-note muted', text: 'The files of an earlier delivery, listed below.' }));
  }
  return h(
    'div',
    { class: 'hd-given' },
    h('h4', { id: 'hd-given-title', class: 'hd-section-title', text: title }),
    h(
      'ul',
      { class: 'hd-sources', 'aria-labelledby': 'hd-given-title' },
      sources.map((s) =>
        h(
          'li',
          { class: 'hd-source', dataset: { kind: s.kind } },
          icon(SOURCE_ICON[s.kind] || 'file', 'hd-source-icon'),
          h('span', { class: 'hd-source-path mono', title: s.path, text: visibleName(s.path) }),
          sourceNote(s) ? h('span', { class: 'hd-source-note', text: sourceNote(s) }) : null,
        ),
      ),
    ),
  );
}

function leftOutCounts(inputs) {
  const parts = [];
  if (inputs.excluded_total) parts.push(`${formatCount(inputs.excluded_total)} ignored`);
  if (inputs.refused_total) parts.push(`${formatCount(inputs.refused_total)} refused`);
  return parts.join(' · ');
}

function excludedItem(e, sources) {
  return h(
    'li',
    { class: 'hd-left', dataset: { kind: 'excluded' } },
    icon('skip', 'hd-left-icon'),
    h('span', { class: 'hd-left-main' }, h('span', { class: 'hd-left-path mono', title: e.path, text: visibleName(insideSource(e.path, sources)) }), h('span', { class: 'hd-left-reason' }, richText(e.reason))),
  );
}

function refusedItem(f) {
  return h(
    'li',
    { class: 'hd-left', dataset: { kind: 'refused', code: f.error_code || 'refused' } },
    icon('error', 'hd-left-icon'),
    h(
      'span',
      { class: 'hd-left-main' },
      h('span', { class: 'hd-left-path mono', title: f.source, text: visibleName(f.relpath || f.source) }),
      h('span', { class: 'hd-left-reason' }, richText(visibleName(f.error_message || 'Refused before sending.'))),
      f.error_fix ? h('span', { class: 'hd-left-fix' }, richText(f.error_fix)) : null,
    ),
  );
}

function leftOutBlock(inputs, sources) {
  const total = inputs.excluded_total + inputs.refused_total;
  if (!total) return h('p', { id: 'history-left-out', class: 'hd-left-none muted', dataset: { total: '0' }, text: 'Nothing was left out.' });
  const more = [];
  if (inputs.refused_total > inputs.refused.length) more.push(plural(inputs.refused_total - inputs.refused.length, 'more refused file'));
  if (inputs.excluded_total > inputs.excluded.length) more.push(plural(inputs.excluded_total - inputs.excluded.length, 'more ignored path'));
  return h(
    'details',
    { id: 'history-left-out', class: 'hd-left-out', open: total <= OPEN_UP_TO, dataset: { total: String(total) } },
    h('summary', { class: 'hd-left-summary' }, h('span', { class: 'hd-section-title', text: 'Left out' }), h('span', { class: 'hd-left-counts', text: leftOutCounts(inputs) })),
    h('ul', { class: 'hd-left-list' }, inputs.refused.map(refusedItem), inputs.excluded.map((e) => excludedItem(e, sources))),
    more.length ? h('p', { class: 'hd-left-more muted' }, `And ${more.join(' and ')} (`, h('code', { text: 'chute history show' }), ' lists them all).') : null,
  );
}

/**
 * Fill `container` with what `batch` was given and left out. `isCurrent()`
 * tells whether the batch is still the one shown when the reply comes.
 */
export async function renderInputs(container, batch, isCurrent) {
  if (!batch.inputs_recorded) {
    container.replaceChildren(h('p', { class: 'hd-inputs-note muted', text: 'What was given and left out is not recorded for this delivery: an earlier version of Chute made it.' }));
    return;
  }
  container.setAttribute('aria-busy', 'true');
  let inputs;
  try {
    inputs = await api.historyInputs(batch.id, SHOWN);
  } catch (err) {
    if (!isCurrent()) return;
    container.setAttribute('aria-busy', 'false');
    container.replaceChildren(h('p', { class: 'hd-inputs-note hd-inputs-error' }, richText(`What was given could not be read: ${err.message}`)));
    return;
  }
  if (!isCurrent()) return;
  container.setAttribute('aria-busy', 'false');
  container.replaceChildren(sourcesBlock(batch, inputs.sources), leftOutBlock(inputs, inputs.sources));
}
