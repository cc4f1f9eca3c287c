//! A running `apig-emulator` process, spoken to over plain HTTP/1.1 (or
//! TLS), with its admin API for faults, settings and the request log.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use super::{GATEWAY, PROJECT, TOKEN};

/// A running `apig-emulator` process.
pub struct Emulator {
    child: Child,
    pub addr: String,
    pub url: String,
}

impl Emulator {
    pub fn start(args: &[&str]) -> Emulator {
        let mut child = Command::new(env!("CARGO_BIN_EXE_apig-emulator"))
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start apig-emulator");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("emulator banner");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected emulator banner {line:?}"))
            .to_string();
        let addr = url.split("://").nth(1).unwrap().to_string();
        Emulator { child, addr, url }
    }

    /// Plain HTTP/1.1 request; returns (status, body).
    pub fn http(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> (u16, String) {
        if self.url.starts_with("https://") {
            return self.https(method, path, headers, body);
        }
        let mut s = TcpStream::connect(&self.addr).unwrap();
        let body = body.unwrap_or("");
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        if !body.is_empty() {
            req.push_str("Content-Type: application/json\r\n");
        }
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        req.push_str(body);
        s.write_all(req.as_bytes()).unwrap();
        let mut resp = Vec::new();
        s.read_to_end(&mut resp).unwrap();
        let resp = String::from_utf8_lossy(&resp).to_string();
        let status = resp
            .split_whitespace()
            .nth(1)
            .and_then(|x| x.parse().ok())
            .unwrap_or(0);
        let (head, rest) = resp.split_once("\r\n\r\n").unwrap_or((&resp, ""));
        let body = if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            dechunk(rest)
        } else {
            rest.to_string()
        };
        (status, body)
    }

    /// [`Emulator::http`] for an emulator started with `--tls`: its
    /// self-signed certificate is accepted without verification.
    fn https(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> (u16, String) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let client = reqwest::Client::builder()
                .tls_danger_accept_invalid_certs(true)
                .build()
                .unwrap();
            let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
            let mut req = client.request(method, format!("{}{path}", self.url));
            for (k, v) in headers {
                req = req.header(*k, *v);
            }
            if let Some(b) = body.filter(|b| !b.is_empty()) {
                req = req
                    .header("Content-Type", "application/json")
                    .body(b.to_string());
            }
            let resp = req.send().await.expect("https request to the emulator");
            let status = resp.status().as_u16();
            (status, resp.text().await.unwrap_or_default())
        })
    }

    /// Fault rules not used up yet.
    pub fn faults_left(&self) -> Vec<serde_json::Value> {
        match self.admin("GET", "faults", None) {
            serde_json::Value::Array(a) => a,
            other => panic!("faults: {other}"),
        }
    }

    pub fn admin(&self, method: &str, path: &str, body: Option<&str>) -> serde_json::Value {
        // Admin writes need a JSON content type, even without a body.
        let json: &[(&str, &str)] = match (method, body) {
            ("GET", _) | (_, Some(_)) => &[],
            _ => &[("Content-Type", "application/json")],
        };
        let (st, b) = self.http(method, &format!("/_emulator/{path}"), json, body);
        assert!(st < 300, "admin {method} {path}: {st} {b}");
        serde_json::from_str(&b).unwrap_or(serde_json::Value::Null)
    }

    /// Calls the APIG API with the test token.
    pub fn api(&self, method: &str, rest: &str, body: Option<&str>) -> (u16, serde_json::Value) {
        let path = format!("/v2/{PROJECT}/apigw/instances/{GATEWAY}/vpc-channels{rest}");
        let (st, b) = self.http(method, &path, &[("X-Auth-Token", TOKEN)], body);
        (
            st,
            serde_json::from_str(&b).unwrap_or(serde_json::Value::Null),
        )
    }

    pub fn requests(&self) -> Vec<serde_json::Value> {
        match self.admin("GET", "requests", None) {
            serde_json::Value::Array(a) => a,
            other => panic!("requests: {other}"),
        }
    }

    pub fn clear_requests(&self) {
        self.admin("DELETE", "requests", None);
    }

    pub fn channels(&self) -> Vec<serde_json::Value> {
        match self.admin("GET", "channels", None) {
            serde_json::Value::Array(a) => a,
            serde_json::Value::Object(o) => o
                .get("channels")
                .and_then(|c| c.as_array().cloned())
                .unwrap_or_default(),
            other => panic!("channels: {other}"),
        }
    }

    /// Like [`Emulator::start`], on a given port (0 picks a free one).
    /// Binding may fail for a moment after a previous emulator on that port
    /// stopped; this retries for up to 10 s.
    pub fn start_on_port(port: u16, args: &[&str]) -> Emulator {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let mut child = Command::new(env!("CARGO_BIN_EXE_apig-emulator"))
                .args(["--port", &port.to_string()])
                .args(args)
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("start apig-emulator");
            let mut line = String::new();
            let _ = BufReader::new(child.stdout.take().unwrap()).read_line(&mut line);
            if let Some(url) = line.trim().strip_prefix("listening on ") {
                let url = url.to_string();
                let addr = url.split("://").nth(1).unwrap().to_string();
                return Emulator { child, addr, url };
            }
            let _ = child.kill();
            let _ = child.wait();
            assert!(
                std::time::Instant::now() < deadline,
                "apig-emulator did not start on port {port}: {line:?}"
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }

    pub fn port(&self) -> u16 {
        self.addr
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("emulator port")
    }

    /// Kills the emulator (SIGKILL, as a crash would) and starts a new one
    /// on the same port with `args` (pass the same `--state-file` to keep
    /// its channels). The URL stays the same.
    pub fn restart(&mut self, args: &[&str]) {
        let port = self.port();
        let _ = self.child.kill();
        let _ = self.child.wait();
        let fresh = Emulator::start_on_port(port, args);
        assert_eq!(fresh.url, self.url, "restarted emulator moved");
        // Swap in the new process; the old handle (already dead) is dropped.
        let old = std::mem::replace(self, fresh);
        drop(old);
    }

    /// Adds a fault rule (`/_emulator/faults`).
    pub fn fault(&self, rule: serde_json::Value) {
        self.admin("POST", "faults", Some(&rule.to_string()));
    }

    pub fn clear_faults(&self) {
        self.admin("DELETE", "faults", None);
    }

    /// Changes settings (`/_emulator/config`: quirks, quota, aksk_lockout).
    pub fn set_config(&self, cfg: serde_json::Value) {
        self.admin("POST", "config", Some(&cfg.to_string()));
    }

    /// IDs of every channel the emulator holds, sorted.
    pub fn channel_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .channels()
            .iter()
            .filter_map(|c| c["id"].as_str().map(str::to_string))
            .collect();
        ids.sort();
        ids
    }
}

fn dechunk(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || after.len() < n {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].trim_start_matches("\r\n");
    }
    out
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
