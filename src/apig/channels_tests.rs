//! Against the in-process emulator, which pages and filters as the API does.

use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::*;
use crate::apig::client::{ClientOptions, Credentials};
use crate::apig::list::{MAX_LIST_ITEMS, PAGE_LIMIT};
use crate::apig::models::{ChannelRequest, MemberInfo};
use crate::emulator::{self, FaultRule, Handle, Options, DEFAULT_TOKEN};

const GW: &str = "0123456789abcdef0123456789abcdef";

async fn setup(quota: usize) -> (Handle, Client, Target) {
    let h = emulator::start(Options {
        instances: vec![GW.into()],
        quota,
        ..Options::default()
    })
    .await
    .unwrap();
    let mut o = ClientOptions::new(Credentials::Token(DEFAULT_TOKEN.into()), "list-test/1");
    o.backoff_base = Duration::from_millis(1);
    o.backoff_cap = Duration::from_millis(5);
    let c = Client::new(o, CancellationToken::new()).unwrap();
    let t = Target {
        base_url: h.url.clone(),
        project_id: "proj".into(),
        instance_id: GW.into(),
    };
    (h, c, t)
}

fn req(name: &str, host: &str) -> ChannelRequest {
    ChannelRequest {
        name: name.into(),
        port: 80,
        balance_strategy: 1,
        member_type: "ip".into(),
        members: Some(vec![MemberInfo {
            host: Some(host.into()),
            ..Default::default()
        }]),
        ..Default::default()
    }
}

/// Creates `n` channels `ch_0000`.. (8 at a time); returns their ids.
async fn seed(c: &Client, t: &Target, n: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for chunk in (0..n).collect::<Vec<_>>().chunks(8) {
        let mut set = JoinSet::new();
        for &i in chunk {
            let (c, t) = (c.clone(), t.clone());
            set.spawn(async move {
                c.create_channel(&t, &req(&format!("ch_{i:04}"), "10.0.0.1"))
                    .await
                    .unwrap()
                    .id
            });
        }
        while let Some(id) = set.join_next().await {
            ids.push(id.unwrap());
        }
    }
    ids
}

#[test]
fn filter_query() {
    assert!(ChannelFilter::default().query().is_empty());
    let f = ChannelFilter {
        id: Some("abc".into()),
        name: Some("web".into()),
        precise_search: vec!["name".into(), "member_group_name".into()],
        member_host: Some("10.0.0.1".into()),
        member_port: Some(8080),
        member_group_name: Some("blue".into()),
        member_group_id: Some("".into()),
        dict_code: Some("dc".into()),
        vpc_channel_type: Some("reference".into()),
    };
    let q: Vec<String> = f.query().iter().map(|(k, v)| format!("{k}={v}")).collect();
    assert_eq!(
        q,
        [
            "id=abc",
            "name=web",
            "member_host=10.0.0.1",
            "member_port=8080",
            "member_group_name=blue",
            "dict_code=dc",
            "vpc_channel_type=reference",
            "precise_search=name,member_group_name"
        ]
    );
}

#[tokio::test]
async fn reads_every_page_of_500() {
    let (h, c, t) = setup(2_000).await;
    let ids = seed(&c, &t, 1_001).await;
    h.emulator().clear_requests();
    let all = c
        .list_all_channels(&t, &ChannelFilter::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 1_001);
    let mut got: Vec<String> = all.iter().map(|c| c.id.clone()).collect();
    let mut want = ids.clone();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    let pages: Vec<(String, String)> = h
        .emulator()
        .requests(None)
        .iter()
        .map(|r| (r.query["offset"].to_string(), r.query["limit"].to_string()))
        .collect();
    let q = |o: &str| (format!("\"{o}\""), "\"500\"".to_string());
    assert_eq!(pages, [q("0"), q("500"), q("1000")]);

    // a filter is sent on every page, and narrows the result
    let some = c
        .list_all_channels(
            &t,
            &ChannelFilter {
                name: Some("ch_00".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(some.len(), 100);
    h.shutdown().await;
}

#[tokio::test]
async fn exact_name_lookup() {
    let (h, c, t) = setup(30).await;
    c.create_channel(&t, &req("web", "10.0.0.1")).await.unwrap();
    c.create_channel(&t, &req("web_2", "10.0.0.1"))
        .await
        .unwrap();
    let found = c.find_channels_by_name(&t, "web").await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].name, "web");
    assert!(c.find_channels_by_name(&t, "we").await.unwrap().is_empty());
    // without the name check, names repeat: both are found
    h.emulator().set_quirks(false);
    c.create_channel(&t, &req("web", "10.0.0.2")).await.unwrap();
    assert_eq!(c.find_channels_by_name(&t, "web").await.unwrap().len(), 2);
    h.shutdown().await;
}

#[tokio::test]
async fn details_keep_order_with_bounded_concurrency_and_retries() {
    let (h, c, t) = setup(100).await;
    let mut ids = seed(&c, &t, 20).await;
    ids.reverse();
    // every first attempt of 5 shows fails with a 503: retries must cover them
    h.emulator()
        .add_fault(FaultRule {
            method: Some("GET".into()),
            path_contains: Some("/vpc-channels/".into()),
            status: Some(503),
            count: Some(5),
            ..Default::default()
        })
        .unwrap();
    h.emulator().set_latency_ms(40);
    let started = Instant::now();
    let got = c.show_channels(&t, &ids, 4).await.unwrap();
    // 25 requests, 4 at a time, 40 ms each: never under 7 rounds
    assert!(started.elapsed() >= Duration::from_millis(7 * 40));
    let got_ids: Vec<&str> = got.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(got_ids, ids.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(got.iter().all(|c| c.members.as_ref().unwrap().len() == 1));
    h.shutdown().await;
}

#[tokio::test]
async fn details_skip_deleted_and_fail_on_errors() {
    let (h, c, t) = setup(30).await;
    let ids = seed(&c, &t, 3).await;
    c.delete_channel(&t, &ids[1]).await.unwrap();
    let got = c.show_channels(&t, &ids, 2).await.unwrap();
    assert_eq!(got.len(), 2);
    assert!(c.show_channels(&t, &[], 2).await.unwrap().is_empty());
    h.emulator()
        .add_fault(FaultRule {
            method: Some("GET".into()),
            status: Some(403),
            count: Some(1),
            ..Default::default()
        })
        .unwrap();
    let e = c.show_channels(&t, &ids, 2).await.unwrap_err();
    assert_eq!(e.status(), Some(403));
    h.shutdown().await;
}

/// A hostile server: pages answered by `page(offset)`, counted.
async fn hostile(
    page: fn(usize) -> String,
) -> (Target, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", l.local_addr().unwrap());
    let hits = std::sync::Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            let mut buf = vec![0u8; 8192];
            let n = s.read(&mut buf).await.unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]).to_string();
            let offset = head
                .split(['?', '&', ' '])
                .find_map(|p| p.strip_prefix("offset="))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            h.fetch_add(1, Ordering::SeqCst);
            let body = page(offset);
            let reply = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = s.write_all(reply.as_bytes()).await;
        }
    });
    let t = Target {
        base_url: base,
        project_id: "proj".into(),
        instance_id: GW.into(),
    };
    (t, hits)
}

fn page_of(first: usize) -> String {
    let items: Vec<String> = (first..first + PAGE_LIMIT)
        .map(|i| format!(r#"{{"id":"c{i:010}","name":"n{i}","port":80,"balance_strategy":1,"member_type":"ip","type":2}}"#))
        .collect();
    format!(
        r#"{{"total":1000000000000,"size":{},"vpc_channels":[{}]}}"#,
        PAGE_LIMIT,
        items.join(",")
    )
}

/// Issue 18 item 6: `total = 10^12` with endless unique pages stops at the
/// cap with a clear error; the same page over and over ends the listing.
#[tokio::test]
async fn a_listing_is_capped_and_stops_when_nothing_is_new() {
    use std::sync::atomic::Ordering;
    let c = Client::new(
        ClientOptions::new(Credentials::Token("t0ken-value".into()), "list-test/1"),
        CancellationToken::new(),
    )
    .unwrap();
    let (t, hits) = hostile(page_of).await;
    let e = c
        .list_all_channels(&t, &ChannelFilter::default())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("narrow it with a filter"), "{e}");
    assert!(
        hits.load(Ordering::SeqCst) <= MAX_LIST_ITEMS / PAGE_LIMIT + 1,
        "{} pages",
        hits.load(Ordering::SeqCst)
    );
    let (t, hits) = hostile(|_| page_of(0)).await;
    let all = c
        .list_all_channels(&t, &ChannelFilter::default())
        .await
        .unwrap();
    assert_eq!((all.len(), hits.load(Ordering::SeqCst)), (PAGE_LIMIT, 2));
}
