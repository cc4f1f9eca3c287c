use super::*;
use crate::apig::client::redact::{redact, Secrets};
use crate::apig::client::test_server::*;
use crate::apig::client::ApiError;

#[tokio::test]
async fn html_error_page_gives_a_readable_api_error() {
    let page = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
                <center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n\
                </body>\r\n</html>\r\n";
    let s = server(vec![Reply::Http(
        502,
        vec![
            ("Content-Type", "text/html".into()),
            ("X-Request-Id", "rid-7".into()),
        ],
        page.into(),
    )])
    .await;
    let err = client(options(token()))
        .create_channel(&s.target(), &request())
        .await
        .unwrap_err();
    assert_eq!(s.count(), 1);
    assert_eq!(
        err,
        ApiError::Api {
            status: 502,
            code: String::new(),
            message: "502 Bad Gateway 502 Bad Gateway nginx".into(),
            request_id: Some("rid-7".into()),
        }
    );
    assert_eq!(err.code(), None);
    assert_eq!(
        err.to_string(),
        "HTTP 502: 502 Bad Gateway 502 Bad Gateway nginx (request id rid-7)"
    );
}

#[tokio::test]
async fn odd_error_bodies() {
    let long = "x".repeat(5000);
    let cases: Vec<(Reply, &str, String)> = vec![
        (json(403, ""), "", "Forbidden".into()),
        (
            json(403, r#"{"error":{"code":"IAM.0001","message":"no"}}"#),
            "IAM.0001",
            "no".into(),
        ),
        (
            json(403, r#"{"code":"X.1","message":"m"}"#),
            "X.1",
            "m".into(),
        ),
        (
            json(403, r#"{"error_code":12,"error_msg":"num"}"#),
            "12",
            "num".into(),
        ),
        (json(403, r#"["a"]"#), "", r#"["a"]"#.into()),
        (
            json(403, "plain\ntext\u{1}error"),
            "",
            "plain text error".into(),
        ),
        (
            json(403, &long),
            "",
            format!("{}…", "x".repeat(SNIPPET_CHARS)),
        ),
        (
            Reply::Http(
                302,
                vec![("Location", "https://elsewhere/".into())],
                String::new(),
            ),
            "",
            "unexpected redirect to \"https://elsewhere/\"".into(),
        ),
    ];
    for (reply, code, message) in cases {
        let s = server(vec![reply, json(200, CHANNEL)]).await;
        let err = client(options(token()))
            .show_channel(&s.target(), "ch1")
            .await
            .unwrap_err();
        assert_eq!(s.count(), 1);
        match err {
            ApiError::Api {
                code: c,
                message: m,
                ..
            } => {
                assert_eq!(c, code);
                assert_eq!(m, message);
            }
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test]
async fn bad_success_bodies_are_decode_errors() {
    let cases = [
        (r#"{"id":"ch1","name":"#, "ends early"),
        ("hello", "not valid JSON"),
        ("<html>oops</html>", "it starts with: oops"),
        (
            r#"{"id":"ch1","port":"twenty-two"}"#,
            "unexpected JSON content",
        ),
        ("[1,2]", "unexpected JSON content"),
        ("null", "unexpected JSON content"),
        ("", "empty"),
    ];
    for (body, want) in cases {
        let s = server(vec![json(200, body)]).await;
        let err = client(options(token()))
            .show_channel(&s.target(), "ch1")
            .await
            .unwrap_err();
        assert_eq!(s.count(), 1, "{body}: a decode error is not retried");
        match &err {
            ApiError::Decode {
                status: 200,
                message,
            } => {
                assert!(message.contains(want), "{body}: {message}")
            }
            other => panic!("{body}: {other:?}"),
        }
        assert!(err
            .to_string()
            .starts_with("could not read the HTTP 200 response: "));
    }
}

#[tokio::test]
async fn created_but_unreadable_counts_as_maybe_applied() {
    let s = server(vec![json(201, "{\"id\":")]).await;
    let err = client(options(token()))
        .create_channel(&s.target(), &request())
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Decode { status: 201, .. }));
    assert!(err.may_have_been_applied());
}

#[test]
fn text_helpers() {
    assert_eq!(clean_text("  a\n\tb  c ", 100), "a b c");
    assert_eq!(clean_text("abcdef", 3), "abc…");
    assert_eq!(clean_text("ab cd", 4), "ab c…");
    assert_eq!(clean_text("", 3), "");
    assert_eq!(
        snippet(b"<p>a &amp; b</p>", 100, &Secrets::default()),
        "a & b"
    );
    assert_eq!(
        snippet(&[0xff, b'a'], 100, &Secrets::default()),
        "\u{fffd}a"
    );
    let secrets = Secrets::new(["topsecret", "x"]);
    assert_eq!(
        redact(
            "k=topsecret|X-Security-Token: abc|x-auth-token:def\"x",
            &secrets
        ),
        "k=(sensitive)|X-Security-Token: (sensitive)|x-auth-token:(sensitive)\"x"
    );
    assert_eq!(redact("x-auth-token:", &secrets), "x-auth-token:");
    assert_eq!(
        redact("ünïcode x-auth-token:é|", &Secrets::default()),
        "ünïcode x-auth-token:(sensitive)|"
    );
}

#[test]
fn api_error_accessors() {
    let api = ApiError::Api {
        status: 404,
        code: "APIG.3023".into(),
        message: "gone".into(),
        request_id: None,
    };
    assert_eq!(api.status(), Some(404));
    assert_eq!(api.code(), Some("APIG.3023"));
    assert!(api.is_not_found());
    assert!(!api.may_have_been_applied());
    let transport = ApiError::Transport {
        message: "x".into(),
        maybe_committed: false,
    };
    assert_eq!(transport.status(), None);
    assert_eq!(transport.code(), None);
    assert!(!transport.is_not_found());
    assert_eq!(ApiError::Cancelled.to_string(), "request cancelled");
    let decode = ApiError::Decode {
        status: 404,
        message: "m".into(),
    };
    assert_eq!(decode.status(), Some(404));
    assert!(!decode.is_not_found());
}
