// The connection test's steps as they run (#probe-steps, one
// .probe-step[data-step][data-status] each): every step listed as waiting
// from the start, then each one's status, detail and time as the core
// reports it, the running one's time ticking.

import { $, $all, h, richText } from '../lib/dom.js';
import { icon } from '../lib/icons.js';
import { formatTestTime } from '../lib/format.js';
import { stepLabel, stepOrder } from '../lib/probe-steps.js';
import { statusLabel, stepStatusIcon } from '../lib/status.js';


function stepEl(id, status = 'pending', label = stepLabel(id)) {
  return h(
    'li',
    { class: 'probe-step', dataset: { step: id, status } },
    h('span', { class: 'probe-step-icon' }),
    h('span', { class: 'probe-step-text' }, h('span', { class: 'probe-step-label', text: label }), h('span', { class: 'probe-step-detail' })),
    h('span', { class: 'probe-step-time' }),
    h('span', { class: 'sr-only probe-step-status' }),
  );
}

function updateStep(li, step) {
  const status = step.status || 'pending';
  li.dataset.status = status;
  const iconBox = $('.probe-step-icon', li);
  const name = stepStatusIcon(status);
  iconBox.replaceChildren(name ? icon(name) : h('span', { class: status === 'running' ? 'spinner spinner--small' : 'probe-dot' }));
  if (step.label) $('.probe-step-label', li).textContent = step.label;
  $('.probe-step-detail', li).replaceChildren(richText(status === 'running' ? '' : step.detail || ''));
  $('.probe-step-status', li).textContent = `: ${statusLabel(status)}`;
  const time = $('.probe-step-time', li);
  if (status === 'running') {
    li.dataset.startedAt = String(performance.now());
    time.textContent = '';
  } else {
    delete li.dataset.startedAt;
    time.textContent = status === 'skipped' || status === 'pending' ? '' : formatTestTime(step.duration_ms);
  }
}

/** List every step the test will run (read back only when asked for), none started. */
export function resetSteps(readBack) {
  const ids = stepOrder().filter((id) => id !== 'read_back' || readBack);
  $('#probe-steps').replaceChildren(...ids.map((id) => {
    const li = stepEl(id);
    updateStep(li, { status: 'pending' });
    return li;
  }));
}

/** Show a step's status, detail and time (appended if the list does not have it yet). */
export function showStep(step) {
  const list = $('#probe-steps');
  let li = $(`.probe-step[data-step="${CSS.escape(step.id)}"]`, list);
  if (!li) {
    li = stepEl(step.id);
    list.append(li);
  }
  updateStep(li, step);
}

/** The steps not finished, marked skipped: the test could not run on. */
export function skipUnfinishedSteps(root) {
  for (const li of $all('.probe-step[data-status="running"], .probe-step[data-status="pending"]', root)) {
    updateStep(li, { status: 'skipped', detail: '' });
  }
}

/** The elapsed time of the running step, ticking while it runs. */
export function tickSteps(root) {
  for (const li of $all('.probe-step[data-started-at]', root)) {
    const ms = performance.now() - Number(li.dataset.startedAt);
    if (ms > 300) $('.probe-step-time', li).textContent = formatTestTime(ms);
  }
}
