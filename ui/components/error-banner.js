// An error shown in a banner box (.banner): its icon, what went wrong and
// what to do, and any further lines the caller adds (e.g. other problems).

import { h, richText } from '../lib/dom.js';
import { icon } from '../lib/icons.js';

/** Fill `box` with `err` ({message, fix}) and show it. */
export function showErrorBanner(box, err, ...more) {
  box.replaceChildren(
    icon('error', 'banner-icon'),
    h('div', {}, h('p', { class: 'banner-title' }, richText(err.message)), err.fix ? h('p', { class: 'banner-text' }, richText(err.fix)) : null, ...more),
  );
  box.hidden = false;
}
