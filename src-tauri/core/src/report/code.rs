//! Every code a person or a script can meet, as one enum: the connection
//! test's findings, a delivery's per-file errors, validation problems,
//! keychain, database, import, history and command-line failures. Each
//! serialises to the snake_case string the window and `--json` use, so a
//! code is spelt once, in Rust, and compared as a value everywhere.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $text:literal,)*) => {
        /// A stable code: what happened, in one word a program can test.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($(#[$doc])* $variant,)*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The code as the window and `--json` spell it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text,)*
                }
            }

            /// The code spelt `text`, if there is one.
            pub fn parse(text: &str) -> Option<Code> {
                match text {
                    $($text => Some(Code::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

codes! {
    // S3 and network answers, the connection test
    AnonymousDenied = "anonymous_denied",
    BucketNotFound = "bucket_not_found",
    ChecksumRejected = "checksum_rejected",
    ClockSkew = "clock_skew",
    ConnectTimeout = "connect_timeout",
    ConnectionRefused = "connection_refused",
    ConnectionReset = "connection_reset",
    ExpiredToken = "expired_token",
    HeadBucketDenied = "head_bucket_denied",
    HostNotFound = "host_not_found",
    HttpToTlsPort = "http_to_tls_port",
    HttpsToHttpPort = "https_to_http_port",
    NetworkUnreachable = "network_unreachable",
    NotHttp = "not_http",
    NotS3Server = "not_s3_server",
    NotAtomicOverwriteGuard = "not_atomic_overwrite_guard",
    PathStyleNeeded = "path_style_needed",
    ProbeLeftBehind = "probe_left_behind",
    ProfileCredentialsFailed = "profile_credentials_failed",
    ProxyAuthRequired = "proxy_auth_required",
    ProxyRefused = "proxy_refused",
    ProxyUnreachable = "proxy_unreachable",
    ProxyUpstreamFailed = "proxy_upstream_failed",
    ReadBackDenied = "read_back_denied",
    ReadBackMismatch = "read_back_mismatch",
    RequestFailed = "request_failed",
    S3Error = "s3_error",
    ServerBusy = "server_busy",
    ServerError = "server_error",
    ServerSilent = "server_silent",
    SsoLoginNeeded = "sso_login_needed",
    TlsBadName = "tls_bad_name",
    TlsHandshakeFailed = "tls_handshake_failed",
    TlsUntrustedCertificate = "tls_untrusted_certificate",
    UnknownAccessKey = "unknown_access_key",
    UploadsNotListed = "uploads_not_listed",
    WriteDenied = "write_denied",
    WrongRegion = "wrong_region",
    WrongSecret = "wrong_secret",
    // Server-side encryption refused or not kept by the server
    EncryptionNotConfirmed = "encryption_not_confirmed",
    EncryptionRefused = "encryption_refused",
    KmsAccessDenied = "kms_access_denied",
    KmsKeyNotFound = "kms_key_not_found",
    SseCKeyMismatch = "sse_c_key_mismatch",
    SseCNeedsHttps = "sse_c_needs_https",
    // Delivery of files
    AlreadyExists = "already_exists",
    ChecksumMismatch = "checksum_mismatch",
    CorruptedInTransit = "corrupted_in_transit",
    EtagMismatch = "etag_mismatch",
    KeyCollision = "key_collision",
    NameNotUtf8 = "name_not_utf8",
    NotFound = "not_found",
    PartsMissing = "parts_missing",
    ReadFailed = "read_failed",
    SourceChanged = "source_changed",
    SourceMissing = "source_missing",
    SourceUnreadable = "source_unreadable",
    StatFailed = "stat_failed",
    TooLarge = "too_large",
    WalkFailed = "walk_failed",
    // Validation of a destination's settings and keys
    AccessKeyIdEmpty = "access_key_id_empty",
    AccessKeyIdShort = "access_key_id_short",
    AccessKeyIdSpaces = "access_key_id_spaces",
    AccountIdFormat = "account_id_format",
    AccountIdRequired = "account_id_required",
    AclPublicWrite = "acl_public_write",
    AclUnknown = "acl_unknown",
    AclUnsupported = "acl_unsupported",
    BandwidthLimitInvalid = "bandwidth_limit_invalid",
    BucketChars = "bucket_chars",
    BucketDots = "bucket_dots",
    BucketDottedTls = "bucket_dotted_tls",
    BucketEdges = "bucket_edges",
    BucketEmpty = "bucket_empty",
    BucketHasPath = "bucket_has_path",
    BucketIp = "bucket_ip",
    BucketLength = "bucket_length",
    BucketReserved = "bucket_reserved",
    BucketUnderscore = "bucket_underscore",
    BucketUppercase = "bucket_uppercase",
    ContentTypeFormat = "content_type_format",
    EndpointCredentials = "endpoint_credentials",
    EndpointHasBucket = "endpoint_has_bucket",
    EndpointInvalid = "endpoint_invalid",
    EndpointLegacy = "endpoint_legacy",
    EndpointNoHost = "endpoint_no_host",
    EndpointNoScheme = "endpoint_no_scheme",
    EndpointPath = "endpoint_path",
    EndpointPlainHttp = "endpoint_plain_http",
    EndpointProviderMismatch = "endpoint_provider_mismatch",
    EndpointQuery = "endpoint_query",
    EndpointRequired = "endpoint_required",
    EndpointScheme = "endpoint_scheme",
    EndpointSpaces = "endpoint_spaces",
    EndpointVirtualHost = "endpoint_virtual_host",
    EncryptionConditional = "encryption_conditional",
    EncryptionUnsupported = "encryption_unsupported",
    EncryptionUnverified = "encryption_unverified",
    HeaderControlChars = "header_control_chars",
    KeyControlChars = "key_control_chars",
    KeyDotSegment = "key_dot_segment",
    KeyEmpty = "key_empty",
    KeyTooLong = "key_too_long",
    KmsKeyIdFormat = "kms_key_id_format",
    KmsKeyRegion = "kms_key_region",
    MetadataKey = "metadata_key",
    MetadataTooLarge = "metadata_too_large",
    MetadataValue = "metadata_value",
    NameControlChars = "name_control_chars",
    SseCKeyInvalid = "sse_c_key_invalid",
    SseCKeyMissing = "sse_c_key_missing",
    SseCOverHttp = "sse_c_over_http",
    NameDuplicate = "name_duplicate",
    NameEmpty = "name_empty",
    NameTooLong = "name_too_long",
    NoCredentials = "no_credentials",
    PrefixBackslash = "prefix_backslash",
    PrefixControlChars = "prefix_control_chars",
    PrefixDotSegment = "prefix_dot_segment",
    PrefixDoubleSlash = "prefix_double_slash",
    PrefixLeadingSlash = "prefix_leading_slash",
    PrefixNoTrailingSlash = "prefix_no_trailing_slash",
    PrefixSpaces = "prefix_spaces",
    PrefixTooLong = "prefix_too_long",
    ProfileEmpty = "profile_empty",
    ProxyAddressInvalid = "proxy_address_invalid",
    ProxyPasswordInAddress = "proxy_password_in_address",
    ProxySchemeUnsupported = "proxy_scheme_unsupported",
    ProxyUserMissing = "proxy_user_missing",
    ProfileUnknown = "profile_unknown",
    ProviderDetected = "provider_detected",
    RegionAutoMinio = "region_auto_minio",
    RegionAutoOnAws = "region_auto_on_aws",
    RegionEndpointMismatch = "region_endpoint_mismatch",
    RegionFormat = "region_format",
    RegionIsZone = "region_is_zone",
    RegionNotAuto = "region_not_auto",
    RegionUnknown = "region_unknown",
    SecretEmpty = "secret_empty",
    StorageClassCase = "storage_class_case",
    StorageClassUnknown = "storage_class_unknown",
    TagLength = "tag_length",
    TagReserved = "tag_reserved",
    TagsTooMany = "tags_too_many",
    TemplateInvalid = "template_invalid",
    TemplateLeadingSlash = "template_leading_slash",
    TemplateNoPrefix = "template_no_prefix",
    TemplateNotUnique = "template_not_unique",
    // The keychain
    KeychainError = "keychain_error",
    KeychainLocked = "keychain_locked",
    KeychainSecretCorrupt = "keychain_secret_corrupt",
    KeychainSecretMissing = "keychain_secret_missing",
    KeychainTimeout = "keychain_timeout",
    KeychainUnavailable = "keychain_unavailable",
    // The database
    DatabaseCorrupt = "database_corrupt",
    DatabaseError = "database_error",
    DatabaseOpenFailed = "database_open_failed",
    DatabaseReadOnly = "database_read_only",
    DatabaseTooNew = "database_too_new",
    // Import
    ImportFileMissing = "import_file_missing",
    ImportFileUnreadable = "import_file_unreadable",
    ImportRcloneEncrypted = "import_rclone_encrypted",
    ImportSourceMissing = "import_source_missing",
    // The history
    BadRetention = "bad_retention",
    BatchInterrupted = "batch_interrupted",
    BatchNotFound = "batch_not_found",
    BatchNotInterrupted = "batch_not_interrupted",
    BatchRunning = "batch_running",
    Cancelled = "cancelled",
    DestinationDeleted = "destination_deleted",
    ExportFailed = "export_failed",
    NoFileManager = "no_file_manager",
    NothingToRetry = "nothing_to_retry",
    OnlyExistingLeft = "only_existing_left",
    OnlyRefusedLeft = "only_refused_left",
    RevealFailed = "reveal_failed",
    // Receipts: objects checked at the destination after delivery, later, or against a folder
    MissingLocally = "missing_locally",
    NothingToVerify = "nothing_to_verify",
    ObjectChanged = "object_changed",
    ObjectMissing = "object_missing",
    ReadDenied = "read_denied",
    ReceiptMismatch = "receipt_mismatch",
    // Watched folders
    WatchBatchRange = "watch_batch_range",
    WatchFolderGone = "watch_folder_gone",
    WatchFolderMissing = "watch_folder_missing",
    WatchFolderUnreadable = "watch_folder_unreadable",
    WatchHoursInvalid = "watch_hours_invalid",
    WatchLimitReached = "watch_limit_reached",
    WatchNameDuplicate = "watch_name_duplicate",
    WatchNoDestination = "watch_no_destination",
    WatchNotFound = "watch_not_found",
    WatchRunnerBusy = "watch_runner_busy",
    WatchSettleRange = "watch_settle_range",
    WatchSetupFailed = "watch_setup_failed",
    // Pasting into the window
    CopyFailed = "copy_failed",
    PasteEmpty = "paste_empty",
    PasteNameInvalid = "paste_name_invalid",
    PasteNotKept = "paste_not_kept",
    // The app and its commands
    AutostartFailed = "autostart_failed",
    BadArgument = "bad_argument",
    BrowserUnavailable = "browser_unavailable",
    DeliveryCannotStart = "delivery_cannot_start",
    DestinationNotFound = "destination_not_found",
    DialogAlreadyOpen = "dialog_already_open",
    FixNotApplicable = "fix_not_applicable",
    Internal = "internal",
    InvalidDestination = "invalid_destination",
    PermissionDenied = "permission_denied",
    PlanNotFound = "plan_not_found",
    ProbeFailedToStart = "probe_failed_to_start",
    // The command line
    ApplyFixWithChanges = "apply_fix_with_changes",
    ConfirmationRequired = "confirmation_required",
    CredentialsMissing = "credentials_missing",
    DestinationPaused = "destination_paused",
    NothingToDeliver = "nothing_to_deliver",
    PresignFailed = "presign_failed",
    PresignSseC = "presign_sse_c",
    SecretNeedsStdin = "secret_needs_stdin",
    SecretNotText = "secret_not_text",
    SecretPromptFailed = "secret_prompt_failed",
    SecretReadFailed = "secret_read_failed",
    Usage = "usage",
    // Delivery, before the one vocabulary (kept only to read old history rows)
    AccessDenied = "access_denied",
    CredentialsRejected = "credentials_rejected",
    Network = "network",
    UploadFailed = "upload_failed",
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Code, D::Error> {
        let text = String::deserialize(d)?;
        Code::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("unknown code `{text}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_snake_case_unique_and_round_trips() {
        let mut seen = std::collections::HashSet::new();
        for &c in Code::ALL {
            let text = c.as_str();
            assert!(text.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_'), "{text}");
            assert!(seen.insert(text), "{text} twice");
            assert_eq!(Code::parse(text), Some(c));
            assert_eq!(serde_json::to_value(c).unwrap(), serde_json::json!(text));
            assert_eq!(serde_json::from_value::<Code>(serde_json::json!(text)).unwrap(), c);
        }
        assert!(serde_json::from_value::<Code>(serde_json::json!("no_such_code")).is_err());
    }
}
