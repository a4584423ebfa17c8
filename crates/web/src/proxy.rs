//! Which client address a request comes from, behind reverse proxies that are trusted explicitly.
//!
//! Without a trusted proxy the socket peer is the client (headers are ignored: anyone can send them). With
//! trusted proxies (addresses or CIDR ranges), a request whose peer is one of them is attributed to the address
//! that proxy reports: the `Forwarded` header's `for=` (RFC 7239) or else `X-Forwarded-For`, read from the right
//! and skipping further trusted hops, so that a client cannot choose its own address by prepending entries.

use std::net::IpAddr;

use axum::http::HeaderMap;

pub use nintei_app::proxy::TrustedProxies;

/// The client's address for a request from `peer` with `headers`.
pub fn client(trusted: &TrustedProxies, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
    trusted.client_of(peer, &forwarded_for(headers))
}

/// The hops a request passed through, left (the original client) to right: `Forwarded` when present, else
/// `X-Forwarded-For`; each entry an address or None when it is not one.
fn forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let forwarded: Vec<&str> = headers
        .get_all("forwarded")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .flat_map(|v| v.split(','))
            .map(|element| {
                element
                    .split(';')
                    .filter_map(|pair| pair.trim().split_once('='))
                    .find(|(k, _)| k.trim().eq_ignore_ascii_case("for"))
                    .and_then(|(_, v)| parse_node(v))
            })
            .collect();
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(parse_node)
        .collect()
}

/// `192.0.2.1`, `"[2001:db8::1]:4711"`, `192.0.2.1:4711` → the address.
fn parse_node(v: &str) -> Option<IpAddr> {
    let v = v.trim().trim_matches('"');
    if let Some(rest) = v.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    if let Ok(ip) = v.parse() {
        return Some(ip);
    }
    // IPv4 with a port.
    v.rsplit_once(':')
        .and_then(|(a, _)| a.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn headers_are_believed_only_from_trusted_proxies() {
        let none = TrustedProxies::default();
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", HeaderValue::from_static("203.0.113.9"));
        assert_eq!(client(&none, ip("10.0.0.1"), &h), ip("10.0.0.1"));
        let t = TrustedProxies::parse("10.0.0.0/8, ::1").unwrap();
        assert_eq!(client(&t, ip("10.0.0.1"), &h), ip("203.0.113.9"));
        assert_eq!(
            client(&t, ip("192.0.2.7"), &h),
            ip("192.0.2.7"),
            "an untrusted peer"
        );
        // A client cannot pick its address by prepending entries: the right-most untrusted hop counts.
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("1.2.3.4, 203.0.113.9, 10.1.1.1"),
        );
        assert_eq!(client(&t, ip("10.0.0.1"), &h), ip("203.0.113.9"));
        // Forwarded (RFC 7239) wins over X-Forwarded-For.
        h.insert(
            "forwarded",
            HeaderValue::from_static("for=192.0.2.60;proto=https, for=\"[2001:db8::17]:4711\""),
        );
        assert_eq!(client(&t, ip("::1"), &h), ip("2001:db8::17"));
        h.insert("forwarded", HeaderValue::from_static("for=unknown"));
        assert_eq!(client(&t, ip("10.0.0.1"), &h), ip("10.0.0.1"));
    }

    #[test]
    fn lists_parse_or_name_the_bad_entry() {
        assert!(TrustedProxies::parse("").unwrap().is_empty());
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.internal").is_err());
        let t = TrustedProxies::parse("192.168.0.0/16").unwrap();
        assert!(t.contains(ip("192.168.3.4")));
        assert!(t.contains(ip("::ffff:192.168.3.4")));
        assert!(!t.contains(ip("192.169.0.1")));
    }
}
