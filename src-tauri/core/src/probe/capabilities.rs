//! The capabilities step: what the server does with a conditional create
//! and with wrong checksums, whether it lists multipart uploads and how it
//! forms multipart ETags, measured on the probe object (see
//! `s3::capabilities`). It never fails the test; a "never overwrite" that
//! cannot be atomic here is said plainly.

use super::recorder::Probe;
use super::{now_ms, StepId, StepStatus};
use crate::destination::Overwrite;
use crate::diagnose::{Diagnosis, Level};
use crate::report::Code;
use crate::s3::capabilities::{self, ConditionalCreate};

pub(super) async fn step(p: &mut Probe<'_>, client: &aws_sdk_s3::Client, bucket: &str, probe_key: &str) {
    let t = p.start(StepId::Capabilities);
    let observed = capabilities::measure(client, bucket, probe_key, capabilities::fingerprint(p.s), now_ms()).await;
    if observed.conditional_create != ConditionalCreate::Honoured && p.s.overwrite == Overwrite::Never {
        let happened = match observed.conditional_create {
            ConditionalCreate::Ignored => "A write with `If-None-Match: *` on the probe object was accepted and overwrote it.".to_string(),
            ConditionalCreate::Rejected => {
                format!("A write with `If-None-Match: *` was refused as unsupported ({}).", observed.conditional_answer)
            }
            _ => format!(
                "A write with `If-None-Match: *` was refused for another reason ({}), so it is not known.",
                observed.conditional_answer
            ),
        };
        p.find(
            Diagnosis::new(Code::NotAtomicOverwriteGuard, Level::Info, "“Never overwrite” cannot be atomic at this endpoint")
                .happened(happened)
                .cause("This server does not honour conditional writes, so it cannot refuse a write to a key that holds an object.")
                .fix("Nothing to do: Chute looks for an existing object before each write here. Only another program writing the same key at the same moment could be overwritten; add {uuid} or {timestamp} to the key template if that can happen.")
                .evidence(p.evidence(StepId::Capabilities)),
        );
    }
    p.end(StepId::Capabilities, t, StepStatus::Passed, observed.summary());
    p.capabilities = Some(observed);
}
