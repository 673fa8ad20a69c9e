// Entry module: loads app info, the provider catalog and the destinations,
// wires the header, the views (Destinations, Watches, History), shortcuts
// and dialogs, and marks <body data-ready="true"> once the catalog and the
// list are on screen.

import { api, ApiError } from './lib/api.js';
import { setCatalog } from './lib/catalog.js';
import { $, $all, h, isMac } from './lib/dom.js';
import { icons, providerMark } from './lib/icons.js';
import { setupDialog, anyModalOpen } from './components/dialogs.js';
import { toast, errorToast, initToasts } from './components/toast.js';
import { initTooltips } from './components/tooltip.js';
import { initFailures } from './components/recent-problems.js';
import { initForm, openAddForm, openEditForm } from './destinations/form.js';
import { initExisting } from './delivery/existing-objects.js';
import { initList, renderList, setKeychainName, findDestination, listedDestinations, setRowState } from './destinations/list.js';
import { initImport, openImport } from './destinations/import.js';
import { initProbe, testSaved, showStoredProbe } from './destinations/probe.js';
import { initDetails, openDetails, refreshDetails } from './destinations/details.js';
import { initPreview } from './delivery/preview.js';
import { initPresign } from './components/presigned-link.js';
import { initBandwidth, loadBandwidthLimit } from './delivery/bandwidth.js';
import { initDelivery, deliverPaths, deliverFromHistory, resolveExistingFromHistory, resumeInterrupted, offerResume, destinationsChanged } from './delivery/flow.js';
import { initDropzone, openDeliverMenu, takeOpenedPaths } from './delivery/dropzone.js';
import { initPaste } from './delivery/paste.js';
import { initHistory, checkInterrupted, historyChanged, historyDestinationsChanged, openBatch } from './history/history.js';
import { initWatches, watchAFolder } from './watches/watches.js';
import { initViews, registerView, showView } from './components/views.js';
import { RelativeTimes } from './lib/reltime.js';
import { plural } from './lib/format.js';
import { loadFragments } from './lib/fragments.js';

const state = { info: null, destinations: [], initialised: false };

function hydrateStatic() {
  for (const el of $all('[data-icon]')) {
    el.classList.add('icon-wrap');
    el.setAttribute('aria-hidden', 'true');
    el.innerHTML = icons[el.dataset.icon] || '';
  }
  for (const kbd of $all('kbd[data-shortcut]')) {
    kbd.textContent = isMac ? `⌘${kbd.dataset.shortcut}` : `Ctrl+${kbd.dataset.shortcut}`;
    kbd.setAttribute('aria-hidden', 'true');
  }
  for (const d of $all('dialog')) setupDialog(d);
}

function showStatus(info, infoError) {
  const el = $('#app-status');
  if (!info) {
    el.replaceChildren(h('span', { class: 'muted', text: infoError ? `App info unavailable: ${infoError.message}` : '' }));
    return;
  }
  el.replaceChildren(
    h('span', { class: 'status-item', title: 'Where access keys are stored' }, h('span', { class: 'status-dot', 'aria-hidden': 'true' }), h('span', { class: 'muted', text: 'Secrets in ' }), h('span', { id: 'status-keychain', text: info.keychain })),
    h('span', { class: 'status-item status-item--path', title: info.data_dir }, h('span', { class: 'muted', text: 'Data in ' }), h('span', { id: 'status-data-dir', class: 'mono', text: info.data_dir })),
    h('span', { class: 'status-item status-item--version muted', text: `Chute ${info.version}` }),
  );
  for (const el2 of $all('.keychain-name')) el2.textContent = info.keychain;
}

async function reload(opts = {}) {
  const list = await api.listDestinations();
  state.destinations = Array.isArray(list) ? list : [];
  renderList(state.destinations, opts);
  destinationsChanged();
  historyDestinationsChanged();
  return state.destinations;
}

function warningsDetail(warnings) {
  if (!warnings || !warnings.length) return '';
  const first = warnings[0].message;
  return warnings.length === 1 ? `1 warning: ${first}` : `${plural(warnings.length, 'warning')}, e.g. ${first}`;
}

async function afterSave(result, verb) {
  const d = result.destination;
  try {
    await reload({ highlight: d.id });
  } catch (err) {
    toast('The list could not be refreshed', { kind: 'error', detail: err.message, fix: err.fix });
  }
  const warnings = result.warnings || [];
  toast(`${verb} ${d.name}`, { kind: warnings.length ? 'warning' : 'success', detail: warningsDetail(warnings) });
}

function showLoadError(err) {
  $('#loading').hidden = true;
  $('#list-view').hidden = true;
  $('#empty-state').hidden = true;
  $('#load-error').hidden = false;
  $('#load-error-message').textContent = err.message;
  $('#load-error-fix').textContent = err.fix || '';
  $('#load-error').dataset.errorCode = err.code || 'error';
  document.body.dataset.loadError = err.code || 'error';
  for (const id of ['#add-destination', '#import-button']) $(id).disabled = true;
}

async function load() {
  $('#load-error').hidden = true;
  $('#loading').hidden = false;
  delete document.body.dataset.loadError;
  for (const id of ['#add-destination', '#import-button']) $(id).disabled = false;
  const infoP = api.appInfo().then((info) => ({ info }), (error) => ({ error }));
  try {
    const { info, error } = await infoP;
    // The database could not be opened (e.g. it is from a newer Chute).
    if (info && info.startup_error) {
      showStatus(info);
      throw new ApiError(info.startup_error);
    }
    const [catalog, list] = await Promise.all([api.catalog(), api.listDestinations()]);
    state.info = info || null;
    showStatus(info, error);
    const keychain = info ? info.keychain : 'the system keychain';
    setKeychainName(keychain);
    if (!state.initialised) {
      setCatalog(catalog);
      initForm({ info: { keychain }, onSaved: (res) => afterSave(res, 'Saved') });
      initExisting();
      initImport({ onImported: (res) => afterSave(res, 'Imported'), onAddManually: () => openAddForm($('#add-destination')) });
      $('#empty-marks').replaceChildren(...catalog.providers.map(providerChip));
      state.initialised = true;
      // Rights on the data folder tightened at start: said once.
      if (info && info.notices && info.notices.length) {
        toast('Your Chute data was open to other users', { kind: 'warning', detail: info.notices.join('\n') });
      }
    }
    state.destinations = list;
    loadBandwidthLimit();
    $('#loading').hidden = true;
    renderList(list);
    document.body.dataset.ready = 'true';
    checkInterrupted();
    takeOpenedPaths();
  } catch (err) {
    showLoadError(err);
  }
}

/** A provider on the empty screen: starts the form with that provider chosen. */
function providerChip(p) {
  const button = h(
    'button',
    { type: 'button', class: 'provider-chip', dataset: { provider: p.id }, 'aria-label': `Add a ${p.label} destination` },
    providerMark(p.id, 'sm'),
    h('span', { text: p.label }),
  );
  button.addEventListener('click', () => canAct() && openAddForm(button, { provider: p.id }));
  return h('li', {}, button);
}

/** Resume a paused destination; resolves it as it is now. */
async function resumeDestination(d) {
  await api.setDestinationActive(d.id, true);
  await reload({ highlight: d.id });
  return findDestination(d.id);
}

function canAct() {
  return state.initialised && !anyModalOpen();
}

function wire() {
  const add = (e) => canAct() && openAddForm(e.currentTarget);
  const imp = (e) => canAct() && openImport(e.currentTarget);
  $('#add-destination').addEventListener('click', add);
  $('#add-first').addEventListener('click', add);
  $('#import-button').addEventListener('click', imp);
  $('#import-first').addEventListener('click', imp);
  $('#retry-load').addEventListener('click', load);

  initList({
    onEdit: (d, opener) => canAct() && openEditForm(d, opener),
    onTest: (d, opener) => canAct() && testSaved(d, opener),
    onDetails: (d, opener) => canAct() && openDetails(d, opener),
    onDeliver: async (d, opener) => {
      if (!canAct()) return;
      if (!d.active) {
        // Visibly unavailable while paused; the click offers to resume it.
        const resumed = await offerResume(d);
        if (!resumed) return;
        d = resumed;
        opener = $(`.destination-row[data-id="${CSS.escape(d.id)}"] .row-action--deliver`) || opener;
      }
      openDeliverMenu(d, opener);
    },
    onLastTest: async (d, opener) => {
      if (!canAct()) return;
      try {
        const [probe] = await api.listProbes(d.id, 1);
        if (probe) showStoredProbe(d, probe, opener);
      } catch (err) {
        errorToast(err, 'Could not open the last test');
      }
    },
    onChanged: () => {
      destinationsChanged();
      historyDestinationsChanged();
    },
    reload,
  });

  initPreview();
  initPresign();
  initBandwidth();
  initDelivery({
    find: findDestination,
    destinations: listedDestinations,
    setRowState,
    onBatchEnded: () => historyChanged(),
    resume: resumeDestination,
    onEditDestination: (d) => {
      const dest = findDestination(d.id) || d;
      openEditForm(dest, $(`.destination-row[data-id="${CSS.escape(dest.id)}"] .row-action--edit`));
      // Straight to the key template, the usual cause of collisions.
      requestAnimationFrame(() => {
        const input = $('#f-key_template');
        input.scrollIntoView({ block: 'center' });
        input.focus();
      });
    },
  });
  initDropzone({
    destinations: listedDestinations,
    find: findDestination,
    deliver: (d, paths, opener, origin = 'drop') => deliverPaths(d, paths, { returnFocus: opener, origin }),
    offerResume,
    onAdd: () => canAct() && openAddForm($('#add-destination')),
  });
  initPaste();
  initHistory({ destinations: listedDestinations, find: findDestination, deliverFromHistory, resolveExisting: resolveExistingFromHistory, resumeInterrupted, resume: resumeDestination });
  // The tray's "Recent deliveries": that delivery in the History.
  api.onOpenBatch((id) => {
    if (typeof id === 'string' && state.initialised) openBatch(id);
  });
  initProbe({
    reload: async (opts) => {
      await reload(opts);
      for (const d of state.destinations) refreshDetails(d.id);
    },
    onTested: (id) => {
      // The card says when the last test failed: show the new one.
      reload().catch(() => {});
      refreshDetails(id);
    },
    onEditSaved: (d, field) => {
      const dest = findDestination(d.id) || d;
      openEditForm(dest, $(`.destination-row[data-id="${CSS.escape(dest.id)}"] .row-action--edit`), { field });
    },
  });
  initDetails({
    find: findDestination,
    onTest: (d, opener) => testSaved(findDestination(d.id) || d, opener),
    onShowProbe: (d, probe, opener) => showStoredProbe(findDestination(d.id) || d, probe, opener),
    onEdit: (d) => openEditForm(findDestination(d.id) || d, $(`.destination-row[data-id="${CSS.escape(d.id)}"] .row-action--edit`)),
    onShowHistory: () => showView('history'),
    onWatch: (d) => watchAFolder($(`.destination-row[data-id="${CSS.escape(d.id)}"] .dest-name`), d.id),
    // Measured again: the list holds the observations; the sheet shows them.
    onMeasured: (id) => reload().then(() => refreshDetails(id), () => {}),
  });
  initWatches({
    destinations: listedDestinations,
    canAct,
    // What the watches delivered shows in the History as it lands.
    onDelivered: () => historyChanged(),
    onAddDestination: () => canAct() && openAddForm($('#add-destination')),
  });
  registerView('destinations', {
    title: 'Destinations',
    onShow: (focus) => focus && requestAnimationFrame(() => $('#main').focus({ preventScroll: true })),
  });
  initViews();
  // Relative times stay true in every view (the History, the banner, the watches).
  new RelativeTimes($('#main')).start();

  document.addEventListener('keydown', (e) => {
    const mod = isMac ? e.metaKey : e.ctrlKey;
    if (mod && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'n') {
      e.preventDefault(); // also stops the webview opening a new window
      if (canAct()) openAddForm($('#add-destination'));
    }
  });
}

initTooltips();
initToasts();
try {
  await loadFragments();
  initFailures();
  hydrateStatic();
  wire();
  load();
} catch (err) {
  // A damaged installation: the window cannot work without its dialogs.
  hydrateStatic();
  $('#retry-load').hidden = true;
  showLoadError({ code: 'window_incomplete', message: `Part of Chute's window is missing: ${err.message}.`, fix: 'Reinstall Chute; if it keeps happening, report it.' });
}
