//! The `chute` binary against real parts: a real gnome-keyring Secret
//! Service on a private D-Bus session, a real SQLite database in a temp
//! folder, real AWS and rclone config files. No mocks. The connection test
//! commands are in cli_probe.rs.
//!
//! One binary, a module per area: `destinations` (add, show, edit,
//! duplicate, remove; the secret on a terminal), `encryption` (SSE modes,
//! the SSE-C key kept in the keychain), `validation` (a table of
//! bad inputs, warnings), `import` (AWS profiles and rclone remotes),
//! `state` (no Secret Service, a locked keychain, a newer database) and
//! `command_line` (usage errors, the data folder).

#[path = "../support/mod.rs"]
mod support;

mod command_line;
mod destinations;
mod encryption;
mod import;
mod state;
mod validation;
