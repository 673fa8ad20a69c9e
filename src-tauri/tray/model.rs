//! The tray's menu and texts as a pure function of what the app is doing
//! (`TrayState`): ids, labels, enabled and checked states, so what the
//! tray offers is tested without a tray host, and the tray itself only
//! turns these items into native ones (`tray/mod.rs`).

use chute_core::{bandwidth_words, BatchRow, Outcome};

use crate::activity::Delivering;

/// The ids of the menu's actions (a recent delivery's is `batch:` and its id).
pub const OPEN: &str = "open";
pub const PAUSE_ALL: &str = "pause-all";
pub const RESUME_ALL: &str = "resume-all";
pub const START_AT_LOGIN: &str = "start-at-login";
pub const QUIT: &str = "quit";
pub const STATUS: &str = "status";
pub const LIMIT: &str = "limit";
pub const RECENT: &str = "recent";
pub const BATCH_PREFIX: &str = "batch:";

/// How many recent deliveries the menu lists.
pub const RECENT_COUNT: usize = 5;

/// What the tray shows, gathered by `tray/mod.rs`.
#[derive(Debug, Clone, Default)]
pub struct TrayState {
    /// The deliveries running in the window, summed up.
    pub delivering: Option<Delivering>,
    /// Active watches (not paused), whoever runs them.
    pub active_watches: usize,
    /// "Pause all" is in force.
    pub paused_all: bool,
    /// The overall bandwidth limit, bytes per second.
    pub overall_limit: Option<u64>,
    /// The newest deliveries, newest first.
    pub recent: Vec<BatchRow>,
    /// Start at login: `None` where it is not available.
    pub start_at_login: Option<bool>,
}

/// One item of the menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Action { id: String, label: String, enabled: bool },
    Check { id: String, label: String, enabled: bool, checked: bool },
    Submenu { id: String, label: String, items: Vec<Item> },
    Separator,
}

fn action(id: &str, label: impl Into<String>, enabled: bool) -> Item {
    Item::Action { id: id.to_string(), label: label.into(), enabled }
}

fn files(n: usize) -> String {
    if n == 1 {
        "1 file".to_string()
    } else {
        format!("{n} files")
    }
}

/// "Delivering 3 of 10 files (45%)", "Paused: 3 of 10 files (45%)", or what Chute does when idle.
pub fn status(s: &TrayState) -> String {
    match &s.delivering {
        Some(d) if d.paused => format!("Paused: {} of {} ({}%)", d.files_done, files(d.files_total), d.percent()),
        Some(d) => format!("Delivering {} of {} ({}%)", d.files_done, files(d.files_total), d.percent()),
        None if s.paused_all => "Paused: deliveries and watches".to_string(),
        None if s.active_watches == 1 => "Idle, watching 1 folder".to_string(),
        None if s.active_watches > 1 => format!("Idle, watching {} folders", s.active_watches),
        None => "Idle".to_string(),
    }
}

/// The tooltip (where the tray shows one): "Chute — delivering 3 of 10 files (45%)".
pub fn tooltip(s: &TrayState) -> String {
    let status = status(s);
    let mut first = status.chars();
    let lowered = first.next().map(|c| c.to_lowercase().chain(first).collect::<String>()).unwrap_or_default();
    match limit(s) {
        Some(l) => format!("Chute — {lowered} · {l}"),
        None => format!("Chute — {lowered}"),
    }
}

/// The title beside the icon (the label on Linux, the menu bar on macOS):
/// the progress while delivering, nothing otherwise.
pub fn title(s: &TrayState) -> Option<String> {
    s.delivering.as_ref().map(|d| format!("{}%", d.percent()))
}

/// The bandwidth limit in force: the lowest a running delivery meets, else the overall one.
pub fn limit(s: &TrayState) -> Option<String> {
    let running = s.delivering.as_ref().and_then(|d| d.rate_limit);
    match (running, s.overall_limit) {
        (Some(r), _) => Some(format!("Limited to {}", bandwidth_words(r))),
        (None, Some(o)) => Some(format!("Overall limit {}", bandwidth_words(o))),
        (None, None) => None,
    }
}

/// A recent delivery as the menu lists it: "Reports: 12 files delivered".
pub fn recent_label(b: &BatchRow) -> String {
    let done = (b.delivered + b.skipped).max(0) as usize;
    let not = (b.failed + b.cancelled + b.refused).max(0) as usize;
    let what = match b.outcome {
        _ if b.finished_at.is_none() => format!("{} of {} delivered so far", done, files(b.files_total.max(0) as usize)),
        Some(Outcome::Delivered) => format!("{} delivered", files(done)),
        Some(Outcome::Cancelled) => "cancelled".to_string(),
        Some(Outcome::Partial | Outcome::Failed) | None => format!("{} delivered, {not} not", files(done)),
    };
    format!("{}: {what}", b.destination_name)
}

/// The menu, top to bottom.
pub fn menu(s: &TrayState) -> Vec<Item> {
    let mut items = vec![action(STATUS, status(s), false)];
    if let Some(l) = limit(s) {
        items.push(action(LIMIT, l, false));
    }
    items.push(Item::Separator);
    items.push(action(OPEN, "Open Chute", true));
    let recent: Vec<Item> = if s.recent.is_empty() {
        vec![action("no-recent", "No deliveries yet", false)]
    } else {
        s.recent.iter().take(RECENT_COUNT).map(|b| action(&format!("{BATCH_PREFIX}{}", b.id), recent_label(b), true)).collect()
    };
    items.push(Item::Submenu { id: RECENT.into(), label: "Recent deliveries".into(), items: recent });
    items.push(if s.paused_all {
        action(RESUME_ALL, "Resume all", true)
    } else {
        let anything = s.delivering.as_ref().is_some_and(|d| !d.paused) || s.active_watches > 0;
        action(PAUSE_ALL, "Pause all deliveries and watches", anything)
    });
    items.push(Item::Separator);
    items.push(match s.start_at_login {
        Some(on) => Item::Check { id: START_AT_LOGIN.into(), label: "Start at login".into(), enabled: true, checked: on },
        None => Item::Check {
            id: START_AT_LOGIN.into(),
            label: "Start at login (not available on this system)".into(),
            enabled: false,
            checked: false,
        },
    });
    items.push(Item::Separator);
    let quit = match s.active_watches {
        0 => "Quit Chute".to_string(),
        1 => "Quit Chute (stops watching 1 folder)".to_string(),
        n => format!("Quit Chute (stops watching {n} folders)"),
    };
    items.push(action(QUIT, quit, true));
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use chute_core::{BatchState, Origin};

    fn batch(id: &str, name: &str, outcome: Outcome, delivered: i64, failed: i64) -> BatchRow {
        serde_json::from_value(serde_json::json!({
            "id": id, "destination_id": "d", "destination_name": name, "origin": Origin::Drop, "started_at": 1,
            "finished_at": 2, "state": BatchState::Finished, "outcome": outcome, "files_total": delivered + failed,
            "bytes_total": 10, "delivered": delivered, "skipped": 0, "failed": failed, "cancelled": 0, "bytes_sent": 10,
            "parent_id": null
        }))
        .unwrap()
    }

    fn ids(items: &[Item]) -> Vec<String> {
        items
            .iter()
            .map(|i| match i {
                Item::Action { id, .. } | Item::Check { id, .. } | Item::Submenu { id, .. } => id.clone(),
                Item::Separator => "-".into(),
            })
            .collect()
    }

    fn find<'a>(items: &'a [Item], wanted: &str) -> &'a Item {
        items.iter().find(|i| ids(std::slice::from_ref(i))[0] == wanted).unwrap_or_else(|| panic!("no {wanted} in {items:?}"))
    }

    #[test]
    fn idle_the_menu_offers_open_recent_pause_start_at_login_and_quit() {
        let s = TrayState { active_watches: 2, start_at_login: Some(false), ..TrayState::default() };
        let items = menu(&s);
        assert_eq!(ids(&items), ["status", "-", "open", "recent", "pause-all", "-", "start-at-login", "-", "quit"]);
        assert_eq!(find(&items, STATUS), &action(STATUS, "Idle, watching 2 folders", false));
        assert_eq!(find(&items, PAUSE_ALL), &action(PAUSE_ALL, "Pause all deliveries and watches", true));
        assert_eq!(find(&items, QUIT), &action(QUIT, "Quit Chute (stops watching 2 folders)", true));
        let Item::Submenu { items: recent, .. } = find(&items, RECENT) else { panic!() };
        assert_eq!(recent, &[action("no-recent", "No deliveries yet", false)]);
        assert!(matches!(find(&items, START_AT_LOGIN), Item::Check { checked: false, enabled: true, .. }));
        assert_eq!((tooltip(&s), title(&s)), ("Chute — idle, watching 2 folders".to_string(), None));
        let nothing = TrayState::default();
        assert_eq!(find(&menu(&nothing), PAUSE_ALL), &action(PAUSE_ALL, "Pause all deliveries and watches", false), "nothing to pause");
    }

    #[test]
    fn while_delivering_the_progress_and_the_limit_in_force_are_said() {
        let d = Delivering {
            deliveries: 1,
            files_done: 3,
            files_total: 10,
            bytes_sent: 45,
            bytes_total: 100,
            paused: false,
            rate_limit: Some(2 << 20),
        };
        let s = TrayState { delivering: Some(d.clone()), overall_limit: Some(8 << 20), ..TrayState::default() };
        let items = menu(&s);
        assert_eq!(find(&items, STATUS), &action(STATUS, "Delivering 3 of 10 files (45%)", false));
        assert_eq!(find(&items, LIMIT), &action(LIMIT, "Limited to 2 MB/s", false));
        assert_eq!(tooltip(&s), "Chute — delivering 3 of 10 files (45%) · Limited to 2 MB/s");
        assert_eq!(title(&s).as_deref(), Some("45%"));
        let paused = TrayState { delivering: Some(Delivering { paused: true, rate_limit: None, ..d }), ..s };
        assert_eq!(find(&menu(&paused), STATUS), &action(STATUS, "Paused: 3 of 10 files (45%)", false));
        assert_eq!(limit(&paused).as_deref(), Some("Overall limit 8 MB/s"), "idle deliveries: the overall limit");
    }

    #[test]
    fn pause_all_turns_into_resume_all_and_recent_deliveries_open_their_batch() {
        let recent = vec![batch("b1", "Reports", Outcome::Delivered, 12, 0), batch("b2", "Archive", Outcome::Partial, 3, 2)];
        let s = TrayState { paused_all: true, recent, start_at_login: Some(true), ..TrayState::default() };
        let items = menu(&s);
        assert_eq!(find(&items, RESUME_ALL), &action(RESUME_ALL, "Resume all", true));
        assert!(!ids(&items).contains(&PAUSE_ALL.to_string()));
        assert_eq!(find(&items, STATUS), &action(STATUS, "Paused: deliveries and watches", false));
        let Item::Submenu { items: recent, .. } = find(&items, RECENT) else { panic!() };
        assert_eq!(
            recent,
            &[action("batch:b1", "Reports: 12 files delivered", true), action("batch:b2", "Archive: 3 files delivered, 2 not", true)]
        );
        assert!(matches!(find(&items, START_AT_LOGIN), Item::Check { checked: true, .. }));
        let unsupported = menu(&TrayState::default());
        assert!(matches!(find(&unsupported, START_AT_LOGIN), Item::Check { enabled: false, .. }));
    }
}
