//! Data at rest stays the user's own: the data folder is `0700` and the
//! database with its `-wal`/`-shm` companions `0600`. The history names
//! every delivered path and bucket, so other users of the machine must not
//! read it. A folder or file found with wider rights is tightened, and the
//! change is said once (a notice) rather than done silently.

use std::path::Path;

/// What was tightened, in words for the user: "…/chute was 0755, now 0700".
pub type Notice = String;

#[cfg(unix)]
mod unix {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
    use std::path::Path;

    use super::Notice;

    pub const DIR_MODE: u32 = 0o700;
    pub const FILE_MODE: u32 = 0o600;

    /// Take group's and others' rights away, keeping the owner's as they
    /// are (a read-only file stays read-only, and is refused as such).
    fn tighten(path: &Path) -> std::io::Result<Option<Notice>> {
        let mode = std::fs::metadata(path)?.permissions().mode() & 0o777;
        if mode & 0o077 == 0 {
            return Ok(None);
        }
        let owner_only = mode & 0o700;
        Ok(Some(match std::fs::set_permissions(path, std::fs::Permissions::from_mode(owner_only)) {
            Ok(()) => format!("{} was open to other users ({mode:04o}); Chute made it {owner_only:04o}.", path.display()),
            // Not ours to change (another owner): said, not fatal.
            Err(e) => format!(
                "{} is open to other users ({mode:04o}) and Chute could not change it ({e}); run `chmod go= {}`.",
                path.display(),
                path.display()
            ),
        }))
    }

    pub fn dir(path: &Path) -> std::io::Result<Option<Notice>> {
        if !path.exists() {
            // Folders created on the way get 0700 too (the umask may only narrow it).
            std::fs::DirBuilder::new().recursive(true).mode(DIR_MODE).create(path)?;
            return Ok(None);
        }
        if !path.is_dir() {
            return Err(std::io::Error::new(std::io::ErrorKind::AlreadyExists, "it exists and is not a folder"));
        }
        tighten(path)
    }

    pub fn file(path: &Path) -> std::io::Result<Option<Notice>> {
        match std::fs::OpenOptions::new().write(true).create_new(true).mode(FILE_MODE).open(path) {
            Ok(_) => Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => tighten(path),
            Err(e) => Err(e),
        }
    }

    pub fn existing_file(path: &Path) -> std::io::Result<Option<Notice>> {
        match tighten(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            other => other,
        }
    }
}

/// Create `dir` (and its missing parents) as `0700`, or tighten it to
/// its owner's alone when group or others may enter it.
pub fn private_dir(dir: &Path) -> std::io::Result<Option<Notice>> {
    #[cfg(unix)]
    return unix::dir(dir);
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)?;
        Ok(None)
    }
}

/// Create `file` empty as `0600` (SQLite then gives its `-wal` and `-shm`
/// the same mode), or take group's and others' rights off an existing one.
pub fn private_file(file: &Path) -> std::io::Result<Option<Notice>> {
    #[cfg(unix)]
    return unix::file(file);
    #[cfg(not(unix))]
    {
        let _ = file;
        Ok(None)
    }
}

/// Take group's and others' rights off `file` if it exists.
pub fn tighten_existing(file: &Path) -> std::io::Result<Option<Notice>> {
    #[cfg(unix)]
    return unix::existing_file(file);
    #[cfg(not(unix))]
    {
        let _ = file;
        Ok(None)
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_new_folder_and_file_are_private() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("a/b/chute");
        assert_eq!(private_dir(&dir).unwrap(), None);
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&t.path().join("a/b")), 0o700);
        let db = dir.join("chute.db");
        assert_eq!(private_file(&db).unwrap(), None);
        assert_eq!(mode(&db), 0o600);
        assert_eq!(std::fs::metadata(&db).unwrap().len(), 0);
    }

    #[test]
    fn wider_rights_are_tightened_and_said() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("chute");
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let db = dir.join("chute.db");
        std::fs::write(&db, b"kept").unwrap();
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();

        let said = private_dir(&dir).unwrap().expect("a notice for the folder");
        assert!(said.contains("0755") && said.contains("0700"), "{said}");
        let said = private_file(&db).unwrap().expect("a notice for the file");
        assert!(said.contains("0644") && said.contains("0600"), "{said}");
        assert_eq!((mode(&dir), mode(&db)), (0o700, 0o600));
        assert_eq!(std::fs::read(&db).unwrap(), b"kept", "the content is untouched");
        // Already private: nothing more to say.
        assert_eq!(private_dir(&dir).unwrap(), None);
        assert_eq!(private_file(&db).unwrap(), None);
        assert_eq!(tighten_existing(&dir.join("absent-wal")).unwrap(), None);
        // A read-only file stays read-only (and is refused as such by the store).
        let ro = dir.join("ro.db");
        std::fs::write(&ro, b"x").unwrap();
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
        assert!(tighten_existing(&ro).unwrap().is_some());
        assert_eq!(mode(&ro), 0o400);
    }
}
