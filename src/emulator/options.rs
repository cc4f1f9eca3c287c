//! What the emulator can be told at start, and its command line.

use std::path::PathBuf;

use super::guard;

pub const DEFAULT_INSTANCE: &str = "eddc4d25480b4cd6b512f270a1b8b341";
pub const DEFAULT_TOKEN: &str = "emulator-token";
pub const DEFAULT_AK: &str = "EMULATORACCESSKEY0001";
pub const DEFAULT_SK: &str = "emulator-secret-key-0001";
pub const DEFAULT_QUOTA: usize = 30;
/// Recorded API requests kept (oldest dropped first).
pub const DEFAULT_MAX_RECORDED: usize = 20_000;

/// Everything the emulator can be told at start.
#[derive(Clone, Debug)]
pub struct Options {
    pub host: String,
    /// 0 picks a free port.
    pub port: u16,
    pub state_file: Option<PathBuf>,
    /// The server's habits (on by default); off: data comes back as stored.
    pub quirks: bool,
    /// Channels per gateway.
    pub quota: usize,
    /// Gateway instance IDs that exist.
    pub instances: Vec<String>,
    /// Accepted `X-Auth-Token` values.
    pub tokens: Vec<String>,
    pub ak: String,
    pub sk: String,
    /// When set, AK/SK requests must carry (and sign) this
    /// `X-Security-Token`.
    pub security_token: Option<String>,
    /// Lock an access key for 5 minutes after 5 bad signatures in a row, as
    /// the real gateway does.
    pub aksk_lockout: bool,
    /// Serve HTTPS with a fresh self-signed certificate.
    pub tls: bool,
    /// Where to write that certificate (PEM), for clients that verify.
    pub tls_cert_out: Option<PathBuf>,
    /// One line per API request on stderr.
    pub verbose: bool,
    pub max_recorded: usize,
    /// Added to every API request (not admin ones), for benchmarks that
    /// need the cost of a real round trip.
    pub latency_ms: u64,
    /// When set, admin requests need `Authorization: Bearer <token>`.
    pub admin_token: Option<String>,
    /// Time to send a request's headers (also the keep-alive idle limit).
    pub header_timeout: std::time::Duration,
    /// Connections served at once; further ones wait to be accepted.
    pub max_connections: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            host: "127.0.0.1".into(),
            port: 0,
            state_file: None,
            quirks: true,
            quota: DEFAULT_QUOTA,
            instances: vec![DEFAULT_INSTANCE.into()],
            tokens: vec![DEFAULT_TOKEN.into()],
            ak: DEFAULT_AK.into(),
            sk: DEFAULT_SK.into(),
            security_token: None,
            aksk_lockout: true,
            tls: false,
            tls_cert_out: None,
            verbose: false,
            max_recorded: DEFAULT_MAX_RECORDED,
            latency_ms: 0,
            admin_token: None,
            header_timeout: guard::DEFAULT_HEADER_TIMEOUT,
            max_connections: guard::DEFAULT_MAX_CONNECTIONS,
        }
    }
}

pub const USAGE: &str = "\
usage: apig-emulator [options]
  --port N               port to listen on (0 = pick a free one; default 0)
  --host ADDR            address to bind (default 127.0.0.1)
  --state-file PATH      load channels from PATH and save them after every change
  --no-quirks            turn off the real server's habits
  --quota N              channels per gateway (default 30)
  --instance ID          a gateway that exists (repeatable; default eddc4d25480b4cd6b512f270a1b8b341)
  --token T              an accepted X-Auth-Token (repeatable; default emulator-token)
  --ak AK --sk SK        the accepted key pair (default EMULATORACCESSKEY0001 / emulator-secret-key-0001)
  --security-token T     AK/SK requests must carry and sign X-Security-Token: T
  --no-aksk-lockout      do not lock a key after 5 bad signatures
  --tls                  serve HTTPS with a fresh self-signed certificate
  --tls-cert-out PATH    write that certificate (PEM) to PATH
  --max-recorded N       API requests kept for /_emulator/requests (default 20000)
  --latency-ms N         wait N ms before answering each API request (default 0)
  --verbose              log each API request to stderr
  --admin-token T        admin requests (/_emulator/) need `Authorization: Bearer T`
  --header-timeout SECS  close a connection that takes longer to send its headers, or idles (default 60)
  --max-connections N    connections served at once; more wait (default 512)
The admin API answers only a loopback Host unless --host is not loopback.
Prints one line `listening on http://127.0.0.1:PORT` on stdout when ready.";

impl Options {
    /// Parses command-line arguments (without the program name). Both
    /// `--opt value` and `--opt=value` work.
    pub fn from_args<I, S>(args: I) -> Result<Options, String>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut o = Options::default();
        let (mut instances, mut tokens) = (Vec::new(), Vec::new());
        let mut it = args.into_iter().map(Into::into);
        while let Some(arg) = it.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
                _ => (arg.clone(), None),
            };
            let mut value = |what: &str| -> Result<String, String> {
                inline
                    .clone()
                    .or_else(|| it.next())
                    .ok_or_else(|| format!("{name} needs {what}"))
            };
            let number = |s: String, name: &str| -> Result<u64, String> {
                s.parse::<u64>()
                    .map_err(|_| format!("{name}: not a number: {s}"))
            };
            match name.as_str() {
                "--port" => {
                    let p = number(value("a port")?, "--port")?;
                    o.port = u16::try_from(p).map_err(|_| format!("--port: out of range: {p}"))?;
                }
                "--host" => o.host = value("an address")?,
                "--state-file" => o.state_file = Some(PathBuf::from(value("a path")?)),
                "--no-quirks" => o.quirks = false,
                "--quota" => o.quota = number(value("a number")?, "--quota")? as usize,
                "--instance" => instances.push(value("an instance ID")?),
                "--token" => tokens.push(value("a token")?),
                "--ak" => o.ak = value("an access key")?,
                "--sk" => o.sk = value("a secret key")?,
                "--security-token" => o.security_token = Some(value("a token")?),
                "--no-aksk-lockout" => o.aksk_lockout = false,
                "--tls" => o.tls = true,
                "--tls-cert-out" => o.tls_cert_out = Some(PathBuf::from(value("a path")?)),
                "--max-recorded" => {
                    o.max_recorded = number(value("a number")?, "--max-recorded")? as usize
                }
                "--latency-ms" => o.latency_ms = number(value("a number")?, "--latency-ms")?,
                "--verbose" => o.verbose = true,
                "--admin-token" => o.admin_token = Some(value("a token")?),
                "--header-timeout" => {
                    let secs = number(value("seconds")?, "--header-timeout")?.max(1);
                    o.header_timeout = std::time::Duration::from_secs(secs);
                }
                "--max-connections" => {
                    o.max_connections =
                        number(value("a number")?, "--max-connections")?.max(1) as usize
                }
                _ => return Err(format!("unknown argument: {arg}")),
            }
        }
        if !instances.is_empty() {
            o.instances = instances;
        }
        if !tokens.is_empty() {
            o.tokens = tokens;
        }
        if o.ak.is_empty() || o.sk.is_empty() {
            return Err("--ak and --sk must not be empty".into());
        }
        Ok(o)
    }
}

#[cfg(test)]
#[path = "options_tests.rs"]
mod tests;
