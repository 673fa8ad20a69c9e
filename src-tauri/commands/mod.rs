//! The commands the window calls, by concern. Each validates its
//! arguments, runs the core on a blocking worker and returns data or
//! `{code, message, fix}`.

pub mod app;
pub mod delivery;
pub mod destinations;
pub mod history;
pub mod links;
pub mod preferences;
pub mod probe;
pub mod server;
pub mod watches;
