//! Delivery: plan (paths -> keys, previewed), then the transfer: the engine
//! runs every file (file.rs: one PUT, multipart.rs: parts), sending bytes
//! read from disk with their checksums (body.rs) and the object's
//! attributes (object.rs), reporting results and events (events.rs) under
//! the run's options and controls.

mod body;
pub mod compress;
mod control;
mod engine;
mod events;
pub mod existing;
mod failure;
mod file;
pub mod ignore;
pub mod manifest;
mod multipart;
mod object;
mod options;
pub mod plan;
mod refusal;
mod shared;

const MIB: u64 = 1024 * 1024;

pub use control::Control;
pub use engine::deliver;
pub use events::{BatchSummary, DeliveryEvent, FileError, FileResult, FileStatus, Progress};
pub use options::{Journal, JournalRef, ResumeUpload, TransferOptions};
pub use plan::{plan, plan_files, Plan, PlanOptions, PlannedFile};
