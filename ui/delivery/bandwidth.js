// The overall bandwidth limit every delivery and watch shares, set from
// the header (#bandwidth-button, which always says the limit in force)
// in a small dialog (#bandwidth-dialog). The core reads and checks what is
// typed (500 KB/s, 2 MB/s, 2M; KB and MB are 1,024-based, as speeds are
// shown); a refusal is shown under the field with its fix.

import { api } from '../lib/api.js';
import { $ } from '../lib/dom.js';
import { formatRate } from '../lib/format.js';
import { openModal, closeModal } from '../components/dialogs.js';
import { renderProblems } from '../components/field-problems.js';
import { showErrorBanner } from '../components/error-banner.js';
import { toast, errorToast } from '../components/toast.js';

let current = null; // bytes per second, or null for no limit

/** The header button's words (short, the header is narrow): the limit in force, or that there is none. */
function renderButton() {
  $('#bandwidth-label').textContent = current ? `Max ${formatRate(current)}` : 'No limit';
  $('#bandwidth-button').dataset.limited = current ? 'true' : 'false';
  const said = current ? `Deliveries limited to ${formatRate(current)} in all` : 'No overall bandwidth limit';
  $('#bandwidth-button').setAttribute('aria-label', `${said}: change the overall bandwidth limit`);
}

/** Read the limit kept by the core. */
export async function loadBandwidthLimit() {
  try {
    current = await api.bandwidthLimit();
  } catch (err) {
    errorToast(err, 'Could not read the bandwidth limit');
  }
  renderButton();
}

function openDialog() {
  const form = $('#bandwidth-form');
  form.reset();
  renderProblems(form, []);
  $('#bandwidth-error').hidden = true;
  form.elements.bandwidth_limit.value = current ? formatRate(current) : '';
  $('#bandwidth-remove').hidden = !current;
  openModal($('#bandwidth-dialog'), { focus: form.elements.bandwidth_limit, returnFocus: $('#bandwidth-button') });
  form.elements.bandwidth_limit.select();
}

async function save(text) {
  const form = $('#bandwidth-form');
  const button = $('#bandwidth-save');
  button.disabled = true;
  $('#bandwidth-error').hidden = true;
  try {
    current = await api.setBandwidthLimit(text);
    renderButton();
    closeModal($('#bandwidth-dialog'));
    toast(current ? `Deliveries limited to ${formatRate(current)} in all` : 'No bandwidth limit: deliveries go at full speed', { kind: 'success' });
  } catch (err) {
    if (err.field === 'bandwidth_limit') {
      renderProblems(form, [{ field: 'bandwidth_limit', severity: 'error', code: err.code, message: err.message, fix: err.fix }]);
      form.elements.bandwidth_limit.focus();
    } else {
      showErrorBanner($('#bandwidth-error'), err);
    }
  } finally {
    button.disabled = false;
  }
}

export function initBandwidth() {
  $('#bandwidth-button').addEventListener('click', openDialog);
  $('#bandwidth-form').addEventListener('submit', (e) => {
    e.preventDefault();
    save($('#bandwidth-form').elements.bandwidth_limit.value);
  });
  $('#bandwidth-form').addEventListener('input', () => renderProblems($('#bandwidth-form'), []));
  $('#bandwidth-remove').addEventListener('click', () => save(''));
  renderButton();
}
