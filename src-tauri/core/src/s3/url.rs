//! Where a destination's requests and objects are: the request base (for
//! evidence and the reachability step) and an object's unsigned URL.

use crate::destination::Settings;

/// The URL a request for `bucket` goes to, as the client will address it
/// (for evidence in diagnoses and for the reachability step).
pub fn request_base(s: &Settings) -> url::Url {
    let bucket = s.bucket.trim();
    let endpoint = s.effective_endpoint().unwrap_or_else(|| format!("https://s3.{}.amazonaws.com", s.effective_region()));
    let mut u = url::Url::parse(&endpoint).unwrap_or_else(|_| url::Url::parse("https://invalid.invalid").unwrap());
    // With an IP-address endpoint there is no host to put the bucket in; the
    // SDK addresses by path then, whatever the setting says.
    let ip_host = matches!(u.host(), Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)));
    if s.path_style || bucket.is_empty() || ip_host {
        let path = format!("{}/{}", u.path().trim_end_matches('/'), bucket);
        u.set_path(&path);
    } else if let Some(host) = u.host_str().map(str::to_string) {
        let _ = u.set_host(Some(&format!("{bucket}.{host}")));
    }
    u
}

/// The object's URL as the destination addresses it (not signed).
pub fn object_url(s: &Settings, key: &str) -> String {
    let mut base = request_base(s);
    let encoded: String = key
        .split('/')
        .map(|seg| url::form_urlencoded::byte_serialize(seg.as_bytes()).collect::<String>().replace('+', "%20"))
        .collect::<Vec<_>>()
        .join("/");
    let path = format!("{}/{}", base.path().trim_end_matches('/'), encoded);
    base.set_path(&path);
    base.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::ProviderKind;

    #[test]
    fn object_urls_encode_each_segment() {
        let s = Settings {
            provider: ProviderKind::Minio,
            bucket: "reports".into(),
            endpoint: "http://127.0.0.1:9000".into(),
            path_style: true,
            ..Settings::default()
        };
        assert_eq!(object_url(&s, "a b/c#d+e.csv"), "http://127.0.0.1:9000/reports/a%20b/c%23d%2Be.csv");
    }

    #[test]
    fn request_base_follows_addressing() {
        let mut s = Settings { bucket: "reports".into(), provider: ProviderKind::Aws, region: "eu-west-1".into(), ..Settings::default() };
        assert_eq!(request_base(&s).as_str(), "https://reports.s3.eu-west-1.amazonaws.com/");
        s.provider = ProviderKind::Minio;
        s.endpoint = "http://127.0.0.1:9000".into();
        assert_eq!(request_base(&s).as_str(), "http://127.0.0.1:9000/reports", "IP endpoints are addressed by path");
        s.endpoint = "http://minio.internal:9000".into();
        assert_eq!(request_base(&s).as_str(), "http://reports.minio.internal:9000/");
        s.path_style = true;
        assert_eq!(request_base(&s).as_str(), "http://minio.internal:9000/reports");
    }
}
