// What a diagnosis's one-click fix changes for a saved destination: its
// settings with the one field set (as save_destination takes them), and
// the sentence that says what changed.

import { fieldLabel } from './form-values.js';

const SETTINGS_KEYS = [
  'name', 'provider', 'bucket', 'region', 'endpoint', 'account_id', 'path_style', 'prefix', 'key_template',
  'storage_class', 'acl', 'headers', 'metadata', 'tags', 'active', 'overwrite', 'ignore', 'confirm_delivery',
];

/** The destination's settings with `field` set to the fix's value. */
export function changedSettings(dest, field, value) {
  const settings = Object.fromEntries(SETTINGS_KEYS.filter((k) => k in dest).map((k) => [k, dest[k]]));
  const [head, sub] = field.split('.');
  if (sub) settings[head] = { ...(settings[head] || {}), [sub]: value };
  else settings[head] = typeof settings[head] === 'boolean' || head === 'path_style' || head === 'active' ? value === 'true' : value;
  return settings;
}

/** "region is now `eu-west-1`", "path-style addressing is on". */
export function describeChange(field, value) {
  if (field === 'path_style') return value === 'true' ? 'path-style addressing is on' : 'path-style addressing is off';
  return `${fieldLabel(field).toLowerCase()} is now \`${value}\``;
}
