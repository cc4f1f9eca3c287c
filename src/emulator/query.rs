//! Query strings as the signature and the API read them.

use percent_encoding::percent_decode_str;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
