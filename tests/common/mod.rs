//! End-to-end harness: the real `terraform` (TF_ACC_TERRAFORM_PATH or the
//! one on PATH) against the built provider (dev_overrides) and the emulator.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

pub const PROJECT: &str = "0123456789abcdef0123456789abcdef";
pub const GATEWAY: &str = "eddc4d25480b4cd6b512f270a1b8b341";
pub const TOKEN: &str = "emulator-token";

/// An ip channel with groups, members (some without port or weight) and an
/// HTTP health check written in lower case.
pub const IP_CHANNEL: &str = r#"
resource "huaweicloud_apig_vpc_channel" "demo" {
  instance_id      = "eddc4d25480b4cd6b512f270a1b8b341"
  name             = "VPC_demo"
  port             = 22
  balance_strategy = 2
  member_type      = "ip"

  member_groups = [
    { member_group_name = "test", member_group_weight = 1, member_group_remark = "remark" },
    { member_group_name = "default", member_group_weight = 2 },
  ]
  members = [
    { host = "192.168.0.5", weight = 1, member_group_name = "test" },
    { host = "192.168.1.124", member_group_name = "default" },
    { host = "192.168.1.125", port = 8080, weight = 3, member_group_name = "default" },
  ]
  vpc_health_config = {
    protocol           = "http"
    path               = "/vpc/demo"
    port               = 22
    threshold_normal   = 2
    threshold_abnormal = 5
    time_interval      = 10
    timeout            = 5
    http_code          = "200,201,210-299"
  }
}
"#;

pub fn terraform_path() -> PathBuf {
    std::env::var_os("TF_ACC_TERRAFORM_PATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("terraform"))
}

/// (major, minor, patch) of the Terraform under test, or why none answered
/// `terraform version`; asked once per test binary.
fn probe_terraform() -> &'static Result<(u32, u32, u32), String> {
    static V: std::sync::OnceLock<Result<(u32, u32, u32), String>> = std::sync::OnceLock::new();
    V.get_or_init(|| {
        let path = terraform_path();
        let out = Command::new(&path)
            .arg("version")
            .env("CHECKPOINT_DISABLE", "1")
            .output()
            .map_err(|e| format!("`{} version`: {e}", path.display()))?;
        let s = String::from_utf8_lossy(&out.stdout);
        let v = s
            .split_whitespace()
            .find(|w| w.starts_with('v'))
            .filter(|_| out.status.success())
            .ok_or_else(|| format!("`{} version` printed no version", path.display()))?
            .trim_start_matches('v');
        let mut it = v.split('.').map(|x| x.parse::<u32>().unwrap_or(0));
        Ok((
            it.next().unwrap_or(0),
            it.next().unwrap_or(0),
            it.next().unwrap_or(0),
        ))
    })
}

/// (major, minor, patch) of the Terraform under test.
pub fn terraform_version() -> (u32, u32, u32) {
    match probe_terraform() {
        Ok(v) => *v,
        Err(e) => panic!("no Terraform (set TF_ACC_TERRAFORM_PATH): {e}"),
    }
}

/// True, after one line on stderr saying why, when no Terraform answers:
/// the test is then skipped. Written to the stream itself, since the test
/// harness hides a passing test's `eprintln!`.
pub fn no_terraform() -> bool {
    let Err(why) = probe_terraform() else {
        return false;
    };
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("test");
    let _ = writeln!(
        std::io::stderr(),
        "skipped {test}: no Terraform found ({why}); set TF_ACC_TERRAFORM_PATH or put terraform on PATH"
    );
    true
}

/// First line of every Terraform-driven test: returns (skips the test, with
/// a line saying why) when no Terraform is found.
macro_rules! skip_without_terraform {
    () => {
        if $crate::common::no_terraform() {
            return;
        }
    };
}
pub(crate) use skip_without_terraform;

/// Import blocks arrived in Terraform 1.5.
pub fn supports_import_blocks() -> bool {
    terraform_version() >= (1, 5, 0)
}

pub fn provider_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_terraform-provider-huaweicloud"))
}

fn unique_dir(tag: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let d = std::env::temp_dir().join(format!(
        "hwtf-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

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

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
    #[track_caller]
    pub fn ok(self) -> Self {
        assert_eq!(self.code, 0, "terraform failed:\n{}", self.all());
        self
    }
}

/// A Terraform working directory with its own CLI config.
pub struct Terraform {
    pub dir: PathBuf,
    env: Vec<(String, String)>,
}

impl Terraform {
    pub fn new(tag: &str) -> Terraform {
        Terraform::with_provider_dir(tag, provider_bin().parent().unwrap())
    }

    /// Runs the provider binary found in `bin_dir` (e.g. another build of
    /// it, for the differential test).
    pub fn with_provider_dir(tag: &str, bin_dir: &Path) -> Terraform {
        let dir = unique_dir(tag);
        let cli = dir.join("terraformrc");
        std::fs::write(
            &cli,
            format!(
                "provider_installation {{\n  dev_overrides {{\n    \"huaweicloud/huaweicloud\" = \"{}\"\n  }}\n  direct {{}}\n}}\n",
                bin_dir.display()
            ),
        )
        .unwrap();
        let env = vec![
            ("TF_CLI_CONFIG_FILE".into(), cli.display().to_string()),
            ("CHECKPOINT_DISABLE".into(), "1".into()),
            ("TF_IN_AUTOMATION".into(), "1".into()),
            ("HW_RETRY_BASE_MS".into(), "20".into()),
        ];
        Terraform { dir, env }
    }

    pub fn env(mut self, k: &str, v: &str) -> Self {
        self.env.push((k.into(), v.into()));
        self
    }

    pub fn write(&self, name: &str, content: &str) {
        std::fs::write(self.dir.join(name), content).unwrap();
    }

    /// The terraform command for this directory, with a clean environment.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(terraform_path());
        cmd.current_dir(&self.dir).args(args);
        for k in [
            "TF_LOG",
            "TF_LOG_PROVIDER",
            "TF_LOG_PATH",
            "HW_ACCESS_KEY",
            "HW_SECRET_KEY",
            "HW_AUTH_TOKEN",
            "HW_SECURITY_TOKEN",
            "HW_REGION_NAME",
            "HW_PROJECT_ID",
        ] {
            cmd.env_remove(k);
        }
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        let mut cmd = self.command(args);
        let out = cmd.output().expect("run terraform");
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).to_string(),
        }
    }

    pub fn apply(&self) -> Output {
        self.run(&["apply", "-auto-approve", "-input=false", "-no-color"])
    }
    pub fn destroy(&self) -> Output {
        self.run(&["destroy", "-auto-approve", "-input=false", "-no-color"])
    }
    pub fn validate(&self) -> Output {
        self.run(&["validate", "-no-color"])
    }
    /// `plan -detailed-exitcode`: 0 no changes, 2 changes, 1 error.
    pub fn plan(&self) -> Output {
        self.run(&["plan", "-input=false", "-no-color", "-detailed-exitcode"])
    }
    #[track_caller]
    pub fn assert_no_changes(&self) {
        let p = self.plan();
        assert_eq!(p.code, 0, "expected an empty plan:\n{}", p.all());
    }
    pub fn state_json(&self) -> serde_json::Value {
        let o = self.run(&["show", "-json", "-no-color"]).ok();
        serde_json::from_str(&o.stdout).unwrap()
    }
    /// Attribute values of the first resource in state.
    pub fn resource_values(&self, address: &str) -> serde_json::Value {
        let s = self.state_json();
        let rs = s["values"]["root_module"]["resources"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        rs.into_iter()
            .find(|r| r["address"] == address)
            .map(|r| r["values"].clone())
            .unwrap_or(serde_json::Value::Null)
    }
}

impl Drop for Terraform {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

pub fn terraform_block() -> &'static str {
    "terraform {\n  required_providers {\n    huaweicloud = {\n      source = \"huaweicloud/huaweicloud\"\n    }\n  }\n}\n"
}

/// A provider block pointing at the emulator with token auth.
pub fn provider_block(e: &Emulator) -> String {
    format!(
        "provider \"huaweicloud\" {{\n  region     = \"cn-north-4\"\n  project_id = \"{PROJECT}\"\n  token      = \"{TOKEN}\"\n  endpoints  = {{ apig = \"{}\" }}\n}}\n",
        e.url
    )
}

/// The emulator's default key pair (`--ak` / `--sk`).
pub const AK: &str = "EMULATORACCESSKEY0001";
pub const SK: &str = "emulator-secret-key-0001";

/// A provider block pointing at the emulator with `auth` as its only
/// credential lines (plus any other extra lines, e.g. `max_retries`).
pub fn provider_block_auth(e: &Emulator, auth: &str) -> String {
    format!(
        "provider \"huaweicloud\" {{\n  region     = \"cn-north-4\"\n  project_id = \"{PROJECT}\"\n  endpoints  = {{ apig = \"{}\" }}\n{auth}}}\n",
        e.url
    )
}

/// A provider block pointing at the emulator with AK/SK authentication
/// (and a security token for temporary credentials).
pub fn aksk_provider_block(
    e: &Emulator,
    ak: &str,
    sk: &str,
    security_token: Option<&str>,
) -> String {
    let mut auth = format!("  access_key = \"{ak}\"\n  secret_key = \"{sk}\"\n");
    if let Some(st) = security_token {
        auth.push_str(&format!("  security_token = \"{st}\"\n"));
    }
    provider_block_auth(e, &auth)
}

/// A whole configuration with the given provider block.
pub fn config_with(provider: &str, resources: &str) -> String {
    format!("{}{provider}{resources}", terraform_block())
}

pub fn config(e: &Emulator, resources: &str) -> String {
    format!("{}{}{}", terraform_block(), provider_block(e), resources)
}

pub fn exists(p: &Path) -> bool {
    p.exists()
}

// ---------------------------------------------------------------------------
// Helpers added for the fault, malformed-response and secrets suites.

impl Emulator {
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

impl Output {
    /// Terraform and the provider ended normally: no panic, no plugin crash.
    #[track_caller]
    pub fn assert_no_crash(&self) -> &Self {
        let all = self.all();
        for bad in [
            "panic",
            "plugin exited",
            "Plugin did not respond",
            "plugin crashed",
        ] {
            assert!(
                !all.contains(bad),
                "found {bad:?} in terraform output:\n{all}"
            );
        }
        self
    }
}

impl Terraform {
    /// `id` of every resource in state (`terraform show -json`), sorted.
    pub fn state_ids(&self) -> Vec<String> {
        let s = self.state_json();
        let mut ids: Vec<String> = s["values"]["root_module"]["resources"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .filter_map(|r| r["values"]["id"].as_str().map(str::to_string))
            .collect();
        ids.sort();
        ids
    }

    /// `plan -out=FILE`: 0 no changes, 2 changes, 1 error.
    pub fn plan_out(&self, file: &str) -> Output {
        self.run(&[
            "plan",
            "-input=false",
            "-no-color",
            "-detailed-exitcode",
            &format!("-out={file}"),
        ])
    }

    /// `apply FILE` of a saved plan.
    pub fn apply_saved(&self, file: &str) -> Output {
        self.run(&["apply", "-input=false", "-no-color", file])
    }
}

/// Like [`provider_block`], with extra provider arguments (one per line,
/// e.g. `max_retries = 1`).
pub fn provider_block_with(e: &Emulator, extra: &str) -> String {
    format!(
        "provider \"huaweicloud\" {{\n  region     = \"cn-north-4\"\n  project_id = \"{PROJECT}\"\n  token      = \"{TOKEN}\"\n  endpoints  = {{ apig = \"{}\" }}\n{extra}\n}}\n",
        e.url
    )
}

/// A configuration whose provider points at an arbitrary endpoint URL.
pub fn config_for_url(url: &str, provider_extra: &str, resources: &str) -> String {
    format!(
        "{}provider \"huaweicloud\" {{\n  region     = \"cn-north-4\"\n  project_id = \"{PROJECT}\"\n  token      = \"{TOKEN}\"\n  endpoints  = {{ apig = \"{url}\" }}\n{provider_extra}\n}}\n{resources}",
        terraform_block()
    )
}
