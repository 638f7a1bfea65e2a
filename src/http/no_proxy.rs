//! `NO_PROXY` as curl reads it: comma- or space-separated names, each matching the host itself and its
//! subdomains (a leading `.` or `*.` is ignored), `*` alone matching everything, IP addresses and CIDR ranges
//! (IPv4 and IPv6) matching IP hosts. Ports in entries are ignored (curl does not take them either).

use std::net::IpAddr;

/// Whether a request to `host` (`name[:port]`, `[v6]:port`) skips the proxy under `no_proxy`.
pub fn bypass(no_proxy: Option<&str>, host: &str) -> bool {
    let Some(list) = no_proxy else { return false };
    let name = strip_port(host).trim_end_matches('.').to_ascii_lowercase();
    let ip = name.parse::<IpAddr>().ok();
    list.split([',', ' ', '\t'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .any(|entry| {
            if entry == "*" {
                return true;
            }
            if let Some((net, bits)) = entry.split_once('/') {
                return match (
                    ip,
                    net.trim_matches(['[', ']']).parse::<IpAddr>(),
                    bits.parse::<u32>(),
                ) {
                    (Some(ip), Ok(net), Ok(bits)) => in_cidr(ip, net, bits),
                    _ => false,
                };
            }
            let entry = strip_port(entry)
                .trim_start_matches('*')
                .trim_start_matches('.')
                .trim_end_matches('.')
                .to_ascii_lowercase();
            if let (Some(ip), Ok(e)) = (ip, entry.parse::<IpAddr>()) {
                return ip == e;
            }
            !entry.is_empty() && (name == entry || name.ends_with(&format!(".{entry}")))
        })
}

fn strip_port(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match host.rsplit_once(':') {
        // One colon and digits after it: `name:port`. More colons: a bare IPv6 address.
        Some((h, p)) if !h.contains(':') && p.chars().all(|c| c.is_ascii_digit()) => h,
        _ => host,
    }
}

fn in_cidr(ip: IpAddr, net: IpAddr, bits: u32) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) if bits <= 32 => {
            let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) if bits <= 128 => {
            let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_suffixes_star_and_cidr() {
        let cases = [
            ("localhost, .cnes.fr", "artifactory.cnes.fr", true),
            (".cnes.fr", "cnes.fr", true),
            ("cnes.fr", "cnes.fr:443", true),
            ("cnes.fr", "a.b.cnes.fr", true),
            ("cnes.fr", "notcnes.fr", false),
            ("*", "x", true),
            ("*.cnes.fr", "a.cnes.fr", true),
            ("127.0.0.1:8080", "127.0.0.1:8080", true),
            ("10.0.0.0/8", "10.2.3.4:80", true),
            ("10.0.0.0/8", "11.2.3.4", false),
            ("10.0.0.0/8", "ten.fr", false),
            ("fe80::/10", "[fe80::1]:443", true),
            ("::1", "[::1]:8080", true),
            ("0.0.0.0/0", "1.2.3.4", true),
            ("a.fr b.fr", "b.fr", true),
            ("", "x", false),
            ("CNES.FR", "Gitlab.Cnes.Fr.", true),
        ];
        for (list, host, want) in cases {
            assert_eq!(bypass(Some(list), host), want, "{list} / {host}");
        }
        assert!(!bypass(None, "cnes.fr"));
    }

    #[test]
    fn no_entry_matches_a_host_it_is_only_a_substring_of() {
        for host in [
            "example.org",
            "an-example.org",
            "example.org.evil.net",
            "xexample.org",
        ] {
            for entry in ["example.org", ".example.org", "*.example.org"] {
                let want = host == "example.org";
                assert_eq!(bypass(Some(entry), host), want, "{entry} / {host}");
            }
        }
    }
}
