//! Which client address a request comes from, behind reverse proxies that are trusted explicitly.
//!
//! Without a trusted proxy the socket peer is the client (headers are ignored: anyone can send them). With
//! trusted proxies (addresses or CIDR ranges), a request whose peer is one of them is attributed to the address
//! that proxy reports: the `Forwarded` header's `for=` (RFC 7239) or else `X-Forwarded-For`, read from the right
//! and skipping further trusted hops, so that a client cannot choose its own address by prepending entries.

use std::net::IpAddr;

use axum::http::HeaderMap;

/// Addresses and ranges whose forwarding headers are believed; none by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

impl TrustedProxies {
    /// Parses a comma- or space-separated list of addresses and CIDR ranges (`10.0.0.0/8, 127.0.0.1, ::1`).
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        let mut out = Vec::new();
        for item in list.split([',', ' ']).map(str::trim).filter(|s| !s.is_empty()) {
            let (addr, bits) = match item.split_once('/') {
                Some((a, b)) => (a, Some(b)),
                None => (item, None),
            };
            let ip: IpAddr = addr
                .parse()
                .map_err(|_| format!("not an IP address or CIDR range: {item}"))?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let bits = match bits {
                Some(b) => b
                    .parse::<u8>()
                    .ok()
                    .filter(|b| *b <= max)
                    .ok_or_else(|| format!("not a CIDR prefix length: {item}"))?,
                None => max,
            };
            out.push((ip, bits));
        }
        Ok(TrustedProxies(out))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0
            .iter()
            .any(|(net, bits)| in_range(ip, canonical(*net), *bits))
    }

    /// The client's address for a request from `peer` with `headers`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.contains(peer) {
            return peer;
        }
        let hops = forwarded_for(headers);
        let mut client = peer;
        // From the nearest hop outwards: each hop was reported by the trusted one to its right.
        for hop in hops.iter().rev() {
            match hop {
                Some(ip) => {
                    client = *ip;
                    if !self.contains(*ip) {
                        break;
                    }
                }
                // An entry that is no address (`unknown`, obfuscated, garbage): stop at the last trusted hop.
                None => break,
            }
        }
        client
    }
}

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn in_range(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
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
        assert_eq!(none.client(ip("10.0.0.1"), &h), ip("10.0.0.1"));
        let t = TrustedProxies::parse("10.0.0.0/8, ::1").unwrap();
        assert_eq!(t.client(ip("10.0.0.1"), &h), ip("203.0.113.9"));
        assert_eq!(
            t.client(ip("192.0.2.7"), &h),
            ip("192.0.2.7"),
            "an untrusted peer"
        );
        // A client cannot pick its address by prepending entries: the right-most untrusted hop counts.
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("1.2.3.4, 203.0.113.9, 10.1.1.1"),
        );
        assert_eq!(t.client(ip("10.0.0.1"), &h), ip("203.0.113.9"));
        // Forwarded (RFC 7239) wins over X-Forwarded-For.
        h.insert(
            "forwarded",
            HeaderValue::from_static("for=192.0.2.60;proto=https, for=\"[2001:db8::17]:4711\""),
        );
        assert_eq!(t.client(ip("::1"), &h), ip("2001:db8::17"));
        h.insert("forwarded", HeaderValue::from_static("for=unknown"));
        assert_eq!(t.client(ip("10.0.0.1"), &h), ip("10.0.0.1"));
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
