//! IAM client helpers, and no secret surviving in any error text.

use super::*;
use reqwest::header::HeaderMap;

#[test]
fn endpoint_root_and_times() {
    assert_eq!(root_of("https://iam.x.com/v3/"), "https://iam.x.com");
    assert_eq!(root_of("http://127.0.0.1:9"), "http://127.0.0.1:9");
    assert_eq!(parse_time("1970-01-01T00:01:40.000000Z").unwrap(), 100);
    assert!(parse_time("tomorrow").is_err());
}

#[test]
fn scrub_removes_secrets() {
    let e = scrub(
        IamError::Unauthorized("bad pw hunter22".into()),
        &Secrets::new(["hunter22"]),
    );
    assert_eq!(e, IamError::Unauthorized("bad pw (sensitive)".into()));
}

/// Issue 18 item 4: IAM echoing the request body of a password login with
/// a long message used to be cut to 200 characters before scrubbing, so 31
/// of 32 password characters survived; a token and `Signature=` too.
#[test]
fn errors_are_scrubbed_before_they_are_cut() {
    let password = "Correct-Horse-Battery-Staple-32c".to_string();
    let token = "MIIT".to_string() + &"0123456789abcdef".repeat(256);
    let secrets = Secrets::new([password.clone(), token.clone()]);
    let echo = format!(
        "{} {{\"auth\":{{\"identity\":{{\"password\":{{\"user\":{{\"password\":\"{password}\"}}}}}}}}}} X-Auth-Token: {} Authorization: SDK-HMAC-SHA256 Access=AK, Signature=00ff00ff00ff",
        "x".repeat(170),
        &token[..1000]
    );
    let bodies = [
        echo.clone(),
        serde_json::json!({"error": {"message": echo.clone()}}).to_string(),
        serde_json::json!({"error_msg": echo, "error_code": "IAM.0001"}).to_string(),
    ];
    for body in bodies {
        let a = Answer {
            status: 401,
            headers: HeaderMap::new(),
            body: body.into_bytes(),
        };
        let text = status_error(&a, &secrets).to_string();
        for secret in [&password, &token] {
            for i in 0..=secret.len() - crate::apig::client::MIN_SECRET_PIECE {
                let piece = &secret[i..i + crate::apig::client::MIN_SECRET_PIECE];
                assert!(!text.contains(piece), "{piece} in {text}");
            }
        }
        assert!(!text.contains("00ff00ff00ff"), "{text}");
    }
}
