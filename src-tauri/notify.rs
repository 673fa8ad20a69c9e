//! Desktop notifications, as the person's setting says (kept by the core:
//! `off`, `errors` by default, `every`), for deliveries nobody watches:
//!
//! - automatic deliveries (watched folders), fed each event of the runner
//!   the window hosts (`watching`): a file not delivered (its first retry,
//!   or given up) and a folder that cannot be watched; with `every`, each
//!   delivery too;
//! - a long delivery from the window, at its end: one that took
//!   `LONG_DELIVERY` or more, or ended while the window was hidden (in the
//!   tray), minimised or not focused (the person looked elsewhere); with
//!   `errors` only when some file was not delivered, with `every` always.
//!
//! A watch's notification is worded from the event:
//! the watch's and the destination's names, the file, the message and
//! its fix. A burst is summed up: at most one notification per watch and
//! kind every few seconds ("12 files delivered to Reports"), so 1,000
//! files give a handful, not 1,000.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chute_core::{BatchSummary, Chute, Notifications, Outcome, WatchEvent};
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;

/// At most one notification per watch and kind this often; what happens
/// in between is summed up in the next one.
const AT_MOST_EVERY: Duration = Duration::from_secs(5);
/// A delivery from the window that took this long notifies at its end,
/// wherever the person looks.
pub const LONG_DELIVERY: Duration = Duration::from_secs(30);
/// The same problem of a watch (a file it cannot read, looked at again
/// after each settle time) is said again only after this long.
const SAME_PROBLEM_AGAIN: Duration = Duration::from_secs(600);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Delivered,
    NotDelivered,
    Problem,
}

/// What happened to one watch, of one kind, since its last notification.
#[derive(Default)]
struct Pending {
    files: usize,
    last_file: String,
    /// Destination names, in the order met.
    destinations: Vec<String>,
    message: String,
    fix: String,
    /// For files not delivered: whether the last one is tried again.
    retried: bool,
}

#[derive(Default)]
struct Slot {
    pending: Option<Pending>,
    last_sent: Option<Instant>,
    /// The last problem noted, and when.
    last_problem: Option<(String, Instant)>,
}

/// The notifications the window sends (state of the app).
pub struct Notifier {
    core: Option<Arc<Chute>>,
    /// The setting, read from the core once, then kept as it is set.
    mode: Mutex<Option<Notifications>>,
    slots: Mutex<HashMap<(String, Kind), Slot>>,
    /// Names of watches and destinations by id, as first looked up.
    names: Mutex<HashMap<String, String>>,
    wake: Condvar,
    flusher_started: Mutex<bool>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Notifier {
    pub fn new(core: Option<Arc<Chute>>) -> Notifier {
        Notifier {
            core,
            mode: Mutex::new(None),
            slots: Mutex::default(),
            names: Mutex::default(),
            wake: Condvar::new(),
            flusher_started: Mutex::new(false),
        }
    }

    fn mode(&self) -> Notifications {
        let mut mode = lock(&self.mode);
        if mode.is_none() {
            *mode = self.core.as_ref().and_then(|c| c.notifications().ok());
        }
        mode.unwrap_or_default()
    }

    /// The setting changed (the command stored it in the core first).
    pub fn set_mode(&self, mode: Notifications) {
        *lock(&self.mode) = Some(mode);
        if mode == Notifications::Off {
            lock(&self.slots).values_mut().for_each(|s| s.pending = None);
        }
    }

    fn name_of(&self, id: &str, lookup: impl FnOnce(&Chute) -> Option<String>) -> String {
        if let Some(n) = lock(&self.names).get(id) {
            return n.clone();
        }
        let name = self.core.as_deref().and_then(lookup).unwrap_or_else(|| id.to_string());
        lock(&self.names).insert(id.to_string(), name.clone());
        name
    }

    fn watch_name(&self, id: &str) -> String {
        self.name_of(id, |c| c.get_watch(id).ok().map(|w| w.settings.name))
    }

    fn destination_name(&self, id: &str) -> String {
        self.name_of(id, |c| c.get(id).ok().map(|d| d.settings.name))
    }

    /// Note `event`, met at `now`; true when something waits to be sent.
    fn note(&self, event: &WatchEvent, now: Instant) -> bool {
        let mode = self.mode();
        let (watch, kind, destination, file, error, retried) = match event {
            WatchEvent::Watching { watch, name, .. } => {
                lock(&self.names).insert(watch.clone(), name.clone());
                return false;
            }
            WatchEvent::Delivered { watch, destination, path, .. } => (watch, Kind::Delivered, Some(destination), Some(path), None, false),
            // Its later retries are no news: the first one said it.
            WatchEvent::Retrying { watch, destination, path, attempt, error, .. } if *attempt <= 1 => {
                (watch, Kind::NotDelivered, Some(destination), Some(path), Some(error), true)
            }
            WatchEvent::Failed { watch, destination, path, error } => {
                (watch, Kind::NotDelivered, Some(destination), Some(path), Some(error), false)
            }
            WatchEvent::Problem { watch, error } => (watch, Kind::Problem, None, None, Some(error), false),
            _ => return false,
        };
        let wanted = match mode {
            Notifications::Off => false,
            Notifications::Errors => kind != Kind::Delivered,
            Notifications::Every => true,
        };
        if !wanted {
            return false;
        }
        let destination = destination.map(|d| self.destination_name(d));
        let mut slots = lock(&self.slots);
        let slot = slots.entry((watch.clone(), kind)).or_default();
        if let (Kind::Problem, Some(e)) = (kind, error) {
            let again = slot.last_problem.as_ref().is_some_and(|(m, at)| *m == e.message && now.duration_since(*at) < SAME_PROBLEM_AGAIN);
            slot.last_problem = Some((e.message.clone(), now));
            if again {
                return false;
            }
        }
        let p = slot.pending.get_or_insert_with(Pending::default);
        if let Some(f) = file {
            p.files += 1;
            p.last_file = f.clone();
        }
        if let Some(d) = destination.filter(|d| !p.destinations.contains(d)) {
            p.destinations.push(d);
        }
        if let Some(e) = error {
            (p.message, p.fix) = (e.message.clone(), e.fix.clone());
        }
        p.retried = retried;
        true
    }

    /// What is due: each slot with something pending whose last notification is old enough.
    fn take_due(&self, now: Instant) -> Vec<(String, Kind, Pending)> {
        let mut slots = lock(&self.slots);
        let mut due = vec![];
        for ((watch, kind), slot) in slots.iter_mut() {
            let ready = slot.last_sent.is_none_or(|t| now.duration_since(t) >= AT_MOST_EVERY);
            if ready && slot.pending.is_some() {
                due.push((watch.clone(), *kind, slot.pending.take().unwrap()));
                slot.last_sent = Some(now);
            }
        }
        due
    }

    fn any_pending(&self) -> bool {
        lock(&self.slots).values().any(|s| s.pending.is_some())
    }

    fn send_due(&self, app: &AppHandle) {
        for (watch, kind, pending) in self.take_due(Instant::now()) {
            let (title, body) = words(&self.watch_name(&watch), kind, &pending);
            tell(app, &title, &body);
        }
    }
}

/// The title and text of a notification.
fn words(watch: &str, kind: Kind, p: &Pending) -> (String, String) {
    let to = p.destinations.join(", ");
    let file = |n: usize| if n == 1 { format!("“{}”", p.last_file) } else { format!("{n} files") };
    match kind {
        Kind::Delivered => {
            let body = if p.files == 1 {
                format!("From the watched folder “{watch}”.")
            } else {
                format!("From “{watch}”; the last: “{}”.", p.last_file)
            };
            (format!("{} delivered to {to}", file(p.files)), body)
        }
        Kind::NotDelivered => {
            let then = if p.retried { "Chute tries again with a growing pause." } else { "Not tried again unless the file changes." };
            let last = if p.files > 1 { format!(" The last, “{}”:", p.last_file) } else { String::new() };
            (
                format!("“{watch}”: {} not delivered to {to}", file(p.files)),
                format!("{last} {} {} {then}", p.message, p.fix).trim().to_string(),
            )
        }
        Kind::Problem => (format!("“{watch}” cannot be watched"), format!("{} {}", p.message, p.fix)),
    }
}

/// Show a notification now, whatever the setting (the answer to something
/// the person just did, such as a tray action that failed).
pub fn tell(app: &AppHandle, title: &str, body: &str) {
    if let Err(e) = app.notification().builder().title(title).body(body).show() {
        eprintln!("chute: could not show a notification: {e}");
    }
}

/// The notification for the end of a delivery from the window to
/// `destination` that took `took`, `away` when the window was hidden,
/// minimised or not focused at its end; `None` when it does not notify.
fn delivery_end(mode: Notifications, destination: &str, s: &BatchSummary, took: Duration, away: bool) -> Option<(String, String)> {
    if took < LONG_DELIVERY && !away {
        return None;
    }
    let wanted = match mode {
        Notifications::Off => false,
        Notifications::Errors => matches!(s.outcome, Outcome::Partial | Outcome::Failed),
        Notifications::Every => true,
    };
    if !wanted {
        return None;
    }
    let files = |n: usize| if n == 1 { "1 file".to_string() } else { format!("{n} files") };
    let secs = took.as_secs();
    let time = if secs >= 120 { format!("{} min {} s", secs / 60, secs % 60) } else { format!("{secs} s") };
    Some(match s.outcome {
        Outcome::Delivered => {
            (format!("{} delivered to {destination}", files(s.delivered + s.skipped)), format!("The delivery took {time}."))
        }
        Outcome::Cancelled => {
            (format!("Delivery to {destination} cancelled"), format!("{} delivered before it was cancelled.", files(s.delivered)))
        }
        Outcome::Partial | Outcome::Failed => (
            format!("{} not delivered to {destination}", files(s.failed + s.cancelled)),
            format!(
                "{} delivered. Open Chute’s History for each file’s reason and fix, and retry them there.",
                files(s.delivered + s.skipped)
            ),
        ),
    })
}

/// A delivery from the window ended: notified as the setting says (see the top of this file).
pub fn on_delivery_ended(app: &AppHandle, destination: &str, summary: &BatchSummary, took: Duration) {
    let away = app
        .get_webview_window("main")
        .is_none_or(|w| !w.is_visible().unwrap_or(false) || w.is_minimized().unwrap_or(false) || !w.is_focused().unwrap_or(false));
    let mode = app.try_state::<Arc<Notifier>>().map(|n| n.mode()).unwrap_or_default();
    if let Some((title, body)) = delivery_end(mode, destination, summary, took, away) {
        tell(app, &title, &body);
    }
}

/// Each event of the runner the window hosts goes through here.
pub fn on_watch_event(app: &AppHandle, event: &WatchEvent) {
    let Some(notifier) = app.try_state::<Arc<Notifier>>() else { return };
    let notifier = notifier.inner().clone();
    if !notifier.note(event, Instant::now()) {
        return;
    }
    notifier.send_due(app);
    if notifier.any_pending() {
        start_flusher(app, &notifier);
    }
}

/// A thread that sends what waited for its turn, once it is due.
fn start_flusher(app: &AppHandle, notifier: &Arc<Notifier>) {
    let mut started = lock(&notifier.flusher_started);
    if *started {
        notifier.wake.notify_all();
        return;
    }
    *started = true;
    let (app, notifier) = (app.clone(), notifier.clone());
    let spawned = std::thread::Builder::new().name("notifications".into()).spawn(move || loop {
        {
            let started = lock(&notifier.flusher_started);
            let _ = notifier.wake.wait_timeout(started, Duration::from_secs(1));
        }
        notifier.send_due(&app);
    });
    if spawned.is_err() {
        *started = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chute_core::{Code, ErrorInfo};

    fn delivered(path: &str) -> WatchEvent {
        WatchEvent::Delivered { watch: "w1".into(), destination: "d1".into(), path: path.into(), key: path.into(), url: None }
    }

    fn refused(attempt: u32) -> WatchEvent {
        let error = ErrorInfo::new(Code::WatchSetupFailed, "It went wrong.", "Do this.");
        WatchEvent::Retrying { watch: "w1".into(), destination: "d1".into(), path: "a.pdf".into(), attempt, retry_in_ms: 2000, error }
    }

    fn notifier(mode: Notifications) -> Notifier {
        let n = Notifier::new(None);
        n.set_mode(mode);
        n
    }

    #[test]
    fn what_notifies_follows_the_setting() {
        let t = Instant::now();
        for (mode, delivery, refusal) in
            [(Notifications::Off, false, false), (Notifications::Errors, false, true), (Notifications::Every, true, true)]
        {
            assert_eq!(notifier(mode).note(&delivered("a.csv"), t), delivery, "{mode:?}: a delivery");
            assert_eq!(notifier(mode).note(&refused(1), t), refusal, "{mode:?}: a refusal");
        }
        assert!(!notifier(Notifications::Every).note(&refused(2), t), "a later retry of the same file is no news");
    }

    #[test]
    fn a_burst_of_a_thousand_files_gives_two_notifications() {
        let n = notifier(Notifications::Every);
        let t = Instant::now();
        n.note(&delivered("file-0.csv"), t);
        let first = n.take_due(t);
        assert_eq!(first.len(), 1);
        assert_eq!(words("Reports in", first[0].1, &first[0].2).0, "“file-0.csv” delivered to d1");
        for i in 1..1000 {
            n.note(&delivered(&format!("file-{i}.csv")), t);
            assert!(n.take_due(t + Duration::from_millis(i)).is_empty(), "nothing more within 5 s");
        }
        let summed = n.take_due(t + AT_MOST_EVERY);
        assert_eq!(summed.len(), 1);
        let (title, body) = words("Reports in", summed[0].1, &summed[0].2);
        assert_eq!(title, "999 files delivered to d1");
        assert_eq!(body, "From “Reports in”; the last: “file-999.csv”.");
        assert!(n.take_due(t + AT_MOST_EVERY * 3).is_empty(), "then nothing");
    }

    #[test]
    fn a_refusal_says_the_message_the_fix_and_what_happens_next() {
        let n = notifier(Notifications::Errors);
        let t = Instant::now();
        n.note(&refused(1), t);
        let due = n.take_due(t);
        let (title, body) = words("Outbox", due[0].1, &due[0].2);
        assert_eq!(title, "“Outbox”: “a.pdf” not delivered to d1");
        assert_eq!(body, "It went wrong. Do this. Chute tries again with a growing pause.");
    }

    fn summary(outcome: Outcome, delivered: usize, failed: usize) -> BatchSummary {
        serde_json::from_value(serde_json::json!({
            "outcome": outcome, "not_landed": [], "delivered": delivered, "skipped": 0, "failed": failed, "cancelled": 0,
            "bytes_sent": 1, "duration_ms": 1
        }))
        .unwrap()
    }

    #[test]
    fn a_long_delivery_or_one_ended_out_of_sight_notifies_as_the_setting_says() {
        let (long, short) = (LONG_DELIVERY, Duration::from_secs(3));
        let done = summary(Outcome::Delivered, 12, 0);
        let partial = summary(Outcome::Partial, 10, 2);
        use Notifications::*;
        assert_eq!(delivery_end(Every, "Reports", &done, short, false), None, "short, in sight: nothing");
        assert_eq!(
            delivery_end(Every, "Reports", &done, long, false),
            Some(("12 files delivered to Reports".into(), "The delivery took 30 s.".into()))
        );
        assert!(delivery_end(Every, "Reports", &done, short, true).is_some(), "ended while the window was away");
        assert_eq!(delivery_end(Errors, "Reports", &done, long, true), None, "errors only: a delivery that went well is no news");
        let (title, body) = delivery_end(Errors, "Reports", &partial, long, false).unwrap();
        assert_eq!(title, "2 files not delivered to Reports");
        assert!(body.starts_with("10 files delivered.") && body.contains("History"), "{body}");
        assert_eq!(delivery_end(Off, "Reports", &partial, long, true), None, "off: nothing");
    }

    #[test]
    fn the_same_problem_is_said_once() {
        let n = notifier(Notifications::Errors);
        let t = Instant::now();
        let problem =
            || WatchEvent::Problem { watch: "w1".into(), error: ErrorInfo::new(Code::SourceUnreadable, "x cannot be read.", "Fix it.") };
        assert!(n.note(&problem(), t));
        assert!(!n.note(&problem(), t + Duration::from_secs(2)), "looked at again: not said again");
        assert!(n.note(&problem(), t + SAME_PROBLEM_AGAIN + Duration::from_secs(3)), "said again after a long while");
    }
}
