// One vocabulary for the states a person sees, wherever they are shown
// (the delivery panel, the History, the connection test, a destination's
// details, the watched folders): what each state is called, and its icon. The core sends the
// states as ids (the snake_case strings of --json); their words live here
// and nowhere else, one wording per id: "pending" reads the same for a
// file waiting its turn, a file an interrupted delivery never started
// and a test step not run yet.

/** Every state's words, by id. */
const LABEL = {
  // A file of a delivery.
  pending: 'Not started',
  uploading: 'Unfinished',
  cancelling: 'Cancelling',
  delivered: 'Delivered',
  skipped: 'Skipped',
  failed: 'Failed',
  refused: 'Refused',
  cancelled: 'Cancelled',
  // A delivery (batch): its state, and once finished its outcome
  // (delivered, failed and cancelled read as for a file).
  running: 'Running',
  interrupted: 'Interrupted',
  finished: 'Finished',
  discarded: 'Discarded',
  partial: 'Partly delivered',
  // An object checked at its destination (a delivery's receipt, History → Verify).
  verified: 'Verified',
  size_only: 'Size verified',
  mismatch: 'Differs from the file',
  changed: 'Changed since delivery',
  missing: 'Missing',
  missing_locally: 'Missing locally',
  unchecked: 'Not checked',
  // A connection test's steps (pending, running, failed and skipped read
  // as above) and the test's outcome.
  passed: 'Passed',
  warning: 'Warning',
  warnings: 'Passed with warnings',
  // A destination takes deliveries, or is paused; a delivery under way
  // may be paused too.
  active: 'Active',
  paused: 'Paused',
  // A watched folder (paused reads as above): what its runner does with it.
  not_running: 'Not running',
  stopped: 'Stopped',
  retrying: 'Retrying',
  delivering: 'Delivering',
  watching: 'Watching',
  outside_hours: 'Waiting for its hours',
};

/** How a delivery was started. */
const ORIGIN = {
  drop: 'Dropped',
  dialog: 'Chosen',
  cli: 'Command line',
  retry: 'Retry',
  redeliver: 'Re-delivered',
  resume: 'Resumed',
  watch: 'Watched folder',
};

const FILE_ICON = { delivered: 'check', skipped: 'skip', failed: 'error', refused: 'error', cancelled: 'dash', pending: 'clock', uploading: 'clock' };
const BATCH_ICON = { delivered: 'check', partial: 'warning', failed: 'error', cancelled: 'dash', running: 'upload', interrupted: 'warning' };
const STEP_ICON = { passed: 'check', warning: 'warning', failed: 'close', skipped: 'dash' };
const TEST_ICON = { passed: 'check', warnings: 'warning', failed: 'error' };
const WATCH_ICON = { watching: 'eye', delivering: 'upload', retrying: 'refresh', stopped: 'error', paused: 'pause', not_running: 'dash', outside_hours: 'clock' };

/** The batch states and outcomes the History filters on, in the order it offers them. */
export const BATCH_FILTERS = ['delivered', 'partial', 'failed', 'cancelled', 'interrupted', 'running', 'discarded'];

/** What a state is called: a file status, a batch state or outcome, a test step's status or a test's outcome. */
export function statusLabel(id) {
  return LABEL[id] || String(id);
}

/** A delivery's state in one word: its outcome once finished ("Partly delivered"), else its state ("Interrupted"). */
export function batchLabel(batch) {
  return batch.state === 'finished' ? statusLabel(batch.outcome || 'finished') : statusLabel(batch.state);
}

/** How a delivery was started: "Dropped", "Chosen", "Command line", "Retry"… */
export function originLabel(origin) {
  return ORIGIN[origin] || String(origin);
}

/** A destination that takes deliveries is active; one that does not, paused. */
export function destinationStateLabel(active) {
  return statusLabel(active ? 'active' : 'paused');
}

/** The icon of a file status ('dash' for one it does not know). */
export function fileStatusIcon(status) {
  return FILE_ICON[status] || 'dash';
}

/** The icon of a batch outcome or state. */
export function batchIcon(outcomeOrState) {
  return BATCH_ICON[outcomeOrState] || 'error';
}

/** The icon of a test step's status, or null while it has none (not started, running). */
export function stepStatusIcon(status) {
  return STEP_ICON[status] || null;
}

/** The icon of a connection test's outcome. */
export function testOutcomeIcon(outcome) {
  return TEST_ICON[outcome] || 'error';
}

/** The icon of a watched folder's state. */
export function watchStateIcon(state) {
  return WATCH_ICON[state] || 'dash';
}
