//! The app's real tray icon, read and clicked the way a tray host does it:
//! over the test's private D-Bus session. On Linux the icon is an
//! appindicator: a StatusNotifierItem object
//! (`/org/ayatana/NotificationItem/…`, its `XAyatanaLabel` is the title
//! beside the icon) and its menu exported as `com.canonical.dbusmenu`
//! (`GetLayout` lists the items, `Event(id, "clicked")` is a click). No
//! tray host (StatusNotifierWatcher) runs on the test's bus, so nothing
//! draws the icon; the objects the app exports are the ones a host would
//! read, and a click through them reaches the app's own menu handler.
//! Calls go through `gdbus` (GLib's command line).

use std::process::Command;
use std::time::{Duration, Instant};

use super::launch::Env;

/// One item of the tray's menu, as its dbusmenu says.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TrayEntry {
    pub(crate) id: u32,
    pub(crate) label: String,
    pub(crate) enabled: bool,
    /// For a check item: 1 ticked, 0 not.
    pub(crate) toggle: Option<u8>,
}

/// The app's tray icon on the test's bus.
pub(crate) struct TrayItem {
    bus: String,
    /// The app's connection that exports it.
    name: String,
    path: String,
}

fn gdbus(bus: &str, args: &[&str]) -> Option<String> {
    let out = Command::new("gdbus").arg("call").args(["--address", bus]).args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn introspect(bus: &str, name: &str, path: &str) -> String {
    let out = Command::new("gdbus").args(["introspect", "--address", bus, "--dest", name, "--object-path", path]).output();
    out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default()
}

/// The text of a GVariant string as gdbus prints it (`'…'` or `"…"`), from `text`'s start.
fn quoted(text: &str) -> Option<String> {
    let quote = text.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let mut out = String::new();
    let mut chars = text[1..].chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            c if c == quote => return Some(out),
            c => out.push(c),
        }
    }
    None
}

fn property<'a>(props: &'a str, key: &str) -> Option<&'a str> {
    let at = props.find(&format!("'{key}': <"))? + key.len() + 5;
    Some(&props[at..])
}

/// Every item of a `GetLayout` reply, submenus' items included, in order.
fn entries(layout: &str) -> Vec<TrayEntry> {
    let mut found = Vec::new();
    for (at, _) in layout.match_indices("<(") {
        let rest = &layout[at + 2..];
        let Some((id, props)) = rest.split_once(", {") else { continue };
        let Ok(id) = id.parse::<u32>() else { continue };
        // Its properties end where its children begin (`}, [` or, with none, `}, @av [`).
        let end = ["}, [", "}, @av ["].iter().filter_map(|m| props.find(m)).min().unwrap_or(props.len());
        let props = &props[..end];
        if property(props, "type").is_some_and(|t| t.starts_with("'separator'")) {
            continue;
        }
        let label = property(props, "label").and_then(quoted).unwrap_or_default();
        let enabled = !property(props, "enabled").is_some_and(|v| v.starts_with("false"));
        let toggle = property(props, "toggle-state").and_then(|v| v.chars().next()).and_then(|c| c.to_digit(10)).map(|d| d as u8);
        found.push(TrayEntry { id, label, enabled, toggle });
    }
    found
}

impl TrayItem {
    /// The tray icon of the app `pid`, once it exports one (at most `secs`).
    pub(crate) fn of(env: &Env, pid: u64, secs: u64) -> TrayItem {
        let bus = env.keyring.address().to_string();
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(item) = TrayItem::find(&bus, pid) {
                return item;
            }
            assert!(Instant::now() < deadline, "the app (pid {pid}) exported no tray icon on the session bus within {secs} s");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn find(bus: &str, pid: u64) -> Option<TrayItem> {
        let names = gdbus(
            bus,
            &["--dest", "org.freedesktop.DBus", "--object-path", "/org/freedesktop/DBus", "--method", "org.freedesktop.DBus.ListNames"],
        )?;
        for name in names.split('\'').filter(|n| n.starts_with(':')) {
            let owner = gdbus(
                bus,
                &[
                    "--dest",
                    "org.freedesktop.DBus",
                    "--object-path",
                    "/org/freedesktop/DBus",
                    "--method",
                    "org.freedesktop.DBus.GetConnectionUnixProcessID",
                    name,
                ],
            );
            if owner.is_none_or(|o| !o.contains(&format!("uint32 {pid},"))) {
                continue;
            }
            let root = "/org/ayatana/NotificationItem";
            let listing = introspect(bus, name, root);
            let nodes =
                listing.lines().map(str::trim).filter_map(|l| l.strip_prefix("node ").map(|n| n.trim_end_matches(" {").to_string()));
            // The first node is the one asked about; its child is the icon.
            if let Some(node) = nodes.into_iter().find(|n| !n.is_empty() && n != root) {
                let path = if node.starts_with('/') { node } else { format!("{root}/{node}") };
                return Some(TrayItem { bus: bus.to_string(), name: name.to_string(), path });
            }
        }
        None
    }

    /// The menu's items now, top to bottom (separators left out).
    pub(crate) fn menu(&self) -> Vec<TrayEntry> {
        entries(&self.layout())
    }

    /// The menu's layout as gdbus prints it.
    fn layout(&self) -> String {
        let menu = format!("{}/Menu", self.path);
        gdbus(
            &self.bus,
            &["--dest", &self.name, "--object-path", &menu, "--method", "com.canonical.dbusmenu.GetLayout", "--", "0", "-1", "@as []"],
        )
        .expect("the tray's menu answers GetLayout")
    }

    /// The menu's item whose label starts with `label`.
    pub(crate) fn entry(&self, label: &str) -> Option<TrayEntry> {
        self.menu().into_iter().find(|e| e.label.starts_with(label))
    }

    /// Wait (at most `secs`) until an item starting with `label` satisfies `ok`; that item.
    pub(crate) fn wait_entry(&self, label: &str, secs: u64, ok: impl Fn(&TrayEntry) -> bool) -> TrayEntry {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(e) = self.entry(label).filter(&ok) {
                return e;
            }
            assert!(Instant::now() < deadline, "the tray's menu never had the wanted {label:?} within {secs} s: {}", self.layout());
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Click the item whose label starts with `label`, as a tray host does.
    pub(crate) fn click(&self, label: &str) {
        let entry = self.entry(label).unwrap_or_else(|| panic!("no {label:?} in the tray's menu: {:#?}", self.menu()));
        assert!(entry.enabled, "{label:?} is disabled: {entry:?}");
        let menu = format!("{}/Menu", self.path);
        let id = entry.id.to_string();
        let clicked = gdbus(
            &self.bus,
            &[
                "--dest",
                &self.name,
                "--object-path",
                &menu,
                "--method",
                "com.canonical.dbusmenu.Event",
                "--",
                &id,
                "clicked",
                "<int32 0>",
                "0",
            ],
        );
        assert!(clicked.is_some(), "the tray did not take the click on {label:?}");
    }

    /// The title shown beside the icon (the appindicator's label).
    pub(crate) fn title(&self) -> String {
        let got = gdbus(
            &self.bus,
            &[
                "--dest",
                &self.name,
                "--object-path",
                &self.path,
                "--method",
                "org.freedesktop.DBus.Properties.Get",
                "org.kde.StatusNotifierItem",
                "XAyatanaLabel",
            ],
        )
        .unwrap_or_default();
        got.find("<").and_then(|at| quoted(&got[at + 1..])).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_layout_as_gdbus_prints_it_is_read() {
        let layout = "(uint32 3, (0, {'children-display': <'submenu'>}, [<(13, {'enabled': <false>, 'label': <'Idle'>}, @av [])>, \
            <(14, {'enabled': <true>, 'type': <'separator'>}, @av [])>, <(16, {'children-display': <'submenu'>, 'label': <\"Ana's\">}, \
            [<(17, {'label': <'x'>}, @av [])>])>, <(20, {'toggle-state': <1>, 'toggle-type': <'checkmark'>, 'label': <'Start at login'>}, @av [])>]))";
        let e = entries(layout);
        assert_eq!(e.iter().map(|e| e.id).collect::<Vec<_>>(), [13, 16, 17, 20]);
        assert_eq!((e[0].label.as_str(), e[0].enabled), ("Idle", false));
        assert_eq!(e[1].label, "Ana's");
        assert_eq!((e[3].toggle, e[3].enabled), (Some(1), true));
    }
}
