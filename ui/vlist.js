// A virtualised list: only the rows in view (plus a few) exist in the DOM,
// so 100,000 files scroll as smoothly as ten. Rows have one fixed height.
// A row is rebuilt only when its signature changes, and focus inside a
// rebuilt row moves to the same control ([data-focus-key]) in the new one.

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

  scrollToIndex(i) {
    const top = i * this.rowHeight;
    const vp = this.viewport;
    if (top < vp.scrollTop) vp.scrollTop = top;
    else if (top + this.rowHeight > vp.scrollTop + vp.clientHeight) vp.scrollTop = top + this.rowHeight - vp.clientHeight;
  }
}

/**
 * The rows of a plan, loaded page by page through plan_page and cached,
 * so a preview or a progress list shows any row without holding a
 * 100,000-row reply at once.
 */
export class PlanRows {
  constructor(planId, firstRows, total, fetchPage) {
    this.planId = planId;
    this.total = total;
    this.fetchPage = fetchPage; // (planId, offset, limit) -> Promise<rows>
    this.rows = new Array(total);
    this.loaded = 0;
    this.pending = new Map(); // page -> Promise
    this.gone = false;
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
    const end = Math.min(this.total, (p + 1) * PlanRows.PAGE);
    for (let i = p * PlanRows.PAGE; i < end; i++) if (this.rows[i] === undefined) return false;
    return true;
  }

  /** Load the pages holding rows first..last; resolves when they are in. */
  ensure(first, last) {
    const jobs = [];
    const P = PlanRows.PAGE;
    for (let p = Math.floor(first / P); p <= Math.floor(Math.min(last, this.total - 1) / P); p++) {
      if (this.pageComplete(p) || this.gone) continue;
      if (this.pending.has(p)) {
        jobs.push(this.pending.get(p));
        continue;
      }
      const job = this.fetchPage(this.planId, p * P, P)
        .then((rows) => {
          rows.forEach((r, k) => this.put(p * P + k, r));
          for (const fn of this.listeners) fn();
        })
        .catch((err) => {
          // The backend forgets a plan once it is delivered or discarded.
          if (err && err.code === 'plan_not_found') this.gone = true;
        })
        .finally(() => this.pending.delete(p));
      this.pending.set(p, job);
      jobs.push(job);
    }
    return Promise.all(jobs);
  }

  /** Load every row (one page at a time). */
  async loadAll() {
    const P = PlanRows.PAGE;
    for (let p = 0; p * P < this.total && !this.gone; p++) await this.ensure(p * P, p * P);
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
