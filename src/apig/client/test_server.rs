//! A scripted HTTP(S) server on loopback that records what the client sent.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

use super::auth::unix_now;
use super::*;
use crate::apig::models::ChannelRequest;
use crate::apig::signer;

/// A request as the test server received it.
#[derive(Clone, Debug)]
pub(super) struct Recorded {
    pub(super) method: String,
    pub(super) target: String,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: Vec<u8>,
}

impl Recorded {
    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub(super) fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }
    pub(super) fn query(&self) -> &str {
        self.target
            .split_once('?')
            .map(|(_, q)| q)
            .unwrap_or_default()
    }
}

/// What the server does with one request.
#[derive(Clone)]
pub(super) enum Reply {
    Http(u16, Vec<(&'static str, String)>, String),
    /// Close the connection without answering.
    Close,
    /// Never answer.
    Hang,
    /// Write these bytes, then close.
    Raw(Vec<u8>),
}

pub(super) fn json(status: u16, body: &str) -> Reply {
    Reply::Http(
        status,
        vec![("Content-Type", "application/json".into())],
        body.into(),
    )
}

#[derive(Default)]
pub(super) struct State {
    pub(super) requests: Mutex<Vec<Recorded>>,
    /// Replies in order; the last one repeats.
    pub(super) script: Mutex<VecDeque<Reply>>,
    pub(super) connections: AtomicUsize,
}

impl State {
    pub(super) fn next_reply(&self) -> Reply {
        let mut script = self.script.lock().unwrap();
        if script.len() > 1 {
            script.pop_front().unwrap()
        } else {
            script.front().cloned().unwrap_or(Reply::Close)
        }
    }
}

pub(super) struct Server {
    pub(super) port: u16,
    pub(super) state: Arc<State>,
}

impl Server {
    pub(super) fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
    pub(super) fn target(&self) -> Target {
        Target {
            base_url: self.base(),
            project_id: "proj1".into(),
            instance_id: "inst1".into(),
        }
    }
    pub(super) fn requests(&self) -> Vec<Recorded> {
        self.state.requests.lock().unwrap().clone()
    }
    pub(super) fn count(&self) -> usize {
        self.state.requests.lock().unwrap().len()
    }
}

pub(super) async fn server(replies: Vec<Reply>) -> Server {
    listen(replies, serve).await
}

/// Plays `replies` on a free loopback port; `conn` serves each connection
/// on a task of its own.
async fn listen<F, Fut>(replies: Vec<Reply>, conn: F) -> Server
where
    F: Fn(TcpStream, Arc<State>) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let state = Arc::new(State::default());
    *state.script.lock().unwrap() = replies.into();
    let shared = state.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            shared.connections.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(conn(stream, shared.clone()));
        }
    });
    Server { port, state }
}

/// HTTP/1.1 with keep-alive, just enough for reqwest.
pub(super) async fn serve<S: AsyncRead + AsyncWrite + Unpin>(stream: S, state: Arc<State>) {
    let mut stream = BufReader::new(stream);
    loop {
        let mut line = String::new();
        if stream.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_string();
        let target = parts.next().unwrap_or_default().to_string();
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            if stream.read_line(&mut h).await.unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            let (n, v) = h.split_once(':').unwrap();
            headers.push((n.to_string(), v.trim().to_string()));
        }
        let len = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .map(|(_, v)| v.parse::<usize>().unwrap())
            .unwrap_or(0);
        let mut body = vec![0; len];
        stream.read_exact(&mut body).await.unwrap();
        state.requests.lock().unwrap().push(Recorded {
            method,
            target,
            headers,
            body,
        });
        match state.next_reply() {
            Reply::Http(status, extra, body) => {
                let mut out = format!(
                    "HTTP/1.1 {status} Whatever\r\nContent-Length: {}\r\n",
                    body.len()
                );
                for (n, v) in extra {
                    out.push_str(&format!("{n}: {v}\r\n"));
                }
                out.push_str("\r\n");
                out.push_str(&body);
                if stream.write_all(out.as_bytes()).await.is_err() {
                    return;
                }
                let _ = stream.flush().await;
            }
            Reply::Close => return,
            Reply::Hang => std::future::pending::<()>().await,
            Reply::Raw(bytes) => {
                let _ = stream.write_all(&bytes).await;
                let _ = stream.flush().await;
                return;
            }
        }
    }
}

pub(super) const CHANNEL: &str = r#"{"id":"ch1","name":"VPC_demo","port":22,"balance_strategy":1,
        "member_type":"ip","type":2,"status":1,"brand_new_field":{"x":[1,2]}}"#;

pub(super) fn token() -> Credentials {
    Credentials::Token("tok-SECRET-123456".into())
}

pub(super) fn aksk() -> Credentials {
    Credentials::AkSk {
        ak: "AKIDEXAMPLE123".into(),
        sk: "sk-SECRET-abcdef".into(),
        security_token: Some("sts-SECRET-token".into()),
    }
}

/// Fast backoff so that retry tests take milliseconds.
pub(super) fn options(credentials: Credentials) -> ClientOptions {
    let mut o = ClientOptions::new(credentials, "clienttest/1.0");
    o.backoff_base = Duration::from_millis(1);
    o.backoff_cap = Duration::from_millis(5);
    o.request_timeout = Duration::from_secs(10);
    o.user_agent = "clienttest/1.0".into();
    o
}

pub(super) fn client(o: ClientOptions) -> Client {
    Client::new(o, CancellationToken::new()).unwrap()
}

pub(super) fn request() -> ChannelRequest {
    ChannelRequest {
        name: "VPC_demo".into(),
        port: 22,
        balance_strategy: 1,
        member_type: "ip".into(),
        channel_type: Some(2),
        ..Default::default()
    }
}

pub(super) fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Recomputes the signature from what the server received.
pub(super) fn assert_signature_verifies(r: &Recorded, query: &[(String, String)]) {
    let auth = r.header("authorization").expect("Authorization sent");
    let parsed = signer::parse_authorization(auth).expect("well-formed Authorization");
    assert_eq!(parsed.access, "AKIDEXAMPLE123");
    let headers: Vec<(String, String)> = parsed
        .signed_headers
        .iter()
        .map(|name| {
            let value = r.header(name).unwrap_or_else(|| panic!("{name} not sent"));
            (name.clone(), value.to_string())
        })
        .collect();
    let input = signer::SigningInput {
        method: &r.method,
        path: r.path(),
        query,
        headers: &headers,
        body: &r.body,
    };
    let signed = signer::sign("AKIDEXAMPLE123", "sk-SECRET-abcdef", &input);
    assert_eq!(signed.authorization, auth);
    assert!(signer::verify(
        "sk-SECRET-abcdef",
        &input,
        &parsed.signature
    ));
    let date = signer::parse_sdk_date(r.header("x-sdk-date").unwrap()).unwrap();
    assert!((date - unix_now()).abs() < 60, "X-Sdk-Date is now");
}
/// A TLS server with a self-signed certificate.
pub(super) async fn tls_server(replies: Vec<Reply>) -> Server {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let cert = certified.cert.der().clone();
    let key = rustls_pki_types::PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    listen(replies, move |stream, shared| {
        let acceptor = acceptor.clone();
        async move {
            if let Ok(tls) = acceptor.accept(stream).await {
                serve(tls, shared).await;
            }
        }
    })
    .await
}
