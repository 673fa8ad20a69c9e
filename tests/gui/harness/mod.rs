//! The GUI harness: a private Xvfb display, a real gnome-keyring on a
//! private D-Bus, tauri-driver + WebKitWebDriver launching the app
//! (launch.rs), page-side helpers that wait for what the user would see
//! (page.rs), the destination form filled as a user would
//! (destination_form.rs), the IPC bridge (ipc.rs), the secret sweep
//! (leaks.rs), the CLI beside the app (cli.rs), a real notification
//! daemon (notifications.rs) and the app's tray icon read and clicked
//! over D-Bus (tray.rs); a time budget per test that stops a hung one
//! (watchdog.rs).
#![allow(dead_code)]

mod cli;
mod destination_form;
mod ipc;
mod launch;
mod leaks;
mod notifications;
mod page;
mod processes;
mod tray;
mod watchdog;

pub(crate) use cli::*;
pub(crate) use destination_form::*;
pub(crate) use ipc::*;
pub(crate) use launch::*;
pub(crate) use leaks::*;
pub(crate) use notifications::*;
pub(crate) use page::*;
pub(crate) use tray::*;
