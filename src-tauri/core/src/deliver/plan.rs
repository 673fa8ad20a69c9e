//! The plan: dropped paths -> files -> keys, with sizes, content types,
//! warnings and collisions. Nothing is sent until the user has seen it.

use std::borrow::Cow;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::destination::Settings;
use crate::keys::{self, KeyContext};
use crate::report::Code;

use super::ignore::ignored;
pub use super::planned_file::{PlannedFile, SourcePath};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlanOptions {
    /// Follow symbolic links (loops are detected and never followed).
    pub follow_symlinks: bool,
    /// Name patterns (`*` and `?` wildcards); a trailing `/` matches folders only.
    pub ignore: Vec<String>,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions { follow_symlinks: false, ignore: crate::destination::DEFAULT_IGNORES.iter().map(|s| s.to_string()).collect() }
    }
}

/// Something the plan left out on purpose.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Excluded {
    #[serde(serialize_with = "lossy_path")]
    pub path: PathBuf,
    pub reason: String,
}

/// A file that cannot be delivered as things stand; the rest of the batch can.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PlanProblem {
    #[serde(serialize_with = "lossy_path")]
    pub path: PathBuf,
    pub code: crate::report::Code,
    pub message: String,
    pub fix: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Collision {
    pub key: String,
    pub sources: Vec<PathBuf>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Plan {
    pub files: Vec<PlannedFile>,
    pub excluded: Vec<Excluded>,
    pub problems: Vec<PlanProblem>,
    /// Several files rendering to one key: delivery refuses the batch until resolved.
    pub collisions: Vec<Collision>,
    pub total_bytes: u64,
    /// Unix milliseconds; the time the key template's date tokens use.
    pub created_at: i64,
    /// For a retry or re-delivery from the history: the batch it repeats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_batch: Option<String>,
    /// The folders and files given (dropped, chosen or named), for the history.
    #[serde(default, serialize_with = "lossy_paths")]
    pub sources: Vec<PathBuf>,
}

impl Plan {
    pub fn is_deliverable(&self) -> bool {
        self.collisions.is_empty() && !self.files.is_empty()
    }
}

/// A path as text even when it is not UTF-8 (a name Chute refuses must
/// still be shown, not make the whole plan unserializable).
fn lossy_path<S: serde::Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&path.to_string_lossy())
}

fn lossy_paths<S: serde::Serializer>(paths: &[PathBuf], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(paths.iter().map(|p| p.to_string_lossy()))
}

/// A file's modification time in Unix milliseconds (0 where the OS gives none).
pub fn mtime_ms(meta: &std::fs::Metadata) -> i64 {
    meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map(|d| d.as_millis() as i64).unwrap_or(0)
}

fn short_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_string()
}

/// Walk `paths` and work out every file's key under `settings`.
pub fn plan(settings: &Settings, paths: &[PathBuf], opts: &PlanOptions, now: time::OffsetDateTime) -> Plan {
    let mut plan = empty(paths.to_vec(), now);
    let Some(template) = template_or_refuse(settings, paths, &mut plan) else { return plan };
    for root in paths {
        walk_root(settings, &template, root, opts, now, &mut plan);
    }
    totals(plan)
}

/// Plan chosen files of a folder (as a watch finds them), each keyed by its
/// path under `base` as if the folder had been dropped. No walking: a file
/// gone or not a regular file becomes a problem.
pub fn plan_files(settings: &Settings, base: &Path, files: &[PathBuf], now: time::OffsetDateTime) -> Plan {
    let mut plan = empty(vec![base.to_path_buf()], now);
    let Some(template) = template_or_refuse(settings, files, &mut plan) else { return plan };
    let base: Arc<Path> = Arc::from(base);
    for path in files {
        match std::fs::symlink_metadata(path) {
            Ok(m) if m.is_file() => add_file(settings, &template, &base, path, Ok(m), now, &mut plan),
            Ok(_) => plan.excluded.push(Excluded { path: path.clone(), reason: "not a regular file".into() }),
            Err(e) => plan.problems.push(io_problem(path, &e)),
        }
    }
    totals(plan)
}

fn empty(sources: Vec<PathBuf>, now: time::OffsetDateTime) -> Plan {
    Plan { created_at: (now.unix_timestamp_nanos() / 1_000_000) as i64, sources, ..Plan::default() }
}

/// The destination's key template, or (never a silent fallback to another
/// template: files would land under keys nobody chose) each path refused.
fn template_or_refuse(settings: &Settings, paths: &[PathBuf], plan: &mut Plan) -> Option<Vec<keys::Part>> {
    match keys::parse_template(&settings.key_template) {
        Ok(t) => Some(t),
        Err(e) => {
            plan.problems.extend(paths.iter().map(|path| PlanProblem {
                path: path.clone(),
                code: Code::TemplateInvalid,
                message: format!("The destination's key template is not valid: {e}."),
                fix: "Edit the destination and correct its key template (e.g. {prefix}{relpath}).".into(),
            }));
            None
        }
    }
}

fn totals(mut plan: Plan) -> Plan {
    plan.collisions = collisions(&plan.files);
    plan.total_bytes = plan.files.iter().map(|f| f.size).sum();
    plan
}

/// Keys that more than one planned file would be written to, in key order,
/// each with its files' sources in plan order. The files are sorted by key
/// as indexes (4 bytes a file), so a 100,000-file plan is checked without a
/// second copy of its keys or paths.
pub fn collisions(files: &[PlannedFile]) -> Vec<Collision> {
    let mut by_key: Vec<u32> = (0..files.len() as u32).collect();
    by_key.sort_by(|&a, &b| files[a as usize].key.cmp(&files[b as usize].key));
    by_key
        .chunk_by(|&a, &b| files[a as usize].key == files[b as usize].key)
        .filter(|same| same.len() > 1)
        .map(|same| Collision {
            key: files[same[0] as usize].key.clone(),
            sources: same.iter().map(|&i| files[i as usize].source().into_owned()).collect(),
        })
        .collect()
}

/// Some files of an earlier plan again (by index), under the keys they had
/// (a retry must not re-key `sub/a.txt` as `a.txt`), with sizes and times
/// read afresh; a file no longer there becomes a problem.
pub fn again(plan: &Plan, indexes: &[usize]) -> Plan {
    let mut out = Plan {
        files: vec![],
        excluded: vec![],
        problems: vec![],
        collisions: vec![],
        total_bytes: 0,
        created_at: plan.created_at,
        from_batch: plan.from_batch.clone(),
        sources: plan.sources.clone(),
    };
    for &i in indexes {
        let Some(f) = plan.files.get(i) else { continue };
        let source = f.source();
        match std::fs::metadata(&source) {
            Ok(m) if m.is_file() => out.files.push(PlannedFile { size: m.len(), mtime_ms: mtime_ms(&m), ..f.clone() }),
            Ok(_) | Err(_) => out.problems.push(PlanProblem {
                path: source.to_path_buf(),
                code: Code::NotFound,
                message: format!("{} is no longer there.", source.display()),
                fix: "Put the file back where it was, or deliver it from where it is now.".into(),
            }),
        }
    }
    out.total_bytes = out.files.iter().map(|f| f.size).sum();
    out
}

/// Files of an earlier plan under new keys: those at `indexes` keyed
/// afresh from their paths with `settings`' prefix and template (a one-off
/// choice, e.g. for files whose keys are taken). With `keep_others`, the
/// plan's other files come along under the keys they had; without, the new
/// plan holds only the re-keyed files. The caller has validated the template.
pub fn rekey(settings: &Settings, plan: &Plan, indexes: &[usize], keep_others: bool, now: time::OffsetDateTime) -> Plan {
    let chosen: std::collections::BTreeSet<usize> = indexes.iter().copied().collect();
    let all: Vec<usize> = if keep_others { (0..plan.files.len()).collect() } else { chosen.iter().copied().collect() };
    let mut out = again(plan, &all);
    // `again` keeps order and drops vanished files: tell the re-keyed ones by source.
    let rekeyed: std::collections::HashSet<PathBuf> =
        chosen.iter().filter_map(|&i| plan.files.get(i)).map(|f| f.source().into_owned()).collect();
    out.created_at = (now.unix_timestamp_nanos() / 1_000_000) as i64;
    out.from_batch = None;
    let template = match keys::parse_template(&settings.key_template) {
        Ok(t) => t,
        Err(e) => {
            out.problems.extend(out.files.drain(..).map(|f| PlanProblem {
                path: f.source().into_owned(),
                code: Code::TemplateInvalid,
                message: format!("The key template is not valid: {e}."),
                fix: "Choose a valid key template (e.g. {prefix}{relpath}).".into(),
            }));
            out.total_bytes = 0;
            return out;
        }
    };
    let files = std::mem::take(&mut out.files);
    for f in files {
        if !rekeyed.contains(f.source().as_ref()) {
            out.files.push(f);
            continue;
        }
        let (uuid, id) = (uuid::Uuid::new_v4().to_string(), short_id());
        let ctx = KeyContext { prefix: &settings.prefix, relpath: &f.relpath, time: now, uuid: &uuid, id: &id };
        match keys::render(&template, &ctx) {
            Ok(key) => out.files.push(PlannedFile { key: compressed(settings, key, &f.relpath).0, ..f }),
            Err(e) => out.problems.push(PlanProblem { path: f.source().into_owned(), code: e.code, message: e.message, fix: e.fix }),
        }
    }
    out.collisions = collisions(&out.files);
    out.total_bytes = out.files.iter().map(|f| f.size).sum();
    out
}

fn walk_root(settings: &Settings, template: &[keys::Part], root: &Path, opts: &PlanOptions, now: time::OffsetDateTime, plan: &mut Plan) {
    let meta = match std::fs::metadata(root) {
        Ok(m) => m,
        Err(e) => {
            plan.problems.push(io_problem(root, &e));
            return;
        }
    };
    // A dropped folder's files are keyed by their path inside it; a dropped file by its name.
    let base: Arc<Path> = Arc::from(if meta.is_dir() { root } else { root.parent().unwrap_or(Path::new("")) });
    let walker = walkdir::WalkDir::new(root).follow_links(opts.follow_symlinks).sort_by_file_name();
    let mut it = walker.into_iter();
    while let Some(entry) = it.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map(Path::to_path_buf).unwrap_or_else(|| root.to_path_buf());
                if e.loop_ancestor().is_some() {
                    plan.excluded.push(Excluded { path, reason: "symbolic link loop (not followed)".into() });
                } else if let Some(io) = e.io_error() {
                    plan.problems.push(io_problem(&path, io));
                } else {
                    plan.problems.push(PlanProblem {
                        path,
                        code: Code::WalkFailed,
                        message: e.to_string(),
                        fix: "Check the folder and try again.".into(),
                    });
                }
                continue;
            }
        };
        let path = entry.path();
        let name = entry.file_name().to_string_lossy();
        let ft = entry.file_type();
        if entry.depth() > 0 {
            if let Some(reason) = ignored(&opts.ignore, &name, ft.is_dir()) {
                plan.excluded.push(Excluded { path: path.to_path_buf(), reason });
                if ft.is_dir() {
                    it.skip_current_dir();
                }
                continue;
            }
        }
        if ft.is_dir() {
            continue;
        }
        if ft.is_symlink() {
            plan.excluded.push(Excluded {
                path: path.to_path_buf(),
                reason: "symbolic link (not followed; turn on \"follow links\" to include it)".into(),
            });
            continue;
        }
        if !ft.is_file() {
            plan.excluded.push(Excluded { path: path.to_path_buf(), reason: "not a regular file (device, socket or pipe)".into() });
            continue;
        }
        add_file(settings, template, &base, path, entry.metadata().map_err(|e| e.to_string()), now, plan);
    }
}

/// Key one regular file by its path under `base`, or say why it cannot be delivered.
fn add_file(
    settings: &Settings,
    template: &[keys::Part],
    base: &Arc<Path>,
    path: &Path,
    meta: Result<std::fs::Metadata, String>,
    now: time::OffsetDateTime,
    plan: &mut Plan,
) {
    let inside = path.strip_prefix(base).ok();
    let rel = inside.unwrap_or(path);
    // Under the folder by plain names: the file is the folder and its relpath.
    let mut under_base = inside.is_some();
    let mut segs = Vec::new();
    let mut bad_name = false;
    for c in rel.components() {
        under_base &= matches!(c, Component::Normal(_));
        match c.as_os_str().to_str() {
            Some(s) => segs.push(s.to_string()),
            None => bad_name = true,
        }
    }
    if bad_name {
        plan.problems.push(PlanProblem {
            path: path.to_path_buf(),
            code: Code::NameNotUtf8,
            message: format!("The name of {} is not valid UTF-8, so it has no faithful object key.", path.to_string_lossy()),
            fix: "Rename the file (or folder) to a name in UTF-8.".into(),
        });
        return;
    }
    if path.to_str().is_none() {
        // The key is fine, but the path could not be shown, recorded in the history or retried.
        plan.problems.push(PlanProblem {
            path: path.to_path_buf(),
            code: Code::NameNotUtf8,
            message: format!(
                "{} is in a folder whose name is not valid UTF-8, so Chute cannot record or retry it faithfully.",
                path.to_string_lossy()
            ),
            fix: "Rename the folder to a name in UTF-8 (or move the files out of it), then deliver again.".into(),
        });
        return;
    }
    let relpath = segs.join("/");
    let meta = match meta {
        Ok(m) => m,
        Err(e) => {
            plan.problems.push(PlanProblem {
                path: path.to_path_buf(),
                code: Code::StatFailed,
                message: e,
                fix: "Check the file and try again.".into(),
            });
            return;
        }
    };
    let (uuid, id) = (uuid::Uuid::new_v4().to_string(), short_id());
    let ctx = KeyContext { prefix: &settings.prefix, relpath: &relpath, time: now, uuid: &uuid, id: &id };
    match keys::render(template, &ctx) {
        Ok(key) => {
            let (key, content_type) = compressed(settings, key, &relpath);
            let from = if under_base { SourcePath::Under(base.clone()) } else { SourcePath::Own(path.to_path_buf()) };
            plan.files.push(PlannedFile { from, relpath, key, size: meta.len(), mtime_ms: mtime_ms(&meta), content_type });
        }
        Err(e) => plan.problems.push(PlanProblem { path: path.to_path_buf(), code: e.code, message: e.message, fix: e.fix }),
    }
}

/// The key and content type a file is sent under: a destination that
/// stores gzip objects adds `.gz` and sends `application/gzip`; else the
/// type set on the destination, or guessed from the name.
fn compressed(settings: &Settings, key: String, relpath: &str) -> (String, Cow<'static, str>) {
    if settings.compression == crate::destination::Compression::Gzip {
        return (format!("{key}.gz"), Cow::Borrowed("application/gzip"));
    }
    let content_type = if settings.headers.content_type.trim().is_empty() {
        Cow::Borrowed(mime_guess::from_path(relpath).first_raw().unwrap_or("application/octet-stream"))
    } else {
        Cow::Owned(settings.headers.content_type.trim().to_string())
    };
    (key, content_type)
}

fn io_problem(path: &Path, e: &std::io::Error) -> PlanProblem {
    let (code, fix) = match e.kind() {
        std::io::ErrorKind::NotFound => (Code::NotFound, "The file or folder was moved or deleted; drop it again."),
        std::io::ErrorKind::PermissionDenied => {
            (Code::PermissionDenied, "Give yourself read permission on it (e.g. `chmod u+r`), then try again.")
        }
        _ => (Code::ReadFailed, "Check the file or folder, then try again."),
    };
    PlanProblem { path: path.to_path_buf(), code, message: format!("{}: {e}", path.display()), fix: fix.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn names_not_in_utf8_are_refused_and_the_plan_still_serializes() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let odd = dir.path().join(std::ffi::OsStr::from_bytes(b"odd\xff"));
        std::fs::create_dir(&odd).unwrap();
        std::fs::write(odd.join("a.txt"), b"a").unwrap();
        std::fs::write(odd.join(std::ffi::OsStr::from_bytes(b"b\xfe.txt")), b"b").unwrap();
        let now = time::OffsetDateTime::now_utc();
        let p = plan(&Settings::default(), &[odd], &PlanOptions::default(), now);
        assert!(p.files.is_empty());
        let codes: Vec<&str> = p.problems.iter().map(|x| x.code.as_str()).collect();
        assert_eq!(codes, ["name_not_utf8", "name_not_utf8"]);
        let json = serde_json::to_string(&p).expect("a plan always serializes");
        assert!(json.contains("odd\u{fffd}"), "{json}");
    }

    #[test]
    fn an_invalid_template_is_reported_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), b"a").unwrap();
        let s = Settings { key_template: "{prefix}x/../{name}".into(), ..Settings::default() };
        let p = plan(&s, &[dir.path().to_path_buf()], &PlanOptions::default(), time::OffsetDateTime::now_utc());
        assert!(p.files.is_empty());
        assert_eq!(p.problems.len(), 1);
        assert_eq!(p.problems[0].code, Code::TemplateInvalid);
    }
}
