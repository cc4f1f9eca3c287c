use super::*;
use crate::apig::models::{Channel as ApiChannel, Member, MemberInfo};
use crate::tfplugin::typed::Known;
use crate::tfplugin::value::Value;

fn v(pairs: &[(&str, Value)]) -> Value {
    Value::object(pairs.iter().map(|(k, x)| (*k, x.clone())))
}

#[test]
fn one_needs_exactly_one_of_id_and_name() {
    let gw = ("instance_id", Value::string("gw"));
    let errs = |c: Value| {
        one::validate(&c)
            .into_iter()
            .map(|d| d.summary)
            .collect::<Vec<_>>()
    };
    assert_eq!(errs(v(std::slice::from_ref(&gw))), ["Missing argument"]);
    assert_eq!(
        errs(v(&[
            gw.clone(),
            ("id", Value::string("abc")),
            ("name", Value::string("web"))
        ])),
        ["Conflicting arguments"]
    );
    assert!(errs(v(&[gw.clone(), ("id", Value::string("abc"))])).is_empty());
    assert!(errs(v(&[gw.clone(), ("name", Value::string("web"))])).is_empty());
    // unknown at validate time: either may still be set
    assert!(errs(v(&[gw.clone(), ("name", Value::Unknown)])).is_empty());
    assert!(errs(v(&[
        gw.clone(),
        ("id", Value::Unknown),
        ("name", Value::string("web"))
    ]))
    .is_empty());
    // the resource's own checks apply
    assert_eq!(
        errs(v(&[gw, ("name", Value::string("1bad"))])),
        ["Invalid value for name"]
    );
}

#[test]
fn many_filters_from_config() {
    let c = v(&[
        ("instance_id", Value::string("gw")),
        ("name", Value::string("web")),
        ("precise_search", Value::string("name, member_group_name")),
        ("vpc_channel_type", Value::string("reference")),
        ("member_port", Value::int(8080)),
        ("dict_code", Value::string("dc_1")),
    ]);
    let f = many::filter(&c);
    assert_eq!(f.precise_search, ["name", "member_group_name"]);
    assert_eq!(f.vpc_channel_type.as_deref(), Some("reference"));
    assert_eq!(f.member_port, Some(8080));
    assert_eq!(f.dict_code.as_deref(), Some("dc_1"));
    assert!(f.member_host.is_none());
    let errs = many::validate(&v(&[
        ("instance_id", Value::string("gw")),
        ("member_port", Value::int(70000)),
    ]));
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].summary, "Invalid value for member_port");
}

#[test]
fn exported_state_keeps_every_member_of_microservice_channels() {
    let member = |host: &str| Member {
        spec: MemberInfo {
            host: Some(host.into()),
            ..Default::default()
        },
        id: format!("m-{host}"),
        ..Default::default()
    };
    let ch = ApiChannel {
        id: "c1".into(),
        name: "micro".into(),
        channel_type: 3,
        member_type: "ip".into(),
        members: Some(vec![member("10.0.0.1"), member("10.0.0.2")]),
        ..Default::default()
    };
    let loc = Location {
        instance_id: "gw".into(),
        project_id: "p".into(),
        region: None,
        endpoint: String::new(),
    };
    let s = exported_state(&ch, &loc).to_known();
    assert_eq!(s.get("members").as_list().unwrap().len(), 2);
    assert_eq!(s.get("type").as_i64(), Some(3));
    assert_eq!(s.get("member_groups").as_list().unwrap().len(), 0);
    // the resource's own conversion drops them without a guide
    let r = convert::state_from_api(&ch, &Value::Null, &loc);
    assert!(r.get("members").as_list().unwrap_or_default().is_empty());
}
