// Small DOM helpers. Text from the backend is always inserted as text,
// never as markup; only icons.js constants go through innerHTML.

/**
 * Create an element. attrs: class, text, dataset {..}, on {event: fn},
 * boolean attributes as true/false, anything else as an attribute.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'on') for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Text in which `backticked` parts become <code>. */
export function richText(text) {
  const frag = document.createDocumentFragment();
  const parts = String(text ?? '').split('`');
  parts.forEach((part, i) => {
    if (!part) return;
    if (i % 2 === 1 && i < parts.length - 1) frag.append(h('code', { text: part }));
    else frag.append(document.createTextNode(i % 2 === 1 ? '`' + part : part));
  });
  return frag;
}

export function $(sel, root = document) {
  return root.querySelector(sel);
}

export function $all(sel, root = document) {
  return Array.from(root.querySelectorAll(sel));
}

export function debounce(fn, ms) {
  let t = null;
  const d = (...args) => {
    clearTimeout(t);
    t = setTimeout(() => {
      t = null;
      fn(...args);
    }, ms);
  };
  d.cancel = () => clearTimeout(t);
  d.pending = () => t !== null;
  return d;
}

/**
 * `fn` at most once every `ms`: the first call runs at once, calls during
 * the pause run once at its end (so the last change is never missed).
 */
export function throttle(fn, ms) {
  let last = 0;
  let t = null;
  return () => {
    if (t) return;
    const wait = last + ms - Date.now();
    const run = () => {
      t = null;
      last = Date.now();
      fn();
    };
    if (wait <= 0) run();
    else t = setTimeout(run, wait);
  };
}

export const isMac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

/** Move focus to el on the next frame (after it becomes visible). */
export function focusSoon(el) {
  if (!el) return;
  requestAnimationFrame(() => el.focus({ preventScroll: false }));
}

/** Whether keys typed at `el` go into a field (so shortcuts leave them alone). */
export function isEditable(el) {
  return Boolean(el && el.closest && el.closest('input, textarea, select, [contenteditable="true"]'));
}
