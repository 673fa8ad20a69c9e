// How far a delivery has got, from the progress the core reports
// ({bytes_sent, bytes_total, files_done, files_total}): by bytes, or by
// files when there are no bytes to count (empty files only).

/** 0 to 100, rounded down: 100 only once everything is sent. */
export function percentDone(p) {
  const frac = p.bytes_total > 0 ? p.bytes_sent / p.bytes_total : p.files_total > 0 ? p.files_done / p.files_total : 0;
  return Math.max(0, Math.min(100, Math.floor(frac * 100)));
}
