// The core's catalog, loaded once at start: the providers (and what each
// implies), key template presets, tokens and the default template, canned
// ACLs, the names a new destination never delivers, and the connection
// test's steps. Everything here comes from the core; the page only reads it.

let catalog = { providers: [], key_presets: [], tokens: [], default_key_template: '', acls: [], default_ignores: [], probe_steps: [] };

/** Keep the catalog the core sent (app.js, once). */
export function setCatalog(c) {
  catalog = c;
}

export function providers() {
  return catalog.providers;
}

/** The provider with this id, or null. */
export function findProvider(id) {
  return catalog.providers.find((p) => p.id === id) || null;
}

/** A provider's name ("Cloudflare R2"), or its id if the catalog has no such provider. */
export function providerLabel(id) {
  const p = findProvider(id);
  return p ? p.label : id;
}

/** Key template presets: [{id, label, template}]. */
export function keyPresets() {
  return catalog.key_presets || [];
}

/** The tokens a key template may use, with their help: [{token, help}]. */
export function keyTokens() {
  return catalog.tokens || [];
}

/** Canned ACLs a destination may set. */
export function acls() {
  return catalog.acls || [];
}

/** What a new destination never delivers, as the core says. */
export function defaultIgnores() {
  return catalog.default_ignores;
}

/** The key template a new destination starts with. */
export function defaultKeyTemplate() {
  return catalog.default_key_template;
}

/** The connection test's steps in the order they run: [{id, label}]. */
export function probeSteps() {
  return catalog.probe_steps || [];
}
