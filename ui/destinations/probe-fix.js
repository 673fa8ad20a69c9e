// The sentence that says what a diagnosis's one-click fix changed (the
// core applies it: apply_fix).

import { fieldLabel } from './form-values.js';

/** "region is now `eu-west-1`", "path-style addressing is on". */
export function describeChange(field, value) {
  if (field === 'path_style') return value === 'true' ? 'path-style addressing is on' : 'path-style addressing is off';
  return `${fieldLabel(field).toLowerCase()} is now \`${value}\``;
}
