//! The receipt taken during a delivery: each object checked once its file
//! is delivered, together with the others delivered in the same moments
//! (many described by one listing, the rest asked about one by one under
//! the batch's request slots), against what was sent (the staged copy for
//! a compressed delivery, never the source file): its size, and its ETag
//! against the MD5 worked out while sending, or the bytes read again where
//! the server's ETag needs its part size. A difference fails the file with
//! its diagnosis; the checks are kept for the batch's receipt.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::Semaphore;

use super::many::check_described;
use super::model::{Checker, Expect, Expected, LocalFile};
use super::receipt::Tally;
use crate::deliver::{BoxFuture, DeliveredFile, FileError, FileResult, PlannedFile, TransferOptions, Verifier};
use crate::destination::{Compression, Settings};
use crate::diagnose::receipt::Against;

pub struct AtDelivery {
    checker: Arc<Checker>,
    against: Against,
    /// Files from this size go multipart.
    multipart_threshold: u64,
    min_part_size: u64,
    /// The part sizes of uploads continued from an interrupted batch, by plan index.
    resumed: HashMap<usize, u64>,
    /// The checks made so far, summed up (never kept whole).
    checks: Mutex<Tally>,
    /// The file's index in its batch, by plan index (a resumed batch's plan holds only its unfinished files).
    index_map: Option<Vec<usize>>,
}

impl AtDelivery {
    pub fn new(
        client: aws_sdk_s3::Client,
        settings: &Settings,
        opts: &TransferOptions,
        batch_id: &str,
        index_map: Option<Vec<usize>>,
    ) -> AtDelivery {
        AtDelivery {
            checker: Arc::new(Checker::new(client, settings, opts.anonymous)),
            against: Against::Delivery { batch_id: batch_id.to_string(), compressed: settings.compression != Compression::Off },
            multipart_threshold: opts.multipart_threshold,
            min_part_size: opts.min_part_size,
            resumed: opts.resume.iter().map(|(i, r)| (*i, r.part_size)).collect(),
            checks: Mutex::new(Tally::default()),
            index_map,
        }
    }

    /// The checks made so far, summed up (each with its file's index in the batch).
    pub fn take_checks(&self) -> Tally {
        std::mem::take(&mut *self.checks.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// What the object of the file at `index` should be.
    fn expected(&self, index: usize, file: &PlannedFile, result: &FileResult) -> Expected {
        let mut part_sizes: Vec<u64> = Vec::new();
        if file.size >= self.multipart_threshold {
            part_sizes.extend(self.resumed.get(&index));
            let ours = self.checker.chute_part_size(file.size, Some(self.min_part_size));
            if !part_sizes.contains(&ours) {
                part_sizes.push(ours);
            }
        }
        let batch_index = self.index_map.as_ref().and_then(|m| m.get(index).copied()).unwrap_or(index);
        // Every part's bytes were checked by the server as they were sent:
        // the object must be that completed upload (its size and ETag); no
        // second read of the file.
        if result.parts_checked && result.etag.is_some() {
            return Expected {
                index: batch_index,
                key: result.key.clone(),
                expect: Expect::Recorded { size: file.size, etag: result.etag.clone() },
                against: self.against.clone(),
            };
        }
        Expected {
            index: batch_index,
            key: result.key.clone(),
            expect: Expect::Local(LocalFile {
                path: file.source().into_owned(),
                size: file.size,
                mtime_ms: file.mtime_ms,
                sent_md5: result.md5.clone(),
                part_sizes,
            }),
            against: self.against.clone(),
        }
    }
}

impl Verifier for AtDelivery {
    fn verify(self: Arc<Self>, delivered: &[DeliveredFile], requests: Arc<Semaphore>) -> BoxFuture<'static, Vec<Option<FileError>>> {
        let expected = delivered.iter().map(|d| self.expected(d.result.index, &d.file, &d.result)).collect();
        Box::pin(async move {
            let checks = check_described(self.checker.clone(), expected, None, Some(requests), &mut |_| {}).await;
            let mut tally = self.checks.lock().unwrap_or_else(|p| p.into_inner());
            checks
                .into_iter()
                .map(|check| {
                    tally.add(&check);
                    // A difference fails the file; an object that could not be asked
                    // about was still delivered (the receipt says it was not checked).
                    check.state.is_difference().then_some(check.error).flatten()
                })
                .collect()
        })
    }
}
