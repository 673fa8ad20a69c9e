//! `chute history` against s3s-fs on loopback (objects are files, and open
//! multipart uploads are `.upload*` files at its root, so what a kill leaves
//! behind is visible on disk). Credentials come from an AWS profile in each
//! world's own files, so no keychain is involved.
//!
//! One binary, a module per area: `browsing` (list, show, filters, CSV
//! export), `interrupted` (SIGKILL mid-delivery, then resume or discard)
//! and `retry` (retry, delete, retention).

#[path = "../support/mod.rs"]
mod support;

mod browsing;
mod interrupted;
mod kill_matrix;
mod retry;
