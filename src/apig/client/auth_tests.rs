use super::*;
use crate::apig::client::test_server::*;
use crate::apig::client::Credentials;
use crate::apig::models::ChannelRequest;

#[tokio::test]
async fn token_mode_sends_token_and_signs_nothing() {
    let s = server(vec![json(200, CHANNEL)]).await;
    let c = client(options(token()));
    let ch = c.show_channel(&s.target(), "ch1").await.unwrap();
    assert_eq!(ch.id, "ch1");
    assert_eq!(ch.channel_type, 2);
    let r = &s.requests()[0];
    assert_eq!(r.method, "GET");
    assert_eq!(r.target, "/v2/proj1/apigw/instances/inst1/vpc-channels/ch1");
    assert_eq!(r.header("x-auth-token"), Some("tok-SECRET-123456"));
    assert_eq!(r.header("x-project-id"), Some("proj1"));
    assert_eq!(r.header("accept"), Some("application/json"));
    assert_eq!(r.header("user-agent"), Some("clienttest/1.0"));
    assert_eq!(
        r.header("host"),
        Some(format!("127.0.0.1:{}", s.port).as_str())
    );
    for absent in [
        "authorization",
        "x-sdk-date",
        "x-security-token",
        "content-type",
    ] {
        assert_eq!(r.header(absent), None, "{absent}");
    }
}

#[tokio::test]
async fn aksk_post_is_signed_and_verifiable() {
    let s = server(vec![json(201, CHANNEL)]).await;
    let c = client(options(aksk()));
    c.create_channel(&s.target(), &request()).await.unwrap();
    let r = &s.requests()[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.target, "/v2/proj1/apigw/instances/inst1/vpc-channels");
    assert_eq!(r.header("content-type"), Some(JSON_CONTENT_TYPE));
    assert_eq!(r.header("x-security-token"), Some("sts-SECRET-token"));
    assert_eq!(
        r.header("host"),
        Some(format!("127.0.0.1:{}", s.port).as_str())
    );
    assert_eq!(r.header("x-auth-token"), None);
    let sent: ChannelRequest = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(sent, request());
    let auth = r.header("authorization").unwrap();
    assert!(
        auth.contains("SignedHeaders=content-type;host;x-project-id;x-sdk-date;x-security-token,")
    );
    assert_signature_verifies(r, &[]);
}

#[tokio::test]
async fn aksk_query_is_canonical_and_signed() {
    let s = server(vec![json(200, r#"{"total":0,"size":0,"vpc_channels":[]}"#)]).await;
    let c = client(options(Credentials::AkSk {
        ak: "AKIDEXAMPLE123".into(),
        sk: "sk-SECRET-abcdef".into(),
        security_token: None,
    }));
    let query = pairs(&[
        ("name", "a b+c/ü~"),
        ("limit", "10"),
        ("member_host", ""),
        ("id", "x&y=z"),
    ]);
    let list = c.list_channels(&s.target(), &query).await.unwrap();
    assert_eq!(list.total, 0);
    let r = &s.requests()[0];
    assert_eq!(r.path(), "/v2/proj1/apigw/instances/inst1/vpc-channels");
    assert_eq!(r.query(), signer::canonical_query(&query));
    assert_eq!(
        r.query(),
        "id=x%26y%3Dz&limit=10&member_host=&name=a%20b%2Bc%2F%C3%BC~"
    );
    assert_eq!(r.header("content-type"), None);
    assert_eq!(r.header("x-security-token"), None);
    assert!(r
        .header("authorization")
        .unwrap()
        .contains("SignedHeaders=host;x-project-id;x-sdk-date,"));
    assert_signature_verifies(r, &query);
}

#[test]
fn credentials_debug_hides_secrets() {
    let text = format!("{:?}", aksk());
    assert_eq!(
        text,
        r#"AkSk { ak: "AKID…", sk: "(sensitive)", security_token: Some("(sensitive)") }"#
    );
    assert_eq!(format!("{:?}", token()), r#"Token("(sensitive)")"#);
    let short = Credentials::AkSk {
        ak: "AK".into(),
        sk: "s".into(),
        security_token: None,
    };
    assert_eq!(
        format!("{short:?}"),
        r#"AkSk { ak: "…", sk: "(sensitive)", security_token: None }"#
    );
    for secretive in [
        format!("{:?}", options(aksk())),
        format!("{:#?}", client(options(aksk()))),
    ] {
        assert!(!secretive.contains("SECRET"), "{secretive}");
        assert!(!secretive.contains("EXAMPLE"), "{secretive}");
    }
}
