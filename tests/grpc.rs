//! The built provider binary, launched the way Terraform (go-plugin) launches
//! it, and spoken to over its real unix socket: handshake, AutoMTLS, the
//! controller's Shutdown, SIGINT, debug (reattach) mode, and the death of
//! its parent.
//!
//! Helpers: `grpc/certs.rs` (certificates), `grpc/plugin.rs` (the process
//! and its handshake), `grpc/rpc.rs` (gRPC over the socket).

#[path = "grpc/certs.rs"]
mod certs;
#[path = "grpc/plugin.rs"]
mod plugin;
#[path = "grpc/rpc.rs"]
mod rpc;

use std::io::BufRead;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hwprovider::tfplugin::proto;
use hwprovider::tfplugin::proto::controller::grpc_controller_client::GrpcControllerClient;
use hwprovider::tfplugin::proto::provider_client::ProviderClient;
use hwprovider::tfplugin::value::Value;

use certs::{client_cert, tls_config, ClientCert};
use plugin::{command, parse_handshake, spawn, start_mtls, terraform_command, Handshake, Plugin};
use rpc::{channel, configure, get_schema, provider_config, terraform_channel, try_schema};

const BIN: &str = env!("CARGO_BIN_EXE_terraform-provider-huaweicloud");
const COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/// Upper bound for anything that should be near-instant; only hit on a hang.
const PATIENCE: Duration = Duration::from_secs(5);

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
