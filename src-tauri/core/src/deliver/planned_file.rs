//! A planned file: where it is read from, its key and what the plan saw of
//! it. A file found under a folder given is kept as that folder (one copy
//! shared by all its files) and its path inside it; front ends and the
//! history see it, as ever, with its whole `source` path.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// A file of a plan: where it is read from, its key, and what the plan saw of it.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(from = "PlannedFileText<'static>")]
pub struct PlannedFile {
    /// Where the file is read from: see `source()`.
    pub from: SourcePath,
    /// Path inside the dropped folder, `/`-separated (the name for a single file).
    pub relpath: String,
    pub key: String,
    pub size: u64,
    /// Modification time in Unix milliseconds, to notice changes before and during upload.
    pub mtime_ms: i64,
    /// Borrowed for the types Chute knows by name (most files), so a
    /// 100,000-file plan does not hold 100,000 copies of `text/csv`.
    pub content_type: Cow<'static, str>,
}

/// Where a planned file is read from: under a folder given, the one copy
/// of it shared by all the files found there (the file is the folder and
/// its `relpath`), or a path of its own (a file staged compressed, or one
/// read back from the history). A 100,000-file plan keeps its folder once,
/// not 100,000 full paths beside their relpaths.
#[derive(Debug, Clone, PartialEq)]
pub enum SourcePath {
    Under(Arc<Path>),
    Own(PathBuf),
}

impl PlannedFile {
    /// The file's path on this machine.
    pub fn source(&self) -> Cow<'_, Path> {
        match &self.from {
            SourcePath::Own(path) => Cow::Borrowed(path),
            SourcePath::Under(folder) => Cow::Owned(under(folder, &self.relpath)),
        }
    }

    /// Whether the file is `dir` or lies under it, as `source().starts_with(dir)`
    /// tells, without building the whole path of a file under a folder.
    pub fn lies_under(&self, dir: &Path) -> bool {
        match &self.from {
            SourcePath::Own(path) => path.starts_with(dir),
            SourcePath::Under(folder) => match dir.strip_prefix(folder) {
                Ok(rest) => {
                    let mut names = self.relpath.split('/');
                    rest.components().all(|c| names.next().is_some_and(|n| c.as_os_str() == n))
                }
                Err(_) => folder.starts_with(dir),
            },
        }
    }
}

/// `folder` and a `/`-separated path inside it, with this system's separators.
fn under(folder: &Path, relpath: &str) -> PathBuf {
    let mut path = folder.to_path_buf();
    path.extend(relpath.split('/'));
    path
}

/// A planned file as the front ends see it (and as the history records
/// it): with its whole source path.
#[derive(Serialize, Deserialize)]
struct PlannedFileText<'a> {
    source: Cow<'a, Path>,
    relpath: Cow<'a, str>,
    key: Cow<'a, str>,
    size: u64,
    mtime_ms: i64,
    content_type: Cow<'a, str>,
}

impl Serialize for PlannedFile {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        PlannedFileText {
            source: self.source(),
            relpath: Cow::Borrowed(&self.relpath),
            key: Cow::Borrowed(&self.key),
            size: self.size,
            mtime_ms: self.mtime_ms,
            content_type: Cow::Borrowed(&self.content_type),
        }
        .serialize(s)
    }
}

impl From<PlannedFileText<'_>> for PlannedFile {
    fn from(t: PlannedFileText<'_>) -> PlannedFile {
        PlannedFile {
            from: SourcePath::Own(t.source.into_owned()),
            relpath: t.relpath.into_owned(),
            key: t.key.into_owned(),
            size: t.size,
            mtime_ms: t.mtime_ms,
            content_type: Cow::Owned(t.content_type.into_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deliver::plan::{plan, plan_files, PlanOptions};
    use crate::destination::Settings;

    #[test]
    fn a_folders_files_share_it_and_are_shown_with_their_whole_path() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("b.txt"), b"b").unwrap();
        std::fs::write(dir.path().join("sub").join("a.txt"), b"a").unwrap();
        let now = time::OffsetDateTime::now_utc();
        let p = plan(&Settings::default(), &[dir.path().to_path_buf()], &PlanOptions::default(), now);
        let folders: Vec<&Arc<Path>> = p
            .files
            .iter()
            .map(|f| match &f.from {
                SourcePath::Under(folder) => folder,
                SourcePath::Own(path) => panic!("{} kept whole", path.display()),
            })
            .collect();
        assert_eq!(folders.len(), 2);
        assert!(Arc::ptr_eq(folders[0], folders[1]), "one copy of the folder");
        let sources: Vec<PathBuf> = p.files.iter().map(|f| f.source().into_owned()).collect();
        assert_eq!(sources, [dir.path().join("b.txt"), dir.path().join("sub").join("a.txt")]);

        // Front ends see (and may send back) the whole path.
        let json = serde_json::to_value(&p.files[1]).unwrap();
        assert_eq!(json["source"], serde_json::json!(dir.path().join("sub").join("a.txt")));
        assert_eq!(json["relpath"], "sub/a.txt");
        let back: PlannedFile = serde_json::from_value(json).unwrap();
        assert_eq!(back.source(), p.files[1].source());
        assert_eq!((back.relpath.as_str(), back.key.as_str()), (p.files[1].relpath.as_str(), p.files[1].key.as_str()));
    }

    #[test]
    fn lies_under_answers_as_the_whole_path_would() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("sub").join("deep")).unwrap();
        std::fs::write(dir.path().join("sub").join("deep").join("a.txt"), b"a").unwrap();
        let p = plan(&Settings::default(), &[dir.path().to_path_buf()], &PlanOptions::default(), time::OffsetDateTime::now_utc());
        let f = &p.files[0];
        assert!(matches!(f.from, SourcePath::Under(_)));
        let root = dir.path();
        let sub = root.join("sub");
        for d in [
            root.parent().unwrap().to_path_buf(),
            root.to_path_buf(),
            sub.clone(),
            sub.join("deep"),
            sub.join("deep").join("a.txt"),
            sub.join("de"),
            sub.join("deep").join("a.txt").join("more"),
            root.join("other"),
            PathBuf::from("/elsewhere"),
        ] {
            assert_eq!(f.lies_under(&d), f.source().starts_with(&d), "{}", d.display());
        }
        assert!(f.lies_under(&sub) && !f.lies_under(&sub.join("de")));
    }

    #[test]
    fn a_file_outside_the_folder_keeps_its_own_path() {
        let (folder, elsewhere) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let inside = folder.path().join("in.txt");
        let outside = elsewhere.path().join("out.txt");
        std::fs::write(&inside, b"in").unwrap();
        std::fs::write(&outside, b"out").unwrap();
        let p = plan_files(&Settings::default(), folder.path(), &[inside.clone(), outside.clone()], time::OffsetDateTime::now_utc());
        assert!(matches!(p.files[0].from, SourcePath::Under(_)));
        assert_eq!(p.files[1].from, SourcePath::Own(outside.clone()));
        assert_eq!([p.files[0].source(), p.files[1].source()], [Cow::Borrowed(inside.as_path()), Cow::Borrowed(outside.as_path())]);
    }
}
