//! The emulator over HTTP: started in-process on port 0, driven by reqwest.
//! The harness here (`T` and the channel bodies) serves the folder's other
//! `*_tests.rs` files; the tests here cover the channel API itself: CRUD,
//! validation, names, quota and list filters.

use std::time::Duration;

use serde_json::{json, Value};

use super::*;

pub(super) const GW: &str = "0123456789abcdef0123456789abcdef";

pub(super) struct T {
    pub(super) h: Handle,
    pub(super) c: reqwest::Client,
}

pub(super) fn opts() -> Options {
    Options {
        instances: vec![GW.into()],
        ..Options::default()
    }
}

pub(super) fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(20))
        .tls_danger_accept_invalid_certs(true)
        .build()
        .unwrap()
}

pub(super) fn chans(gw: &str) -> String {
    format!("/v2/proj/apigw/instances/{gw}/vpc-channels")
}

impl T {
    pub(super) async fn new(o: Options) -> T {
        T {
            h: start(o).await.unwrap(),
            c: client(),
        }
    }

    pub(super) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.h.url)
    }

    pub(super) async fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> (u16, Value) {
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
    pub(super) fn post_raw(
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
    pub(super) async fn api(&self, method: &str, sub: &str, body: Option<&Value>) -> (u16, Value) {
        self.send(method, &format!("{}{sub}", chans(GW)), body)
            .await
    }

    pub(super) async fn admin(
        &self,
        method: &str,
        what: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
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
    pub(super) async fn admin_list(&self, what: &str) -> Vec<Value> {
        let (_, v) = self.admin("GET", what, None).await;
        v.as_array().unwrap().clone()
    }

    pub(super) async fn create(&self, body: &Value) -> Value {
        let (s, v) = self.api("POST", "", Some(body)).await;
        assert_eq!(s, 201, "{v}");
        v
    }

    pub(super) async fn show(&self, id: &str) -> Value {
        let (s, v) = self.api("GET", &format!("/{id}"), None).await;
        assert_eq!(s, 200, "{v}");
        v
    }

    pub(super) async fn set_quirks(&self, on: bool) {
        self.admin("POST", "config", Some(json!({"quirks": on})))
            .await;
    }
}

pub(super) async fn decode(r: reqwest::Response) -> (u16, Value) {
    let s = r.status().as_u16();
    let bytes = r.bytes().await.unwrap();
    let v = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|_| json!(String::from_utf8_lossy(&bytes)))
    };
    (s, v)
}

pub(super) fn demo(name: &str) -> Value {
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

pub(super) fn minimal(name: &str) -> Value {
    json!({"name": name, "port": 80, "balance_strategy": 1, "member_type": "ip"})
}

pub(super) fn is_id(v: &Value) -> bool {
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
