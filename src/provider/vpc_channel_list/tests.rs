use super::*;
use crate::tfplugin::schema::Presence;

#[test]
fn the_config_is_the_data_source_arguments_none_computed() {
    let names: Vec<&str> = schema().attributes.iter().map(|a| a.name).collect();
    let args: Vec<&str> = (data::many().attributes.iter())
        .filter(|a| !a.is_computed_only())
        .map(|a| a.name)
        .collect();
    assert_eq!(names, args);
    assert!(names.contains(&"instance_id") && names.contains(&"precise_search"));
    for a in &schema().attributes {
        assert!(!a.is_computed(), "{} is computed", a.name);
        let required = a.presence == Presence::Required;
        assert_eq!(required, a.name == "instance_id", "{}", a.name);
    }
}

fn loc() -> Location {
    Location {
        instance_id: "eddc4d25480b4cd6b512f270a1b8b341".into(),
        project_id: "p1".into(),
        region: Some("r1".into()),
        endpoint: String::new(),
    }
}

fn channel(id: &str) -> api::Channel {
    serde_json::from_value(serde_json::json!({
        "id": id, "name": "ch_one", "port": 80, "balance_strategy": 1,
        "member_type": "ip", "type": 2
    }))
    .unwrap()
}

#[test]
fn an_event_carries_identity_name_and_the_state_an_import_reads() {
    let e = event(&channel("c0ffee01"), true, &loc());
    assert!(e.diags.is_empty());
    assert_eq!(e.display_name, "ch_one");
    for (k, v) in [
        ("instance_id", "eddc4d25480b4cd6b512f270a1b8b341"),
        ("id", "c0ffee01"),
        ("project_id", "p1"),
        ("region", "r1"),
    ] {
        assert_eq!(e.identity.get(k).as_str(), Some(v), "{k}");
    }
    let o = e.resource_object.unwrap();
    assert_eq!(o.get("id").as_str(), Some("c0ffee01"));
    assert_eq!(o.get("name").as_str(), Some("ch_one"));
    assert_eq!(o.get("project_id").as_str(), Some("p1"));
    assert!(event(&channel("c0ffee01"), false, &loc())
        .resource_object
        .is_none());
}

#[test]
fn an_unusable_id_is_a_warning_without_identity() {
    let e = event(&channel("a/b"), true, &loc());
    assert!(e.identity.is_null() && e.resource_object.is_none());
    assert_eq!(e.diags.len(), 1);
    assert!(e.diags[0].detail.contains("\"a/b\""));
}
