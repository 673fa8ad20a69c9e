// The History's filters (#history-filters): search, destination, status and
// dates, and one drop's deliveries only ("Show the whole drop", undone by
// #history-drop-clear), read as the filter the core queries with, checked
// (a "From" after the "To" is no filter), and wired so any change reloads
// the list.

import { $, h, debounce } from '../lib/dom.js';
import { hooks } from './state.js';
import { BATCH_FILTERS, statusLabel } from '../lib/status.js';

const CONTROLS = ['#history-search', '#history-destination', '#history-status', '#history-from', '#history-to'];
const lastValues = {}; // filter control -> value last applied
let group = null; // "Show the whole drop": the group listed alone
let changed = () => {};

/** The destination filter lists the destinations as they are now. */
export function fillDestinations() {
  const select = $('#history-destination');
  const current = select.value;
  const list = hooks.destinations() || [];
  select.replaceChildren(h('option', { value: '', text: 'All destinations' }), ...list.map((d) => h('option', { value: d.id, text: d.name })));
  // A filter on a deleted destination stays until changed.
  if (current && !list.some((d) => d.id === current)) select.append(h('option', { value: current, text: 'Deleted destination' }));
  select.value = current;
}

function dayStart(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || '');
  if (!m) return null;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime();
}

/** The filters as the core takes them ({destination_id?, status?, search?, from?, to?}). */
export function currentFilter() {
  const f = {};
  const dest = $('#history-destination').value;
  const status = $('#history-status').value;
  const search = $('#history-search').value.trim();
  const from = dayStart($('#history-from').value);
  const toDay = dayStart($('#history-to').value);
  if (dest) f.destination_id = dest;
  if (group) f.group_id = group;
  if (status) f.status = status;
  if (search) f.search = search;
  if (from !== null) f.from = from;
  if (toDay !== null) f.to = toDay + 24 * 3600 * 1000 - 1;
  return f;
}

export function filtersActive() {
  const f = currentFilter();
  return Object.keys(f).length > 0;
}

/** Whether the dates make a filter (each valid, "From" not after "To"); marks the ones that do not. */
export function validDates() {
  const from = $('#history-from');
  const to = $('#history-to');
  let ok = true;
  for (const el of [from, to]) {
    const bad = el.value !== '' && dayStart(el.value) === null;
    el.setAttribute('aria-invalid', String(bad));
    if (bad) ok = false;
  }
  const a = dayStart(from.value);
  const b = dayStart(to.value);
  if (a !== null && b !== null && a > b) {
    to.setAttribute('aria-invalid', 'true');
    ok = false;
  }
  return ok;
}

/** The drop listed alone, or null. */
export function currentGroup() {
  return group;
}

/** List only the deliveries of one drop, all of them: the other filters are cleared (`null`: every delivery again). */
export function showGroup(id) {
  group = id || null;
  if (group) clearControls();
  $('#history-drop-filter').hidden = !group;
  changed();
}

/** The search typed, as the file lists of the selected delivery use it. */
export function currentSearch() {
  return $('#history-search').value.trim();
}

function clearControls() {
  for (const id of CONTROLS) {
    $(id).value = '';
    lastValues[id] = '';
  }
}

/** Any change of a filter calls `onChange` (the search once typing pauses, or on Enter). */
export function initFilters(onChange) {
  changed = onChange;
  $('#history-drop-clear').addEventListener('click', () => {
    showGroup(null);
    $('#history-list').focus({ preventScroll: true });
  });
  $('#history-status').append(...BATCH_FILTERS.map((s) => h('option', { value: s, text: statusLabel(s) })));
  // The details follow: a selection the search hides is cleared, a shown one lists the matching files.
  const search = debounce(onChange, 300);
  $('#history-search').addEventListener('input', search);
  $('#history-search').addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      search.cancel();
      onChange();
    }
  });
  for (const id of CONTROLS.slice(1)) {
    const changed = () => {
      if ($(id).value === lastValues[id]) return; // 'input' and 'change' both fire
      lastValues[id] = $(id).value;
      onChange();
    };
    $(id).addEventListener('change', changed);
    $(id).addEventListener('input', changed);
  }
  $('#history-filters').addEventListener('submit', (e) => e.preventDefault());
  $('#history-clear').addEventListener('click', () => {
    clearControls();
    group = null;
    $('#history-drop-filter').hidden = true;
    onChange();
    $('#history-search').focus();
  });
}
