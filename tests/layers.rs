//! The core's public surface is the only way in: the desktop shell and the
//! CLI import what `src-tauri/core/src/lib.rs` re-exports at the crate root,
//! never a path into one of its modules (those stay public only for the
//! engine-level tests). Read from the sources, as text.

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.rs` file under `dir`, or `dir` itself when it is a file.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    if dir.is_file() {
        out.push(dir.to_path_buf());
        return;
    }
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())).flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// The core's modules, as lib.rs declares them (`mod x;` or `pub mod x;`).
fn core_modules() -> Vec<String> {
    let lib = std::fs::read_to_string(repo().join("src-tauri/core/src/lib.rs")).unwrap();
    let modules: Vec<String> = lib
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod ").or_else(|| l.trim().strip_prefix("mod ")))
        .map(|m| m.trim_end_matches(';').to_string())
        .collect();
    assert!(modules.len() >= 10 && modules.iter().any(|m| m == "deliver"), "lib.rs was not read: {modules:?}");
    modules
}

#[test]
fn front_ends_use_only_the_core_root() {
    let modules = core_modules();
    let mut files = Vec::new();
    for front in
        ["src-tauri/lib.rs", "src-tauri/main.rs", "src-tauri/ipc.rs", "src-tauri/state.rs", "src-tauri/plans.rs", "src-tauri/dialogs.rs"]
    {
        rust_files(&repo().join(front), &mut files);
    }
    rust_files(&repo().join("src-tauri/commands"), &mut files);
    rust_files(&repo().join("src-tauri/cli/src"), &mut files);
    assert!(files.len() > 20, "the front ends' sources were not found: {files:?}");
    let mut reaching = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            for m in &modules {
                let path = format!("chute_core::{m}");
                let deep = line.match_indices(&path).any(|(i, _)| {
                    let rest = &line[i + path.len()..];
                    rest.starts_with("::") || rest.starts_with(';') || rest.starts_with(" as ") || rest.starts_with(',')
                });
                if deep {
                    reaching.push(format!("{}:{}: {}", file.strip_prefix(repo()).unwrap_or(file).display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        reaching.is_empty(),
        "front ends reach into core modules; re-export what they need in src-tauri/core/src/lib.rs instead:\n{}",
        reaching.join("\n")
    );
}
