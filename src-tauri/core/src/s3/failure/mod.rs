//! The one classifier of S3 and network failures. An SDK error (or any
//! answer, gathered as an [`Answer`]) becomes a typed [`Failure`] here and
//! nowhere else, so the connection test, a delivery, a resume and the
//! history call the same answer by the same name; `diagnose::catalogue`
//! then says it in words.
//!
//! The rules read the status first where an S3 code may be missing (HEAD
//! answers have no body), then the S3 error code, then the message for what
//! servers only say there (a region, a checksum header), then the transport
//! (no answer at all: timeout, refused, reset, TLS, name lookup).

use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::operation::RequestId;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;

use crate::report::error_chain;

/// What a failed request told us, gathered in one place: its HTTP status,
/// S3 error code and message, ids and headers, and for requests that never
/// got an answer, the transport's error chain.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answer {
    pub status: Option<u16>,
    pub code: Option<String>,
    pub message: Option<String>,
    pub request_id: Option<String>,
    /// `x-amz-bucket-region`, where the server sent it.
    pub bucket_region: Option<String>,
    /// No answer within the client's time limits.
    pub timeout: bool,
    /// The connection failed at the I/O level (refused, reset, closed).
    pub io: bool,
    /// The error and its sources, one line (no secrets: the SDK's texts).
    pub chain: String,
}

impl Answer {
    pub fn of<E: ProvideErrorMetadata + std::error::Error + 'static>(e: &SdkError<E, HttpResponse>) -> Answer {
        let raw = e.raw_response();
        let header = |name: &str| raw.and_then(|r| r.headers().get(name)).map(str::to_string);
        let (timeout, io) = match e {
            SdkError::TimeoutError(_) => (true, false),
            SdkError::DispatchFailure(d) => {
                let c = d.as_connector_error();
                (c.is_some_and(|c| c.is_timeout()), c.is_some_and(|c| c.is_io()))
            }
            _ => (false, false),
        };
        Answer {
            status: raw.map(|r| r.status().as_u16()),
            code: e.code().map(str::to_string),
            message: e.message().map(str::to_string),
            request_id: e.request_id().map(str::to_string).or_else(|| header("x-amz-request-id")),
            bucket_region: header("x-amz-bucket-region"),
            timeout,
            io,
            chain: error_chain(e),
        }
    }

    /// A HEAD's answer (no body, so no S3 code) completed by a follow-up
    /// request's refusal, which has one: the follow-up's code and message,
    /// the HEAD's status, request id and bucket region.
    pub fn completed_by(self, follow_up: Answer) -> Answer {
        Answer {
            code: follow_up.code.or(self.code),
            message: follow_up.message.or(self.message),
            request_id: self.request_id.or(follow_up.request_id),
            bucket_region: self.bucket_region.or(follow_up.bucket_region),
            ..self
        }
    }

    /// `HTTP 403 AccessDenied`, `HTTP 404`, the code alone, or the start of
    /// the error chain when nothing answered.
    pub fn summary(&self) -> String {
        match (&self.status, &self.code) {
            (Some(s), Some(c)) => format!("HTTP {s} {c}"),
            (Some(s), None) => format!("HTTP {s}"),
            (None, Some(c)) => c.clone(),
            (None, None) => self.chain.chars().take(200).collect(),
        }
    }

    fn code(&self) -> &str {
        self.code.as_deref().unwrap_or("")
    }

    fn message_lower(&self) -> String {
        self.message.as_deref().unwrap_or("").to_ascii_lowercase()
    }
}

/// What a failed S3 request meant, whatever the operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The access key id is not known to this server.
    UnknownKey,
    /// The key is known, the signature (the secret) is not right.
    WrongSecret,
    /// Temporary credentials that have expired.
    ExpiredToken,
    /// This computer's clock is outside the server's signing window.
    ClockSkew,
    /// The bucket lives in another region (named when the server says which).
    WrongRegion {
        expected: Option<String>,
    },
    NoSuchBucket,
    /// Refused (403) for a reason that is not one of the above: a policy.
    AccessDenied,
    /// The server refuses the integrity (checksum) headers themselves.
    ChecksumRejected,
    /// The bytes arrived damaged: the server's digest did not match.
    Corrupted,
    /// A conditional write (`If-None-Match: *`) met an object at the key.
    AlreadyExists,
    /// Throttled or temporarily unavailable (503, SlowDown, 429).
    Throttled,
    /// Any other 5xx.
    ServerError,
    /// The object is larger than the server takes in one request.
    TooLarge,
    /// The endpoint answers HTTP but not as an S3 API.
    NotS3,
    /// No answer in time.
    Timeout,
    ConnectionRefused,
    HostNotFound,
    /// The connection was reset or closed before an answer.
    ConnectionReset,
    /// The server's certificate is not trusted (self-signed, wrong name…).
    TlsUntrusted,
    /// https:// to a port that speaks plain HTTP.
    HttpsToHttpPort,
    /// A proxy on the way wants (other) credentials: HTTP 407.
    ProxyAuthRequired,
    /// A proxy on the way would not open a tunnel to the endpoint.
    ProxyRefused,
    /// The KMS key named for SSE-KMS does not exist, is disabled or is in
    /// another region.
    KmsKeyNotFound,
    /// The credentials may not use the KMS key (kms:GenerateDataKey, kms:Decrypt).
    KmsAccessDenied,
    /// The server does not do the server-side encryption asked for (not
    /// implemented, no KMS configured, blocked on the bucket).
    EncryptionRefused,
    /// SSE-C over plain http://: the server will not take a key sent in clear.
    SseCNeedsHttps,
    /// An SSE-C object read without its key, with another key, or a key
    /// sent for an object that was not encrypted with one.
    SseCKeyMismatch,
    /// The request failed before any answer, for another reason.
    RequestFailed,
    /// An S3 error without more specific advice (its code is in the answer).
    Other,
}

/// Whether the server is known to speak S3 (a 404 without an error code is
/// then a missing bucket; from an unknown server it is a web page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speaks {
    S3,
    Unknown,
}

/// Turn an answer into a [`Failure`].
pub fn classify(a: &Answer, speaks: Speaks) -> Failure {
    let code = a.code();
    let message = a.message_lower();
    if a.status.is_none() {
        return transport(a);
    }
    // Only a proxy answers 407, whatever it sends with it.
    if a.status == Some(407) {
        return Failure::ProxyAuthRequired;
    }
    if let Some(f) = encryption_refusal(code, &message) {
        return f;
    }
    // Codes that decide by themselves, whatever the status.
    if matches!(code, "InvalidAccessKeyId" | "NotSignedUp" | "InvalidClientTokenId" | "UnrecognizedClientException")
        || (code == "AccessDenied" && message.contains("no such key"))
        || (code == "InvalidArgument" && message.contains("access key"))
    {
        return Failure::UnknownKey;
    }
    match code {
        "SignatureDoesNotMatch" => return Failure::WrongSecret,
        "ExpiredToken" | "TokenRefreshRequired" | "InvalidToken" => return Failure::ExpiredToken,
        "RequestTimeTooSkewed" => return Failure::ClockSkew,
        "PermanentRedirect" | "AuthorizationHeaderMalformed" | "IllegalLocationConstraintException" => {
            return Failure::WrongRegion {
                expected: a.bucket_region.clone().or_else(|| expected_region(a.message.as_deref().unwrap_or(""))),
            };
        }
        "NoSuchBucket" => return Failure::NoSuchBucket,
        "BadDigest" | "XAmzContentSHA256Mismatch" | "XAmzContentChecksumMismatch" if !refuses_checksum_headers(code, &message) => {
            return Failure::Corrupted;
        }
        "EntityTooLarge" => return Failure::TooLarge,
        "PreconditionFailed" | "NotModified" => return Failure::AlreadyExists,
        "SlowDown" | "ServiceUnavailable" | "RequestLimitExceeded" => return Failure::Throttled,
        _ => {}
    }
    if refuses_checksum_headers(code, &message) {
        return Failure::ChecksumRejected;
    }
    if code == "InvalidDigest" {
        return Failure::Corrupted;
    }
    match a.status {
        Some(301) => Failure::WrongRegion { expected: a.bucket_region.clone() },
        Some(304 | 412) => Failure::AlreadyExists,
        Some(404) if speaks != Speaks::S3 && (code.is_empty() || code == "NotFound") => Failure::NotS3,
        Some(404) => Failure::NoSuchBucket,
        Some(403) => Failure::AccessDenied,
        Some(405 | 501) => Failure::NotS3,
        Some(413) => Failure::TooLarge,
        Some(429 | 503) => Failure::Throttled,
        Some(s) if s >= 500 => Failure::ServerError,
        _ => Failure::Other,
    }
}

/// Where no answer came back: the transport's own error says why.
fn transport(a: &Answer) -> Failure {
    let chain = a.chain.to_ascii_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|n| chain.contains(n));
    // A proxy's refusal of a CONNECT tunnel (the HTTP client's words).
    if has(&["proxy authorization required"]) {
        return Failure::ProxyAuthRequired;
    }
    if has(&["tunnel error: unsuccessful"]) {
        return Failure::ProxyRefused;
    }
    if a.timeout || has(&["timed out", "timeout"]) {
        Failure::Timeout
    } else if has(&["connection refused"]) {
        Failure::ConnectionRefused
    } else if has(&["dns error", "failed to lookup address", "name or service not known", "no such host", "nodename nor servname"]) {
        Failure::HostNotFound
    } else if has(&["wrong_version_number", "wrong version number", "corrupt message", "invalidcontenttype", "invalid content type"]) {
        Failure::HttpsToHttpPort
    } else if has(&["certificate", "unknownissuer", "notvalidforname", "invalid peer certificate"]) {
        Failure::TlsUntrusted
    } else if a.io || has(&["connection reset", "broken pipe", "connection closed", "incompletemessage", "unexpected eof"]) {
        Failure::ConnectionReset
    } else {
        Failure::RequestFailed
    }
}

/// Refusals of server-side encryption, by AWS's codes (`KMS.*`), MinIO's
/// (`KMSNotConfigured`, `InsecureSSECustomerRequest`) and the words servers
/// use for SSE-C keys (AWS, Garage's "Object is encrypted", "Invalid
/// encryption key").
fn encryption_refusal(code: &str, message: &str) -> Option<Failure> {
    let says = |words: &[&str]| words.iter().any(|w| message.contains(w));
    if let Some(kms) = code.strip_prefix("KMS.") {
        return Some(if kms.contains("AccessDenied") { Failure::KmsAccessDenied } else { Failure::KmsKeyNotFound });
    }
    if code == "KMSNotConfigured" || says(&["kms is not configured", "kms not configured"]) {
        return Some(Failure::EncryptionRefused);
    }
    if code == "AccessDenied" && says(&["kms:", "kms key"]) {
        return Some(Failure::KmsAccessDenied);
    }
    if code == "InsecureSSECustomerRequest" || says(&["must be made over a secure connection"]) {
        return Some(Failure::SseCNeedsHttps);
    }
    let sse_c_key = says(&[
        "customer key",
        "customer provided key",
        "customer-provided key",
        "encryption key",
        "object is encrypted",
        "encryption parameters",
        "correct parameters must be provided",
        "md5 hash of the key",
        "could not decrypt",
        "sse-c client key",
    ]);
    if sse_c_key
        && !says(&["blocked", "not supported", "not implemented"])
        && matches!(
            code,
            "InvalidRequest" | "InvalidArgument" | "AccessDenied" | "BadRequest" | "ObjectTampered" | "InvalidEncryptionKey" | ""
        )
    {
        return Some(Failure::SseCKeyMismatch);
    }
    let about_encryption = says(&["encryption", "x-amz-server-side", "sse-c", "sse-kms", "sse-s3", "aws:kms", "kms"]);
    if about_encryption
        && matches!(
            code,
            "NotImplemented"
                | "InvalidArgument"
                | "InvalidRequest"
                | "InvalidEncryptionAlgorithmError"
                | "AccessDenied"
                | "UnsupportedEncryption"
        )
    {
        return Some(
            if says(&["kms"]) && matches!(code, "InvalidArgument") && says(&["key", "arn"]) && !says(&["not implemented", "not supported"])
            {
                Failure::KmsKeyNotFound
            } else {
                Failure::EncryptionRefused
            },
        );
    }
    None
}

/// Servers that refuse the newer integrity headers say so in these ways
/// (B2's NotImplemented on `x-amz-checksum-*`, InvalidArgument, …).
fn refuses_checksum_headers(code: &str, message: &str) -> bool {
    code == "XAmzContentChecksumMismatch" && message.contains("header")
        || (code == "NotImplemented" && (message.contains("checksum") || message.contains("header")))
        || message.contains("x-amz-checksum")
        || message.contains("x-amz-sdk-checksum")
        || (matches!(code, "InvalidArgument" | "InvalidRequest") && message.contains("checksum"))
}

/// The region a refusal names, whatever the server's wording: AWS's
/// "expecting 'eu-west-1'", or a signing scope such as
/// "expected: '…/garage/s3/aws4_request'" (Garage).
pub fn expected_region(message: &str) -> Option<String> {
    let valid = |r: &str| !r.is_empty() && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if let Some(idx) = message.find("expecting") {
        let rest = &message[idx..];
        let start = rest.find('\'')? + 1;
        let end = rest[start..].find('\'')? + start;
        let r = &rest[start..end];
        return valid(r).then(|| r.to_string());
    }
    if let Some(idx) = message.rfind("expected") {
        // A scope: <date>/<region>/s3/aws4_request (the last "expected": the
        // message may also say "unexpected" about the scope it was given).
        let rest = &message[idx..];
        let scope = rest.split(['\'', '"', ' ']).find(|w| w.ends_with("/s3/aws4_request"))?;
        let parts: Vec<&str> = scope.split('/').collect();
        let r = parts.get(parts.len().checked_sub(3)?)?;
        return valid(r).then(|| r.to_string());
    }
    None
}

#[cfg(test)]
mod tests;
