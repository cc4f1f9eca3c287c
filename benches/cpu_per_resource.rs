//! Provider CPU per resource and per RPC, without Terraform or gRPC: the
//! real `Server` handlers (decode, validate, plan, encode; apply and read
//! against the APIG emulator, a separate process) called in-process for N
//! channels shaped like `scripts/bench`'s. Prints CPU µs per resource (the
//! bench process's CPU time, so the emulator's is excluded) and wall µs.
//!
//! `cargo bench --bench cpu_per_resource [-- N]` (default N = 1000).
//! No assertions on speed: the figures go to BENCHMARKS.md.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Instant;

use hwprovider::provider::{config, vpc_channel, HuaweiCloud};
use hwprovider::tfplugin::codec::{decode_json, decode_msgpack, encode_msgpack};
use hwprovider::tfplugin::grpc::Server;
use hwprovider::tfplugin::proto::{self, provider_server::Provider as _};
use hwprovider::tfplugin::value::{Type, Value};
use tonic::Request;

const TYPE_NAME: &str = vpc_channel::schema::TYPE_NAME;
const GATEWAY: &str = "eddc4d25480b4cd6b512f270a1b8b341";
const PROJECT: &str = "0123456789abcdef0123456789abcdef";

fn cpu_ns() -> u128 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid out-pointer for clock_gettime.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    ts.tv_sec as u128 * 1_000_000_000 + ts.tv_nsec as u128
}

/// Runs `f` over `n` items and prints CPU and wall time per item.
fn phase<T>(name: &str, n: usize, f: impl FnOnce() -> T) -> T {
    let (c0, w0) = (cpu_ns(), Instant::now());
    let out = f();
    let (cpu, wall) = (cpu_ns() - c0, w0.elapsed().as_nanos());
    println!(
        "{name:<34} {:>9.1} µs CPU/resource {:>9.1} µs wall/resource {:>8.1} ms CPU total",
        cpu as f64 / n as f64 / 1e3,
        wall as f64 / n as f64 / 1e3,
        cpu as f64 / 1e6
    );
    out
}

fn dv(bytes: Vec<u8>) -> Option<proto::DynamicValue> {
    Some(proto::DynamicValue {
        msgpack: bytes,
        json: Vec::new(),
    })
}

/// The resource configuration of `scripts/bench` for channel `i`.
fn channel_config(i: usize, ty: &Type) -> Value {
    let json = serde_json::json!({
        "instance_id": GATEWAY,
        "name": format!("bench_{i}"),
        "port": 22,
        "balance_strategy": 2,
        "member_type": "ip",
        "member_groups": [
            {"member_group_name": "test", "member_group_weight": 1, "member_group_remark": "remark"},
            {"member_group_name": "default", "member_group_weight": 2, "member_group_remark": "remark"},
        ],
        "members": [
            {"host": "192.168.0.5", "weight": 1, "member_group_name": "test"},
            {"host": "192.168.1.124", "weight": 2, "member_group_name": "default"},
            {"host": "192.168.1.125", "port": 8080, "member_group_name": "default"},
        ],
        "vpc_health_config": {
            "protocol": "HTTP", "path": "/vpc/demo", "port": 22, "threshold_normal": 2,
            "threshold_abnormal": 5, "time_interval": 10, "timeout": 5,
            "http_code": "200,201,210-299",
        },
    });
    decode_json(json.to_string().as_bytes(), ty).unwrap().0
}

/// State JSON as Terraform stores it (for UpgradeResourceState).
fn to_json(v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        Value::Null | Value::Unknown => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(n) => serde_json::Number::from_f64(*n).map_or(J::Null, |n| {
            if n.as_f64().is_some_and(|f| f.fract() == 0.0) {
                J::from(n.as_f64().unwrap() as i64)
            } else {
                J::Number(n)
            }
        }),
        Value::String(s) => J::String(s.clone()),
        Value::List(xs) | Value::Set(xs) | Value::Tuple(xs) => {
            J::Array(xs.iter().map(to_json).collect())
        }
        Value::Map(m) | Value::Object(m) => {
            J::Object(m.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
    }
}

struct Emulator(Child);
impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_emulator(quota: usize) -> (Emulator, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_apig-emulator"))
        .args(["--port", "0", "--quota", &quota.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the emulator");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .expect("emulator banner")
        .to_string();
    (Emulator(child), url)
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1000);
    // The provider's own runtime shape (see tfplugin::launch).
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (_emu, url) = start_emulator(3 * n + 10);
    let ty = vpc_channel::schema::schema().value_type();
    let pty = config::schema().value_type();

    let configs: Vec<Vec<u8>> = (0..n)
        .map(|i| encode_msgpack(&channel_config(i, &ty), &ty).unwrap())
        .collect();
    let null = encode_msgpack(&Value::Null, &ty).unwrap();

    println!("N = {n}; per resource: CPU of this process (not the emulator's), wall");
    phase("codec: decode+encode config", n, || {
        for c in &configs {
            let v = decode_msgpack(c, &ty).unwrap();
            std::hint::black_box(encode_msgpack(&v, &ty).unwrap());
        }
    });

    rt.block_on(async {
        let server = phase("start: Server::new", 1, || {
            Server::new(Arc::new(HuaweiCloud::new()))
        });
        let (c0, w0) = (cpu_ns(), Instant::now());
        for _ in 0..100 {
            let r = server
                .get_provider_schema(Request::new(Default::default()))
                .await
                .unwrap();
            std::hint::black_box(r);
        }
        println!(
            "{:<34} {:>9.1} µs CPU/call {:>13.1} µs wall/call",
            "GetProviderSchema",
            (cpu_ns() - c0) as f64 / 100.0 / 1e3,
            w0.elapsed().as_nanos() as f64 / 100.0 / 1e3
        );
        let pcfg = serde_json::json!({
            "region": "cn-north-4", "project_id": PROJECT, "token": "emulator-token",
            "endpoints": {"apig": url},
        });
        let pcfg = decode_json(pcfg.to_string().as_bytes(), &pty).unwrap().0;
        let pcfg = encode_msgpack(&pcfg, &pty).unwrap();
        let r = server
            .configure_provider(Request::new(proto::configure_provider::Request {
                terraform_version: "1.11.4".into(),
                config: dv(pcfg),
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner();
        assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);

        let t0 = (cpu_ns(), Instant::now());
        for c in &configs {
            let r = server
                .validate_resource_config(Request::new(proto::validate_resource_config::Request {
                    type_name: TYPE_NAME.into(),
                    config: dv(c.clone()),
                    ..Default::default()
                }))
                .await
                .unwrap()
                .into_inner();
            assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
        }
        report("ValidateResourceConfig", n, t0);

        let t0 = (cpu_ns(), Instant::now());
        let mut planned = Vec::with_capacity(n);
        for c in &configs {
            let r = server
                .plan_resource_change(Request::new(proto::plan_resource_change::Request {
                    type_name: TYPE_NAME.into(),
                    prior_state: dv(null.clone()),
                    proposed_new_state: dv(c.clone()),
                    config: dv(c.clone()),
                    ..Default::default()
                }))
                .await
                .unwrap()
                .into_inner();
            assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
            planned.push(r.planned_state.unwrap().msgpack);
        }
        report("PlanResourceChange (create)", n, t0);

        let t0 = (cpu_ns(), Instant::now());
        let mut states = Vec::with_capacity(n);
        for (c, p) in configs.iter().zip(&planned) {
            let r = server
                .apply_resource_change(Request::new(proto::apply_resource_change::Request {
                    type_name: TYPE_NAME.into(),
                    prior_state: dv(null.clone()),
                    planned_state: dv(p.clone()),
                    config: dv(c.clone()),
                    ..Default::default()
                }))
                .await
                .unwrap()
                .into_inner();
            assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
            states.push(r.new_state.unwrap().msgpack);
        }
        report("ApplyResourceChange (create)", n, t0);

        let jsons: Vec<Vec<u8>> = states
            .iter()
            .map(|s| to_json(&decode_msgpack(s, &ty).unwrap()).to_string().into_bytes())
            .collect();
        let t0 = (cpu_ns(), Instant::now());
        for j in &jsons {
            let r = server
                .upgrade_resource_state(Request::new(proto::upgrade_resource_state::Request {
                    type_name: TYPE_NAME.into(),
                    version: 0,
                    raw_state: Some(proto::RawState {
                        json: j.clone(),
                        ..Default::default()
                    }),
                }))
                .await
                .unwrap()
                .into_inner();
            assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
        }
        report("UpgradeResourceState", n, t0);

        let t0 = (cpu_ns(), Instant::now());
        let mut read = Vec::with_capacity(n);
        for s in &states {
            let r = server
                .read_resource(Request::new(proto::read_resource::Request {
                    type_name: TYPE_NAME.into(),
                    current_state: dv(s.clone()),
                    ..Default::default()
                }))
                .await
                .unwrap()
                .into_inner();
            assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
            read.push(r.new_state.unwrap().msgpack);
        }
        report("ReadResource", n, t0);

        // No change: the proposal is the refreshed state.
        let t0 = (cpu_ns(), Instant::now());
        for (c, s) in configs.iter().zip(&read) {
            let r = server
                .plan_resource_change(Request::new(proto::plan_resource_change::Request {
                    type_name: TYPE_NAME.into(),
                    prior_state: dv(s.clone()),
                    proposed_new_state: dv(s.clone()),
                    config: dv(c.clone()),
                    ..Default::default()
                }))
                .await
                .unwrap()
                .into_inner();
            assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
            assert!(r.requires_replace.is_empty());
        }
        report("PlanResourceChange (no change)", n, t0);
    });
}

fn report(name: &str, n: usize, (c0, w0): (u128, Instant)) {
    println!(
        "{name:<34} {:>9.1} µs CPU/resource {:>9.1} µs wall/resource",
        (cpu_ns() - c0) as f64 / n as f64 / 1e3,
        w0.elapsed().as_nanos() as f64 / n as f64 / 1e3
    );
}
