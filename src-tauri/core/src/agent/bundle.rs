//! A batching watch's combined objects (the per-minute convention of event
//! pipelines): the files that settled within the window, newline-joined in
//! the order they settled, a CSV's repeated header line left out,
//! gzip-compressed into one object under the hourly key. The combined file
//! is kept in the data folder until it has landed, and its files carry its
//! id in the journal, so after a failure or a crash the same object (same
//! bytes, same key) is sent again rather than a second one made.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;

use super::events::WatchEvent;
use super::outcome::{fail, gives_up, retry_later, Outgoing};
use crate::app::Chute;
use crate::deliver;
use crate::deliver::plan::mtime_ms;
use crate::destination::{Compression, Settings};
use crate::report::ErrorInfo;
use crate::watch::journal::Queued;
use crate::watch::{Batching, Watch, BATCH_TEMPLATE};

fn folder(chute: &Chute) -> PathBuf {
    chute.data_dir().join("bundles")
}

fn path_of(chute: &Chute, bundle: &str) -> PathBuf {
    folder(chute).join(format!("{bundle}.gz"))
}

/// The combined file of a bundle is no longer needed (it landed, or never will).
pub(super) fn forget(chute: &Chute, bundle: &str) {
    let _ = std::fs::remove_file(path_of(chute, bundle));
}

/// What to send now for a batching watch: a bundle that went out before
/// and must go again, else a new one once the window has passed (or the
/// count or size is reached); `None` while the window is open.
#[allow(clippy::too_many_arguments)]
pub(super) fn outgoing(
    chute: &Chute,
    w: &Watch,
    destination_id: &str,
    settings: &Settings,
    batching: &Batching,
    due: Vec<Queued>,
    now: i64,
    emit: &mut dyn FnMut(WatchEvent),
) -> Option<Outgoing> {
    let settings = Settings { key_template: BATCH_TEMPLATE.into(), compression: Compression::Off, ..settings.clone() };
    if let Some(bundle) = due.iter().find_map(|q| q.bundle.clone()) {
        let members: Vec<Queued> = due.into_iter().filter(|q| q.bundle.as_deref() == Some(bundle.as_str())).collect();
        let path = path_of(chute, &bundle);
        if !path.exists() {
            // Gone from the data folder: made again from the same files, in the same order.
            let _ = combine(&w.settings.folder, &members, &path);
        }
        let key = members.iter().find_map(|q| q.key.clone());
        return plan_for(chute, w, destination_id, &settings, &path, members, bundle, key, now, emit);
    }
    let oldest = due.iter().map(|q| q.queued_at).min()?;
    let bytes: u64 = due.iter().map(|q| q.size).sum();
    let full = due.len() >= batching.max_files as usize || bytes >= batching.max_bytes;
    if !full && now < oldest + batching.window_ms as i64 {
        return None;
    }
    let mut chosen = vec![];
    let mut size = 0;
    for q in due {
        if !chosen.is_empty() && (chosen.len() >= batching.max_files as usize || size + q.size > batching.max_bytes) {
            break;
        }
        size += q.size;
        chosen.push(q);
    }
    let bundle = uuid::Uuid::new_v4().simple().to_string();
    let path = path_of(chute, &bundle);
    let members = match std::fs::create_dir_all(folder(chute)).and_then(|_| combine(&w.settings.folder, &chosen, &path)) {
        Ok(members) => members,
        Err(e) => {
            let info = ErrorInfo::new(
                crate::report::Code::SourceUnreadable,
                format!("The files could not be combined in {}: {e}.", folder(chute).display()),
                "Make room in (or give write permission on) Chute's data folder; the files wait and are tried again.",
            );
            for q in &chosen {
                retry_later(chute, w, destination_id, q, q.attempts + 1, info.clone(), now, emit);
            }
            return None;
        }
    };
    if members.is_empty() {
        forget(chute, &bundle);
        return None; // every file changed since it settled: each settles again and joins a later object
    }
    plan_for(chute, w, destination_id, &settings, &path, members, bundle, None, now, emit)
}

/// One plan of the combined file, under `key` when it went out before.
#[allow(clippy::too_many_arguments)]
fn plan_for(
    chute: &Chute,
    w: &Watch,
    destination_id: &str,
    settings: &Settings,
    path: &Path,
    members: Vec<Queued>,
    bundle: String,
    key: Option<String>,
    now: i64,
    emit: &mut dyn FnMut(WatchEvent),
) -> Option<Outgoing> {
    let base = path.parent().unwrap_or(Path::new("/"));
    let mut plan = deliver::plan_files(settings, base, &[path.to_path_buf()], time::OffsetDateTime::now_utc());
    if let Some(p) = plan.problems.first() {
        let info = ErrorInfo::new(p.code, p.message.clone(), p.fix.clone());
        for q in &members {
            if gives_up(p.code) {
                fail(chute, w, destination_id, q, info.clone(), now, emit);
            } else {
                retry_later(chute, w, destination_id, q, q.attempts + 1, info.clone(), now, emit);
            }
        }
        forget(chute, &bundle);
        return None;
    }
    if let (Some(f), Some(key)) = (plan.files.first_mut(), key) {
        f.key = key;
    }
    plan.files.first()?;
    Some(Outgoing { plan, groups: vec![members], bundle: Some(bundle) })
}

/// Write the files of `members` (those still as they settled) into `dst`,
/// newline-joined and gzip-compressed; returns the members written.
pub fn combine(folder: &Path, members: &[Queued], dst: &Path) -> std::io::Result<Vec<Queued>> {
    let out = std::fs::File::create(dst)?;
    let mut gz = GzEncoder::new(std::io::BufWriter::new(out), flate2::Compression::default());
    let mut header: Option<Vec<u8>> = None;
    let mut written = vec![];
    for q in members {
        let path = folder.join(&q.relpath);
        let Ok(meta) = std::fs::metadata(&path) else { continue };
        if meta.len() != q.size || mtime_ms(&meta) != q.mtime_ms {
            continue;
        }
        let mut content = Vec::with_capacity(q.size as usize);
        if std::fs::File::open(&path).and_then(|mut f| f.read_to_end(&mut content)).is_err() || content.len() as u64 != q.size {
            continue;
        }
        let mut body: &[u8] = &content;
        if q.relpath.to_ascii_lowercase().ends_with(".csv") {
            let first_end = body.iter().position(|b| *b == b'\n').map_or(body.len(), |i| i + 1);
            let first = &body[..first_end];
            match &header {
                Some(h) if h.as_slice() == first => body = &body[first_end..],
                Some(_) => {}
                None => header = Some(first.to_vec()),
            }
        }
        gz.write_all(body)?;
        if !body.is_empty() && !body.ends_with(b"\n") {
            gz.write_all(b"\n")?;
        }
        written.push(q.clone());
    }
    gz.finish()?.flush()?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::read::GzDecoder;

    fn queued(folder: &Path, id: i64, rel: &str, body: &[u8]) -> Queued {
        std::fs::write(folder.join(rel), body).unwrap();
        let m = std::fs::metadata(folder.join(rel)).unwrap();
        Queued {
            id,
            relpath: rel.into(),
            size: m.len(),
            mtime_ms: crate::deliver::plan::mtime_ms(&m),
            checksum: String::new(),
            key: None,
            attempts: 0,
            queued_at: 0,
            bundle: None,
        }
    }

    #[test]
    fn files_are_joined_by_lines_in_order_without_repeated_csv_headers() {
        let dir = tempfile::tempdir().unwrap();
        let members = vec![
            queued(dir.path(), 1, "a.ndjson", b"{\"n\":1}\n{\"n\":2}\n"),
            queued(dir.path(), 2, "b.ndjson", b"{\"n\":3}"),
            queued(dir.path(), 3, "c.csv", b"id,v\n1,x\n"),
            queued(dir.path(), 4, "d.csv", b"id,v\n2,y\n"),
            queued(dir.path(), 5, "empty.log", b""),
        ];
        let dst = dir.path().join("out.gz");
        let written = combine(dir.path(), &members, &dst).unwrap();
        assert_eq!(written.len(), 5);
        let mut text = String::new();
        GzDecoder::new(std::fs::File::open(&dst).unwrap()).read_to_string(&mut text).unwrap();
        assert_eq!(text, "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\nid,v\n1,x\n2,y\n");
    }

    #[test]
    fn a_file_changed_since_it_settled_is_left_for_a_later_object() {
        let dir = tempfile::tempdir().unwrap();
        let a = queued(dir.path(), 1, "a.log", b"one\n");
        let b = queued(dir.path(), 2, "b.log", b"two\n");
        std::fs::write(dir.path().join("b.log"), b"two, longer\n").unwrap();
        let written = combine(dir.path(), &[a, b], &dir.path().join("out.gz")).unwrap();
        assert_eq!(written.iter().map(|q| q.id).collect::<Vec<_>>(), [1]);
    }
}
