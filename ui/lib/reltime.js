// Relative times ("just now", "5 minutes ago", "Yesterday 14:05") that
// stay true while they are on screen: every <time data-rel-time> under a
// watched element is rewritten when its text would change (the next
// minute, hour or midnight), not on a fixed tick; times added later (new
// rows) are picked up as they appear. Cards redrawn anyway use the
// compact, fixed shortRelativeTime ("5 min ago"), and a moment to be
// read as a clock, clockText ("14:05:09").

import { plural } from './format.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Beyond this, a time of day reads better than "N hours ago". */
const HOURS_SHOWN = 6;

function clock(d) {
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function nextMidnight(now) {
  const d = new Date(now);
  d.setHours(24, 0, 0, 0);
  return d.getTime();
}

/** The text for `ms` seen at `now`, and the instant that text stops being true. */
export function relativeTime(ms, now = Date.now()) {
  const age = Math.max(0, now - ms);
  if (age < MINUTE) return { text: 'just now', until: ms + MINUTE };
  if (age < HOUR) {
    const n = Math.floor(age / MINUTE);
    return { text: n === 1 ? '1 minute ago' : `${n} minutes ago`, until: ms + (n + 1) * MINUTE };
  }
  if (age < HOURS_SHOWN * HOUR) {
    const n = Math.floor(age / HOUR);
    return { text: n === 1 ? '1 hour ago' : `${n} hours ago`, until: ms + (n + 1) * HOUR };
  }
  const d = new Date(ms);
  const midnight = nextMidnight(now);
  const today = new Date(now).toDateString();
  if (d.toDateString() === today) return { text: `Today ${clock(d)}`, until: midnight };
  const yesterday = new Date(now);
  yesterday.setDate(yesterday.getDate() - 1);
  if (d.toDateString() === yesterday.toDateString()) return { text: `Yesterday ${clock(d)}`, until: midnight };
  return { text: `${d.toLocaleDateString()} ${clock(d)}`, until: Infinity };
}

/** A <time> showing `ms` relatively, with the full date and time for the pointer. */
export function timeElement(ms, className = '') {
  const el = document.createElement('time');
  if (className) el.className = className;
  el.dateTime = new Date(ms).toISOString();
  el.dataset.relTime = String(ms);
  el.title = new Date(ms).toLocaleString();
  el.textContent = relativeTime(ms).text;
  return el;
}

/**
 * Keeps the relative times under `root` true once started: each is
 * rewritten when due, and the next rewrite is timed for the soonest change.
 */
export class RelativeTimes {
  constructor(root) {
    this.root = root;
    this.timer = 0;
    this.running = false;
    this.observer = new MutationObserver(() => this.schedule());
  }

  start() {
    if (this.running) return;
    this.running = true;
    this.observer.observe(this.root, { childList: true, subtree: true });
    this.refresh();
  }

  /** Rewrite what is due now, then wait for the next change. */
  refresh() {
    const now = Date.now();
    for (const el of this.root.querySelectorAll('time[data-rel-time]')) {
      const { text } = relativeTime(Number(el.dataset.relTime), now);
      if (el.textContent !== text) el.textContent = text;
    }
    this.schedule();
  }

  /** Time the next refresh for the soonest change among the times shown. */
  schedule() {
    if (!this.running) return;
    clearTimeout(this.timer);
    const now = Date.now();
    let soonest = Infinity;
    for (const el of this.root.querySelectorAll('time[data-rel-time]')) {
      soonest = Math.min(soonest, relativeTime(Number(el.dataset.relTime), now).until);
    }
    if (soonest === Infinity) return;
    // A little after the change, never sooner than a second from now.
    this.timer = setTimeout(() => this.refresh(), Math.max(1000, soonest - now + 250));
  }
}

/** A moment as a clock shows it: the time of day (with seconds) today, else the date and time. */
export function clockText(ms) {
  const d = new Date(ms);
  const sameDay = d.toDateString() === new Date().toDateString();
  return sameDay ? d.toLocaleTimeString(undefined, { timeStyle: 'medium' }) : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * A compact relative time ("just now", "5 min ago", "3 days ago"), fixed
 * when drawn: for cards and lists that are redrawn anyway.
 */
export function shortRelativeTime(ms) {
  if (!ms) return '';
  const diff = Date.now() - ms;
  const min = 60_000, hour = 60 * min, day = 24 * hour;
  if (diff < min) return 'just now';
  if (diff < hour) return `${Math.round(diff / min)} min ago`;
  if (diff < day) return `${Math.round(diff / hour)} h ago`;
  if (diff < 30 * day) return plural(Math.round(diff / day), 'day') + ' ago';
  return new Date(ms).toLocaleDateString();
}
