use super::*;

fn scrub(t: &str) -> String {
    t.replace("s3cr3t-value", "(sensitive)")
}

#[test]
fn json_bodies_lose_secret_values_then_are_scrubbed() {
    let body = br#"{"auth":{"identity":{"password":{"user":{"name":"u","password":"pw-123456"}}}},
        "credential":{"access":"AKAKAKAK","secret":"SKSKSK","securitytoken":"ST","expires_at":"x"},
        "nacos_info":{"user_name":"n","password":"p4ss"},"remark":"has s3cr3t-value inside","n":[1,2]}"#;
    let text = body_for_log(body, &scrub);
    for secret in [
        "pw-123456",
        "AKAKAKAK",
        "SKSKSK",
        "\"ST\"",
        "p4ss",
        "s3cr3t-value",
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    // What is not secret stays readable.
    for kept in [
        "\"user_name\":\"n\"",
        "\"expires_at\":\"x\"",
        "\"n\":[1,2]",
        "\"name\":\"u\"",
    ] {
        assert!(text.contains(kept), "{kept} missing from {text}");
    }
}

#[test]
fn other_bodies_are_scrubbed_and_cut_after_scrubbing() {
    assert_eq!(
        body_for_log(b"oops s3cr3t-value", &scrub),
        "oops (sensitive)"
    );
    let long = format!("{}s3cr3t-value", "é".repeat(MAX_LOGGED_BODY));
    let text = body_for_log(long.as_bytes(), &scrub);
    assert!(text.len() < MAX_LOGGED_BODY + 40, "{}", text.len());
    assert!(
        text.ends_with(&format!("… ({} bytes)", long.len() - 1)),
        "{}",
        &text[text.len() - 30..]
    );
    assert!(!text.contains("s3cr3t"));
}

#[test]
fn path_keeps_the_query_and_drops_host_and_user() {
    let url =
        Url::parse("https://user:pw@apig.example.com/v2/p/vpc-channels?name=a&limit=5").unwrap();
    assert_eq!(path_and_query(&url), "/v2/p/vpc-channels?name=a&limit=5");
    let url = Url::parse("http://127.0.0.1:9/v3/projects").unwrap();
    assert_eq!(path_and_query(&url), "/v3/projects");
}

#[test]
fn request_id_from_the_header_else_the_error_body() {
    let mut headers = HeaderMap::new();
    let body = br#"{"error_code":"APIG.0101","request_id":"from-body"}"#;
    assert_eq!(
        Seen::answer(404, &headers, body).request_id.as_deref(),
        Some("from-body")
    );
    headers.insert("x-request-id", "from-header".parse().unwrap());
    assert_eq!(
        Seen::answer(404, &headers, body).request_id.as_deref(),
        Some("from-header")
    );
    assert_eq!(Seen::answer(200, &HeaderMap::new(), b"[]").request_id, None);
}

#[test]
fn plain_rule_verdicts() {
    let d = Duration::from_millis(7);
    let st = |s| Seen {
        status: Some(s),
        ..Seen::default()
    };
    assert_eq!(Next::after(&st(201), false, true, d), Next::Done);
    let retry = Next::Retry {
        delay: d,
        why: "HTTP 503".into(),
    };
    assert_eq!(Next::after(&st(503), true, true, d), retry);
    let give_up = |why: &str| Next::GiveUp { why: why.into() };
    assert_eq!(
        Next::after(&st(503), true, false, d),
        give_up("no retries left (max_retries)")
    );
    assert_eq!(
        Next::after(&st(401), false, true, d),
        give_up("HTTP 401 is not retried")
    );
    assert_eq!(
        Next::after(&Seen::failure("timed out"), false, true, d),
        give_up("a second timeout is not retried")
    );
}
