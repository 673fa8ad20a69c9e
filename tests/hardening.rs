//! The window's attack surface, checked from the files that define it: a
//! strict CSP, capabilities granting exactly the commands the UI calls (and
//! nothing of a plugin), no shell or file-system plugin in the build. The
//! running app's answers to bad or forbidden IPC calls are checked in
//! tests/gui.rs (`the_ipc_surface_refuses_what_it_should`).

use std::collections::BTreeSet;
use std::path::Path;

fn read(p: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(p)).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// Every JavaScript module under `ui/`, in every folder: (its path inside ui/, with `/`, and its text).
fn ui_modules() -> Vec<(String, String)> {
    let out = ui_files("js");
    for entry in ["app.js", API] {
        assert!(out.iter().any(|(name, _)| name == entry), "ui/{entry} not found: the scan would prove nothing");
    }
    out
}

/// Every file under `ui/` whose name ends in `.{ext}`: (its path inside ui/, with `/`, and its text).
fn ui_files(ext: &str) -> Vec<(String, String)> {
    fn walk(dir: &Path, base: &Path, ext: &str, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())).flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, base, ext, out);
            } else if path.extension().is_some_and(|x| x == ext) {
                let rel = path.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/");
                out.push((rel, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui");
    let mut out = Vec::new();
    walk(&base, &base, ext, &mut out);
    out.sort();
    out
}

/// The one module that talks to the Rust side.
const API: &str = "lib/api.js";

/// Words between quotes on the lines of `text` from `start` to the line holding `end`.
fn quoted_between(text: &str, start: &str, end: &str) -> BTreeSet<String> {
    let from = text.find(start).unwrap_or_else(|| panic!("`{start}` not found"));
    let rest = &text[from + start.len()..];
    let to = rest.find(end).unwrap_or_else(|| panic!("`{end}` not found"));
    rest[..to].split('"').skip(1).step_by(2).map(str::to_string).collect()
}

#[test]
fn the_csp_allows_nothing_remote_and_no_inline_code() {
    let conf: serde_json::Value = serde_json::from_str(&read("tauri.conf.json")).unwrap();
    let security = &conf["app"]["security"];
    assert_eq!(security["freezePrototype"], true);
    let csp = security["csp"].as_object().expect("a CSP is set");
    let all: Vec<String> = csp.values().map(|v| v.as_str().unwrap().to_string()).collect();
    for v in &all {
        assert!(!v.contains("unsafe-inline") && !v.contains("unsafe-eval") && !v.contains("wasm-unsafe-eval"), "{v}");
        assert!(!v.contains('*'), "no wildcard sources: {v}");
        for word in v.split_whitespace() {
            let remote = word.starts_with("http") && word != "http://ipc.localhost";
            assert!(!remote && word != "https:" && word != "http:", "no remote origin may be allowed: {word}");
        }
    }
    assert_eq!(csp["default-src"], "'self'");
    assert_eq!(csp["script-src"], "'self'");
    assert_eq!(csp["object-src"], "'none'");
    assert_eq!(csp["frame-ancestors"], "'none'");
    // No inline script or handler in the page or the dialogs' files it
    // loads (the CSP would block it anyway).
    let pages = ui_files("html");
    assert!(pages.iter().any(|(name, _)| name == "index.html") && pages.len() > 1, "the page and its dialogs' files: {pages:?}");
    for (name, html) in &pages {
        let inline = html.contains("<script>") || html.contains(" onclick=") || html.contains("javascript:");
        assert!(!inline && (name == "index.html" || !html.contains("<script")), "inline code in ui/{name}");
    }
    for (name, js) in ui_modules() {
        for bad in ["eval(", "new Function(", "innerHTML =", "insertAdjacentHTML", "document.write(", "DOMParser"] {
            // lib/icons.js holds trusted, constant SVG markup, which app.js
            // puts in place, and lib/fragments.js parses the app's own dialog
            // files; nothing else may build HTML from strings.
            let trusted = match bad {
                "innerHTML =" => name == "lib/icons.js" || name == "app.js",
                "DOMParser" => name == "lib/fragments.js",
                _ => false,
            };
            if trusted {
                continue;
            }
            assert!(!js.contains(bad), "ui/{name} uses {bad}");
        }
    }
}

#[test]
fn capabilities_grant_exactly_the_commands_the_ui_calls() {
    // What the UI calls: every `call('name'` in every module under ui/, all of
    // them in ui/lib/api.js (the only module that invokes).
    let mut called = BTreeSet::new();
    for (name, js) in ui_modules() {
        let calls: Vec<String> = js.split("call('").skip(1).map(|s| s.split('\'').next().unwrap().to_string()).collect();
        if name == API {
            called.extend(calls);
        } else {
            assert!(calls.is_empty(), "ui/{name} calls {calls:?}; go through ui/{API}");
            assert!(!js.contains(".invoke(") && !js.contains("__TAURI_INTERNALS__"), "ui/{name} invokes directly; go through ui/{API}");
        }
    }
    let declared = quoted_between(&read("src-tauri/build.rs"), "const COMMANDS: &[&str] = &[", "];");
    assert_eq!(called, declared, "src-tauri/build.rs COMMANDS must be exactly what ui/{API} calls");

    let lib = read("src-tauri/lib.rs");
    let from = lib.find("generate_handler![").unwrap();
    let handled: BTreeSet<String> = lib[from..lib[from..].find(']').unwrap() + from]
        .split(|c: char| c == ',' || c == '[' || c.is_whitespace())
        .filter_map(|w| w.rsplit_once("::").map(|(_, n)| n.to_string()))
        .collect();
    assert_eq!(handled, declared, "the handlers registered are the commands declared");

    let cap: serde_json::Value = serde_json::from_str(&read("src-tauri/capabilities/default.json")).unwrap();
    assert_eq!(cap["windows"], serde_json::json!(["main"]));
    assert!(cap.get("remote").is_none(), "no remote URL may use the capability");
    let perms: BTreeSet<String> =
        cap["permissions"].as_array().unwrap().iter().map(|p| p.as_str().expect("plain permission names").to_string()).collect();
    let mut want: BTreeSet<String> = declared.iter().map(|c| format!("allow-{}", c.replace('_', "-"))).collect();
    want.insert("core:default".into());
    assert_eq!(perms, want, "capabilities: core:default plus one allow-<command> per command, nothing else");
    let caps = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/capabilities")).unwrap().count();
    assert_eq!(caps, 1, "one capability file");
}

#[test]
fn no_shell_file_system_or_http_plugin_is_built_in() {
    let cargo = read("Cargo.toml");
    for plugin in [
        "tauri-plugin-shell",
        "tauri-plugin-fs",
        "tauri-plugin-http",
        "tauri-plugin-process",
        "tauri-plugin-updater",
        "tauri-plugin-dialog",
    ] {
        assert!(!cargo.contains(plugin), "{plugin} would give the web side more than it needs");
    }
    let lib = read("src-tauri/lib.rs");
    // Notifications, and single instance (which gives the web side no
    // command at all: a second launch's files reach the page through Chute's own).
    let plugins: Vec<&str> = lib.lines().filter(|l| l.contains(".plugin(")).collect();
    assert_eq!(plugins.len(), 2, "only the notification and single-instance plugins are registered: {plugins:?}");
    for (line, plugin) in plugins.iter().zip(["tauri_plugin_single_instance", "tauri_plugin_notification"]) {
        assert!(line.contains(plugin), "{plugins:?}");
    }
    let conf = read("tauri.conf.json");
    assert!(!conf.contains("\"assetProtocol\"") && !conf.contains("dangerous"), "no asset protocol scope or dangerous settings");
}
