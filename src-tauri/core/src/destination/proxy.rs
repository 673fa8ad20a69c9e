//! The destination's proxy: empty for the environment's (`HTTPS_PROXY`,
//! `HTTP_PROXY`, `NO_PROXY`, as curl and the AWS CLI read them), `direct`
//! for none at all, or the address of an HTTP proxy, `http://host:port`,
//! with an optional user (`http://user@host:port`) whose password is kept
//! in the keychain, never in the address.

use super::model::Settings;
use super::problems::Problems;
use crate::report::Code;

/// Where a destination's requests go, as its setting says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProxyChoice {
    /// The environment's proxy variables decide (none set: direct).
    Environment,
    /// Straight to the endpoint, whatever the environment says.
    Direct,
    /// Through this proxy (`http://` or `https://`, no password in it).
    Address(url::Url),
}

/// The words `direct` and `none` both mean no proxy.
const DIRECT_WORDS: &[&str] = &["direct", "none"];

/// The destination's proxy setting, read. `Err` is what is wrong with it
/// (validation says so in words; a delivery treats it as no proxy set).
pub fn proxy_choice(s: &Settings) -> Result<ProxyChoice, ProxyProblem> {
    let text = s.proxy.trim();
    if text.is_empty() {
        return Ok(ProxyChoice::Environment);
    }
    if DIRECT_WORDS.iter().any(|w| text.eq_ignore_ascii_case(w)) {
        return Ok(ProxyChoice::Direct);
    }
    // `proxy:3128` is read as a scheme by URL parsers; a bare host:port means http.
    let with_scheme = if text.contains("://") { text.to_string() } else { format!("http://{text}") };
    let url = url::Url::parse(&with_scheme).map_err(|_| ProxyProblem::NotAnAddress)?;
    match url.scheme() {
        "http" | "https" => {}
        s if s.starts_with("socks") => return Err(ProxyProblem::Socks),
        _ => return Err(ProxyProblem::NotAnAddress),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(ProxyProblem::NotAnAddress);
    }
    if url.password().is_some() {
        let mut clean = url.clone();
        let _ = clean.set_password(None);
        return Err(ProxyProblem::PasswordInAddress { without: clean.to_string().trim_end_matches('/').to_string() });
    }
    Ok(ProxyChoice::Address(url))
}

/// What is wrong with a proxy setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProxyProblem {
    NotAnAddress,
    Socks,
    /// The address with its password removed.
    PasswordInAddress {
        without: String,
    },
}

/// The proxy user named in the address, if any.
pub fn proxy_user(s: &Settings) -> Option<String> {
    match proxy_choice(s) {
        Ok(ProxyChoice::Address(url)) if !url.username().is_empty() => Some(url.username().to_string()),
        _ => None,
    }
}

pub(super) fn validate_proxy(p: &mut Problems, s: &Settings) {
    match proxy_choice(s) {
        Ok(_) => {}
        Err(ProxyProblem::NotAnAddress) => p.error(
            "proxy",
            Code::ProxyAddressInvalid,
            format!("`{}` is not a proxy address.", s.proxy.trim()),
            "Write it as http://host:port (for example http://proxy.example.com:3128), `direct` for no proxy, or leave it empty to use HTTPS_PROXY and HTTP_PROXY.",
        ),
        Err(ProxyProblem::Socks) => p.error(
            "proxy",
            Code::ProxySchemeUnsupported,
            "SOCKS proxies are not supported.",
            "Use the HTTP proxy's address (http://host:port); most offices offer one beside SOCKS.",
        ),
        Err(ProxyProblem::PasswordInAddress { without }) => p.error_fix(
            "proxy",
            Code::ProxyPasswordInAddress,
            "The proxy address holds a password, which would be stored in plain text.",
            "Remove it from the address and enter it as the proxy password: it goes to the system keychain.",
            without,
        ),
    }
}
