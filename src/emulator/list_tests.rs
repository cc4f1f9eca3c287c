use super::*;
use crate::emulator::model::{ChannelRequest, MemberGroupCreate, MemberInfo};
use crate::emulator::query::parse_query;
use crate::emulator::store::{Policy, Store};

const P: Policy = Policy {
    quirks: true,
    quota: 10_000,
};

fn req(name: &str, group: &str, host: &str, port: i64, dict: Option<&str>) -> ChannelRequest {
    ChannelRequest {
        name: name.into(),
        port: 80,
        balance_strategy: 1,
        member_type: "ip".into(),
        dict_code: dict.map(str::to_string),
        member_groups: Some(vec![MemberGroupCreate {
            member_group_name: group.into(),
            ..Default::default()
        }]),
        members: Some(vec![MemberInfo {
            host: Some(host.into()),
            port: Some(port),
            member_group_name: Some(group.into()),
            ..Default::default()
        }]),
        ..Default::default()
    }
}

/// Three channels: alpha_one (group "blue", 10.0.0.1:8080, dict "dc_1"),
/// alpha_two (group "bluegreen", 10.0.0.2:80), beta (group "red",
/// 10.0.0.1:80).
fn store() -> Store {
    let mut s = Store::new(["gw".to_string()]);
    s.create(
        "gw",
        req("alpha_one", "blue", "10.0.0.1", 8080, Some("dc_1")),
        P,
    )
    .unwrap();
    s.create("gw", req("alpha_two", "bluegreen", "10.0.0.2", 80, None), P)
        .unwrap();
    s.create("gw", req("beta", "red", "10.0.0.1", 80, None), P)
        .unwrap();
    s
}

fn names(s: &Store, q: &str) -> Vec<String> {
    let v = channels(&s.list("gw"), &parse_query(q), true).unwrap();
    let mut n: Vec<String> = v["vpc_channels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(v["size"], n.len());
    n.sort();
    n
}

#[test]
fn each_filter() {
    let s = store();
    let id = s.list("gw").last().unwrap().id.clone(); // alpha_one: oldest
    let gid = s.list("gw")[0].member_groups[0].member_group_id.clone(); // beta's
    for (q, want) in [
        ("", vec!["alpha_one", "alpha_two", "beta"]),
        ("name=ALPHA", vec!["alpha_one", "alpha_two"]),
        ("name=alpha&precise_search=name", vec![]),
        ("name=alpha_one&precise_search=name", vec!["alpha_one"]),
        ("name=Alpha_one&precise_search=name", vec![]),
        (&format!("id={id}"), vec!["alpha_one"]),
        ("id=alpha_one", vec![]),
        ("member_host=10.0.0.1", vec!["alpha_one", "beta"]),
        ("member_host=10.0.0", vec![]),
        ("member_port=80", vec!["alpha_two", "beta"]),
        ("member_host=10.0.0.1&member_port=80", vec!["beta"]),
        ("member_group_name=blue", vec!["alpha_one", "alpha_two"]),
        (
            "member_group_name=blue&precise_search=member_group_name",
            vec!["alpha_one"],
        ),
        // precise_search takes a comma-separated list, spaces tolerated
        (
            "name=alpha&member_group_name=blue&precise_search=name,%20member_group_name",
            vec![],
        ),
        (
            "name=alpha_two&member_group_name=bluegreen&precise_search=name,member_group_name",
            vec!["alpha_two"],
        ),
        // only the fields it names are exact
        (
            "name=alpha&member_group_name=bluegreen&precise_search=member_group_name",
            vec!["alpha_two"],
        ),
        (&format!("member_group_id={gid}"), vec!["beta"]),
        ("dict_code=dc_1", vec!["alpha_one"]),
        ("dict_code=dc", vec![]),
        // an empty parameter filters nothing
        ("name=&member_host=", vec!["alpha_one", "alpha_two", "beta"]),
    ] {
        assert_eq!(names(&s, q), want, "{q}");
    }
    let bad = channels(&s.list("gw"), &parse_query("member_port=x"), true).unwrap_err();
    assert_eq!(bad.code, "APIG.2012");
}

#[test]
fn paging_rules() {
    let q = |s: &str| paging(&parse_query(s));
    assert_eq!(q("").unwrap(), (0, 20));
    assert_eq!(q("offset=5&limit=500").unwrap(), (5, 500));
    assert_eq!(q("limit=0").unwrap(), (0, 20));
    assert_eq!(q("limit=-3").unwrap(), (0, 20));
    assert_eq!(q("limit=501").unwrap(), (0, 500));
    assert_eq!(q("limit=99999999999").unwrap(), (0, 500));
    assert_eq!(q("limit=x").unwrap_err().code, "APIG.2012");
    assert_eq!(q("offset=x").unwrap_err().code, "APIG.2012");
    assert_eq!(q("offset=-1").unwrap(), (0, 20), "the API treats it as 0");
}

#[test]
fn pages_cover_every_match_once() {
    let mut s = Store::new(["gw".to_string()]);
    for i in 0..1_203 {
        s.create(
            "gw",
            req(&format!("ch_{i:04}"), "g", "10.1.0.1", 80, None),
            P,
        )
        .unwrap();
    }
    let all = s.list("gw");
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let v = channels(
            &all,
            &parse_query(&format!("offset={offset}&limit=1000")),
            true,
        )
        .unwrap();
        assert_eq!(v["total"], 1_203);
        let page = v["vpc_channels"].as_array().unwrap();
        assert_eq!(v["size"], page.len());
        assert!(page.len() <= MAX_LIMIT);
        if page.is_empty() {
            break;
        }
        offset += page.len();
        seen.extend(page.iter().map(|c| c["id"].as_str().unwrap().to_string()));
    }
    assert_eq!(offset, 1_203);
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 1_203);
    // an offset past the end is an empty page, not an error
    let v = channels(&all, &parse_query("offset=5000"), true).unwrap();
    assert_eq!(
        (v["total"].clone(), v["size"].clone()),
        (1_203.into(), 0.into())
    );
}

#[test]
fn members_list_filters_and_pages() {
    let s = store();
    let ch = s.list("gw")[0].clone(); // beta
    let v = members(&ch, &parse_query("limit=0"), true).unwrap();
    assert_eq!(
        (v["total"].clone(), v["size"].clone()),
        (1.into(), 1.into())
    );
    let v = members(&ch, &parse_query("member_group_name=re"), true).unwrap();
    assert_eq!(v["total"], 1);
    let v = members(
        &ch,
        &parse_query("member_group_name=re&precise_search=member_group_name"),
        true,
    )
    .unwrap();
    assert_eq!(v["total"], 0);
}
