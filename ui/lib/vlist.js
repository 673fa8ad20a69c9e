// A virtualised list: only the rows in view (plus a few) exist in the DOM,
// so 100,000 files scroll as smoothly as ten. Rows have one fixed height.
// A row is rebuilt only when its signature changes, and focus inside a
// rebuilt row moves to the same control ([data-focus-key]) in the new one.
// Any row can be brought into view (scrollToIndex), and rowForKey turns
// the list keys (arrows, Page Up/Down, Home/End) into the row to go to.

export class VirtualList {
  /**
   * viewport: the scrolling element. opts: rowHeight (px), render(i) ->
   * Element, signature(i) -> string (rows whose signature is unchanged are
   * kept), onRange(first, last) (the rows in view, e.g. to load them).
   */
  constructor(viewport, { rowHeight, render, signature = () => '', onRange = () => {}, overscan = 8 }) {
    this.viewport = viewport;
    this.rowHeight = rowHeight;
    this.render = render;
    this.signature = signature;
    this.onRange = onRange;
    this.overscan = overscan;
    this.count = 0;
    this.rows = new Map(); // index -> {el, sig}
    this.frame = 0;
    this.spacer = document.createElement('div');
    this.spacer.className = 'vlist-spacer';
    this.spacer.setAttribute('aria-hidden', 'true');
    this.layer = document.createElement('div');
    this.layer.className = 'vlist-layer';
    this.layer.setAttribute('role', 'presentation');
    viewport.classList.add('vlist');
    viewport.replaceChildren(this.spacer, this.layer);
    viewport.addEventListener('scroll', () => this.schedule(), { passive: true });
    if (typeof ResizeObserver === 'function') new ResizeObserver(() => this.schedule()).observe(viewport);
  }

  /** Set how many rows there are; `reset` drops every built row. */
  setCount(n, { reset = false } = {}) {
    this.count = Math.max(0, n | 0);
    this.spacer.style.height = `${this.count * this.rowHeight}px`;
    if (reset) {
      for (const { el } of this.rows.values()) el.remove();
      this.rows.clear();
    }
    this.schedule();
  }

  /** Rebuild rows whose signature changed (or all, with force), on the next frame. */
  schedule(force = false) {
    if (force) this.force = true;
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.update();
    });
  }

  /** Update now (also used by tests of the page through the DOM). */
  update() {
    const force = this.force;
    this.force = false;
    const h = this.rowHeight;
    const top = this.viewport.scrollTop;
    const height = this.viewport.clientHeight || h * 12;
    const first = Math.max(0, Math.floor(top / h) - this.overscan);
    const last = Math.min(this.count - 1, Math.ceil((top + height) / h) + this.overscan);
    const active = document.activeElement;
    for (const [i, row] of this.rows) {
      if (i < first || i > last) {
        if (row.el.contains(active)) continue; // keep the focused row alive until focus leaves
        row.el.remove();
        this.rows.delete(i);
      }
    }
    for (let i = first; i <= last; i++) {
      const sig = this.signature(i);
      const old = this.rows.get(i);
      if (old && old.sig === sig && !force) continue;
      const el = this.render(i);
      el.style.transform = `translateY(${i * h}px)`;
      el.style.height = `${h}px`;
      el.dataset.index = String(i);
      if (old) {
        const focusKey = old.el.contains(active) ? active.closest('[data-focus-key]')?.dataset.focusKey : null;
        old.el.replaceWith(el);
        if (focusKey) el.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`)?.focus({ preventScroll: true });
      } else {
        this.layer.append(el);
      }
      this.rows.set(i, { el, sig });
    }
    if (this.count > 0 && last >= first) this.onRange(first, last);
  }

  /**
   * Bring row i into view: scrolled just enough (`nearest`), or to the
   * middle of the viewport (`center`, for a jump far away).
   */
  scrollToIndex(i, { align = 'nearest' } = {}) {
    const top = i * this.rowHeight;
    const vp = this.viewport;
    if (align === 'center') vp.scrollTop = Math.max(0, top - (vp.clientHeight - this.rowHeight) / 2);
    else if (top < vp.scrollTop) vp.scrollTop = top;
    else if (top + this.rowHeight > vp.scrollTop + vp.clientHeight) vp.scrollTop = top + this.rowHeight - vp.clientHeight;
  }

  /** How many whole rows the viewport shows (at least one). */
  rowsPerPage() {
    return Math.max(1, Math.floor((this.viewport.clientHeight || this.rowHeight) / this.rowHeight));
  }

  /**
   * The row a list key moves to from row `current` (-1: none yet), or null
   * for another key: arrows by one, Page Up/Down by a viewport, Home/End to
   * the ends.
   */
  rowForKey(key, current) {
    if (this.count === 0) return null;
    const page = this.rowsPerPage();
    const last = this.count - 1;
    const from = current < 0 ? -1 : Math.min(current, last);
    const moves = {
      ArrowDown: () => from + 1,
      ArrowUp: () => (from < 0 ? 0 : from - 1),
      PageDown: () => (from < 0 ? 0 : from) + page,
      PageUp: () => from - page,
      Home: () => 0,
      End: () => last,
    };
    return key in moves ? Math.max(0, Math.min(last, moves[key]())) : null;
  }
}

/**
 * Rows loaded page by page (`fetchPage(id, offset, limit)`) and cached, so
 * a list shows any row of 100,000 without holding them all at once. The
 * last failure is in `error` until a page loads; listeners hear of both.
 */
export class PagedRows {
  constructor(id, firstRows, total, fetchPage) {
    this.id = id;
    this.total = total;
    this.fetchPage = fetchPage; // (id, offset, limit) -> Promise<rows>
    this.rows = new Array(total);
    this.loaded = 0;
    this.pending = new Map(); // page -> Promise
    this.gone = false;
    this.error = null;
    this.listeners = new Set();
    firstRows.forEach((r, i) => this.put(i, r));
  }

  static PAGE = 1000;

  put(i, r) {
    if (this.rows[i] === undefined) this.loaded++;
    this.rows[i] = r;
  }

  get(i) {
    return this.rows[i];
  }

  get complete() {
    return this.loaded >= this.total;
  }

  onLoad(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  pageComplete(p) {
    const end = Math.min(this.total, (p + 1) * PagedRows.PAGE);
    for (let i = p * PagedRows.PAGE; i < end; i++) if (this.rows[i] === undefined) return false;
    return true;
  }

  /** Load the pages holding rows first..last; resolves when they are in. */
  ensure(first, last) {
    const jobs = [];
    const P = PagedRows.PAGE;
    for (let p = Math.floor(first / P); p <= Math.floor(Math.min(last, this.total - 1) / P); p++) {
      if (this.pageComplete(p) || this.gone) continue;
      if (this.pending.has(p)) {
        jobs.push(this.pending.get(p));
        continue;
      }
      const job = this.fetchPage(this.id, p * P, P)
        .then((rows) => {
          this.error = null;
          rows.forEach((r, k) => this.put(p * P + k, r));
          for (const fn of this.listeners) fn();
        })
        .catch((err) => {
          if (this.isGone(err)) this.gone = true;
          else this.error = err;
          for (const fn of this.listeners) fn();
        })
        .finally(() => this.pending.delete(p));
      this.pending.set(p, job);
      jobs.push(job);
    }
    return Promise.all(jobs);
  }

  /** Whether an error means the rows will never come (nothing to retry). */
  isGone() {
    return false;
  }

  /** Load every row (one page at a time). */
  async loadAll() {
    const P = PagedRows.PAGE;
    for (let p = 0; p * P < this.total && !this.gone; p++) await this.ensure(p * P, p * P);
  }
}

/** The rows of a plan, through plan_page: a preview or a progress list. */
export class PlanRows extends PagedRows {
  /** The backend forgets a plan once it is delivered or discarded. */
  isGone(err) {
    return Boolean(err && err.code === 'plan_not_found');
  }
}

/**
 * Arrow keys, Page Up/Down, Home and End scroll a virtualised list's
 * viewport (focused itself, not a row) by rows, as a native list would.
 */
export function scrollWithKeys(viewport, rowHeight) {
  viewport.addEventListener('keydown', (e) => {
    if (e.target !== e.currentTarget) return;
    const vp = e.currentTarget;
    const page = vp.clientHeight - rowHeight;
    const moves = { ArrowDown: rowHeight, ArrowUp: -rowHeight, PageDown: page, PageUp: -page };
    if (e.key in moves) vp.scrollTop += moves[e.key];
    else if (e.key === 'Home') vp.scrollTop = 0;
    else if (e.key === 'End') vp.scrollTop = vp.scrollHeight;
    else return;
    e.preventDefault();
  });
}
