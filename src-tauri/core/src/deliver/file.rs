//! One file: checked against the plan, the overwrite policy applied, sent
//! in one PUT or multipart, retried when the bytes arrive damaged, and its
//! result (delivered, skipped, failed or cancelled) with its error.

use std::time::Instant;

use std::sync::atomic::Ordering;

use super::body::{b64, body, hex, sum_of_range, unchanged, PartSum};
use super::events::{err, is_corruption};
use super::object::{etag_matches, is_precondition, own_object, remove_written, with_code, with_object_attributes, Sent};
use super::shared::Shared;
use super::{FileError, FileResult, FileStatus, PlannedFile};
use crate::destination::Overwrite;
use crate::report::Code;
use crate::s3::Answer;

/// The result of the file at `index`, as it stands, before anything was sent.
pub(super) fn result(index: usize, f: &PlannedFile, status: FileStatus, started: Instant) -> FileResult {
    FileResult {
        index,
        key: f.key.clone(),
        status,
        bytes: 0,
        attempts: 0,
        requests: 0,
        multipart: false,
        etag: None,
        version_id: None,
        md5: None,
        parts_checked: false,
        duration_ms: started.elapsed().as_millis() as u64,
        error: None,
        url: None,
    }
}

pub(super) async fn one_file(sh: &Shared, index: usize, f: &PlannedFile) -> FileResult {
    let mut r = one_file_inner(sh, index, f).await;
    r.requests = sh.counter(index).count();
    r
}

async fn one_file_inner(sh: &Shared, index: usize, f: &PlannedFile) -> FileResult {
    let started = Instant::now();
    let mut r = result(index, f, FileStatus::Failed, started);
    if !sh.control.gate().await || sh.control.file_cancelled(index) {
        r.status = FileStatus::Cancelled;
        return r;
    }
    if let Err(e) = unchanged(f) {
        r.error = Some(Box::new(e));
        return r;
    }
    // A resumed upload may have completed just before the crash: then the
    // object is there at the planned size and the file is delivered.
    if sh.opts.resume.contains_key(&index) {
        let _slot = sh.requests.acquire().await.expect("semaphore open");
        if let Ok(head) =
            sh.client.head_object().bucket(&sh.settings.bucket).key(&f.key).customize().interceptor(sh.counter(index)).send().await
        {
            if head.content_length() == Some(f.size as i64) {
                return already_there(r, f, &head, started);
            }
        }
    }
    // Overwrite policy, part 1: look first where the server cannot refuse atomically.
    let policy = sh.settings.overwrite;
    // Resuming looks first too: the interrupted run may have written the
    // object, and a server that refuses a conditional write before reading
    // the body (s3s-fs) can break the connection before its 412 is read.
    let look_first = policy == Overwrite::Skip || (policy == Overwrite::Never && (!sh.conditional_put || sh.opts.resuming));
    if look_first {
        let _slot = sh.requests.acquire().await.expect("semaphore open");
        match sh.client.head_object().bucket(&sh.settings.bucket).key(&f.key).customize().interceptor(sh.counter(index)).send().await {
            // Resuming: the object may be this very file, sent before the crash.
            Ok(head) if sh.opts.resuming && f.size < sh.opts.multipart_threshold => {
                let mine = if sh.md5_etags() {
                    match sum_of_range(&f.source(), 0, f.size, false).await {
                        Ok(PartSum::Md5(m)) => {
                            head.e_tag().is_some_and(|e| e.trim_matches('"').len() == 32 && etag_matches(Some(e), &hex(&m)))
                        }
                        _ => false,
                    }
                } else {
                    // An encrypted object's ETag says nothing of its bytes: its size
                    // must do (the receipt then checks what it can).
                    head.content_length() == Some(f.size as i64)
                };
                if !mine {
                    return exists(r, policy, f, started);
                }
                return already_there(r, f, &head, started);
            }
            Ok(_) => return exists(r, policy, f, started),
            Err(e) if e.raw_response().is_some_and(|x| x.status().as_u16() == 404) => {}
            Err(e) => {
                let answer = with_code(sh, &f.key, Answer::of(&e)).await;
                r.error = Some(Box::new(sh.failures.of_answer(&format!("Checking for an existing object at `{}`", f.key), &answer)));
                return r;
            }
        }
    }
    // Started by an interrupted run with no upload recorded: it may have
    // opened one and died before hearing its id.
    if sh.opts.strays.binary_search(&index).is_ok() {
        super::multipart::abort_uploads_of_key(sh, index, f, None).await;
    }
    // A file resumed with an upload recorded continues it (or aborts it),
    // whatever this run's threshold: a single PUT would leave it open.
    let multipart = f.size >= sh.opts.multipart_threshold || sh.opts.resume.contains_key(&index);
    r.multipart = multipart;
    if let Some(j) = &sh.opts.journal {
        j.0.file_started(index);
    }
    let mut attempts = 0;
    let mut fresh = false;
    loop {
        attempts += 1;
        r.attempts = attempts;
        let outcome = if multipart { super::multipart::upload(sh, index, f, fresh).await } else { single_put(sh, index, f).await };
        match outcome {
            Ok(Sent::Done { etag, version_id, md5, parts_checked }) => {
                sh.bytes_sent.fetch_add(if multipart { 0 } else { f.size }, Ordering::Relaxed);
                r.status = FileStatus::Delivered;
                r.bytes = f.size;
                r.etag = etag;
                r.version_id = version_id;
                r.md5 = md5;
                r.parts_checked = parts_checked;
                r.error = None;
                break;
            }
            Ok(Sent::Exists) => return exists(r, policy, f, started),
            Ok(Sent::Cancelled) => {
                r.status = FileStatus::Cancelled;
                r.error = None;
                break;
            }
            Err(e) if is_corruption(&e) && attempts < sh.opts.integrity_attempts => continue,
            // Continuing an interrupted upload failed (the server lost it, or
            // will not take its parts again): it was aborted; start afresh once.
            Err(_) if multipart && !fresh && sh.opts.resume.contains_key(&index) && !sh.control.file_cancelled(index) => {
                fresh = true;
                continue;
            }
            Err(e) => {
                r.error = Some(Box::new(e));
                break;
            }
        }
    }
    r.duration_ms = started.elapsed().as_millis() as u64;
    r
}

/// Delivered without sending: the object at the key is this file, stored
/// before an interruption.
fn already_there(
    mut r: FileResult,
    f: &PlannedFile,
    head: &aws_sdk_s3::operation::head_object::HeadObjectOutput,
    started: Instant,
) -> FileResult {
    r.status = FileStatus::Delivered;
    r.bytes = f.size;
    r.etag = head.e_tag().map(str::to_string);
    r.version_id = head.version_id().map(str::to_string);
    r.duration_ms = started.elapsed().as_millis() as u64;
    r
}

fn exists(mut r: FileResult, policy: Overwrite, f: &PlannedFile, started: Instant) -> FileResult {
    r.duration_ms = started.elapsed().as_millis() as u64;
    if policy == Overwrite::Skip {
        r.status = FileStatus::Skipped;
    } else {
        r.status = FileStatus::Failed;
        r.error = Some(Box::new(err(
            Code::AlreadyExists,
            format!("An object already exists at `{}`; it was left untouched.", f.key),
            "Change the key template or prefix, or set this destination to overwrite (or skip) existing objects.",
        )));
    }
    r
}

async fn single_put(sh: &Shared, index: usize, f: &PlannedFile) -> Result<Sent, FileError> {
    let (stream, md5) = body(&f.source(), 0, f.size).await?;
    unchanged(f)?;
    let _slot = sh.requests.acquire().await.expect("semaphore open");
    let mut req = sh
        .client
        .put_object()
        .bucket(&sh.settings.bucket)
        .key(&f.key)
        .content_type(f.content_type.as_ref())
        .content_length(f.size as i64)
        .content_md5(b64(&md5))
        .body(sh.pacing.body(stream));
    req = with_object_attributes!(req, &sh.settings);
    if sh.settings.overwrite == Overwrite::Never && sh.conditional_put {
        req = req.if_none_match("*");
    }
    // A cancel cuts the PUT short: S3 never stores a partial PUT.
    let mut cancels = sh.control.cancels.subscribe();
    let counter = sh.counter(index);
    let before = counter.count();
    let send = sh.pacing.request(req.customize()).interceptor(counter.clone()).send();
    tokio::pin!(send);
    let sent = loop {
        tokio::select! {
            r = &mut send => break r,
            changed = cancels.changed() => {
                if changed.is_err() || sh.control.file_cancelled(index) {
                    return Ok(Sent::Cancelled);
                }
            }
        }
    };
    let md5_hex = hex(&md5);
    match sent {
        Ok(out) => {
            // The server checked the Content-MD5 itself; an ETag that is
            // the MD5 (not under SSE-KMS or SSE-C) says what it stored.
            if sh.md5_etags() && !etag_matches(out.e_tag(), &md5_hex) {
                // What the server stored is not what was read from disk: take it
                // away (it was written by this PUT) before a retry or the failure.
                remove_written(sh, index, &f.key, out.version_id()).await;
                return Err(err(
                    Code::EtagMismatch,
                    format!("The server stored different bytes than were sent (ETag {} ≠ MD5 {md5_hex}).", out.e_tag().unwrap_or("")),
                    "Retry; check proxies in between.",
                ));
            }
            Ok(Sent::Done {
                etag: out.e_tag().map(str::to_string),
                version_id: out.version_id().map(str::to_string),
                md5: Some(md5_hex),
                parts_checked: false,
            })
        }
        // Refused as existing after the client retried: the first attempt may
        // have landed with its answer lost. The object is ours if it holds
        // exactly these bytes.
        Err(e) if is_precondition(&e) && (counter.count() > before + 1 || sh.opts.resuming) => {
            let md5_etags = sh.md5_etags();
            let ours = |etag: &str| !md5_etags || (etag_matches(Some(etag), &md5_hex) && etag.trim_matches('"').len() == 32);
            match own_object(sh, index, &f.key, ours).await {
                Some((etag, version_id)) => Ok(Sent::Done { etag: Some(etag), version_id, md5: Some(md5_hex), parts_checked: false }),
                None => Ok(Sent::Exists),
            }
        }
        Err(e) if is_precondition(&e) => Ok(Sent::Exists),
        Err(e) => Err(sh.failures.of(&format!("Uploading `{}`", f.key), &e)),
    }
}
