//! End-to-end: messages for endpoints that cannot be used, with the real
//! `terraform`. An `https://` endpoint served in plain HTTP says to try
//! `http://`; a refused connection names the setting its URL came from;
//! a server that accepts and never answers fails after `request_timeout`
//! with a retry at most, and says which setting to raise.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;

const CHANNEL: &str = r#"
resource "huaweicloud_apig_vpc_channel" "c" {
  instance_id = "eddc4d25480b4cd6b512f270a1b8b341"
  name        = "msg_demo"
  port        = 80
  member_type = "ip"
  members     = [{ host = "10.0.0.1" }]
}
"#;

/// A loopback port nobody listens on.
fn refused_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[track_caller]
fn fails_with(out: &Output, needles: &[&str]) {
    out.assert_no_crash();
    assert_ne!(out.code, 0, "expected a failure:\n{}", out.all());
    // Terraform wraps long lines; compare with single spaces.
    let text = out.all().split_whitespace().collect::<Vec<_>>().join(" ");
    for n in needles {
        assert!(text.contains(n), "{n:?} missing from:\n{}", out.all());
    }
}

#[test]
fn https_endpoint_on_a_plain_http_server_suggests_http() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let https = e.url.replacen("http://", "https://", 1);
    let tf = Terraform::new("msg-tls");
    tf.write("main.tf", &config_for_url(&https, "", CHANNEL));
    fails_with(
        &tf.apply(),
        &[
            "Failed to create VPC channel",
            "TLS handshake with",
            "if it speaks plain HTTP, use an `http://` endpoint",
            "from `endpoints.apig`",
        ],
    );
    assert!(e.channels().is_empty());
}

#[test]
fn https_iam_endpoint_on_a_plain_http_server_suggests_http() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let https = e.url.replacen("http://", "https://", 1);
    let tf = Terraform::new("msg-tls-iam");
    // No project_id: the plan looks it up in IAM.
    let provider = format!(
        "provider \"huaweicloud\" {{\n  region     = \"cn-north-4\"\n  access_key = \"{AK}\"\n  secret_key = \"{SK}\"\n  endpoints  = {{ apig = \"{}\", iam = \"{https}\" }}\n}}\n",
        e.url
    );
    tf.write("main.tf", &config_with(&provider, CHANNEL));
    fails_with(
        &tf.plan(),
        &[
            "Cannot find the project ID",
            "(from `endpoints.iam`)",
            "use an `http://` endpoint",
        ],
    );
}

#[test]
fn refused_connection_names_the_endpoint_setting() {
    skip_without_terraform!();
    let port = refused_port();
    let tf = Terraform::new("msg-refused");
    let url = format!("http://127.0.0.1:{port}");
    tf.write(
        "main.tf",
        &config_for_url(&url, "  max_retries = 1", CHANNEL),
    );
    fails_with(
        &tf.apply(),
        &[
            &format!("could not connect to 127.0.0.1:{port}"),
            "after 2 attempts",
            &format!("at http://127.0.0.1:{port} (from `endpoints.apig`)"),
        ],
    );
}

#[test]
fn refused_iam_connection_names_auth_url_or_endpoints_iam() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    let port = refused_port();
    let iam = format!("http://127.0.0.1:{port}");
    for (tag, setting, named) in [
        (
            "msg-refused-auth-url",
            format!(
                "  auth_url   = \"{iam}/v3\"\n  endpoints  = {{ apig = \"{}\" }}\n",
                e.url
            ),
            "(from `auth_url` (HW_AUTH_URL))",
        ),
        (
            "msg-refused-iam",
            format!(
                "  endpoints  = {{ apig = \"{}\", iam = \"{iam}\" }}\n",
                e.url
            ),
            "(from `endpoints.iam`)",
        ),
    ] {
        let tf = Terraform::new(tag);
        let provider = format!(
            "provider \"huaweicloud\" {{\n  region     = \"cn-north-4\"\n  access_key = \"{AK}\"\n  secret_key = \"{SK}\"\n  max_retries = 1\n{setting}}}\n"
        );
        tf.write("main.tf", &config_with(&provider, CHANNEL));
        fails_with(
            &tf.plan(),
            &[
                "Cannot find the project ID",
                &format!("127.0.0.1:{port}"),
                named,
                "refused",
            ],
        );
    }
}

/// Accepts connections on loopback, reads each request's first line and
/// never answers, except the first request (the provider's check that the
/// name is free before a create), which gets an empty list.
struct Silent {
    url: String,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl Silent {
    fn start() -> Silent {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.set_nonblocking(true).unwrap();
        let url = format!("http://{}", l.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (reqs, halt) = (requests.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut held: Vec<TcpStream> = Vec::new();
            while !halt.load(Ordering::Relaxed) {
                match l.accept() {
                    Ok((mut s, _)) => {
                        s.set_nonblocking(false).unwrap();
                        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                        let mut buf = [0u8; 512];
                        let n = s.read(&mut buf).unwrap_or(0);
                        let text = String::from_utf8_lossy(&buf[..n]);
                        let mut reqs = reqs.lock().unwrap();
                        reqs.push(text.lines().next().unwrap_or("").to_string());
                        if reqs.len() == 1 {
                            let body = r#"{"total":0,"size":0,"vpc_channels":[]}"#;
                            let _ = write!(s, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
                            continue;
                        }
                        held.push(s);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        Silent {
            url,
            requests,
            stop,
        }
    }

    fn methods(&self) -> Vec<String> {
        let r = self.requests.lock().unwrap();
        r.iter()
            .map(|l| l.split(' ').next().unwrap_or("").to_string())
            .collect()
    }
}

impl Drop for Silent {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

#[test]
fn silent_server_fails_after_request_timeout_with_one_retry_at_most() {
    skip_without_terraform!();
    let s = Silent::start();
    let tf = Terraform::new("msg-silent");
    // Default max_retries (5): a timed-out request is still retried once only.
    tf.write(
        "main.tf",
        &config_for_url(&s.url, "  request_timeout = 1", CHANNEL),
    );
    fails_with(
        &tf.apply(),
        &[
            "Failed to create VPC channel",
            "The create request got no clear answer",
            "within 1 s (`request_timeout`, HW_REQUEST_TIMEOUT)",
            "after 2 attempts",
        ],
    );
    // The name checked first; the create is not repeated; its lookup by
    // name is tried twice.
    assert_eq!(s.methods(), ["GET", "POST", "GET", "GET"]);
}

#[test]
fn request_timeout_is_validated() {
    skip_without_terraform!();
    for (value, rule) in [
        ("0", "between 1 and 600, got 0"),
        ("601", "between 1 and 600, got 601"),
        ("1.5", "must be a whole number between 1 and 600"),
    ] {
        let tf = Terraform::new("msg-timeout-invalid");
        tf.write(
            "main.tf",
            &config_for_url(
                "http://127.0.0.1:1",
                &format!("  request_timeout = {value}"),
                CHANNEL,
            ),
        );
        fails_with(&tf.validate(), &["request_timeout", rule]);
    }
    // The environment is checked when the provider is configured.
    let tf = Terraform::new("msg-timeout-env").env("HW_REQUEST_TIMEOUT", "soon");
    tf.write(
        "main.tf",
        &config_for_url("http://127.0.0.1:1", "", CHANNEL),
    );
    fails_with(
        &tf.apply(),
        &[
            "Invalid HW_REQUEST_TIMEOUT",
            "whole number of seconds from 1 to 600, got \"soon\"",
        ],
    );
}

/// An endpoint with a query or fragment fails validate, before any request.
#[test]
fn endpoint_with_query_or_fragment_fails_validate() {
    skip_without_terraform!();
    let e = Emulator::start(&[]);
    for (url, extra, needle) in [
        (
            format!("{}/?x=1", e.url),
            String::new(),
            "endpoints[\"apig\"] must not have a query",
        ),
        (
            e.url.clone(),
            format!("  auth_url = \"{}/v3#top\"\n", e.url),
            "`auth_url` must not have a query (`?...`) or fragment",
        ),
    ] {
        let tf = Terraform::new("msg-query");
        tf.write("main.tf", &config_for_url(&url, &extra, CHANNEL));
        fails_with(&tf.validate(), &["Invalid", needle]);
    }
    assert!(e.requests().is_empty(), "validation makes no API call");
}
