//! Channel IDs in API answers are checked like an import ID before they
//! reach state, and a create never leaves a channel unaccounted for.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use super::*;
use crate::apig::client::{ClientOptions, Credentials};
use crate::apig::models::ChannelRequest;
use crate::provider::gateway::is_api_id;
use crate::tfplugin::diag::has_errors;
use crate::tfplugin::typed::{value_of, view, Known};
use crate::tfplugin::value::Value;

/// Answers each request with `route(method, target)`; records the requests.
async fn api(route: fn(&str, &str, usize) -> (u16, String)) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            let head_end = loop {
                let Ok(n) = s.read(&mut chunk).await else {
                    break None;
                };
                if n == 0 {
                    break None;
                }
                buf.extend_from_slice(&chunk[..n]);
                if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    break Some(i + 4);
                }
            };
            let Some(head_end) = head_end else { continue };
            let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
            let len = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                })
                .unwrap_or(0);
            while buf.len() < head_end + len {
                match s.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            let mut words = head.split_whitespace();
            let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
            let posted = {
                let mut log = log.lock().unwrap();
                log.push(format!("{method} {target}"));
                log.iter().filter(|r| r.starts_with("POST")).count()
            };
            let (status, body) = route(method, target, posted);
            let reply = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = s.write_all(reply.as_bytes()).await;
        }
    });
    (base, seen)
}

fn channel_json(id: &str) -> String {
    serde_json::json!({"id": id, "name": "chan", "port": 22, "balance_strategy": 1,
        "member_type": "ip", "type": 2})
    .to_string()
}

const EMPTY: &str = r#"{"total":0,"size":0,"vpc_channels":[]}"#;

fn list_json(id: &str) -> String {
    format!(
        r#"{{"total":1,"size":1,"vpc_channels":[{}]}}"#,
        channel_json(id)
    )
}

fn setup(base: &str) -> (Client, Target, Location, ChannelRequest) {
    let opts = ClientOptions::new(Credentials::Token("t0ken-value".into()), "id-test/1");
    let client = Client::new(opts, CancellationToken::new()).unwrap();
    let target = Target {
        base_url: base.to_string(),
        project_id: "proj".into(),
        instance_id: "gw".into(),
    };
    let loc = Location {
        instance_id: "gw".into(),
        project_id: "proj".into(),
        region: None,
        endpoint: String::new(),
    };
    let body = ChannelRequest {
        name: "chan".into(),
        port: 22,
        balance_strategy: 1,
        member_type: "ip".into(),
        channel_type: Some(2),
        ..Default::default()
    };
    (client, target, loc, body)
}

fn posts(seen: &Mutex<Vec<String>>) -> usize {
    seen.lock()
        .unwrap()
        .iter()
        .filter(|r| r.starts_with("POST"))
        .count()
}

#[test]
fn channel_ids_are_checked_like_import_ids() {
    for ok in ["18174f5f4f1a4dc29f33aeadd9788e5f", "a-b_c"] {
        assert!(is_api_id(ok), "{ok}");
    }
    for bad in [
        "",
        ".",
        "..",
        "a?b#c",
        "a/b",
        "a b",
        "%2e%2e",
        &"a".repeat(65),
    ] {
        assert!(!is_api_id(bad), "{bad:?}");
    }
}

#[tokio::test]
async fn unusable_create_id_adopts_the_listed_channel() {
    let (base, seen) = api(|m, t, posted| match m {
        "POST" => (201, channel_json("..")),
        _ if posted > 0 && t.contains("name=chan") => (200, list_json("goodid1")),
        _ if t.contains("name=chan") => (200, EMPTY.into()),
        _ => (404, "{}".into()),
    })
    .await;
    let (client, target, loc, body) = setup(&base);
    let id = post_channel(&client, &client, &target, &loc, &body, 3)
        .await
        .unwrap();
    assert_eq!(id, "goodid1");
    assert_eq!(posts(&seen), 1, "created twice: {:?}", seen.lock().unwrap());
}

#[tokio::test]
async fn unusable_create_id_is_reported_exactly_and_never_created_again() {
    type Route = fn(&str, &str, usize) -> (u16, String);
    let routes: [Route; 2] = [
        // Not listed (yet).
        |m, _, _| match m {
            "POST" => (201, channel_json("a?b#c")),
            _ => (200, EMPTY.into()),
        },
        // Listed under the same unusable ID.
        |m, _, posted| match m {
            "POST" => (201, channel_json("a?b#c")),
            _ if posted == 0 => (200, EMPTY.into()),
            _ => (200, list_json("a?b#c")),
        },
    ];
    for route in routes {
        let (base, seen) = api(route).await;
        let (client, target, loc, body) = setup(&base);
        let d = post_channel(&client, &client, &target, &loc, &body, 3)
            .await
            .unwrap_err();
        assert_eq!(posts(&seen), 1, "created twice: {:?}", seen.lock().unwrap());
        for needle in ["\"chan\"", "gateway gw", "\"a?b#c\"", "exists"] {
            assert!(d.detail.contains(needle), "{needle} missing: {}", d.detail);
        }
    }
}

#[tokio::test]
async fn read_refuses_an_answer_for_another_id() {
    let (base, _) = api(|_, _, _| (200, channel_json(".."))).await;
    let (client, _, _, _) = setup(&base);
    let provider = crate::provider::config::schema().object_with(vec![
        ("token", Value::string("t0ken-value")),
        (
            "endpoints",
            Value::Map([("apig".to_string(), Value::string(&base))].into()),
        ),
    ]);
    let cfg = crate::provider::config::resolve(&provider, &|_| None).unwrap();
    let state = Channel {
        id: Tf::Known("goodid1".into()),
        instance_id: Tf::Known("gw".into()),
        project_id: Tf::Known("proj".into()),
        name: Tf::Known("chan".into()),
        ..Channel::default()
    }
    .to_known();
    let r = read(&cfg, &client, view(&state), Vec::new()).await;
    let r = StateResponse {
        state: value_of(r.state.as_ref()),
        private: r.private,
        diags: r.diags,
    };
    assert_eq!(r.state, state, "the answer must not be stored");
    assert!(has_errors(&r.diags));
    assert!(r.diags[0].detail.contains("\"..\""), "{:?}", r.diags);
}

/// Issue 18 item 1, the adoption rule: a channel of that name found before
/// the first POST is never sent for, adopted or changed; after an
/// ambiguous POST (503) a channel absent before is adopted only when it
/// holds what was sent.
#[tokio::test]
async fn a_colleagues_channel_is_never_adopted() {
    // Exists before: refused with the import command, nothing sent.
    let (base, seen) = api(|m, _, _| match m {
        "POST" => (503, r#"{"error_code":"APIGW.0203","error_msg":"x"}"#.into()),
        _ => (200, list_json("foreign1")),
    })
    .await;
    let (client, target, loc, body) = setup(&base);
    let d = post_channel(&client, &client, &target, &loc, &body, 3)
        .await
        .unwrap_err();
    assert_eq!(posts(&seen), 0, "{:?}", seen.lock().unwrap());
    assert!(
        d.detail
            .contains("terraform import huaweicloud_apig_vpc_channel.<name> gw/foreign1"),
        "{}",
        d.detail
    );
    // Appears during a 503 but differs from what was sent: refused.
    let (base, seen) = api(|m, _, posted| match m {
        "POST" => (503, r#"{"error_code":"APIGW.0203","error_msg":"x"}"#.into()),
        _ if posted == 0 => (200, EMPTY.into()),
        _ => (
            200,
            list_json("other1").replace("\"port\":22", "\"port\":80"),
        ),
    })
    .await;
    let (client, target, loc, body) = setup(&base);
    let d = post_channel(&client, &client, &target, &loc, &body, 3)
        .await
        .unwrap_err();
    assert_eq!(posts(&seen), 1);
    assert!(d.detail.contains("gw/other1"), "{}", d.detail);
    // Appears during a 503 and holds what was sent: our lost create.
    let (base, seen) = api(|m, _, posted| match m {
        "POST" => (503, r#"{"error_code":"APIGW.0203","error_msg":"x"}"#.into()),
        _ if posted == 0 => (200, EMPTY.into()),
        _ => (200, list_json("ours1")),
    })
    .await;
    let (client, target, loc, body) = setup(&base);
    let id = post_channel(&client, &client, &target, &loc, &body, 3)
        .await
        .unwrap();
    assert_eq!((id.as_str(), posts(&seen)), ("ours1", 1));
}
