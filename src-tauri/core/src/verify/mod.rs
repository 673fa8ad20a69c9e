//! Checking objects at the destination: after each delivery (its
//! receipt), later (an object changed or deleted since shows as such), or
//! a local folder against the objects under a prefix, uploaded by any tool.
//!
//! What a check works with (`model.rs`); one object at a time (`check.rs`): what the server says about it
//! (`seen.rs`: HEAD with its checksums, the first part's size where
//! GetObjectAttributes or a part HEAD tells it), compared (`compare.rs`)
//! with what the local bytes give (`local.rs`: MD5, the multipart ETag for
//! a part size, CRC32C) or with what was recorded at delivery. Many at once
//! under a bound, with progress (`many.rs`), many first described by one
//! listing a thousand at a time (`listing.rs`); during a delivery, the
//! files delivered in the same moments together (`delivered.rs`); a folder paired with a
//! listing (`audit.rs`); the checks summed up as a batch's receipt
//! (`receipt.rs`). Differences are said by `diagnose::receipt`.

mod audit;
mod check;
mod compare;
mod delivered;
mod listing;
mod local;
mod many;
mod model;
mod receipt;
mod seen;

pub use audit::{audit, Audit};
pub use delivered::AtDelivery;
pub use many::{check_all, VerifyProgress};
pub use model::{Basis, Checker, Expect, Expected, LocalFile, ObjectCheck};
pub use receipt::{receipt, Tally};
