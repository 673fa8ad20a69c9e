// What a destination's server was seen to do, in its detail sheet
// (#details-server, one .details-fact per observation, data-guard on the
// list saying how "never overwrite" is kept there: atomic, check_first or
// unknown), and "Measure again" (#details-measure), which measures on a
// probe object written and deleted under the prefix.

import { api } from '../lib/api.js';
import { $, h } from '../lib/dom.js';
import { icon } from '../lib/icons.js';
import { toast, errorToast } from '../components/toast.js';
import { shortRelativeTime } from '../lib/reltime.js';

const GUARD = {
  atomic: ['Atomic: the server refuses a write to a key that holds an object', 'check'],
  check_first: ['Not atomic here: the server ignores conditional writes, so Chute looks before each write', 'warning'],
  unknown: ['Not measured yet: the next test or delivery measures it', 'info'],
};

const ALGORITHMS = { md5: 'MD5', crc32: 'CRC32', crc32c: 'CRC32C', crc64nvme: 'CRC64NVME', sha1: 'SHA-1', sha256: 'SHA-256' };

function fact(label, value, iconName) {
  return h('div', { class: 'details-fact' }, h('dt', { text: label }), h('dd', {}, iconName ? icon(iconName) : null, h('span', { text: value })));
}

function checksumText(c) {
  if (!c.checksums || !c.checksums.length) return 'Not measured yet: test the connection to see';
  const verified = c.checksums.filter((o) => o.support === 'verified').map((o) => ALGORITHMS[o.algorithm] || o.algorithm);
  return verified.length ? `Verifies ${verified.join(', ')}` : 'Verifies none: Chute compares each object’s ETag with what it sent';
}

/** Render the observations of destination `d` (a DestinationView). */
export function renderServer(d) {
  const list = $('#details-server');
  const c = d.capabilities;
  const guard = d.overwrite_guard || 'unknown';
  list.dataset.guard = guard;
  const rows = [];
  if (d.overwrite === 'never' || !d.overwrite) rows.push(fact('Never overwrite', GUARD[guard][0], GUARD[guard][1]));
  if (c) {
    rows.push(fact('Checksums', checksumText(c)));
    if (c.lists_uploads != null) rows.push(fact('Unfinished uploads', c.lists_uploads ? 'Can be listed' : 'Cannot be listed on this server'));
    if (c.multipart_etag !== 'unknown') rows.push(fact('Multipart ETags', c.multipart_etag === 'md5_of_parts' ? 'MD5s of the parts (checkable)' : 'Opaque'));
  } else {
    rows.push(fact('Seen', 'Not measured on this endpoint yet'));
  }
  list.replaceChildren(...rows);
  $('#details-server-when').textContent = c ? `measured ${shortRelativeTime(c.measured_at)}` : '';
}

export function initServer({ current, onMeasured }) {
  $('#details-measure').addEventListener('click', async (e) => {
    const d = current();
    if (!d) return;
    const button = e.currentTarget;
    button.disabled = true;
    button.classList.add('is-busy');
    try {
      const c = await api.measureCapabilities(d.id);
      toast(`Measured what the server of ${d.name} does`, { kind: 'success', timeout: 3000 });
      onMeasured(d.id, c);
    } catch (err) {
      errorToast(err);
    } finally {
      button.disabled = false;
      button.classList.remove('is-busy');
    }
  });
}
