// Numbers and names as people read them: sizes, rates, time left,
// durations, counts with their word, paths with control characters shown.

const UNITS = ['KB', 'MB', 'GB', 'TB', 'PB'];

/** 0 B, 512 B, 1.5 KB, 7.0 MB, 12 GB (1 KB = 1024 bytes). */
export function formatBytes(n) {
  n = Number(n) || 0;
  if (n < 1024) return `${Math.round(n)} B`;
  let v = n;
  let u = -1;
  do {
    v /= 1024;
    u++;
  } while (v >= 1024 && u < UNITS.length - 1);
  return `${v >= 100 ? Math.round(v) : v.toFixed(1)} ${UNITS[u]}`;
}

export function formatRate(bytesPerSec) {
  return `${formatBytes(bytesPerSec)}/s`;
}

/** "12 s", "3 min", "1 h 5 min". */
export function formatSecs(secs) {
  secs = Math.max(0, Math.round(Number(secs) || 0));
  if (secs < 60) return `${secs} s`;
  const min = Math.round(secs / 60);
  if (min < 60) return `${min} min`;
  const hours = Math.floor(min / 60);
  const rest = min % 60;
  return rest ? `${hours} h ${rest} min` : `${hours} h`;
}

/** "about 12 s left", or '' when unknown. */
export function formatEta(secs) {
  if (secs === null || secs === undefined) return '';
  if (secs < 2) return 'almost done';
  return `about ${formatSecs(secs)} left`;
}

/** A connection test's (or one step's) time, to a tenth of a second: "340 ms", "2.4 s", "12 s", "1 min 5 s". */
export function formatTestTime(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** "340 ms", "2.4 s", "3 min". */
export function formatDuration(ms) {
  ms = Number(ms) || 0;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return formatSecs(ms / 1000);
}

/**
 * Whole numbers grouped as the user's locale writes them, or as en-US
 * where the locale groups nothing (the POSIX "C" locale): a count is
 * always exact and readable, "1,234,567", never "1234567" or "1.2M".
 */
const COUNTS = (() => {
  const local = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
  return local.format(1_000_000).length > 7 ? local : new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
})();

/** 1234567 -> "1,234,567". */
export function formatCount(n) {
  return COUNTS.format(Number(n || 0));
}

/** "1 file", "2,048 files": a count and the word that goes with it. */
export function plural(n, one, many = one + 's') {
  return `${typeof n === 'number' ? formatCount(n) : n} ${n === 1 ? one : many}`;
}

/** The last segment of a path (either separator). */
export function baseName(path) {
  const s = String(path || '').replace(/[\\/]+$/, '');
  const i = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
  return i >= 0 ? s.slice(i + 1) : s;
}

/** Control characters (a refused name may hold one) as their visible symbols (U+2400…). */
export function visibleName(s) {
  return String(s ?? '').replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\u007f' ? '\u2421' : String.fromCharCode(0x2400 + c.charCodeAt(0))));
}
