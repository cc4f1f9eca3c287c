//! HTTP plumbing on raw hyper 1: accept loop, optional TLS, bounded bodies,
//! fault injection and request recording around the API handlers.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use hyper::body::{Body as HttpBody, Bytes, Frame, Incoming, SizeHint};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{HeaderMap, Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

use super::auth::AuthKind;
use super::clock::unix_millis;
use super::error::ApiError;
use super::faults::FaultRule;
use super::generated::new_id;
use super::query::parse_query;
use super::{admin, api, persist, Emulator, Recorded};

/// Largest request body accepted.
pub const MAX_BODY: usize = 1 << 20;

/// A whole response body in one chunk.
pub struct Body(Option<Bytes>);

impl Body {
    pub fn empty() -> Self {
        Body(None)
    }
}

impl From<Vec<u8>> for Body {
    fn from(v: Vec<u8>) -> Self {
        if v.is_empty() {
            Body(None)
        } else {
            Body(Some(Bytes::from(v)))
        }
    }
}

impl HttpBody for Body {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.get_mut().0.take().map(|b| Ok(Frame::data(b))))
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.0.as_ref().map_or(0, |b| b.len() as u64))
    }
}

/// Returned by the service to make hyper close the connection unanswered.
#[derive(Debug)]
pub struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for Dropped {}

/// A response before it becomes one: status, JSON body, extra headers.
pub struct Reply {
    pub status: u16,
    pub body: Option<serde_json::Value>,
    pub headers: Vec<(&'static str, String)>,
}

impl Reply {
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Reply {
            status,
            body: Some(body),
            headers: Vec::new(),
        }
    }

    pub fn no_content() -> Self {
        Reply {
            status: 204,
            body: None,
            headers: Vec::new(),
        }
    }

    /// An error answer; a body's `request_id` is also the header's.
    pub fn error(e: &ApiError) -> Self {
        let mut r = Self::json(e.status, e.body());
        if let Some(id) = &e.request_id {
            r.headers.push(("x-request-id", id.clone()));
        }
        r
    }

    pub fn into_response(self) -> Response<Body> {
        let bytes = self
            .body
            .as_ref()
            .map(|b| serde_json::to_vec(b).unwrap_or_default())
            .unwrap_or_default();
        let mut r = Response::builder().status(self.status);
        if !self.headers.iter().any(|(k, _)| *k == "x-request-id") {
            r = r.header("x-request-id", new_id());
        }
        if self.body.is_some() {
            r = r.header("content-type", "application/json;charset=UTF-8");
        }
        for (k, v) in self.headers {
            r = r.header(k, v);
        }
        r.body(Body::from(bytes)).unwrap_or_else(|_| {
            let mut fallback = Response::new(Body::empty());
            *fallback.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
            fallback
        })
    }
}

pub enum BodyError {
    TooLarge,
    Broken,
}

/// Reads a body of at most `MAX_BODY` bytes, giving up on a client slower
/// than `limit` (`--header-timeout`).
pub async fn read_body(
    mut body: Incoming,
    headers: &HeaderMap,
    limit: Duration,
) -> Result<Bytes, BodyError> {
    let declared = headers
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return Err(BodyError::TooLarge);
    }
    let read = async {
        let mut buf: Vec<u8> = Vec::new();
        while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await
        {
            let frame = frame.map_err(|_| BodyError::Broken)?;
            if let Ok(data) = frame.into_data() {
                if buf.len() + data.len() > MAX_BODY {
                    return Err(BodyError::TooLarge);
                }
                buf.extend_from_slice(&data);
            }
        }
        Ok(Bytes::from(buf))
    };
    tokio::time::timeout(limit, read)
        .await
        .unwrap_or(Err(BodyError::Broken))
}

async fn handle(emu: Arc<Emulator>, req: Request<Incoming>) -> Result<Response<Body>, Dropped> {
    let (parts, body) = req.into_parts();
    if let Err(refused) = emu.admin_guard.check_host(&parts) {
        return Ok(refused.into_response());
    }
    let req = Request::from_parts(parts, body);
    let path = req.uri().path();
    if path == "/_emulator" || path.starts_with("/_emulator/") {
        return Ok(admin::handle(&emu, req).await.into_response());
    }
    api_request(emu, req).await
}

/// Recorded bodies are capped: the log holds thousands of them.
const MAX_RECORDED_BODY: usize = 64 * 1024;

async fn api_request(
    emu: Arc<Emulator>,
    req: Request<Incoming>,
) -> Result<Response<Body>, Dropped> {
    let started = Instant::now();
    let at_ms = unix_millis();
    let (parts, body) = req.into_parts();
    let (method, path) = (parts.method.as_str(), parts.uri.path());

    let latency = emu.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let fault = emu.faults.take(method, path);
    if let Some(ms) = fault.as_ref().and_then(|f| f.latency_ms) {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    let body = read_body(body, &parts.headers, emu.header_timeout).await;
    let mut rec = recorded(&parts, at_ms, &body, fault.is_some());
    let finish = |mut rec: Recorded, status: u16, dropped: bool| {
        rec.status = status;
        rec.dropped = dropped;
        rec.duration_ms = started.elapsed().as_millis() as u64;
        emu.record(rec);
    };

    if let Some(f) = &fault {
        if f.drop {
            finish(rec, 0, true);
            return Err(Dropped);
        }
        if let Some(reply) = injected_error(f) {
            finish(rec, reply.status, false);
            return Ok(reply.into_response());
        }
    }

    let (auth, reply) = match body {
        Ok(bytes) => api::dispatch(&emu, &parts, &bytes).await,
        Err(BodyError::TooLarge) => {
            let mut r = Reply::error(&ApiError::body_too_large());
            r.headers.push(("connection", "close".into()));
            (AuthKind::None, r)
        }
        Err(BodyError::Broken) => {
            finish(rec, 0, true);
            return Err(Dropped);
        }
    };
    rec.auth = auth;
    let status = reply.status;
    let drop_now = fault.as_ref().is_some_and(|f| f.drop_after_commit);
    if emu.verbose {
        eprintln!(
            "apig-emulator: {method} {path} -> {status}{}",
            if drop_now { " (dropped)" } else { "" }
        );
    }
    finish(rec, status, drop_now);
    if drop_now {
        return Err(Dropped);
    }
    if let Some(ms) = fault.as_ref().and_then(|f| f.answer_delay_ms) {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    Ok(reply.into_response())
}

/// The log entry of a request as it arrived; status, auth and duration
/// are filled in when it is answered.
fn recorded(
    parts: &hyper::http::request::Parts,
    at_ms: i64,
    body: &Result<Bytes, BodyError>,
    fault: bool,
) -> Recorded {
    let raw_query = parts.uri.query().unwrap_or("");
    Recorded {
        seq: 0,
        at_ms,
        duration_ms: 0,
        method: parts.method.as_str().to_string(),
        path: parts.uri.path().to_string(),
        query: parse_query(raw_query)
            .into_iter()
            .map(|(k, v)| (k, serde_json::Value::String(v)))
            .collect(),
        raw_query: raw_query.to_string(),
        body: match body {
            Ok(b) if b.len() <= MAX_RECORDED_BODY => {
                serde_json::from_slice(b).unwrap_or(serde_json::Value::Null)
            }
            _ => serde_json::Value::Null,
        },
        status: 0,
        auth: AuthKind::None,
        fault,
        dropped: false,
    }
}

/// The error answer a fault injects instead of serving the request, if it
/// has one (a fault that drops after the commit serves it first).
fn injected_error(f: &FaultRule) -> Option<Reply> {
    let status = f.status.filter(|_| !f.drop_after_commit)?;
    let (code, msg) = f.error();
    let mut e = ApiError::new(status, &code, msg);
    if code.starts_with("APIGW") {
        e.request_id = Some(new_id());
    }
    let mut reply = Reply::error(&e);
    if status == 429 || f.retry_after.is_some() {
        reply
            .headers
            .push(("retry-after", f.retry_after.unwrap_or(1).to_string()));
    }
    Some(reply)
}

/// Builds a TLS acceptor with a fresh self-signed certificate for
/// `localhost` and 127.0.0.1; returns it with the certificate's PEM.
pub fn tls_acceptor() -> std::io::Result<(TlsAcceptor, String)> {
    use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
    let err = |e: String| std::io::Error::other(format!("TLS setup: {e}"));
    let ck =
        rcgen::generate_simple_self_signed(vec!["localhost".to_string(), "127.0.0.1".to_string()])
            .map_err(|e| err(e.to_string()))?;
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(ck.signing_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| err(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(vec![ck.cert.der().clone()], key)
        .map_err(|e| err(e.to_string()))?;
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok((TlsAcceptor::from(Arc::new(cfg)), ck.cert.pem()))
}

/// Serves until `shutdown` turns true (or its sender goes away), then lets
/// open connections finish (up to 5 s) and writes the state file.
pub async fn run(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    emu: Arc<Emulator>,
    mut shutdown: watch::Receiver<bool>,
) {
    let writer = emu
        .persist
        .is_some()
        .then(|| tokio::spawn(persist::writer(emu.clone())));
    let mut conns = JoinSet::new();
    // At the cap, connections wait in the backlog rather than being refused:
    // a refused create would leave its outcome unknown.
    let slots = Arc::new(tokio::sync::Semaphore::new(emu.max_connections));
    loop {
        let accept = async {
            let slot = slots.clone().acquire_owned().await;
            (slot, listener.accept().await)
        };
        tokio::select! {
            changed = shutdown.changed() => {
                if changed.is_err() || *shutdown.borrow() {
                    break;
                }
            }
            (slot, accepted) = accept => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    let conn = serve_conn(stream, tls.clone(), emu.clone(), shutdown.clone());
                    conns.spawn(async move {
                        conn.await;
                        drop(slot);
                    });
                }
                // Out of descriptors and the like: back off, keep serving.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
        while conns.try_join_next().is_some() {}
    }
    drop(listener);
    let drain = async { while conns.join_next().await.is_some() {} };
    let _ = tokio::time::timeout(Duration::from_secs(5), drain).await;
    conns.abort_all();
    if let Some(w) = writer {
        persist::write_now(&emu).await;
        w.abort();
    }
}

async fn serve_conn(
    stream: TcpStream,
    tls: Option<TlsAcceptor>,
    emu: Arc<Emulator>,
    shutdown: watch::Receiver<bool>,
) {
    match tls {
        Some(acceptor) => {
            if let Ok(Ok(s)) =
                tokio::time::timeout(Duration::from_secs(10), acceptor.accept(stream)).await
            {
                serve_io(TokioIo::new(s), emu, shutdown).await;
            }
        }
        None => serve_io(TokioIo::new(stream), emu, shutdown).await,
    }
}

async fn serve_io<I>(io: I, emu: Arc<Emulator>, mut shutdown: watch::Receiver<bool>)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let header_timeout = emu.header_timeout;
    let svc = service_fn(move |req| handle(emu.clone(), req));
    let io = Bounded::new(io);
    let stalled = io.stalled.clone();
    // The timer is what makes hyper enforce the header timeout.
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .serve_connection(io, svc);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        // A client that stops reading its answer does not hold the
        // connection: a write blocked that long ends it.
        _ = write_stalled(&stalled, header_timeout) => {}
        _ = shutdown.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(header_timeout, conn).await;
        }
    }
}

/// Completes once a write has been blocked for `limit`.
async fn write_stalled(stalled: &std::sync::Mutex<Option<Instant>>, limit: Duration) {
    let tick = (limit / 4).clamp(Duration::from_millis(10), Duration::from_secs(1));
    loop {
        tokio::time::sleep(tick).await;
        let since = *stalled.lock().unwrap_or_else(|p| p.into_inner());
        if since.is_some_and(|t| t.elapsed() >= limit) {
            return;
        }
    }
}

/// A connection that notes since when a write has been waiting on a
/// client that does not read.
struct Bounded<I> {
    inner: I,
    stalled: Arc<std::sync::Mutex<Option<Instant>>>,
}

impl<I> Bounded<I> {
    fn new(inner: I) -> Self {
        Bounded {
            inner,
            stalled: Arc::new(std::sync::Mutex::new(None)),
        }
    }

    fn note<T>(&self, p: Poll<T>) -> Poll<T> {
        let mut s = self.stalled.lock().unwrap_or_else(|p| p.into_inner());
        match &p {
            Poll::Pending => *s = Some(s.unwrap_or_else(Instant::now)),
            Poll::Ready(_) => *s = None,
        }
        p
    }
}

impl<I: hyper::rt::Read + Unpin> hyper::rt::Read for Bounded<I> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<I: hyper::rt::Write + Unpin> hyper::rt::Write for Bounded<I> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let p = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.note(p)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let p = Pin::new(&mut this.inner).poll_flush(cx);
        this.note(p)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}
