// Inline SVG icons (trusted constant markup) and provider marks.
// Icons use currentColor so they follow the text colour and theme.

const svg = (body, extra = '') =>
  `<svg class="icon" viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="currentColor" ` +
  `stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"${extra}>${body}</svg>`;

export const icons = {
  logo:
    '<svg class="logo" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false">' +
    '<rect width="32" height="32" rx="8" fill="var(--accent)"/>' +
    '<path d="M9 8h14l-5 8v5l-4 3v-8z" fill="none" stroke="#fff" stroke-width="2" stroke-linejoin="round"/>' +
    '</svg>',
  bucket:
    '<svg viewBox="0 0 64 64" width="64" height="64" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">' +
    '<path d="M32 4v18M24 14l8 8 8-8"/>' +
    '<ellipse cx="32" cy="30" rx="20" ry="5"/>' +
    '<path d="M12 30l4 24c.6 3.2 7.6 5 16 5s15.4-1.8 16-5l4-24"/>' +
    '<path d="M15 42c4 2 10 3 17 3s13-1 17-3" opacity=".45"/>' +
    '</svg>',
  plus: svg('<path d="M12 5v14M5 12h14"/>'),
  import: svg('<path d="M12 3v12M7 10l5 5 5-5"/><path d="M4 15v3a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-3"/>'),
  edit: svg('<path d="M4 20h4L19 9l-4-4L4 16z"/><path d="M13.5 6.5l4 4"/>'),
  copy: svg('<rect x="8" y="8" width="12" height="12" rx="2"/><path d="M16 8V6a2 2 0 0 0-2-2H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h2"/>'),
  pause: svg('<rect x="6.5" y="5" width="3.5" height="14" rx="1"/><rect x="14" y="5" width="3.5" height="14" rx="1"/>'),
  play: svg('<path d="M7 5l12 7-12 7z"/>'),
  trash: svg('<path d="M4 7h16M10 11v6M14 11v6"/><path d="M6 7l1 12a2 2 0 0 0 2 2h6a2 2 0 0 0 2-2l1-12"/><path d="M9 7V4h6v3"/>'),
  key: svg('<circle cx="8" cy="15" r="4"/><path d="M10.8 12.2L20 3M16 7l3 3M14 9l2 2"/>'),
  user: svg('<circle cx="12" cy="8" r="4"/><path d="M4 21c0-4 4-6 8-6s8 2 8 6"/>'),
  unlock: svg('<rect x="4" y="11" width="16" height="10" rx="2"/><path d="M8 11V7a4 4 0 0 1 7.5-2"/>'),
  lock: svg('<rect x="4" y="11" width="16" height="10" rx="2"/><path d="M8 11V7a4 4 0 0 1 8 0v4"/>'),
  warning: svg('<path d="M12 3l10 18H2z"/><path d="M12 10v5M12 18v.01"/>'),
  error: svg('<circle cx="12" cy="12" r="9"/><path d="M12 7v6M12 16.5v.01"/>'),
  info: svg('<circle cx="12" cy="12" r="9"/><path d="M12 11v6M12 7.5v.01"/>'),
  check: svg('<path d="M5 12.5l4.5 4.5L19 7"/>'),
  close: svg('<path d="M6 6l12 12M18 6L6 18"/>'),
  eye: svg('<path d="M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12z"/><circle cx="12" cy="12" r="3"/>'),
  eyeOff: svg('<path d="M3 3l18 18"/><path d="M10.6 5.1A10 10 0 0 1 12 5c6.4 0 10 7 10 7a17 17 0 0 1-3.2 4M6.6 6.6C3.8 8.4 2 12 2 12s3.6 7 10 7a9.6 9.6 0 0 0 5.4-1.6"/><path d="M9.9 9.9a3 3 0 0 0 4.2 4.2"/>'),
  chevron: svg('<path d="M9 6l6 6-6 6"/>'),
  folder: svg('<path d="M3 7a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z"/>'),
  server: svg('<rect x="3" y="4" width="18" height="7" rx="2"/><rect x="3" y="13" width="18" height="7" rx="2"/><path d="M7 7.5v.01M7 16.5v.01"/>'),
  wand: svg('<path d="M4 20L16 8M14 4v2M20 10h-2M18.5 5.5l-1.4 1.4M12 8l4 4"/>'),
  pulse: svg('<path d="M3 12h4l2.5-6 5 12 2.5-6h4"/>'),
  refresh: svg('<path d="M20 11a8 8 0 0 0-14.6-4.5M4 5v4h4"/><path d="M4 13a8 8 0 0 0 14.6 4.5M20 19v-4h-4"/>'),
  clock: svg('<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>'),
  history: svg('<path d="M3 12a9 9 0 1 0 3-6.7L3 8"/><path d="M3 3v5h5M12 7v5l3 2"/>'),
  dash: svg('<path d="M7 12h10"/>'),
  external: svg('<path d="M14 4h6v6M20 4l-9 9"/><path d="M18 14v4a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h4"/>'),
  upload: svg('<path d="M12 16V4M7 9l5-5 5 5"/><path d="M4 15v3a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-3"/>'),
  file: svg('<path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z"/><path d="M14 3v5h5"/>'),
  link: svg('<path d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1"/><path d="M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1"/>'),
  skip: svg('<path d="M5 5l9 7-9 7z"/><path d="M18 5v14"/>'),
  globe: svg('<circle cx="12" cy="12" r="9"/><path d="M3 12h18M12 3c2.5 3 2.5 15 0 18M12 3c-2.5 3-2.5 15 0 18"/>'),
};

/** An element holding a trusted icon. */
export function icon(name, cls = '') {
  const span = document.createElement('span');
  span.className = `icon-wrap${cls ? ' ' + cls : ''}`;
  span.setAttribute('aria-hidden', 'true');
  span.innerHTML = icons[name] ?? '';
  return span;
}

const MONOGRAMS = { aws: 'aws', r2: 'R2', minio: 'M', b2: 'B2', tigris: 'T', custom: 'S3' };

/** A provider mark: a monogram badge in the provider's colour. */
export function providerMark(id, size = 'md') {
  const known = Object.hasOwn(MONOGRAMS, id) ? id : 'custom';
  const span = document.createElement('span');
  span.className = `mark mark--${known} mark--${size}`;
  span.setAttribute('aria-hidden', 'true');
  span.textContent = MONOGRAMS[known];
  return span;
}
