//! IAM Identity Center (SSO) sign-ins, as the AWS CLI leaves them: which
//! sign-in a profile of ~/.aws/config uses (an `sso_session`, or the legacy
//! `sso_start_url`), and whether its token in ~/.aws/sso/cache is there and
//! still good. Read only to say why a profile gives no credentials; the
//! credentials themselves are resolved by aws-config.

use std::path::{Path, PathBuf};

use ini::Ini;
use sha1::{Digest, Sha1};

use crate::encoding::hex;
use crate::import::default_aws_config;

/// The sign-in an SSO profile depends on, and the state of its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoSignIn {
    /// The `sso_session` name, or None for a legacy profile (start URL in the profile).
    pub session: Option<String>,
    pub token: SsoToken,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SsoToken {
    /// No cached token: no one signed in on this machine (or the cache was cleared).
    Missing { path: PathBuf },
    /// The token's `expiresAt` has passed.
    Expired { at: String },
    /// Present and not expired (then something else failed).
    Valid { until: String },
    /// The cache file cannot be read as a token.
    Unreadable { path: PathBuf, why: String },
}

/// The SSO sign-in `profile` uses, or None when it is not an SSO profile
/// (or ~/.aws/config does not say).
pub fn sso_sign_in(profile: &str) -> Option<SsoSignIn> {
    let text = std::fs::read_to_string(default_aws_config()).ok()?;
    let ini = Ini::load_from_str_noescape(&text).ok()?;
    let section = if profile == "default" { "default".to_string() } else { format!("profile {profile}") };
    let props =
        ini.section(Some(section.as_str())).or_else(|| (profile == "default").then(|| ini.section(Some("profile default"))).flatten())?;
    let value = |k: &str| props.get(k).map(|v| v.trim().trim_matches('"').to_string()).filter(|v| !v.is_empty());
    // The cache file is named by the SHA-1 of the session name, or of the start URL (legacy).
    let (session, cache_key) = match (value("sso_session"), value("sso_start_url")) {
        (Some(s), _) => (Some(s.clone()), s),
        (None, Some(url)) => (None, url),
        (None, None) => return None,
    };
    let path = cache_dir().join(format!("{}.json", hex(&Sha1::digest(cache_key.as_bytes()))));
    Some(SsoSignIn { session, token: token_state(&path) })
}

fn cache_dir() -> PathBuf {
    dirs::home_dir().unwrap_or_else(|| PathBuf::from(".")).join(".aws").join("sso").join("cache")
}

fn token_state(path: &Path) -> SsoToken {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return SsoToken::Missing { path: path.to_path_buf() },
        Err(e) => return SsoToken::Unreadable { path: path.to_path_buf(), why: e.to_string() },
    };
    let unreadable = |why: &str| SsoToken::Unreadable { path: path.to_path_buf(), why: why.to_string() };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else { return unreadable("not JSON") };
    let Some(expires) = json["expiresAt"].as_str() else { return unreadable("no expiresAt") };
    let Ok(at) = time::OffsetDateTime::parse(expires, &time::format_description::well_known::Rfc3339) else {
        return unreadable("expiresAt is not a date");
    };
    if at <= time::OffsetDateTime::now_utc() {
        SsoToken::Expired { at: expires.to_string() }
    } else {
        SsoToken::Valid { until: expires.to_string() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_file_is_named_by_the_sha1_of_the_session() {
        assert_eq!(hex(&Sha1::digest(b"my-sso")), "0ad374308c5a4e22f723adf10145eafad7c4031c");
    }

    #[test]
    fn a_token_is_missing_expired_valid_or_unreadable() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.json");
        assert!(matches!(token_state(&path), SsoToken::Missing { .. }));
        std::fs::write(&path, r#"{"accessToken":"x","expiresAt":"2020-01-01T00:00:00Z"}"#).unwrap();
        assert_eq!(token_state(&path), SsoToken::Expired { at: "2020-01-01T00:00:00Z".into() });
        std::fs::write(&path, r#"{"accessToken":"x","expiresAt":"2999-01-01T00:00:00Z"}"#).unwrap();
        assert!(matches!(token_state(&path), SsoToken::Valid { .. }));
        std::fs::write(&path, "{").unwrap();
        assert!(matches!(token_state(&path), SsoToken::Unreadable { .. }));
    }
}
