//! Replays every input kept under `fuzz/corpus/<target>/` through the same
//! checks the cargo-fuzz targets run (`fuzz/src/checks.rs`), without
//! libFuzzer, so that CI exercises the corpus in seconds. Long fuzzing runs:
//! `scripts/fuzz [seconds-per-target]`.
//!
//! `cargo test --test fuzz_smoke -- --ignored write_seed_corpus` (re)writes
//! the hand-made seeds (`seed-*` files) the corpus started from.

#[path = "../fuzz/src/checks.rs"]
mod checks;

use std::path::{Path, PathBuf};

use hwprovider::provider::vpc_channel::schema;
use hwprovider::tfplugin::codec::{decode_json, encode_msgpack};

fn corpus_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus")
}

#[test]
fn corpus_replays_cleanly() {
    // Failures are collected (with the file that caused them) rather than
    // stopping at the first; the default hook would print each one anyway.
    let mut failures = Vec::new();
    let mut counts = Vec::new();
    for (name, check) in checks::TARGETS {
        let dir = corpus_root().join(name);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "no corpus for {name}");
        for f in &files {
            let data = std::fs::read(f).unwrap();
            if std::panic::catch_unwind(|| check(&data)).is_err() {
                failures.push(f.display().to_string());
            }
        }
        counts.push(format!("{name}: {}", files.len()));
    }
    eprintln!("corpus replayed: {}", counts.join(", "));
    assert!(failures.is_empty(), "inputs that fail: {failures:#?}");
}

fn msgpack(json: &str) -> Vec<u8> {
    let ty = schema::schema().value_type();
    let (v, ignored) = decode_json(json.as_bytes(), &ty).expect("seed JSON");
    assert!(ignored.is_empty(), "{ignored:?}");
    encode_msgpack(&v, &ty).expect("seed encodes")
}

const STATE: &str = r#"{"id":"4fc35fc498e968475b54c2171607017d","instance_id":"eddc4d25480b4cd6b512f270a1b8b341",
"project_id":"0123456789abcdef0123456789abcdef","region":"cn-north-4","name":"VPC_demo","port":22,
"balance_strategy":2,"member_type":"ip","type":2,"dict_code":null,
"member_groups":[{"member_group_name":"test","member_group_weight":1,"member_group_remark":"remark","dict_code":null,
"microservice_version":null,"microservice_port":null,"microservice_labels":null,"member_group_id":"g1",
"create_time":"2024-01-01T00:00:00Z","update_time":"2024-01-01T00:00:00Z"}],
"members":[{"host":"192.168.0.5","weight":1,"is_backup":false,"member_group_name":"test","status":1,"port":22,
"ecs_id":"192.168.0.5","ecs_name":"192.168.0.5"}],
"vpc_health_config":{"protocol":"http","path":"/vpc/demo","method":"GET","port":22,"threshold_normal":2,
"threshold_abnormal":5,"time_interval":10,"http_code":"200,201,210-299","enable_client_ssl":false,"status":1,"timeout":5},
"microservice_info":null,"create_time":"2024-01-01T00:00:00Z","status":1}"#;

const CONFIG: &str = r#"{"instance_id":"eddc4d25480b4cd6b512f270a1b8b341","name":"VPC_demo","port":22,
"balance_strategy":2,"member_type":"ip",
"member_groups":[{"member_group_name":"test","member_group_weight":1,"member_group_remark":"remark"}],
"members":[{"host":"192.168.0.5","weight":1,"member_group_name":"test"},{"host":"192.168.1.125","port":8080,"weight":3}],
"vpc_health_config":{"protocol":"http","path":"/vpc/demo","port":22,"threshold_normal":2,"threshold_abnormal":5,
"time_interval":10,"timeout":5,"http_code":"200,201,210-299"}}"#;

const CCE_CONFIG: &str = r#"{"instance_id":"eddc4d25480b4cd6b512f270a1b8b341","name":"cce_channel","port":80,
"member_type":"ip","type":3,
"member_groups":[{"member_group_name":"stable","microservice_version":"v1","microservice_port":80,
"microservice_labels":[{"label_name":"cluster_id","label_value":"c4297"}]}],
"microservice_info":{"service_type":"CCE","cce_info":{"cluster_id":"ab1485b4f91b45abbcd560be591f7309",
"namespace":"default","workload_type":"deployment","app_name":"testapp"}}}"#;

const ECS_CONFIG: &str = r#"{"instance_id":"eddc4d25480b4cd6b512f270a1b8b341","name":"ecs_channel","port":8080,
"members":[{"ecs_id":"ecs-0001","ecs_name":"web-1","weight":10},{"ecs_id":"ecs-0002","ecs_name":"web-2"}]}"#;

const API_SHOW: &str = r#"{"id":"4fc35fc498e968475b54c2171607017d","name":"VPC_demo","port":22,"balance_strategy":2,
"member_type":"ip","type":2,"create_time":"2024-01-01T00:00:00Z","status":1,
"member_groups":[{"member_group_id":"g1","member_group_name":"test","member_group_weight":1,"member_group_remark":"remark",
"create_time":"2024-01-01T00:00:00Z","update_time":"2024-01-01T00:00:00Z"}],
"members":[{"id":"m1","host":"192.168.0.5","weight":1,"is_backup":false,"member_group_name":"test","status":1,"port":22,
"ecs_id":"192.168.0.5","ecs_name":"192.168.0.5","member_group_id":"g1","health_status":"healthy"}],
"vpc_health_config":{"protocol":"HTTP","path":"/vpc/demo","method":"GET","port":22,"threshold_normal":2,
"threshold_abnormal":5,"time_interval":10,"http_code":"200,201,210-299","enable_client_ssl":false,"status":1,"timeout":5,
"id":"h1","vpc_channel_id":"4fc35fc498e968475b54c2171607017d"},"vpc_channel_type":"builtin"}"#;

const API_CCE: &str = r#"{"id":"abc","name":"cce_channel","port":80,"balance_strategy":1,"member_type":"ip","type":3,
"member_groups":[{"member_group_id":"g","member_group_name":"stable","microservice_version":"v1","microservice_port":80,
"microservice_labels":[{"label_name":"cluster_id","label_value":"c4297"}]}],
"members":[{"host":"172.16.0.9","port":80,"member_group_name":"stable"}],
"microservice_info":{"id":"ms","instance_id":"gw","service_type":"CCE","cce_info":{"cluster_id":"c","namespace":"default",
"workload_type":"deployment","app_name":"testapp","label_key":"app","label_value":"testapp","cluster_name":"k"}}}"#;

/// Rewrites the hand-made seeds. Run it when the schema changes.
#[test]
#[ignore]
fn write_seed_corpus() {
    let mut seeds: Vec<(&str, &str, Vec<u8>)> = Vec::new();
    for (n, j) in [
        ("state", STATE),
        ("config", CONFIG),
        ("cce", CCE_CONFIG),
        ("ecs", ECS_CONFIG),
    ] {
        let mut even = vec![0u8];
        even.extend(msgpack(j));
        seeds.push(("msgpack_decode", n, even));
        seeds.push(("json_state", n, j.as_bytes().to_vec()));
    }
    // `dynamic`: [type JSON, value] of a small object.
    seeds.push((
        "msgpack_decode",
        "dynamic",
        b"\x01\x92\xc4\x1b[\"object\",{\"a\":\"string\"}]\x81\xa1a\xa2hi".to_vec(),
    ));
    for (n, j) in [("show", API_SHOW), ("cce", API_CCE)] {
        seeds.push(("api_response", n, j.as_bytes().to_vec()));
    }
    seeds.push((
        "api_response",
        "error",
        br#"{"error_code":"APIG.3208","error_msg":"The VPC channel name already exists,name:x","request_id":"r"}"#.to_vec(),
    ));
    let signer_fields: [&[u8]; 8] = [
        b"POST",
        b"/v2/0123456789abcdef0123456789abcdef/apigw/instances/eddc4d25480b4cd6b512f270a1b8b341/vpc-channels/",
        b"limit=500&name=a b&offset=0&precise_search=name",
        b"Host:apig.cn-north-4.myhuaweicloud.com\nX-Project-Id:0123456789abcdef0123456789abcdef\nContent-Type:application/json;charset=UTF-8",
        b"EMULATORACCESSKEY0001",
        b"emulator-secret-key-0001",
        b"1573788215",
        b"{\"name\":\"x\"}",
    ];
    seeds.push(("signer", "post", signer_fields.join(&0u8)));
    for (n, cfg, prior) in [
        ("create", CONFIG, None),
        ("update", CONFIG, Some(STATE)),
        ("cce", CCE_CONFIG, None),
        ("ecs", ECS_CONFIG, None),
    ] {
        let c = msgpack(cfg);
        let mut b = (c.len() as u16).to_le_bytes().to_vec();
        b.extend(c);
        if let Some(p) = prior {
            b.extend(msgpack(p));
        }
        seeds.push(("plan", n, b));
    }
    for (target, name, bytes) in seeds {
        let dir = corpus_root().join(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("seed-{name}")), bytes).unwrap();
    }
}
