//! One module per command family. `history` sends retries through
//! `deliver`; `destination` hands `test` and `deliver` to theirs.

pub mod connection_test;
pub mod credentials;
pub mod deliver;
pub mod destination;
pub mod encryption;
pub mod history;
pub mod settings;
pub mod uploads;
pub mod verify;
pub mod watch;
