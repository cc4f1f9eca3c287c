//! The built provider binary, launched the way Terraform (go-plugin) launches
//! it, and spoken to over its real unix socket: handshake, AutoMTLS, the
//! controller's Shutdown, SIGINT, debug (reattach) mode, and the death of
//! its parent.

use std::io::BufRead;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use base64::Engine;
use hwprovider::tfplugin::proto;
use hwprovider::tfplugin::proto::controller::grpc_controller_client::GrpcControllerClient;
use hwprovider::tfplugin::proto::provider_client::ProviderClient;
use hwprovider::tfplugin::value::Value;
use hyper_util::rt::TokioIo;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::UnixStream;
use tonic::transport::{Channel, Endpoint, Uri};

const BIN: &str = env!("CARGO_BIN_EXE_terraform-provider-huaweicloud");
const COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/// Upper bound for anything that should be near-instant; only hit on a hang.
const PATIENCE: Duration = Duration::from_secs(5);

// ---- certificates ----

/// A client certificate shaped like go-plugin's AutoMTLS one: a self-signed
/// CA certificate (P-521) for `localhost`.
struct ClientCert {
    pem: String,
    der: Vec<u8>,
    key_der: Vec<u8>,
}

fn client_cert() -> ClientCert {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
        KeyUsagePurpose,
    };
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).expect("P-521 key");
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).expect("params");
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    params
        .distinguished_name
        .push(DnType::OrganizationName, "HashiCorp");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::KeyAgreement,
        KeyUsagePurpose::KeyCertSign,
    ];
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ClientAuth,
        ExtendedKeyUsagePurpose::ServerAuth,
    ];
    let cert = params.self_signed(&key).expect("self-signed cert");
    ClientCert {
        pem: cert.pem(),
        der: cert.der().to_vec(),
        key_der: key.serialize_der(),
    }
}

/// Trusts exactly the certificate from the handshake line, as go-plugin does.
#[derive(Debug)]
struct PinnedServerCert {
    der: Vec<u8>,
    algs: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for PinnedServerCert {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.der.as_slice() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "server certificate differs from the handshake's".into(),
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algs)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algs)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algs.supported_schemes()
    }
}

fn tls_config(server_der: &[u8], client: Option<&ClientCert>) -> Arc<ClientConfig> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = Arc::new(PinnedServerCert {
        der: server_der.to_vec(),
        algs: provider.signature_verification_algorithms,
    });
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let mut cfg = match client {
        Some(c) => builder
            .with_client_auth_cert(
                vec![CertificateDer::from(c.der.clone())],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(c.key_der.clone())),
            )
            .expect("client cert"),
        None => builder.with_no_client_auth(),
    };
    cfg.alpn_protocols = vec![b"h2".to_vec()];
    Arc::new(cfg)
}

// ---- the provider process ----

/// The provider child; killed when dropped so a failing test leaves nothing behind.
struct Plugin {
    child: Child,
    /// stdout lines, read by a thread so the pipe never fills.
    lines: mpsc::Receiver<String>,
}

impl Drop for Plugin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Plugin {
    fn pid(&self) -> libc::pid_t {
        self.child.id() as libc::pid_t
    }

    fn next_line(&self) -> String {
        self.lines
            .recv_timeout(PATIENCE)
            .expect("the provider printed no line on stdout")
    }

    fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_none()
    }

    /// Waits up to `limit` for the process to exit; returns its status.
    async fn exited_within(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
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
fn command() -> Command {
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

fn spawn(mut c: Command) -> Plugin {
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
fn terraform_command(client: Option<&ClientCert>) -> Command {
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

struct Handshake {
    sock: PathBuf,
    /// DER of the server certificate; `None` when serving plain text.
    server_der: Option<Vec<u8>>,
}

/// Checks the go-plugin handshake line `1|6|unix|/path|grpc|CERT`.
fn parse_handshake(line: &str) -> Handshake {
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
fn start_mtls(client: &ClientCert) -> (Plugin, Handshake) {
    let p = spawn(terraform_command(Some(client)));
    let hs = parse_handshake(&p.next_line());
    assert!(hs.server_der.is_some(), "AutoMTLS must give a server cert");
    (p, hs)
}

// ---- gRPC over the socket ----

trait Io: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Io for T {}

/// A gRPC channel over the unix socket, TLS when `tls` is given. The URI is
/// a placeholder: the connector ignores it.
async fn channel(sock: &Path, tls: Option<Arc<ClientConfig>>) -> Result<Channel, String> {
    let sock = sock.to_path_buf();
    let endpoint = Endpoint::from_static("http://[::]:50051");
    let connect = endpoint.connect_with_connector(tower::service_fn(move |_: Uri| {
        let sock = sock.clone();
        let tls = tls.clone();
        async move {
            let stream = UnixStream::connect(&sock).await?;
            let io: Box<dyn Io> = match tls {
                None => Box::new(stream),
                Some(cfg) => {
                    let name = ServerName::try_from("localhost").expect("server name");
                    Box::new(
                        tokio_rustls::TlsConnector::from(cfg)
                            .connect(name, stream)
                            .await?,
                    )
                }
            };
            Ok::<_, std::io::Error>(TokioIo::new(io))
        }
    }));
    match tokio::time::timeout(PATIENCE, connect).await {
        Ok(r) => r.map_err(|e| format!("connect: {e:?}")),
        Err(_) => Err("connect timed out".into()),
    }
}

/// The channel a proper Terraform would open for this handshake.
async fn terraform_channel(hs: &Handshake, client: &ClientCert) -> Channel {
    let tls = hs
        .server_der
        .as_deref()
        .map(|d| tls_config(d, Some(client)));
    channel(&hs.sock, tls)
        .await
        .expect("connect to the provider")
}

async fn get_schema(ch: Channel) -> Result<proto::get_provider_schema::Response, String> {
    let mut client = ProviderClient::new(ch);
    let call = client.get_provider_schema(proto::get_provider_schema::Request {});
    match tokio::time::timeout(PATIENCE, call).await {
        Ok(r) => r.map(|r| r.into_inner()).map_err(|s| format!("{s:?}")),
        Err(_) => Err("GetProviderSchema timed out".into()),
    }
}

/// Connects and calls GetProviderSchema; any failure is an Err.
async fn try_schema(sock: &Path, tls: Option<Arc<ClientConfig>>) -> Result<(), String> {
    get_schema(channel(sock, tls).await?).await.map(|_| ())
}

async fn configure(ch: Channel, config: Value) -> Vec<proto::Diagnostic> {
    let ty = hwprovider::provider::config::schema().value_type();
    let msgpack = hwprovider::tfplugin::codec::encode_msgpack(&config, &ty).expect("encode config");
    let req = proto::configure_provider::Request {
        terraform_version: "1.11.4".into(),
        config: Some(proto::DynamicValue {
            msgpack,
            json: Vec::new(),
        }),
        client_capabilities: None,
    };
    let mut client = ProviderClient::new(ch);
    let call = client.configure_provider(req);
    tokio::time::timeout(PATIENCE, call)
        .await
        .expect("ConfigureProvider timed out")
        .expect("ConfigureProvider")
        .into_inner()
        .diagnostics
}

/// The provider configuration object with every attribute null but `set`.
fn provider_config(set: &[(&str, Value)]) -> Value {
    let schema = hwprovider::provider::config::schema();
    Value::object(schema.attributes.iter().map(|a| {
        let v = set
            .iter()
            .find(|(n, _)| *n == a.name)
            .map(|(_, v)| v.clone())
            .unwrap_or(Value::Null);
        (a.name, v)
    }))
}

// ---- tests ----

#[test]
fn no_magic_cookie_prints_a_friendly_message() {
    let out = command()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("run the provider");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stdout.is_empty(), "stdout must stay empty: {out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("plugin"), "stderr: {err}");
    assert!(err.contains("Terraform provider"), "stderr: {err}");
}

#[tokio::test]
async fn handshake_and_schema_over_mtls() {
    let cert = client_cert();
    let (mut p, hs) = start_mtls(&cert);
    let ch = terraform_channel(&hs, &cert).await;

    let schema = get_schema(ch.clone()).await.expect("GetProviderSchema");
    assert!(schema.diagnostics.is_empty(), "{:?}", schema.diagnostics);
    let block = schema
        .provider
        .and_then(|s| s.block)
        .expect("provider schema block");
    let attr = |n: &str| {
        block
            .attributes
            .iter()
            .find(|a| a.name == n)
            .unwrap_or_else(|| panic!("provider attribute {n} missing"))
    };
    for n in [
        "region",
        "project_id",
        "access_key",
        "secret_key",
        "security_token",
        "token",
        "cloud",
        "endpoints",
        "insecure",
        "max_retries",
    ] {
        let a = attr(n);
        assert!(a.optional, "{n} should be optional");
    }
    for n in ["access_key", "secret_key", "security_token", "token"] {
        assert!(attr(n).sensitive, "{n} must be sensitive");
    }
    assert!(!attr("region").sensitive);
    assert!(
        schema
            .resource_schemas
            .contains_key("huaweicloud_apig_vpc_channel"),
        "resources: {:?}",
        schema.resource_schemas.keys().collect::<Vec<_>>()
    );
    let caps = schema.server_capabilities.expect("server capabilities");
    assert!(caps.plan_destroy);
    assert!(caps.get_provider_schema_optional);

    // Terraform ends every provider with the controller's Shutdown; the
    // connection stays open meanwhile, so the exit must not wait for it.
    let mut controller = GrpcControllerClient::new(ch.clone());
    let call = controller.shutdown(proto::controller::Empty {});
    tokio::time::timeout(PATIENCE, call)
        .await
        .expect("Shutdown timed out")
        .expect("Shutdown");
    let status = p
        .exited_within(Duration::from_secs(2))
        .await
        .expect("the provider must exit within 2 s of Shutdown");
    assert!(status.success(), "exit status {status:?}");
    let dir = hs.sock.parent().expect("socket dir");
    assert!(!dir.exists(), "socket dir {dir:?} left behind");
    // Nothing but the handshake line ever goes to stdout.
    let rest: Vec<String> = p.lines.try_iter().collect();
    assert!(rest.is_empty(), "extra stdout: {rest:?}");
    drop(ch);
}

#[tokio::test]
async fn configure_without_credentials_is_a_clear_error() {
    let cert = client_cert();
    let (_p, hs) = start_mtls(&cert);
    let ch = terraform_channel(&hs, &cert).await;
    let diags = configure(ch, provider_config(&[])).await;
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags[0];
    assert_eq!(d.severity, proto::diagnostic::Severity::Error as i32);
    assert_eq!(d.summary, "No credentials for Huawei Cloud");
    for var in ["HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_AUTH_TOKEN"] {
        assert!(d.detail.contains(var), "detail lacks {var}: {}", d.detail);
    }
}

#[tokio::test]
async fn configure_with_a_token_has_no_diagnostics() {
    let cert = client_cert();
    let (_p, hs) = start_mtls(&cert);
    let ch = terraform_channel(&hs, &cert).await;
    let config = provider_config(&[
        ("token", Value::string("an-iam-token")),
        ("region", Value::string("cn-north-4")),
        (
            "project_id",
            Value::string("0123456789abcdef0123456789abcdef"),
        ),
    ]);
    let diags = configure(ch, config).await;
    assert!(diags.is_empty(), "{diags:?}");
}

/// A refusal is an error, and a prompt one: the server closes the connection.
fn assert_refused(res: Result<(), String>, what: &str) {
    match res {
        Ok(()) => panic!("{what}"),
        Err(e) => assert!(!e.contains("timed out"), "refusal hung: {e}"),
    }
}

/// After a refused client, the process still runs and Terraform still gets in.
async fn still_serves(p: &mut Plugin, hs: &Handshake, cert: &ClientCert) {
    assert!(p.is_running(), "a refused connection killed the provider");
    get_schema(terraform_channel(hs, cert).await)
        .await
        .expect("a proper client still works");
}

#[tokio::test]
async fn connection_without_client_cert_is_refused() {
    let cert = client_cert();
    let (mut p, hs) = start_mtls(&cert);
    let der = hs.server_der.as_deref().expect("server cert");
    let res = try_schema(&hs.sock, Some(tls_config(der, None))).await;
    assert_refused(res, "a client without a certificate got in");
    // Nor may a plain-text client skip TLS altogether.
    let res = try_schema(&hs.sock, None).await;
    assert_refused(res, "a plain-text client got in");
    still_serves(&mut p, &hs, &cert).await;
}

#[tokio::test]
async fn connection_with_another_client_cert_is_refused() {
    let cert = client_cert();
    let other = client_cert();
    let (mut p, hs) = start_mtls(&cert);
    let der = hs.server_der.as_deref().expect("server cert");
    let res = try_schema(&hs.sock, Some(tls_config(der, Some(&other)))).await;
    assert_refused(res, "a client with another certificate got in");
    still_serves(&mut p, &hs, &cert).await;
}

#[tokio::test]
async fn stop_provider_answers() {
    let cert = client_cert();
    let (mut p, hs) = start_mtls(&cert);
    let ch = terraform_channel(&hs, &cert).await;
    let mut client = ProviderClient::new(ch.clone());
    let call = client.stop_provider(proto::stop_provider::Request {});
    let resp = tokio::time::timeout(PATIENCE, call)
        .await
        .expect("StopProvider timed out")
        .expect("StopProvider")
        .into_inner();
    assert_eq!(resp.error, "");
    // Stop cancels work; it does not end the process.
    assert!(p.is_running());
    get_schema(ch)
        .await
        .expect("still answers after StopProvider");
}

#[tokio::test]
async fn sigint_is_ignored() {
    let cert = client_cert();
    let (mut p, hs) = start_mtls(&cert);
    // Ctrl-C in Terraform's terminal reaches the whole process group.
    let rc = unsafe { libc::kill(p.pid(), libc::SIGINT) };
    assert_eq!(rc, 0, "kill: {}", std::io::Error::last_os_error());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(p.is_running(), "SIGINT killed the provider");
    get_schema(terraform_channel(&hs, &cert).await)
        .await
        .expect("still answers after SIGINT");
}

#[tokio::test]
async fn sigterm_and_sighup_remove_the_socket_dir() {
    let cert = client_cert();
    for signal in [libc::SIGTERM, libc::SIGHUP] {
        let (mut p, hs) = start_mtls(&cert);
        // An open connection must not keep the directory alive.
        let _ch = terraform_channel(&hs, &cert).await;
        let rc = unsafe { libc::kill(p.pid(), signal) };
        assert_eq!(rc, 0, "kill: {}", std::io::Error::last_os_error());
        p.exited_within(Duration::from_secs(5))
            .await
            .unwrap_or_else(|| panic!("signal {signal} did not stop the provider"));
        let dir = hs.sock.parent().expect("socket dir");
        assert!(
            !dir.exists(),
            "signal {signal}: socket dir {dir:?} left behind"
        );
    }
}

#[tokio::test]
async fn debug_mode_prints_reattach() {
    let mut c = command();
    c.arg("--debug");
    let mut p = spawn(c);
    let line = loop {
        let l = p.next_line();
        if l.contains("TF_REATTACH_PROVIDERS=") {
            break l;
        }
    };
    let json = line
        .split_once("TF_REATTACH_PROVIDERS='")
        .and_then(|(_, rest)| rest.rsplit_once('\''))
        .map(|(j, _)| j)
        .unwrap_or_else(|| panic!("no quoted TF_REATTACH_PROVIDERS in {line:?}"));
    let v: serde_json::Value = serde_json::from_str(json).expect("reattach JSON");
    let r = &v["registry.terraform.io/huaweicloud/huaweicloud"];
    assert_eq!(r["Protocol"], "grpc", "{v}");
    assert_eq!(r["ProtocolVersion"], 6, "{v}");
    assert_eq!(r["Test"], true, "{v}");
    assert_eq!(r["Pid"], p.child.id(), "{v}");
    assert_eq!(r["Addr"]["Network"], "unix", "{v}");
    let sock = PathBuf::from(r["Addr"]["String"].as_str().expect("Addr.String"));
    assert!(sock.is_absolute(), "{sock:?}");

    // Reattach is plain text.
    try_schema(&sock, None)
        .await
        .expect("GetProviderSchema in debug mode");

    // "Press Ctrl-C to stop": in debug mode SIGINT ends it cleanly.
    let rc = unsafe { libc::kill(p.pid(), libc::SIGINT) };
    assert_eq!(rc, 0);
    let status = p
        .exited_within(Duration::from_secs(2))
        .await
        .expect("debug provider must exit on Ctrl-C");
    assert!(status.success(), "{status:?}");
    assert!(!sock.exists(), "socket {sock:?} left behind");
}

#[tokio::test]
async fn tf_disable_plugin_tls_serves_plaintext() {
    // TF_DISABLE_PLUGIN_TLS wins even over a client certificate.
    let cert = client_cert();
    let mut c = terraform_command(Some(&cert));
    c.env("TF_DISABLE_PLUGIN_TLS", "1");
    let p = spawn(c);
    let hs = parse_handshake(&p.next_line());
    assert!(hs.server_der.is_none(), "TLS disabled: empty cert field");
    let schema = get_schema(channel(&hs.sock, None).await.expect("connect"))
        .await
        .expect("plain-text GetProviderSchema");
    assert!(schema.provider.is_some());
}

/// State of a process: `None` once it is gone or a zombie (exited, not yet
/// reaped by whoever adopted it).
fn process_state(pid: i32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let state = stat.rsplit_once(") ")?.1.chars().next()?;
    (state != 'Z').then_some(state)
}

/// Terraform that crashes sends neither Shutdown nor a signal: the
/// provider must notice its parent is gone and exit, or it lingers holding
/// the pipes that Terraform's own caller waits on.
#[test]
fn the_provider_exits_when_terraform_dies() {
    let mut c = terraform_command(None);
    c.env("TF_DISABLE_PLUGIN_TLS", "1");
    let mut sh = Command::new("sh");
    sh.args(["-c", "\"$0\" & echo \"provider pid $!\"; wait", BIN])
        .envs(c.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    let mut parent = sh.spawn().expect("spawn sh");
    let mut lines = std::io::BufReader::new(parent.stdout.take().expect("stdout")).lines();
    let (mut pid, mut sock) = (None, None);
    while pid.is_none() || sock.is_none() {
        let line = lines.next().expect("a line").expect("read");
        if let Some(p) = line.strip_prefix("provider pid ") {
            pid = Some(p.trim().parse::<i32>().expect("pid"));
        } else {
            sock = Some(parse_handshake(&line).sock);
        }
    }
    let (pid, sock) = (pid.unwrap(), sock.unwrap());
    assert!(process_state(pid).is_some(), "the provider runs");
    parent.kill().expect("kill the parent");
    parent.wait().expect("reap the parent");
    let deadline = Instant::now() + Duration::from_secs(10);
    while process_state(pid).is_some() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let alive = process_state(pid);
    if alive.is_some() {
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
    assert_eq!(alive, None, "the provider outlived its parent by 10 s");
    let dir = sock.parent().expect("socket dir");
    assert!(!dir.exists(), "socket dir {dir:?} left behind");
}
