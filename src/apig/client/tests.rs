use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::apig::client::test_server::*;
use crate::apig::client::{ApiError, Client, ClientOptions, Credentials};
use crate::apig::signer;

#[tokio::test]
async fn delete_accepts_any_2xx_and_reports_404() {
    for reply in [
        Reply::Http(204, vec![], String::new()),
        json(200, "{}"),
        json(202, "not json"),
    ] {
        let s = server(vec![reply]).await;
        client(options(token()))
            .delete_channel(&s.target(), "ch_1-x")
            .await
            .unwrap();
        let r = &s.requests()[0];
        assert_eq!(r.method, "DELETE");
        assert_eq!(
            r.target,
            "/v2/proj1/apigw/instances/inst1/vpc-channels/ch_1-x"
        );
        assert_eq!(r.header("content-type"), None);
    }
    let s = server(vec![json(
        404,
        r#"{"error_code":"APIG.3023","error_msg":"The VPC channel does not exist,id:ch1"}"#,
    )])
    .await;
    let err = client(options(token()))
        .delete_channel(&s.target(), "ch1")
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(s.count(), 1);
}

#[tokio::test]
async fn find_by_name_uses_an_exact_search_and_compares_names() {
    let list = r#"{"total":2,"size":2,"vpc_channels":[
            {"id":"a","name":"demo_2","type":2},{"id":"b","name":"demo","type":2}]}"#;
    let s = server(vec![json(200, list)]).await;
    let c = client(options(aksk()));
    let found = c.find_channel_by_name(&s.target(), "demo").await.unwrap();
    assert_eq!(found.map(|ch| ch.id), Some("b".to_string()));
    let r = &s.requests()[0];
    let want = pairs(&[
        ("name", "demo"),
        ("precise_search", "name"),
        ("limit", "500"),
        ("offset", "0"),
    ]);
    assert_eq!(r.query(), signer::canonical_query(&want));
    assert_signature_verifies(r, &want);

    let s = server(vec![json(200, list)]).await;
    assert_eq!(
        c.find_channel_by_name(&s.target(), "dem").await.unwrap(),
        None
    );
    assert_eq!(s.count(), 1);

    // A gateway that ignores precise_search: later pages are read.
    let s = server(vec![
        json(200, r#"{"total":3,"size":2,"vpc_channels":[{"id":"a","name":"x1"},{"id":"b","name":"x2"}]}"#),
        json(200, r#"{"total":3,"size":1,"vpc_channels":[{"id":"c","name":"x"}]}"#),
    ])
    .await;
    let found = c.find_channel_by_name(&s.target(), "x").await.unwrap();
    assert_eq!(found.map(|ch| ch.id), Some("c".to_string()));
    assert!(s.requests()[1].query().contains("offset=2"));
}

#[tokio::test]
async fn list_members_path_and_query() {
    let body = r#"{"total":1,"size":1,"members":[{"id":"m1","host":"10.0.0.1","weight":3,
            "port":80,"health_status":"healthy","vpc_channel_id":"ch1","extra":true}]}"#;
    let s = server(vec![json(200, body)]).await;
    let query = pairs(&[("limit", "500"), ("offset", "0")]);
    let members = client(options(token()))
        .list_members(&s.target(), "ch1", &query)
        .await
        .unwrap();
    assert_eq!(members.members[0].spec.weight, Some(3));
    assert_eq!(members.members[0].health_status.as_deref(), Some("healthy"));
    let r = &s.requests()[0];
    assert_eq!(
        r.target,
        "/v2/proj1/apigw/instances/inst1/vpc-channels/ch1/members?limit=500&offset=0"
    );
}

#[tokio::test]
async fn unusable_ids_are_refused_before_sending() {
    let s = server(vec![json(200, CHANNEL)]).await;
    let c = client(options(token()));
    for id in ["", ".", ".."] {
        let err = c.show_channel(&s.target(), id).await.unwrap_err();
        assert!(
            matches!(
                err,
                ApiError::Transport {
                    maybe_committed: false,
                    ..
                }
            ),
            "{err:?}"
        );
    }
    let mut t = s.target();
    t.project_id = String::new();
    assert!(c.show_channel(&t, "ch1").await.is_err());
    let mut t = s.target();
    t.project_id = "bad\nproject".into();
    assert!(c.show_channel(&t, "ch1").await.is_err());
    let mut t = s.target();
    t.base_url = "ftp://x".into();
    assert!(c.show_channel(&t, "ch1").await.is_err());
    let mut t = s.target();
    t.base_url = "https://user:hunter2@x".into();
    let err = c.show_channel(&t, "ch1").await.unwrap_err();
    assert!(!err.to_string().contains("hunter2"));
    assert_eq!(s.count(), 0);
}

#[test]
fn new_rejects_unusable_options() {
    let bad = [
        ClientOptions::new(Credentials::Token(String::new()), "t/1"),
        ClientOptions::new(
            Credentials::AkSk {
                ak: "a".into(),
                sk: String::new(),
                security_token: None,
            },
            "t/1",
        ),
        ClientOptions {
            request_timeout: Duration::ZERO,
            ..ClientOptions::new(token(), "t/1")
        },
        ClientOptions {
            user_agent: "bad\nagent".into(),
            ..ClientOptions::new(token(), "t/1")
        },
    ];
    for o in bad {
        assert!(Client::new(o, CancellationToken::new()).is_err());
    }
    let o = ClientOptions::new(token(), "t/1");
    assert_eq!(o.max_retries, 5);
    assert!(!o.insecure);
    assert_eq!(o.request_timeout, Duration::from_secs(20));
    assert_eq!(o.backoff_base, Duration::from_millis(500));
    assert_eq!(o.backoff_cap, Duration::from_secs(30));
}
