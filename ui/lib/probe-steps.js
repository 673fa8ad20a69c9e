// The connection test's steps, in the order the core runs them, and their
// names. The core names every step it reports; these name the steps listed
// before the first report comes, and the step a diagnosis's evidence names.

/** Step ids in the order they run (read_back only when asked for). */
export const STEP_ORDER = ['credentials', 'resolve', 'connect', 'tls', 'reach', 'head_bucket', 'put_object', 'read_back', 'delete_object'];

const STEP_LABELS = {
  credentials: 'Credentials',
  resolve: 'Resolve host',
  connect: 'Connect',
  tls: 'TLS handshake',
  reach: 'Server answers',
  head_bucket: 'Bucket (HeadBucket)',
  put_object: 'Write probe object',
  read_back: 'Read back',
  delete_object: 'Delete probe object',
};

/** The label of a step id; evidence spells them without underscores. */
export function stepLabel(id) {
  const key = String(id ?? '');
  const found = Object.keys(STEP_LABELS).find((k) => k === key || k.replace('_', '') === key);
  return found ? STEP_LABELS[found] : key;
}
