// Closing the window while it runs active watches (#close-dialog): the
// shell asks (`close-asked`, with the watches' names) and this asks the
// person. "Keep delivering in the background" (#close-keep): the headless
// agent takes the watches over, then the app quits; if it cannot start,
// why is shown here (#close-error) and the window stays open. "Stop
// watching" (#close-stop): the window closes, the watches wait for the
// next runner. "Cancel" (or Escape): nothing happens. "Don't ask again"
// (#close-remember) keeps the answer in this window's localStorage; the
// Watches view says so and offers to ask again (settings.js).

import { api } from '../lib/api.js';
import { $, h, richText } from '../lib/dom.js';
import { plural } from '../lib/format.js';
import { openModal } from '../components/dialogs.js';
import { showErrorBanner } from '../components/error-banner.js';

const REMEMBERED = 'chute.closeWithActiveWatches';
const ANSWERS = ['keep_delivering', 'stop_watching'];
let onRememberedChange = () => {};
let answering = false;

/** The answer given once for all, or null when closing asks. */
export function rememberedCloseAnswer() {
  try {
    const answer = localStorage.getItem(REMEMBERED);
    return ANSWERS.includes(answer) ? answer : null;
  } catch {
    return null;
  }
}

function remember(answer) {
  try {
    if (answer) localStorage.setItem(REMEMBERED, answer);
    else localStorage.removeItem(REMEMBERED);
  } catch {
    /* no storage: it asks every time */
  }
  onRememberedChange();
}

/** Ask again when the window closes on active watches. */
export function forgetCloseAnswer() {
  remember(null);
}

function setBusy(button) {
  for (const b of [$('#close-keep'), $('#close-stop'), $('#close-cancel')]) b.disabled = Boolean(button);
  $('#close-keep').classList.toggle('is-busy', button === $('#close-keep'));
}

/** Send the answer; the app quits unless the agent could not start (then said in the dialog, opened if need be). */
async function answer(choice, names) {
  if (answering) return;
  answering = true;
  const dialog = $('#close-dialog');
  const wasRemembered = rememberedCloseAnswer();
  if (dialog.open && $('#close-remember').checked) remember(choice);
  setBusy(choice === 'keep_delivering' ? $('#close-keep') : $('#close-stop'));
  try {
    await api.answerClose(choice);
  } catch (err) {
    // Asked again next time: this answer did not work.
    if (!wasRemembered || wasRemembered === choice) remember(null);
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
  api.onCloseAsked((active) => {
    names = Array.isArray(active) ? active : [];
    onCloseAsked(names);
  });
  $('#close-keep').addEventListener('click', () => answer('keep_delivering', names));
  $('#close-stop').addEventListener('click', () => answer('stop_watching', names));
}
