//! Over real connections: the admin API refuses web pages, and slow or
//! numerous clients cannot hold the emulator.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::{start, Handle, Options};

/// Sends `req` raw and reads the answer (`None`: closed or no answer in 3 s).
async fn raw(h: &Handle, req: &str) -> Option<String> {
    let mut s = TcpStream::connect(h.addr).await.ok()?;
    s.write_all(req.as_bytes()).await.ok()?;
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(3), s.read_to_end(&mut out))
        .await
        .ok()?
        .ok()?;
    Some(String::from_utf8_lossy(&out).to_string())
}

fn status(answer: &Option<String>) -> u16 {
    answer
        .as_deref()
        .and_then(|a| a.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn post(host: &str, path: &str, extra: &str) -> String {
    format!("POST {path} HTTP/1.1\r\nHost: {host}\r\n{extra}Content-Length: 2\r\nConnection: close\r\n\r\n{{}}")
}

#[tokio::test]
async fn a_rebound_page_cannot_drive_the_admin_api() {
    let h = start(Options::default()).await.unwrap();
    let local = h.addr.to_string();
    let fault = r#"{"status":500}"#;
    let add = format!("POST /_emulator/faults HTTP/1.1\r\nHost: {local}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{fault}", fault.len());
    assert_eq!(status(&raw(&h, &add).await), 201);
    // The request of the security review.
    let evil = post(
        "rebind.evil.example",
        "/_emulator/reset",
        "Origin: http://evil.example\r\nContent-Type: text/plain\r\n",
    );
    assert_eq!(status(&raw(&h, &evil).await), 403);
    let text_plain = post(&local, "/_emulator/reset", "Content-Type: text/plain\r\n");
    assert_eq!(status(&raw(&h, &text_plain).await), 415);
    let other_origin = post(
        &local,
        "/_emulator/reset",
        "Origin: http://evil.example\r\nContent-Type: application/json\r\n",
    );
    assert_eq!(status(&raw(&h, &other_origin).await), 403);
    assert_eq!(
        h.emulator().faults.list().len(),
        1,
        "a refused request acted"
    );
    let ok = post(
        &local,
        "/_emulator/reset",
        "Content-Type: application/json\r\n",
    );
    assert_eq!(status(&raw(&h, &ok).await), 204);
    assert!(h.emulator().faults.list().is_empty());
    h.shutdown().await;
}

/// Issue 18 item 6: bound to loopback, the API routes too answer only a
/// loopback Host: a rebound page cannot use the default credentials.
#[tokio::test]
async fn a_rebound_page_cannot_reach_the_api() {
    let h = start(Options::default()).await.unwrap();
    let local = h.addr.to_string();
    let get = |host: &str| {
        format!("GET /v2/0123456789abcdef0123456789abcdef/apigw/instances/eddc4d25480b4cd6b512f270a1b8b341/vpc-channels HTTP/1.1\r\nHost: {host}\r\nX-Auth-Token: emulator-token\r\nConnection: close\r\n\r\n")
    };
    assert_eq!(status(&raw(&h, &get("rebind.evil.example")).await), 403);
    assert_eq!(status(&raw(&h, &get(&local)).await), 200);
    h.shutdown().await;
}

#[tokio::test]
async fn admin_token_is_required_when_set() {
    let h = start(Options {
        admin_token: Some("s3cret-admin".into()),
        ..Options::default()
    })
    .await
    .unwrap();
    let get = |auth: &str| {
        format!(
            "GET /_emulator/health HTTP/1.1\r\nHost: localhost\r\n{auth}Connection: close\r\n\r\n"
        )
    };
    assert_eq!(status(&raw(&h, &get("")).await), 401);
    let bad = get("Authorization: Bearer nope\r\n");
    assert_eq!(status(&raw(&h, &bad).await), 401);
    let good = get("Authorization: Bearer s3cret-admin\r\n");
    assert_eq!(status(&raw(&h, &good).await), 200);
    h.shutdown().await;
}

#[tokio::test]
async fn partial_headers_are_cut_off() {
    let h = start(Options {
        header_timeout: Duration::from_millis(300),
        ..Options::default()
    })
    .await
    .unwrap();
    let mut s = TcpStream::connect(h.addr).await.unwrap();
    s.write_all(b"GET /_emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow")
        .await
        .unwrap();
    let started = Instant::now();
    let mut buf = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf)).await;
    assert!(
        closed.is_ok(),
        "a half-sent request kept its connection for 5 s"
    );
    assert!(started.elapsed() >= Duration::from_millis(250));
    // A complete request is still served.
    let ok = "GET /_emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    assert_eq!(status(&raw(&h, ok).await), 200);
    h.shutdown().await;
}

#[tokio::test]
async fn connections_beyond_the_cap_wait() {
    let h = start(Options {
        max_connections: 2,
        ..Options::default()
    })
    .await
    .unwrap();
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut s = TcpStream::connect(h.addr).await.unwrap();
        s.write_all(b"GET /_emulator/health HTTP/1.1\r\n")
            .await
            .unwrap();
        held.push(s);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let ok = "GET /_emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    let waiting = {
        let addr = h.addr;
        tokio::spawn(async move {
            let mut s = TcpStream::connect(addr).await.unwrap();
            s.write_all(ok.as_bytes()).await.unwrap();
            let mut out = Vec::new();
            let _ = s.read_to_end(&mut out).await;
            (Instant::now(), String::from_utf8_lossy(&out).to_string())
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        !waiting.is_finished(),
        "a third connection was served over the cap of 2"
    );
    let freed = Instant::now();
    drop(held.pop());
    let (answered, text) = tokio::time::timeout(Duration::from_secs(5), waiting)
        .await
        .expect("served once a slot is free")
        .unwrap();
    assert!(answered >= freed);
    assert_eq!(status(&Some(text)), 200);
    drop(held);
    h.shutdown().await;
}

/// Issue 18 item 6: a client that never reads its (large) answers does not
/// hold its connection: a write blocked for `--header-timeout` ends it, and
/// the next client (over a cap of one connection) is served.
#[tokio::test]
async fn a_client_that_never_reads_does_not_hold_the_connection() {
    let h = start(Options {
        header_timeout: Duration::from_millis(500),
        max_connections: 1,
        ..Options::default()
    })
    .await
    .unwrap();
    h.emulator().faults.add(super::FaultRule {
        status: Some(500),
        error_msg: Some("x".repeat(1 << 20)),
        count: Some(0),
        ..Default::default()
    });
    let mut hog = TcpStream::connect(h.addr).await.unwrap();
    let one = "GET /v2/p/apigw/instances/i/vpc-channels HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    hog.write_all(one.repeat(64).as_bytes()).await.unwrap();
    let ok = "GET /_emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    // A bound, not a timing: without the write limit this never answers.
    let answer = tokio::time::timeout(Duration::from_secs(30), raw_unbounded(&h, ok))
        .await
        .expect("the next client was never served");
    assert_eq!(status(&answer), 200);
    drop(hog);
    h.shutdown().await;
}

async fn raw_unbounded(h: &Handle, req: &str) -> Option<String> {
    let mut s = TcpStream::connect(h.addr).await.ok()?;
    s.write_all(req.as_bytes()).await.ok()?;
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.ok()?;
    Some(String::from_utf8_lossy(&out).to_string())
}
