//! The folders as the OS reports them: one notify watcher per watch
//! (inotify and its kin), or polling where the OS gives no events (network
//! file systems, or `CHUTE_WATCH_POLL=1`); listing a folder's files when a
//! watch starts; the OS watch limit and missing folders in plain words.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

use crate::report::{Code, ErrorInfo};

/// Paths the OS said changed, for the watch with this id.
pub struct Changed {
    pub watch_id: String,
    pub paths: Vec<PathBuf>,
}

/// A running OS watch; dropping it stops it.
pub struct FolderWatcher {
    _inner: Box<dyn Watcher + Send>,
    /// Why polling is used instead of OS events, if it is.
    pub polling: Option<String>,
}

/// File systems whose changes made elsewhere never reach this machine's events.
const NETWORK_FS: &[&str] =
    &["nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "9p", "afs", "ceph", "glusterfs", "fuse.davfs2", "davfs"];

const POLL_EVERY: Duration = Duration::from_secs(2);

/// The file system type of the mount holding `path` (Linux; `None` elsewhere).
fn fs_type(path: &Path) -> Option<String> {
    let mounts = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
    let path = path.canonicalize().ok()?;
    // Fields: id parent major:minor root mount-point options ... - fstype source super-options
    mounts
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            let mount = PathBuf::from(f.get(4)?.replace("\\040", " "));
            let dash = f.iter().position(|x| *x == "-")?;
            Some((mount, f.get(dash + 1)?.to_string()))
        })
        .filter(|(mount, _)| path.starts_with(mount))
        .max_by_key(|(mount, _)| mount.as_os_str().len())
        .map(|(_, t)| t)
}

fn polling_reason(folder: &Path) -> Option<String> {
    if std::env::var_os("CHUTE_WATCH_POLL").is_some_and(|v| v == "1") {
        return Some("CHUTE_WATCH_POLL=1 is set".into());
    }
    let t = fs_type(folder)?;
    NETWORK_FS.contains(&t.as_str()).then(|| format!("the folder is on a network file system ({t}), which sends no change events"))
}

/// Watch `folder` (and its subfolders when `recursive`), sending every
/// change to `tx`.
pub fn watch(watch_id: &str, folder: &Path, recursive: bool, tx: Sender<super::Msg>) -> Result<FolderWatcher, ErrorInfo> {
    let id = watch_id.to_string();
    let handler = move |res: notify::Result<notify::Event>| {
        if let Ok(e) = res {
            if !e.paths.is_empty() && !e.kind.is_access() {
                let _ = tx.send(super::Msg::Changed(Changed { watch_id: id.clone(), paths: e.paths }));
            }
        }
    };
    let polling = polling_reason(folder);
    let mode = if recursive { RecursiveMode::Recursive } else { RecursiveMode::NonRecursive };
    let mut inner: Box<dyn Watcher + Send> = match &polling {
        Some(_) => Box::new(
            notify::PollWatcher::new(handler, notify::Config::default().with_poll_interval(POLL_EVERY))
                .map_err(|e| setup_failed(folder, &e))?,
        ),
        None => Box::new(notify::recommended_watcher(handler).map_err(|e| setup_failed(folder, &e))?),
    };
    inner.watch(folder, mode).map_err(|e| setup_failed(folder, &e))?;
    Ok(FolderWatcher { _inner: inner, polling })
}

/// The OS refused to watch: the limit of watches, a folder gone or
/// unreadable, or something else, each with its fix.
fn setup_failed(folder: &Path, e: &notify::Error) -> ErrorInfo {
    let limit =
        matches!(e.kind, notify::ErrorKind::MaxFilesWatch) || matches!(&e.kind, notify::ErrorKind::Io(io) if io.raw_os_error() == Some(28));
    if limit {
        return ErrorInfo::new(
            Code::WatchLimitReached,
            format!("The system's limit on watched folders is reached, so {} cannot be watched.", folder.display()),
            "Raise the limit: `echo fs.inotify.max_user_watches=524288 | sudo tee /etc/sysctl.d/60-chute.conf && sudo sysctl --system`, then resume the watch; or watch fewer subfolders.",
        );
    }
    match &e.kind {
        notify::ErrorKind::PathNotFound => folder_gone(folder),
        notify::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::PermissionDenied => ErrorInfo::new(
            Code::WatchFolderUnreadable,
            format!("{} (or a folder in it) cannot be read, so it cannot be watched.", folder.display()),
            "Give yourself read permission (e.g. `chmod -R u+rX` on the folder), then resume the watch.",
        ),
        _ => ErrorInfo::new(
            Code::WatchSetupFailed,
            format!("{} cannot be watched: {e}.", folder.display()),
            "Check the folder, then pause and resume the watch; if it keeps failing, report the message above.",
        ),
    }
}

pub fn folder_gone(folder: &Path) -> ErrorInfo {
    ErrorInfo::new(
        Code::WatchFolderGone,
        format!("The watched folder {} is gone (moved, deleted or unmounted). The watch waits for it.", folder.display()),
        "Put the folder back (or mount it again): watching resumes by itself. Or edit the watch to choose another folder.",
    )
}

/// Every regular file under `folder` (its subfolders too when `recursive`),
/// in name order; folders a watch skips are not entered.
pub fn files(folder: &Path, recursive: bool, skip_dir: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    let walker = walkdir::WalkDir::new(folder).max_depth(if recursive { usize::MAX } else { 1 }).sort_by_file_name();
    walker
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_type().is_dir() || !skip_dir(e.path()))
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_os_watch_limit_and_a_missing_folder_are_said_with_their_fix() {
        let folder = Path::new("/data/in");
        let limit = setup_failed(folder, &notify::Error::new(notify::ErrorKind::MaxFilesWatch));
        assert_eq!(limit.code, Code::WatchLimitReached);
        assert!(limit.fix.contains("fs.inotify.max_user_watches"), "{}", limit.fix);
        let enospc = setup_failed(folder, &notify::Error::io(std::io::Error::from_raw_os_error(28)));
        assert_eq!(enospc.code, Code::WatchLimitReached, "inotify_add_watch's ENOSPC is the same limit");
        assert_eq!(setup_failed(folder, &notify::Error::path_not_found()).code, Code::WatchFolderGone);
        let denied = setup_failed(folder, &notify::Error::io(std::io::Error::from(std::io::ErrorKind::PermissionDenied)));
        assert_eq!(denied.code, Code::WatchFolderUnreadable);
    }

    #[test]
    fn the_mount_of_the_root_folder_has_a_type() {
        if cfg!(target_os = "linux") {
            assert!(fs_type(Path::new("/")).is_some());
        }
    }
}
