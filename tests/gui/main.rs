//! The real app window, driven over WebDriver: tauri-driver + WebKitWebDriver
//! under a private Xvfb display, with a real gnome-keyring on a private
//! D-Bus session and a real SQLite file. Screenshots of the X display are
//! saved under target/test-artifacts/gui/.
//!
//! One test binary; the scenarios are grouped by feature and share the harness.

#[path = "../common/mod.rs"]
mod common;
mod harness;

mod delivery;
mod destinations;
mod history;
