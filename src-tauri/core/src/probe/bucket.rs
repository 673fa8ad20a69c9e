//! The steps that talk S3: the credentials (a profile resolved now), then
//! HeadBucket, PutObject of a probe object under the prefix (with the
//! destination's encryption, and whether the server confirmed it), an optional
//! read-back, what the server does (capabilities.rs), and DeleteObject. A refused request is classified and put in
//! words by the one classifier and catalogue (see `Probe::s3_failure`).

use std::time::SystemTime;

use super::findings::check_region;
use super::recorder::{Probe, Stop};
use super::{StepId, StepStatus, S3_SKEW_WINDOW_SECS};
use crate::destination::{Encryption, Settings};
use crate::diagnose::{catalogue, minimal_policy, Diagnosis, Level};
use crate::report::Code;
use crate::s3::{self, Answer, Auth};

/// The credentials step: the identity, or why there is none (a locked
/// keychain, a profile that gives no credentials).
pub(super) async fn credentials(p: &mut Probe<'_>, auth: Result<Auth, Diagnosis>) -> Result<Auth, Stop> {
    let t = p.start(StepId::Credentials);
    let a = match auth {
        Ok(a) => a,
        Err(d) => return Err(p.fail(StepId::Credentials, t, d)),
    };
    if let Auth::Profile(profile) = &a {
        if let Err(why) = s3::check_profile(profile).await {
            let mut ev = p.evidence(StepId::Credentials);
            ev.detail = Some(why.clone());
            let d = crate::diagnose::profile::profile_failed(profile, &why, crate::sso::sso_sign_in(profile).as_ref(), ev);
            return Err(p.fail(StepId::Credentials, t, d));
        }
    }
    let detail = match &a {
        Auth::Static(c) => format!("access key {}", c.masked_key_id()),
        Auth::Profile(name) => format!("AWS profile `{name}`"),
        Auth::Anonymous => "none (anonymous requests)".into(),
    };
    p.end(StepId::Credentials, t, StepStatus::Passed, detail);
    Ok(a)
}

/// HeadBucket, PutObject, the optional read-back and DeleteObject.
pub(super) async fn steps(p: &mut Probe<'_>, auth: &Auth, probe_key: &str) -> Result<(), Stop> {
    let client = s3::client(p.s, auth, &p.opts.client).await;
    let bucket = p.s.bucket.trim().to_string();
    let anonymous = matches!(auth, Auth::Anonymous);
    head_bucket(p, &client, &bucket, anonymous).await?;

    let t = p.start(StepId::PutObject);
    let body = format!("Chute connection test, {}. Safe to delete.\n", httpdate::fmt_http_date(SystemTime::now()));
    let put = client
        .put_object()
        .bucket(&bucket)
        .key(probe_key)
        .content_type("text/plain; charset=utf-8")
        .body(body.clone().into_bytes().into())
        .send()
        .await;
    match put {
        Ok(out) => {
            let encrypted = encryption_confirmed(p.s, &out);
            let detail = match &encrypted {
                Some(words) => format!("wrote {probe_key}, {words}"),
                None => format!("wrote {probe_key}"),
            };
            p.end(StepId::PutObject, t, StepStatus::Passed, detail);
            if p.s.encryption != Encryption::None && encrypted.is_none() {
                let ev = p.evidence(StepId::PutObject);
                p.find(crate::diagnose::encryption::not_confirmed(p.s, ev));
            }
        }
        Err(e) => {
            let mut d = p.s3_failure(StepId::PutObject, &Answer::of(&e), anonymous);
            let sees_bucket = p.steps.iter().any(|st| st.id == StepId::HeadBucket && st.status == StepStatus::Passed);
            if d.code == Code::WriteDenied && sees_bucket {
                // Read access, no write access: said exactly so.
                d.title = format!("These credentials can read `{bucket}` but not write to it");
                d.what_happened = format!("The bucket answered HeadBucket, then writing the probe object was refused. {}", d.what_happened);
            }
            return Err(p.fail(StepId::PutObject, t, d));
        }
    }
    if p.opts.read_back {
        read_back(p, &client, &bucket, probe_key, body.as_bytes()).await;
    }
    if p.opts.capabilities {
        super::capabilities::step(p, &client, &bucket, probe_key).await;
    }
    delete_probe(p, &client, &bucket, probe_key).await;
    Ok(())
}

/// What the server's answer to the probe's PutObject says of the
/// encryption asked for, in words; `None` when it does not confirm it.
fn encryption_confirmed(s: &Settings, out: &aws_sdk_s3::operation::put_object::PutObjectOutput) -> Option<String> {
    let sse = out.server_side_encryption().map(|e| e.as_str());
    match s.encryption {
        Encryption::None => sse.map(|e| format!("encrypted by the bucket's default ({e})")),
        Encryption::SseS3 => (sse == Some("AES256")).then(|| "encrypted with SSE-S3 (AES256)".to_string()),
        Encryption::SseKms => sse.filter(|e| e.starts_with("aws:kms")).map(|_| match out.ssekms_key_id() {
            Some(k) => format!("encrypted with SSE-KMS (key {k})"),
            None => "encrypted with SSE-KMS".to_string(),
        }),
        Encryption::SseC => out.sse_customer_algorithm().map(|a| format!("encrypted with SSE-C ({a})")),
    }
}

async fn head_bucket(p: &mut Probe<'_>, client: &aws_sdk_s3::Client, bucket: &str, anonymous: bool) -> Result<(), Stop> {
    let t = p.start(StepId::HeadBucket);
    let answer = match client.head_bucket().bucket(bucket).send().await {
        Ok(out) => {
            let detail = match out.bucket_region() {
                Some(r) => format!("bucket found (region {r})"),
                None => "bucket found".to_string(),
            };
            // Some servers answer a wrongly-signed region anyway (moto); the
            // step still warns so a green tick never sits beside the finding.
            let region_ok = out.bucket_region().is_none_or(|r| check_region(p, StepId::HeadBucket, r));
            p.end(StepId::HeadBucket, t, if region_ok { StepStatus::Passed } else { StepStatus::Warning }, detail);
            return Ok(());
        }
        Err(e) => Answer::of(&e),
    };
    let bodiless = answer.code.is_none() || answer.code.as_deref() == Some("NotFound");
    let answer = if bodiless && matches!(answer.status, Some(301 | 400 | 403 | 404)) {
        // HEAD carries no error body: ask again with a cheap request that does.
        follow_up(client, bucket, answer).await
    } else {
        answer
    };
    let failure = s3::classify(&answer, s3::Speaks::Unknown);
    let skewed = p.clock_skew.is_some_and(|k| k.abs() > S3_SKEW_WINDOW_SECS);
    if answer.status == Some(403) && skewed && !matches!(failure, s3::Failure::UnknownKey | s3::Failure::WrongSecret) {
        // A clock outside S3's window explains the refusal. The SDK learns the
        // server's time from this answer and corrects later requests, so go on.
        let ev = catalogue::with_answer(p.evidence(StepId::HeadBucket), &answer);
        p.find(catalogue::clock_skew(p.clock_skew, Some(&answer.summary()), ev).level(Level::Warning));
        p.end(StepId::HeadBucket, t, StepStatus::Warning, "refused: this computer's clock is outside S3's 15-minute window");
        return Ok(());
    }
    if failure == s3::Failure::AccessDenied {
        // Object-scoped tokens (R2) and prefix-scoped IAM users may not see the bucket
        // itself; delivery only needs PutObject, so go on and let the write decide.
        let ev = catalogue::with_answer(p.evidence(StepId::HeadBucket), &answer);
        p.find(
            Diagnosis::new(Code::HeadBucketDenied, Level::Info, "The bucket itself is not visible to these credentials")
                .happened("HeadBucket was refused (403); Chute went on to test writing, which is all delivery needs.")
                .cause("The credentials are scoped to objects or to the prefix (e.g. an R2 object-scoped token or an IAM policy without s3:ListBucket).")
                .fix("Nothing to do if the write test passes. Grant s3:ListBucket on the bucket if you want bucket-level checks.")
                .evidence(ev),
        );
        p.end(StepId::HeadBucket, t, StepStatus::Warning, "bucket not visible (403); testing write access instead");
        return Ok(());
    }
    let d = p.s3_failure(StepId::HeadBucket, &answer, anonymous);
    Err(p.fail(StepId::HeadBucket, t, d))
}

/// After a HEAD error (no body): learn the real code from a cheap request
/// that has one, keeping the HEAD's status and headers. No prefix in the
/// query: only the error code matters, and some servers mis-sign `/` there.
async fn follow_up(client: &aws_sdk_s3::Client, bucket: &str, head: Answer) -> Answer {
    match client.list_objects_v2().bucket(bucket).max_keys(0).send().await {
        // The follow-up's code is the real one; HEAD's `NotFound` is the SDK's name for a bodiless 404.
        Err(e) => Answer { code: head.code.filter(|c| c != "NotFound"), ..head }.completed_by(Answer::of(&e)),
        Ok(_) => head,
    }
}

/// Read the probe object back; a difference is an error, a refusal a warning
/// (delivery does not need to read).
async fn read_back(p: &mut Probe<'_>, client: &aws_sdk_s3::Client, bucket: &str, probe_key: &str, written: &[u8]) {
    let t = p.start(StepId::ReadBack);
    match client.get_object().bucket(bucket).key(probe_key).send().await {
        Ok(out) => {
            let bytes = out.body.collect().await.map(|b| b.into_bytes().to_vec()).unwrap_or_default();
            if bytes == written {
                p.end(StepId::ReadBack, t, StepStatus::Passed, "read back the same bytes");
            } else {
                let d = Diagnosis::new(Code::ReadBackMismatch, Level::Error, "The object read back differs from what was written")
                    .happened(format!("Wrote {} bytes, read back {} different bytes.", written.len(), bytes.len()))
                    .cause("Something between Chute and the storage changes object bodies (a proxy, or a transform on the server).")
                    .fix("Check proxies and the bucket's transformation settings.")
                    .evidence(p.evidence(StepId::ReadBack));
                p.find(d);
                p.end(StepId::ReadBack, t, StepStatus::Failed, "content differs");
            }
        }
        Err(e) => {
            let answer = Answer::of(&e);
            let d = Diagnosis::new(Code::ReadBackDenied, Level::Warning, "The probe object could not be read back")
                .happened(format!("GetObject failed: {}.", answer.summary()))
                .cause("The credentials may lack s3:GetObject, which delivery does not need.")
                .fix("Grant s3:GetObject on the prefix if you want read-back checks, or turn read-back off.")
                .evidence(catalogue::with_answer(p.evidence(StepId::ReadBack), &answer));
            p.find(d);
            p.end(StepId::ReadBack, t, StepStatus::Warning, "could not read back");
        }
    }
}

/// Delete the probe object (asked again while the server is busy); a
/// failure leaves it behind, a warning.
async fn delete_probe(p: &mut Probe<'_>, client: &aws_sdk_s3::Client, bucket: &str, probe_key: &str) {
    let t = p.start(StepId::DeleteObject);
    match crate::s3::capabilities::delete_probe_object(client, bucket, probe_key).await {
        Ok(()) => p.end(StepId::DeleteObject, t, StepStatus::Passed, "probe object removed"),
        Err(answer) => {
            let d = Diagnosis::new(Code::ProbeLeftBehind, Level::Warning, "The probe object could not be deleted")
                .happened(format!("DeleteObject failed ({}); the probe object was left at `{probe_key}`.", answer.summary()))
                .cause("The credentials can write but not delete, which is fine for delivery.")
                .fix(format!("Delete `{probe_key}` by hand, or grant s3:DeleteObject on the prefix so the test can clean up after itself."))
                .evidence(catalogue::with_answer(p.evidence(StepId::DeleteObject), &answer))
                .policy(minimal_policy(p.s));
            p.find(d);
            p.end(StepId::DeleteObject, t, StepStatus::Warning, format!("left {probe_key}"));
        }
    }
}
