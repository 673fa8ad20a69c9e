// The only module that talks to the Rust side. Every call returns the
// reply or throws an ApiError carrying {code, message, fix, field, problems}.
// Arguments are never logged: some of them carry a secret on its way to
// the keychain.

export class ApiError extends Error {
  constructor({ code = 'error', message = 'Something went wrong.', fix = '', field = null, problems = [] } = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.fix = fix;
    this.field = field;
    this.problems = Array.isArray(problems) ? problems : [];
  }
}

function toApiError(err) {
  if (err instanceof ApiError) return err;
  if (err && typeof err === 'object' && typeof err.message === 'string') {
    return new ApiError({ code: err.code, message: err.message, fix: err.fix, field: err.field, problems: err.problems });
  }
  if (typeof err === 'string' && err) {
    return new ApiError({ code: 'error', message: err, fix: 'Try again. If it keeps happening, restart Chute.' });
  }
  return new ApiError({ code: 'error', message: 'Chute’s backend reported an unknown error.', fix: 'Try again. If it keeps happening, restart Chute.' });
}

async function call(command, args) {
  const core = window.__TAURI__ && window.__TAURI__.core;
  if (!core || typeof core.invoke !== 'function') {
    throw new ApiError({
      code: 'no_backend',
      message: 'Chute’s backend is not reachable from this window.',
      fix: 'Open Chute from its app icon rather than in a web browser.',
    });
  }
  try {
    return await core.invoke(command, args ?? {});
  } catch (err) {
    throw toApiError(err);
  }
}

export const api = {
  appInfo: () => call('app_info'),
  catalog: () => call('catalog'),
  /** The form's example key, rendered by the core → {file, key?, error?}. */
  keyExample: (template, prefix) => call('key_example', { template, prefix }),
  listDestinations: () => call('list_destinations'),
  /** Measure again what the destination's server does → Capabilities. */
  measureCapabilities: (id) => call('measure_capabilities', { id }),
  /** Multipart uploads left open under the destination's prefix → [OpenUpload]. */
  openUploads: (id) => call('open_uploads', { id }),
  /** Abort one open upload → AbortReport. */
  abortUpload: (id, key, uploadId) => call('abort_uploads', { id, key, upload_id: uploadId }),
  /** Abort every open upload older than `hours` → AbortReport. */
  abortUploadsOlderThan: (id, hours) => call('abort_uploads', { id, older_than_hours: hours }),
  /** sseCKey: the SSE-C key as typed, checked (never sent back), or null. */
  validateDestination: (settings, credentials, editingId, sseCKey = null) =>
    call('validate_destination', { settings, credentials, editing_id: editingId ?? null, sse_c_key: sseCKey }),
  /** proxyPassword, sseCKey: typed (to the keychain), or null to keep the stored one. */
  saveDestination: (settings, credentials, editingId, proxyPassword = null, sseCKey = null) =>
    call('save_destination', { settings, credentials, editing_id: editingId ?? null, proxy_password: proxyPassword, sse_c_key: sseCKey }),
  duplicateDestination: (id) => call('duplicate_destination', { id }),
  deleteDestination: (id) => call('delete_destination', { id }),
  setDestinationActive: (id, active) => call('set_destination_active', { id, active }),
  /** The full id of a destination's stored key (never its secret), for "Replace key"; null if none. */
  storedKeyId: (id) => call('stored_key_id', { id }),
  /** file: a config file chosen by the user, or null for the usual place. */
  importCandidates: (kind, file = null) => call('import_candidates', { kind, file }),
  /** Native open dialog for a config file → its path, or null if cancelled. */
  pickImportFile: (kind) => call('pick_import_file', { kind }),
  importDestination: ({ kind, file = null, source, name, bucket, prefix }) =>
    call('import_destination', { kind, file, source, name, bucket, prefix }),
  /**
   * Run the connection test. target: {id} for a saved destination, or
   * {settings, credentials, editingId} for the form as typed (the only call
   * that sends a typed secret, and only when the user asked for a test).
   * onEvent receives each step and finding as it happens.
   */
  testDestination: (target, onEvent, { readBack = false } = {}) => {
    const core = window.__TAURI__ && window.__TAURI__.core;
    const channel = core && typeof core.Channel === 'function' ? new core.Channel() : null;
    if (channel) channel.onmessage = (ev) => onEvent(ev);
    const args = target.id
      ? { id: target.id }
      : {
        settings: target.settings,
        credentials: target.credentials,
        editing_id: target.editingId ?? null,
        proxy_password: target.proxyPassword ?? null,
        sse_c_key: target.sseCKey ?? null,
      };
    return call('test_destination', { ...args, read_back: readBack, on_event: channel });
  },
  listProbes: (id, limit = 20) => call('list_probes', { id, limit }),
  /** A finding's one-click fix on a saved destination (one setting set, saved like an edit) → Saved. */
  applyFix: (id, field, value) => call('apply_fix', { id, field, value }),

  /* ---- delivery ---- */
  /** Native file or folder dialog: absolute paths, [] when cancelled. */
  pickPaths: (kind) => call('pick_paths', { kind }),
  /** Files handed over by a launch (Open with Chute, a second launch): [{paths, deliver_to}], each given once. */
  takeOpenedPaths: () => call('take_opened_paths'),
  /** Ctrl+V: {paths, kind: files|image|text}; an image or text is kept as a file first. */
  pasteClipboard: () => call('paste_clipboard'),
  /** Put text on the system clipboard (natively: it stays there after Chute's window loses focus). */
  copyText: (text) => call('copy_text', { text }),
  pasteSettings: () => call('paste_settings'),
  setPasteSettings: ({ nameTemplate, copy } = {}) => call('set_paste_settings', { name_template: nameTemplate ?? null, copy: copy ?? null }),
  /** Walk the paths and work out each file's key; nothing is sent. */
  planDelivery: (id, paths) => call('plan_delivery', { id, paths }),
  planPage: (planId, offset, limit) => call('plan_page', { plan_id: planId, offset, limit }),
  discardPlan: (planId) => call('discard_plan', { plan_id: planId }),
  retryPlan: (planId, indexes) => call('retry_plan', { plan_id: planId, indexes }),
  /** Deliver a plan → its BatchSummary (each file with its URL); onEvent gets at most ten progress updates a second. */
  /** origin: drop | dialog | retry | redeliver, as the history records who started it; resume for a resumePlan. */
  /** overwrite: null (the destination's policy) or skip | overwrite for this batch only. */
  startDelivery: (planId, onEvent, origin = 'drop', overwrite = null) => {
    const core = window.__TAURI__ && window.__TAURI__.core;
    const channel = core && typeof core.Channel === 'function' ? new core.Channel() : null;
    if (channel) channel.onmessage = (ev) => onEvent(ev);
    return call('start_delivery', { plan_id: planId, origin, overwrite, on_event: channel });
  },
  /** Which keys of a plan already hold an object → {checked, existing: [index], not_checked?}. */
  checkExisting: (planId) => call('check_existing', { plan_id: planId }),
  /** Files of a plan under another prefix / key template, for this delivery only → a new plan preview. */
  rekeyPlan: (planId, indexes, keepOthers, prefix, keyTemplate) =>
    call('rekey_plan', { plan_id: planId, indexes, keep_others: keepOthers, prefix, key_template: keyTemplate }),
  /** Plans for several destinations made one drop (each still sent with startDelivery) → the group id the history records. */
  groupPlans: (planIds) => call('group_plans', { plan_ids: planIds }),
  /** Open a delivered object in the browser (the URL is made on the Rust side) → the URL. */
  openObjectUrl: (id, key) => call('open_object_url', { id, key }),
  /** action: cancel | pause | resume | cancel_file (with index). */
  controlDelivery: (planId, action, index = null) => call('control_delivery', { plan_id: planId, action, index }),
  presignLink: (id, key, expiresSecs) => call('presign_link', { id, key, expires_secs: expiresSecs }),

  /* ---- history ---- */
  /** filter: {destination_id?, group_id?, status?, from?, to?, search?, offset, limit}. Newest first. */
  historyBatches: (filter) => call('history_batches', { filter }),
  historyFiles: (batchId, filter) => call('history_files', { batch_id: batchId ?? null, filter }),
  /** Exact counts → {matching, total, selected_matches} (whether `selectedId` still matches). */
  historyCounts: (filter, selectedId = null) => call('history_counts', { filter, selected: selectedId }),
  /** → {matching, total, first_failed} for a batch's files under filter {search?, status?}. */
  historyFileCounts: (batchId, filter) => call('history_file_counts', { batch_id: batchId, filter }),
  /** What a batch was given and left out → {sources, excluded, excluded_total, refused, refused_total}. */
  historyInputs: (batchId, limit) => call('history_inputs', { batch_id: batchId, limit }),
  /** The rest of an interrupted batch as a plan (`resumes` set), sent with startDelivery like any other. */
  resumePlan: (batchId) => call('resume_plan', { batch_id: batchId }),
  discardBatch: (batchId) => call('discard_batch', { batch_id: batchId }),
  /** A plan (previewed like a drop) sending a finished batch's files again; which: failed | all. */
  historyPlan: (batchId, which) => call('history_plan', { batch_id: batchId, which }),
  /** Delete batches from the history → {deleted, kept: [{id, reason}]}. */
  deleteHistory: (batchIds) => call('delete_history', { batch_ids: batchIds }),
  /** → {keep_days: number|null, removed}. */
  historyRetention: () => call('history_retention', { set: false, keep_days: null }),
  setHistoryRetention: (days) => call('history_retention', { set: true, keep_days: days }),
  /** Native save dialog, then CSV; rows: batches | files → {rows, path} or null if cancelled. */
  exportHistory: (filter, rows, batchId = null) => call('export_history', { filter, rows, batch_id: batchId }),
  /** A batch's latest receipt → {kind, checked_at, checked, verified, size_only, differing, unchecked, note?, problems: [{index, key, state, code, message, fix}]} or null. */
  historyReceipt: (batchId) => call('history_receipt', { batch_id: batchId }),
  /** Check a batch's objects again → {batch_id, receipt, objects}; onProgress gets {checked, total} as it goes. */
  verifyBatch: (batchId, onProgress) => {
    const core = window.__TAURI__ && window.__TAURI__.core;
    const channel = core && typeof core.Channel === 'function' ? new core.Channel() : null;
    if (channel) channel.onmessage = (p) => onProgress(p);
    return call('verify_batch', { batch_id: batchId, on_progress: channel });
  },
  /** Show a file's source in the file manager (the path comes from the history). */
  revealSource: (batchId, fileId) => call('reveal_source', { batch_id: batchId, file_id: fileId }),

  /* ---- watched folders ---- */
  /** → {watches: [WatchView], runs_here, runner_problem}: each watch with its state, journal, problem and runner. */
  listWatches: () => call('list_watches'),
  /** settings: {name, folder, recursive, destinations, settle_ms, existing, after, paused, batch, hours} → the new WatchView. */
  addWatch: (settings) => call('add_watch', { settings }),
  /** edit: {name, folder, recursive, destinations, settle_ms, after, batch, hours}; what a watch holds beyond it stays → WatchView. */
  updateWatch: (id, edit) => call('update_watch', { id, edit }),
  setWatchPaused: (id, paused) => call('set_watch_paused', { id, paused }),
  /** The folder, its objects and the history stay. */
  removeWatch: (id) => call('remove_watch', { id }),
  /** Native folder dialog → the folder's path, or null if cancelled. */
  pickWatchFolder: () => call('pick_watch_folder'),
  /** fn(event) for each event of the runner the window hosts (the core's WatchEvent, tagged `event`). */
  onWatchEvent: (fn) => listen('watch-event', fn),
  bandwidthLimit: () => call('bandwidth_limit'),
  setBandwidthLimit: (limit) => call('set_bandwidth_limit', { limit }),
  /** Which desktop notifications Chute sends (watched folders, long deliveries) → off | errors | every. */
  notifications: () => call('notifications'),
  setNotifications: (notify) => call('set_notifications', { notify }),
  /** The answer remembered for closing the window on active watches → keep_in_tray | keep_delivering | stop_watching | null (ask). */
  closeAnswer: () => call('close_answer'),
  setCloseAnswer: (answer) => call('set_close_answer', { answer }),
  /** Whether Chute starts at login → true | false | null (not available on this system). */
  startAtLogin: () => call('start_at_login'),
  setStartAtLogin: (on) => call('set_start_at_login', { on }),
  /** fn(batchId) when the tray's "Recent deliveries" asks to show one in the History. */
  onOpenBatch: (fn) => listen('open-batch', fn),
  /**
   * fn(names) when the window is asked to close while it runs these active watches; answer with answerClose.
   * The shell asks only once told the window listens (until then a close closes as before).
   */
  onCloseAsked: async (fn) => {
    await listen('close-asked', fn);
    const events = window.__TAURI__ && window.__TAURI__.event;
    if (events && typeof events.emit === 'function') await events.emit('close-question-ready');
  },
  /** answer: keep_in_tray (the window hides) | keep_delivering (→ the agent's pid; the app then quits) | stop_watching. */
  answerClose: (answer) => call('answer_close', { answer }),
};

/** fn(payload) for each Rust-side event `name`; resolves once listening. */
async function listen(name, fn) {
  const events = window.__TAURI__ && window.__TAURI__.event;
  if (events && typeof events.listen === 'function') await events.listen(name, (e) => fn(e.payload));
}
