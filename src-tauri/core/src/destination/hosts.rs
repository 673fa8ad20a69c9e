//! Where an endpoint's host is: this machine, the local network, or
//! anywhere else.

/// `localhost` and loopback addresses: this machine.
pub(crate) fn is_loopback_host(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost") || d.ends_with(".localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    }
}

/// The local network: private and link-local addresses (10/8, 172.16/12,
/// 192.168/16, 169.254/16, fc00::/7, fe80::/10), and names that only a
/// local network resolves: single-label hosts (`minio`, `nas`), `*.local`
/// (mDNS), `*.lan`, `*.home.arpa` and `*.internal`.
pub(super) fn is_local_network_host(host: &url::Host<&str>) -> bool {
    let private_v4 = |ip: &std::net::Ipv4Addr| ip.is_private() || ip.is_link_local();
    match host {
        url::Host::Domain(d) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            !d.contains('.') || [".local", ".lan", ".home.arpa", ".internal"].iter().any(|s| d.ends_with(s))
        }
        url::Host::Ipv4(ip) => private_v4(ip),
        url::Host::Ipv6(ip) => match ip.to_ipv4_mapped() {
            Some(v4) => private_v4(&v4),
            None => ip.is_unique_local() || ip.is_unicast_link_local(),
        },
    }
}
