use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::*;
use crate::apig::client::test_server::*;
use crate::apig::client::{ApiError, Client, Target};
use crate::apig::signer;
use reqwest::header::HeaderValue;
use std::time::UNIX_EPOCH;

#[tokio::test]
async fn retries_503_then_succeeds_resigning_each_time() {
    let s = server(vec![
        json(503, r#"{"error_code":"APIG.9999","error_msg":"busy"}"#),
        json(503, "{}"),
        json(200, CHANNEL),
    ])
    .await;
    let c = client(options(aksk()));
    let ch = c.show_channel(&s.target(), "ch1").await.unwrap();
    assert_eq!(ch.name, "VPC_demo");
    let requests = s.requests();
    assert_eq!(requests.len(), 3);
    for r in &requests {
        assert_signature_verifies(r, &[]);
    }
}

#[tokio::test]
async fn every_retryable_5xx_is_retried_for_get() {
    for status in [500, 502, 504] {
        let s = server(vec![json(status, "{}"), json(200, CHANNEL)]).await;
        let c = client(options(token()));
        c.show_channel(&s.target(), "ch1").await.unwrap();
        assert_eq!(s.count(), 2, "{status}");
    }
}

#[tokio::test]
async fn gives_up_after_max_retries() {
    let s = server(vec![json(
        503,
        r#"{"error_code":"APIG.9999","error_msg":"x"}"#,
    )])
    .await;
    let mut o = options(token());
    o.max_retries = 3;
    let err = client(o)
        .show_channel(&s.target(), "ch1")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.code(), Some("APIG.9999"));
    assert_eq!(s.count(), 4);
}

#[tokio::test]
async fn max_retries_zero_means_one_request() {
    let s = server(vec![json(503, "{}"), json(200, CHANNEL)]).await;
    let mut o = options(token());
    o.max_retries = 0;
    let err = client(o)
        .show_channel(&s.target(), "ch1")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(s.count(), 1);
}

#[tokio::test]
async fn create_retries_429_honouring_retry_after() {
    let s = server(vec![
        Reply::Http(429, vec![("Retry-After", "1".into())], String::new()),
        json(201, CHANNEL),
    ])
    .await;
    let c = client(options(aksk()));
    let start = Instant::now();
    let ch = c.create_channel(&s.target(), &request()).await.unwrap();
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(ch.id, "ch1");
    let requests = s.requests();
    assert_eq!(requests.len(), 2);
    // Signed again with a fresh date.
    let dates: Vec<i64> = requests
        .iter()
        .map(|r| {
            assert_signature_verifies(r, &[]);
            signer::parse_sdk_date(r.header("x-sdk-date").unwrap()).unwrap()
        })
        .collect();
    assert!(dates[1] > dates[0], "{dates:?}");
    assert_ne!(
        requests[0].header("authorization"),
        requests[1].header("authorization")
    );
}

#[tokio::test]
async fn retry_after_zero_retries_at_once() {
    let s = server(vec![
        Reply::Http(429, vec![("Retry-After", "0".into())], String::new()),
        json(200, CHANNEL),
    ])
    .await;
    let mut o = options(token());
    // A backoff would take a minute: Retry-After must win.
    o.backoff_base = Duration::from_secs(60);
    o.backoff_cap = Duration::from_secs(60);
    let start = Instant::now();
    client(o).show_channel(&s.target(), "ch1").await.unwrap();
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(s.count(), 2);
}

#[tokio::test]
async fn unauthorized_is_never_retried_and_secrets_are_redacted() {
    // The signature failure message embeds the server's canonical
    // request, security token included.
    let msg = "Incorrect IAM authentication information: verify aksk signature fail, \
               SignedHeaders: content-type;host;x-project-id;x-sdk-date;x-security-token, \
               CanonicalRequest: GET|/v2/|x-project-id:proj1|x-security-token:sts-SECRET-token|\
               x-sdk-date:20240101T000000Z|sk=sk-SECRET-abcdef";
    let body = serde_json::json!({
        "error_code": "APIGW.0301", "error_msg": msg, "request_id": "req-42"
    });
    let s = server(vec![json(401, &body.to_string()), json(200, CHANNEL)]).await;
    let c = client(options(aksk()));
    let err = c.show_channel(&s.target(), "ch1").await.unwrap_err();
    assert_eq!(s.count(), 1);
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.code(), Some("APIGW.0301"));
    let text = err.to_string();
    assert!(
        text.starts_with("HTTP 401 APIGW.0301: Incorrect IAM"),
        "{text}"
    );
    assert!(text.ends_with("(request id req-42)"), "{text}");
    assert!(!text.contains("SECRET"), "{text}");
    assert!(text.contains("x-security-token:(sensitive)|"), "{text}");
    assert!(!format!("{err:?}").contains("SECRET"));
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let body = r#"{"error_code":"APIG.3208","error_msg":"The VPC channel name already exists"}"#;
    for (status, code) in [
        (400, "APIG.3208"),
        (403, "APIG.3109"),
        (404, "APIG.3023"),
        (409, "APIG.3719"),
    ] {
        let s = server(vec![
            json(status, &body.replace("APIG.3208", code)),
            json(200, CHANNEL),
        ])
        .await;
        let c = client(options(token()));
        let err = c
            .update_channel(&s.target(), "ch1", &request())
            .await
            .unwrap_err();
        assert_eq!(s.count(), 1, "{status}");
        assert_eq!(err.status(), Some(status));
        assert_eq!(err.code(), Some(code));
        assert_eq!(err.is_not_found(), status == 404);
        assert_eq!(
            err.to_string(),
            format!("HTTP {status} {code}: The VPC channel name already exists")
        );
    }
}

#[tokio::test]
async fn create_is_not_retried_after_a_server_error() {
    let s = server(vec![
        json(
            500,
            r#"{"error_code":"APIG.9999","error_msg":"System error"}"#,
        ),
        json(201, CHANNEL),
    ])
    .await;
    let err = client(options(aksk()))
        .create_channel(&s.target(), &request())
        .await
        .unwrap_err();
    assert_eq!(s.count(), 1);
    assert!(matches!(err, ApiError::Api { status: 500, .. }), "{err:?}");
    assert!(err.may_have_been_applied());
}

#[tokio::test]
async fn create_is_not_retried_when_the_connection_closes() {
    let s = server(vec![Reply::Close, json(201, CHANNEL)]).await;
    let err = client(options(token()))
        .create_channel(&s.target(), &request())
        .await
        .unwrap_err();
    assert_eq!(s.count(), 1);
    match &err {
        ApiError::Transport {
            maybe_committed: true,
            message,
        } => assert!(
            message.starts_with("connection closed before a response"),
            "{message}"
        ),
        other => panic!("{other:?}"),
    }
    assert!(err.may_have_been_applied());
    assert_eq!(err.status(), None);
}

#[tokio::test]
async fn get_is_retried_when_the_connection_closes() {
    let s = server(vec![Reply::Close, Reply::Close, json(200, CHANNEL)]).await;
    client(options(token()))
        .show_channel(&s.target(), "ch1")
        .await
        .unwrap();
    assert_eq!(s.count(), 3);

    let s = server(vec![Reply::Close]).await;
    let mut o = options(token());
    o.max_retries = 2;
    let err = client(o)
        .delete_channel(&s.target(), "ch1")
        .await
        .unwrap_err();
    assert_eq!(s.count(), 3);
    let text = err.to_string();
    assert!(text.ends_with("(after 3 attempts)"), "{text}");
    assert!(matches!(
        err,
        ApiError::Transport {
            maybe_committed: true,
            ..
        }
    ));
}

#[tokio::test]
async fn connect_failure_is_not_committed_even_for_create() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let t = Target {
        base_url: format!("http://127.0.0.1:{port}"),
        project_id: "p".into(),
        instance_id: "i".into(),
    };
    let mut o = options(token());
    o.max_retries = 2;
    let err = client(o).create_channel(&t, &request()).await.unwrap_err();
    match &err {
        ApiError::Transport {
            maybe_committed: false,
            message,
        } => {
            assert!(
                message.starts_with("could not connect to 127.0.0.1:"),
                "{message}"
            );
            assert!(message.ends_with("(after 3 attempts)"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.may_have_been_applied());
}

#[tokio::test]
async fn request_timeout_is_a_committed_transport_error() {
    let s = server(vec![Reply::Hang]).await;
    let mut o = options(token());
    o.request_timeout = Duration::from_millis(300);
    o.max_retries = 5;
    let err = client(o.clone())
        .show_channel(&s.target(), "ch1")
        .await
        .unwrap_err();
    assert_eq!(s.count(), 2, "a timed-out GET is retried once, not 5 times");
    let text = err.to_string();
    assert!(
        text.contains("within 300 ms (`request_timeout`, HW_REQUEST_TIMEOUT)"),
        "{text}"
    );
    assert!(matches!(
        err,
        ApiError::Transport {
            maybe_committed: true,
            ..
        }
    ));

    let s = server(vec![Reply::Hang]).await;
    let err = client(o)
        .create_channel(&s.target(), &request())
        .await
        .unwrap_err();
    assert_eq!(s.count(), 1, "POST not retried");
    assert!(matches!(
        err,
        ApiError::Transport {
            maybe_committed: true,
            ..
        }
    ));
}

#[tokio::test]
async fn cancellation_during_backoff_is_prompt() {
    let s = server(vec![json(503, "{}")]).await;
    let mut o = options(token());
    o.backoff_base = Duration::from_secs(20);
    o.backoff_cap = Duration::from_secs(20);
    let cancel = CancellationToken::new();
    let c = Client::new(o, cancel.clone()).unwrap();
    let start = Instant::now();
    let canceller = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            cancel.cancel();
        })
    };
    let err = c.show_channel(&s.target(), "ch1").await.unwrap_err();
    canceller.await.unwrap();
    assert_eq!(err, ApiError::Cancelled);
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    assert!(s.count() >= 1);
    // Once cancelled, nothing more is sent.
    let before = s.count();
    let err = c.show_channel(&s.target(), "ch1").await.unwrap_err();
    assert_eq!(err, ApiError::Cancelled);
    assert_eq!(s.count(), before);
}

#[test]
fn retry_after_values() {
    let now = UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
    let get = |v: &str| {
        let mut h = HeaderMap::new();
        h.insert(
            reqwest::header::RETRY_AFTER,
            HeaderValue::from_str(v).unwrap(),
        );
        retry_after(&h, now)
    };
    assert_eq!(get("0"), Some(Duration::ZERO));
    assert_eq!(get(" 7 "), Some(Duration::from_secs(7)));
    assert_eq!(get("3600"), Some(RETRY_AFTER_CAP));
    assert_eq!(
        get("Sun, 06 Nov 1994 08:49:47 GMT"),
        Some(Duration::from_secs(10))
    );
    assert_eq!(get("Sun, 06 Nov 1994 08:48:00 GMT"), Some(Duration::ZERO));
    assert_eq!(get("Mon, 07 Nov 1994 08:49:37 GMT"), Some(RETRY_AFTER_CAP));
    assert_eq!(get("-1"), None);
    assert_eq!(get("soon"), None);
    assert_eq!(retry_after(&HeaderMap::new(), now), None);
}

#[test]
fn backoff_is_full_jitter_capped() {
    let mut rng = rand::rng();
    let base = Duration::from_millis(500);
    let cap = Duration::from_secs(30);
    for retry in 0..100 {
        let ceiling = (base * 2u32.saturating_pow(retry.min(20))).min(cap);
        for _ in 0..50 {
            assert!(backoff_delay(base, cap, retry, &mut rng) <= ceiling);
        }
    }
    // Jitter: not always the ceiling.
    let samples: Vec<_> = (0..50)
        .map(|_| backoff_delay(base, cap, 3, &mut rng))
        .collect();
    assert!(samples.iter().any(|d| *d < Duration::from_secs(4)));
    // Extremes neither overflow nor panic.
    let _ = backoff_delay(Duration::MAX, Duration::MAX, u32::MAX, &mut rng);
}
