//! The emulator over HTTP: started in-process on port 0, driven by reqwest.

use std::time::Duration;

use serde_json::{json, Value};

use super::*;
use crate::apig::signer;

const GW: &str = "0123456789abcdef0123456789abcdef";

struct T {
    h: Handle,
    c: reqwest::Client,
}

fn opts() -> Options {
    Options {
        instances: vec![GW.into()],
        ..Options::default()
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(20))
        .tls_danger_accept_invalid_certs(true)
        .build()
        .unwrap()
}

fn chans(gw: &str) -> String {
    format!("/v2/proj/apigw/instances/{gw}/vpc-channels")
}

impl T {
    async fn new(o: Options) -> T {
        T {
            h: start(o).await.unwrap(),
            c: client(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.h.url)
    }

    async fn send(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut rb = self
            .c
            .request(m, self.url(path))
            .header("X-Auth-Token", DEFAULT_TOKEN);
        if let Some(b) = body {
            rb = rb
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        decode(rb.send().await.unwrap()).await
    }

    /// A create on gateway GW with `body` sent as is (no content type);
    /// its answer, or its failure, unread.
    fn post_raw(
        &self,
        body: String,
    ) -> impl std::future::Future<Output = reqwest::Result<reqwest::Response>> {
        self.c
            .post(self.url(&chans(GW)))
            .header("X-Auth-Token", DEFAULT_TOKEN)
            .body(body)
            .send()
    }

    /// Channel API call on gateway GW; `sub` is appended to the collection path.
    async fn api(&self, method: &str, sub: &str, body: Option<&Value>) -> (u16, Value) {
        self.send(method, &format!("{}{sub}", chans(GW)), body)
            .await
    }

    async fn admin(&self, method: &str, what: &str, body: Option<Value>) -> (u16, Value) {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut rb = self.c.request(m, self.url(&format!("/_emulator/{what}")));
        if method != "GET" {
            rb = rb.header("content-type", "application/json");
        }
        if let Some(b) = body {
            rb = rb.body(b.to_string());
        }
        decode(rb.send().await.unwrap()).await
    }

    /// An admin collection (`GET /_emulator/{what}`).
    async fn admin_list(&self, what: &str) -> Vec<Value> {
        let (_, v) = self.admin("GET", what, None).await;
        v.as_array().unwrap().clone()
    }

    async fn create(&self, body: &Value) -> Value {
        let (s, v) = self.api("POST", "", Some(body)).await;
        assert_eq!(s, 201, "{v}");
        v
    }

    async fn show(&self, id: &str) -> Value {
        let (s, v) = self.api("GET", &format!("/{id}"), None).await;
        assert_eq!(s, 200, "{v}");
        v
    }

    async fn set_quirks(&self, on: bool) {
        self.admin("POST", "config", Some(json!({"quirks": on})))
            .await;
    }
}

async fn decode(r: reqwest::Response) -> (u16, Value) {
    let s = r.status().as_u16();
    let bytes = r.bytes().await.unwrap();
    let v = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|_| json!(String::from_utf8_lossy(&bytes)))
    };
    (s, v)
}

fn demo(name: &str) -> Value {
    json!({
      "balance_strategy": 2, "member_type": "ip", "name": name, "port": 22, "type": 2,
      "vpc_health_config": {"http_code": "200", "path": "/vpc/demo", "port": 22, "protocol": "http",
        "threshold_abnormal": 5, "threshold_normal": 2, "time_interval": 10, "timeout": 5, "enable_client_ssl": false},
      "member_groups": [{"member_group_name": "test", "member_group_weight": 1, "member_group_remark": "remark"},
                        {"member_group_name": "default", "member_group_weight": 2, "member_group_remark": "remark"}],
      "members": [{"host": "192.168.0.5", "weight": 1, "member_group_name": "test"},
                  {"host": "192.168.1.124", "weight": 2, "member_group_name": "default"}]
    })
}

fn minimal(name: &str) -> Value {
    json!({"name": name, "port": 80, "balance_strategy": 1, "member_type": "ip"})
}

fn is_id(v: &Value) -> bool {
    v.as_str().is_some_and(|s| {
        s.len() == 32
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// The element of the JSON array `list` whose `field` is `value`.
pub(super) fn item(list: &Value, field: &str, value: &str) -> Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|x| x[field] == value)
        .unwrap()
        .clone()
}

#[tokio::test]
async fn crud_round_trip() {
    let t = T::new(opts()).await;
    let c = t.create(&demo("VPC_demo")).await;
    assert!(is_id(&c["id"]), "{c}");
    assert!(c.get("members").is_none() && c.get("vpc_health_config").is_none());
    assert!(
        c.get("emulator_revision").is_none(),
        "a field the API lacks"
    );
    assert!(c["create_time"].as_str().unwrap().ends_with('Z'));
    let id = c["id"].as_str().unwrap().to_string();

    let d = t.show(&id).await;
    assert_eq!(d["members"].as_array().unwrap().len(), 2);
    assert_eq!(d["vpc_health_config"]["path"], "/vpc/demo");
    assert_eq!(d["member_groups"].as_array().unwrap().len(), 2);
    // group IDs are linked into the members
    let gid = item(&d["member_groups"], "member_group_name", "test")["member_group_id"].clone();
    let m = item(&d["members"], "host", "192.168.0.5");
    assert_eq!(m["member_group_id"], gid);
    assert_eq!(m["vpc_channel_id"], json!(id));

    let (s, l) = t.api("GET", "", None).await;
    assert_eq!(s, 200);
    assert_eq!(
        (l["total"].clone(), l["size"].clone()),
        (json!(1), json!(1))
    );
    assert!(l["vpc_channels"][0].get("members").is_none());

    let mut upd = demo("VPC_renamed");
    upd["port"] = json!(8080);
    let (s, u) = t.api("PUT", &format!("/{id}"), Some(&upd)).await;
    assert_eq!(s, 200, "{u}");
    assert_eq!(
        (u["name"].clone(), u["port"].clone()),
        (json!("VPC_renamed"), json!(8080))
    );
    let stored = t.h.emulator().channels();
    assert_eq!(stored.iter().find(|c| c.id == id).unwrap().revision, 2);
    assert!(u.get("members").is_none());
    assert_eq!(t.show(&id).await["create_time"], d["create_time"]);

    let (s, m) = t.api("GET", &format!("/{id}/members"), None).await;
    assert_eq!((s, m["total"].clone()), (200, json!(2)));

    let r =
        t.c.delete(t.url(&format!("{}/{id}", chans(GW))))
            .header("X-Auth-Token", DEFAULT_TOKEN)
            .send()
            .await
            .unwrap();
    assert_eq!(r.status().as_u16(), 204);
    assert!(r.bytes().await.unwrap().is_empty());
    let (s, e) = t.api("GET", &format!("/{id}"), None).await;
    assert_eq!(s, 404);
    assert_eq!(
        e,
        json!({"error_code": "APIG.3023", "error_msg": format!("The VPC channel does not exist,id:{id}")})
    );
    for (m, sub) in [
        ("PUT", format!("/{id}")),
        ("DELETE", format!("/{id}")),
        ("GET", format!("/{id}/members")),
    ] {
        let body = demo("VPC_x");
        let (s, e) = t.api(m, &sub, Some(&body)).await;
        assert_eq!(
            (s, e["error_code"].as_str().unwrap()),
            (404, "APIG.3023"),
            "{m} {sub}"
        );
    }
    // unknown routes
    let (s, e) = t.api("PATCH", &format!("/{id}"), None).await;
    assert_eq!((s, e["error_code"].as_str().unwrap()), (404, "APIG.0101"));
}

#[tokio::test]
async fn validation_errors_by_family() {
    let t = T::new(opts()).await;
    let mut missing = minimal("abc");
    missing.as_object_mut().unwrap().remove("port");
    let bad_ref = {
        let mut v = minimal("abc");
        v["members"] = json!([{"host": "1.1.1.1", "member_group_name": "nope"}]);
        v
    };
    let health = |k: &str, val: Value| {
        let mut v = demo("abc");
        v["vpc_health_config"][k] = val;
        v
    };
    let cases: Vec<(Value, &str, &str)> = vec![
        (missing, "APIG.2001", "parameter name:port"),
        (
            json!({"name": "abc", "port": 80, "balance_strategy": 1, "member_type": "ip", "members": [{"weight": 1}]}),
            "APIG.2001",
            "parameter name:host",
        ),
        (
            json!({"name": "abc", "port": 80, "balance_strategy": 1, "member_type": "ecs", "members": [{"ecs_id": "i-1"}]}),
            "APIG.2001",
            "parameter name:ecs_name",
        ),
        (
            health("threshold_normal", json!(0)),
            "APIG.2002",
            "parameterName:threshold_normal",
        ),
        (
            health("timeout", json!(31)),
            "APIG.2003",
            "parameterName:timeout",
        ),
        (
            json!({"name": "abc", "port": 70000, "balance_strategy": 1, "member_type": "ip"}),
            "APIG.2004",
            "parameterName:port",
        ),
        (
            json!({"name": "abc", "port": 80, "balance_strategy": 1, "member_type": "ip", "members": [{"host": "1.1.1.1", "weight": 10001}]}),
            "APIG.2004",
            "parameterName:weight",
        ),
        (
            json!({"name": "1abc", "port": 80, "balance_strategy": 1, "member_type": "ip"}),
            "APIG.2012",
            "parameterName:name",
        ),
        (
            json!({"name": "abc", "port": "80", "balance_strategy": 1, "member_type": "ip"}),
            "APIG.2012",
            "parameterName:port",
        ),
        (
            json!({"name": "abc", "port": 80, "balance_strategy": 9, "member_type": "ip"}),
            "APIG.2012",
            "parameterName:balance_strategy",
        ),
        (
            health("protocol", json!("UDP")),
            "APIG.2012",
            "parameterName:protocol",
        ),
        (
            health("http_code", json!("200-700")),
            "APIG.2012",
            "parameterName:http_code",
        ),
        (
            health("http_code", Value::Null),
            "APIG.2001",
            "parameter name:http_code",
        ),
        (
            health("path", Value::Null),
            "APIG.2001",
            "parameter name:path",
        ),
        (
            health("timeout", json!(10)),
            "APIG.2012",
            "parameterName:time_interval",
        ),
        (bad_ref, "APIG.2012", "parameterName:member_group_name"),
        (
            json!({"name": "abc", "port": 80, "balance_strategy": 1, "member_type": "ip", "vpc_channel_type": "microservice"}),
            "APIG.2001",
            "parameter name:microservice_info",
        ),
        (
            json!({"name": "abc", "port": 80, "balance_strategy": 1, "member_type": "ip", "type": 3,
                "microservice_info": {"service_type": "CCE", "cce_info": {"cluster_id": "c", "namespace": "n", "workload_type": "deployment"}}}),
            "APIG.2001",
            "parameter name:app_name",
        ),
        (
            json!({"name": "abc", "port": 80, "balance_strategy": 1, "member_type": "ip", "type": 3,
                "microservice_info": {"service_type": "CSE"}}),
            "APIG.2001",
            "parameter name:cse_info",
        ),
    ];
    for (body, code, param) in cases {
        let (s, e) = t.api("POST", "", Some(&body)).await;
        assert_eq!(s, 400, "{body} -> {e}");
        assert_eq!(e["error_code"], code, "{body} -> {e}");
        assert!(
            e["error_msg"].as_str().unwrap().contains(param),
            "{body} -> {e}"
        );
    }
    // lower-case protocol (the doc example) is fine
    t.create(&health("protocol", json!("http"))).await;
    // unknown fields are ignored
    let mut extra = minimal("with_extra");
    extra["no_such_field"] = json!({"x": [1, 2]});
    t.create(&extra).await;

    // bodies that are not JSON
    for raw in ["", "{", "[1,2]", "null", "\u{0}"] {
        let r = t.post_raw(raw.to_string()).await.unwrap();
        let (s, e) = decode(r).await;
        assert_eq!(
            (s, e["error_code"].clone()),
            (400, json!("APIG.2012")),
            "{raw:?}"
        );
        assert_eq!(e["error_msg"], "Invalid request body");
    }
    // too large
    let big = format!("{{\"name\":\"{}\"}}", "a".repeat(MAX_BODY + 10));
    let r = t.post_raw(big).await.unwrap();
    assert_eq!(r.status().as_u16(), 413);
    // deeply nested JSON does not crash the server
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let r = t.post_raw(deep).await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    // list paging: a non-number offset is an error; a negative one means 0
    // (limits are clamped, see list.rs)
    let (s, e) = t.api("GET", "?offset=x", None).await;
    assert_eq!((s, e["error_code"].as_str().unwrap()), (400, "APIG.2012"));
    let (s, l) = t.api("GET", "?offset=-1", None).await;
    assert_eq!((s, l["total"].clone()), (200, l["size"].clone()), "{l}");
}

#[tokio::test]
async fn duplicate_names_quota_and_gateways() {
    let t = T::new(opts()).await;
    t.create(&minimal("dup_name")).await;
    let (s, e) = t.api("POST", "", Some(&minimal("dup_name"))).await;
    assert_eq!((s, e["error_code"].as_str().unwrap()), (400, "APIG.3208"));
    assert!(e["error_msg"].as_str().unwrap().contains("dup_name"));
    // renaming onto a taken name fails too
    let other = t.create(&minimal("other_name")).await;
    let (s, e) = t
        .api(
            "PUT",
            &format!("/{}", other["id"].as_str().unwrap()),
            Some(&minimal("dup_name")),
        )
        .await;
    assert_eq!((s, e["error_code"].as_str().unwrap()), (400, "APIG.3208"));

    let (s, cfg) = t.admin("POST", "config", Some(json!({"quota": 3}))).await;
    assert_eq!((s, cfg["quota"].clone()), (200, json!(3)));
    t.create(&minimal("third")).await;
    let (s, e) = t.api("POST", "", Some(&minimal("fourth"))).await;
    assert_eq!((s, e["error_code"].as_str().unwrap()), (403, "APIG.3109"));

    // another gateway has its own names and quota, once it exists
    let gw2 = "fedcba9876543210fedcba9876543210";
    let (s, e) = t
        .send("POST", &chans(gw2), Some(&minimal("dup_name")))
        .await;
    assert_eq!(
        (s, e.clone()),
        (
            404,
            json!({"error_code": "APIG.3030", "error_msg": format!("The instance does not exist;id:{gw2}")})
        )
    );
    let (s, _) = t
        .admin("POST", "instances", Some(json!({"instance_id": gw2})))
        .await;
    assert_eq!(s, 201);
    let (s, _) = t
        .send("POST", &chans(gw2), Some(&minimal("dup_name")))
        .await;
    assert_eq!(s, 201);
    let (_, l) = t.send("GET", &chans(gw2), None).await;
    assert_eq!(l["total"], 1);

    // without quirks duplicates are accepted
    t.admin(
        "POST",
        "config",
        Some(json!({"quota": 30, "quirks": false})),
    )
    .await;
    t.create(&minimal("dup_name")).await;
}

#[tokio::test]
async fn list_filters_and_members_list() {
    let t = T::new(opts()).await;
    let a = t.create(&demo("alpha_one")).await;
    t.create(&minimal("alpha_two")).await;
    t.create(&minimal("beta")).await;
    let list = |q: &str| {
        let q = q.to_string();
        let t = &t;
        async move { t.api("GET", &format!("?{q}"), None).await.1 }
    };
    assert_eq!(list("name=ALPHA").await["total"], 2);
    assert_eq!(list("name=alpha&precise_search=name").await["total"], 0);
    assert_eq!(list("name=alpha_one&precise_search=name").await["total"], 1);
    assert_eq!(
        list(&format!("id={}", a["id"].as_str().unwrap())).await["total"],
        1
    );
    assert_eq!(list("member_host=192.168.0.5").await["total"], 1);
    assert_eq!(list("member_port=22").await["total"], 1);
    assert_eq!(list("member_group_name=defa").await["total"], 1);
    let gid = a["member_groups"][0]["member_group_id"].as_str().unwrap();
    assert_eq!(list(&format!("member_group_id={gid}")).await["total"], 1);
    let page = list("limit=2&offset=1").await;
    assert_eq!(
        (page["total"].clone(), page["size"].clone()),
        (json!(3), json!(2))
    );
    // newest first
    assert_eq!(list("").await["vpc_channels"][0]["name"], "beta");

    let id = a["id"].as_str().unwrap();
    let members = |q: &str| {
        let q = q.to_string();
        let t = &t;
        async move { t.api("GET", &format!("/{id}/members?{q}"), None).await.1 }
    };
    assert_eq!(members("").await["total"], 2);
    assert_eq!(
        members("member_group_name=test&precise_search=member_group_name").await["total"],
        1
    );
    assert_eq!(members("name=192.168.").await["total"], 2);
    assert_eq!(members("name=192.168.1").await["total"], 1);
    assert_eq!(members("limit=1").await["size"], 1);
}

/// Habits 1-5, 7, 8, 11, 12 and discovery, each with quirks on and off.
#[tokio::test]
async fn habits_on_and_off() {
    let t = T::new(opts()).await;
    for quirks in [true, false] {
        t.admin("POST", "reset", None).await;
        t.set_quirks(quirks).await;

        // 1: order; 2: ecs_id/ecs_name = host; 3: member defaults
        let mut body = minimal("order_test");
        let hosts: Vec<String> = (0..12).map(|i| format!("10.0.0.{i}")).collect();
        body["members"] = json!(hosts.iter().map(|h| json!({"host": h})).collect::<Vec<_>>());
        body["member_groups"] = json!((0..6)
            .map(|i| json!({"member_group_name": format!("grp{i}")}))
            .collect::<Vec<_>>());
        body["vpc_health_config"] = json!({"protocol": "TCP", "threshold_normal": 1, "threshold_abnormal": 1, "time_interval": 5, "timeout": 2});
        let c = t.create(&body).await;
        // 8: never members or health in create
        assert!(c.get("members").is_none() && c.get("vpc_health_config").is_none());
        let d = t.show(c["id"].as_str().unwrap()).await;
        let ms = d["members"].as_array().unwrap();
        let ids: Vec<&str> = ms.iter().map(|m| m["id"].as_str().unwrap()).collect();
        let got_hosts: Vec<&str> = ms.iter().map(|m| m["host"].as_str().unwrap()).collect();
        let gids: Vec<&str> = d["member_groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["member_group_id"].as_str().unwrap())
            .collect();
        let gnames: Vec<&str> = d["member_groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["member_group_name"].as_str().unwrap())
            .collect();
        if quirks {
            assert!(ids.windows(2).all(|w| w[0] < w[1]), "sorted by id");
            assert!(gids.windows(2).all(|w| w[0] < w[1]), "groups sorted by id");
            let m = &ms[0];
            assert_eq!(m["ecs_id"], m["host"]);
            assert_eq!(m["ecs_name"], m["host"]);
            assert_eq!(
                (
                    m["port"].clone(),
                    m["weight"].clone(),
                    m["status"].clone(),
                    m["is_backup"].clone()
                ),
                (json!(80), json!(0), json!(1), json!(false))
            );
            assert_eq!(m["health_status"], "unknown");
            // 4 and 11
            let h = &d["vpc_health_config"];
            assert_eq!(h["protocol"], "tcp");
            assert_eq!(
                (
                    h["path"].clone(),
                    h["method"].clone(),
                    h["http_code"].clone(),
                    h["port"].clone()
                ),
                (json!(""), json!(""), json!(""), json!(0))
            );
            assert_eq!(
                (h["enable_client_ssl"].clone(), h["status"].clone()),
                (json!(false), json!(1))
            );
            assert_eq!(d["dict_code"], "");
            // 5
            assert_eq!(d["microservice_info"]["cse_info"]["engine_id"], "");
            assert_eq!(d["microservice_info"]["service_type"], "");
        } else {
            assert_eq!(
                got_hosts,
                hosts.iter().map(String::as_str).collect::<Vec<_>>(),
                "sent order"
            );
            assert_eq!(
                gnames,
                (0..6).map(|i| format!("grp{i}")).collect::<Vec<_>>()
            );
            let m = &ms[0];
            for k in [
                "ecs_id",
                "ecs_name",
                "port",
                "weight",
                "status",
                "is_backup",
                "health_status",
            ] {
                assert!(m.get(k).is_none(), "{k} in {m}");
            }
            let h = &d["vpc_health_config"];
            assert_eq!(h["protocol"], "TCP");
            for k in [
                "path",
                "method",
                "http_code",
                "port",
                "enable_client_ssl",
                "status",
            ] {
                assert!(h.get(k).is_none(), "{k} in {h}");
            }
            assert!(d.get("dict_code").is_none() && d.get("microservice_info").is_none());
        }

        // 2: ecs members get a server IP
        let mut ecs = minimal("ecs_chan");
        ecs["member_type"] = json!("ecs");
        ecs["members"] = json!([{"ecs_id": "i-123", "ecs_name": "vm1"}]);
        let e = t.create(&ecs).await;
        let em = &t.show(e["id"].as_str().unwrap()).await["members"][0];
        if quirks {
            assert!(em["host"].as_str().unwrap().starts_with("192.168."));
        } else {
            assert!(em.get("host").is_none());
        }

        // 7: type kept on PUT; 6: empty members wipe them
        let id = c["id"].as_str().unwrap();
        let mut put = minimal("order_test");
        put["type"] = json!(3);
        put["microservice_info"] = json!({"service_type": "CCE_SERVICE", "cce_service_info": {"cluster_id": "c1", "namespace": "ns", "service_name": "svc"}});
        put["members"] = json!([]);
        let (s, u) = t.api("PUT", &format!("/{id}"), Some(&put)).await;
        assert_eq!(s, 200, "{u}");
        assert_eq!(u["type"], if quirks { 2 } else { 3 });
        let d = t.show(id).await;
        assert!(
            d["member_groups"].as_array().unwrap().is_empty(),
            "absent groups are wiped"
        );
        if !quirks {
            assert!(d["members"].as_array().unwrap().is_empty(), "{d}");
        }
        assert!(
            d.get("vpc_health_config").is_none(),
            "absent health check is wiped"
        );

        // 12 and discovery on a microservice channel
        let mut ms_body = minimal("cce_chan");
        ms_body["type"] = json!(3);
        ms_body["microservice_info"] = json!({"service_type": "CCE", "cce_info": {"cluster_id": "ab14", "namespace": "default", "workload_type": "deployment", "app_name": "testapp"}});
        ms_body["members"] = json!([{"host": "10.1.1.1"}]);
        let m = t.create(&ms_body).await;
        let d = t.show(m["id"].as_str().unwrap()).await;
        let cce = &d["microservice_info"]["cce_info"];
        let n = d["members"].as_array().unwrap().len();
        let (_, ml) = t
            .api(
                "GET",
                &format!("/{}/members", m["id"].as_str().unwrap()),
                None,
            )
            .await;
        assert_eq!(ml["total"], json!(n));
        if quirks {
            assert_eq!(
                (cce["label_key"].clone(), cce["label_value"].clone()),
                (json!("app"), json!("testapp"))
            );
            assert!(cce["cluster_name"].as_str().unwrap().starts_with("cce-"));
            assert!(is_id(&d["microservice_info"]["id"]));
            assert_eq!(d["microservice_info"]["instance_id"], GW);
            assert!((2..=3).contains(&n), "discovered members: {n}");
        } else {
            assert!(cce.get("label_key").is_none());
            assert_eq!(n, 1);
        }
    }
}

#[tokio::test]
async fn token_auth() {
    let t = T::new(Options {
        tokens: vec!["tok-a".into(), "tok-b".into()],
        ..opts()
    })
    .await;
    let url = t.url(&chans(GW));
    for tok in [None, Some("emulator-token"), Some("")] {
        let mut rb = t.c.get(&url);
        if let Some(tok) = tok {
            rb = rb.header("X-Auth-Token", tok);
        }
        let (s, e) = decode(rb.send().await.unwrap()).await;
        assert_eq!(s, 401);
        assert_eq!(
            e,
            json!({"error_code": "APIG.1002", "error_msg": "Incorrect token or token resolution failed"})
        );
    }
    let r =
        t.c.get(&url)
            .header("X-Auth-Token", "tok-b")
            .send()
            .await
            .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let (_, reqs) = t.admin("GET", "requests", None).await;
    let auths: Vec<&str> = reqs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["auth"].as_str().unwrap())
        .collect();
    assert_eq!(auths, ["none", "token", "token", "token"]);
}

/// A request signed like a client would, sent with reqwest.
#[allow(clippy::too_many_arguments)]
async fn signed_request(
    t: &T,
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    body: &[u8],
    date: i64,
    extra: &[(&str, &str)],
    tamper: Option<&[u8]>,
) -> (u16, Value) {
    let q: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut headers: Vec<(String, String)> = vec![
        ("Host".into(), t.h.addr.to_string()),
        ("X-Sdk-Date".into(), signer::sdk_date(date)),
        ("X-Project-Id".into(), "proj".into()),
    ];
    if !body.is_empty() {
        headers.push(("Content-Type".into(), "application/json".into()));
    }
    headers.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let s = signer::sign(
        DEFAULT_AK,
        DEFAULT_SK,
        &signer::SigningInput {
            method,
            path,
            query: &q,
            headers: &headers,
            body,
        },
    );
    let cq = signer::canonical_query(&q);
    let url = if cq.is_empty() {
        t.url(path)
    } else {
        format!("{}?{cq}", t.url(path))
    };
    let mut rb =
        t.c.request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), url);
    for (k, v) in &headers {
        if !k.eq_ignore_ascii_case("host") {
            rb = rb.header(k, v);
        }
    }
    rb = rb
        .header("Authorization", s.authorization)
        .body(tamper.unwrap_or(body).to_vec());
    decode(rb.send().await.unwrap()).await
}

#[tokio::test]
async fn aksk_signatures() {
    let t = T::new(opts()).await;
    let now = clock::unix_now();
    let p = chans(GW);
    let body = minimal("signed_one").to_string();
    let (s, v) = signed_request(&t, "POST", &p, &[], body.as_bytes(), now, &[], None).await;
    assert_eq!(s, 201, "{v}");
    let (s, v) = signed_request(
        &t,
        "GET",
        &p,
        &[("name", "signed one"), ("limit", "10"), ("offset", "0")],
        b"",
        now,
        &[],
        None,
    )
    .await;
    assert_eq!(s, 200, "{v}");

    // tampered body: the server's canonical request comes back
    let other = minimal("signed_two").to_string();
    let (s, e) = signed_request(
        &t,
        "POST",
        &p,
        &[],
        body.as_bytes(),
        now,
        &[],
        Some(other.as_bytes()),
    )
    .await;
    assert_eq!(s, 401);
    assert_eq!(e["error_code"], "APIGW.0301");
    let msg = e["error_msg"].as_str().unwrap();
    let expected_prefix = format!("Verify aksk signature fail, canonicalRequest: POST|{p}/||content-type:application/json|host:{}|", t.h.addr);
    assert!(msg.starts_with(&expected_prefix), "{msg}");
    assert!(
        msg.ends_with(&hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
            other.as_bytes()
        ))),
        "{msg}"
    );
    assert!(is_id(&e["request_id"]));

    // stale and future dates
    for skew in [-16 * 60, 16 * 60] {
        let (s, e) = signed_request(&t, "GET", &p, &[], b"", now + skew, &[], None).await;
        assert_eq!((s, e["error_code"].as_str().unwrap()), (401, "APIGW.0301"));
        assert!(
            e["error_msg"].as_str().unwrap().contains("15 minutes"),
            "{e}"
        );
    }
    let (s, _) = signed_request(&t, "GET", &p, &[], b"", now - 10 * 60, &[], None).await;
    assert_eq!(s, 200);

    let (_, reqs) = t.admin("GET", "requests", None).await;
    assert!(reqs.as_array().unwrap().iter().all(|r| r["auth"] == "aksk"));
}

#[tokio::test]
async fn aksk_with_security_token() {
    let t = T::new(Options {
        security_token: Some("STS-TOKEN".into()),
        ..opts()
    })
    .await;
    let now = clock::unix_now();
    let p = chans(GW);
    let (s, e) = signed_request(&t, "GET", &p, &[], b"", now, &[], None).await;
    assert_eq!(s, 401, "{e}");
    let (s, _) = signed_request(
        &t,
        "GET",
        &p,
        &[],
        b"",
        now,
        &[("X-Security-Token", "nope")],
        None,
    )
    .await;
    assert_eq!(s, 401);
    let (s, e) = signed_request(
        &t,
        "GET",
        &p,
        &[],
        b"",
        now,
        &[("X-Security-Token", "STS-TOKEN")],
        None,
    )
    .await;
    assert_eq!(s, 200, "{e}");
}

#[tokio::test]
async fn faults() {
    let t = T::new(opts()).await;
    let fault = |v: Value| t.admin("POST", "faults", Some(v));
    let post = |name: &str| t.post_raw(minimal(name).to_string());
    let (s, _) =
        fault(json!({"method": "POST", "status": 429, "count": 1, "retry_after": 2})).await;
    assert_eq!(s, 201);
    let r = post("f_one").await.unwrap();
    assert_eq!(r.status().as_u16(), 429);
    assert_eq!(r.headers()["retry-after"], "2");
    t.create(&minimal("f_one")).await;

    fault(json!({"method": "*", "path_contains": "vpc-channels", "status": 500, "count": 2})).await;
    for _ in 0..2 {
        let (s, e) = t.api("GET", "", None).await;
        assert_eq!((s, e["error_code"].as_str().unwrap()), (500, "APIG.9999"));
    }
    assert_eq!(t.api("GET", "", None).await.0, 200);

    // drop: nothing happens, no answer
    fault(json!({"method": "POST", "drop": true})).await;
    let r = post("f_dropped").await;
    assert!(r.is_err(), "{r:?}");
    assert_eq!(t.api("GET", "?name=f_dropped", None).await.1["total"], 0);

    // drop after commit: created, yet no answer
    fault(json!({"method": "POST", "drop_after_commit": true})).await;
    let r = post("f_committed").await;
    assert!(r.is_err(), "{r:?}");
    assert_eq!(t.api("GET", "?name=f_committed", None).await.1["total"], 1);

    // latency, then served
    fault(json!({"method": "GET", "latency_ms": 300})).await;
    let t0 = std::time::Instant::now();
    assert_eq!(t.api("GET", "", None).await.0, 200);
    assert!(t0.elapsed() >= Duration::from_millis(290));

    // custom code; admin calls are never faulted
    fault(json!({"status": 500, "error_code": "APIG.9999", "error_msg": "concurrent change", "count": 0})).await;
    assert_eq!(t.admin("GET", "channels", None).await.0, 200);
    assert_eq!(
        t.api("GET", "", None).await.1["error_msg"],
        "concurrent change"
    );
    let (_, listed) = t.admin("GET", "faults", None).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(t.admin("DELETE", "faults", None).await.0, 204);
    assert_eq!(t.api("GET", "", None).await.0, 200);

    let (s, e) = fault(json!({"method": "GET"})).await;
    assert_eq!(s, 400, "{e}");

    let (_, reqs) = t.admin("GET", "requests", None).await;
    let reqs = reqs.as_array().unwrap();
    assert!(reqs
        .iter()
        .any(|r| r["dropped"] == true && r["status"] == 0));
    assert!(reqs
        .iter()
        .any(|r| r["dropped"] == true && r["status"] == 201));
}

#[tokio::test]
async fn admin_api() {
    let t = T::new(opts()).await;
    let c = t.create(&demo("bound_chan")).await;
    let id = c["id"].as_str().unwrap();
    let (s, b) = t
        .admin("POST", &format!("channels/{id}/bind-api"), None)
        .await;
    assert_eq!((s, b["bound_apis"].clone()), (200, json!(1)));
    let (s, e) = t.api("DELETE", &format!("/{id}"), None).await;
    assert_eq!((s, e["error_code"].as_str().unwrap()), (403, "APIG.3414"));
    t.admin("POST", &format!("channels/{id}/unbind-api"), None)
        .await;
    assert_eq!(t.api("DELETE", &format!("/{id}"), None).await.0, 204);
    assert_eq!(t.admin("POST", "channels/nope/bind-api", None).await.0, 404);

    t.create(&demo("stored_chan")).await;
    let (_, all) = t.admin("GET", "channels", None).await;
    let ch = &all[0];
    assert_eq!(ch["instance_id"], GW);
    assert_eq!(ch["members"].as_array().unwrap().len(), 2);
    assert_eq!(ch["vpc_health_config"]["protocol"], "http");

    let (_, reqs) = t.admin("GET", "requests", None).await;
    let reqs = reqs.as_array().unwrap();
    assert_eq!(reqs[0]["method"], "POST");
    assert_eq!(reqs[0]["body"]["name"], "bound_chan");
    assert_eq!(reqs[0]["status"], 201);
    let last = reqs.last().unwrap()["seq"].as_u64().unwrap();
    t.api("GET", "?limit=5", None).await;
    let (_, newer) = t
        .admin("GET", &format!("requests?since={last}"), None)
        .await;
    assert_eq!(newer.as_array().unwrap().len(), 1);
    assert_eq!(newer[0]["query"]["limit"], "5");
    assert_eq!(t.admin("DELETE", "requests", None).await.0, 204);
    assert!(t.admin_list("requests").await.is_empty());

    let (_, cfg) = t.admin("GET", "config", None).await;
    assert_eq!(
        cfg,
        json!({"quirks": true, "quota": 30, "aksk_lockout": true, "latency_ms": 0})
    );
    assert_eq!(
        t.admin("POST", "config", Some(json!({"quirks": "yes"})))
            .await
            .0,
        400
    );
    assert_eq!(t.admin("GET", "nothing", None).await.0, 404);

    assert_eq!(t.admin("POST", "reset", None).await.0, 204);
    assert!(t.admin_list("channels").await.is_empty());
    assert_eq!(t.api("GET", "", None).await.1["total"], 0);
}

#[tokio::test]
async fn state_file_survives_restart() {
    let dir = std::env::temp_dir().join(format!("emu-state-{}", generated::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("state.json");
    let o = Options {
        state_file: Some(path.clone()),
        ..opts()
    };
    let t = T::new(o.clone()).await;
    let a = t.create(&demo("kept_chan")).await;
    let b = t.create(&minimal("deleted_chan")).await;
    assert_eq!(
        t.api("DELETE", &format!("/{}", b["id"].as_str().unwrap()), None)
            .await
            .0,
        204
    );
    // on disk before the answer came back
    let on_disk: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(on_disk["channels"].as_array().unwrap().len(), 1);
    let before = t.show(a["id"].as_str().unwrap()).await;
    t.h.shutdown().await;

    let t = T::new(o).await;
    let after = t.show(a["id"].as_str().unwrap()).await;
    assert_eq!(before, after);
    t.create(&minimal("deleted_chan")).await;
    let third = t.create(&minimal("third_chan")).await;
    let stored = t.h.emulator().channels();
    assert_eq!(
        stored
            .iter()
            .find(|c| c.id == third["id"])
            .unwrap()
            .revision,
        1
    );
    let (s, e) = t.api("POST", "", Some(&demo("kept_chan"))).await;
    assert_eq!(
        (s, e["error_code"].as_str().unwrap()),
        (400, "APIG.3208"),
        "name index rebuilt"
    );
    t.h.shutdown().await;

    std::fs::write(&path, b"not json").unwrap();
    assert!(start(Options {
        state_file: Some(path),
        ..opts()
    })
    .await
    .is_err());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn tls_mode() {
    let t = T::new(Options {
        tls: true,
        ..opts()
    })
    .await;
    assert!(t.h.url.starts_with("https://127.0.0.1:"));
    let pem = t.h.cert_pem.clone().unwrap();
    assert!(pem.contains("BEGIN CERTIFICATE"));
    t.create(&minimal("tls_chan")).await;
    // a client trusting only this certificate, by host name
    let cert = reqwest::Certificate::from_pem(pem.as_bytes()).unwrap();
    let strict = reqwest::Client::builder()
        .no_proxy()
        .tls_certs_only([cert])
        .build()
        .unwrap();
    let url = format!("https://localhost:{}{}", t.h.addr.port(), chans(GW));
    let r = strict
        .get(url)
        .header("X-Auth-Token", DEFAULT_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // plain HTTP to the TLS port gets no answer
    let plain = format!("http://{}{}", t.h.addr, chans(GW));
    assert!(client().get(plain).send().await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_creates_with_state_file() {
    let dir = std::env::temp_dir().join(format!("emu-par-{}", generated::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let t = std::sync::Arc::new(
        T::new(Options {
            quota: 1000,
            state_file: Some(dir.join("s.json")),
            ..opts()
        })
        .await,
    );
    let started = std::time::Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for w in 0..50 {
        let t = t.clone();
        set.spawn(async move {
            for i in 0..6 {
                let (s, v) = t
                    .api("POST", "", Some(&demo(&format!("par_{w}_{i}"))))
                    .await;
                assert_eq!(s, 201, "{v}");
            }
        });
    }
    while let Some(r) = set.join_next().await {
        r.unwrap();
    }
    let took = started.elapsed();
    assert!(took < Duration::from_secs(30), "{took:?}");
    assert_eq!(t.api("GET", "?limit=1", None).await.1["total"], 300);
    let on_disk: Value =
        serde_json::from_slice(&std::fs::read(dir.join("s.json")).unwrap()).unwrap();
    assert_eq!(on_disk["channels"].as_array().unwrap().len(), 300);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cli_arguments() {
    let o = Options::from_args([
        "--port",
        "8080",
        "--host=0.0.0.0",
        "--no-quirks",
        "--quota",
        "5",
        "--instance",
        "a",
        "--instance",
        "b",
        "--token",
        "t1",
        "--ak",
        "AK",
        "--sk=SK",
        "--security-token",
        "ST",
        "--tls",
        "--state-file",
        "/tmp/x.json",
    ])
    .unwrap();
    assert_eq!(
        (o.port, o.host.as_str(), o.quirks, o.quota),
        (8080, "0.0.0.0", false, 5)
    );
    assert_eq!(o.instances, ["a", "b"]);
    assert_eq!(o.tokens, ["t1"]);
    assert_eq!(
        (o.ak.as_str(), o.sk.as_str(), o.security_token.as_deref()),
        ("AK", "SK", Some("ST"))
    );
    assert!(o.tls);
    assert_eq!(o.state_file.unwrap().to_str(), Some("/tmp/x.json"));
    let d = Options::from_args(Vec::<String>::new()).unwrap();
    assert_eq!(d.instances, [DEFAULT_INSTANCE]);
    assert_eq!(
        (d.tokens[0].as_str(), d.ak.as_str(), d.quota, d.port),
        (DEFAULT_TOKEN, DEFAULT_AK, 30, 0)
    );
    for bad in [
        vec!["--port"],
        vec!["--port", "x"],
        vec!["--port", "70000"],
        vec!["--bogus"],
        vec!["--ak", ""],
    ] {
        assert!(Options::from_args(bad.clone()).is_err(), "{bad:?}");
    }
}

#[tokio::test]
async fn latency_delays_api_requests_only() {
    let t = T::new(Options {
        latency_ms: 40,
        ..opts()
    })
    .await;
    let started = std::time::Instant::now();
    assert_eq!(t.api("GET", "", None).await.0, 200);
    assert!(started.elapsed() >= Duration::from_millis(40));
    let (s, cfg) = t
        .admin("POST", "config", Some(json!({"latency_ms": 120})))
        .await;
    assert_eq!((s, cfg["latency_ms"].clone()), (200, json!(120)));
    let started = std::time::Instant::now();
    t.api("GET", "", None).await;
    assert!(started.elapsed() >= Duration::from_millis(120));
    // the CLI flag
    let o = Options::from_args(["--latency-ms", "5"]).unwrap();
    assert_eq!(o.latency_ms, 5);
    assert!(Options::from_args(["--latency-ms=x"]).is_err());
}
