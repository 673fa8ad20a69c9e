// The destination form while it is open, shared by its parts: what is
// being edited, what was touched, the problems the core found and whether
// they are shown yet, and whether a save is under way.

export const state = {
  editing: null, // DestinationView being edited, or null when adding
  provider: null, // provider id currently applied
  touched: new Set(),
  submitted: false,
  problems: [],
  validated: false,
  checkFailed: null,
  seq: 0,
  checking: null, // the newest check's promise (validateNow)
  saving: false,
  opened: null, // the form as it was opened, to tell what changed since
};
