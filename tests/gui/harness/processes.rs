//! A test's own processes, found by an environment entry only they carry
//! (its private session bus address): the app, the driver, the CLI.

/// Processes (pid, command line) whose environment holds `marker`.
pub(crate) fn carrying(marker: &str) -> Vec<(u32, String)> {
    let me = std::process::id();
    let Ok(dir) = std::fs::read_dir("/proc") else { return Vec::new() };
    let mut found = Vec::new();
    for entry in dir.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
        if pid == me {
            continue;
        }
        let Ok(environ) = std::fs::read(entry.path().join("environ")) else { continue };
        if environ.split(|b| *b == 0).any(|e| e == marker.as_bytes()) {
            let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
            let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            found.push((pid, cmdline.trim().to_string()));
        }
    }
    found
}

/// SIGKILL `pid` (gone already is fine).
pub(crate) fn kill(pid: u32) {
    unsafe { libc::kill(pid as i32, libc::SIGKILL) };
}
