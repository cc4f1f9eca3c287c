//! The API over HTTP: answers as the SDK documents them.

use std::time::Duration;

use serde_json::Value;

use serde_json::json;

use super::tests::item;
use super::{start, Options, DEFAULT_INSTANCE, DEFAULT_TOKEN};

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

#[tokio::test]
async fn an_error_request_id_is_the_header_request_id() {
    let h = start(Options::default()).await.unwrap();
    let url = format!(
        "{}/v2/proj/apigw/instances/{DEFAULT_INSTANCE}/vpc-channels",
        h.url
    );
    let r = client()
        .get(&url)
        .header("Authorization", "SDK-HMAC-SHA256 garbage")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let header = r.headers()["x-request-id"].to_str().unwrap().to_string();
    let body: Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
    assert_eq!(body["error_code"], "APIGW.0301");
    assert_eq!(body["request_id"], header.as_str());
}

struct Api {
    h: super::Handle,
    c: reqwest::Client,
}

impl Api {
    async fn new() -> Api {
        Api {
            h: start(Options::default()).await.unwrap(),
            c: client(),
        }
    }

    async fn call(&self, method: &str, sub: &str, body: Option<Value>) -> (u16, Value) {
        let url = format!(
            "{}/v2/proj/apigw/instances/{DEFAULT_INSTANCE}/vpc-channels{sub}",
            self.h.url
        );
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut rb = self.c.request(m, url).header("X-Auth-Token", DEFAULT_TOKEN);
        if let Some(b) = body {
            rb = rb
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        let r = rb.send().await.unwrap();
        let s = r.status().as_u16();
        let bytes = r.bytes().await.unwrap();
        (s, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    async fn ok(&self, method: &str, sub: &str, body: Option<Value>, want: u16) -> Value {
        let (s, v) = self.call(method, sub, body).await;
        assert_eq!(s, want, "{method} {sub}: {v}");
        v
    }

    /// Creates an IP channel with member groups `groups` and one member,
    /// 10.0.0.1, in the first; returns it and its path (`/{id}`).
    async fn with_groups(&self, name: &str, groups: &[&str]) -> (Value, String) {
        let specs: Vec<Value> = groups
            .iter()
            .map(|g| json!({"member_group_name": g}))
            .collect();
        let body = json!({"name": name, "port": 80, "balance_strategy": 1, "member_type": "ip",
            "member_groups": specs,
            "members": [{"host": "10.0.0.1", "member_group_name": groups[0]}]});
        let ch = self.ok("POST", "", Some(body), 201).await;
        let id = format!("/{}", ch["id"].as_str().unwrap());
        (ch, id)
    }
}

fn host_ports(members: &Value) -> Vec<(String, i64, i64)> {
    let mut v: Vec<_> = members
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["host"].as_str().unwrap().to_string(),
                m["weight"].as_i64().unwrap(),
                m["status"].as_i64().unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn member_sub_apis() {
    let a = Api::new().await;
    let (_, id) = a.with_groups("subapi", &["blue", "green"]).await;
    let show = || a.ok("GET", &id, None, 200);

    // add: a new one, and the existing one updated (same address and group)
    let added = a
        .ok(
            "POST",
            &format!("{id}/members"),
            Some(
                json!({"members": [{"host": "10.0.0.1", "weight": 7, "member_group_name": "blue"},
                {"host": "10.0.0.2", "member_group_name": "green"}]}),
            ),
            201,
        )
        .await;
    assert_eq!(added["total"], 2);
    let first_id = item(&show().await["members"], "host", "10.0.0.1")["id"].clone();
    assert_eq!(
        host_ports(&show().await["members"]),
        [("10.0.0.1".into(), 7, 1), ("10.0.0.2".into(), 0, 1)]
    );

    // replace one group's members only; the other group's stay
    let replaced = a
        .ok(
            "PUT",
            &format!("{id}/members"),
            Some(json!({"member_group_name": "green",
                "members": [{"host": "10.0.0.3", "member_group_name": "green"},
                            {"host": "10.0.0.9", "member_group_name": "blue"}]})),
            200,
        )
        .await;
    assert_eq!(
        host_ports(&replaced["members"]),
        [("10.0.0.3".into(), 0, 1)]
    );
    let members = show().await["members"].clone();
    assert_eq!(
        host_ports(&members),
        [("10.0.0.1".into(), 7, 1), ("10.0.0.3".into(), 0, 1)]
    );
    let third = item(&members, "host", "10.0.0.3")["id"].clone();

    // disable and enable by ID; an unknown ID changes nothing
    let ids = json!({"member_ids": [first_id, third]});
    a.ok(
        "POST",
        &format!("{id}/members/batch-disable"),
        Some(ids.clone()),
        204,
    )
    .await;
    assert_eq!(
        host_ports(&show().await["members"]),
        [("10.0.0.1".into(), 7, 2), ("10.0.0.3".into(), 0, 2)]
    );
    let (s, e) = a
        .call(
            "POST",
            &format!("{id}/members/batch-enable"),
            Some(json!({"member_ids": [first_id, "nope"]})),
        )
        .await;
    assert_eq!((s, e["error_code"].as_str()), (404, Some("APIG.3024")));
    assert_eq!(show().await["members"][0]["status"], 2);
    a.ok(
        "POST",
        &format!("{id}/members/batch-enable"),
        Some(ids),
        204,
    )
    .await;

    // delete one; then it is gone
    a.ok(
        "DELETE",
        &format!("{id}/members/{}", first_id.as_str().unwrap()),
        None,
        204,
    )
    .await;
    assert_eq!(
        host_ports(&show().await["members"]),
        [("10.0.0.3".into(), 0, 1)]
    );
    let (s, _) = a
        .call(
            "DELETE",
            &format!("{id}/members/{}", first_id.as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(s, 404);

    // bad bodies are refused before anything changes
    for body in [
        json!({}),
        json!({"members": [{"weight": 1}]}),
        json!({"members": [{"host": "10.0.0.5", "member_group_name": "red"}]}),
    ] {
        let (s, _) = a
            .call("POST", &format!("{id}/members"), Some(body.clone()))
            .await;
        assert_eq!(s, 400, "{body}");
    }
    assert_eq!(show().await["members"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn group_and_health_sub_apis() {
    let a = Api::new().await;
    let (ch, id) = a.with_groups("groups", &["blue"]).await;
    let groups = format!("{id}/member-groups");

    // create: upsert by name, the first of two equal names counts
    let made = a
        .ok(
            "POST",
            &groups,
            Some(json!({"member_groups": [
                {"member_group_name": "blue", "member_group_remark": "changed"},
                {"member_group_name": "绿色组", "member_group_weight": 3},
                {"member_group_name": "绿色组", "member_group_weight": 9}]})),
            201,
        )
        .await;
    assert_eq!(made["total"], 2);
    let list = a.ok("GET", &groups, None, 200).await;
    assert_eq!(list["total"], 2);
    let blue = item(&list["member_groups"], "member_group_name", "blue");
    assert_eq!(blue["member_group_remark"], "changed");
    assert_eq!(
        blue["member_group_id"],
        ch["member_groups"][0]["member_group_id"]
    );
    let green = item(&list["member_groups"], "member_group_name", "绿色组");
    assert_eq!(green["member_group_weight"], 3);
    let q = a
        .ok(
            "GET",
            &format!("{groups}?member_group_name=blu&precise_search=member_group_name"),
            None,
            200,
        )
        .await;
    assert_eq!(q["total"], 0);
    let q = a
        .ok(
            "GET",
            &format!("{groups}?member_group_name=blu&offset=-1&limit=1"),
            None,
            200,
        )
        .await;
    assert_eq!(
        (q["total"].clone(), q["size"].clone()),
        (json!(1), json!(1))
    );

    // show and update one; a rename carries its members along
    let bid = blue["member_group_id"].as_str().unwrap();
    assert_eq!(
        a.ok("GET", &format!("{groups}/{bid}"), None, 200).await["member_group_name"],
        "blue"
    );
    let up = a
        .ok(
            "PUT",
            &format!("{groups}/{bid}"),
            Some(json!({"member_group_name": "navy"})),
            200,
        )
        .await;
    assert_eq!(
        (
            up["member_group_name"].clone(),
            up["member_group_id"].clone()
        ),
        (json!("navy"), json!(bid))
    );
    let shown = a.ok("GET", &id, None, 200).await;
    assert_eq!(shown["members"][0]["member_group_name"], "navy");
    let (s, _) = a
        .call(
            "PUT",
            &format!("{groups}/{bid}"),
            Some(json!({"member_group_name": "绿色组"})),
        )
        .await;
    assert_eq!(s, 400, "a rename onto another group's name");

    // delete: the group and its members go; then 404
    a.ok("DELETE", &format!("{groups}/{bid}"), None, 204).await;
    let shown = a.ok("GET", &id, None, 200).await;
    assert_eq!(shown["member_groups"].as_array().unwrap().len(), 1);
    assert!(shown["members"].as_array().unwrap().is_empty());
    let (s, e) = a.call("GET", &format!("{groups}/{bid}"), None).await;
    assert_eq!((s, e["error_code"].as_str()), (404, Some("APIG.3025")));

    // the health check
    let h = a
        .ok(
            "PUT",
            &format!("{id}/health-config"),
            Some(json!({"protocol": "HTTP", "path": "/ping", "http_code": "200", "threshold_normal": 2,
                "threshold_abnormal": 3, "time_interval": 10, "timeout": 5})),
            200,
        )
        .await;
    assert_eq!(
        (h["protocol"].clone(), h["vpc_channel_id"].clone()),
        (json!("http"), ch["id"].clone())
    );
    assert_eq!(
        a.ok("GET", &id, None, 200).await["vpc_health_config"]["path"],
        "/ping"
    );
    let (s, e) = a
        .call(
            "PUT",
            &format!("{id}/health-config"),
            Some(json!({"protocol": "TCP", "threshold_normal": 2,
            "threshold_abnormal": 3, "time_interval": 5, "timeout": 5})),
        )
        .await;
    assert_eq!(s, 400, "{e}");
    let (s, _) = a
        .call(
            "POST",
            "/nope/member-groups",
            Some(json!({"member_groups": []})),
        )
        .await;
    assert_eq!(s, 404);
}
