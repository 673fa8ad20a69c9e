//! How a destination's requests reach its endpoint: through the proxy its
//! setting names, through the environment's (`HTTPS_PROXY`, `HTTP_PROXY`,
//! `ALL_PROXY`, `NO_PROXY`, read as curl and the AWS CLI read them), or
//! straight. One answer for the SDK's HTTP client (deliveries, tests,
//! links) and for the connection test's own hand-made steps, so both go
//! the same way.

use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::retries::classifiers::{ClassifyRetry, RetryAction};
use base64::Engine;
use hyper_util::client::proxy::matcher::Matcher;

use crate::destination::{proxy_choice, ProxyChoice, Settings};
use crate::secret::Sensitive;

/// The route of a destination's requests: its proxy setting, with the
/// proxy password from the keychain when its address names a user.
#[derive(Debug, Clone)]
pub struct ProxyRoute {
    choice: ProxyChoice,
    password: Option<Sensitive<String>>,
}

/// The proxy one request goes through.
#[derive(Debug, Clone)]
pub struct Hop {
    pub host: String,
    pub port: u16,
    /// `Basic …` for `Proxy-Authorization`, when a user is known.
    pub authorization: Option<Sensitive<String>>,
    /// Where the proxy was set, in words: `the destination's proxy setting`, `HTTPS_PROXY`.
    pub source: String,
}

impl Hop {
    /// `host:port`, as a person would type it.
    pub fn address(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// The environment variables that can name a proxy for `scheme`, in the
/// order they are read.
fn environment_names(scheme: &str) -> &'static [&'static str] {
    if scheme == "https" {
        &["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
    } else {
        &["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
    }
}

impl ProxyRoute {
    /// The route `s` asks for. A setting that does not validate (it cannot
    /// be saved) is read as the environment's.
    pub fn of(s: &Settings, password: Option<Sensitive<String>>) -> ProxyRoute {
        ProxyRoute { choice: proxy_choice(s).unwrap_or(ProxyChoice::Environment), password }
    }

    /// The proxy a request to `target` goes through, if any.
    pub fn hop(&self, target: &url::Url) -> Option<Hop> {
        match &self.choice {
            ProxyChoice::Direct => None,
            ProxyChoice::Address(url) => {
                let user = (!url.username().is_empty()).then(|| url.username().to_string());
                Some(Hop {
                    host: url.host_str()?.trim_matches(['[', ']']).to_string(),
                    port: url.port_or_known_default()?,
                    authorization: user.map(|u| basic(&u, self.password.as_ref().map(|p| p.expose().as_str()))),
                    source: "the destination's proxy setting".into(),
                })
            }
            ProxyChoice::Environment => {
                let uri: http::Uri = target.as_str().parse().ok()?;
                let intercept = Matcher::from_env().intercept(&uri)?;
                let proxy = intercept.uri();
                let source = environment_names(target.scheme())
                    .iter()
                    .find(|n| std::env::var(n).is_ok_and(|v| !v.trim().is_empty()))
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| "the environment".into());
                Some(Hop {
                    host: proxy.host()?.trim_matches(['[', ']']).to_string(),
                    port: proxy.port_u16().unwrap_or(if proxy.scheme_str() == Some("https") { 443 } else { 80 }),
                    authorization: intercept.basic_auth().and_then(|v| v.to_str().ok()).map(|v| Sensitive::new(v.to_string())),
                    source,
                })
            }
        }
    }

    /// Why a request to `target` goes straight, in words (when `hop` is None).
    pub fn direct_because(&self, target: &url::Url) -> String {
        match &self.choice {
            ProxyChoice::Direct => "direct: the destination's proxy setting says so".into(),
            _ if environment_names(target.scheme()).iter().any(|n| std::env::var(n).is_ok_and(|v| !v.trim().is_empty())) => {
                "direct: NO_PROXY lists this host".into()
            }
            _ => format!("direct: no proxy set ({} is empty)", environment_names(target.scheme())[0]),
        }
    }

    /// The SDK's HTTP client for this route, or None for its default (which
    /// reads the environment the same way `hop` does).
    pub(super) fn http_client(&self) -> Option<SharedHttpClient> {
        let config = match &self.choice {
            ProxyChoice::Environment => return None,
            ProxyChoice::Direct => ProxyConfig::disabled(),
            ProxyChoice::Address(url) => {
                let mut bare = url.clone();
                let _ = bare.set_username("");
                let config = ProxyConfig::all(bare.as_str().trim_end_matches('/')).ok()?;
                match (url.username(), &self.password) {
                    ("", _) => config,
                    (user, password) => config.with_basic_auth(user, password.as_ref().map(|p| p.expose().as_str()).unwrap_or("")),
                }
            }
        };
        Some(with_proxy(config))
    }
}

/// The SDK's own HTTPS client (rustls with aws-lc, as its default), with
/// this proxy configuration.
fn with_proxy(config: ProxyConfig) -> SharedHttpClient {
    use aws_smithy_http_client::{tls, Builder, ConnectorBuilder};
    Builder::new().build_with_connector_fn(move |settings, components| {
        let mut connector = ConnectorBuilder::default().tls_provider(tls::Provider::Rustls(tls::rustls_provider::CryptoMode::AwsLc));
        connector.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            connector.set_sleep_impl(components.sleep_impl());
        }
        connector.set_proxy_config(Some(config.clone()));
        connector.build()
    })
}

/// A proxy's refusal is final: its 407 (or the 401/403 page some proxies
/// send instead), and a tunnel it would not open. The SDK would otherwise
/// retry them as transient, six times over many seconds, for the same answer.
#[derive(Debug)]
pub(super) struct ProxyRefusalsAreFinal;

impl ClassifyRetry for ProxyRefusalsAreFinal {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        if let Some(r) = ctx.response() {
            let status = r.status().as_u16();
            let xml = r.headers().get("content-type").is_some_and(|v| v.contains("xml"));
            let from_s3 = xml || r.headers().get("x-amz-request-id").is_some();
            if status == 407 || (matches!(status, 401 | 403) && !from_s3) {
                return RetryAction::RetryForbidden;
            }
        }
        if let Some(Err(e)) = ctx.output_or_error() {
            if let Some(c) = e.as_connector_error() {
                let chain = crate::report::error_chain(c);
                if chain.contains("tunnel error: unsuccessful") || chain.contains("proxy authorization required") {
                    return RetryAction::RetryForbidden;
                }
            }
        }
        RetryAction::NoActionIndicated
    }

    fn name(&self) -> &'static str {
        "proxy refusals are final"
    }
}

/// `Basic base64(user:password)`.
fn basic(user: &str, password: Option<&str>) -> Sensitive<String> {
    let raw = format!("{user}:{}", password.unwrap_or(""));
    Sensitive::new(format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(raw)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(proxy: &str) -> Settings {
        Settings { proxy: proxy.into(), ..Settings::default() }
    }

    #[test]
    fn a_destination_proxy_is_the_hop_with_its_user() {
        let target = url::Url::parse("https://s3.example.com/bucket").unwrap();
        let route = ProxyRoute::of(&settings("http://alice@proxy.corp:3128"), Some(Sensitive::new("pw".into())));
        let hop = route.hop(&target).unwrap();
        assert_eq!(hop.address(), "proxy.corp:3128");
        assert_eq!(hop.authorization.unwrap().expose(), "Basic YWxpY2U6cHc=");
        assert!(route.http_client().is_some());
        let bare = ProxyRoute::of(&settings("proxy.corp:8080"), None).hop(&target).unwrap();
        assert_eq!((bare.address().as_str(), bare.authorization.is_none()), ("proxy.corp:8080", true));
    }

    #[test]
    fn direct_has_no_hop_and_says_why() {
        let target = url::Url::parse("http://127.0.0.1:9000/").unwrap();
        let route = ProxyRoute::of(&settings("direct"), None);
        assert!(route.hop(&target).is_none());
        assert!(route.direct_because(&target).contains("setting says so"));
    }
}
