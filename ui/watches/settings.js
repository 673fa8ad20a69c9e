// The Watches view's settings line (#watches-settings): which watch events
// send a desktop notification (#watch-notify: off, errors only, every
// delivery; kept by the core), and, once closing the window was answered
// for good, that answer with a way to be asked again
// (#watch-close-remembered).

import { api } from '../lib/api.js';
import { $, h } from '../lib/dom.js';
import { toast, errorToast } from '../components/toast.js';
import { rememberedCloseAnswer, forgetCloseAnswer } from './closing.js';

const NOTIFY_TEXT = { off: 'Notifications off', errors: 'Notifications for errors only', every: 'Notifications for every delivery' };
const CLOSE_TEXT = { keep_delivering: 'keeps delivering in the background', stop_watching: 'stops watching' };
let shown = 'errors';

/** The stored setting, into the select. */
export async function loadWatchSettings() {
  try {
    shown = await api.watchNotifications();
    $('#watch-notify').value = shown;
  } catch (err) {
    errorToast(err, 'Could not read the notification setting');
  }
  renderRemembered();
}

async function onNotifyChange(e) {
  const select = e.currentTarget;
  const wanted = select.value;
  try {
    shown = await api.setWatchNotifications(wanted);
    toast(NOTIFY_TEXT[shown], { kind: 'success' });
  } catch (err) {
    select.value = shown;
    errorToast(err, 'Could not change the notification setting');
  }
}

/** "Closing the window keeps delivering in the background · Ask again", when answered for good. */
export function renderRemembered() {
  const box = $('#watch-close-remembered');
  const answer = rememberedCloseAnswer();
  box.hidden = !answer;
  if (!answer) return box.replaceChildren();
  const again = h('button', { type: 'button', class: 'link-button', id: 'watch-close-ask-again' }, 'Ask again');
  again.addEventListener('click', () => {
    forgetCloseAnswer();
    toast('Closing the window with active watches asks again', { kind: 'success' });
    $('#watch-notify').focus();
  });
  box.replaceChildren(`Closing the window ${CLOSE_TEXT[answer]} · `, again);
}

export function initWatchSettings() {
  $('#watch-notify').addEventListener('change', onNotifyChange);
}
