//! Channel kinds (`vpc_channel_type`), reference channels, NACOS sources,
//! Chinese names, list filters and paging as the SDK documents them.

use serde_json::{json, Value};

use super::list::channels;
use super::query::parse_query;
use super::render::{detail, summary};
use super::store::{Policy, Store, StoredChannel};
use super::validate::channel_request;

const GW: &str = "gw";
const P: Policy = Policy {
    quirks: true,
    quota: 100,
};

fn base(name: &str) -> Value {
    json!({"name": name, "port": 80, "balance_strategy": 1, "member_type": "ip"})
}

fn with(mut v: Value, k: &str, x: Value) -> Value {
    v[k] = x;
    v
}

fn create(s: &mut Store, body: &Value) -> Result<StoredChannel, String> {
    let req = channel_request(body).map_err(|e| format!("{} {}", e.code, e.msg))?;
    s.create(GW, req, P)
        .map(|c| (*c).clone())
        .map_err(|e| format!("{} {}", e.code, e.msg))
}

/// An error message names `param` (`...:param` or `...:param. Please ...`).
fn names(msg: &str, param: &str) -> bool {
    msg.ends_with(&format!(":{param}")) || msg.contains(&format!(":{param}."))
}

fn nacos() -> Value {
    json!({"service_type": "NACOS", "nacos_info": {
        "service_name": "orders", "server_config": [{"ip_address": "10.1.1.1", "port": 8848}],
        "user_info": {"user_name": "nacos", "password": "s3cret-pw"}}})
}

#[test]
fn kind_from_vpc_channel_type_or_type() {
    let mut s = Store::new([GW.to_string()]);
    let ms = json!({"service_type": "CSE", "cse_info": {"engine_id": "e", "service_id": "s"}});
    let cases = [
        (base("plain"), "builtin", 2),
        (with(base("type3_alone"), "type", json!(3)), "builtin", 2),
        (
            with(
                with(base("type3_ms"), "type", json!(3)),
                "microservice_info",
                ms.clone(),
            ),
            "microservice",
            3,
        ),
        (
            with(
                with(base("vct_ms"), "vpc_channel_type", json!("microservice")),
                "microservice_info",
                ms.clone(),
            ),
            "microservice",
            3,
        ),
        (
            with(
                with(base("vct_b"), "vpc_channel_type", json!("builtin")),
                "type",
                json!(0),
            ),
            "builtin",
            2,
        ),
    ];
    for (body, kind, ty) in cases {
        let ch = create(&mut s, &body).unwrap();
        let shown = summary(&ch, true);
        assert_eq!(
            (shown["vpc_channel_type"].clone(), shown["type"].clone()),
            (json!(kind), json!(ty)),
            "{body}"
        );
        assert_eq!(
            summary(&ch, false)["vpc_channel_type"],
            kind,
            "shown without quirks too"
        );
    }
    let conflict = with(
        with(base("conflict"), "vpc_channel_type", json!("builtin")),
        "type",
        json!(3),
    );
    assert!(create(&mut s, &conflict)
        .unwrap_err()
        .contains("vpc_channel_type"));
    let unknown = with(base("unknown"), "vpc_channel_type", json!("other"));
    assert!(create(&mut s, &unknown)
        .unwrap_err()
        .starts_with("APIG.2012"));
}

#[test]
fn update_keeps_the_kind() {
    let mut s = Store::new([GW.to_string()]);
    let ch = create(&mut s, &base("keep_kind")).unwrap();
    let body = with(
        with(base("keep_kind"), "vpc_channel_type", json!("microservice")),
        "microservice_info",
        nacos(),
    );
    let up = s
        .update(GW, &ch.id, channel_request(&body).unwrap(), P)
        .unwrap();
    assert_eq!((up.kind(), up.channel_type), ("builtin", 2));
}

#[test]
fn reference_channels() {
    let mut s = Store::new([GW.to_string()]);
    let target = create(
        &mut s,
        &with(base("target"), "members", json!([{"host": "10.0.0.1"}])),
    )
    .unwrap();
    let groups = json!([{"member_group_name": "ref_a", "reference_vpc_channel_id": target.id}]);
    let body = with(
        with(
            with(base("referrer"), "vpc_channel_type", json!("reference")),
            "member_groups",
            groups.clone(),
        ),
        "members",
        json!([{"host": "10.9.9.9"}]),
    );
    let r = create(&mut s, &body).unwrap();
    let d = detail(&r, true);
    assert_eq!(d["vpc_channel_type"], "reference");
    assert_eq!(
        d["member_groups"][0]["reference_vpc_channel_id"],
        json!(target.id)
    );
    assert_eq!(
        d["members"],
        json!([]),
        "members are not taken for reference channels"
    );

    // only reference channels take references, only to existing non-reference channels
    let in_builtin = with(base("builtin_ref"), "member_groups", groups);
    assert!(create(&mut s, &in_builtin)
        .unwrap_err()
        .contains("reference_vpc_channel_id"));
    for bad in ["0000", r.id.as_str()] {
        let g = json!([{"member_group_name": "ref_b", "reference_vpc_channel_id": bad}]);
        let b = with(
            with(base("bad_ref"), "vpc_channel_type", json!("reference")),
            "member_groups",
            g,
        );
        assert!(
            create(&mut s, &b)
                .unwrap_err()
                .contains("reference_vpc_channel_id"),
            "{bad}"
        );
    }
    // a referenced channel cannot be deleted
    assert_eq!(s.delete(GW, &target.id).unwrap_err().code, "APIG.3719");
    s.delete(GW, &r.id).unwrap();
    s.delete(GW, &target.id).unwrap();
}

#[test]
fn nacos_source_without_its_password() {
    let mut s = Store::new([GW.to_string()]);
    let body = with(
        with(base("nacos_chan"), "type", json!(3)),
        "microservice_info",
        nacos(),
    );
    let ch = create(&mut s, &body).unwrap();
    assert_eq!(ch.kind(), "microservice");
    let stored = ch
        .microservice_info
        .as_ref()
        .unwrap()
        .spec
        .nacos_info
        .as_ref()
        .unwrap();
    assert_eq!(
        stored.user_info.as_ref().unwrap().password.as_deref(),
        Some("s3cret-pw")
    );
    for quirks in [true, false] {
        let d = detail(&ch, quirks);
        assert!(!d.to_string().contains("s3cret-pw"), "{d}");
        let n = &d["microservice_info"]["nacos_info"];
        assert_eq!(n["user_info"], json!({"user_name": "nacos"}));
        assert_eq!(n["service_name"], "orders");
    }
    let n = &detail(&ch, true)["microservice_info"]["nacos_info"];
    assert_eq!(
        (
            n["cluster_name"].clone(),
            n["group_name"].clone(),
            n["namespace"].clone()
        ),
        (json!("DEFAULT"), json!("DEFAULT_GROUP"), json!(""))
    );
    assert_eq!(n["server_config"][0]["grpc_port"], 9848);
    assert!(
        !detail(&ch, true)["members"].as_array().unwrap().is_empty(),
        "discovered"
    );

    let bad = |path: &str, v: Value, want: &str| {
        let mut ms = nacos();
        ms["nacos_info"][path] = v;
        let b = with(
            with(base("nacos_bad"), "type", json!(3)),
            "microservice_info",
            ms,
        );
        let e = channel_request(&b).unwrap_err();
        assert!(names(&e.msg, want), "{path}: {}", e.msg);
    };
    bad("service_name", json!("@svc"), "service_name");
    bad("service_name", json!("服务"), "service_name");
    bad("server_config", json!([]), "server_config");
    bad(
        "server_config",
        json!([{"ip_address": "1.1.1.1", "port": 0}]),
        "port",
    );
    bad("group_name", json!("g/1"), "group_name");
    bad("namespace", json!("a".repeat(65)), "namespace");
    let mut weighted = with(
        with(base("nacos_w"), "type", json!(3)),
        "microservice_info",
        nacos(),
    );
    weighted["member_groups"] = json!([{"member_group_name": "grp", "member_group_weight": 5}]);
    let e = channel_request(&weighted).unwrap_err();
    assert!(names(&e.msg, "member_group_weight"), "{}", e.msg);
}

#[test]
fn chinese_names_where_the_sdk_documents_them() {
    let ok = json!({"name": "通道_一", "port": 80, "balance_strategy": 1, "member_type": "ecs",
        "member_groups": [{"member_group_name": "主服务组"}],
        "members": [{"ecs_id": "i-1", "ecs_name": "服务器1", "member_group_name": "主服务组"}]});
    channel_request(&ok).unwrap();
    let cce = json!({"service_type": "CCE", "cce_info": {"cluster_id": "c", "namespace": "n",
        "workload_type": "deployment", "app_name": "应用", "label_key": "键（1）", "label_value": "值"}});
    channel_request(&with(
        with(base("cce_cn"), "type", json!(3)),
        "microservice_info",
        cce,
    ))
    .unwrap();
    // still: a letter or Chinese character first, and no other scripts
    for name in ["1通道", "_通道", "chan€"] {
        assert!(channel_request(&base(name)).is_err(), "{name}");
    }
}

#[test]
fn list_by_kind_and_negative_offset() {
    let mut s = Store::new([GW.to_string()]);
    create(&mut s, &base("server_one")).unwrap();
    create(
        &mut s,
        &with(
            with(base("micro_one"), "type", json!(3)),
            "microservice_info",
            nacos(),
        ),
    )
    .unwrap();
    let names = |q: &str| -> Vec<String> {
        let v = channels(&s.list(GW), &parse_query(q), true).unwrap();
        v["vpc_channels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names("vpc_channel_type=microservice"), ["micro_one"]);
    assert_eq!(names("vpc_channel_type=builtin"), ["server_one"]);
    assert!(names("vpc_channel_type=reference").is_empty());
    assert_eq!(names("offset=-1&limit=1"), ["micro_one"]);
    assert_eq!(
        names("name=_one&precise_search=name,member_group_name").len(),
        0
    );
    assert_eq!(
        names("name=server_one&precise_search=member_group_name,name"),
        ["server_one"]
    );
}
