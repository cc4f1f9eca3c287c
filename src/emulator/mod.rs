//! A local fake of the Huawei Cloud APIG v2 VPC channel API, faithful to
//! the real service (including its habits), for end-to-end tests, demos and
//! offline CI.
//!
//! # Library use
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use hwprovider::emulator::{start, Options};
//! let emu = start(Options {
//!     instances: vec!["my-gateway".into()],
//!     ..Options::default()
//! })
//! .await?;
//! println!("{}", emu.url); // http://127.0.0.1:PORT
//! emu.emulator().set_quirks(false); // same as POST /_emulator/config
//! emu.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! [`start`] binds (port 0 picks a free one), loads the state file, spawns
//! the server on the current Tokio runtime and returns a [`Handle`]. The
//! server stops on [`Handle::shutdown`] or when the handle is dropped.
//! [`run_cli`] is the whole `apig-emulator` binary.
//!
//! # HTTP surface
//!
//! API: `/v2/{project_id}/apigw/instances/{instance_id}/vpc-channels`
//! (`GET` list, `POST` create), `.../vpc-channels/{id}` (`GET`, `PUT`,
//! `DELETE`), and under it (`subapi.rs`): `members` (`GET` list, `POST`
//! add or update, `PUT` replace all or one `member_group_name`'s),
//! `members/{member_id}` (`DELETE`), `members/batch-enable` and
//! `members/batch-disable` (`POST`, `{"member_ids": [...]}`, 204),
//! `health-config` (`PUT`), `member-groups` (`GET` list, `POST` add or
//! update by name), `member-groups/{member_group_id}` (`GET`, `PUT`,
//! `DELETE`: its members go with it). A missing member or group is 404
//! APIG.3024 / APIG.3025 (the reference gives only the status). Every API
//! request needs `X-Auth-Token` or an AK/SK signature.
//!
//! Admin (never faulted or recorded), under `/_emulator/`; only for a
//! loopback `Host` (unless `--host` is not loopback), writes only with
//! `Content-Type: application/json`, and with `--admin-token T` only with
//! `Authorization: Bearer T`:
//! `GET health`; `GET requests[?since=SEQ]`, `DELETE requests`;
//! `GET channels`; `POST channels/{id}/bind-api`, `.../unbind-api`;
//! `GET|POST|DELETE faults`; `GET|POST config` (`quirks`, `quota`,
//! `aksk_lockout`, `latency_ms`); `GET|POST instances` (`{"instance_id": ..}`);
//! `POST reset` (channels, requests, faults, key lockouts).
//!
//! # Habits
//!
//! With `quirks` on (the default) the server's habits from the API notes
//! apply: its own member/group order, filled-in defaults, lower-case health
//! protocol, `type` kept on `PUT`, unique names, CCE label derivation and
//! "discovered" members of microservice channels. Off, data comes back as
//! stored and names may repeat; the API shape (no members or health check in
//! create/update/list, `PUT` as full overwrite) is the same either way.
//!
//! # As the SDK documents it
//!
//! Bodies are the emulator's own models (`model.rs`, after the official
//! SDK's `VpcCreate`, `MemberGroupCreate`, `MicroServiceCreate`, ...), not
//! the provider's. The channel's kind is `vpc_channel_type` (`builtin`,
//! `microservice`, `reference`); without it `type = 3` with
//! `microservice_info` is a microservice channel and anything else a server
//! channel (`type = 3` alone falls back); a `type` that contradicts it is
//! APIG.2012. A reference channel's member groups carry
//! `reference_vpc_channel_id` (an existing non-reference channel of the
//! gateway; only reference channels take it), its `members` are ignored, and
//! a referenced channel cannot be deleted (409 APIG.3719). NACOS sources
//! (`nacos_info`, the SDK's `MicroServiceInfoNacosBase`) are checked as
//! documented and shown with `cluster_name` `DEFAULT`, `group_name`
//! `DEFAULT_GROUP`, `namespace` `""` and `grpc_port` = port + 1000 when
//! unset; `user_info.password` is stored (the admin channel dump shows it,
//! so tests can see what reached the server) and never shown by the API.
//! Chinese characters (CJK ideographs) are taken where the SDK documents
//! them: `name`, `member_group_name`, `ecs_name`, `app_name`, `label_key`,
//! `label_value` and the CCE Service `service_name`. Lists take
//! `vpc_channel_type`; a negative `offset` means 0. An error's
//! `request_id` is also its `X-Request-Id` header; answers carry no field
//! the API lacks.

mod admin;
mod api;
mod auth;
mod clock;
pub mod error;
pub mod faults;
mod generated;
mod guard;
pub mod iam;
pub mod list;
pub mod model;
mod options;
mod persist;
mod query;
pub(crate) mod render;
mod server;
pub mod store;
mod subapi;
mod validate;
mod validate_microservice;

#[cfg(test)]
mod conformance_cross_tests;
#[cfg(test)]
mod conformance_tests;
#[cfg(test)]
mod credentials_tests;
#[cfg(test)]
mod habits_tests;
#[cfg(test)]
mod http_tests;
#[cfg(test)]
mod kinds_tests;
#[cfg(test)]
mod operation_tests;
#[cfg(test)]
mod security_tests;
#[cfg(test)]
mod tests;

use std::collections::VecDeque;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use auth::AuthKind;
pub use faults::FaultRule;
pub use server::MAX_BODY;
pub use store::StoredChannel;

use persist::Persister;
use store::{Policy, Store};

pub use options::{
    Options, DEFAULT_AK, DEFAULT_INSTANCE, DEFAULT_MAX_RECORDED, DEFAULT_QUOTA, DEFAULT_SK,
    DEFAULT_TOKEN, USAGE,
};

/// One API request as received, for `/_emulator/requests`.
#[derive(Serialize, Clone, Debug)]
pub struct Recorded {
    pub seq: u64,
    /// Arrival, Unix milliseconds.
    pub at_ms: i64,
    pub duration_ms: u64,
    pub method: String,
    pub path: String,
    /// Decoded query parameters (last value wins).
    pub query: serde_json::Map<String, Value>,
    pub raw_query: String,
    /// Parsed JSON body, or null (none, not JSON, or over 64 KiB).
    pub body: Value,
    /// Status sent, or that would have been sent before a drop; 0 when the
    /// request was dropped before being served.
    pub status: u16,
    pub auth: AuthKind,
    /// An injected fault applied to it.
    pub fault: bool,
    /// The connection was closed without an answer.
    pub dropped: bool,
}

struct RequestLog {
    entries: VecDeque<Recorded>,
    next_seq: u64,
    cap: usize,
}

/// The emulator's shared state; reachable in-process through
/// [`Handle::emulator`] for what the admin API does over HTTP.
pub struct Emulator {
    store: Mutex<Store>,
    log: Mutex<RequestLog>,
    faults: faults::Faults,
    auth: auth::Auth,
    iam: iam::Iam,
    quirks: AtomicBool,
    quota: AtomicUsize,
    latency_ms: AtomicU64,
    persist: Option<Persister>,
    verbose: bool,
    admin_guard: guard::AdminGuard,
    header_timeout: std::time::Duration,
    max_connections: usize,
}

impl Emulator {
    fn new(o: &Options) -> std::io::Result<Self> {
        let mut store = Store::new(o.instances.iter().cloned());
        if let Some(path) = &o.state_file {
            if let Some(state) = Persister::load(path)? {
                store.load(state.instances, state.channels);
            }
        }
        Ok(Emulator {
            store: Mutex::new(store),
            log: Mutex::new(RequestLog {
                entries: VecDeque::new(),
                next_seq: 1,
                cap: o.max_recorded.max(1),
            }),
            faults: faults::Faults::default(),
            auth: auth::Auth::new(
                o.tokens.clone(),
                vec![(o.ak.clone(), o.sk.clone())],
                o.security_token.clone(),
                o.aksk_lockout,
            ),
            iam: iam::Iam::default(),
            quirks: AtomicBool::new(o.quirks),
            quota: AtomicUsize::new(o.quota),
            latency_ms: AtomicU64::new(o.latency_ms),
            persist: o.state_file.clone().map(Persister::new),
            verbose: o.verbose,
            admin_guard: guard::AdminGuard::new(o),
            header_timeout: o.header_timeout,
            max_connections: o.max_connections.max(1),
        })
    }

    /// The store lock survives a panicking holder: the data is still usable.
    fn lock_store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn lock_log(&self) -> MutexGuard<'_, RequestLog> {
        self.log.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn policy(&self) -> Policy {
        Policy {
            quirks: self.quirks(),
            quota: self.quota.load(Ordering::Relaxed),
        }
    }

    async fn persisted(&self, gen: u64) {
        if let Some(p) = &self.persist {
            p.wait(gen).await;
        }
    }

    fn record(&self, mut r: Recorded) {
        let mut log = self.lock_log();
        r.seq = log.next_seq;
        log.next_seq += 1;
        if log.entries.len() >= log.cap {
            log.entries.pop_front();
        }
        log.entries.push_back(r);
    }

    /// The IAM side: counters and lifetimes.
    pub fn iam(&self) -> &iam::Iam {
        &self.iam
    }

    pub fn quirks(&self) -> bool {
        self.quirks.load(Ordering::Relaxed)
    }

    pub fn set_quirks(&self, on: bool) {
        self.quirks.store(on, Ordering::Relaxed);
    }

    pub fn set_quota(&self, n: usize) {
        self.quota.store(n, Ordering::Relaxed);
    }

    pub fn latency(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.latency_ms.load(Ordering::Relaxed))
    }

    pub fn set_latency_ms(&self, ms: u64) {
        self.latency_ms.store(ms, Ordering::Relaxed);
    }

    pub fn set_aksk_lockout(&self, on: bool) {
        self.auth.lockout.store(on, Ordering::Relaxed);
        if !on {
            self.auth.clear_lockouts();
        }
    }

    pub fn config_json(&self) -> Value {
        json!({
            "quirks": self.quirks(),
            "quota": self.quota.load(Ordering::Relaxed),
            "aksk_lockout": self.auth.lockout.load(Ordering::Relaxed),
            "latency_ms": self.latency_ms.load(Ordering::Relaxed),
        })
    }

    /// Recorded API requests, oldest first; only those after `since`.
    pub fn requests(&self, since: Option<u64>) -> Vec<Recorded> {
        let log = self.lock_log();
        log.entries
            .iter()
            .filter(|r| since.is_none_or(|s| r.seq > s))
            .cloned()
            .collect()
    }

    pub fn clear_requests(&self) {
        self.lock_log().entries.clear();
    }

    /// Every stored channel (all gateways), as stored, oldest first.
    pub fn channels(&self) -> Vec<StoredChannel> {
        self.lock_store()
            .all()
            .into_iter()
            .map(|c| (*c).clone())
            .collect()
    }

    fn channels_json(&self) -> Value {
        let all = self.lock_store().all();
        serde_json::to_value(store::ChannelsSer(&all)).unwrap_or_else(|_| json!([]))
    }

    pub fn instances(&self) -> Vec<String> {
        self.lock_store().instances.iter().cloned().collect()
    }

    pub async fn add_instance(&self, id: &str) {
        let gen = {
            let mut st = self.lock_store();
            st.instances.insert(id.to_string());
            st.gen += 1;
            st.gen
        };
        self.persisted(gen).await;
    }

    pub fn add_fault(&self, rule: FaultRule) -> Result<(), String> {
        rule.check()?;
        self.faults.add(rule);
        Ok(())
    }

    pub fn clear_faults(&self) {
        self.faults.clear();
    }

    /// Adds `delta` to the APIs using channel `id`; None if there is none.
    pub async fn bind_api(&self, id: &str, delta: i32) -> Option<u32> {
        let (n, gen) = {
            let mut st = self.lock_store();
            let n = st.bind(id, delta)?;
            (n, st.gen)
        };
        self.persisted(gen).await;
        Some(n)
    }

    /// Wipes channels, recorded requests, faults and key lockouts; keeps
    /// gateways and settings.
    pub async fn reset(&self) {
        let gen = {
            let mut st = self.lock_store();
            st.clear_channels();
            st.gen
        };
        self.clear_requests();
        self.faults.clear();
        self.auth.clear_lockouts();
        self.iam.reset_counters();
        self.persisted(gen).await;
    }
}

/// A running emulator.
pub struct Handle {
    pub addr: SocketAddr,
    /// `http://127.0.0.1:PORT` (https with TLS).
    pub url: String,
    /// The self-signed certificate in TLS mode.
    pub cert_pem: Option<String>,
    emulator: Arc<Emulator>,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl Handle {
    pub fn emulator(&self) -> &Arc<Emulator> {
        &self.emulator
    }

    /// Stops accepting, lets open requests finish (at most 5 s) and writes
    /// the state file.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

/// Starts the emulator on the current Tokio runtime.
pub async fn start(opts: Options) -> std::io::Result<Handle> {
    let emulator = Arc::new(Emulator::new(&opts)?);
    let (tls, cert_pem) = if opts.tls {
        let (acceptor, pem) = server::tls_acceptor()?;
        if let Some(path) = &opts.tls_cert_out {
            std::fs::write(path, &pem)?;
        }
        (Some(acceptor), Some(pem))
    } else {
        (None, None)
    };
    let listener = TcpListener::bind((opts.host.as_str(), opts.port)).await?;
    if let Some(w) = guard::exposure_warning(&opts) {
        eprintln!("{w}");
    }
    let addr = listener.local_addr()?;
    let url = format!("{}://{addr}", if opts.tls { "https" } else { "http" });
    let (tx, rx) = watch::channel(false);
    let task = tokio::spawn(server::run(listener, tls, emulator.clone(), rx));
    Ok(Handle {
        addr,
        url,
        cert_pem,
        emulator,
        shutdown: tx,
        task: Some(task),
    })
}

/// The `apig-emulator` program: parse `args` (without the program name),
/// serve until Ctrl-C or SIGTERM. Returns the exit code.
pub async fn run_cli<I, S>(args: I) -> i32
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let args: Vec<String> = args.into_iter().map(Into::into).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return 0;
    }
    let opts = match Options::from_args(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("apig-emulator: {e}\n{USAGE}");
            return 2;
        }
    };
    let handle = match start(opts).await {
        Ok(h) => h,
        Err(e) => {
            eprintln!("apig-emulator: {e}");
            return 1;
        }
    };
    // println! would panic if stdout is gone; a reader may close it early.
    let mut out = std::io::stdout();
    let _ = writeln!(out, "listening on {}", handle.url);
    let _ = out.flush();
    wait_for_signal().await;
    handle.shutdown().await;
    0
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
