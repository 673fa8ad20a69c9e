//! The classifier's table: every answer the suites meet, and the wordings
//! of the providers Chute has presets for, with the failure each one is.

use super::*;

/// (what it is, status, S3 code, message, `x-amz-bucket-region`, transport chain, the server speaks S3) -> failure
type Row = (&'static str, Option<u16>, &'static str, &'static str, &'static str, &'static str, bool, Failure);

fn wrong_region(r: &str) -> Failure {
    Failure::WrongRegion { expected: Some(r.into()) }
}

/// Every answer the connection-test and delivery suites meet on moto,
/// s3s-fs, the scripted server and the fault proxy, and the wordings of
/// the providers Chute has presets for.
const ROWS: &[fn() -> Row] = &[
    || {
        (
            "moto: unknown key",
            Some(403),
            "InvalidAccessKeyId",
            "The AWS Access Key Id you provided does not exist in our records.",
            "",
            "",
            true,
            Failure::UnknownKey,
        )
    },
    || ("Garage: unknown key", Some(403), "AccessDenied", "Forbidden: No such key: GK1234", "", "", true, Failure::UnknownKey),
    || {
        (
            "R2: unknown key",
            Some(400),
            "InvalidArgument",
            "Invalid Argument: Credential access key has length 3, should be 32",
            "",
            "",
            true,
            Failure::UnknownKey,
        )
    },
    || ("AWS: InvalidClientTokenId", Some(403), "InvalidClientTokenId", "", "", "", true, Failure::UnknownKey),
    || {
        (
            "moto/s3s-fs: wrong secret",
            Some(403),
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match",
            "",
            "",
            true,
            Failure::WrongSecret,
        )
    },
    || ("scripted: expired token", Some(400), "ExpiredToken", "The provided token has expired.", "", "", true, Failure::ExpiredToken),
    || ("AWS: token refresh", Some(400), "TokenRefreshRequired", "", "", "", true, Failure::ExpiredToken),
    || {
        (
            "s3s-fs: skewed clock",
            Some(403),
            "RequestTimeTooSkewed",
            "The difference between the request time and the current time is too large.",
            "",
            "",
            true,
            Failure::ClockSkew,
        )
    },
    || {
        (
            "AWS: wrong region, named",
            Some(400),
            "AuthorizationHeaderMalformed",
            "the region 'us-east-1' is wrong; expecting 'eu-west-1'",
            "",
            "",
            true,
            wrong_region("eu-west-1"),
        )
    },
    || {
        ("Garage: wrong region, a scope", Some(400), "AuthorizationHeaderMalformed", "Authorization header malformed, unexpected scope: '20261130/us-east-1/s3/aws4_request', expected: '20261130/garage/s3/aws4_request'", "", "", true, wrong_region("garage"))
    },
    || ("AWS: redirect with the region header", Some(301), "PermanentRedirect", "", "eu-central-1", "", true, wrong_region("eu-central-1")),
    || ("HEAD: bodiless 301", Some(301), "", "", "ap-south-1", "", true, wrong_region("ap-south-1")),
    || {
        (
            "a location constraint",
            Some(400),
            "IllegalLocationConstraintException",
            "",
            "",
            "",
            true,
            Failure::WrongRegion { expected: None },
        )
    },
    || ("moto: missing bucket", Some(404), "NoSuchBucket", "The specified bucket does not exist", "", "", true, Failure::NoSuchBucket),
    || ("HEAD: bodiless 404 from S3", Some(404), "NotFound", "", "", "", true, Failure::NoSuchBucket),
    || ("HEAD: bodiless 404 from a web server", Some(404), "", "", "", "", false, Failure::NotS3),
    || ("a web server's PUT", Some(501), "", "", "", "", false, Failure::NotS3),
    || ("a web server's method", Some(405), "", "", "", "", false, Failure::NotS3),
    || ("moto: prefix-scoped policy", Some(403), "AccessDenied", "Access Denied", "", "", true, Failure::AccessDenied),
    || ("HEAD: bodiless 403", Some(403), "", "", "", "", true, Failure::AccessDenied),
    || ("Garage: read-only key", Some(403), "AccessDenied", "Operation is not allowed for this key", "", "", true, Failure::AccessDenied),
    || {
        (
            "scripted B2: checksum headers refused",
            Some(501),
            "NotImplemented",
            "Unsupported header 'x-amz-checksum-crc32' received for this API call.",
            "",
            "",
            true,
            Failure::ChecksumRejected,
        )
    },
    || {
        (
            "checksum as an invalid argument",
            Some(400),
            "InvalidArgument",
            "x-amz-sdk-checksum-algorithm is not supported",
            "",
            "",
            true,
            Failure::ChecksumRejected,
        )
    },
    || ("InvalidRequest about a checksum", Some(400), "InvalidRequest", "Checksum type mismatch", "", "", true, Failure::ChecksumRejected),
    || {
        (
            "s3s-fs: damaged body",
            Some(400),
            "BadDigest",
            "The Content-MD5 you specified did not match what we received.",
            "",
            "",
            true,
            Failure::Corrupted,
        )
    },
    || ("Garage: damaged part", Some(400), "InvalidDigest", "", "", "", true, Failure::Corrupted),
    || ("a damaged payload", Some(400), "XAmzContentSHA256Mismatch", "", "", "", true, Failure::Corrupted),
    || {
        (
            "moto/s3s-fs: If-None-Match met an object",
            Some(412),
            "PreconditionFailed",
            "At least one of the pre-conditions you specified did not hold",
            "",
            "",
            true,
            Failure::AlreadyExists,
        )
    },
    || ("a bodiless 304", Some(304), "", "", "", "", true, Failure::AlreadyExists),
    || ("scripted/fault proxy: SlowDown", Some(503), "SlowDown", "Please reduce your request rate.", "", "", true, Failure::Throttled),
    || ("fault proxy: bare 503", Some(503), "", "", "", "", true, Failure::Throttled),
    || ("429 Too Many Requests", Some(429), "TooManyRequests", "", "", "", true, Failure::Throttled),
    || ("fault proxy: 500", Some(500), "InternalError", "We encountered an internal error.", "", "", true, Failure::ServerError),
    || ("a gateway error", Some(502), "", "", "", "", true, Failure::ServerError),
    || ("too large", Some(400), "EntityTooLarge", "", "", "", true, Failure::TooLarge),
    || ("an unknown S3 error", Some(400), "InvalidBucketState", "", "", "", true, Failure::Other),
    || {
        (
            "refused port",
            None,
            "",
            "",
            "",
            "dispatch failure: io error: error trying to connect: tcp connect error: Connection refused (os error 111)",
            true,
            Failure::ConnectionRefused,
        )
    },
    || {
        (
            "no such host",
            None,
            "",
            "",
            "",
            "dispatch failure: other: dns error: failed to lookup address information: Name or service not known",
            true,
            Failure::HostNotFound,
        )
    },
    || {
        (
            "fault proxy: reset mid-body",
            None,
            "",
            "",
            "",
            "dispatch failure: io error: connection reset by peer",
            true,
            Failure::ConnectionReset,
        )
    },
    || {
        (
            "fault proxy: cut short",
            None,
            "",
            "",
            "",
            "response error: unexpected EOF during chunk size line",
            true,
            Failure::ConnectionReset,
        )
    },
    || {
        (
            "https to a plain port",
            None,
            "",
            "",
            "",
            "dispatch failure: io error: received corrupt message of type InvalidContentType",
            true,
            Failure::HttpsToHttpPort,
        )
    },
    || {
        (
            "self-signed certificate",
            None,
            "",
            "",
            "",
            "dispatch failure: io error: invalid peer certificate: UnknownIssuer",
            true,
            Failure::TlsUntrusted,
        )
    },
    || ("fault proxy: stalled past the read timeout", None, "", "", "", "timeout: read timed out", true, Failure::Timeout),
    || ("a request that could not be built", None, "", "", "", "failed to construct request", true, Failure::RequestFailed),
    || ("squid: proxy wants credentials", Some(407), "", "", "", "", false, Failure::ProxyAuthRequired),
    || {
        (
            "tinyproxy: CONNECT without credentials",
            None,
            "",
            "",
            "",
            "dispatch failure: other: client error (Connect): tunnel error: proxy authorization required",
            false,
            Failure::ProxyAuthRequired,
        )
    },
    || {
        (
            "tinyproxy: CONNECT filtered (403)",
            None,
            "",
            "",
            "",
            "dispatch failure: other: client error (Connect): tunnel error: unsuccessful",
            false,
            Failure::ProxyRefused,
        )
    },
    // Server-side encryption refused (AWS's documented codes; MinIO's; Garage's words, met by the encryption suite)
    || ("AWS: KMS key not found", Some(400), "KMS.NotFoundException", "Invalid keyId 'alias/nope'", "", "", true, Failure::KmsKeyNotFound),
    || {
        (
            "AWS: KMS key disabled",
            Some(400),
            "KMS.DisabledException",
            "arn:aws:kms:us-east-1:1:key/x is disabled.",
            "",
            "",
            true,
            Failure::KmsKeyNotFound,
        )
    },
    || {
        (
            "AWS: no kms:GenerateDataKey",
            Some(403),
            "AccessDenied",
            "User: arn:aws:iam::1:user/w is not authorized to perform: kms:GenerateDataKey on resource: arn:aws:kms:us-east-1:1:key/x",
            "",
            "",
            true,
            Failure::KmsAccessDenied,
        )
    },
    || ("AWS: KMS access denied code", Some(400), "KMS.AccessDeniedException", "", "", "", true, Failure::KmsAccessDenied),
    || {
        (
            "AWS: KMS key id not an ARN",
            Some(400),
            "InvalidArgument",
            "Invalid arn us-east-1 for KMS key",
            "",
            "",
            true,
            Failure::KmsKeyNotFound,
        )
    },
    || {
        (
            "MinIO: no KMS",
            Some(501),
            "KMSNotConfigured",
            "Server side encryption specified but KMS is not configured",
            "",
            "",
            true,
            Failure::EncryptionRefused,
        )
    },
    || {
        (
            "a server without SSE",
            Some(501),
            "NotImplemented",
            "Server side encryption is not implemented",
            "",
            "",
            true,
            Failure::EncryptionRefused,
        )
    },
    || {
        (
            "AWS: SSE-C blocked on the bucket",
            Some(403),
            "AccessDenied",
            "Requests specifying SSE-C are blocked by the bucket's default encryption configuration (BlockedEncryptionTypes)",
            "",
            "",
            true,
            Failure::EncryptionRefused,
        )
    },
    || {
        (
            "AWS: SSE-C over http",
            Some(400),
            "InvalidRequest",
            "Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.",
            "",
            "",
            true,
            Failure::SseCNeedsHttps,
        )
    },
    || ("MinIO: SSE-C over http", Some(400), "InsecureSSECustomerRequest", "", "", "", true, Failure::SseCNeedsHttps),
    || {
        (
            "Garage: SSE-C object read without its key",
            Some(400),
            "InvalidRequest",
            "Bad request: Object is encrypted",
            "",
            "",
            true,
            Failure::SseCKeyMismatch,
        )
    },
    || {
        (
            "Garage: SSE-C object read with another key",
            Some(400),
            "InvalidRequest",
            "Bad request: Invalid encryption key, could not decrypt object metadata.: aead::Error",
            "",
            "",
            true,
            Failure::SseCKeyMismatch,
        )
    },
    || {
        (
            "AWS: SSE-C object read without its key",
            Some(400),
            "InvalidRequest",
            "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.",
            "",
            "",
            true,
            Failure::SseCKeyMismatch,
        )
    },
    || {
        (
            "AWS: a checksum refusal is not about encryption",
            Some(400),
            "InvalidRequest",
            "x-amz-checksum-crc32c is not supported",
            "",
            "",
            true,
            Failure::ChecksumRejected,
        )
    },
];

#[test]
fn every_answer_has_its_failure() {
    for row in ROWS {
        let (what, status, code, message, region, chain, s3, want) = row();
        let a = Answer {
            status,
            code: (!code.is_empty()).then(|| code.into()),
            message: (!message.is_empty()).then(|| message.into()),
            bucket_region: (!region.is_empty()).then(|| region.into()),
            chain: chain.into(),
            timeout: chain.contains("timed out"),
            io: chain.contains("io error"),
            ..Answer::default()
        };
        let speaks = if s3 { Speaks::S3 } else { Speaks::Unknown };
        assert_eq!(classify(&a, speaks), want, "{what}");
    }
    assert!(ROWS.len() >= 40, "the table covers the answers the suites meet");
}

#[test]
fn regions_are_read_from_every_wording() {
    assert_eq!(expected_region("the region 'us-east-1' is wrong; expecting 'eu-west-1'").as_deref(), Some("eu-west-1"));
    assert_eq!(
        expected_region("unexpected scope: 'x/us-east-1/s3/aws4_request', expected: 'x/garage/s3/aws4_request'").as_deref(),
        Some("garage")
    );
    assert_eq!(expected_region("nothing here"), None);
    assert_eq!(expected_region("expecting 'not a region!'"), None);
}
