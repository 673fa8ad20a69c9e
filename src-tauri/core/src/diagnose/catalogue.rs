//! The one catalogue of advice for S3 and network failures: a classified
//! [`Failure`] (see `s3::classify`) becomes a [`Diagnosis`] here, with the
//! same code, title, cause and fix whether the connection test, a delivery,
//! a resume or a retry met it. Only "what happened" names the operation.

use super::{minimal_policy, network, proxy, write_permission, Diagnosis, Evidence, Level};
use crate::destination::Settings;
use crate::report::Code;
use crate::s3::{Answer, Failure, ProxyRoute};

/// What was going on when a request failed.
pub struct Scene<'a> {
    pub settings: &'a Settings,
    /// The operation in words, for "what happened": `HeadBucket`,
    /// `Uploading `incoming/a.csv``.
    pub doing: String,
    /// Anonymous requests are refused differently from refused keys.
    pub anonymous: bool,
    /// Where the request went and how it was addressed (the step, when the
    /// connection test is the caller); the answer's facts are added.
    pub evidence: Evidence,
    /// Server clock minus this clock, when known.
    pub clock_skew_secs: Option<i64>,
}

/// `ev` with what the answer says: status, S3 code and message, request
/// id, bucket region (or the transport's error when nothing answered).
pub fn with_answer(mut ev: Evidence, a: &Answer) -> Evidence {
    ev.http_status = a.status;
    ev.s3_code = a.code.clone();
    ev.message = a.message.clone();
    ev.request_id = a.request_id.clone();
    ev.bucket_region = a.bucket_region.clone();
    if a.status.is_none() {
        ev.detail = Some(a.chain.chars().take(600).collect());
    }
    ev
}

impl Scene<'_> {
    fn evidence_of(&self, a: &Answer) -> Evidence {
        with_answer(self.evidence.clone(), a)
    }

    fn host(&self) -> String {
        url::Url::parse(&self.evidence.endpoint)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_else(|| self.evidence.endpoint.clone())
    }
}

/// The advice for `failure`, met by `answer` while doing `scene`.
pub fn diagnosis(failure: &Failure, answer: &Answer, scene: &Scene) -> Diagnosis {
    let ev = scene.evidence_of(answer);
    if let Some(d) = through_proxy(failure, answer, scene, &ev) {
        return d;
    }
    let s = scene.settings;
    let summary = answer.summary();
    match failure {
        Failure::UnknownKey => Diagnosis::new(Code::UnknownAccessKey, Level::Error, "The access key is not known to this server")
            .happened(format!("The server does not recognise the access key ({summary})."))
            .cause("The key was deleted or rotated, has a typo, or belongs to another provider or account (e.g. an AWS key used with R2).")
            .fix("Create a new access key in the provider's console and enter it in this destination.")
            .evidence(ev),
        Failure::WrongSecret => Diagnosis::new(Code::WrongSecret, Level::Error, "The secret access key is wrong")
            .happened("The server knows the access key, but the request signature does not match (SignatureDoesNotMatch).")
            .cause("The secret does not belong to this access key: a typo, a space pasted with it, or a rotated secret.")
            .fix("Paste the secret again exactly as the provider showed it (it is only shown once; create a new key if it is lost).")
            .evidence(ev),
        Failure::ExpiredToken => Diagnosis::new(Code::ExpiredToken, Level::Error, "The session token has expired")
            .happened(format!("The server refused the temporary credentials ({summary})."))
            .cause("Temporary credentials (SSO, assume-role, session tokens) last hours, not forever.")
            .fix("Sign in again (e.g. `aws sso login --profile NAME`), or use a long-lived access key for this destination.")
            .evidence(ev),
        Failure::ClockSkew => clock_skew(scene.clock_skew_secs, Some(&summary), ev),
        Failure::WrongRegion { expected } => wrong_region(expected.as_deref(), &s.effective_region(), &summary, ev),
        Failure::NoSuchBucket => bucket_not_found(s, ev),
        Failure::AccessDenied if scene.anonymous => {
            Diagnosis::new(Code::AnonymousDenied, Level::Error, "The bucket does not accept anonymous uploads")
                .happened(format!("Without credentials, {} was refused ({summary}).", scene.doing))
                .cause("The destination has no credentials, and the bucket policy does not allow public writes (which is good).")
                .fix("Add an access key limited to this bucket and prefix; the policy below is the least it needs.")
                .evidence(ev)
                .policy(minimal_policy(s))
        }
        Failure::AccessDenied => {
            let under = if s.prefix.is_empty() { "the bucket root".to_string() } else { format!("`{}`", s.prefix) };
            let (fix, policy) = write_permission(s);
            let d = Diagnosis::new(Code::WriteDenied, Level::Error, format!("Writing under {under} is not allowed"))
                .happened(format!("{} was refused ({}).", scene.doing, if answer.code.is_some() { summary.clone() } else { format!("{summary} AccessDenied") }))
                .cause("These credentials are not allowed to write objects on this bucket and prefix: a permission scoped to another bucket or prefix, or read-only access, is the usual cause.")
                .fix(fix)
                .evidence(ev);
            match policy {
                Some(p) => d.policy(p),
                None => d,
            }
        }
        Failure::ChecksumRejected => Diagnosis::new(Code::ChecksumRejected, Level::Error, "The server rejects the checksum headers")
            .happened(format!("The server refused the upload's integrity headers ({summary}: {}).", answer.message.as_deref().unwrap_or("")))
            .cause(format!(
                "Newer AWS SDKs send CRC checksums on every upload; many S3-compatible servers reject them. Chute only sends them where the provider supports them, and {} is set up to {}.",
                s.preset().label,
                if s.preset().checksum == crate::provider::ChecksumPolicy::WhenSupported { "send them" } else { "send them only when required" }
            ))
            .fix("If this server is not Amazon S3, choose its provider (or \"S3-compatible\") so Chute stops sending the headers.")
            .evidence(ev),
        Failure::Corrupted => Diagnosis::new(Code::CorruptedInTransit, Level::Error, "The bytes arrived damaged")
            .happened(format!("The server's digest did not match what {} sent ({summary}).", scene.doing))
            .cause("Something between this computer and the server changes data in flight: a faulty network, a proxy, or memory.")
            .fix("Chute retries damaged uploads by itself; if it keeps happening, check the network and any proxy in between.")
            .evidence(ev),
        Failure::AlreadyExists => Diagnosis::new(Code::AlreadyExists, Level::Error, "An object already exists at the key")
            .happened("The server refused to write over the object already at the key; it was left untouched.")
            .cause("A file was delivered there before, or another tool wrote the same key.")
            .fix("Deliver it under a new key (another prefix or key template), or let this destination overwrite (or skip) existing objects.")
            .evidence(ev),
        Failure::Throttled => Diagnosis::new(Code::ServerBusy, Level::Error, "The server is overloaded")
            .happened(format!("{} answered {summary}.", scene.doing))
            .cause("The service is throttling requests (SlowDown) or is temporarily unavailable.")
            .fix("Wait a minute and try again; deliveries already retry these with a growing pause.")
            .evidence(ev),
        Failure::ServerError => Diagnosis::new(Code::ServerError, Level::Error, "The server reported an internal error")
            .happened(format!("{} answered {summary}.", scene.doing))
            .cause("A fault on the storage service's side.")
            .fix("Try again later; if it persists, contact the provider with the request id below.")
            .evidence(ev),
        Failure::TooLarge => Diagnosis::new(Code::TooLarge, Level::Error, "The object is larger than the server accepts")
            .happened(format!("{} was refused as too large ({summary}).", scene.doing))
            .cause("The provider limits the size of one object (or of one request).")
            .fix("Split the file, or check the provider's object size limit.")
            .evidence(ev),
        Failure::NotS3 => not_s3(&ev),
        Failure::Timeout => network::server_silent(format!("The request timed out ({summary})."), ev),
        Failure::ConnectionRefused => network::connection_refused(&scene.evidence.endpoint, ev),
        Failure::HostNotFound => network::host_not_found(&scene.host(), &summary, ev),
        Failure::ConnectionReset => network::connection_reset(&summary, ev),
        Failure::TlsUntrusted => network::tls_untrusted(&summary, false, false, ev),
        Failure::HttpsToHttpPort => network::https_to_http_port(None, ev),
        Failure::ProxyAuthRequired => proxy::proxy_auth_required("the proxy", "the environment", false, ev),
        Failure::ProxyRefused => proxy::proxy_refused("the proxy", "the environment", &scene.host(), None, ev),
        Failure::KmsKeyNotFound | Failure::KmsAccessDenied | Failure::EncryptionRefused | Failure::SseCNeedsHttps | Failure::SseCKeyMismatch => {
            super::encryption::refused(failure, answer, s, &scene.doing, ev)
        }
        Failure::RequestFailed => Diagnosis::new(Code::RequestFailed, Level::Error, "The request could not be sent")
            .happened(format!("The S3 request failed before an answer: {}.", answer.chain.chars().take(300).collect::<String>()))
            .cause(if answer.io { "The connection broke (reset or closed by the server or a proxy)." } else { "A problem building or sending the request." })
            .fix("Try again; if it persists, check the endpoint and any proxy in between.")
            .evidence(ev),
        Failure::Other => Diagnosis::new(Code::S3Error, Level::Error, format!("{} failed", scene.doing))
            .happened(format!(
                "The server answered {summary}{}.",
                answer.message.as_deref().map(|m| format!(": {m}")).unwrap_or_default()
            ))
            .cause("An S3 error Chute has no specific advice for.")
            .fix("Look the error code up in your provider's documentation; the details below have the request id for support.")
            .evidence(ev),
    }
}

/// A failure that a proxy on the way explains: its refusals, and the
/// connection failures and error pages that came from it rather than the
/// endpoint (an answer with no S3 code and no request id). None when
/// requests go straight, or the endpoint itself answered.
fn through_proxy(failure: &Failure, answer: &Answer, scene: &Scene, ev: &Evidence) -> Option<Diagnosis> {
    let target = url::Url::parse(&scene.evidence.endpoint).ok()?;
    let hop = ProxyRoute::of(scene.settings, None).hop(&target)?;
    let (address, source) = (hop.address(), hop.source.as_str());
    let ev = Evidence { proxy: Some(format!("{address} ({source})")), ..ev.clone() };
    let endpoint = format!("{}:{}", target.host_str().unwrap_or_default(), target.port_or_known_default().unwrap_or(443));
    let from_endpoint = answer.code.is_some() || answer.request_id.is_some();
    Some(match (failure, answer.status) {
        (Failure::ProxyAuthRequired, _) => proxy::proxy_auth_required(&address, source, hop.authorization.is_some(), ev),
        (Failure::ProxyRefused, _) => proxy::proxy_refused(&address, source, &endpoint, None, ev),
        (Failure::ConnectionRefused | Failure::HostNotFound, _) => proxy::proxy_unreachable(&address, source, &answer.summary(), ev),
        // Some proxies (tinyproxy) answer wrong credentials with 401.
        (_, Some(401)) if !from_endpoint => proxy::proxy_auth_required(&address, source, hop.authorization.is_some(), ev),
        (_, Some(403)) if !from_endpoint => proxy::proxy_refused(&address, source, &endpoint, Some(403), ev),
        (_, Some(status @ (500 | 502 | 503 | 504))) if !from_endpoint => {
            proxy::proxy_upstream_failed(&address, source, &endpoint, status, ev)
        }
        _ => return None,
    })
}

/// This computer's clock against the server's; `refused` names the answer
/// when a request was refused for it (an error), else it is a warning.
pub fn clock_skew(skew_secs: Option<i64>, refused: Option<&str>, mut ev: Evidence) -> Diagnosis {
    let level = if refused.is_some() { Level::Error } else { Level::Warning };
    let skew = skew_secs.unwrap_or(0);
    ev.detail = skew_secs.map(|s| format!("server clock minus local clock: {s} s")).or(ev.detail);
    let direction = if skew > 0 { "behind" } else { "ahead of" };
    let off = if skew_secs.is_some() { format!("{} {direction}", human_secs(skew)) } else { "too far from".to_string() };
    Diagnosis::new(Code::ClockSkew, level, "This computer's clock is wrong")
        .happened(match refused {
            Some(answer) => format!(
                "The server refused a request signed with this computer's time ({answer}): this clock is {off} the server's, outside the 15 minutes S3 allows. Chute's S3 client then corrects for the difference, but other tools will fail."
            ),
            None => format!("This computer's clock is {off} the server's."),
        })
        .cause("S3 signatures are only valid within 15 minutes of the server's time.")
        .fix("Turn on automatic time synchronisation (NTP) in your system settings, then try again.")
        .evidence(ev)
}

/// A skew as "1h 5m" or "3m 20s".
pub fn human_secs(skew: i64) -> String {
    let a = skew.unsigned_abs();
    if a >= 3600 {
        format!("{}h {}m", a / 3600, (a % 3600) / 60)
    } else {
        format!("{}m {}s", a / 60, a % 60)
    }
}

/// The bucket lives in another region than the destination says; with the
/// region the server named, it is a one-click fix.
pub fn wrong_region(expected: Option<&str>, mine: &str, how: &str, mut ev: Evidence) -> Diagnosis {
    ev.bucket_region = expected.map(str::to_string).or(ev.bucket_region);
    let d = Diagnosis::new(
        Code::WrongRegion,
        Level::Error,
        match expected {
            Some(r) => format!("The bucket is in {r}, not {mine}"),
            None => format!("The bucket is not in {mine}"),
        },
    )
    .happened(format!("The server redirected or refused the request because the bucket lives in another region ({how})."))
    .cause("The region was guessed or copied from another bucket.")
    .evidence(ev);
    match expected {
        Some(r) => d.fix(format!("Set the region to `{r}`.")).apply("region", r, format!("Use {r}")),
        None => d.fix("Set the region shown for the bucket in your provider's console."),
    }
}

pub fn bucket_not_found(s: &Settings, ev: Evidence) -> Diagnosis {
    Diagnosis::new(Code::BucketNotFound, Level::Error, format!("There is no bucket `{}` here", s.bucket.trim()))
        .happened(format!("The server says the bucket `{}` does not exist at {}.", s.bucket.trim(), ev.endpoint))
        .cause("A typo in the bucket name (names are case-sensitive), the bucket is in another account or region, or the endpoint points at another server.")
        .fix("Check the bucket name against the provider's console, and that the endpoint and region are the bucket's.")
        .evidence(ev)
}

pub fn not_s3(ev: &Evidence) -> Diagnosis {
    Diagnosis::new(Code::NotS3Server, Level::Error, "This endpoint is not an S3 API")
        .happened(format!(
            "The server at {} answers HTTP, but not like an S3 service (HTTP {}).",
            ev.endpoint,
            ev.http_status.map(|s| s.to_string()).unwrap_or_default()
        ))
        .cause("The endpoint is a website, a console URL or another API instead of the S3 endpoint (e.g. MinIO's console on :9001 instead of the API on :9000).")
        .fix("Use the S3 API endpoint from your provider's documentation.")
        .evidence(ev.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scene(s: &Settings) -> Scene<'_> {
        Scene { settings: s, doing: "Uploading `in/a.csv`".into(), anonymous: false, evidence: Evidence::default(), clock_skew_secs: None }
    }

    #[test]
    fn every_failure_has_a_code_words_and_a_fix() {
        let s = Settings { bucket: "reports".into(), prefix: "in/".into(), ..Settings::default() };
        let answer = Answer { status: Some(400), code: Some("X".into()), ..Answer::default() };
        let all = [
            Failure::UnknownKey,
            Failure::WrongSecret,
            Failure::ExpiredToken,
            Failure::ClockSkew,
            Failure::WrongRegion { expected: Some("eu-west-1".into()) },
            Failure::NoSuchBucket,
            Failure::AccessDenied,
            Failure::ChecksumRejected,
            Failure::Corrupted,
            Failure::AlreadyExists,
            Failure::Throttled,
            Failure::ServerError,
            Failure::TooLarge,
            Failure::NotS3,
            Failure::Timeout,
            Failure::ConnectionRefused,
            Failure::HostNotFound,
            Failure::ConnectionReset,
            Failure::TlsUntrusted,
            Failure::HttpsToHttpPort,
            Failure::KmsKeyNotFound,
            Failure::KmsAccessDenied,
            Failure::EncryptionRefused,
            Failure::SseCNeedsHttps,
            Failure::SseCKeyMismatch,
            Failure::RequestFailed,
            Failure::Other,
        ];
        let mut codes = std::collections::HashSet::new();
        for f in &all {
            let d = diagnosis(f, &answer, &scene(&s));
            assert!(!d.title.is_empty() && !d.what_happened.is_empty() && !d.fix.is_empty(), "{f:?}: {d:?}");
            assert!(codes.insert(d.code), "{f:?} shares {} with another failure", d.code);
        }
        let region = diagnosis(&Failure::WrongRegion { expected: Some("eu-west-1".into()) }, &answer, &scene(&s));
        assert_eq!(region.apply.map(|a| (a.field, a.value)), Some(("region".into(), "eu-west-1".into())));
        let denied = diagnosis(&Failure::AccessDenied, &answer, &scene(&s));
        assert!(denied.policy.is_some_and(|p| p.contains("reports/in/*")));
        let anonymous = Scene { anonymous: true, ..scene(&s) };
        assert_eq!(diagnosis(&Failure::AccessDenied, &answer, &anonymous).code, Code::AnonymousDenied);
    }

    #[test]
    fn the_fix_does_not_depend_on_the_operation() {
        let s = Settings::default();
        let answer = Answer { status: Some(403), code: Some("AccessDenied".into()), ..Answer::default() };
        let put = diagnosis(&Failure::AccessDenied, &answer, &Scene { doing: "Write probe object".into(), ..scene(&s) });
        let upload = diagnosis(&Failure::AccessDenied, &answer, &scene(&s));
        assert_eq!((put.code, &put.fix), (upload.code, &upload.fix));
        assert_ne!(put.what_happened, upload.what_happened, "what happened names the operation");
    }
}
