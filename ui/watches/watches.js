// The Watches view (#watches-view): every watched folder as a card
// (card.js), who runs the watches (#watches-runner: this window, or
// `chute watch run` until it stops and this window takes over), the
// empty state (#watches-empty) offering "Watch a folder…", and each
// card's actions: pause or resume, edit (form.js), copy its command line,
// remove (after a confirmation saying what stays); which events notify
// (settings.js) and the question asked when the window closes on active
// watches (closing.js).
//
// The cards follow the runner's events (`watch-event`, at most every
// 500 ms) and, while the view is shown, are looked at again every two
// seconds (another runner's deliveries raise no event here); they are
// redrawn only when something changed.
//
// Hooks: #nav-watches, #watch-list, .watch-card[data-id][data-state],
// #watch-add, #watch-add-first, #watches-runner, #watch-dialog.

import { api } from '../lib/api.js';
import { $, h, richText, throttle } from '../lib/dom.js';
import { icon } from '../lib/icons.js';
import { plural } from '../lib/format.js';
import { clockText } from '../lib/reltime.js';
import { registerView, showView, currentView } from '../components/views.js';
import { confirmAction } from '../components/dialogs.js';
import { toast, errorToast } from '../components/toast.js';
import { showErrorBanner } from '../components/error-banner.js';
import { watchCard, runnerText } from './card.js';
import { initWatchForm, openAddWatch, openEditWatch } from './form.js';
import { initClosing } from './closing.js';
import { initWatchSettings, loadWatchSettings, renderRemembered } from './settings.js';

const LOOK_AGAIN_EVERY = 2000;
const REFRESH_AT_MOST_EVERY = 500;

let hooks = { destinations: () => [], canAct: () => true, onDelivered: () => {}, onAddDestination: () => {} };
const state = { list: null, drawn: '', seq: 0, timer: 0 };

/* ---------- loading and drawing ---------- */

export async function reloadWatches() {
  const seq = ++state.seq;
  try {
    const list = await api.listWatches();
    if (seq !== state.seq) return;
    state.list = list;
    $('#watches-error').hidden = true;
    render();
  } catch (err) {
    if (seq !== state.seq) return;
    showErrorBanner($('#watches-error'), err);
  }
}

const refreshSoon = throttle(() => {
  if (currentView() === 'watches') reloadWatches();
}, REFRESH_AT_MOST_EVERY);

function find(id) {
  return (state.list && state.list.watches.find((w) => w.id === id)) || null;
}

/** Who runs the watches, said once above the cards. */
function renderRunner(list) {
  const line = $('#watches-runner');
  const runner = list.watches.map((w) => w.runner).find(Boolean);
  let text = '';
  if (list.runs_here) text = 'This window runs the watches while it is open.';
  else if (runner) text = `Watches are run by \`${runnerText(runner)}\` since ${clockText(runner.since)}. This window takes them over when it stops.`;
  else if (!list.runner_problem && list.watches.some((w) => !w.paused)) text = 'Nothing runs the watches at this moment: this window takes them over within seconds.';
  line.dataset.runner = list.runs_here ? 'here' : runner ? 'elsewhere' : 'none';
  line.replaceChildren(icon(list.runs_here ? 'check' : 'info'), h('span', {}, richText(text)));
  line.hidden = !text || !list.watches.length;
  const problem = $('#watches-runner-problem');
  if (list.runner_problem) showErrorBanner(problem, list.runner_problem);
  else problem.hidden = true;
}

function render() {
  const list = state.list;
  const drawn = JSON.stringify(list);
  if (drawn === state.drawn) return;
  state.drawn = drawn;
  const active = document.activeElement;
  const card = active && active.closest && active.closest('.watch-card');
  const focusKey = card ? { id: card.dataset.id, action: active.dataset.action } : null;

  const empty = list.watches.length === 0;
  $('#watches-heading').hidden = empty;
  $('#watch-list').hidden = empty;
  $('#watches-empty').hidden = !empty;
  // Notifications and start at login concern every delivery: shown with no watch too.
  $('#watches-settings').hidden = false;
  $('#watch-list').replaceChildren(...list.watches.map((w) => watchCard(w, list)));
  $('#watches-count').textContent = String(list.watches.length);
  const paused = list.watches.filter((w) => w.paused).length;
  const troubled = list.watches.filter((w) => w.state === 'stopped' || w.state === 'retrying').length;
  $('#watches-summary').textContent = [paused ? `${paused} paused` : '', troubled ? `${plural(troubled, 'needs', 'need')} attention` : ''].filter(Boolean).join(' · ');
  renderRunner(list);

  if (focusKey) {
    const again = $(`.watch-card[data-id="${CSS.escape(focusKey.id)}"]`);
    const target = again && (again.querySelector(`[data-action="${focusKey.action}"]`) || again.querySelector('[data-action]'));
    if (target) target.focus();
  }
}

/* ---------- actions ---------- */

function focusAction(id, action) {
  const target = $(`.watch-card[data-id="${CSS.escape(id)}"] [data-action="${action}"]`);
  if (target) requestAnimationFrame(() => target.focus());
}

async function withBusy(button, fn) {
  button.disabled = true;
  button.classList.add('is-busy');
  try {
    await fn();
  } finally {
    if (button.isConnected) {
      button.disabled = false;
      button.classList.remove('is-busy');
    }
  }
}

async function toggle(w, button) {
  await withBusy(button, async () => {
    try {
      await api.setWatchPaused(w.id, !w.paused);
      toast(w.paused ? `Resumed “${w.name}”` : `Paused “${w.name}”`, {
        detail: w.paused ? 'Files that landed meanwhile are delivered once they settle.' : 'Nothing is delivered until you resume it; files that land meanwhile are delivered then.',
      });
    } catch (err) {
      errorToast(err, `Could not ${w.paused ? 'resume' : 'pause'} “${w.name}”`);
    }
  });
  await reloadWatches();
  focusAction(w.id, 'toggle');
}

async function remove(w, button) {
  const removed = await confirmAction({
    title: `Remove the watch “${w.name}”?`,
    body: 'Chute stops watching this folder and forgets what it noted about its files.',
    details: [
      `Untouched: the folder \`${w.folder}\` and every file in it.`,
      `Untouched: the objects already delivered to ${w.destination_names.join(', ')}.`,
      'Kept: its deliveries in the History.',
    ],
    confirmLabel: 'Remove watch',
    returnFocus: button,
    action: () => api.removeWatch(w.id),
  });
  if (!removed) return;
  toast(`Removed the watch “${w.name}”`, { detail: 'The folder, the delivered objects and the history stay.' });
  await reloadWatches();
  const next = $('#watch-list .watch-card [data-action="edit"]') || $('#watch-add-first');
  if (next) requestAnimationFrame(() => next.focus());
}

function onListClick(e) {
  const button = e.target.closest('button[data-action]');
  const card = e.target.closest('.watch-card');
  if (!button || !card || !hooks.canAct()) return;
  const w = find(card.dataset.id);
  if (!w) return;
  const action = button.dataset.action;
  if (action === 'toggle') toggle(w, button);
  else if (action === 'edit') openEditWatch(w, button);
  else if (action === 'remove') remove(w, button);
}

/* ---------- opening the form ---------- */

async function afterSaved(w, { created }) {
  showView('watches', { focus: false });
  await reloadWatches();
  const detail = w.paused
    ? 'Paused: resume it to start delivering.'
    : w.existing === 'deliver' && created
      ? 'The files already in the folder are delivered first, then every new one.'
      : 'Files that land in the folder are delivered once they have stopped changing.';
  toast(created ? `Watching “${w.name}”` : `Saved “${w.name}”`, { kind: 'success', detail: created ? detail : '' });
  focusAction(w.id, 'edit');
}

/** "Watch a folder…": the form, with `destinationId` chosen when given (a destination's details). */
export function watchAFolder(opener, destinationId = null) {
  if (!hooks.canAct()) return;
  openAddWatch(opener, { destinationId });
}

/* ---------- the view ---------- */

async function onShow(focus) {
  clearInterval(state.timer);
  state.timer = setInterval(() => {
    if (!document.hidden) reloadWatches();
  }, LOOK_AGAIN_EVERY);
  await Promise.all([reloadWatches(), loadWatchSettings()]);
  // Once drawn: "Watch a folder…" of the list, or of the empty state.
  if (focus && currentView() === 'watches') ($('#watches-heading').hidden ? $('#watch-add-first') : $('#watch-add')).focus();
}

const deliveredSoon = throttle(() => hooks.onDelivered(), 1000);

function onEvent(e) {
  refreshSoon();
  if (e && (e.event === 'delivered' || e.event === 'failed')) deliveredSoon();
}

export function initWatches(opts) {
  hooks = { ...hooks, ...opts };
  initWatchForm({ destinations: hooks.destinations, onSaved: afterSaved, onAddDestination: hooks.onAddDestination });
  registerView('watches', { title: 'Watches', section: $('#watches-view'), onShow, onHide: () => clearInterval(state.timer) });
  $('#watch-list').addEventListener('click', onListClick);
  $('#watch-add').addEventListener('click', (e) => watchAFolder(e.currentTarget));
  $('#watch-add-first').addEventListener('click', (e) => watchAFolder(e.currentTarget));
  api.onWatchEvent(onEvent);
  initWatchSettings();
  initClosing({ onRememberedChange: renderRemembered });
}
