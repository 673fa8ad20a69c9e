//! The tray icon: its menu (`model.rs`, a pure function of what the app
//! is doing) kept current by a thread of its own, its tooltip and title
//! (the progress while delivering; on Linux, where the tray shows no
//! tooltip, the title is the label beside the icon and the menu's first
//! item says the same), and what its items do: open the window, open a
//! recent delivery in the History (`open-batch`), pause or resume all
//! deliveries and watches (`pausing`), start at login (`autostart`), quit.
//! On Linux the tray is an appindicator (StatusNotifierItem over D-Bus,
//! its menu exported as `com.canonical.dbusmenu`); where the system has
//! no such library the app runs without a tray and says so once.

pub mod model;

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use chute_core::{Chute, Filter};
use tauri::menu::{CheckMenuItem, IsMenuItem, Menu, MenuEvent, MenuItem, MenuItemKind, PredefinedMenuItem, Submenu};
use tauri::tray::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Emitter, Manager, Wry};

use crate::activity::Activity;
use crate::pausing::PausedAll;
use crate::plans::Plans;
use crate::state::AppState;
use model::{Item, TrayState};

/// The event asking the page to show one delivery in the History; its payload is the batch id.
pub const OPEN_BATCH: &str = "open-batch";
/// How often the tray looks again while a delivery runs, and otherwise.
const WHILE_DELIVERING: Duration = Duration::from_secs(1);
const WHILE_IDLE: Duration = Duration::from_secs(3);

/// The menu, the tooltip and the title last applied.
type Shown = (Vec<Item>, String, Option<String>);

/// What the tray shows now (state of the app).
pub struct Tray {
    icon: Option<TrayIcon>,
    shown: Mutex<Option<Shown>>,
    wake: Condvar,
    woken: Mutex<bool>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Tray {
    /// Look again now (a delivery started or ended, an action was taken).
    pub fn refresh(&self) {
        *lock(&self.woken) = true;
        self.wake.notify_all();
    }

    /// Whether a tray icon was made (the window can hide into it).
    pub fn is_shown(&self) -> bool {
        self.icon.is_some()
    }
}

/// Ask the tray to look again, if there is one.
pub fn refresh(app: &AppHandle) {
    if let Some(t) = app.try_state::<Arc<Tray>>() {
        t.refresh();
    }
}

/// Make the tray icon and start keeping it current.
pub fn start(app: &AppHandle) -> Arc<Tray> {
    let icon = build(app);
    let tray = Arc::new(Tray { icon, shown: Mutex::new(None), wake: Condvar::new(), woken: Mutex::new(false) });
    if tray.icon.is_some() {
        let (app, t) = (app.clone(), tray.clone());
        let spawned = std::thread::Builder::new().name("tray".into()).spawn(move || keep_current(&app, &t));
        if let Err(e) = spawned {
            eprintln!("chute: the tray will not follow what Chute does: {e}");
        }
    }
    tray
}

fn build(app: &AppHandle) -> Option<TrayIcon> {
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut builder = TrayIconBuilder::with_id("chute").tooltip("Chute").show_menu_on_left_click(false);
        if let Some(icon) = app.default_window_icon() {
            builder = builder.icon(icon.clone());
        }
        let menu = native_menu(app, &model::menu(&TrayState::default()))?;
        builder.menu(&menu).on_menu_event(on_menu_event).on_tray_icon_event(on_icon_event).build(app)
    }));
    match built {
        Ok(Ok(icon)) => Some(icon),
        Ok(Err(e)) => {
            eprintln!("chute: no tray icon ({e}); closing the window cannot keep Chute in the tray.");
            None
        }
        Err(_) => {
            eprintln!(
                "chute: no tray icon: the system has no tray library (on Linux, install libayatana-appindicator3-1); closing the window cannot keep Chute in the tray."
            );
            None
        }
    }
}

/// `&` is a mnemonic marker in menu labels; a name's own `&` is doubled.
fn label(text: &str) -> String {
    text.replace('&', "&&")
}

fn native_item(app: &AppHandle, item: &Item) -> tauri::Result<MenuItemKind<Wry>> {
    Ok(match item {
        Item::Action { id, label: l, enabled } => MenuItem::with_id(app, id.as_str(), label(l), *enabled, None::<&str>)?.kind(),
        Item::Check { id, label: l, enabled, checked } => {
            CheckMenuItem::with_id(app, id.as_str(), label(l), *enabled, *checked, None::<&str>)?.kind()
        }
        Item::Submenu { id, label: l, items } => {
            let sub = Submenu::with_id(app, id.as_str(), label(l), true)?;
            for i in items {
                sub.append(&native_item(app, i)?)?;
            }
            sub.kind()
        }
        Item::Separator => PredefinedMenuItem::separator(app)?.kind(),
    })
}

fn native_menu(app: &AppHandle, items: &[Item]) -> tauri::Result<Menu<Wry>> {
    let menu = Menu::new(app)?;
    for i in items {
        menu.append(&native_item(app, i)?)?;
    }
    Ok(menu)
}

/// What the app is doing, for the tray.
fn gather(app: &AppHandle, core: Option<&Chute>) -> TrayState {
    let watches = core.and_then(|c| c.watches().ok()).unwrap_or_default();
    let active_watches = watches.iter().filter(|w| !w.settings.paused).count();
    let recent = core.and_then(|c| c.history_batches(&Filter { limit: model::RECENT_COUNT, ..Filter::default() }).ok());
    TrayState {
        delivering: app.state::<Activity>().now(),
        active_watches,
        paused_all: app.state::<PausedAll>().in_force(),
        overall_limit: core.and_then(|c| c.bandwidth_limit().ok().flatten()),
        recent: recent.unwrap_or_default(),
        start_at_login: crate::autostart::SUPPORTED.then(crate::autostart::enabled),
    }
}

/// The tray's thread: gather, and apply what changed.
fn keep_current(app: &AppHandle, tray: &Tray) {
    let Some(icon) = tray.icon.as_ref() else { return };
    let core = app.state::<AppState>().core().ok();
    loop {
        let state = gather(app, core.as_deref());
        let now = (model::menu(&state), model::tooltip(&state), model::title(&state));
        let mut shown = lock(&tray.shown);
        if shown.as_ref() != Some(&now) {
            let applied = native_menu(app, &now.0).and_then(|m| icon.set_menu(Some(m))).and_then(|_| icon.set_tooltip(Some(&now.1)));
            // The title is best effort: not every tray shows one.
            let _ = icon.set_title(now.2.as_deref());
            match applied {
                Ok(()) => *shown = Some(now),
                Err(e) => eprintln!("chute: the tray menu could not be updated: {e}"),
            }
        }
        drop(shown);
        let pause = if state.delivering.is_some() { WHILE_DELIVERING } else { WHILE_IDLE };
        let woken = lock(&tray.woken);
        let (mut woken, _) = tray.wake.wait_timeout_while(woken, pause, |w| !*w).unwrap_or_else(|p| p.into_inner());
        *woken = false;
    }
}

/// Bring the window back (shown, unminimised, focused).
pub fn open_window(app: &AppHandle) {
    crate::opened::hand_over(app, None);
}

fn on_icon_event(icon: &TrayIcon, event: TrayIconEvent) {
    if let TrayIconEvent::Click { button: MouseButton::Left, button_state: MouseButtonState::Up, .. } = event {
        open_window(icon.app_handle());
    }
}

fn on_menu_event(app: &AppHandle, event: MenuEvent) {
    let id = event.id().as_ref().to_string();
    if let Some(batch) = id.strip_prefix(model::BATCH_PREFIX) {
        open_window(app);
        let _ = app.emit(OPEN_BATCH, batch);
        return;
    }
    match id.as_str() {
        model::OPEN => open_window(app),
        model::QUIT => app.exit(0),
        model::PAUSE_ALL | model::RESUME_ALL => {
            let app = app.clone();
            // The database is written off the window's thread.
            tauri::async_runtime::spawn_blocking(move || {
                let core = app.state::<AppState>().core().ok();
                let (paused, plans, activity) = (app.state::<PausedAll>(), app.state::<Plans>(), app.state::<Activity>());
                if id == model::PAUSE_ALL {
                    paused.pause_all(&activity, &plans, core.as_deref());
                } else {
                    paused.resume_all(&plans, core.as_deref());
                }
                refresh(&app);
            });
        }
        model::START_AT_LOGIN => {
            if let Err(e) = crate::autostart::set(!crate::autostart::enabled()) {
                crate::notify::tell(app, "Chute cannot start at login", &format!("{} {}", e.info.message, e.info.fix));
            }
            // Its check mark follows the file, whatever the click did to it.
            if let Some(t) = app.try_state::<Arc<Tray>>() {
                *lock(&t.shown) = None;
                t.refresh();
            }
        }
        _ => {}
    }
}
