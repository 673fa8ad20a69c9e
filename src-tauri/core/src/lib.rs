//! Chute's core: everything the desktop app, the CLI and later the watcher
//! share. No UI dependency. Layers, each using only those below it:
//!
//! - L0 `report` (codes, `{code, message, fix}`), `provider`, `keys`,
//!   `allocator` (the allocator every binary declares, and the process's
//!   memory settings, set once by each `main`),
//!   `pasted` (an image or text pasted in, kept as a file to deliver),
//!   `bandwidth` (limits as people write them)
//! - L1 `destination` (model, validation), `secret` (keychain)
//! - L2 `s3` (client, URLs, presign, the one failure classifier),
//!   `diagnose` (the one catalogue of advice), `import`, `sso` (a
//!   profile's IAM Identity Center sign-in)
//! - L3 `probe` (the connection test), `deliver` (plan and transfer),
//!   `verify` (objects checked at the destination: receipts, folder audits)
//! - L4 `store` (SQLite, the whole schema), `history`, `watch` (watched
//!   folders: settings, settling, the journal)
//! - L5 `app`: the `Chute` service every front end calls
//! - L6 `agent`: the runner of watches, over `Chute` (the window hosts it,
//!   or `chute watch run`)
//!
//! Front ends import only what this file re-exports below (a test in
//! tests/hardening.rs holds them to it).

pub mod agent;
mod allocator;
mod app;
pub mod bandwidth;
pub mod deliver;
pub mod destination;
pub mod diagnose;
mod encoding;
pub mod history;
pub mod import;
pub mod keys;
pub mod pasted;
pub mod probe;
pub mod provider;
pub mod report;
pub mod s3;
pub mod secret;
pub mod sso;
pub mod store;
pub mod verify;
pub mod watch;

// ---------------------------------------------------------------------------
// The public surface: what the front ends (the window's shell, the CLI, the
// watcher to come) use, by concern. They import from here only; the modules
// above stay public for the engine-level tests.

// The process: its allocator, and the memory settings each `main` makes first.
pub use allocator::{set_up_allocators, Allocator};
// The service, its errors and the words of every failure.
pub use app::{default_data_dir, new_id, Chute, Error, ErrorReply, Result, DB_FILE};
// The person's choices about the app: notifications, closing on active watches.
pub use app::{CloseAnswer, Notifications};
pub use report::{grouped, Code, ErrorInfo, UserError};

// Destinations: settings, credentials, validation, what the window shows.
pub use app::{catalog, Catalog, DestinationView, KeyPreset, Saved, StepName, TokenHelp};
pub use destination::{
    Compression, CredentialDraft, CredentialInput, CredentialSource, CustomerKey, Destination, Encryption, Overwrite, Problem, Settings,
    Severity,
};
pub use keys::{example as key_example, KeyExample};
pub use provider::ProviderKind;
pub use s3::request_base;
pub use secret::{mask_key_id, Credentials, SecretStore, Sensitive};

// Importing destinations from AWS profiles and rclone remotes.
pub use import::{
    candidates as import_candidates, default_aws_config, default_rclone_config, Candidate as ImportCandidate, ImportError, ImportKind,
    ImportedAuth,
};

// The connection test and its diagnoses.
pub use app::ProbeTarget;
pub use diagnose::{Diagnosis, Evidence, FixAction, Level};
pub use probe::{Outcome as ProbeOutcome, ProbeEvent, ProbeOptions, ProbeReport, StepResult, StepStatus};
pub use s3::capabilities::{Algorithm, Capabilities, ChecksumSupport, ConditionalCreate, MultipartEtag, OverwriteGuard};
pub use store::{StoredProbe, SCHEMA_VERSION};

// Delivery: plans, the one path (Job, run, start), its events and results.
pub use app::{presign_refused_for_sse_c, AbortReport, AbortWhich, Delivery, Job, OpenUpload};
pub use bandwidth::{parse as parse_bandwidth_limit, words as bandwidth_words, MIN_BYTES_PER_SEC as MIN_BANDWIDTH_LIMIT};
pub use deliver::existing::ExistingCheck;
pub use deliver::manifest::ManifestOutcome;
pub use deliver::plan::{Collision, Excluded, PlanProblem};
pub use deliver::{
    BatchSummary, Control, DeliveryEvent, FileError, FileResult, FileStatus, Plan, PlannedFile, Progress, Throttle, TransferOptions,
};

// Objects checked at the destination: receipts, re-checks, folder audits.
pub use app::BatchCheck;
pub use deliver::{Receipt, ReceiptProblem};
pub use report::{ReceiptKind, Verification};
pub use verify::{Audit, Basis, ObjectCheck, VerifyProgress};

// The history.
pub use history::{
    BatchCounts, BatchInputs, BatchRow, BatchState, CsvError, CsvRows, Deleted, ExcludedPath, FileCounts, FileRow, FileState, Filter,
    Origin, Outcome, Source, Which, MAX_KEEP_DAYS,
};
pub use store::Store;

// Watched folders: their settings, what each is doing, and the runner.
pub use agent::{run as run_watches, Stop as StopWatching, WatchEvent};
pub use app::{WatchState, WatchView};
pub use watch::{After, Batching, Existing, Hours as DeliveryHours, Watch, WatchSettings, DEFAULT_SETTLE_MS};

// Pasting into the window: an image or text kept as a file to deliver.
pub use app::CopyAfterPaste;
pub use pasted::{Pasted, DEFAULT_NAME_TEMPLATE as DEFAULT_PASTE_NAME};
