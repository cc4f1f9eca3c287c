//! Huawei Cloud AK/SK request signing (`SDK-HMAC-SHA256`), as Huawei's
//! API signing guide and SDKs describe it. Pure functions only: no I/O, no
//! clock, no panics on any input. Used both by the client (to sign) and by the emulator (to
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
#[path = "signer_tests.rs"]
mod tests;
