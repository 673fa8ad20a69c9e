//! Delivery: plan (paths -> keys, previewed) then transfer.

pub mod existing;
mod failure;
mod multipart;
pub mod plan;
pub mod transfer;

pub use plan::{plan, Plan, PlanOptions, PlannedFile};
pub use transfer::{
    deliver, BatchSummary, Control, DeliveryEvent, FileResult, FileStatus, Journal, JournalRef, ResumeUpload, TransferOptions,
};
