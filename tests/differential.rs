//! Differential: this build of the provider against another build of it
//! (the base, e.g. the commit before a reshape), over the same generated
//! configurations. Each build gets a fresh emulator; Terraform plans,
//! applies, updates and destroys the same channels, and the plans, the
//! request bodies the emulator received and the states must be equal once
//! the server's random IDs and clock are named by their channel.
//!
//! Runs only when `DIFF_BASE_PROVIDER_DIR` names the folder of the base's
//! `terraform-provider-huaweicloud` binary; `scripts/differential REV`
//! builds REV and runs it.

mod common;

use common::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Channels per configuration: every kind several times over.
const CHANNELS: usize = 40;

fn pick<'a>(rng: &mut StdRng, from: &[&'a str]) -> &'a str {
    from[rng.random_range(0..from.len())]
}

/// Half the time, a line made with the same generator.
fn maybe(rng: &mut StdRng, line: impl FnOnce(&mut StdRng) -> String) -> String {
    if rng.random_bool(0.5) {
        line(rng)
    } else {
        String::new()
    }
}

fn health(rng: &mut StdRng) -> String {
    let protocol = pick(rng, &["TCP", "HTTP", "HTTPS", "http"]);
    let timeout = rng.random_range(1..=30);
    let mut h = format!(
        "protocol = \"{protocol}\", threshold_normal = {}, threshold_abnormal = {}, time_interval = {}, timeout = {timeout}",
        rng.random_range(1..=10),
        rng.random_range(1..=10),
        rng.random_range(timeout + 1..=300),
    );
    if !protocol.eq_ignore_ascii_case("tcp") {
        h += &format!(", path = \"/health{}\"", rng.random_range(0..3));
    }
    if protocol.eq_ignore_ascii_case("http") {
        h += &format!(
            ", http_code = \"{}\"",
            pick(rng, &["200", "200-299", "200,201,210-299"])
        );
        h += &maybe(rng, |rng| {
            format!(", method = \"{}\"", pick(rng, &["GET", "HEAD"]))
        });
    }
    h += &maybe(rng, |rng| {
        format!(", port = {}", rng.random_range(0..=65535))
    });
    format!("  vpc_health_config = {{ {h} }}\n")
}

fn groups(rng: &mut StdRng, micro: bool) -> (String, Vec<String>) {
    let n = rng.random_range(usize::from(micro)..=3);
    let names: Vec<String> = (0..n).map(|g| format!("grp_{g}")).collect();
    let body: Vec<String> = names
        .iter()
        .map(|name| {
            let mut g = format!("{{ member_group_name = \"{name}\"");
            g += &maybe(rng, |rng| format!(", member_group_weight = {}", rng.random_range(0..=100)));
            g += &maybe(rng, |rng| format!(", member_group_remark = \"r{}\"", rng.random_range(0..9)));
            if micro {
                g += &format!(", microservice_version = \"v{}\"", rng.random_range(1..4));
                g += &format!(", microservice_port = {}", rng.random_range(0..=8080));
                if rng.random_bool(0.5) {
                    g += ", microservice_labels = [{ label_name = \"track\", label_value = \"stable\" }]";
                }
            }
            g + " }"
        })
        .collect();
    if n == 0 && rng.random_bool(0.5) {
        return (String::new(), names);
    }
    (format!("  member_groups = [{}]\n", body.join(", ")), names)
}

fn members(rng: &mut StdRng, i: usize, ecs: bool, groups: &[String]) -> String {
    let n = rng.random_range(1..=4);
    let list: Vec<String> = (0..n)
        .map(|j| {
            let mut m = if ecs {
                format!("{{ ecs_id = \"ecs-{i}-{j}\", ecs_name = \"web-{j}\"")
            } else {
                format!("{{ host = \"10.30.{i}.{j}\"")
            };
            m += &maybe(rng, |rng| {
                format!(", weight = {}", rng.random_range(0..=10000))
            });
            m += &maybe(rng, |rng| {
                format!(", port = {}", rng.random_range(1..=65535))
            });
            m += &maybe(rng, |rng| format!(", is_backup = {}", rng.random_bool(0.5)));
            if !groups.is_empty() && rng.random_bool(0.7) {
                let g = &groups[rng.random_range(0..groups.len())];
                m += &format!(", member_group_name = \"{g}\"");
            }
            m + " }"
        })
        .collect();
    format!("  members = [{}]\n", list.join(", "))
}

fn microservice(rng: &mut StdRng, kind: usize) -> String {
    let info = match kind {
        2 => format!(
            "service_type = \"CSE\", cse_info = {{ engine_id = \"cse-engine-{}\", service_id = \"svc-{}\" }}",
            rng.random_range(1..3),
            rng.random_range(1..9)
        ),
        3 => format!(
            "service_type = \"CCE\", cce_info = {{ cluster_id = \"ab1485b4f91b45abbcd560be591f7309\", namespace = \"default\", workload_type = \"{}\", app_name = \"app{}\" }}",
            pick(rng, &["deployment", "statefulset", "daemonset"]),
            rng.random_range(1..9)
        ),
        _ => format!(
            "service_type = \"CCE_SERVICE\", cce_service_info = {{ cluster_id = \"ab1485b4f91b45abbcd560be591f7309\", namespace = \"default\", service_name = \"web{}\" }}",
            rng.random_range(1..9)
        ),
    };
    format!("  type = 3\n  microservice_info = {{ {info} }}\n")
}

/// Channel `i` of generation `seed`: ip, ecs, CSE, CCE or CCE_SERVICE with
/// a random choice of optional attributes.
fn channel(seed: u64, i: usize) -> String {
    let mut rng = StdRng::seed_from_u64(seed * 1_000 + i as u64);
    let kind = i % 5;
    let mut body = format!(
        "  instance_id = \"{GATEWAY}\"\n  name = \"diff_{i}\"\n  port = {}\n",
        rng.random_range(1..=65535)
    );
    body += &maybe(&mut rng, |rng| {
        format!("  balance_strategy = {}\n", rng.random_range(1..=4))
    });
    body += if kind == 1 {
        ""
    } else {
        "  member_type = \"ip\"\n"
    };
    let (groups, names) = groups(&mut rng, kind >= 2);
    body += &groups;
    if kind < 2 {
        body += &members(&mut rng, i, kind == 1, &names);
    } else {
        body += &microservice(&mut rng, kind);
    }
    if rng.random_bool(0.6) {
        body += &health(&mut rng);
    }
    format!("resource \"huaweicloud_apig_vpc_channel\" \"c{i}\" {{\n{body}}}\n")
}

fn configuration(seed: u64) -> String {
    (0..CHANNELS).map(|i| channel(seed, i)).collect()
}

/// Replaces every occurrence of each `(from, to)` in every string.
fn rename(v: &mut Value, names: &[(String, String)]) {
    match v {
        Value::String(s) => {
            for (from, to) in names {
                if s.contains(from.as_str()) {
                    *s = s.replace(from.as_str(), to);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| rename(x, names)),
        Value::Object(o) => o.values_mut().for_each(|x| rename(x, names)),
        _ => {}
    }
}

/// Drops what differs between any two runs: the server's clock, and
/// Terraform's own bookkeeping.
fn forget_clock(v: &mut Value) {
    match v {
        Value::Array(a) => a.iter_mut().for_each(forget_clock),
        Value::Object(o) => {
            for k in [
                "create_time",
                "update_time",
                "timestamp",
                "at_ms",
                "duration_ms",
                "seq",
            ] {
                o.remove(k);
            }
            o.values_mut().for_each(forget_clock);
        }
        _ => {}
    }
}

/// What one build did with a sequence of configurations.
struct Run {
    steps: Vec<(String, Value)>,
}

impl Run {
    fn record(&mut self, what: String, mut v: Value, names: &[(String, String)]) {
        rename(&mut v, names);
        forget_clock(&mut v);
        self.steps.push((what, v));
    }
}

/// Adds a name for every server ID (32 hexadecimal digits) in `v` not
/// named yet: the channel's name and where the ID is.
fn name_ids(v: &Value, at: &str, names: &mut Vec<(String, String)>) {
    match v {
        Value::String(id)
            if id.len() == 32
                && id.bytes().all(|b| b.is_ascii_hexdigit())
                && !names.iter().any(|(known, _)| known == id) =>
        {
            names.push((id.clone(), format!("<{at}>")));
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                name_ids(x, &format!("{at}[{i}]"), names);
            }
        }
        Value::Object(o) => {
            for (k, x) in o {
                name_ids(x, &format!("{at}.{k}"), names);
            }
        }
        _ => {}
    }
}

/// Names the IDs of the channels the server holds now (by channel name,
/// so that both builds name them alike), keeping the names given before.
fn server_names(e: &Emulator, names: &mut Vec<(String, String)>) {
    let mut channels = e.channels();
    channels.sort_by_key(|c| c["name"].as_str().unwrap_or_default().to_string());
    for ch in &channels {
        name_ids(ch, ch["name"].as_str().unwrap_or_default(), names);
    }
    // Longest first: no ID is renamed inside another.
    names.sort_by_key(|(id, _)| std::cmp::Reverse(id.len()));
}

/// Requests, IDs named, in an order that does not depend on Terraform's
/// parallelism.
fn requests(e: &Emulator, names: &[(String, String)]) -> Value {
    let mut r: Vec<Value> = e
        .requests()
        .into_iter()
        .map(|r| serde_json::json!({"method": r["method"], "path": r["path"], "query": r["raw_query"], "body": r["body"], "status": r["status"]}))
        .collect();
    r.iter_mut().for_each(|v| rename(v, names));
    r.sort_by_key(|v| v.to_string());
    Value::Array(r)
}

/// Where two values first differ, as a JSON path with both sides.
fn first_difference(a: &Value, b: &Value, at: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter().find_map(|k| {
                let (l, r) = (
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                );
                first_difference(l, r, &format!("{at}.{k}"))
            })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => (x.iter().zip(y))
            .enumerate()
            .find_map(|(i, (l, r))| first_difference(l, r, &format!("{at}[{i}]"))),
        _ if a == b => None,
        _ => Some(format!("{at}: this build {a}, base build {b}")),
    }
}

fn json(out: Output) -> Value {
    serde_json::from_str(&out.stdout).unwrap_or(Value::Null)
}

fn drive(provider_dir: &Path, configs: &[String]) -> Run {
    let e = Emulator::start(&["--quota", "100"]);
    let tf = Terraform::with_provider_dir("diff", provider_dir);
    let mut run = Run { steps: Vec::new() };
    let mut names = Vec::new();
    for (n, resources) in configs.iter().enumerate() {
        tf.write("main.tf", &config(&e, resources));
        e.clear_requests();
        let plan = tf.plan_out("step.plan");
        let shown = json(tf.run(&["show", "-json", "-no-color", "step.plan"]));
        let applied = tf.apply_saved("step.plan");
        if applied.code != 0 {
            eprintln!("step {n} failed:\n{}\n{}", plan.all(), applied.all());
        }
        server_names(&e, &mut names);
        run.record(
            format!("{n}: plan exit code"),
            Value::from(plan.code),
            &names,
        );
        run.record(
            format!("{n}: plan"),
            shown["resource_changes"].clone(),
            &names,
        );
        run.record(
            format!("{n}: apply exit code"),
            Value::from(applied.code),
            &names,
        );
        run.record(format!("{n}: requests"), requests(&e, &names), &names);
        run.record(
            format!("{n}: state"),
            tf.state_json()["values"].clone(),
            &names,
        );
        let again = tf.plan();
        run.record(
            format!("{n}: re-plan exit code"),
            Value::from(again.code),
            &names,
        );
    }
    e.clear_requests();
    let destroyed = tf.destroy();
    run.record(
        "destroy exit code".into(),
        Value::from(destroyed.code),
        &names,
    );
    run.record("destroy requests".into(), requests(&e, &names), &names);
    run
}

#[test]
fn this_build_plans_sends_and_stores_what_the_base_build_does() {
    skip_without_terraform!();
    let Some(base) = std::env::var_os("DIFF_BASE_PROVIDER_DIR").map(PathBuf::from) else {
        eprintln!("skipped: set DIFF_BASE_PROVIDER_DIR (scripts/differential REV does)");
        return;
    };
    // Create, change every channel (a new generation of the same names),
    // then change half of them back.
    let (first, second) = (configuration(1), configuration(2));
    let third: String = (0..CHANNELS)
        .map(|i| channel(if i % 2 == 0 { 1 } else { 2 }, i))
        .collect();
    let configs = [first, second, third];
    let ours = drive(provider_bin().parent().unwrap(), &configs);
    let theirs = drive(&base, &configs);
    let mut differences = Vec::new();
    for ((what, a), (_, b)) in ours.steps.iter().zip(&theirs.steps) {
        if let Some(d) = first_difference(a, b, "") {
            differences.push(format!("{what}: {d}"));
        }
    }
    let applied = ours
        .steps
        .iter()
        .filter(|(w, v)| w.ends_with("apply exit code") && *v == 0);
    assert_eq!(
        applied.count(),
        configs.len(),
        "every step applies: {:?}",
        ours.steps
            .iter()
            .filter(|(w, _)| w.contains("exit code"))
            .collect::<Vec<_>>()
    );
    assert!(
        differences.is_empty(),
        "{} of {} compared steps differ:\n{}",
        differences.len(),
        ours.steps.len(),
        differences.join("\n")
    );
    eprintln!(
        "{} steps over {} configurations of {CHANNELS} channels: no difference",
        ours.steps.len(),
        configs.len()
    );
}
