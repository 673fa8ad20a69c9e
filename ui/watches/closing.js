// Closing the window while it runs active watches (#close-dialog): the
// shell asks (`close-asked`, with the watches' names) and this asks the
// person. "Keep delivering in the background" (#close-keep): the headless
// agent takes the watches over, then the app quits; if it cannot start,
// why is shown here (#close-error) and the window stays open. "Stop
// watching" (#close-stop): the window closes, the watches wait for the
// next runner. "Keep Chute in the tray" (#close-tray): the window hides
// and goes on running the watches; the tray (or opening Chute again)
// brings it back; without a tray icon, why is shown here. "Cancel" (or
// Escape): nothing happens. "Don't ask again" (#close-remember) keeps the
// answer in the core's settings (an answer older windows kept in
// localStorage is moved there); the Watches view says so and offers to
// ask again (settings.js).

import { api } from '../lib/api.js';
import { $, h, richText } from '../lib/dom.js';
import { plural } from '../lib/format.js';
import { openModal } from '../components/dialogs.js';
import { showErrorBanner } from '../components/error-banner.js';
import { errorToast } from '../components/toast.js';

/** Where windows before the core kept it. */
const OLD_REMEMBERED = 'chute.closeWithActiveWatches';
const ANSWERS = ['keep_in_tray', 'keep_delivering', 'stop_watching'];
const BUTTONS = { keep_in_tray: '#close-tray', keep_delivering: '#close-keep', stop_watching: '#close-stop' };
let onRememberedChange = () => {};
let answering = false;
let remembered = null;

/** The answer given once for all, or null when closing asks. */
export function rememberedCloseAnswer() {
  return remembered;
}

async function remember(answer) {
  try {
    remembered = await api.setCloseAnswer(answer);
  } catch (err) {
    errorToast(err, answer ? 'Could not remember the answer' : 'Could not forget the answer');
  }
  onRememberedChange();
}

/** The remembered answer, from the core; one an older window kept in its storage moves there. */
async function loadRemembered() {
  try {
    remembered = await api.closeAnswer();
    let old = null;
    try {
      old = localStorage.getItem(OLD_REMEMBERED);
      localStorage.removeItem(OLD_REMEMBERED);
    } catch {
      /* no storage: nothing to move */
    }
    if (!remembered && ANSWERS.includes(old)) remembered = await api.setCloseAnswer(old);
  } catch (err) {
    errorToast(err, 'Could not read what closing the window does');
  }
  onRememberedChange();
}

/** Ask again when the window closes on active watches. */
export function forgetCloseAnswer() {
  return remember(null);
}

function setBusy(button) {
  for (const b of [$('#close-keep'), $('#close-tray'), $('#close-stop'), $('#close-cancel')]) b.disabled = Boolean(button);
  for (const b of [$('#close-keep'), $('#close-tray')]) b.classList.toggle('is-busy', button === b);
}

/** Send the answer; the app quits unless the agent could not start (then said in the dialog, opened if need be). */
async function answer(choice, names) {
  if (answering) return;
  answering = true;
  const dialog = $('#close-dialog');
  const wasRemembered = rememberedCloseAnswer();
  setBusy($(BUTTONS[choice]));
  try {
    if (dialog.open && $('#close-remember').checked) await remember(choice);
    await api.answerClose(choice);
    // Kept in the tray: the window is hidden, the question done with.
    if (choice === 'keep_in_tray' && dialog.open) dialog.close();
    setBusy(null);
  } catch (err) {
    // Asked again next time: this answer did not work.
    if (!wasRemembered || wasRemembered === choice) await remember(null);
    if (!dialog.open) ask(names);
    showErrorBanner($('#close-error'), err);
    setBusy(null);
    $('#close-keep').focus();
  } finally {
    answering = false;
  }
}

function ask(names) {
  const dialog = $('#close-dialog');
  if (dialog.open) return;
  const list = names.map((n) => `“${n}”`).join(', ');
  $('#close-body').replaceChildren(
    h('p', {}, richText(`This window runs ${plural(names.length, 'active watch', 'active watches')}: ${list}. Closing the window stops watching unless the background agent takes over.`)),
    h(
      'ul',
      { class: 'confirm-details' },
      h('li', {}, richText('Keep delivering in the background: `chute watch run` takes the watches over and goes on after the window closes (its output goes to `watch-agent.log` in Chute’s data folder). It runs until it is stopped; Chute’s Watches view names it, with its pid.')),
      h('li', {}, richText('Keep Chute in the tray: the window hides and goes on running the watches; Chute’s tray icon (Open Chute), or opening Chute again, brings it back, and the tray’s Quit ends it.')),
      h('li', {}, richText('Stop watching: nothing is delivered until Chute or `chute watch run` runs again; files that land meanwhile are delivered then.')),
    ),
  );
  $('#close-remember').checked = false;
  $('#close-error').hidden = true;
  setBusy(null);
  openModal(dialog, { focus: $('#close-keep') });
}

function onCloseAsked(names) {
  const remembered = rememberedCloseAnswer();
  if (remembered) answer(remembered, names);
  else ask(names);
}

/** opts.onRememberedChange: the remembered answer was set or forgotten. */
export function initClosing(opts = {}) {
  onRememberedChange = opts.onRememberedChange || onRememberedChange;
  let names = [];
  // The question is listened for once the remembered answer is known.
  loadRemembered().then(() =>
    api.onCloseAsked((active) => {
      names = Array.isArray(active) ? active : [];
      onCloseAsked(names);
    }),
  );
  $('#close-keep').addEventListener('click', () => answer('keep_delivering', names));
  $('#close-tray').addEventListener('click', () => answer('keep_in_tray', names));
  $('#close-stop').addEventListener('click', () => answer('stop_watching', names));
}
