// One vocabulary for the states a person sees: what each file and batch
// status is called, wherever it is shown.

const FILE_STATUS = {
  delivered: 'Delivered',
  failed: 'Failed',
  skipped: 'Skipped',
  cancelled: 'Cancelled',
  pending: 'Not sent yet',
  cancelling: 'Cancelling',
};

/** The label of a file status (delivered, failed, skipped, cancelled, pending, cancelling). */
export function statusLabel(status) {
  return FILE_STATUS[status] || String(status);
}
