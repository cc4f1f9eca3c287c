//! The provider against malformed API responses, from a tiny fake APIG
//! server (std threads, canned HTTP/1.1, one request per connection).
//!
//! - Library level: `hwprovider::apig::client::Client` calls (show, create,
//!   list, delete) against every malformed answer in [`bodies`]: each must
//!   end in an error of the right kind with a short, readable message, or
//!   (for harmless oddities) a parsed channel; never a panic or a hang.
//! - Terraform level: the real `terraform` (endpoints.apig = the fake) hits
//!   a malformed answer on create, on the read-back after a create, and on
//!   refresh. Each run ends in a diagnostic naming the operation (or, for
//!   bodies that parse, a consistent result), never a crash, and the state
//!   is either absent or consistent with what the fake created.
//! - Regressions of four bugs this file found: an unreadable 2xx create
//!   answer orphaned the channel; a create answer without `id` recorded an
//!   empty ID; a 404 without an APIG code dropped a live channel from state;
//!   a timed-out create that committed late was orphaned on APIG.3208.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use hwprovider::apig::client::{ApiError, Client, ClientOptions, Credentials, Target};
use hwprovider::apig::models::ChannelRequest;
use tokio_util::sync::CancellationToken;

// ---------------------------------------------------------------------------
// The fake server

/// One canned answer.
#[derive(Clone, Debug)]
enum Canned {
    /// Status, content type (None: no header) and body, with a correct
    /// Content-Length.
    Http(u16, Option<&'static str>, Vec<u8>),
    /// Exactly these bytes, then close.
    Raw(Vec<u8>),
}

fn http(status: u16, ctype: &'static str, body: impl Into<Vec<u8>>) -> Canned {
    Canned::Http(status, Some(ctype), body.into())
}

fn json_ok(status: u16, body: impl Into<Vec<u8>>) -> Canned {
    http(status, "application/json;charset=UTF-8", body)
}

#[derive(Clone, Debug)]
struct Request {
    method: String,
    path: String,
}

type Handler = dyn Fn(&Request) -> Canned + Send + Sync;

struct FakeApi {
    url: String,
    stop: Arc<AtomicBool>,
    log: Arc<Mutex<Vec<Request>>>,
    handler: Arc<Mutex<Arc<Handler>>>,
}

impl FakeApi {
    fn start(handler: impl Fn(&Request) -> Canned + Send + Sync + 'static) -> FakeApi {
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

    fn set(&self, handler: impl Fn(&Request) -> Canned + Send + Sync + 'static) {
        *self.handler.lock().unwrap() = Arc::new(handler);
    }

    fn requests(&self) -> Vec<Request> {
        self.log.lock().unwrap().clone()
    }

    fn clear(&self) {
        self.log.lock().unwrap().clear();
    }

    fn target(&self) -> Target {
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

// ---------------------------------------------------------------------------
// Malformed answers

const ID: &str = "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f";
const NAME: &str = "mal_chan";

/// A show answer that matches [`HCL`] exactly.
fn good_channel() -> String {
    format!(
        r#"{{"id":"{ID}","name":"{NAME}","port":80,"balance_strategy":1,"member_type":"ip","type":2,
"create_time":"2024-01-01T00:00:00Z","status":1,"member_groups":[],
"members":[{{"id":"m1","host":"10.0.0.1","weight":1,"is_backup":false,"port":80,"status":1,
"ecs_id":"10.0.0.1","ecs_name":"10.0.0.1","member_group_name":""}}]}}"#
    )
}

fn huge_json(mib: usize) -> Vec<u8> {
    let mut b = format!(r#"{{"id":"{ID}","name":"{NAME}","pad":""#).into_bytes();
    b.resize(b.len() + (mib << 20), b'x');
    b.extend_from_slice(b"\"}");
    b
}

fn raw(head_and_body: &str) -> Canned {
    Canned::Raw(head_and_body.as_bytes().to_vec())
}

/// How a client call should end for a malformed answer.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    /// `ApiError::Decode` (a 2xx answer that cannot be understood).
    Decode,
    /// `ApiError::Api` with this status.
    Api(u16),
    /// `ApiError::Transport`.
    Transport,
    /// Parses: the oddity is harmless at this layer.
    Parses,
}

const PROXY_502: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/// Every malformed answer tried, by name: (name, answer, expected outcome
/// of show/create).
fn bodies() -> Vec<(&'static str, Canned, Expect)> {
    let good = good_channel();
    let with = |from: &str, to: &str| json_ok(200, good.replacen(from, to, 1));
    let cut = good.len() / 2;
    let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    vec![
        ("proxy 502 HTML page", http(502, "text/html", PROXY_502), Expect::Api(502)),
        ("proxy 503 HTML, no content type", Canned::Http(503, None, b"<html><body>Service Unavailable</body></html>".to_vec()), Expect::Api(503)),
        ("proxy 504 plain text", http(504, "text/plain", "upstream request timeout"), Expect::Api(504)),
        ("truncated JSON (half an object)", json_ok(200, &good[..cut]), Expect::Decode),
        ("truncated JSON (inside a string)", json_ok(200, format!(r#"{{"id":"{ID}","name":"mal"#)), Expect::Decode),
        ("body shorter than Content-Length, then close", raw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\nConnection: close\r\n\r\n{\"id\":\"abc\""), Expect::Transport),
        ("wrong type: port \"eighty\"", with("\"port\":80", "\"port\":\"eighty\""), Expect::Decode),
        ("wrong type: port 80.5", with("\"port\":80", "\"port\":80.5"), Expect::Decode),
        ("wrong type: port beyond i64", with("\"port\":80", "\"port\":99999999999999999999"), Expect::Decode),
        ("wrong type: port 1e400", with("\"port\":80", "\"port\":1e400"), Expect::Decode),
        ("wrong type: id a number", with(&format!("\"id\":\"{ID}\""), "\"id\":12345"), Expect::Decode),
        ("wrong type: members an object", with("\"members\":[", "\"members\":{\"a\":[").replace_last_bracket(), Expect::Decode),
        ("wrong type: member weight a string", with("\"weight\":1", "\"weight\":\"1\""), Expect::Decode),
        ("wrong type: is_backup \"yes\"", with("\"is_backup\":false", "\"is_backup\":\"yes\""), Expect::Decode),
        ("null: member_groups", with("\"member_groups\":[]", "\"member_groups\":null"), Expect::Parses),
        ("null: vpc_health_config", with("\"member_groups\":[]", "\"member_groups\":[],\"vpc_health_config\":null"), Expect::Parses),
        ("null: microservice_info", with("\"member_groups\":[]", "\"member_groups\":[],\"microservice_info\":null"), Expect::Parses),
        ("null: members [null]", json_ok(200, format!(r#"{{"id":"{ID}","name":"{NAME}","port":80,"member_type":"ip","type":2,"members":[null]}}"#)), Expect::Decode),
        ("null: member_groups [null]", with("\"member_groups\":[]", "\"member_groups\":[null]"), Expect::Decode),
        ("null: name", with(&format!("\"name\":\"{NAME}\""), "\"name\":null"), Expect::Decode),
        ("null: whole body", json_ok(200, "null"), Expect::Decode),
        ("huge body (20 MiB, Content-Length)", json_ok(200, huge_json(20)), Expect::Decode),
        ("huge body (20 MiB, no length, close-delimited)", Canned::Raw({
            let mut b = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n".to_vec();
            b.extend_from_slice(&huge_json(20));
            b
        }), Expect::Decode),
        ("huge error body (20 MiB 500)", http(500, "text/html", vec![b'<'; 20 << 20]), Expect::Api(500)),
        ("unknown enum: member_type \"hologram\"", with("\"member_type\":\"ip\"", "\"member_type\":\"hologram\""), Expect::Parses),
        ("unknown enum: health protocol \"QUIC\"", with("\"member_groups\":[]", "\"member_groups\":[],\"vpc_health_config\":{\"protocol\":\"QUIC\",\"threshold_normal\":2,\"threshold_abnormal\":2,\"time_interval\":10,\"timeout\":5}"), Expect::Parses),
        ("unknown enum: type 7, balance_strategy 99", with("\"type\":2", "\"type\":7,\"balance_strategy\":99").replace_first_balance(), Expect::Parses),
        ("empty body with 200", json_ok(200, ""), Expect::Decode),
        ("whitespace body with 200", json_ok(200, " \r\n\t "), Expect::Decode),
        ("no body, no length, close-delimited", raw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"), Expect::Decode),
        ("204 No Content", Canned::Http(204, None, Vec::new()), Expect::Decode),
        ("JSON array body", json_ok(200, "[1,2,3]"), Expect::Decode),
        ("JSON string body", json_ok(200, "\"ok\""), Expect::Decode),
        ("XML body", http(200, "application/xml", "<channel><id>x</id></channel>"), Expect::Decode),
        ("binary garbage", http(200, "application/octet-stream", vec![0xff, 0x00, 0xfe, 0x7f, 0x80, 0x01]), Expect::Decode),
        ("invalid UTF-8 inside a string", json_ok(200, [b"{\"id\":\"".as_slice(), &[0xc3, 0x28], b"\"}"].concat()), Expect::Decode),
        ("lone surrogate escape", json_ok(200, r#"{"id":"\ud800"}"#), Expect::Decode),
        ("UTF-8 byte order mark", json_ok(200, [b"\xef\xbb\xbf".as_slice(), good.as_bytes()].concat()), Expect::Decode),
        ("100000 nested arrays", json_ok(200, nested), Expect::Decode),
        ("duplicate key", json_ok(200, format!(r#"{{"id":"{ID}","id":"other"}}"#)), Expect::Decode),
        ("trailing garbage after the object", json_ok(200, format!("{good}}}garbage")), Expect::Decode),
        ("valid JSON as text/plain", http(200, "text/plain", good.clone()), Expect::Parses),
        ("broken chunked encoding", raw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n"), Expect::Transport),
        ("malformed status line", raw("HTTP/1.1 abc\r\n\r\n"), Expect::Transport),
        ("not HTTP at all", raw("SSH-2.0-OpenSSH_9.6\r\n"), Expect::Transport),
        ("closed without an answer", Canned::Raw(Vec::new()), Expect::Transport),
        ("redirect to elsewhere", raw("HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:9/steal\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), Expect::Api(302)),
        ("error JSON with odd types", json_ok(400, r#"{"error_code":400,"error_msg":{"text":"bad"}}"#), Expect::Api(400)),
        ("error body that is a JSON array", json_ok(400, r#"["APIG.2012"]"#), Expect::Api(400)),
    ]
}

/// Small fixes to keep the table readable.
trait Tweak {
    fn replace_last_bracket(self) -> Self;
    fn replace_first_balance(self) -> Self;
}

impl Tweak for Canned {
    /// `"members":{"a":[ ... ]}`: close the object the replacement opened.
    fn replace_last_bracket(self) -> Self {
        match self {
            Canned::Http(s, t, b) => {
                let mut text = String::from_utf8(b).unwrap();
                let at = text.rfind(']').unwrap();
                text.insert(at + 1, '}');
                Canned::Http(s, t, text.into_bytes())
            }
            other => other,
        }
    }
    /// Drops the original `"balance_strategy":1` so the new one is unique.
    fn replace_first_balance(self) -> Self {
        match self {
            Canned::Http(s, t, b) => {
                let text = String::from_utf8(b)
                    .unwrap()
                    .replacen("\"balance_strategy\":1,", "", 1);
                Canned::Http(s, t, text.into_bytes())
            }
            other => other,
        }
    }
}

// ---------------------------------------------------------------------------
// Library level

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

// ---------------------------------------------------------------------------
// Terraform level

fn hcl() -> String {
    format!(
        r#"
resource "huaweicloud_apig_vpc_channel" "m" {{
  instance_id = "{GATEWAY}"
  name        = "{NAME}"
  port        = 80
  member_type = "ip"
  members     = [{{ host = "10.0.0.1", weight = 1 }}]
}}
"#
    )
}

/// The cases driven through Terraform: one of each kind the brief names.
fn tf_cases() -> Vec<(&'static str, Canned)> {
    let wanted = [
        "proxy 502 HTML page",
        "truncated JSON (half an object)",
        "wrong type: port \"eighty\"",
        "null: member_groups",
        "null: vpc_health_config",
        "null: members [null]",
        "huge body (20 MiB, Content-Length)",
        "unknown enum: member_type \"hologram\"",
        "unknown enum: health protocol \"QUIC\"",
        "empty body with 200",
    ];
    let all = bodies();
    wanted
        .iter()
        .map(|w| {
            let (n, c, _) = all.iter().find(|(n, _, _)| n == w).expect("case in table");
            (*n, c.clone())
        })
        .collect()
}

fn tf_for(api: &FakeApi, tag: &str) -> Terraform {
    let tf = Terraform::new(tag).env("HW_REQUEST_TIMEOUT", "5");
    tf.write(
        "main.tf",
        &config_for_url(&api.url, "  max_retries = 1", &hcl()),
    );
    tf
}

/// A fake whose create answers `create` (None: a good 201), whose show
/// answers `show` (None: the good channel), whose list finds nothing and
/// whose delete succeeds.
fn route(create: Option<Canned>, show: Option<Canned>) -> impl Fn(&Request) -> Canned {
    move |r: &Request| {
        match r.method.as_str() {
        "POST" => create
            .clone()
            .unwrap_or_else(|| json_ok(201, format!(r#"{{"id":"{ID}","name":"{NAME}","port":80,"balance_strategy":1,"member_type":"ip","type":2}}"#))),
        "GET" if r.path.ends_with("vpc-channels") => {
            json_ok(200, r#"{"total":0,"size":0,"vpc_channels":[]}"#)
        }
        "GET" => show.clone().unwrap_or_else(|| json_ok(200, good_channel())),
        "DELETE" => Canned::Http(204, None, Vec::new()),
        _ => json_ok(400, r#"{"error_code":"APIG.2012","error_msg":"unexpected"}"#),
    }
    }
}

/// Either no resource in state, or exactly the fake's channel.
#[track_caller]
fn state_absent_or_consistent(tf: &Terraform, case: &str) {
    let ids = tf.state_ids();
    assert!(
        ids.is_empty() || ids == vec![ID.to_string()],
        "{case}: half-written state: {ids:?}"
    );
}

/// Diagnostic naming the operation, or success (exit code 0, or 2 for a
/// `plan -detailed-exitcode` with changes); never a crash. True on success.
#[track_caller]
fn outcome(out: &Output, op: &str, case: &str) -> bool {
    out.assert_no_crash();
    // Terraform wraps long lines: compare with whitespace collapsed.
    let all = out.all().split_whitespace().collect::<Vec<_>>().join(" ");
    if out.code == 0 || (out.code == 2 && out.stdout.contains("Plan:")) {
        return true;
    }
    // A body that parses but contradicts what was just applied (an unknown
    // enum value after a create) is caught by Terraform's own consistency
    // check, which names the attribute.
    let inconsistent = all.contains("Provider produced inconsistent result after apply")
        && all.contains("produced an unexpected new value");
    assert!(
        inconsistent || all.contains(&format!("Failed to {op} VPC channel \"{NAME}\"")),
        "{case}: expected a diagnostic naming `{op}`:\n{}",
        out.all()
    );
    false
}

#[test]
fn terraform_create_gets_a_malformed_answer() {
    skip_without_terraform!();
    let api = FakeApi::start(route(None, None));
    for (i, (case, answer)) in tf_cases().into_iter().enumerate() {
        api.set(route(Some(answer), None));
        let tf = tf_for(&api, &format!("mal-create-{i}"));
        let out = tf.apply();
        let ok = outcome(&out, "create", case);
        state_absent_or_consistent(&tf, case);
        if ok {
            // A create answer that parses: the channel is in state, read back
            // from the (good) show.
            assert_eq!(tf.state_ids(), vec![ID.to_string()], "{case}");
        }
    }
}

#[test]
fn terraform_read_back_gets_a_malformed_answer() {
    skip_without_terraform!();
    let api = FakeApi::start(route(None, None));
    for (i, (case, answer)) in tf_cases().into_iter().enumerate() {
        api.set(route(None, Some(answer)));
        let tf = tf_for(&api, &format!("mal-readback-{i}"));
        let out = tf.apply();
        // The create succeeded: whatever the read-back made of it, the
        // channel's ID must be in state (tainted when the read failed).
        if !outcome(&out, "read back", case) {
            let all = out.all();
            assert!(
                ["HTTP", "response", "unexpected new value"]
                    .iter()
                    .any(|w| all.contains(w)),
                "{case}: the cause is named:\n{}",
                out.all()
            );
        }
        assert_eq!(
            tf.state_ids(),
            vec![ID.to_string()],
            "{case}: channel orphaned"
        );
        // Later runs (with a sane API) converge without a duplicate.
        api.set(route(None, None));
        api.clear();
        let again = tf.apply();
        again.assert_no_crash();
        assert_eq!(again.code, 0, "{case}: {}", again.all());
        let posts = api.requests().iter().filter(|r| r.method == "POST").count();
        assert!(posts <= 1, "{case}: {posts} creates");
        assert_eq!(tf.state_ids(), vec![ID.to_string()], "{case}");
    }
}

#[test]
fn terraform_refresh_gets_a_malformed_answer() {
    skip_without_terraform!();
    let api = FakeApi::start(route(None, None));
    let tf = tf_for(&api, "mal-refresh");
    tf.apply().assert_no_crash();
    let out = tf.apply();
    assert_eq!(out.code, 0, "{}", out.all());
    let before = std::fs::read_to_string(tf.dir.join("terraform.tfstate")).unwrap();
    let before: serde_json::Value = serde_json::from_str(&before).unwrap();
    assert_eq!(tf.state_ids(), vec![ID.to_string()]);
    for (case, answer) in tf_cases() {
        api.set(route(None, Some(answer)));
        // plan: reads, writes nothing.
        let plan = tf.plan();
        outcome(&plan, "read", case);
        // apply -refresh-only: reads and writes the state.
        let refresh = tf.run(&[
            "apply",
            "-refresh-only",
            "-auto-approve",
            "-input=false",
            "-no-color",
        ]);
        let ok = outcome(&refresh, "read", case);
        state_absent_or_consistent(&tf, case);
        if !ok {
            // A failed refresh leaves the state file untouched.
            let now = std::fs::read_to_string(tf.dir.join("terraform.tfstate")).unwrap();
            let now: serde_json::Value = serde_json::from_str(&now).unwrap();
            assert_eq!(
                now["resources"], before["resources"],
                "{case}: state changed"
            );
            continue;
        }
        // The body parsed and was recorded: back to a sane API, the state
        // converges to the good channel.
        api.set(route(None, None));
        let fix = tf.apply();
        fix.assert_no_crash();
        assert_eq!(fix.code, 0, "{case}: {}", fix.all());
        assert_eq!(tf.state_ids(), vec![ID.to_string()], "{case}");
    }
}

/// Regression (was a bug): a create whose 2xx answer cannot be read
/// (truncated, empty, wrong types) has been committed by the server, but
/// `vpc_channel::create` (src/provider/vpc_channel/mod.rs, `ambiguous`)
/// treats `ApiError::Decode` as a definite failure: it neither adopts the
/// channel by name nor records it, so the channel is orphaned and the next
/// apply fails with APIG.3208 on the real service. `ApiError::
/// may_have_been_applied` already says true for it.
#[test]
fn unreadable_create_answer_does_not_orphan_the_channel() {
    skip_without_terraform!();
    let committed = Arc::new(AtomicBool::new(false));
    let c = committed.clone();
    let api = FakeApi::start(move |r: &Request| match r.method.as_str() {
        "POST" => {
            c.store(true, Ordering::SeqCst);
            json_ok(201, format!(r#"{{"id":"{ID}","name":"{NAME}","po"#))
        }
        "GET" if r.path.ends_with("vpc-channels") => {
            if c.load(Ordering::SeqCst) {
                json_ok(
                    200,
                    format!(
                        r#"{{"total":1,"size":1,"vpc_channels":[{{"id":"{ID}","name":"{NAME}","port":80,"balance_strategy":1,"member_type":"ip","type":2}}]}}"#
                    ),
                )
            } else {
                json_ok(200, r#"{"total":0,"size":0,"vpc_channels":[]}"#)
            }
        }
        "GET" => json_ok(200, good_channel()),
        _ => Canned::Http(204, None, Vec::new()),
    });
    let tf = tf_for(&api, "mal-orphan");
    let out = tf.apply();
    out.assert_no_crash();
    assert!(committed.load(Ordering::SeqCst));
    assert_eq!(
        tf.state_ids(),
        vec![ID.to_string()],
        "the committed channel is not in state (orphaned):\n{}",
        out.all()
    );
}

/// Regression (was a bug): a create answered 2xx with a JSON body
/// that lacks `id` (`{}`) is taken as a success with ID "": the read-back
/// cannot address it, the state records a tainted channel with an empty
/// ID, every later plan fails reading it, and the real channel is
/// orphaned. `vpc_channel::create` (src/provider/vpc_channel/mod.rs)
/// should treat an empty ID like an unreadable answer (look up by name).
///
#[test]
fn create_answer_without_id_is_not_recorded_as_empty_id() {
    skip_without_terraform!();
    let api = FakeApi::start(route(Some(json_ok(201, "{}")), None));
    let tf = tf_for(&api, "mal-noid");
    let out = tf.apply();
    out.assert_no_crash();
    let ids = tf.state_ids();
    assert!(
        !ids.iter().any(String::is_empty),
        "state holds a channel with an empty ID:\n{}",
        out.all()
    );
    // And a later plan is not stuck on it.
    let p = tf.plan();
    p.assert_no_crash();
    assert_ne!(p.code, 1, "plan stuck:\n{}", p.all());
}

/// Regression (was a risk): `vpc_channel::read`
/// (src/provider/vpc_channel/mod.rs) takes any 404 as "the channel is
/// gone" (`ApiError::is_not_found` looks at the status only), so a 404
/// HTML page from a misrouted proxy, or the gateway's own APIG.0101 "API
/// does not exist", silently drops a live channel from state; the next
/// apply creates it again (or fails with APIG.3208). Only APIG.3023
/// (channel) and APIG.3030 (gateway) mean gone.
#[test]
fn a_proxy_404_does_not_drop_the_channel_from_state() {
    skip_without_terraform!();
    let api = FakeApi::start(route(None, None));
    let tf = tf_for(&api, "mal-404");
    assert_eq!(tf.apply().code, 0);
    api.set(route(
        None,
        Some(http(
            404,
            "text/html",
            "<html><body><h1>404 Not Found</h1>nginx</body></html>",
        )),
    ));
    let out = tf.run(&[
        "apply",
        "-refresh-only",
        "-auto-approve",
        "-input=false",
        "-no-color",
    ]);
    out.assert_no_crash();
    assert_eq!(
        tf.state_ids(),
        vec![ID.to_string()],
        "a live channel left the state on a proxy 404:\n{}",
        out.all()
    );
}

/// Regression (was a risk): a create that timed out may still
/// commit on the server after the provider's lookup by name found nothing.
/// The provider's next create then fails with APIG.3208 ("name already
/// exists") and `vpc_channel::create` (src/provider/vpc_channel/mod.rs)
/// reports it as a plain failure: nothing is recorded and the channel the
/// first request made is orphaned. After an unclear attempt, a 3208 should
/// lead to one more lookup and adoption. Deterministic here: the fake
/// commits the first create only once the lookup has been answered.
///
#[test]
fn late_commit_after_a_timeout_is_adopted_not_orphaned() {
    skip_without_terraform!();
    use std::sync::Condvar;
    #[derive(Default)]
    struct S {
        posts: u32,
        looked_up: bool,
        committed: bool,
    }
    let shared = Arc::new((Mutex::new(S::default()), Condvar::new()));
    let sh = shared.clone();
    let listed = format!(
        r#"{{"total":1,"size":1,"vpc_channels":[{{"id":"{ID}","name":"{NAME}","port":80,"balance_strategy":1,"member_type":"ip","type":2}}]}}"#
    );
    let api = FakeApi::start(move |r: &Request| {
        let (lock, cv) = &*sh;
        match r.method.as_str() {
            "POST" => {
                let mut s = lock.lock().unwrap();
                s.posts += 1;
                if s.posts == 1 {
                    // Slow: commits only after the client gave up and looked.
                    let (mut s, _) = cv
                        .wait_timeout_while(s, Duration::from_secs(10), |s| !s.looked_up)
                        .unwrap();
                    s.committed = true;
                    json_ok(201, format!(r#"{{"id":"{ID}","name":"{NAME}"}}"#))
                } else if s.committed {
                    json_ok(
                        400,
                        format!(
                            r#"{{"error_code":"APIG.3208","error_msg":"The VPC channel name already exists,name:{NAME}"}}"#
                        ),
                    )
                } else {
                    s.committed = true;
                    json_ok(201, format!(r#"{{"id":"{ID}","name":"{NAME}"}}"#))
                }
            }
            "GET" if r.path.ends_with("vpc-channels") => {
                let mut s = lock.lock().unwrap();
                let body = if s.committed {
                    listed.clone()
                } else {
                    r#"{"total":0,"size":0,"vpc_channels":[]}"#.to_string()
                };
                s.looked_up = true;
                cv.notify_all();
                json_ok(200, body)
            }
            "GET" => json_ok(200, good_channel()),
            _ => Canned::Http(204, None, Vec::new()),
        }
    });
    let tf = Terraform::new("mal-late").env("HW_REQUEST_TIMEOUT", "1");
    tf.write(
        "main.tf",
        &config_for_url(&api.url, "  max_retries = 2", &hcl()),
    );
    let out = tf.apply();
    out.assert_no_crash();
    assert!(shared.0.lock().unwrap().committed);
    assert_eq!(
        tf.state_ids(),
        vec![ID.to_string()],
        "the channel the timed-out create made is not in state (orphaned):\n{}",
        out.all()
    );
}
