//! Values the real service makes up: IDs, member addresses, tags; stable
//! for one input where the service's are stable.

use sha2::{Digest, Sha256};

/// A server-style ID: 32 lower-case hex digits.
pub fn new_id() -> String {
    format!("{:032x}", rand::random::<u128>())
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
    fn fake_ips_are_stable_and_private() {
        assert_eq!(fake_private_ip("i-1"), fake_private_ip("i-1"));
        assert!(fake_private_ip("i-1").starts_with("192.168."));
        let pods = fake_pod_ips("cluster");
        assert!(!pods.is_empty() && pods.len() <= 2);
        assert_eq!(pods, fake_pod_ips("cluster"));
    }
}
