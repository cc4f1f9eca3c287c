//! Library level: `Client` calls against every malformed answer.

use std::time::Duration;

use crate::answers::{bodies, Expect, ID, NAME, PROXY_502};
use crate::common::TOKEN;
use crate::fake::{http, json_ok, FakeApi};
use hwprovider::apig::client::{ApiError, Client, ClientOptions, Credentials};
use hwprovider::apig::models::ChannelRequest;
use tokio_util::sync::CancellationToken;

fn client(max_retries: u32) -> Client {
    let mut o = ClientOptions::new(Credentials::Token(TOKEN.into()), "malformed-test/1");
    o.max_retries = max_retries;
    o.backoff_base = Duration::from_millis(1);
    o.request_timeout = Duration::from_secs(10);
    Client::new(o, CancellationToken::new()).unwrap()
}

fn request() -> ChannelRequest {
    ChannelRequest {
        name: NAME.into(),
        port: 80,
        balance_strategy: 1,
        member_type: "ip".into(),
        ..Default::default()
    }
}

fn kind(e: &ApiError) -> Expect {
    match e {
        ApiError::Decode { .. } => Expect::Decode,
        ApiError::Api { status, .. } => Expect::Api(*status),
        ApiError::Transport { .. } => Expect::Transport,
        ApiError::Cancelled => panic!("nothing cancels these calls"),
    }
}

/// A readable message: present, one screen at most, no raw control bytes.
#[track_caller]
fn readable(case: &str, op: &str, e: &ApiError) {
    let msg = e.to_string();
    assert!(!msg.trim().is_empty(), "{case} / {op}: empty message");
    assert!(
        msg.chars().count() <= 2500,
        "{case} / {op}: message of {} chars",
        msg.len()
    );
    assert!(
        !msg.chars().any(|c| c.is_control() && c != '\n'),
        "{case} / {op}: control characters in {msg:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_survives_every_malformed_answer() {
    let cases = bodies();
    let api = FakeApi::start(|_| json_ok(200, "{}"));
    let (c, t) = (client(0), api.target());
    let mut tried = 0;
    for (case, answer, expect) in &cases {
        let a = answer.clone();
        api.set(move |_| a.clone());

        let show = tokio::time::timeout(Duration::from_secs(20), c.show_channel(&t, ID))
            .await
            .unwrap_or_else(|_| panic!("{case}: show hangs"));
        match (&show, expect) {
            (Ok(ch), Expect::Parses) => assert_eq!(ch.id, ID, "{case}"),
            (Ok(ch), _) => panic!("{case}: show parsed {ch:?}, expected {expect:?}"),
            (Err(e), _) => {
                assert_eq!(kind(e), *expect, "{case}: show gave {e}");
                readable(case, "show", e);
            }
        }

        let create =
            tokio::time::timeout(Duration::from_secs(20), c.create_channel(&t, &request()))
                .await
                .unwrap_or_else(|_| panic!("{case}: create hangs"));
        match (&create, expect) {
            (Ok(_), Expect::Parses) => {}
            (Ok(ch), _) => panic!("{case}: create parsed {ch:?}"),
            (Err(e), _) => {
                assert_eq!(kind(e), *expect, "{case}: create gave {e}");
                readable(case, "create", e);
                // A 2xx that cannot be read, a 5xx, or a connection lost
                // after sending: the channel may exist.
                let maybe = matches!(expect, Expect::Decode | Expect::Transport)
                    || matches!(expect, Expect::Api(s) if *s >= 500);
                assert_eq!(e.may_have_been_applied(), maybe, "{case}: {e:?}");
            }
        }

        // List and delete must not panic either, whatever they make of it.
        let list = tokio::time::timeout(Duration::from_secs(20), c.list_channels(&t, &[]))
            .await
            .unwrap_or_else(|_| panic!("{case}: list hangs"));
        if let Err(e) = &list {
            readable(case, "list", e);
        }
        let find = tokio::time::timeout(Duration::from_secs(20), c.find_channel_by_name(&t, NAME))
            .await
            .unwrap_or_else(|_| panic!("{case}: find hangs"));
        if let Err(e) = &find {
            readable(case, "find", e);
        }
        let delete = tokio::time::timeout(Duration::from_secs(20), c.delete_channel(&t, ID))
            .await
            .unwrap_or_else(|_| panic!("{case}: delete hangs"));
        if let Err(e) = &delete {
            readable(case, "delete", e);
        }
        tried += 1;
    }
    eprintln!(
        "malformed answers tried at library level: {tried} (x show, create, list, find, delete)"
    );
    assert!(tried >= 45, "the table shrank: {tried}");
}

/// Retried calls give up on a malformed 5xx after max_retries, with the
/// message of the last answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retried_malformed_answers_end_in_one_error() {
    let api = FakeApi::start(|_| http(502, "text/html", PROXY_502));
    let c = client(3);
    let e = c.show_channel(&api.target(), ID).await.unwrap_err();
    assert_eq!(kind(&e), Expect::Api(502));
    assert!(e.to_string().contains("502 Bad Gateway nginx"), "{e}");
    assert_eq!(api.requests().len(), 4, "one try and 3 retries");
    // A POST 502 is not retried by the client (the caller looks up by name).
    api.clear();
    let e = c
        .create_channel(&api.target(), &request())
        .await
        .unwrap_err();
    assert!(e.may_have_been_applied());
    assert_eq!(api.requests().len(), 1);
}
