//! Small helpers: IDs, timestamps, query strings, made-up addresses.

use percent_encoding::percent_decode_str;
use sha2::{Digest, Sha256};

/// A server-style ID: 32 lower-case hex digits.
pub fn new_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// Current time as RFC 3339 UTC, once without and once with nanoseconds:
/// the real service returns both forms.
pub fn now_times() -> (String, String) {
    let t = time::OffsetDateTime::now_utc();
    let base = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    (format!("{base}Z"), format!("{base}.{:09}Z", t.nanosecond()))
}

pub fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

pub fn unix_millis() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// Query pairs as received, percent-decoded (`+` is kept: the signing
/// scheme encodes spaces as `%20`).
pub fn parse_query(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                percent_decode_str(k).decode_utf8_lossy().into_owned(),
                percent_decode_str(v).decode_utf8_lossy().into_owned(),
            )
        })
        .collect()
}

/// Last value of `key` among the pairs.
pub fn query_get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn digest(s: &str) -> [u8; 32] {
    Sha256::digest(s.as_bytes()).into()
}

/// A private IP that is stable for one input, as the server reports for an
/// ECS member (`192.168.x.y`, y in 1..=254).
pub fn fake_private_ip(seed: &str) -> String {
    let h = digest(seed);
    format!("192.168.{}.{}", h[0], 1 + h[1] % 254)
}

/// Addresses of "discovered" microservice instances, one or two per key.
pub fn fake_pod_ips(seed: &str) -> Vec<String> {
    let h = digest(seed);
    let n = 1 + (h[2] & 1) as usize;
    (0..n)
        .map(|i| format!("172.16.{}.{}", h[0], 1 + (h[1] as usize + i) % 254))
        .collect()
}

/// Short stable tag from an input, for made-up names.
pub fn short_tag(seed: &str) -> String {
    hex::encode(&digest(seed)[..4])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_32_lower_hex() {
        for _ in 0..100 {
            let id = new_id();
            assert_eq!(id.len(), 32);
            assert!(id
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        }
    }

    #[test]
    fn times_have_both_forms() {
        let (a, b) = now_times();
        assert_eq!(a.len(), 20, "{a}");
        assert!(a.ends_with('Z'));
        assert_eq!(b.len(), 30, "{b}");
        assert_eq!(&a[..19], &b[..19]);
        assert!(
            time::OffsetDateTime::parse(&b, &time::format_description::well_known::Rfc3339).is_ok()
        );
    }

    #[test]
    fn query_parsing() {
        let q = parse_query("a=1&b=x%20y&&c&d=p+q&a=2");
        assert_eq!(
            q,
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "x y".into()),
                ("c".into(), "".into()),
                ("d".into(), "p+q".into()),
                ("a".into(), "2".into()),
            ]
        );
        assert_eq!(query_get(&q, "a"), Some("2"));
        assert_eq!(query_get(&q, "zz"), None);
    }

    #[test]
    fn fake_ips_are_stable_and_private() {
        assert_eq!(fake_private_ip("i-1"), fake_private_ip("i-1"));
        assert!(fake_private_ip("i-1").starts_with("192.168."));
        let pods = fake_pod_ips("cluster");
        assert!(!pods.is_empty() && pods.len() <= 2);
        assert_eq!(pods, fake_pod_ips("cluster"));
    }
}
