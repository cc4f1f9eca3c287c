//! A long token echoed by a server must not survive in any part of an
//! error, whatever is cut off where.

use super::*;
use crate::apig::client::errors::{api_error, MESSAGE_CHARS};
use crate::apig::client::transport::Answer;
use crate::apig::client::{ClientOptions, Credentials};
use crate::apig::models::Channel;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::StatusCode;
use tokio_util::sync::CancellationToken;

/// A 4 KB IAM-like token (real ones are several KB).
fn long_token() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut t = String::from("MIIZ");
    while t.len() < 4096 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        t.push(ALPHABET[(x % 64) as usize] as char);
    }
    t
}

/// No 8 consecutive characters of `secret` are in `text`.
fn assert_no_piece(text: &str, secret: &str) {
    for i in 0..=secret.len() - MIN_SECRET_FRAGMENT {
        let piece = &secret[i..i + MIN_SECRET_FRAGMENT];
        assert!(
            !text.contains(piece),
            "{piece:?} (offset {i}) leaked in {} chars: {text}",
            text.len()
        );
    }
}

fn answer(status: u16, headers: &[(&str, &str)], body: &str) -> Answer {
    let mut map = HeaderMap::new();
    for (k, v) in headers {
        map.insert(
            HeaderName::from_bytes(k.as_bytes()).unwrap(),
            HeaderValue::from_str(v).unwrap(),
        );
    }
    Answer {
        status: StatusCode::from_u16(status).unwrap(),
        headers: map,
        body: body.as_bytes().to_vec(),
        truncated: false,
    }
}

fn client_with(credentials: Credentials) -> Client {
    Client::new(
        ClientOptions::new(credentials, "redact-test/1"),
        CancellationToken::new(),
    )
    .unwrap()
}

/// What `execute` returns for a non-2xx answer.
fn error_of(c: &Client, a: &Answer) -> String {
    let e = c.scrub(api_error(a, &c.secrets()));
    format!("{e} / {e:?}")
}

const SIGNATURE: &str = "5d7c0f7a1b2e3d4c5b6a79881726354453627180a9b8c7d6e5f4a3b2c1d0e9f8";

#[test]
fn long_token_echoed_in_body_headers_and_request_id() {
    let token = long_token();
    let c = client_with(Credentials::Token(token.clone()));
    let echoed_headers = format!(
        "X-Auth-Token: {token}\nAuthorization: SDK-HMAC-SHA256 Access=AKID, SignedHeaders=host;x-sdk-date, Signature={SIGNATURE}\n"
    );
    let bodies = [
        // Echoed whole, ahead of the cut.
        serde_json::json!({"error_code": "APIG.1002", "error_msg": format!("bad token {token}"), "request_id": token}),
        // Echoed headers, as a proxy does.
        serde_json::json!({"error_code": "APIG.1002", "error_msg": format!("request headers: {echoed_headers}"), "request_id": "r1"}),
        // Past the cut: only the token's start is within the limit.
        serde_json::json!({"error_code": "APIG.1002", "error_msg": format!("{} {token}", "x".repeat(MESSAGE_CHARS - 100))}),
        // The server itself cut the token.
        serde_json::json!({"message": format!("invalid token {}", &token[..1500]), "requestId": &token[..900]}),
        // Other shapes and the `error_description` key.
        serde_json::json!({"error": {"code": "401", "error_description": format!("{echoed_headers}{token}")}}),
    ];
    for body in &bodies {
        let a = answer(401, &[("x-request-id", &token)], &body.to_string());
        let text = error_of(&c, &a);
        assert_no_piece(&text, &token);
        assert!(!text.contains(SIGNATURE), "{text}");
        assert!(text.contains("(sensitive)"), "{text}");
    }
    // A non-JSON body (cut at 200 characters), and one past the cut.
    for body in [
        format!("<html><body>token {token}</body></html>"),
        format!("{}{token}", "y".repeat(150)),
    ] {
        let text = error_of(&c, &answer(502, &[("x-request-id", &token[..300])], &body));
        assert_no_piece(&text, &token);
    }
    // A success answer that is not JSON shows its start.
    let bad = answer(200, &[], &format!("oops {token}"));
    let e = c.decode::<Channel>(bad).unwrap_err();
    assert_no_piece(&format!("{e} {e:?}"), &token);
}

#[test]
fn secret_key_and_security_token_cut_off_are_hidden() {
    let st = long_token();
    let sk = "sk-0123456789abcdefghij".to_string();
    let c = client_with(Credentials::AkSk {
        ak: "AKIDEXAMPLE".into(),
        sk: sk.clone(),
        security_token: Some(st.clone()),
    });
    let msg = format!(
        "verify aksk signature fail, CanonicalRequest: GET|/v2/|x-security-token:{st}|sk={sk}|Authorization: SDK-HMAC-SHA256 Access=AKIDEXAMPLE, Signature={SIGNATURE}"
    );
    let body = serde_json::json!({"error_code": "APIGW.0301", "error_msg": msg});
    let text = error_of(&c, &answer(401, &[], &body.to_string()));
    assert_no_piece(&text, &st);
    assert_no_piece(&text, &sk);
    assert!(!text.contains(SIGNATURE), "{text}");
    assert!(text.contains("Access=AKIDEXAMPLE"), "{text}");
}

#[test]
fn redaction_helpers() {
    let secrets = Secrets::new(["abcdefghijklmnop"]);
    // A trailing start of a secret, with or without an ellipsis.
    assert_eq!(redact("x abcdefgh", &secrets), "x (sensitive)");
    assert_eq!(redact("x abcdefghij…", &secrets), "x (sensitive)…");
    // Shorter pieces are too likely to be ordinary text.
    assert_eq!(redact("x abcdefg", &secrets), "x abcdefg");
    assert_eq!(
        shorten(
            &format!("{} abcdefghijklmnop", "z".repeat(10)),
            14,
            &secrets
        ),
        "zzzzzzzzzz (se…"
    );
    assert_eq!(
        redact(
            "Authorization: X Access=a, Signature=00ff, SignedHeaders=h",
            &Secrets::default()
        ),
        "Authorization: X Access=a, Signature=(sensitive), SignedHeaders=h"
    );
}

/// Issue 18 item 4: an APIG text quoting the first 120 characters of a
/// token, a password echoed in the middle of a request body, and a token
/// piece in JSON-escaped or percent-encoded form are all hidden, whatever
/// the cut.
#[test]
fn any_long_piece_of_a_secret_is_hidden_anywhere() {
    let token = long_token();
    let password = "pa\"ss/w0rd+with=odd&chars-32ch".to_string();
    let secrets = Secrets::new([token.clone(), password.clone()]);
    let texts = [
        format!("the token {} is not valid here", &token[..120]),
        format!("token middle {} and more", &token[1000..1040]),
        format!(
            "{{\"auth\":{{\"password\":{}}}}} echoed",
            serde_json::to_string(&password).unwrap()
        ),
        format!("password={}&x=1", super::percent_encode(&password)),
        format!("{} and {}", &password[1..], &password[..password.len() - 1]),
    ];
    for text in &texts {
        for cut in [40, 100, 200, 5000] {
            let out = secrets.shorten(text, cut);
            for secret in [&token, &password] {
                for i in 0..=secret.len() - MIN_SECRET_PIECE {
                    let piece = &secret[i..i + MIN_SECRET_PIECE];
                    assert!(!out.contains(piece), "{piece:?} in {out}");
                }
            }
        }
        assert!(secrets.scrub(text).contains(REDACTED), "{text}");
    }
    // Ordinary text around it is kept.
    assert_eq!(
        secrets.scrub(&format!("a {} b", &token[10..60])),
        "a (sensitive) b"
    );
    assert_eq!(format!("{secrets:?}"), "Secrets(4 values)");
}

#[test]
fn urls_are_shown_without_user_information() {
    use super::redact_url;
    assert_eq!(
        redact_url("http://user:pw@host:8080/x"),
        "http://host:8080/x"
    );
    assert_eq!(redact_url("https://h"), "https://h");
    assert_eq!(redact_url("u:p@h"), "h");
}
