use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::*;
use crate::apig::client::test_server::*;
use crate::apig::client::{ApiError, Client, Target};
use std::sync::atomic::Ordering;

#[tokio::test]
async fn cancellation_while_waiting_for_an_answer() {
    let s = server(vec![Reply::Hang]).await;
    let cancel = CancellationToken::new();
    let c = Client::new(options(token()), cancel.clone()).unwrap();
    let start = Instant::now();
    let task = tokio::spawn({
        let t = s.target();
        async move { c.create_channel(&t, &request()).await }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    cancel.cancel();
    let err = task.await.unwrap().unwrap_err();
    assert_eq!(err, ApiError::Cancelled);
    assert!(start.elapsed() < Duration::from_secs(3));
    assert!(err.may_have_been_applied());
}

#[tokio::test]
async fn too_large_and_cut_bodies() {
    // Declared larger than the cap: refused without reading it.
    let huge = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{{\"id\":",
        MAX_BODY_BYTES + 1
    );
    let s = server(vec![Reply::Raw(huge.into_bytes())]).await;
    let err = client(options(token()))
        .show_channel(&s.target(), "ch1")
        .await
        .unwrap_err();
    match &err {
        ApiError::Decode {
            status: 200,
            message,
        } => assert!(message.contains("larger than 16 MiB")),
        other => panic!("{other:?}"),
    }

    // Chunked, no length: stopped at the cap.
    let mut chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..17 {
        chunked.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        chunked.extend_from_slice(&chunk);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let s = server(vec![Reply::Raw(chunked)]).await;
    let err = client(options(token()))
        .show_channel(&s.target(), "ch1")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ApiError::Decode { message, .. } if message.contains("larger than")),
        "{err:?}"
    );

    // Shorter than declared, then closed: a transport error, retried
    // for GET.
    let cut = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"id\":\"ch1\"".to_vec();
    let s = server(vec![Reply::Raw(cut)]).await;
    let mut o = options(token());
    o.max_retries = 1;
    let err = client(o)
        .show_channel(&s.target(), "ch1")
        .await
        .unwrap_err();
    assert_eq!(s.count(), 2);
    match &err {
        ApiError::Transport {
            maybe_committed: true,
            message,
        } => {
            assert!(
                message.starts_with("connection lost while reading the response"),
                "{message}"
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn futures_and_client_are_send_and_sync() {
    fn send<T: Send>(_: &T) {}
    fn sync<T: Send + Sync>() {}
    sync::<Client>();
    sync::<ApiError>();
    let c = client(options(token()));
    let t = Target {
        base_url: "http://127.0.0.1:9".into(),
        project_id: "p".into(),
        instance_id: "i".into(),
    };
    let r = request();
    send(&c.create_channel(&t, &r));
    send(&c.update_channel(&t, "x", &r));
    send(&c.show_channel(&t, "x"));
    send(&c.delete_channel(&t, "x"));
    send(&c.list_channels(&t, &[]));
    send(&c.find_channel_by_name(&t, "x"));
    send(&c.list_members(&t, "x", &[]));
}

#[tokio::test]
async fn tls_verification_and_insecure() {
    let s = tls_server(vec![json(200, CHANNEL)]).await;
    let t = Target {
        base_url: format!("https://localhost:{}", s.port),
        ..s.target()
    };
    let mut o = options(aksk());
    o.max_retries = 3;
    let err = client(o.clone()).show_channel(&t, "ch1").await.unwrap_err();
    match &err {
        ApiError::Transport {
            maybe_committed: false,
            message,
        } => assert!(
            message.starts_with("TLS handshake with localhost:"),
            "{message}"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(s.state.connections.load(Ordering::SeqCst), 1, "not retried");
    assert_eq!(s.count(), 0);

    o.insecure = true;
    let ch = client(o).show_channel(&t, "ch1").await.unwrap();
    assert_eq!(ch.id, "ch1");
    let r = &s.requests()[0];
    assert_eq!(
        r.header("host"),
        Some(format!("localhost:{}", s.port).as_str())
    );
    assert_signature_verifies(r, &[]);
}

#[tokio::test]
async fn connections_are_reused() {
    let s = server(vec![json(200, CHANNEL)]).await;
    let c = client(options(token()));
    for _ in 0..5 {
        c.show_channel(&s.target(), "ch1").await.unwrap();
    }
    assert_eq!(s.count(), 5);
    assert_eq!(s.state.connections.load(Ordering::SeqCst), 1);
}
