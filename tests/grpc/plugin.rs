//! The provider process, launched the way Terraform (go-plugin) launches it,
//! and its handshake line.

use std::io::BufRead;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use base64::Engine;

use crate::certs::ClientCert;
use crate::{BIN, COOKIE, PATIENCE};

/// The provider child; killed when dropped so a failing test leaves nothing behind.
pub(crate) struct Plugin {
    pub(crate) child: Child,
    /// stdout lines, read by a thread so the pipe never fills.
    pub(crate) lines: mpsc::Receiver<String>,
}

impl Drop for Plugin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Plugin {
    pub(crate) fn pid(&self) -> libc::pid_t {
        self.child.id() as libc::pid_t
    }

    pub(crate) fn next_line(&self) -> String {
        self.lines
            .recv_timeout(PATIENCE)
            .expect("the provider printed no line on stdout")
    }

    pub(crate) fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_none()
    }

    /// Waits up to `limit` for the process to exit; returns its status.
    pub(crate) async fn exited_within(
        &mut self,
        limit: Duration,
    ) -> Option<std::process::ExitStatus> {
        let start = Instant::now();
        loop {
            if let Some(st) = self.child.try_wait().expect("try_wait") {
                return Some(st);
            }
            if start.elapsed() > limit {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// The provider binary with none of the caller's Terraform, plugin or
/// Huawei Cloud settings (a developer's HW_* must not leak into tests).
pub(crate) fn command() -> Command {
    let mut c = Command::new(BIN);
    for (k, _) in std::env::vars() {
        if k.starts_with("HW_") || k.starts_with("TF_") || k.starts_with("PLUGIN_") {
            c.env_remove(k);
        }
    }
    c.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    c
}

pub(crate) fn spawn(mut c: Command) -> Plugin {
    let mut child = c.spawn().expect("spawn the provider");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    Plugin { child, lines: rx }
}

/// What Terraform sets when it launches a provider.
pub(crate) fn terraform_command(client: Option<&ClientCert>) -> Command {
    let mut c = command();
    c.env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "6")
        .env("PLUGIN_MIN_PORT", "10000")
        .env("PLUGIN_MAX_PORT", "25000");
    if let Some(cert) = client {
        c.env("PLUGIN_CLIENT_CERT", &cert.pem);
    }
    c
}

pub(crate) struct Handshake {
    pub(crate) sock: PathBuf,
    /// DER of the server certificate; `None` when serving plain text.
    pub(crate) server_der: Option<Vec<u8>>,
}

/// Checks the go-plugin handshake line `1|6|unix|/path|grpc|CERT`.
pub(crate) fn parse_handshake(line: &str) -> Handshake {
    let f: Vec<&str> = line.split('|').collect();
    assert_eq!(f.len(), 6, "handshake line {line:?}");
    assert_eq!(f[0], "1", "core protocol version in {line:?}");
    assert_eq!(f[1], "6", "plugin protocol version in {line:?}");
    assert_eq!(f[2], "unix", "network in {line:?}");
    assert_eq!(f[4], "grpc", "protocol in {line:?}");
    let sock = PathBuf::from(f[3]);
    assert!(sock.is_absolute(), "socket path {sock:?} is not absolute");
    let meta = std::fs::metadata(&sock).expect("socket exists");
    assert!(meta.file_type().is_socket(), "{sock:?} is not a socket");
    let dir = sock.parent().expect("socket dir");
    let mode = std::fs::metadata(dir)
        .expect("socket dir")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700, "socket dir {dir:?} mode {mode:o}");
    let server_der = if f[5].is_empty() {
        None
    } else {
        assert!(!f[5].contains('='), "cert must be base64 without padding");
        let der = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(f[5])
            .expect("cert is unpadded base64");
        assert_der_sequence(&der);
        Some(der)
    };
    Handshake { sock, server_der }
}

/// A certificate is one DER SEQUENCE spanning exactly the decoded bytes.
fn assert_der_sequence(der: &[u8]) {
    assert!(
        der.len() > 4 && der[0] == 0x30,
        "cert is not a DER SEQUENCE"
    );
    let (len, header) = match der[1] {
        n if n < 0x80 => (n as usize, 2),
        n => {
            let k = (n & 0x7f) as usize;
            assert!((1..=4).contains(&k), "bad DER length");
            let len = der[2..2 + k]
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | *b as usize);
            (len, 2 + k)
        }
    };
    assert_eq!(header + len, der.len(), "DER length does not match");
}

/// Launches the provider like Terraform with AutoMTLS.
pub(crate) fn start_mtls(client: &ClientCert) -> (Plugin, Handshake) {
    let p = spawn(terraform_command(Some(client)));
    let hs = parse_handshake(&p.next_line());
    assert!(hs.server_der.is_some(), "AutoMTLS must give a server cert");
    (p, hs)
}
