//! Provider CPU per resource and per RPC, without Terraform or gRPC: the
//! real `Server` handlers (decode, validate, plan, encode; apply and read
//! against the APIG emulator, a separate process) called in-process for N
//! channels shaped like `scripts/bench`'s. Prints CPU µs per resource (the
//! bench process's CPU time, so the emulator's is excluded) and wall µs.
//!
//! `cargo bench --bench cpu_per_resource [-- N [ROUNDS]]` (defaults 1000, 5):
//! min and median over the rounds, since the machine may be busy.
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

type Row = (&'static str, f64, f64);

/// CPU and wall µs per item since `t0`.
fn took(name: &'static str, n: usize, (c0, w0): (u128, Instant)) -> Row {
    (
        name,
        (cpu_ns() - c0) as f64 / n as f64 / 1e3,
        w0.elapsed().as_nanos() as f64 / n as f64 / 1e3,
    )
}

fn now() -> (u128, Instant) {
    (cpu_ns(), Instant::now())
}

fn dv(bytes: Vec<u8>) -> Option<proto::DynamicValue> {
    Some(proto::DynamicValue {
        msgpack: bytes,
        json: Vec::new(),
    })
}

/// The channel arguments `scripts/bench` plans (its fixture, without a name).
const FIXTURE: &str = include_str!("../tests/fixtures/bench-channel.json");

/// The resource configuration of `scripts/bench` for channel `i` (of `round`).
fn channel_config(round: usize, i: usize, ty: &Type) -> Value {
    let mut json: serde_json::Value = serde_json::from_str(FIXTURE).unwrap();
    json["name"] = format!("bench_{round}_{i}").into();
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
    // `cargo bench` passes --bench; `cargo test --all-targets` runs this
    // binary without it, where a benchmark table would land mid-tests.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let mut args = std::env::args().skip(1).filter_map(|a| a.parse().ok());
    let n: usize = args.next().unwrap_or(1000);
    let rounds: usize = args.next().unwrap_or(5).max(1);
    // The provider's own runtime shape (see tfplugin::launch).
    let rt = if std::env::var("BENCH_CURRENT_THREAD").is_ok() {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.worker_threads(2);
        b
    }
    .enable_all()
    .build()
    .unwrap();
    let (_emu, url) = start_emulator(rounds * n + 10);
    let ty = vpc_channel::schema::schema().value_type();
    let pty = config::schema().value_type();

    rt.block_on(async {
        let t0 = now();
        let server = Server::new(Arc::new(HuaweiCloud::new()));
        let (_, start_cpu, _) = took("", 1, t0);
        let t0 = now();
        for _ in 0..100 {
            let r = server.get_provider_schema(Request::new(Default::default()));
            std::hint::black_box(r.await.unwrap());
        }
        let (_, schema_cpu, _) = took("", 100, t0);
        println!(
            "Server::new {start_cpu:.1} µs CPU; GetProviderSchema {schema_cpu:.1} µs CPU per call"
        );

        let pcfg = serde_json::json!({
            "region": "cn-north-4", "project_id": PROJECT, "token": "emulator-token",
            "endpoints": {"apig": url},
        });
        let pcfg = decode_json(pcfg.to_string().as_bytes(), &pty).unwrap().0;
        let r = server
            .configure_provider(Request::new(proto::configure_provider::Request {
                terraform_version: "1.11.4".into(),
                config: dv(encode_msgpack(&pcfg, &pty).unwrap()),
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner();
        assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);

        let mut rows: Vec<Vec<Row>> = Vec::new();
        for r in 0..rounds {
            let configs: Vec<Vec<u8>> = (0..n)
                .map(|i| encode_msgpack(&channel_config(r, i, &ty), &ty).unwrap())
                .collect();
            rows.push(round(&server, &ty, &configs).await);
        }
        println!("N = {n}; CPU of this process (the emulator's excluded)");
        print_rows(&rows);
    });
}

fn print_rows(rows: &[Vec<Row>]) {
    println!(
        "{:<32} {:>9} {:>11} {:>12}   ({} rounds)",
        "µs per resource",
        "CPU min",
        "CPU median",
        "wall median",
        rows.len()
    );
    for (i, (name, _, _)) in rows[0].iter().enumerate() {
        let mut cpu: Vec<f64> = rows.iter().map(|r| r[i].1).collect();
        let mut wall: Vec<f64> = rows.iter().map(|r| r[i].2).collect();
        cpu.sort_by(f64::total_cmp);
        wall.sort_by(f64::total_cmp);
        println!(
            "{name:<32} {:>9.1} {:>11.1} {:>12.1}",
            cpu[0],
            cpu[cpu.len() / 2],
            wall[wall.len() / 2]
        );
    }
}

/// One pass of every per-resource RPC over the channels of `configs`, in
/// the order `plan` and `apply` then a refreshing `plan` make them.
async fn round(server: &Server<HuaweiCloud>, ty: &Type, configs: &[Vec<u8>]) -> Vec<Row> {
    let n = configs.len();
    let null = encode_msgpack(&Value::Null, ty).unwrap();
    let mut out = Vec::new();

    let t0 = now();
    for c in configs {
        let v = decode_msgpack(c, ty).unwrap();
        std::hint::black_box(encode_msgpack(&v, ty).unwrap());
    }
    out.push(took("codec: decode+encode config", n, t0));

    let t0 = now();
    for c in configs {
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
    out.push(took("ValidateResourceConfig", n, t0));

    let t0 = now();
    let mut planned = Vec::with_capacity(n);
    for c in configs {
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
    out.push(took("PlanResourceChange (create)", n, t0));

    let t0 = now();
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
    out.push(took("ApplyResourceChange (create)", n, t0));

    let jsons: Vec<Vec<u8>> = states
        .iter()
        .map(|s| {
            to_json(&decode_msgpack(s, ty).unwrap())
                .to_string()
                .into_bytes()
        })
        .collect();
    let t0 = now();
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
    out.push(took("UpgradeResourceState", n, t0));

    let t0 = now();
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
    out.push(took("ReadResource", n, t0));

    // No change: the proposal is the refreshed state.
    let t0 = now();
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
    out.push(took("PlanResourceChange (no change)", n, t0));
    out
}
