//! Huawei Cloud AK/SK request signing (`SDK-HMAC-SHA256`), see
//! `shared/docs/signing.md`. Pure functions only: no I/O, no clock, no panics
//! on any input. Used both by the client (to sign) and by the emulator (to
//! verify).

use hmac::{Hmac, Mac};
use percent_encoding::{percent_decode_str, percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

pub const ALGORITHM: &str = "SDK-HMAC-SHA256";
/// Hex SHA-256 of the empty string: the body hash of a request without body.
pub const EMPTY_BODY_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// Name of the signed date header (any case is accepted by [`sign`]).
pub const SDK_DATE_HEADER: &str = "X-Sdk-Date";
/// The gateway refuses an `X-Sdk-Date` further than this from its clock.
pub const MAX_CLOCK_SKEW_SECS: i64 = 15 * 60;

/// Everything but `A-Z a-z 0-9 - _ . ~` is escaped.
const ESCAPED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encode per the spec: keep only A-Z a-z 0-9 - _ . ~ ; upper-case hex.
pub fn encode(s: &str) -> String {
    encode_bytes(s.as_bytes())
}

/// Like [`encode`] for raw bytes, which need not be UTF-8.
pub fn encode_bytes(b: &[u8]) -> String {
    percent_encode(b, ESCAPED).to_string()
}

/// Canonical URI: percent-decode path, split on '/', encode each segment, join,
/// ensure trailing '/'.
///
/// Decoding happens before splitting, so an encoded slash (`%2F`) becomes a
/// separator, as the published vectors require. Segments are handled as bytes
/// so that escapes decoding to invalid UTF-8 survive (`%FF` stays `%FF`);
/// malformed escapes (`%zz`, a trailing `%`) are kept literally and so end up
/// as `%25zz`.
pub fn canonical_uri(path: &str) -> String {
    let decoded: Vec<u8> = percent_decode_str(path).collect();
    let mut out = decoded
        .split(|&b| b == b'/')
        .map(encode_bytes)
        .collect::<Vec<_>>()
        .join("/");
    if !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// Canonical query from raw (undecoded) key/value pairs: sort by raw key then
/// raw value, encode both, `k=` for empty, join with '&'. This exact string is
/// also what the client sends as its query.
///
/// "Raw" means the values as meant, not URL-encoded: `a%20b` is sent as
/// `a%2520b`. Sorting is on the raw bytes, which can differ from sorting the
/// encoded forms (e.g. `~` sorts before `é` here, after it once encoded).
pub fn canonical_query(pairs: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = pairs.iter().collect();
    sorted.sort();
    sorted
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Hex SHA-256 of the exact body bytes.
pub fn body_sha256(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

/// What gets signed. `method` is used as given (send it upper-case).
#[derive(Debug, Clone, Copy)]
pub struct SigningInput<'a> {
    pub method: &'a str,
    /// Request path, as sent (it may be percent-encoded).
    pub path: &'a str,
    /// Raw query pairs; send [`canonical_query`] of them as the query.
    pub query: &'a [(String, String)],
    /// The headers to sign, names in any case. Names containing `_` are
    /// skipped. Must include `X-Sdk-Date`.
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    pub canonical_request: String,
    pub string_to_sign: String,
    /// Lower-case hex HMAC-SHA256.
    pub signature: String,
    /// Lower-case names joined with ';'.
    pub signed_headers: String,
    /// Full value of the `Authorization` header.
    pub authorization: String,
}

/// Canonical headers block (each line `name:value\n`) and the signed-headers
/// list.
///
/// A name given more than once (in any case) yields one line per value, sorted
/// by value, and appears once in the list: that is how the public SDK signers
/// treat multi-valued headers. With no headers the block is a lone "\n", also
/// as they do; it never matters in practice since `x-sdk-date` is required.
fn canonical_headers(headers: &[(String, String)]) -> (String, String) {
    let mut entries: Vec<(String, &str)> = headers
        .iter()
        .filter(|(name, _)| !name.contains('_'))
        .map(|(name, value)| (name.to_ascii_lowercase(), value.as_str()))
        .collect();
    entries.sort();

    let lines: Vec<String> = entries
        .iter()
        .map(|(name, value)| format!("{}:{}", name, value.trim()))
        .collect();
    let mut names: Vec<&str> = entries.iter().map(|(name, _)| name.as_str()).collect();
    names.dedup();
    (lines.join("\n") + "\n", names.join(";"))
}

/// The trimmed `X-Sdk-Date` value among `headers` (first one wins).
fn find_sdk_date(headers: &[(String, String)]) -> Option<&str> {
    headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(SDK_DATE_HEADER))
        .map(|(_, value)| value.trim())
}

/// Canonical request, string to sign and signed-headers list.
fn prepare(input: &SigningInput) -> (String, String, String) {
    let (headers_block, signed_headers) = canonical_headers(input.headers);
    // The block ends in '\n' and is followed by another: the blank line in
    // the canonical request is intended.
    let canonical_request = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        input.method,
        canonical_uri(input.path),
        canonical_query(input.query),
        headers_block,
        signed_headers,
        body_sha256(input.body),
    );
    // A missing date signs as empty: the gateway will reject it, but signing
    // itself must not fail.
    let date = find_sdk_date(input.headers).unwrap_or("");
    let string_to_sign = format!(
        "{}\n{}\n{}",
        ALGORITHM,
        date,
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    );
    (canonical_request, string_to_sign, signed_headers)
}

fn new_mac(sk: &str, msg: &str) -> Option<HmacSha256> {
    // HMAC accepts keys of any length, so this is always Some; avoiding
    // expect() keeps the module panic-free by construction.
    let mut mac = HmacSha256::new_from_slice(sk.as_bytes()).ok()?;
    mac.update(msg.as_bytes());
    Some(mac)
}

/// `sdk_date` is the X-Sdk-Date value (YYYYMMDDTHHMMSSZ) which must also be
/// among headers; sign() does not add it. If it is missing, the date line of
/// the string to sign is empty (and the gateway will refuse the request).
pub fn sign(ak: &str, sk: &str, input: &SigningInput) -> Signed {
    let (canonical_request, string_to_sign, signed_headers) = prepare(input);
    let signature = new_mac(sk, &string_to_sign)
        .map(|mac| hex::encode(mac.finalize().into_bytes()))
        .unwrap_or_default();
    let authorization = format!(
        "{} Access={}, SignedHeaders={}, Signature={}",
        ALGORITHM, ak, signed_headers, signature
    );
    Signed {
        canonical_request,
        string_to_sign,
        signature,
        signed_headers,
        authorization,
    }
}

/// Whether `signature_hex` is the signature of `input` under `sk`, compared in
/// constant time. Hex case is not significant; anything not hex is false.
pub fn verify(sk: &str, input: &SigningInput, signature_hex: &str) -> bool {
    let Ok(expected) = hex::decode(signature_hex) else {
        return false;
    };
    let (_, string_to_sign, _) = prepare(input);
    match new_mac(sk, &string_to_sign) {
        Some(mac) => mac.verify_slice(&expected).is_ok(),
        None => false,
    }
}

/// Formats a UNIX time (seconds) as X-Sdk-Date, e.g. 20191115T033655Z.
///
/// Meaningful for years 0000..=9999 (what [`parse_sdk_date`] accepts); other
/// years are still formatted, just not in four digits.
pub fn sdk_date(unix_secs: i64) -> String {
    let days = unix_secs.div_euclid(86_400);
    let secs = unix_secs.rem_euclid(86_400);
    let (y, m, d) = crate::calendar::civil_from_days(days);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        y,
        m,
        d,
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Parses X-Sdk-Date back to unix seconds (None if malformed, including
/// out-of-range fields such as month 13, Feb 30 or second 60).
pub fn parse_sdk_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        b[range].iter().try_fold(0i64, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
        })
    };
    let (y, mo, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (h, mi, sec) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) {
        return None;
    }
    if h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    Some(crate::calendar::days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec)
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedAuthorization {
    pub access: String,
    /// As written in the header (the client writes them lower-case).
    pub signed_headers: Vec<String>,
    pub signature: String,
}

/// Parses an `Authorization: SDK-HMAC-SHA256 Access=..., SignedHeaders=a;b,
/// Signature=...` header value (None if malformed).
///
/// Fields may come in any order and spacing around ',' and '=' is tolerated;
/// each field must appear exactly once with a non-empty value, no other field
/// is allowed, header names must be non-empty, and the signature must be 64
/// hex digits.
pub fn parse_authorization(h: &str) -> Option<ParsedAuthorization> {
    let rest = h.trim().strip_prefix(ALGORITHM)?;
    if !rest.starts_with(|c: char| c.is_ascii_whitespace()) {
        return None;
    }
    let (mut access, mut signed, mut signature) = (None, None, None);
    for field in rest.split(',') {
        let (key, value) = field.split_once('=')?;
        let value = value.trim();
        let slot = match key.trim() {
            "Access" => &mut access,
            "SignedHeaders" => &mut signed,
            "Signature" => &mut signature,
            _ => return None,
        };
        if slot.is_some() || value.is_empty() || value.contains(char::is_whitespace) {
            return None;
        }
        *slot = Some(value);
    }
    let signed_headers: Vec<String> = signed?.split(';').map(str::to_owned).collect();
    if signed_headers.iter().any(String::is_empty) {
        return None;
    }
    let signature = signature?;
    if signature.len() != 64 || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(ParsedAuthorization {
        access: access?.to_owned(),
        signed_headers,
        signature: signature.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // The published suite, kept in the crate so a bare clone tests itself.
    const VECTORS: &str = include_str!("testdata/signing-vectors.json");

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn sha256_hex(s: &str) -> String {
        body_sha256(s.as_bytes())
    }

    #[test]
    fn published_vectors() {
        let doc: serde_json::Value = serde_json::from_str(VECTORS).expect("vectors parse");
        assert_eq!(doc["empty_body_sha256"], EMPTY_BODY_SHA256);
        assert_eq!(body_sha256(b""), EMPTY_BODY_SHA256);

        let str_pairs = |v: &serde_json::Value| -> Vec<(String, String)> {
            v.as_array()
                .expect("pair list")
                .iter()
                .map(|p| {
                    (
                        p[0].as_str().expect("key").to_string(),
                        p[1].as_str().expect("value").to_string(),
                    )
                })
                .collect()
        };

        let cases = doc["cases"].as_array().expect("cases");
        assert!(!cases.is_empty());
        let mut checked = 0;
        for case in cases {
            let name = case["name"].as_str().expect("name");
            let s = |k: &str| case[k].as_str().expect(k).to_string();
            let query = str_pairs(&case["query"]);
            let headers: Vec<(String, String)> = case["signed_headers"]
                .as_object()
                .expect("signed_headers")
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().expect("header").to_string()))
                .collect();
            let (method, path, body) = (s("method"), s("path"), s("body"));
            let input = SigningInput {
                method: &method,
                path: &path,
                query: &query,
                headers: &headers,
                body: body.as_bytes(),
            };
            let signed = sign(&s("ak"), &s("sk"), &input);

            if let Some(want) = case["canonical_request"].as_str() {
                assert_eq!(signed.canonical_request, want, "{name}: canonical_request");
            }
            if let Some(want) = case["canonical_request_sha256"].as_str() {
                assert_eq!(
                    sha256_hex(&signed.canonical_request),
                    want,
                    "{name}: canonical_request_sha256"
                );
            }
            if let Some(want) = case["body_sha256"].as_str() {
                assert_eq!(body_sha256(body.as_bytes()), want, "{name}: body_sha256");
            }
            assert_eq!(signed.signature, s("signature"), "{name}: signature");
            let want_auth = format!(
                "SDK-HMAC-SHA256 Access={}, SignedHeaders={}, Signature={}",
                s("ak"),
                signed.signed_headers,
                s("signature")
            );
            if let Some(want) = case["authorization"].as_str() {
                assert_eq!(want, want_auth, "{name}: vector self-consistency");
            }
            assert_eq!(signed.authorization, want_auth, "{name}: authorization");

            // What the emulator does with the same request.
            assert!(verify(&s("sk"), &input, &signed.signature), "{name}");
            let parsed = parse_authorization(&signed.authorization).expect("parses");
            assert_eq!(parsed.access, s("ak"));
            assert_eq!(parsed.signed_headers.join(";"), signed.signed_headers);
            assert_eq!(parsed.signature, signed.signature);
            checked += 1;
        }
        assert_eq!(checked, cases.len());

        let query_cases = doc["canonical_query_cases"].as_array().expect("query");
        assert!(!query_cases.is_empty());
        for case in query_cases {
            assert_eq!(
                canonical_query(&str_pairs(&case["query"])),
                case["canonical"].as_str().expect("canonical"),
                "{}",
                case["name"]
            );
        }

        let uri_cases = doc["canonical_uri_cases"].as_array().expect("uri");
        assert!(!uri_cases.is_empty());
        for case in uri_cases {
            let (input, want) = (case[0].as_str().expect("in"), case[1].as_str());
            assert_eq!(Some(canonical_uri(input).as_str()), want, "{input:?}");
        }
    }

    #[test]
    fn encode_keeps_only_unreserved() {
        assert_eq!(encode("AZaz09-_.~"), "AZaz09-_.~");
        assert_eq!(
            encode(" +/?%=&#*!'()"),
            "%20%2B%2F%3F%25%3D%26%23%2A%21%27%28%29"
        );
        assert_eq!(encode("ü一"), "%C3%BC%E4%B8%80");
        assert_eq!(encode_bytes(&[0xff, 0x00, b'a']), "%FF%00a");
        assert_eq!(encode(""), "");
    }

    #[test]
    fn canonical_uri_edge_cases() {
        let cases = [
            ("", "/"),
            ("/", "/"),
            ("/v1/x/", "/v1/x/"),
            ("/v1/x", "/v1/x/"),
            ("v1/x", "v1/x/"),
            ("//a//", "//a//"),
            // Reserved characters, raw or already encoded, end up the same.
            ("/a b/c+d/e?f/g=h&i", "/a%20b/c%2Bd/e%3Ff/g%3Dh%26i/"),
            (
                "/a%20b/c%2Bd/e%3Ff/g%3Dh%26i",
                "/a%20b/c%2Bd/e%3Ff/g%3Dh%26i/",
            ),
            ("/a%2fb", "/a/b/"),
            ("/100%25", "/100%25/"),
            ("/a%2520b", "/a%2520b/"),
            // Non-ASCII, raw or encoded in either hex case.
            ("/v2/一/ü", "/v2/%E4%B8%80/%C3%BC/"),
            ("/v2/%e4%b8%80/%C3%bc", "/v2/%E4%B8%80/%C3%BC/"),
            // Decodes to bytes that are not UTF-8.
            ("/a%FF%FEb", "/a%FF%FEb/"),
            ("/%C3", "/%C3/"),
            // Malformed escapes are literal '%'.
            ("/a%", "/a%25/"),
            ("/a%F", "/a%25F/"),
            ("/a%zz", "/a%25zz/"),
            ("%%", "%25%25/"),
        ];
        for (input, want) in cases {
            assert_eq!(canonical_uri(input), want, "{input:?}");
        }
    }

    #[test]
    fn canonical_query_edge_cases() {
        assert_eq!(canonical_query(&[]), "");
        // Repeated keys sort by value, as strings.
        assert_eq!(
            canonical_query(&pairs(&[("m", "3"), ("m", "10"), ("m", "9"), ("a", "x")])),
            "a=x&m=10&m=3&m=9"
        );
        assert_eq!(
            canonical_query(&pairs(&[("b", ""), ("a", ""), ("c", "1")])),
            "a=&b=&c=1"
        );
        assert_eq!(
            canonical_query(&pairs(&[("q", "a b+c/d?e%f=g&h"), ("k y", "ü")])),
            "k%20y=%C3%BC&q=a%20b%2Bc%2Fd%3Fe%25f%3Dg%26h"
        );
        // Pairs are raw: something that looks encoded is encoded again.
        assert_eq!(
            canonical_query(&pairs(&[("q", "a%20b"), ("r", "%E4%B8%80")])),
            "q=a%2520b&r=%25E4%25B8%2580"
        );
        // Order is on raw bytes, not on encoded forms.
        assert_eq!(
            canonical_query(&pairs(&[("é", "1"), ("~", "2")])),
            "~=2&%C3%A9=1"
        );
        assert_eq!(
            canonical_query(&pairs(&[("a-b", "3"), ("a+b", "2"), ("a b", "1")])),
            "a%20b=1&a%2Bb=2&a-b=3"
        );
        // Key sorts before value: "a"/"z" precedes "a b".
        assert_eq!(
            canonical_query(&pairs(&[("a b", "a"), ("a", "z")])),
            "a=z&a%20b=a"
        );
    }

    fn input<'a>(
        headers: &'a [(String, String)],
        query: &'a [(String, String)],
        body: &'a [u8],
    ) -> SigningInput<'a> {
        SigningInput {
            method: "POST",
            path: "/v1/p/vpc-channels",
            query,
            headers,
            body,
        }
    }

    #[test]
    fn headers_lowercased_trimmed_sorted_underscore_skipped() {
        let headers = pairs(&[
            ("X-Sdk-Date", " 20191115T033655Z "),
            ("X_Custom_Header", "not signed"),
            ("x-project-id", "p1"),
            ("Host", "\texample.com:8443  "),
            ("Content-Type", "application/json"),
        ]);
        let signed = sign("AK", "SK", &input(&headers, &[], b"{}"));
        assert_eq!(
            signed.signed_headers,
            "content-type;host;x-project-id;x-sdk-date"
        );
        let want = format!(
            "POST\n/v1/p/vpc-channels/\n\n\
             content-type:application/json\nhost:example.com:8443\n\
             x-project-id:p1\nx-sdk-date:20191115T033655Z\n\n\
             content-type;host;x-project-id;x-sdk-date\n{}",
            body_sha256(b"{}")
        );
        assert_eq!(signed.canonical_request, want);
        assert_eq!(
            signed.string_to_sign,
            format!("SDK-HMAC-SHA256\n20191115T033655Z\n{}", sha256_hex(&want))
        );
        // Removing the '_' header changes nothing.
        let without: Vec<_> = headers
            .iter()
            .filter(|(k, _)| !k.contains('_'))
            .cloned()
            .collect();
        assert_eq!(sign("AK", "SK", &input(&without, &[], b"{}")), signed);
    }

    #[test]
    fn repeated_header_one_line_per_value() {
        let headers = pairs(&[
            ("X-Sdk-Date", "20191115T033655Z"),
            ("X-A", "2"),
            ("x-a", "1"),
        ]);
        let signed = sign("AK", "SK", &input(&headers, &[], b""));
        assert_eq!(signed.signed_headers, "x-a;x-sdk-date");
        assert!(signed
            .canonical_request
            .contains("\nx-a:1\nx-a:2\nx-sdk-date:20191115T033655Z\n\nx-a;x-sdk-date\n"));
    }

    #[test]
    fn missing_date_does_not_panic() {
        let signed = sign("AK", "SK", &input(&[], &[], b""));
        assert!(signed.string_to_sign.starts_with("SDK-HMAC-SHA256\n\n"));
        assert!(signed
            .canonical_request
            .ends_with(&format!("\n\n\n{EMPTY_BODY_SHA256}")));
        assert_eq!(signed.signature.len(), 64);
    }

    #[test]
    fn verify_accepts_only_the_right_signature() {
        let headers = pairs(&[("X-Sdk-Date", "20191115T033655Z"), ("Host", "h")]);
        let query = pairs(&[("limit", "2")]);
        let inp = input(&headers, &query, b"body");
        let sig = sign("AK", "SK", &inp).signature;
        assert!(verify("SK", &inp, &sig));
        assert!(verify("SK", &inp, &sig.to_uppercase()));
        assert!(!verify("SK2", &inp, &sig));
        assert!(!verify("SK", &inp, &sig[..62]));
        assert!(!verify("SK", &inp, &format!("{sig}00")));
        assert!(!verify("SK", &inp, "zz"));
        assert!(!verify("SK", &inp, ""));
        let mut flipped = sig.clone().into_bytes();
        flipped[0] = if flipped[0] == b'0' { b'1' } else { b'0' };
        assert!(!verify("SK", &inp, &String::from_utf8(flipped).unwrap()));
        // Any change to what is signed breaks it.
        assert!(!verify("SK", &input(&headers, &query, b"Body"), &sig));
        assert!(!verify("SK", &input(&headers, &[], b"body"), &sig));
        let other = pairs(&[("X-Sdk-Date", "20191115T033656Z"), ("Host", "h")]);
        assert!(!verify("SK", &input(&other, &query, b"body"), &sig));
        // Empty and long (> block size) keys are valid HMAC keys.
        let long = "k".repeat(200);
        for sk in ["", long.as_str()] {
            let sig = sign("AK", sk, &inp).signature;
            assert!(verify(sk, &inp, &sig));
        }
    }

    #[test]
    fn sdk_date_known_values() {
        let known = [
            (0, "19700101T000000Z"),
            (-1, "19691231T235959Z"),
            (1_136_214_245, "20060102T150405Z"),
            // The doc-example date (not 1_573_788_615, which is 03:30:15).
            (1_573_789_015, "20191115T033655Z"),
            (1_573_788_615, "20191115T033015Z"),
            (1_591_583_940, "20200608T023900Z"),
            (951_782_400, "20000229T000000Z"),
            (951_868_799, "20000229T235959Z"),
            (4_107_542_400, "21000301T000000Z"),
            (253_402_300_799, "99991231T235959Z"),
            (-62_167_219_200, "00000101T000000Z"),
        ];
        for (secs, text) in known {
            assert_eq!(sdk_date(secs), text, "{secs}");
            assert_eq!(parse_sdk_date(text), Some(secs), "{text}");
        }
    }

    #[test]
    fn sdk_date_round_trip() {
        let mut t = -62_167_219_200i64;
        while t < 253_402_300_799 {
            assert_eq!(parse_sdk_date(&sdk_date(t)), Some(t), "{t}");
            t += 7_777_777; // odd stride: visits all fields over the range
        }
        // Extremes format without panicking.
        for t in [i64::MIN, i64::MAX, i64::MIN + 1, i64::MAX - 1] {
            let _ = sdk_date(t);
        }
    }

    #[test]
    fn parse_sdk_date_rejects_malformed() {
        let bad = [
            "",
            "20191115T033655",
            "20191115T033655Z ",
            " 20191115T033655Z",
            "20191115t033655Z",
            "20191115T033655z",
            "2019-11-15T03:36:55Z",
            "2019111XT033655Z",
            "+0191115T033655Z",
            "20191315T033655Z",
            "20190015T033655Z",
            "20191100T033655Z",
            "20191131T033655Z",
            "20190229T000000Z",
            "21000229T000000Z",
            "20191115T243655Z",
            "20191115T036055Z",
            "20191115T033660Z",
            "2019111\u{e9}T03365Z",
            "一二三四五T0Z",
        ];
        for s in bad {
            assert_eq!(parse_sdk_date(s), None, "{s:?}");
        }
        assert!(parse_sdk_date("20240229T120000Z").is_some());
    }

    #[test]
    fn parse_authorization_round_trip_and_malformed() {
        let sig = "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe";
        let good = format!(
            "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature={sig}"
        );
        let want = ParsedAuthorization {
            access: "QTWAOYTTINDUT2QVKYUC".into(),
            signed_headers: vec!["content-type".into(), "host".into(), "x-sdk-date".into()],
            signature: sig.into(),
        };
        assert_eq!(parse_authorization(&good), Some(want.clone()));
        let relaxed = format!(
            "  SDK-HMAC-SHA256   Signature = {sig} ,Access=QTWAOYTTINDUT2QVKYUC,SignedHeaders=content-type;host;x-sdk-date "
        );
        assert_eq!(parse_authorization(&relaxed), Some(want));

        let bad = [
            String::new(),
            "SDK-HMAC-SHA256".into(),
            "SDK-HMAC-SHA256 ".into(),
            format!("AWS4-HMAC-SHA256 Access=A, SignedHeaders=host, Signature={sig}"),
            format!("sdk-hmac-sha256 Access=A, SignedHeaders=host, Signature={sig}"),
            format!("SDK-HMAC-SHA256Access=A, SignedHeaders=host, Signature={sig}"),
            "SDK-HMAC-SHA256 Access=A, SignedHeaders=host".into(),
            format!("SDK-HMAC-SHA256 SignedHeaders=host, Signature={sig}"),
            format!("SDK-HMAC-SHA256 Access=A, Signature={sig}"),
            format!("SDK-HMAC-SHA256 Access=, SignedHeaders=host, Signature={sig}"),
            format!("SDK-HMAC-SHA256 Access=A, SignedHeaders=, Signature={sig}"),
            format!("SDK-HMAC-SHA256 Access=A, SignedHeaders=host;;x, Signature={sig}"),
            format!("SDK-HMAC-SHA256 Access=A, SignedHeaders=host;, Signature={sig}"),
            format!("SDK-HMAC-SHA256 Access=A B, SignedHeaders=host, Signature={sig}"),
            format!("SDK-HMAC-SHA256 Access=A, Access=B, SignedHeaders=host, Signature={sig}"),
            format!("SDK-HMAC-SHA256 Access=A, SignedHeaders=host, Signature={sig}, X=1"),
            format!("SDK-HMAC-SHA256 Access=A, SignedHeaders=host, Signature={sig},"),
            format!("SDK-HMAC-SHA256 Access=A SignedHeaders=host, Signature={sig}"),
            "SDK-HMAC-SHA256 Access=A, SignedHeaders=host, Signature=abc".into(),
            format!(
                "SDK-HMAC-SHA256 Access=A, SignedHeaders=host, Signature={}",
                "g".repeat(64)
            ),
            format!("SDK-HMAC-SHA256 Access=A, SignedHeaders=host, Signature={sig}0"),
            format!(
                "SDK-HMAC-SHA256 Access=A, SignedHeaders=host, Signature=é{}",
                &sig[2..]
            ),
        ];
        for h in &bad {
            assert_eq!(parse_authorization(h), None, "{h:?}");
        }
    }

    #[test]
    fn nothing_panics_on_odd_input() {
        let odd = [
            "",
            "%",
            "%%",
            "%%%",
            "%0",
            "%G0",
            "/%FF/%80%80",
            "\u{0}",
            "/\u{10FFFF}",
            "é",
            "=",
            "&",
            "?",
            "#",
            "a_b",
            "\n",
            "SDK-HMAC-SHA256 =,=,=",
        ];
        for s in odd {
            let _ = encode(s);
            let _ = canonical_uri(s);
            let q = pairs(&[(s, s), (s, ""), ("", s)]);
            let _ = canonical_query(&q);
            let _ = parse_sdk_date(s);
            let _ = parse_authorization(s);
            let h = pairs(&[(s, s), ("X-Sdk-Date", s)]);
            let inp = SigningInput {
                method: s,
                path: s,
                query: &q,
                headers: &h,
                body: s.as_bytes(),
            };
            let signed = sign(s, s, &inp);
            assert!(verify(s, &inp, &signed.signature));
            assert!(!verify(s, &inp, s));
        }
    }
}
