//! The words for reaching a server: a name that does not resolve, a port
//! that refuses or never answers, TLS that fails, a server that is silent
//! or speaks something else. The connection test's own network steps and
//! the catalogue (for a delivery's request that met the same) both use
//! these, so the same trouble reads the same.

use super::{Diagnosis, Evidence, Level};
use crate::report::Code;

pub fn host_not_found(host: &str, why: &str, ev: Evidence) -> Diagnosis {
    Diagnosis::new(Code::HostNotFound, Level::Error, format!("`{host}` could not be found"))
        .happened(format!("The name `{host}` did not resolve to an address ({why})."))
        .cause("A typo in the endpoint or account id, no network or DNS, or a VPN-only host while off the VPN.")
        .fix("Check the endpoint (or R2 account id) for typos and that this machine is online; open the endpoint in a browser to compare.")
        .evidence(ev)
}

pub fn path_style_needed(host: &str, endpoint_host: &str, ev: Evidence) -> Diagnosis {
    Diagnosis::new(Code::PathStyleNeeded, Level::Error, "This endpoint needs path-style addressing")
        .happened(format!("`{host}` does not resolve, but `{endpoint_host}` does."))
        .cause("With virtual-hosted addressing the bucket becomes part of the host name, which this server has no DNS entry for.")
        .fix("Turn on path-style addressing.")
        .evidence(ev)
        .apply("path_style", "true", "Use path-style")
}

pub fn connection_refused(at: &str, ev: Evidence) -> Diagnosis {
    Diagnosis::new(Code::ConnectionRefused, Level::Error, "The server refused the connection")
        .happened(format!("Nothing accepts connections at {at}."))
        .cause("The server is not running, or listens on another port.")
        .fix("Start the server, or check the port in the endpoint (MinIO's default is 9000).")
        .evidence(ev)
}

pub fn connect_timeout(what: &str, secs: u64, ev: Evidence) -> Diagnosis {
    Diagnosis::new(Code::ConnectTimeout, Level::Error, "The server did not answer the connection")
        .happened(format!("Connecting took longer than {secs} s ({what})."))
        .cause("A firewall drops the traffic, the host is down, or the address is wrong.")
        .fix("Check the endpoint, and that a firewall or VPN lets this machine reach it.")
        .evidence(ev)
}

pub fn network_unreachable(what: &str, ev: Evidence) -> Diagnosis {
    Diagnosis::new(Code::NetworkUnreachable, Level::Error, "The server cannot be reached")
        .happened(format!("The connection failed: {what}."))
        .cause("No route to the host: the network is down or the address is not reachable from here.")
        .fix("Check this machine's network connection and the endpoint address.")
        .evidence(ev)
}

pub fn tls_bad_name(host: &str, ev: Evidence) -> Diagnosis {
    Diagnosis::new(Code::TlsBadName, Level::Error, "The host name cannot be used for TLS")
        .happened(format!("`{host}` is not a valid TLS server name."))
        .cause("The endpoint's host is malformed.")
        .fix("Check the endpoint URL.")
        .evidence(ev)
}

/// The certificate is not trusted; `dotted_bucket_mismatch` when the name
/// mismatch comes from a dotted bucket in the host (path-style fixes it).
pub fn tls_untrusted(text: &str, name_mismatch: bool, dotted_bucket_mismatch: bool, ev: Evidence) -> Diagnosis {
    let d = Diagnosis::new(Code::TlsUntrustedCertificate, Level::Error, "The server's certificate is not trusted")
        .happened(format!("The TLS handshake failed: {text}."))
        .evidence(ev);
    if dotted_bucket_mismatch {
        d.cause("The bucket name has dots, so `bucket.endpoint` does not match the server's wildcard certificate.")
            .fix("Turn on path-style addressing.")
            .apply("path_style", "true", "Use path-style")
    } else if name_mismatch {
        d.cause("The certificate was issued for another host name.")
            .fix("Use the host name the certificate was issued for, as your provider documents it.")
    } else {
        d.cause("The certificate is self-signed, expired, or issued by an authority this machine does not trust (common with self-hosted MinIO or a TLS-inspecting proxy).")
            .fix("Install the server's CA certificate in the system trust store, or use a certificate from a public authority.")
    }
}

/// https:// to a port that speaks plain HTTP; `http_url` is offered in one
/// click only where plain HTTP stays on this machine.
pub fn https_to_http_port(http_url: Option<String>, ev: Evidence) -> Diagnosis {
    let d = Diagnosis::new(Code::HttpsToHttpPort, Level::Error, "The server speaks plain HTTP, not HTTPS")
        .happened("Chute started a TLS handshake and the server answered with something that is not TLS.")
        .cause("The endpoint says https:// but this port serves plain HTTP (MinIO and test servers often do).")
        .fix("Use the server's HTTPS port, or http:// if the server is on a network you trust.")
        .evidence(ev);
    match http_url {
        Some(url) => d.apply("endpoint", url, "Use http://"),
        None => d,
    }
}

pub fn tls_handshake_failed(text: &str, ev: Evidence) -> Diagnosis {
    Diagnosis::new(Code::TlsHandshakeFailed, Level::Error, "The TLS handshake failed")
        .happened(format!("The TLS handshake failed: {text}."))
        .cause("The server closed the connection during TLS, or supports no protocol version in common.")
        .fix("Check that the port serves HTTPS, and the server's TLS settings.")
        .evidence(ev)
}

pub fn http_to_tls_port(https_url: &str, ev: Evidence) -> Diagnosis {
    Diagnosis::new(Code::HttpToTlsPort, Level::Error, "The server expects HTTPS")
        .happened("Chute sent a plain HTTP request and the server closed the connection without an HTTP answer.")
        .cause("The endpoint says http:// but this port serves HTTPS.")
        .fix(format!("Use {https_url}."))
        .evidence(ev)
        .apply("endpoint", https_url, "Use https://")
}

/// Connected, then no answer: `what` is what was awaited ("No HTTP answer
/// within 10 s.", "The request timed out (…).").
pub fn server_silent(what: String, ev: Evidence) -> Diagnosis {
    Diagnosis::new(Code::ServerSilent, Level::Error, "The server stopped answering")
        .happened(what)
        .cause("The service on that port is hung or overloaded, it is not an HTTP server, or something in between drops the traffic.")
        .fix("Check that the server is healthy and that the endpoint's port is its S3 port; try again in a moment.")
        .evidence(ev)
}

pub fn connection_reset(what: &str, ev: Evidence) -> Diagnosis {
    Diagnosis::new(Code::ConnectionReset, Level::Error, "The server dropped the connection")
        .happened(format!("The connection broke before an answer: {what}."))
        .cause("A proxy or firewall in between, or the server crashed.")
        .fix("Try again; if it persists, check proxies and the server's logs.")
        .evidence(ev)
}

pub fn not_http(ev: Evidence) -> Diagnosis {
    Diagnosis::new(Code::NotHttp, Level::Error, "The server does not speak HTTP")
        .happened("The answer was not an HTTP response.")
        .cause("The endpoint's port belongs to another kind of service.")
        .fix("Check the endpoint's port against your provider's documentation.")
        .evidence(ev)
}
