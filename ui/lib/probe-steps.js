// The connection test's steps, in the order the core runs them, and their
// names, as the core's catalog gives them. The core names every step it
// reports; these name the steps listed before the first report comes, and
// the step a diagnosis's evidence names.

import { probeSteps } from './catalog.js';

/** Step ids in the order they run (read_back only when asked for). */
export function stepOrder() {
  return probeSteps().map((s) => s.id);
}

/** The label of a step id; evidence spells them without underscores. */
export function stepLabel(id) {
  const key = String(id ?? '');
  const found = probeSteps().find((s) => s.id === key || s.id.replace('_', '') === key);
  return found ? found.label : key;
}
