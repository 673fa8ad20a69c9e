//! "Start at login", opt-in: on Linux (and other XDG desktops) an
//! autostart entry, `chute.desktop` in `$XDG_CONFIG_HOME/autostart/`
//! (`~/.config/autostart/`), that the session starts at login: the app as
//! it runs now, with `--in-tray` so it starts hidden in the tray, running
//! the watches. Turning it off removes the file. Whether it is on is
//! whether the file is there, so a file removed by hand turns it off.
//! Other systems are not supported yet: the setting says so.

use std::path::{Path, PathBuf};

use chute_core::Code;

use crate::ipc::{refusal, Reply};

/// The argument an autostarted app is given: start hidden in the tray.
pub const IN_TRAY: &str = "--in-tray";
const FILE_NAME: &str = "chute.desktop";

/// Whether this system can start Chute at login (an XDG desktop).
pub const SUPPORTED: bool = cfg!(all(unix, not(target_os = "macos")));

/// Where the entry goes: `$XDG_CONFIG_HOME/autostart/chute.desktop`, else under `~/.config`.
pub fn entry_path() -> Option<PathBuf> {
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(config.join("autostart").join(FILE_NAME))
}

/// Whether Chute starts at login.
pub fn enabled() -> bool {
    SUPPORTED && entry_path().is_some_and(|p| p.is_file())
}

/// A path as one argument of a desktop entry's `Exec` key: quoted, with
/// `"`, `` ` ``, `$` and `\` escaped, `%` doubled (the Desktop Entry spec).
fn exec_argument(path: &Path) -> String {
    let mut quoted = String::from("\"");
    for c in path.to_string_lossy().chars() {
        match c {
            '"' | '`' | '$' | '\\' => {
                quoted.push('\\');
                quoted.push(c);
            }
            '%' => quoted.push_str("%%"),
            _ => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// The entry's text for the app at `program`.
pub fn entry(program: &Path) -> String {
    format!(
        "[Desktop Entry]\nType=Application\nName=Chute\nComment=Deliver files to S3-compatible storage\nExec={} {IN_TRAY}\nIcon=chute-app\nTerminal=false\nX-GNOME-Autostart-enabled=true\n",
        exec_argument(program)
    )
}

fn cannot(what: &str, path: &Path, e: std::io::Error) -> chute_core::ErrorReply {
    refusal(
        Code::AutostartFailed,
        format!("Chute could not {what} its autostart entry {}: {e}.", path.display()),
        format!("Make {} writable, then try again.", path.parent().unwrap_or(path).display()),
    )
}

/// Turn starting at login on (the entry written for the running app) or off (removed).
pub fn set(on: bool) -> Reply<bool> {
    if !SUPPORTED {
        return Err(refusal(
            Code::AutostartFailed,
            "Starting Chute at login is not available on this system yet.",
            "Add Chute to your system's login items by hand.",
        ));
    }
    let Some(path) = entry_path() else {
        return Err(refusal(
            Code::AutostartFailed,
            "Chute cannot tell where autostart entries go: neither XDG_CONFIG_HOME nor HOME is set.",
            "Start Chute with HOME set, then try again.",
        ));
    };
    if on {
        let program = std::env::current_exe().map_err(|e| cannot("name the app in", &path, e))?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| cannot("write", &path, e))?;
        }
        std::fs::write(&path, entry(&program)).map_err(|e| cannot("write", &path, e))?;
    } else {
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(cannot("remove", &path, e)),
            _ => {}
        }
    }
    Ok(enabled())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entry_starts_this_app_in_the_tray_its_path_quoted() {
        let text = entry(Path::new("/opt/My Apps/chute-app"));
        assert!(text.starts_with("[Desktop Entry]\nType=Application\n"), "{text}");
        assert!(text.contains("\nExec=\"/opt/My Apps/chute-app\" --in-tray\n"), "{text}");
        assert_eq!(exec_argument(Path::new("/a/100%/$x\"y")), "\"/a/100%%/\\$x\\\"y\"");
    }
}
