//! Answers the emulator never gives, from a tiny fake APIG server (std
//! threads, canned HTTP/1.1, one request per connection), with the real
//! `terraform`:
//! - issue 19 item 8: the seed's Example 2 show answer, verbatim
//!   (`tests/data/seed_example2_show.json`), imports with no change;
//! - item 6: an answer carrying a field nobody knows and an unknown
//!   `service_type` is never narrowed. Import is refused with a message
//!   naming both; a managed channel that gains them is read with a warning
//!   and its in-place update is refused; no `PUT` is ever sent.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use common::*;

const EXAMPLE_2: &str = include_str!("data/seed_example2_show.json");
const ID: &str = "105c6902457144a4820dff8b1ad63331";

/// Serves `GET .../vpc-channels/{ID}` with the current body; everything
/// else is recorded and answered 404 (APIG.3023), so any write shows.
struct FakeApi {
    url: String,
    body: Arc<Mutex<String>>,
    log: Arc<Mutex<Vec<(String, String)>>>,
}

impl FakeApi {
    fn start(body: &str) -> FakeApi {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let body = Arc::new(Mutex::new(body.to_string()));
        let log = Arc::new(Mutex::new(Vec::new()));
        let (b, l) = (body.clone(), log.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                serve(stream, &b, &l);
            }
        });
        FakeApi { url, body, log }
    }

    fn set(&self, body: &str) {
        *self.body.lock().unwrap() = body.to_string();
    }

    fn writes(&self) -> Vec<(String, String)> {
        let log = self.log.lock().unwrap();
        log.iter().filter(|(m, _)| m != "GET").cloned().collect()
    }
}

fn serve(stream: TcpStream, body: &Mutex<String>, log: &Mutex<Vec<(String, String)>>) {
    let mut r = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if r.read_line(&mut line).is_err() {
        return;
    }
    let mut parts = line.split_whitespace();
    let (method, path) = (
        parts.next().unwrap_or("").to_string(),
        parts.next().unwrap_or("").to_string(),
    );
    let mut len = 0usize;
    loop {
        let mut h = String::new();
        if r.read_line(&mut h).is_err() || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                len = v.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut sink = vec![0u8; len];
    let _ = r.read_exact(&mut sink);
    log.lock().unwrap().push((method.clone(), path.clone()));
    let path_only = path.split('?').next().unwrap_or_default();
    let (status, text) = if method == "GET" && path_only.ends_with(&format!("/vpc-channels/{ID}")) {
        ("200 OK", body.lock().unwrap().clone())
    } else {
        (
            "404 Not Found",
            format!(
                r#"{{"error_code":"APIG.3023","error_msg":"The VPC channel does not exist,id:{ID}"}}"#
            ),
        )
    };
    let mut s = stream;
    let _ = write!(
        s,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    );
}

/// The configuration a user writes for Example 2 from the API tables.
fn example2_hcl() -> String {
    format!(
        r#"
resource "huaweicloud_apig_vpc_channel" "imp" {{
  instance_id = "{GATEWAY}"
  name        = "VPC_demo"
  port        = 22
  member_type = "ip"
  type        = 3
  member_groups = [
    {{ member_group_name = "test", member_group_weight = 1, member_group_remark = "remark",
      microservice_version = "v1", microservice_port = 80 }},
    {{ member_group_name = "default", member_group_weight = 2, member_group_remark = "remark",
      microservice_version = "v2", microservice_port = 80,
      microservice_labels = [{{ label_name = "cluster_id", label_value = "c429700c-5dc4-482a-9c0e-99f6c0635113" }}] }},
  ]
  microservice_info = {{
    service_type = "CCE"
    cce_info = {{
      cluster_id    = "ab1485b4f91b45abbcd560be591f7309"
      namespace     = "default"
      workload_type = "deployment"
      app_name      = "testapp"
    }}
  }}
}}
"#
    )
}

fn import(tf: &Terraform) -> Output {
    let id = format!("{GATEWAY}/{ID}");
    tf.run(&[
        "import",
        "-no-color",
        "-input=false",
        "huaweicloud_apig_vpc_channel.imp",
        &id,
    ])
}

/// Item 8: whatever the server filled in or left out, no change.
#[test]
fn the_seed_example_2_answer_imports_with_no_change() {
    skip_without_terraform!();
    let api = FakeApi::start(EXAMPLE_2);
    let tf = Terraform::new("seed-ex2");
    tf.write("main.tf", &config_for_url(&api.url, "", &example2_hcl()));
    import(&tf).ok();
    tf.assert_no_changes();
    let v = tf.resource_values("huaweicloud_apig_vpc_channel.imp");
    assert!(
        v["microservice_info"]["cce_info"]["label_key"].is_null(),
        "{v}"
    );
    assert!(api.writes().is_empty(), "{:?}", api.writes());
}

/// Example 2 with a field added "next year".
fn with_new_field() -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(EXAMPLE_2).unwrap();
    v["traffic_mirror"] = serde_json::json!({"enabled": true});
    v
}

/// ... and a service type this provider does not know.
fn with_unknowns() -> String {
    let mut v = with_new_field();
    v["microservice_info"]["service_type"] = "EUREKA".into();
    v["microservice_info"]["eureka_info"] = serde_json::json!({"app": "orders"});
    v.to_string()
}

fn flat(out: &Output) -> String {
    out.all().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Item 6: never narrowed, whether imported or managed.
#[test]
fn an_answer_with_unknown_content_is_never_narrowed() {
    skip_without_terraform!();
    let api = FakeApi::start(&with_unknowns());
    let tf = Terraform::new("lossless");
    tf.write("main.tf", &config_for_url(&api.url, "", &example2_hcl()));
    let out = import(&tf);
    assert_ne!(out.code, 0, "{}", out.all());
    let all = flat(&out);
    for want in [
        "cannot be imported without loss",
        "`traffic_mirror`",
        "`microservice_info.eureka_info`",
        "`microservice_info.service_type` = \"EUREKA\"",
    ] {
        assert!(all.contains(want), "{want}: {all}");
    }
    assert!(tf.state_ids().is_empty(), "nothing imported");

    // Managed first, then the server gains what the provider lacks.
    api.set(EXAMPLE_2);
    import(&tf).ok();
    tf.assert_no_changes();
    api.set(&with_new_field().to_string());
    tf.write(
        "main.tf",
        &config_for_url(
            &api.url,
            "",
            &example2_hcl().replace("member_group_weight = 2", "member_group_weight = 3"),
        ),
    );
    let out = tf.plan();
    assert_eq!(out.code, 1, "{}", out.all());
    let all = flat(&out);
    assert!(all.contains("cannot be updated without loss"), "{all}");
    assert!(all.contains("`traffic_mirror`"), "{all}");
    let out = tf.apply();
    assert_ne!(out.code, 0, "{}", out.all());
    assert!(api.writes().is_empty(), "no PUT: {:?}", api.writes());
    // Unchanged configuration: a plan still works, with the warning.
    tf.write("main.tf", &config_for_url(&api.url, "", &example2_hcl()));
    let out = tf.plan();
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(
        flat(&out).contains("holds what this provider cannot represent"),
        "{}",
        out.all()
    );
}
