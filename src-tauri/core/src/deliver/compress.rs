//! Compression on the way: before a batch is sent to a destination that
//! compresses, each file is gzipped into a staging folder (in the data
//! folder, removed when the batch ends) and the staged copy is what the
//! engine sends, with the same checks as any file. gzip here is
//! deterministic (no name, no time in its header), so resuming an
//! interrupted batch stages byte-identical copies and continues its
//! multipart uploads.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;

use super::plan::{Plan, PlanProblem, PlannedFile, SourcePath};
use crate::report::Code;

/// Files as sent (their staged copies), beside the plan as recorded (the
/// files people gave, minus those that could not be staged, which are
/// refused with their reason). Both list the same files in the same order.
pub struct Staged {
    pub recorded: Plan,
    pub sent: Plan,
    _dir: tempfile::TempDir,
}

/// gzip `src` into `dst` (deterministic output).
pub fn gzip_file(src: &Path, dst: &Path) -> std::io::Result<()> {
    let mut input = std::fs::File::open(src)?;
    let out = std::fs::File::create(dst)?;
    let mut gz = GzEncoder::new(std::io::BufWriter::new(out), flate2::Compression::default());
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = input.read(&mut buf)?;
        if n == 0 {
            break;
        }
        gz.write_all(&buf[..n])?;
    }
    gz.finish()?.flush()
}

fn look(path: &Path) -> std::io::Result<(u64, i64)> {
    let m = std::fs::metadata(path)?;
    Ok((m.len(), super::plan::mtime_ms(&m)))
}

/// Stage a gzip copy of every file of `plan` in a new folder under `parent`.
pub fn stage(plan: &Plan, parent: &Path) -> std::io::Result<Staged> {
    std::fs::create_dir_all(parent)?;
    let dir = tempfile::Builder::new().prefix("staging-").tempdir_in(parent)?;
    let mut recorded = Plan { files: vec![], ..plan.clone() };
    let mut sent = Plan { files: vec![], problems: vec![], ..plan.clone() };
    for (i, f) in plan.files.iter().enumerate() {
        let staged: PathBuf = dir.path().join(format!("{i}.gz"));
        let source = f.source();
        let result = look(&source).and_then(|(size, mtime)| {
            if (size, mtime) != (f.size, f.mtime_ms) {
                return Err(std::io::Error::other("changed since the preview"));
            }
            gzip_file(&source, &staged)?;
            look(&staged)
        });
        match result {
            Ok((size, mtime_ms)) => {
                recorded.files.push(f.clone());
                sent.files.push(PlannedFile { from: SourcePath::Own(staged), size, mtime_ms, ..f.clone() });
            }
            Err(e) => recorded.problems.push(PlanProblem {
                path: source.to_path_buf(),
                code: Code::SourceUnreadable,
                message: format!("{} could not be compressed: {e}.", source.display()),
                fix: "Let whatever writes the file finish, check that it can be read, then deliver it again.".into(),
            }),
        }
    }
    // Refused files count against the batch's outcome in both.
    sent.problems = recorded.problems.clone();
    recorded.total_bytes = recorded.files.iter().map(|f| f.size).sum();
    sent.total_bytes = sent.files.iter().map(|f| f.size).sum();
    Ok(Staged { recorded, sent, _dir: dir })
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::read::GzDecoder;

    #[test]
    fn staged_copies_decompress_to_the_files_and_are_the_same_each_time() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("a.csv");
        std::fs::write(&src, "x,y\n".repeat(10_000)).unwrap();
        let (a, b) = (dir.path().join("1.gz"), dir.path().join("2.gz"));
        gzip_file(&src, &a).unwrap();
        gzip_file(&src, &b).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap(), "deterministic, so a resume continues the same bytes");
        let mut out = String::new();
        GzDecoder::new(std::fs::File::open(&a).unwrap()).read_to_string(&mut out).unwrap();
        assert_eq!(out, "x,y\n".repeat(10_000));
        assert!(std::fs::metadata(&a).unwrap().len() < 1_000);
    }

    #[test]
    fn a_file_changed_since_the_preview_is_refused_not_staged() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), b"a").unwrap();
        std::fs::write(dir.path().join("b.txt"), b"b").unwrap();
        let settings = crate::destination::Settings::default();
        let plan = super::super::plan(&settings, &[dir.path().to_path_buf()], &Default::default(), time::OffsetDateTime::now_utc());
        std::fs::write(dir.path().join("b.txt"), b"bigger").unwrap();
        let staged = stage(&plan, &dir.path().join("data")).unwrap();
        assert_eq!(staged.sent.files.len(), 1);
        assert_eq!(staged.recorded.files.len(), 1);
        assert_eq!(staged.recorded.files[0].relpath, "a.txt");
        assert!(staged.sent.files[0].source().extension().is_some_and(|e| e == "gz"));
        assert_eq!(staged.recorded.problems.len(), 1);
        assert!(staged.recorded.problems[0].message.contains("changed since the preview"));
    }
}
