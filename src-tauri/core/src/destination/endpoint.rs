//! The endpoint URL: present where the provider needs one, well formed,
//! with a scheme that fits where the host is, and matching the provider.

use super::hosts::{is_local_network_host, is_loopback_host};
use super::model::Settings;
use super::problems::Problems;
use crate::provider::{self, EndpointRule, ProviderKind};
use crate::report::Code;

/// The one-click fix for an endpoint typed without a scheme: `http://` for
/// this machine and the local network (where self-hosted servers usually
/// speak plain HTTP), `https://` for anything else.
fn endpoint_without_scheme(p: &mut Problems, raw: &str) {
    let parsed = url::Url::parse(&format!("https://{raw}")).ok();
    let Some(host) = parsed.as_ref().and_then(url::Url::host) else {
        p.error(
            "endpoint",
            Code::EndpointNoScheme,
            format!("\"{raw}\" has no scheme."),
            "Start the endpoint with https:// (or http:// for a server on this machine or your local network).",
        );
        return;
    };
    let (scheme, why) = if is_loopback_host(&host) {
        ("http", format!("{host} is this machine, where servers such as MinIO usually speak plain http://"))
    } else if is_local_network_host(&host) {
        ("http", format!("{host} is on your local network, where self-hosted servers usually speak plain http://"))
    } else {
        ("https", format!("{host} may be reached over the internet, where only https:// keeps your data and keys private"))
    };
    let fixed = format!("{scheme}://{raw}");
    let fix = match scheme {
        "http" => format!("Use `{fixed}`, or https:// if the server has a TLS certificate."),
        _ => format!("Use `{fixed}`."),
    };
    p.error_fix("endpoint", Code::EndpointNoScheme, format!("\"{raw}\" has no scheme: {why}, so the fix adds {scheme}://."), fix, fixed);
}

pub(super) fn validate_endpoint(p: &mut Problems, s: &Settings) {
    let preset = s.preset();
    let raw = s.endpoint.trim();
    if raw.is_empty() {
        if preset.needs_user_endpoint() {
            p.error(
                "endpoint",
                Code::EndpointRequired,
                format!("{} needs an endpoint URL.", preset.label),
                "Enter the server's URL, e.g. https://s3.example.com or http://minio.internal:9000.",
            );
        }
        if preset.needs_account_id() {
            let a = s.account_id.trim();
            if a.is_empty() {
                p.error(
                    "account_id",
                    Code::AccountIdRequired,
                    "Cloudflare R2 needs your account id.",
                    "Copy the account id from the R2 overview page in the Cloudflare dashboard.",
                );
            } else if !a.chars().all(|c| c.is_ascii_hexdigit()) || a.len() != 32 {
                p.warn(
                    "account_id",
                    Code::AccountIdFormat,
                    "Cloudflare account ids are 32 hexadecimal characters.",
                    "Check the account id on the R2 overview page.",
                );
            }
        }
        return;
    }
    if raw.chars().any(char::is_whitespace) {
        p.error("endpoint", Code::EndpointSpaces, "The endpoint URL contains spaces.", "Remove the spaces from the URL.");
        return;
    }
    if !raw.contains("://") {
        endpoint_without_scheme(p, raw);
        return;
    }
    let url = match url::Url::parse(raw) {
        Ok(u) => u,
        Err(e) => {
            p.error(
                "endpoint",
                Code::EndpointInvalid,
                format!("\"{raw}\" is not a valid URL ({e})."),
                "Enter a URL like https://s3.example.com.",
            );
            return;
        }
    };
    if url.scheme() != "http" && url.scheme() != "https" {
        p.error(
            "endpoint",
            Code::EndpointScheme,
            format!("The endpoint scheme must be http or https, not `{}`.", url.scheme()),
            "Start the endpoint with https://.",
        );
        return;
    }
    if !url.username().is_empty() || url.password().is_some() {
        let mut clean = url.clone();
        let _ = clean.set_username("");
        let _ = clean.set_password(None);
        p.error_fix(
            "endpoint",
            Code::EndpointCredentials,
            "The endpoint URL contains a user name or password.",
            "Remove them from the URL and enter the keys in the credentials section, where they go to the keychain.",
            clean.as_str().trim_end_matches('/').to_string(),
        );
    }
    let Some(host) = url.host() else {
        p.error("endpoint", Code::EndpointNoHost, "The endpoint URL has no host.", "Enter a URL like https://s3.example.com.");
        return;
    };
    if url.scheme() == "http" && !is_loopback_host(&host) {
        p.warn(
            "endpoint",
            Code::EndpointPlainHttp,
            "Plain http:// sends your data unencrypted over the network.",
            "Use https:// unless the server is on a network you trust.",
        );
    }
    if url.query().is_some() || url.fragment().is_some() {
        p.error("endpoint", Code::EndpointQuery, "The endpoint URL has a query or fragment.", "Remove everything from `?` or `#` on.");
    }
    let path = url.path().trim_matches('/');
    if !path.is_empty() {
        let b = s.bucket.trim();
        if !b.is_empty() && path.split('/').next() == Some(b) {
            p.error_fix(
                "endpoint",
                Code::EndpointHasBucket,
                "The endpoint URL ends with the bucket name.",
                "The bucket goes in its own field; remove it from the endpoint.",
                format!("{}://{}", url.scheme(), url.host_str().unwrap_or("")) + &url.port().map(|p| format!(":{p}")).unwrap_or_default(),
            );
        } else {
            p.warn(
                "endpoint",
                Code::EndpointPath,
                format!("The endpoint URL has a path (`/{path}`)."),
                "S3 endpoints rarely have a path; check the URL against your provider's documentation.",
            );
        }
    }
    if let Some(h) = url.host_str() {
        let b = s.bucket.trim();
        if !b.is_empty() && h.starts_with(&format!("{b}.")) && s.provider != ProviderKind::R2 {
            p.warn(
                "endpoint",
                Code::EndpointVirtualHost,
                "The endpoint host starts with the bucket name.",
                "Enter the service endpoint without the bucket; Chute adds the bucket itself.",
            );
        }
    }
    // The endpoint must fit the provider.
    let kind = provider::detect_from_endpoint(raw);
    match (s.provider, kind) {
        (ProviderKind::R2 | ProviderKind::B2 | ProviderKind::Tigris, k) if k != s.provider => {
            p.warn(
                "endpoint",
                Code::EndpointProviderMismatch,
                format!("This endpoint does not look like a {} endpoint.", s.preset().label),
                "Leave the endpoint empty to use the provider's own, or choose \"S3-compatible\".",
            );
        }
        (
            ProviderKind::Custom | ProviderKind::Minio,
            k @ (ProviderKind::R2 | ProviderKind::B2 | ProviderKind::Tigris | ProviderKind::Aws),
        ) => {
            p.warn_fix(
                "provider",
                Code::ProviderDetected,
                format!("This endpoint belongs to {}.", k.preset().label),
                format!("Choose {} as the provider to get its defaults (region, checksums, path style).", k.preset().label),
                k.id().to_string(),
            );
        }
        _ => {}
    }
    if let EndpointRule::Fixed { url: canonical, legacy } = preset.endpoint {
        if legacy.iter().any(|l| l.trim_end_matches('/') == raw.trim_end_matches('/')) {
            p.warn_fix(
                "endpoint",
                Code::EndpointLegacy,
                format!("This is {}'s legacy endpoint.", preset.label),
                format!("Use {canonical}."),
                canonical.to_string(),
            );
        }
    }
}
