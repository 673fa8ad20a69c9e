// One watched folder as a card in the Watches view:
//   <li class="watch-card" data-id data-state="{state}" data-paused data-started>
// its name and state in words (.watch-state-text; "Starting" until the
// runner has taken in the files already there), who runs it when not
// this window, the folder, its destinations, what its journal counts
// (.watch-delivered, .watch-failed, the last delivery), the problem that
// stops it or its last failure as a banner (.watch-diagnosis[data-code]),
// and its actions ([data-action] toggle, edit, copy-command, remove).

import { h, richText } from '../lib/dom.js';
import { icon } from '../lib/icons.js';
import { plural, formatCount } from '../lib/format.js';
import { clockText, timeElement } from '../lib/reltime.js';
import { statusLabel, watchStateIcon } from '../lib/status.js';
import { copyButton } from '../components/copy-button.js';
import { showErrorBanner, showWarningBanner } from '../components/error-banner.js';
import { settleText, hoursText, batchText } from './timing.js';

/** How the window names itself as the runner (src-tauri/watching.rs). */
const THIS_APP = 'the Chute window';

/** Why a watch is stopped, in a few words, by the problem's code. */
const STOPPED_BECAUSE = {
  watch_folder_gone: 'folder gone',
  watch_folder_unreadable: 'folder unreadable',
  watch_limit_reached: 'the system’s limit on watched folders is reached',
};

/** What happens to a file once delivered. */
const AFTER_TEXT = { keep: 'Kept in the folder', move: 'Moved into delivered/', delete: 'Deleted from the folder' };

/** Who runs the watches, when it is not this window: "chute watch run (pid 4242)". */
export function runnerText(runner) {
  const who = runner.who === THIS_APP ? 'another Chute window' : runner.who;
  return `${who} (pid ${runner.pid})`;
}

/** The state in words: "Watching", "Delivering 3 files", "Retrying since 14:05:09", "Stopped: folder gone"… */
function stateSentence(w, list) {
  const j = w.journal;
  switch (w.state) {
    case 'delivering':
      return `${statusLabel('delivering')} ${plural(j.queued + j.sending, 'file')}`;
    case 'retrying':
      return j.retrying_since ? `${statusLabel('retrying')} since ${clockText(j.retrying_since)}` : statusLabel('retrying');
    case 'stopped':
      return `${statusLabel('stopped')}: ${(w.problem && STOPPED_BECAUSE[w.problem.code]) || 'the folder cannot be watched'}`;
    case 'paused':
      return `${statusLabel('paused')}: nothing is delivered until you resume it`;
    case 'outside_hours':
      return `${statusLabel('outside_hours')} (${w.hours.from}–${w.hours.to}): files wait until then`;
    case 'not_running':
      return list.runner_problem
        ? `${statusLabel('not_running')}: this window cannot run the watches`
        : `${statusLabel('not_running')}: this window takes the watches over within seconds, or run \`chute watch run\``;
    case 'watching':
      // Until the runner has taken in what the folder already holds, a file written now may count as already there.
      return w.started_at ? statusLabel('watching') : 'Starting: taking in the files already in the folder';
    default:
      return statusLabel(w.state);
  }
}

function fact(cls, label, ...value) {
  return h('div', { class: `watch-fact ${cls}` }, h('dt', { text: label }), h('dd', {}, ...value));
}

/** Its delivery hours and batching in words ("Delivers 22:00–06:00 · One .gz object a minute"); null when neither is set. */
function timingFact(w) {
  const parts = [hoursText(w), batchText(w)].filter(Boolean);
  if (!parts.length) return null;
  return fact('watch-timing', 'When', ...parts.flatMap((t, i) => (i ? [h('span', { class: 'watch-sep', 'aria-hidden': 'true', text: '·' }), h('span', { text: t })] : [h('span', { text: t })])));
}

function journalFacts(w) {
  const j = w.journal;
  const fanOut = w.destinations.length > 1;
  const delivered = h('span', { class: 'watch-delivered', dataset: { count: String(j.delivered) }, title: fanOut ? 'Counted once per destination' : null, text: `${formatCount(j.delivered)} delivered` });
  const failed = j.failed ? h('span', { class: 'watch-failed', dataset: { count: String(j.failed) }, text: `${formatCount(j.failed)} failed` }) : null;
  const last = j.last_delivered_at ? h('span', { class: 'watch-last' }, 'last ', timeElement(j.last_delivered_at)) : null;
  return [delivered, failed, last].filter(Boolean).flatMap((e, i) => (i ? [h('span', { class: 'watch-sep', 'aria-hidden': 'true', text: '·' }), e] : [e]));
}

/** The problem that stops the watch, else its last failure still standing, as a banner; null when all is well. */
function diagnosis(w) {
  const box = h('div', { class: 'banner watch-diagnosis', role: 'status' });
  if (w.problem) {
    box.classList.add('banner--error');
    box.dataset.code = w.problem.code;
    box.dataset.kind = 'problem';
    showErrorBanner(box, w.problem, h('p', { class: 'banner-text watch-diagnosis-when' }, `Since ${clockText(w.problem.at)}.`));
    return box;
  }
  const f = w.journal.last_failure;
  if (!f) return null;
  const where = w.destination_names[w.destinations.indexOf(f.destination_id)] || 'a destination that no longer exists';
  const what = h('p', { class: 'banner-text watch-diagnosis-file' }, h('code', { text: f.relpath }), ` → ${where}: `, f.retrying ? 'tried again with a growing pause.' : 'not tried again unless the file changes.');
  box.dataset.code = f.code;
  box.dataset.kind = f.retrying ? 'retrying' : 'failed';
  if (f.retrying) {
    box.classList.add('banner--warning');
    showWarningBanner(box, f, what);
  } else {
    box.classList.add('banner--error');
    showErrorBanner(box, f, what);
  }
  return box;
}

function actions(w) {
  const toggle = h(
    'button',
    { type: 'button', class: 'button button--secondary button--small', dataset: { action: 'toggle' }, 'aria-label': `${w.paused ? 'Resume' : 'Pause'} ${w.name}` },
    icon(w.paused ? 'play' : 'pause'),
    h('span', { text: w.paused ? 'Resume' : 'Pause' }),
  );
  const edit = h('button', { type: 'button', class: 'button button--secondary button--small', dataset: { action: 'edit' }, 'aria-label': `Edit ${w.name}` }, icon('edit'), h('span', { text: 'Edit' }));
  const copy = copyButton('Copy command line', () => w.command_line, { dataset: { action: 'copy-command' }, title: w.command_line });
  const remove = h('button', { type: 'button', class: 'icon-button watch-remove', dataset: { action: 'remove' }, title: 'Remove', 'aria-label': `Remove ${w.name}` }, icon('trash'));
  return h('div', { class: 'watch-actions' }, toggle, edit, copy, remove);
}

/** The card of watch `w`; `list` is the whole reply (who runs the watches). */
export function watchCard(w, list) {
  const elsewhere = w.runner && !list.runs_here && w.state !== 'paused';
  const titleId = `watch-${w.id}-name`;
  return h(
    'li',
    { class: 'watch-card', dataset: { id: w.id, state: w.state, paused: String(Boolean(w.paused)), started: String(Boolean(w.started_at)) }, 'aria-labelledby': titleId },
    h(
      'div',
      { class: 'watch-head' },
      icon(watchStateIcon(w.state), 'watch-state-icon'),
      h('h3', { class: 'watch-name', id: titleId, text: w.name }),
      h('span', { class: 'watch-state-text' }, richText(stateSentence(w, list))),
      elsewhere ? h('span', { class: 'watch-runner', text: `run by ${runnerText(w.runner)}` }) : null,
    ),
    h(
      'dl',
      { class: 'watch-facts' },
      fact('watch-folder', 'Folder', h('span', { class: 'mono', title: w.folder, text: w.folder }), w.recursive ? h('span', { class: 'muted', text: ' and its subfolders' }) : null),
      fact('watch-targets', 'Delivers to', w.destination_names.join(', ')),
      fact('watch-journal', 'Files', ...journalFacts(w)),
      timingFact(w),
      fact('watch-after', 'After delivery', h('span', { dataset: { after: w.after }, text: AFTER_TEXT[w.after] || w.after }), h('span', { class: 'muted', text: ` · delivered once unchanged for ${settleText(w.settle_ms)}` })),
    ),
    diagnosis(w),
    actions(w),
  );
}
