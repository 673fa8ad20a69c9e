// An error (or a warning) shown in a banner box (.banner): its icon, what
// went wrong and what to do, and any further lines the caller adds (e.g.
// other problems).

import { h, richText } from '../lib/dom.js';
import { icon } from '../lib/icons.js';

function fill(box, iconName, err, more) {
  box.replaceChildren(
    icon(iconName, 'banner-icon'),
    h('div', {}, h('p', { class: 'banner-title' }, richText(err.message)), err.fix ? h('p', { class: 'banner-text' }, richText(err.fix)) : null, ...more),
  );
  box.hidden = false;
}

/** Fill `box` with `err` ({message, fix}) and show it. */
export function showErrorBanner(box, err, ...more) {
  fill(box, 'error', err, more);
}

/** The same with a warning's icon: something that is being tried again, or that calls for care. */
export function showWarningBanner(box, warning, ...more) {
  fill(box, 'warning', warning, more);
}
