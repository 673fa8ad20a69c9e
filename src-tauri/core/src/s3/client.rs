//! The one place that turns a destination and its credentials into an S3
//! client: endpoint, region, addressing style, the provider's checksum
//! policy, timeouts, retries, the proxy and server-side encryption.

use std::time::{Duration, SystemTime};

use aws_sdk_s3::config::{BehaviorVersion, Credentials as SdkCredentials, Region, RequestChecksumCalculation, ResponseChecksumValidation};
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;

use super::encryption::ObjectEncryption;
use super::proxy::ProxyRoute;
use crate::destination::{CustomerKey, Settings};
use crate::provider::ChecksumPolicy;
use crate::secret::{Credentials, Sensitive};

/// Where a client's identity comes from, resolved (secrets loaded).
#[derive(Debug, Clone)]
pub enum Auth {
    Static(Credentials),
    /// An AWS profile, resolved by aws-config (SSO, assume-role, credential_process…).
    Profile(String),
    Anonymous,
}

#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    pub operation_timeout: Duration,
    pub max_attempts: u32,
    /// Added to the local clock when signing. Zero in the product; tests use
    /// it to play a machine whose clock is wrong against a real server.
    pub clock_offset_secs: i64,
    /// The password of the user the destination's proxy address names,
    /// from the keychain (see `Chute::client_options`).
    pub proxy_password: Option<Sensitive<String>>,
    /// The destination's SSE-C customer key, from the keychain (see
    /// `Chute::client_options`); unused unless it encrypts with SSE-C.
    pub sse_customer_key: Option<CustomerKey>,
}

impl ClientOptions {
    /// For the connection test: short timeouts, no retries (the probe wants
    /// the first error, not the last).
    pub fn probe() -> ClientOptions {
        ClientOptions {
            connect_timeout: Duration::from_secs(5),
            read_timeout: Duration::from_secs(10),
            operation_timeout: Duration::from_secs(20),
            max_attempts: 1,
            clock_offset_secs: 0,
            proxy_password: None,
            sse_customer_key: None,
        }
    }
}

impl ClientOptions {
    /// For delivery: the SDK retries throttling, 5xx, timeouts and resets
    /// with backoff and jitter; timeouts leave room for large parts.
    pub fn delivery() -> ClientOptions {
        ClientOptions {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(60),
            operation_timeout: Duration::from_secs(15 * 60),
            max_attempts: 6,
            clock_offset_secs: 0,
            proxy_password: None,
            sse_customer_key: None,
        }
    }
}

#[derive(Debug)]
struct OffsetClock(i64);

impl aws_smithy_async::time::TimeSource for OffsetClock {
    fn now(&self) -> SystemTime {
        let now = SystemTime::now();
        if self.0 >= 0 {
            now + Duration::from_secs(self.0 as u64)
        } else {
            now - Duration::from_secs(self.0.unsigned_abs())
        }
    }
}

fn checksum_settings(s: &Settings) -> (RequestChecksumCalculation, ResponseChecksumValidation) {
    match s.preset().checksum {
        ChecksumPolicy::WhenSupported => (RequestChecksumCalculation::WhenSupported, ResponseChecksumValidation::WhenSupported),
        ChecksumPolicy::WhenRequired => (RequestChecksumCalculation::WhenRequired, ResponseChecksumValidation::WhenRequired),
    }
}

/// Build a client for these settings. Static and anonymous clients read
/// nothing from the environment or ~/.aws, so what the destination says is
/// what happens; a profile is resolved by aws-config as the AWS CLI would.
pub async fn client(s: &Settings, auth: &Auth, opts: &ClientOptions) -> aws_sdk_s3::Client {
    let region = Region::new(s.effective_region());
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(opts.connect_timeout)
        .read_timeout(opts.read_timeout)
        .operation_timeout(opts.operation_timeout)
        .build();
    let route = ProxyRoute::of(s, opts.proxy_password.clone());
    // Some proxies (tinyproxy) close a kept-alive connection after each
    // answer without saying so, and a request sent on it just then fails
    // unsent: through a proxy, even a single-attempt client gets a second.
    let proxied = route.hop(&super::request_base(s)).is_some();
    let attempts = if proxied { opts.max_attempts.max(2) } else { opts.max_attempts.max(1) };
    let retry = RetryConfig::standard().with_max_attempts(attempts);
    let mut b = match auth {
        Auth::Profile(profile) => {
            // Only the profile files: static keys, assume-role, SSO and
            // credential_process, as the AWS CLI resolves them. Not the default
            // chain, whose fallbacks (environment, EC2 instance metadata) would
            // pick up other credentials or reach out to 169.254.169.254.
            let provider = aws_config::profile::ProfileFileCredentialsProvider::builder().profile_name(profile).build();
            aws_sdk_s3::Config::builder().behavior_version(BehaviorVersion::latest()).credentials_provider(provider)
        }
        Auth::Static(c) => {
            aws_sdk_s3::Config::builder().behavior_version(BehaviorVersion::latest()).credentials_provider(SdkCredentials::new(
                c.access_key_id.clone(),
                c.secret_access_key.expose().clone(),
                c.session_token.as_ref().map(|t| t.expose().clone()),
                None,
                "chute-keychain",
            ))
        }
        Auth::Anonymous => aws_sdk_s3::Config::builder().behavior_version(BehaviorVersion::latest()).allow_no_auth(),
    };
    let (req, resp) = checksum_settings(s);
    b = b
        .region(region)
        .force_path_style(s.path_style)
        .request_checksum_calculation(req)
        .response_checksum_validation(resp)
        .timeout_config(timeouts)
        .retry_config(retry);
    if let Some(endpoint) = s.effective_endpoint() {
        b = b.endpoint_url(endpoint);
    }
    if let Some(http) = route.http_client() {
        b = b.http_client(http);
    }
    if proxied {
        b = b.retry_classifier(super::proxy::ProxyRefusalsAreFinal);
    }
    if let Some(encryption) = ObjectEncryption::of(s, opts.sse_customer_key.clone()) {
        b = b.interceptor(encryption);
    }
    if opts.clock_offset_secs != 0 {
        b = b.time_source(OffsetClock(opts.clock_offset_secs));
    }
    aws_sdk_s3::Client::from_conf(b.build())
}

/// Resolve a profile's credentials now (SSO, assume-role, credential_process
/// all run here), so a broken profile is reported as such, not as a failed
/// request later. The error text is aws-config's, secrets never in it.
pub async fn check_profile(profile: &str) -> Result<(), String> {
    use aws_sdk_s3::config::ProvideCredentials;
    let provider = aws_config::profile::ProfileFileCredentialsProvider::builder().profile_name(profile).build();
    provider.provide_credentials().await.map(|_| ()).map_err(|e| crate::report::error_chain(&e))
}
