//! The real app window, driven over WebDriver: tauri-driver + WebKitWebDriver
//! under a private Xvfb display, with a real gnome-keyring on a private
//! D-Bus session and a real SQLite file. Screenshots of the X display are
//! saved under target/test-artifacts/gui/.
//!
//! One test binary; the scenarios are grouped by feature, the harness and
//! the native-dialog driver are shared.

mod harness;
mod interact;
mod native_dialog;
#[path = "../support/mod.rs"]
mod support;
mod window_close;

mod bandwidth;
mod clipboard;
mod compression;
mod delivery;
mod destinations;
mod dialogs;
mod fanout;
mod feedback;
mod forms;
mod history;
mod keyboard;
mod newcomer;
mod open_with;
mod preview_scale;
mod proxy;
mod receipts;
mod server_details;
mod watches;
