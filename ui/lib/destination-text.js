// How a destination is named in lists and headings: where it points
// (bucket/prefix) and what it signs in with.

/** bucket/prefix as shown in the list. */
export function destPath(d) {
  return `${d.bucket}/${d.prefix || ''}`;
}

/** "Key AKIA…MPLE in keychain", "AWS profile dev", "No credentials". */
export function credentialSummary(c) {
  switch (c && c.kind) {
    case 'keychain':
    case 'keys':
      return c.key_id_hint ? `Key ${c.key_id_hint} in keychain` : 'Key in keychain';
    case 'profile':
      return `AWS profile ${c.profile}`;
    default:
      return 'No credentials';
  }
}

/** The icon of a credential source: a key, a profile, none. */
export function credentialIcon(c) {
  switch (c && c.kind) {
    case 'keychain':
    case 'keys':
      return 'key';
    case 'profile':
      return 'user';
    default:
      return 'unlock';
  }
}
