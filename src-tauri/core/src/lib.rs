//! Chute's core: everything the desktop app, the CLI and later the watcher
//! share. No UI dependency. Layers, each using only those below it:
//!
//! - L0 `report` (codes, `{code, message, fix}`), `provider`, `keys`
//! - L1 `destination` (model, validation), `secret` (keychain)
//! - L2 `s3` (client, URLs, presign, the one failure classifier),
//!   `diagnose` (the one catalogue of advice), `import`
//! - L3 `probe` (the connection test), `deliver` (plan and transfer)
//! - L4 `store` (SQLite, the whole schema), `history`
//! - L5 `app`: the `Chute` service every front end calls

mod app;
pub mod deliver;
pub mod destination;
pub mod diagnose;
pub mod history;
pub mod import;
pub mod keys;
pub mod probe;
pub mod provider;
pub mod report;
pub mod s3;
pub mod secret;
pub mod store;

pub use app::{
    catalog, default_data_dir, new_id, Catalog, Chute, Delivery, DestinationView, Error, ErrorReply, Job, KeyPreset, ProbeTarget, Result,
    Saved, TokenHelp, DB_FILE,
};
pub use destination::{CredentialDraft, CredentialInput, CredentialSource, Destination, Problem, Settings, Severity};
pub use report::{Code, ErrorInfo, UserError};
pub use secret::{Credentials, SecretStore, Sensitive};
pub use store::Store;
