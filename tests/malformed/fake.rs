//! The fake APIG server: std threads, canned HTTP/1.1 answers, one
//! request per connection, every request logged.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::{GATEWAY, PROJECT};
use hwprovider::apig::client::Target;

/// One canned answer.
#[derive(Clone, Debug)]
pub(crate) enum Canned {
    /// Status, content type (None: no header) and body, with a correct
    /// Content-Length.
    Http(u16, Option<&'static str>, Vec<u8>),
    /// Exactly these bytes, then close.
    Raw(Vec<u8>),
}

pub(crate) fn http(status: u16, ctype: &'static str, body: impl Into<Vec<u8>>) -> Canned {
    Canned::Http(status, Some(ctype), body.into())
}

pub(crate) fn json_ok(status: u16, body: impl Into<Vec<u8>>) -> Canned {
    http(status, "application/json;charset=UTF-8", body)
}

#[derive(Clone, Debug)]
pub(crate) struct Request {
    pub(crate) method: String,
    pub(crate) path: String,
}

type Handler = dyn Fn(&Request) -> Canned + Send + Sync;

pub(crate) struct FakeApi {
    pub(crate) url: String,
    stop: Arc<AtomicBool>,
    log: Arc<Mutex<Vec<Request>>>,
    handler: Arc<Mutex<Arc<Handler>>>,
}

impl FakeApi {
    pub(crate) fn start(handler: impl Fn(&Request) -> Canned + Send + Sync + 'static) -> FakeApi {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let stop = Arc::new(AtomicBool::new(false));
        let log = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Mutex<Arc<Handler>>> = Arc::new(Mutex::new(Arc::new(handler)));
        let (s, l, h) = (stop.clone(), log.clone(), handler.clone());
        std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let (l, h) = (l.clone(), h.lock().unwrap().clone());
                        std::thread::spawn(move || serve(stream, &l, &*h));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        FakeApi {
            url,
            stop,
            log,
            handler,
        }
    }

    pub(crate) fn set(&self, handler: impl Fn(&Request) -> Canned + Send + Sync + 'static) {
        *self.handler.lock().unwrap() = Arc::new(handler);
    }

    pub(crate) fn requests(&self) -> Vec<Request> {
        self.log.lock().unwrap().clone()
    }

    pub(crate) fn clear(&self) {
        self.log.lock().unwrap().clear();
    }

    pub(crate) fn target(&self) -> Target {
        Target {
            base_url: self.url.clone(),
            project_id: PROJECT.into(),
            instance_id: GATEWAY.into(),
        }
    }
}

impl Drop for FakeApi {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn serve(stream: TcpStream, log: &Mutex<Vec<Request>>, handler: &Handler) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or_default().to_string();
    let mut length = 0usize;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 {
            return;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    let req = Request {
        method,
        path: target.split('?').next().unwrap_or_default().to_string(),
    };
    log.lock().unwrap().push(req.clone());
    let bytes = match handler(&req) {
        Canned::Http(status, ctype, body) => {
            let mut head = format!("HTTP/1.1 {status} X\r\nConnection: close\r\n");
            if let Some(t) = ctype {
                head.push_str(&format!("Content-Type: {t}\r\n"));
            }
            head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
            let mut b = head.into_bytes();
            b.extend_from_slice(&body);
            b
        }
        Canned::Raw(b) => b,
    };
    let mut stream = stream;
    // The client may stop reading early (a body over its cap): ignore errors.
    let _ = stream.write_all(&bytes);
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Write);
    // Drain what the client still sends so the close is not a reset.
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let _ = std::io::copy(&mut stream.take(1 << 16), &mut std::io::sink());
}
