// The Watches view's settings line (#watches-settings): which desktop
// notifications Chute sends (#watch-notify: off, errors only, every
// delivery; for watched folders and long deliveries; kept by the core),
// starting at login, hidden in the tray (#start-at-login; disabled where
// the system does not support it), and, once closing the window was
// answered for good, that answer with a way to be asked again
// (#watch-close-remembered).

import { api } from '../lib/api.js';
import { $, h } from '../lib/dom.js';
import { toast, errorToast } from '../components/toast.js';
import { rememberedCloseAnswer, forgetCloseAnswer } from './closing.js';

const NOTIFY_TEXT = { off: 'Notifications off', errors: 'Notifications for errors only', every: 'Notifications for every delivery' };
const CLOSE_TEXT = { keep_in_tray: 'keeps Chute in the tray', keep_delivering: 'keeps delivering in the background', stop_watching: 'stops watching' };
let shown = 'errors';

/** The stored settings, into the select and the checkbox. */
export async function loadWatchSettings() {
  try {
    shown = await api.notifications();
    $('#watch-notify').value = shown;
  } catch (err) {
    errorToast(err, 'Could not read the notification setting');
  }
  await loadStartAtLogin();
  renderRemembered();
}

async function loadStartAtLogin() {
  const box = $('#start-at-login');
  try {
    const on = await api.startAtLogin();
    box.checked = Boolean(on);
    box.disabled = on === null;
    if (on === null) box.nextSibling.textContent = ' Start at login (not available on this system: add Chute to your login items by hand)';
  } catch (err) {
    errorToast(err, 'Could not read whether Chute starts at login');
  }
}

async function onStartAtLoginChange(e) {
  const box = e.currentTarget;
  try {
    box.checked = await api.setStartAtLogin(box.checked);
    toast(box.checked ? 'Chute starts at login, in the tray' : 'Chute no longer starts at login', { kind: 'success' });
  } catch (err) {
    box.checked = !box.checked;
    errorToast(err, 'Could not change starting at login');
  }
}

async function onNotifyChange(e) {
  const select = e.currentTarget;
  const wanted = select.value;
  try {
    shown = await api.setNotifications(wanted);
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
  again.addEventListener('click', async () => {
    await forgetCloseAnswer();
    toast('Closing the window with active watches asks again', { kind: 'success' });
    $('#watch-notify').focus();
  });
  box.replaceChildren(`Closing the window ${CLOSE_TEXT[answer]} · `, again);
}

export function initWatchSettings() {
  $('#watch-notify').addEventListener('change', onNotifyChange);
  $('#start-at-login').addEventListener('change', onStartAtLoginChange);
}
