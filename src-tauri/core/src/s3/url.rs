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
    ObjectUrls::new(s).of(key)
}

/// Objects' URLs for one destination: its request base worked out once
/// (a delivery gives every delivered file its URL).
#[derive(Debug, Clone)]
pub struct ObjectUrls {
    /// Scheme, host and the base's path, without its trailing `/`.
    base: String,
}

impl ObjectUrls {
    pub fn new(s: &Settings) -> ObjectUrls {
        let b = request_base(s);
        ObjectUrls { base: format!("{}{}", &b[..url::Position::BeforePath], b.path().trim_end_matches('/')) }
    }

    /// The URL of the object at `key`: each segment percent-encoded, a
    /// space as `%20`.
    pub fn of(&self, key: &str) -> String {
        let mut out = String::with_capacity(self.base.len() + 1 + key.len() * 3 / 2);
        out.push_str(&self.base);
        for segment in key.split('/') {
            out.push('/');
            for piece in url::form_urlencoded::byte_serialize(segment.as_bytes()) {
                out.push_str(if piece == "+" { "%20" } else { piece });
            }
        }
        out
    }
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
    fn object_urls_made_once_match_the_url_crate_for_every_key() {
        for (endpoint, path_style) in [("http://127.0.0.1:9000", true), ("https://minio.example:9000/base/", false), ("", false)] {
            let s = Settings {
                provider: if endpoint.is_empty() { ProviderKind::Aws } else { ProviderKind::Minio },
                bucket: "reports".into(),
                region: "eu-west-1".into(),
                endpoint: endpoint.into(),
                path_style,
                ..Settings::default()
            };
            let urls = ObjectUrls::new(&s);
            for key in ["a.csv", "a b/c#d+e.csv", "", "/lead", "dir//x", "ü/ñ?.txt", "100%/*~.bin"] {
                let mut expected = request_base(&s);
                let encoded: Vec<String> = key
                    .split('/')
                    .map(|seg| url::form_urlencoded::byte_serialize(seg.as_bytes()).collect::<String>().replace('+', "%20"))
                    .collect();
                expected.set_path(&format!("{}/{}", expected.path().trim_end_matches('/'), encoded.join("/")));
                assert_eq!(urls.of(key), expected.as_str(), "{endpoint} {key:?}");
            }
        }
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
