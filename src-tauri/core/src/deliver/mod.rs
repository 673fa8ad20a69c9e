//! Delivery: plan (paths -> keys, previewed), then the transfer: the engine
//! runs every file (file.rs: one PUT, multipart.rs: parts), sending bytes
//! read from disk with their checksums (body.rs) and the object's
//! attributes (object.rs), reporting results and events (events.rs) under
//! the run's options and controls, each object checked by the run's
//! verifier and the batch's receipt (receipt.rs) kept with its summary.
//! Under a bandwidth limit (limit.rs) request bodies are paced (paced.rs).

mod adaptive;
mod body;
mod check_window;
pub mod compress;
mod control;
mod engine;
mod events;
pub mod existing;
mod failure;
mod file;
pub mod ignore;
mod limit;
pub mod manifest;
mod multipart;
mod object;
mod options;
mod paced;
pub mod plan;
mod planned_file;
mod range_body;
mod read_buffers;
mod receipt;
mod refusal;
mod shared;

const MIB: u64 = 1024 * 1024;

pub(crate) use body::{b64, hex, sum_of_range, PartSum};
pub use control::Control;
pub use engine::deliver;
pub(crate) use events::err;
pub use events::{BatchSummary, DeliveryEvent, FileError, FileResult, FileStatus, Progress};
pub(crate) use failure::Failures;
pub use limit::{Limiter, Throttle};
pub(crate) use multipart::part_size;
pub use options::{BoxFuture, DeliveredFile, Journal, JournalRef, ResumeUpload, TransferOptions, Verifier, VerifierRef};
pub use plan::{plan, plan_files, Plan, PlanOptions, PlannedFile, SourcePath};
pub use receipt::{Receipt, ReceiptProblem};
