// What the History view's parts share: the batches listed, the selection,
// the counts, a resume under way, and the hooks into the rest of the app.

export const view = {
  active: false,
  rows: [], // loaded BatchRows, newest first
  done: false, // no more pages
  loading: false,
  gen: 0, // bumps on every filter change; stale replies are dropped
  error: null,
  selectedId: null,
  selected: null, // BatchRow
  counts: null, // {matching, total} of the current filters
  detailsId: null, // the batch whose given/left-out paths are shown
  detailsSearch: null, // the search its file list was loaded with
  resuming: null, // the interrupted batch being resumed (in the delivery panel)
  verifying: null, // {id, progress}: the batch whose objects are being checked again (History → Verify)
  pendingId: null, // a batch to select once the list shows it (a sibling in another drop's list)
};

/** Set once by initHistory: how the History reaches destinations and deliveries. */
export const hooks = {
  destinations: () => [],
  find: () => null,
  deliverFromHistory: async () => {},
  resolveExisting: async () => {},
  resume: async (d) => d, // resume a paused destination -> the fresh destination
  resumeInterrupted: async () => {}, // (dest, batchId, opts) -> resolves once the resumed batch ends
};
