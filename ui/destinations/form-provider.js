// The destination form's provider: the picker and the ACL list filled from
// the catalog, and what a provider implies: its mark and hint, its regions
// (and default region and path-style, when one is picked), whether it
// needs an account id, its storage classes, and the endpoint's
// placeholder and hint.

import { $, h, richText } from '../lib/dom.js';
import { providerMark } from '../lib/icons.js';
import { acls, findProvider, providers } from '../lib/catalog.js';

/** The provider with this id; an unknown one reads as the first provider. */
export function providerById(id) {
  return findProvider(id) || providers()[0];
}

/** Fill the provider picker and the ACL list from the catalog (once). */
export function setupProviders(form) {
  const select = form.elements.provider;
  select.replaceChildren(...providers().map((p) => h('option', { value: p.id, text: p.label })));

  const acl = form.elements.acl;
  acl.replaceChildren(h('option', { value: '', text: 'Default (bucket setting)' }), ...acls().map((a) => h('option', { value: a, text: a })));
}

/**
 * Show what depends on the provider. With applyDefaults, also set the
 * provider's region and path-style defaults (a provider was just picked).
 */
export function applyProvider(form, id, { applyDefaults = false, previous = null } = {}) {
  const p = providerById(id);
  if (!p) return;
  const els = form.elements;
  $('#provider-mark', form).replaceChildren(providerMark(p.id, 'sm'));
  $('#provider-hint', form).replaceChildren(richText(p.hint || ''));

  $('#region-list', form).replaceChildren(...p.regions.map((r) => h('option', { value: r })));
  els.region.placeholder = p.default_region || '';

  if (applyDefaults) {
    const prev = previous ? providerById(previous) : null;
    const region = els.region.value.trim();
    // Keep a region the user chose on purpose if it fits the new provider.
    const deliberate = region && (!prev || region !== prev.default_region);
    const fits = p.region.kind === 'any' || (p.region.kind === 'aws_list' && p.regions.includes(region));
    if (!(deliberate && fits)) els.region.value = p.default_region || '';
    els.path_style.checked = Boolean(p.path_style);
  }

  $('#account-field', form).hidden = p.endpoint.kind !== 'from_account';

  const sc = els.storage_class;
  const current = sc.value;
  sc.replaceChildren(h('option', { value: '', text: 'Default' }), ...p.storage_classes.map((c) => h('option', { value: c, text: c })));
  if (current && !p.storage_classes.includes(current) && !applyDefaults) sc.append(h('option', { value: current, text: current }));
  sc.value = applyDefaults && !p.storage_classes.includes(current) ? '' : current;

  updateEndpointHint(form);
}

/** The endpoint placeholder and hint, from the provider and current region / account. */
export function updateEndpointHint(form) {
  const els = form.elements;
  const p = providerById(els.provider.value);
  if (!p) return;
  const region = els.region.value.trim() || p.default_region;
  const account = els.account_id.value.trim();
  const input = els.endpoint;
  const hint = $('#endpoint-hint', form);
  const optional = $('#endpoint-optional', form);
  let placeholder = '';
  let text = '';
  switch (p.endpoint.kind) {
    case 'aws_regional':
      placeholder = `https://s3.${region}.amazonaws.com`;
      text = 'Leave empty for the region’s standard endpoint; set it only for VPC or FIPS endpoints.';
      break;
    case 'from_account':
      placeholder = (p.endpoint.template || '').replace('{account}', account || '<account id>');
      text = 'Leave empty: Chute builds it from your account id.';
      break;
    case 'from_region':
      placeholder = (p.endpoint.template || '').replace('{region}', region);
      text = 'Leave empty: Chute builds it from the region.';
      break;
    case 'fixed':
      placeholder = p.endpoint.url || '';
      text = `Leave empty to use \`${p.endpoint.url}\`.`;
      break;
    default:
      placeholder = p.id === 'minio' ? 'http://127.0.0.1:9000' : 'https://s3.example.com';
      text = '';
  }
  const required = p.endpoint.kind === 'user_supplied';
  input.placeholder = placeholder;
  input.toggleAttribute('aria-required', required);
  if (required) input.setAttribute('aria-required', 'true');
  optional.hidden = required;
  hint.replaceChildren(richText(text));
  hint.hidden = !text;
}
