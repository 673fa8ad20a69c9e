//! Multipart uploads: parts in parallel under the batch's request limit,
//! each with its MD5; the upload is aborted on any failure, cancel or change
//! of the source, so no parts are left behind.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use md5::{Digest, Md5};

use super::body::{b64, body_with, hex, sum_of_range, unchanged, PartSum};
use super::events::{err, is_corruption};
use super::object::{etag_matches, is_precondition, with_object_attributes, Sent};
use super::plan::PlannedFile;
use super::shared::Shared;
use super::{FileError, ResumeUpload};
use crate::destination::Overwrite;
use crate::report::Code;

const MIB: u64 = 1024 * 1024;

async fn create(sh: &Shared, index: usize, f: &PlannedFile) -> Result<String, FileError> {
    let s = &sh.settings;
    let _slot = sh.requests.acquire().await.expect("semaphore open");
    let mut b = sh.client.create_multipart_upload().bucket(&s.bucket).key(&f.key).content_type(f.content_type.as_ref());
    if sh.part_checksums {
        b = b.checksum_algorithm(aws_sdk_s3::types::ChecksumAlgorithm::Crc32C);
    }
    b = with_object_attributes!(b, s);
    let counter = sh.counter(index);
    let before = counter.count();
    let started = std::time::SystemTime::now();
    let out = b
        .customize()
        .interceptor(counter.clone())
        .send()
        .await
        .map_err(|e| sh.failures.of(&format!("Starting the multipart upload of `{}`", f.key), &e))?;
    let upload_id = out.upload_id().unwrap_or_default().to_string();
    // A retried create may have left an upload whose answer was lost.
    if counter.count() > before + 1 {
        abort_uploads_of_key(sh, index, f, Some((&upload_id, started))).await;
    }
    Ok(upload_id)
}

/// Uploads of this exact key nobody knows the id of, which would stay open
/// (and billed) forever, aborted. With `ours` (the client retried
/// CreateMultipartUpload, so an earlier attempt's answer was lost): the
/// others the server says were opened within five minutes of ours (its own
/// clock, so a skewed local clock does not matter). Without (an interrupted
/// run started the file and died before recording an upload): every one of
/// the key, taken as that run's.
pub(super) async fn abort_uploads_of_key(sh: &Shared, index: usize, f: &PlannedFile, ours: Option<(&str, std::time::SystemTime)>) {
    let s = &sh.settings;
    let ask = |prefix: Option<String>| {
        sh.client.list_multipart_uploads().bucket(&s.bucket).set_prefix(prefix).customize().interceptor(sh.counter(index)).send()
    };
    // Some servers refuse a prefix holding `/` here (moto mis-signs it): then
    // the bucket's first page of uploads, filtered below by key.
    let list = match ask(Some(f.key.clone())).await {
        Ok(list) => list,
        Err(_) => match ask(None).await {
            Ok(list) => list,
            Err(_) => return,
        },
    };
    let reference = ours.map(|(id, since)| {
        list.uploads()
            .iter()
            .find(|u| u.upload_id() == Some(id))
            .and_then(|u| u.initiated().map(|t| t.secs()))
            .unwrap_or_else(|| aws_smithy_types::DateTime::from(since).secs())
    });
    for u in list.uploads() {
        let (Some(key), Some(id)) = (u.key(), u.upload_id()) else { continue };
        let stray = match (ours, reference) {
            (Some((mine, _)), Some(at)) => id != mine && u.initiated().is_none_or(|t| (t.secs() - at).abs() <= 300),
            _ => true,
        };
        if key == f.key && stray {
            abort_upload(sh, index, key, id).await;
        }
    }
}

/// Abort one upload (best effort: one already gone is as good), counted
/// among the file's requests.
async fn abort_upload(sh: &Shared, index: usize, key: &str, upload_id: &str) {
    let _ = sh
        .client
        .abort_multipart_upload()
        .bucket(&sh.settings.bucket)
        .key(key)
        .upload_id(upload_id)
        .customize()
        .interceptor(sh.counter(index))
        .send()
        .await;
}

/// Continue an upload left open by an interrupted batch: keep the parts the
/// server still has with the ETag and size the history recorded, so only
/// the missing ones are sent. `None` (start afresh) if the upload is gone.
async fn reconcile(sh: &Shared, f: &PlannedFile, r: &ResumeUpload) -> Option<(String, u64, Vec<UploadedPart>)> {
    let s = &sh.settings;
    let mut on_server = std::collections::HashMap::new();
    let mut marker: Option<String> = None;
    loop {
        let _slot = sh.requests.acquire().await.expect("semaphore open");
        let page = sh
            .client
            .list_parts()
            .bucket(&s.bucket)
            .key(&f.key)
            .upload_id(&r.upload_id)
            .set_part_number_marker(marker.clone())
            .send()
            .await
            .ok()?;
        for p in page.parts() {
            if let Some(n) = p.part_number() {
                on_server.insert(n, (p.e_tag().map(|e| e.trim_matches('"').to_string()), p.size().unwrap_or(-1)));
            }
        }
        match (page.is_truncated(), page.next_part_number_marker()) {
            (Some(true), Some(m)) => marker = Some(m.to_string()),
            _ => break,
        }
    }
    let kept = r
        .parts
        .iter()
        .filter_map(|(n, etag, recorded)| {
            let expected = r.part_size.min(f.size.saturating_sub((*n as u64 - 1) * r.part_size)) as i64;
            let (server_etag, size) = on_server.get(n)?;
            let sum = PartSum::parse(recorded)?;
            // Parts must all be checked the same way the upload was created for.
            if matches!(sum, PartSum::Crc32c(_)) != sh.part_checksums {
                return None;
            }
            // Some servers (s3s-fs) list parts without an ETag; the size must still match,
            // and the recorded ETag is the server's own answer to that part's upload.
            let etag_ok = server_etag.as_deref().is_none_or(|e| e == etag.trim_matches('"'));
            (etag_ok && *size == expected).then(|| UploadedPart { number: *n, etag: etag.clone(), sum })
        })
        .collect();
    Some((r.upload_id.clone(), r.part_size, kept))
}

struct UploadedPart {
    number: i32,
    etag: String,
    sum: PartSum,
}

/// Part size: at least the provider's minimum and ours, growing so the file
/// needs at most the provider's part limit.
pub fn part_size(size: u64, provider_min: u64, ours: u64, max_parts: u32) -> u64 {
    let floor = provider_min.max(ours);
    let needed = size.div_ceil(max_parts.max(1) as u64);
    needed.max(floor).div_ceil(MIB) * MIB
}

/// Upload `f` in parts; abort the upload on any failure, cancel or change.
/// `fresh`: start a new upload even if one is being resumed (continuing it failed).
pub(super) async fn upload(sh: &Shared, index: usize, f: &PlannedFile, fresh: bool) -> Result<Sent, FileError> {
    let s = &sh.settings;
    let preset = s.preset();
    let resumed = match sh.opts.resume.get(&index) {
        Some(r) if !fresh => {
            let kept = reconcile(sh, f, r).await;
            if kept.is_none() {
                // Not continued (gone, or its parts checked another way):
                // aborted, so a fresh upload never leaves the old one open.
                let _slot = sh.requests.acquire().await.expect("semaphore open");
                abort_upload(sh, index, &f.key, &r.upload_id).await;
            }
            kept
        }
        _ => None,
    };
    let (upload_id, psize, kept) = match resumed {
        Some(x) => x,
        None => {
            let psize = part_size(f.size, preset.min_part_size, sh.opts.min_part_size, preset.max_parts);
            // The file is on disk as started before the upload is asked for:
            // after a crash in the create's round trip, resuming knows to look.
            if let Some(j) = &sh.opts.journal {
                let j = j.clone();
                let _ = tokio::task::spawn_blocking(move || j.0.sync()).await;
            }
            let upload_id = create(sh, index, f).await?;
            if let Some(j) = &sh.opts.journal {
                // Written to disk before any part is sent: after a crash from
                // here on, resuming continues (or aborts) this very upload.
                let (j, id) = (j.clone(), upload_id.clone());
                let _ = tokio::task::spawn_blocking(move || {
                    j.0.upload_created(index, &id, psize);
                    j.0.sync();
                })
                .await;
            }
            (upload_id, psize, Vec::new())
        }
    };
    let count = f.size.div_ceil(psize);
    let have: std::collections::HashSet<i32> = kept.iter().map(|p| p.number).collect();
    let abort = || abort_upload(sh, index, &f.key, &upload_id);
    // Parts in parallel, bounded by the shared request semaphore.
    let mut set = tokio::task::JoinSet::new();
    let parts: Arc<Mutex<Vec<UploadedPart>>> = Arc::new(Mutex::new(kept));
    let failure: Arc<Mutex<Option<FileError>>> = Arc::default();
    let mut cancel_rx = sh.control.cancels.subscribe();
    for n in 0..count {
        if have.contains(&(n as i32 + 1)) {
            // Uploaded before the interruption and confirmed by ListParts.
            sh.bytes_sent.fetch_add(psize.min(f.size - n * psize), Ordering::Relaxed);
            continue;
        }
        let failed = failure.lock().unwrap().is_some();
        if failed || !sh.control.gate().await || sh.control.file_cancelled(index) {
            break;
        }
        let permit = sh.requests.clone().acquire_owned().await.expect("semaphore open");
        let (client, bucket, key, upload_id, path) =
            (sh.client.clone(), s.bucket.clone(), f.key.clone(), upload_id.clone(), f.source().into_owned());
        let (parts, failure) = (parts.clone(), failure.clone());
        let offset = n * psize;
        let len = psize.min(f.size - offset);
        let attempts = sh.opts.integrity_attempts;
        let sent = sh.bytes_sent.clone();
        let journal = sh.opts.journal.clone();
        let crc = sh.part_checksums;
        let echoes = sh.crc32c_echoed.clone();
        let answered = sh.crc32c_answered.clone();
        let md5_etags = sh.md5_etags();
        let counter = sh.counter(index);
        let (failures, key_shown) = (sh.failures.clone(), f.key.clone());
        let pacing = sh.pacing.clone();
        set.spawn(async move {
            let _permit = permit;
            let mut last = None;
            for _ in 0..attempts {
                // Until this endpoint has echoed a part's CRC32C, the part's MD5
                // is summed in the same pass, for the ETag check below.
                let md5_too = crc && !echoes.load(Ordering::Relaxed);
                let (stream, sum, md5) = match body_with(&path, offset, len, crc, md5_too).await {
                    Ok(x) => x,
                    Err(e) => {
                        last = Some(e);
                        break;
                    }
                };
                let mut req = client
                    .upload_part()
                    .bucket(&bucket)
                    .key(&key)
                    .upload_id(&upload_id)
                    .part_number(n as i32 + 1)
                    .content_length(len as i64)
                    .body(pacing.body(stream));
                req = match sum {
                    PartSum::Md5(m) => req.content_md5(b64(&m)),
                    PartSum::Crc32c(c) => req.checksum_crc32_c(b64(&c)),
                };
                let r = pacing.request(req.customize()).interceptor(counter.clone()).send().await;
                let mut md5_hex = match sum {
                    PartSum::Md5(m) => Some(hex(&m)),
                    PartSum::Crc32c(_) => None,
                };
                // A server that verified the CRC32C echoes it. One that does not
                // (it ignored the header) has confirmed nothing: then the part's
                // MD5 is worked out and held against its ETag instead.
                if let (Ok(out), PartSum::Crc32c(c)) = (&r, sum) {
                    answered.store(true, Ordering::Relaxed);
                    match out.checksum_crc32_c() {
                        Some(echo) if echo == b64(&c) => echoes.store(true, Ordering::Relaxed),
                        Some(echo) => {
                            last = Some(err(
                                Code::ChecksumMismatch,
                                format!("Part {} was stored with CRC32C {echo}, not {}.", n + 1, b64(&c)),
                                "Retry; check proxies in between.",
                            ));
                            continue;
                        }
                        None => {
                            md5_hex = match md5 {
                                Some(m) => Some(hex(&m)),
                                // Summed without (other parts were echoed): read again.
                                None => match sum_of_range(&path, offset, len, false).await {
                                    Ok(PartSum::Md5(m)) => Some(hex(&m)),
                                    _ => None,
                                },
                            };
                        }
                    }
                }
                match r {
                    Ok(out) if !md5_etags || md5_hex.as_deref().is_none_or(|m| etag_matches(out.e_tag(), m)) => {
                        let etag = out.e_tag().unwrap_or_default().to_string();
                        if let Some(j) = &journal {
                            j.0.part_done(index, n as i32 + 1, &etag, &sum.record(), len);
                        }
                        parts.lock().unwrap().push(UploadedPart { number: n as i32 + 1, etag, sum });
                        sent.fetch_add(len, Ordering::Relaxed);
                        return;
                    }
                    Ok(out) => {
                        last = Some(err(
                            Code::EtagMismatch,
                            format!("Part {} was stored with ETag {}, not its MD5.", n + 1, out.e_tag().unwrap_or("")),
                            "Retry; check proxies in between.",
                        ))
                    }
                    Err(e) => {
                        let fe = failures.of(&format!("Uploading part {} of `{key_shown}`", n + 1), &e);
                        let again = is_corruption(&fe);
                        last = Some(fe);
                        if !again {
                            break;
                        }
                    }
                }
            }
            *failure.lock().unwrap() = last;
        });
        // The run's first part with a CRC32C goes alone: its answer says
        // whether this endpoint echoes the checksum, and so whether the
        // other parts need their MD5s summed (one more pass over each byte).
        if crc && !sh.crc32c_answered.load(Ordering::Relaxed) {
            tokio::select! {
                _ = set.join_next() => {}
                _ = cancel_rx.changed() => {}
            }
        }
    }
    loop {
        tokio::select! {
            next = set.join_next() => if next.is_none() { break },
            _ = cancel_rx.changed() => {}
        }
        if sh.control.file_cancelled(index) {
            set.abort_all();
            while set.join_next().await.is_some() {}
            abort().await;
            return Ok(Sent::Cancelled);
        }
    }
    if sh.control.file_cancelled(index) {
        abort().await;
        return Ok(Sent::Cancelled);
    }
    let failed = failure.lock().unwrap().take();
    if let Some(e) = failed {
        abort().await;
        return Err(e);
    }
    // The file must not have changed while its parts were read.
    if let Err(e) = unchanged(f) {
        abort().await;
        return Err(e);
    }
    let mut done = std::mem::take(&mut *parts.lock().unwrap());
    done.sort_by_key(|p| p.number);
    if done.len() as u64 != count {
        abort().await;
        return Err(err(Code::PartsMissing, format!("Only {} of {count} parts were uploaded.", done.len()), "Retry the file."));
    }
    let completed = CompletedMultipartUpload::builder()
        .set_parts(Some(
            done.iter()
                .map(|p| {
                    let b = CompletedPart::builder().part_number(p.number).e_tag(&p.etag);
                    match p.sum {
                        PartSum::Crc32c(c) => b.checksum_crc32_c(b64(&c)).build(),
                        PartSum::Md5(_) => b.build(),
                    }
                })
                .collect(),
        ))
        .build();
    let mut req = sh.client.complete_multipart_upload().bucket(&s.bucket).key(&f.key).upload_id(&upload_id).multipart_upload(completed);
    if s.overwrite == Overwrite::Never && sh.conditional_put {
        req = req.if_none_match("*");
    }
    let _slot = sh.requests.acquire().await.expect("semaphore open");
    let counter = sh.counter(index);
    let before = counter.count();
    let sent = req.customize().interceptor(counter.clone()).send().await;
    // After the client retried, an error (the upload is gone: S3 answers
    // NoSuchUpload, s3s-fs AccessDenied; or "never overwrite" finds the key
    // taken) may mean the first attempt completed with its answer lost: the
    // object is ours if it has this upload's size (and, with MD5 parts, its
    // composite ETag).
    let sent = match sent {
        Err(e) if counter.count() > before + 1 || (sh.opts.resuming && is_precondition(&e)) => {
            let want = composite_etag(&done).filter(|_| sh.md5_etags());
            let head = sh.client.head_object().bucket(&s.bucket).key(&f.key).customize().interceptor(sh.counter(index)).send().await.ok();
            match head.filter(|h| {
                h.content_length() == Some(f.size as i64)
                    && want.as_deref().is_none_or(|w| h.e_tag().is_some_and(|e| e.trim_matches('"').eq_ignore_ascii_case(w)))
            }) {
                Some(h) => {
                    return Ok(Sent::Done {
                        etag: h.e_tag().map(str::to_string),
                        version_id: h.version_id().map(str::to_string),
                        md5: want,
                        parts_checked: false,
                    })
                }
                None => Err(e),
            }
        }
        other => other,
    };
    match sent {
        Ok(out) => {
            // With MD5 parts: S3's multipart ETag is md5(concat(part md5s))-N, so check it.
            // With CRC32C parts the server verified each part itself.
            // Not under SSE-KMS or SSE-C, whose ETags are not MD5s.
            let composite = composite_etag(&done);
            if let (Some(e), Some(c), true) = (out.e_tag().map(|e| e.trim_matches('"')), &composite, sh.md5_etags()) {
                if e.contains('-') && e.len() > 33 && !e.eq_ignore_ascii_case(c) {
                    // The object now at the key is not these parts: take it away.
                    super::object::remove_written(sh, index, &f.key, out.version_id()).await;
                    return Err(err(
                        Code::EtagMismatch,
                        format!("The completed object's ETag {e} does not match its parts ({c})."),
                        "Retry the file.",
                    ));
                }
            }
            // CRC32C parts where the endpoint was seen to verify CRC32C: each
            // part's bytes were checked by the server against the file's.
            let parts_checked = sh.crc32c_verified && done.iter().all(|p| matches!(p.sum, PartSum::Crc32c(_)));
            Ok(Sent::Done {
                etag: out.e_tag().map(str::to_string),
                version_id: out.version_id().map(str::to_string),
                md5: composite,
                parts_checked,
            })
        }
        Err(e) if is_precondition(&e) => {
            abort().await;
            Ok(Sent::Exists)
        }
        Err(e) => {
            abort().await;
            Err(sh.failures.of(&format!("Completing the multipart upload of `{}`", f.key), &e))
        }
    }
}

/// S3's multipart ETag, md5(concat(part MD5s))-N, when the parts carry MD5s.
fn composite_etag(done: &[UploadedPart]) -> Option<String> {
    let md5s: Option<Vec<[u8; 16]>> = done.iter().map(|p| if let PartSum::Md5(m) = p.sum { Some(m) } else { None }).collect();
    md5s.map(|md5s| {
        let mut all = Md5::new();
        for m in &md5s {
            all.update(m);
        }
        format!("{}-{}", hex(&all.finalize()), md5s.len())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_sizes_stay_under_the_part_limit() {
        assert_eq!(part_size(1024 * MIB, 5 * MIB, 8 * MIB, 10_000), 8 * MIB);
        let huge = 5 * 1024 * 1024 * MIB; // 5 TiB
        let p = part_size(huge, 5 * MIB, 8 * MIB, 10_000);
        assert!(huge.div_ceil(p) <= 10_000, "{p}");
        assert_eq!(p % MIB, 0);
    }
}
