//! go-plugin launch: magic cookie, private unix socket, AutoMTLS, the
//! handshake line, the controller's Shutdown, and debug (reattach) mode.

use std::io::Write;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::UnixListener;
use tokio::sync::{mpsc, watch};
use tonic::transport::server::Connected;

use super::grpc::Server;
use super::logging::{self, Level};
use super::proto;
use super::provider::Provider;
use super::tls;

pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
const MAX_MESSAGE: usize = 256 * 1024 * 1024;

/// A plugin connection, plain or TLS.
pub struct Conn(Pin<Box<dyn Io>>);
trait Io: AsyncRead + AsyncWrite + Send {}
impl<T: AsyncRead + AsyncWrite + Send> Io for T {}

impl Connected for Conn {
    type ConnectInfo = ();
    fn connect_info(&self) {}
}
impl AsyncRead for Conn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        self.0.as_mut().poll_read(cx, buf)
    }
}
impl AsyncWrite for Conn {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.0.as_mut().poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.0.as_mut().poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.0.as_mut().poll_shutdown(cx)
    }
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        self.0.as_mut().poll_write_vectored(cx, bufs)
    }
    fn is_write_vectored(&self) -> bool {
        self.0.is_write_vectored()
    }
}

struct Controller {
    shutdown: watch::Sender<bool>,
}

#[tonic::async_trait]
impl proto::controller::grpc_controller_server::GrpcController for Controller {
    async fn shutdown(
        &self,
        _: tonic::Request<proto::controller::Empty>,
    ) -> Result<tonic::Response<proto::controller::Empty>, tonic::Status> {
        let _ = self.shutdown.send(true);
        Ok(tonic::Response::new(proto::controller::Empty {}))
    }
}

/// A private directory (mode 0700) holding the socket; removed on drop.
struct SocketDir(PathBuf);
impl SocketDir {
    fn create() -> std::io::Result<Self> {
        use std::os::unix::fs::DirBuilderExt;
        let base = std::env::temp_dir();
        for _ in 0..16 {
            let p = base.join(format!("plugin{:016x}", rand::random::<u64>()));
            match std::fs::DirBuilder::new().mode(0o700).create(&p) {
                Ok(()) => return Ok(SocketDir(p)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(std::io::Error::other(
            "could not create a private socket directory",
        ))
    }
}
impl Drop for SocketDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// How long open calls may run on after SIGTERM or SIGHUP.
const SIGNAL_GRACE: std::time::Duration = std::time::Duration::from_secs(2);

/// Resolves with the name of the first SIGTERM or SIGHUP; installed before
/// the handshake so that no signal can come too early to be caught.
fn terminate_signal() -> std::io::Result<impl std::future::Future<Output = &'static str>> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate())?;
    let mut hup = signal(SignalKind::hangup())?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = hup.recv() => "SIGHUP",
        }
    })
}

fn ignore_sigint() {
    // Terraform forwards Ctrl-C as StopProvider; the signal itself must not kill us.
    unsafe {
        libc::signal(libc::SIGINT, libc::SIG_IGN);
    }
}

/// Entry point of the provider binary. Returns the process exit code.
pub fn main<P: Provider>(make: impl FnOnce() -> P, name: &str, address: &str) -> i32 {
    main_with_service(|| Server::new(Arc::new(make())), name, address)
}

/// Like [`main`], serving any tfplugin6 service (e.g. the benchmark's
/// replay floor, which answers the protocol from a recording).
pub fn main_with_service<S: proto::provider_server::Provider>(
    make: impl FnOnce() -> S,
    name: &str,
    address: &str,
) -> i32 {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--version" || a == "-v") {
        println!("{name} {}", env!("CARGO_PKG_VERSION"));
        return 0;
    }
    let debug = args.iter().any(|a| a == "--debug" || a == "-debug");
    if !debug && std::env::var(MAGIC_COOKIE_KEY).as_deref() != Ok(MAGIC_COOKIE_VALUE) {
        eprintln!(
            "This binary is a plugin. These are not meant to be executed directly.\n\
             Please execute the program that consumes these plugins, which will\n\
             load any plugins automatically.\n\n\
             {name} is a Terraform provider: configure it in Terraform ({address}).\n\
             Run it with --debug to start it for a debugger (TF_REATTACH_PROVIDERS)."
        );
        return 1;
    }
    if !debug {
        if let Ok(v) = std::env::var("PLUGIN_PROTOCOL_VERSIONS") {
            if !v.split(',').any(|x| x.trim() == "6") {
                eprintln!("{name} speaks plugin protocol 6 only; this Terraform offers {v:?}. Use Terraform 1.0 or later.");
                return 1;
            }
        }
        ignore_sigint();
    }
    logging::init_from_env(name);
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return 1;
        }
    };
    match rt.block_on(run(make(), debug, address)) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("{name}: {e}");
            1
        }
    }
}

/// How often a plugin checks that Terraform, its parent, is still there.
const PARENT_POLL: std::time::Duration = std::time::Duration::from_secs(1);

/// Resolves once the process that started this one has exited (we were
/// reparented). Terraform that crashes sends no signal and no Shutdown;
/// without this the provider would live on, holding the pipes Terraform's
/// own caller waits on.
async fn parent_exited(parent: libc::pid_t) {
    let mut tick = tokio::time::interval(PARENT_POLL);
    loop {
        tick.tick().await;
        // SAFETY: getppid has no preconditions and cannot fail.
        if unsafe { libc::getppid() } != parent {
            return;
        }
    }
}

/// AutoMTLS when Terraform offers its client certificate (never in debug
/// mode, nor with TF_DISABLE_PLUGIN_TLS=1).
fn tls_from_env(debug: bool) -> std::io::Result<Option<(Arc<rustls::ServerConfig>, Vec<u8>)>> {
    let pem = std::env::var("PLUGIN_CLIENT_CERT").unwrap_or_default();
    if debug || pem.is_empty() || std::env::var("TF_DISABLE_PLUGIN_TLS").as_deref() == Ok("1") {
        return Ok(None);
    }
    tls::server_config(&pem)
        .map(Some)
        .map_err(std::io::Error::other)
}

/// Accepts connections (with TLS when configured) into a stream for tonic.
fn accept_connections(
    listener: UnixListener,
    acceptor: Option<tokio_rustls::TlsAcceptor>,
) -> tokio_stream::wrappers::ReceiverStream<std::io::Result<Conn>> {
    let (conn_tx, conn_rx) = mpsc::channel::<std::io::Result<Conn>>(16);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let tx = conn_tx.clone();
            let Some(acc) = acceptor.clone() else {
                if tx.send(Ok(Conn(Box::pin(stream)))).await.is_err() {
                    break;
                }
                continue;
            };
            tokio::spawn(async move {
                match acc.accept(stream).await {
                    Ok(tls) => {
                        let _ = tx.send(Ok(Conn(Box::pin(tls)))).await;
                    }
                    Err(e) => {
                        logging::log(Level::Warn, "Refused a plugin connection", &[("error", &e)])
                    }
                }
            });
        }
    });
    tokio_stream::wrappers::ReceiverStream::new(conn_rx)
}

/// The handshake line go-plugin reads, or debug mode's reattach text.
fn announce(
    debug: bool,
    address: &str,
    sock: &str,
    cert_der: Option<&[u8]>,
) -> std::io::Result<()> {
    if debug {
        let reattach = format!(
            "{{\"registry.terraform.io/{address}\":{{\"Protocol\":\"grpc\",\"ProtocolVersion\":6,\"Pid\":{},\"Test\":true,\"Addr\":{{\"Network\":\"unix\",\"String\":\"{}\"}}}}}}",
            std::process::id(),
            sock.replace('\\', "\\\\").replace('"', "\\\"")
        );
        println!(
            "Provider started in debug mode. To attach Terraform, set this in the shell\n\
             where you run it:\n\n\tTF_REATTACH_PROVIDERS='{reattach}'\n\n\
             Press Ctrl-C to stop."
        );
    } else {
        let cert = cert_der
            .map(|der| {
                use base64::Engine;
                base64::engine::general_purpose::STANDARD_NO_PAD.encode(der)
            })
            .unwrap_or_default();
        println!("1|6|unix|{sock}|grpc|{cert}");
    }
    std::io::stdout().flush()
}

/// What ends serving: the controller's Shutdown (debug mode: Ctrl-C) ends
/// it gracefully; a signal, or Terraform gone, ends the process after
/// [`SIGNAL_GRACE`] for open calls, never leaving the socket behind.
async fn until_stopped(
    mut stop_rx: watch::Receiver<bool>,
    interrupt: Option<tokio::signal::unix::Signal>,
    terminated: impl std::future::Future<Output = &'static str>,
    parent: Option<libc::pid_t>,
    sock_dir: PathBuf,
) {
    let stopped = async {
        if let Some(mut interrupt) = interrupt {
            interrupt.recv().await;
        } else {
            while !*stop_rx.borrow() {
                if stop_rx.changed().await.is_err() {
                    break;
                }
            }
        }
    };
    let orphaned = async {
        match parent {
            Some(p) => parent_exited(p).await,
            None => std::future::pending().await,
        }
    };
    let why = tokio::select! {
        _ = stopped => return,
        signal = terminated => signal,
        _ = orphaned => "Terraform (the parent process) exited",
    };
    logging::log(Level::Info, "Stopping", &[("reason", &why)]);
    tokio::spawn(async move {
        tokio::time::sleep(SIGNAL_GRACE).await;
        let _ = std::fs::remove_dir_all(&sock_dir);
        std::process::exit(1);
    });
}

async fn run<S: proto::provider_server::Provider>(
    service: S,
    debug: bool,
    address: &str,
) -> std::io::Result<()> {
    // The parent is read first: if it is already gone by the time the
    // watch starts, the change is still seen.
    // SAFETY: getppid has no preconditions and cannot fail.
    let parent = (!debug).then(|| unsafe { libc::getppid() });
    let dir = SocketDir::create()?;
    let sock = dir.0.join("plugin.sock");
    let listener = UnixListener::bind(&sock)?;
    let terminated = terminate_signal()?;
    // Debug mode stops on Ctrl-C; installed before the handshake too, so a
    // Ctrl-C right after it is never the default (killing) action.
    let interrupt = if debug {
        Some(tokio::signal::unix::signal(
            tokio::signal::unix::SignalKind::interrupt(),
        )?)
    } else {
        None
    };
    let tls_config = tls_from_env(debug)?;
    let acceptor =
        (tls_config.as_ref()).map(|(cfg, _)| tokio_rustls::TlsAcceptor::from(cfg.clone()));
    let incoming = accept_connections(listener, acceptor);

    let (stop_tx, stop_rx) = watch::channel(false);
    let svc = proto::provider_server::ProviderServer::new(service)
        .max_decoding_message_size(MAX_MESSAGE)
        .max_encoding_message_size(MAX_MESSAGE);
    let ctl = proto::controller::grpc_controller_server::GrpcControllerServer::new(Controller {
        shutdown: stop_tx,
    });

    let cert = tls_config.as_ref().map(|(_, der)| der.as_slice());
    announce(debug, address, &sock.to_string_lossy(), cert)?;
    let shutdown = until_stopped(stop_rx, interrupt, terminated, parent, dir.0.clone());
    tonic::transport::Server::builder()
        .add_service(svc)
        .add_service(ctl)
        .serve_with_incoming_shutdown(incoming, shutdown)
        .await
        .map_err(std::io::Error::other)?;
    drop(dir);
    Ok(())
}
