//! Everything printed for people. The words come from the core; these only
//! lay them out. `format` is the shared layer below the others.

pub mod connection_test;
pub mod delivery;
pub mod destination;
pub mod format;
pub mod history;
pub mod problems;
pub mod verify;
pub mod watch;
