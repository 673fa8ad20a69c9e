//! A file's failed request in the words of the one catalogue: classified by
//! `s3::classify` and said by `diagnose::catalogue`, so a refused write, a
//! wrong region or a wrong secret read the same in a delivery as in the
//! connection test (same code, same fix).

use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;

use std::sync::Arc;

use super::FileError;
use crate::destination::Settings;
use crate::diagnose::catalogue::{self, Scene};
use crate::diagnose::{Diagnosis, Evidence};
use crate::s3::{self, Answer, Speaks};

impl FileError {
    /// The error a file shows for a diagnosis: its code, what happened, the fix.
    pub fn from_diagnosis(d: Diagnosis) -> FileError {
        FileError { code: d.code, message: d.what_happened, fix: d.fix, s3_code: d.evidence.s3_code, request_id: d.evidence.request_id }
    }
}

/// Says a file's failed requests: what the catalogue needs (the settings,
/// whether requests are anonymous, where they go), shared cheaply with the
/// tasks that upload parts.
#[derive(Clone)]
pub(crate) struct Failures(Arc<Speaker>);

struct Speaker {
    settings: Settings,
    anonymous: bool,
    endpoint: String,
}

impl Failures {
    pub(crate) fn new(settings: &Settings, anonymous: bool) -> Failures {
        let endpoint = s3::request_base(settings).to_string();
        Failures(Arc::new(Speaker { settings: settings.clone(), anonymous, endpoint }))
    }

    /// The failure of `doing` (e.g. "Uploading `k`") as the file's error.
    pub(crate) fn of<E: ProvideErrorMetadata + std::error::Error + 'static>(
        &self,
        doing: &str,
        e: &SdkError<E, HttpResponse>,
    ) -> FileError {
        self.of_answer(doing, &Answer::of(e))
    }

    /// The failure of `doing` from an answer already read (e.g. a HEAD's
    /// status with the code a follow-up request learnt).
    pub(crate) fn of_answer(&self, doing: &str, answer: &Answer) -> FileError {
        let failure = s3::classify(answer, Speaks::Unknown);
        let scene = Scene {
            settings: &self.0.settings,
            doing: doing.into(),
            anonymous: self.0.anonymous,
            evidence: Evidence { endpoint: self.0.endpoint.clone(), ..Evidence::default() },
            clock_skew_secs: None,
        };
        FileError::from_diagnosis(catalogue::diagnosis(&failure, answer, &scene))
    }
}
