//! The plan flags applied generically, on a small schema of their own.

use super::*;
use crate::tfplugin::schema::{Nesting, Presence};
use crate::tfplugin::value::{test_value as v, Type};

/// `id` computed and kept, `name` replaces, `size` has a default, `token`
/// is write-only, `etag` changes on every update, `items` nest one more
/// level with the same flags.
fn attrs() -> Vec<Attribute> {
    let item = vec![
        Attribute::required("key", Type::String, "k"),
        Attribute::computed("stamp", Type::String, "s")
            .keep_prior()
            .unknown_on_update(),
        Attribute::optional("weight", Type::Number, "w").default(Value::int(1)),
    ];
    vec![
        Attribute::computed("id", Type::String, "i").keep_prior(),
        Attribute::required("name", Type::String, "n").force_new(),
        Attribute::optional("size", Type::Number, "s").default(Value::int(3)),
        Attribute::optional("token", Type::String, "t").write_only(),
        Attribute::computed("etag", Type::String, "e")
            .keep_prior()
            .unknown_on_update(),
        Attribute::nested("items", Nesting::List, Presence::Optional, item, "l"),
    ]
}

fn created(name: &str) -> Value {
    v(serde_json::json!({
        "id": "i-1", "name": name, "size": 3, "token": null, "etag": "e1", "items": null
    }))
}

#[test]
fn nested_finds_children_and_nothing_else() {
    let a = attrs();
    let names: Vec<&str> = nested(&a, "items").iter().map(|a| a.name).collect();
    assert_eq!(names, ["key", "stamp", "weight"]);
    assert!(nested(&a, "name").is_empty(), "a plain attribute");
    assert!(nested(&a, "nope").is_empty());
}

#[test]
fn defaults_fill_only_nulls_and_write_only_values_never_enter_a_plan() {
    let cfg = v(serde_json::json!({"name": "a", "size": null, "token": "secret"}));
    let o = with_defaults(&attrs(), &cfg);
    assert_eq!(o["size"], Value::int(3));
    assert_eq!(o["token"], Value::Null);
    assert_eq!(o["name"], Value::string("a"));
    assert_eq!(o.len(), attrs().len(), "every attribute, absent ones null");
    let set = v(serde_json::json!({"name": "a", "size": 7}));
    assert_eq!(with_defaults(&attrs(), &set)["size"], Value::int(7));
    let mut unknown = set.clone();
    if let Value::Object(o) = &mut unknown {
        o.insert("size".into(), Value::Unknown);
    }
    assert!(with_defaults(&attrs(), &unknown)["size"].is_unknown());
}

#[test]
fn keep_prior_takes_the_configured_then_the_prior_value_then_unknown() {
    let a = attrs();
    let cfg = v(serde_json::json!({"name": "a"}));
    let mut o = BTreeMap::new();
    keep_prior(&a, &cfg, None, &mut o);
    assert!(o["id"].is_unknown() && o["etag"].is_unknown());
    assert!(!o.contains_key("name"), "only flagged attributes");
    let prior = v(serde_json::json!({"id": "i-1", "etag": null}));
    keep_prior(&a, &cfg, Some(&prior), &mut o);
    assert_eq!(o["id"], Value::string("i-1"));
    assert_eq!(
        o["etag"],
        Value::Null,
        "a prior null is kept: the API said so"
    );
    let own = v(serde_json::json!({"id": "mine"}));
    keep_prior(&a, &own, Some(&prior), &mut o);
    assert_eq!(o["id"], Value::string("mine"));
}

#[test]
fn an_unknown_object_plans_unknown() {
    assert!(plan_object(&attrs(), &Value::Unknown, None).is_unknown());
    let planned = plan_object(&attrs(), &Value::Null, None);
    assert_eq!(
        planned.get("size"),
        &Value::int(3),
        "null plans its defaults"
    );
}

#[test]
fn a_reordered_list_keeps_the_prior_order() {
    let (a, b, c) = (Value::string("a"), Value::string("b"), Value::string("c"));
    let prior = Value::List(vec![a.clone(), b.clone()]);
    let swapped = Value::List(vec![b.clone(), a.clone()]);
    assert_eq!(keep_prior_order(swapped, &prior), prior);
    let other = Value::List(vec![b.clone(), c.clone()]);
    assert_eq!(keep_prior_order(other.clone(), &prior), other);
    let longer = Value::List(vec![b.clone(), a.clone(), c]);
    assert_eq!(keep_prior_order(longer.clone(), &prior), longer);
    // Repeats count: [a, a] is not a reordering of [a, b].
    let twice = Value::List(vec![a.clone(), a.clone()]);
    assert_eq!(keep_prior_order(twice.clone(), &prior), twice);
    let swapped = Value::List(vec![b, a]);
    assert_eq!(keep_prior_order(swapped.clone(), &Value::Null), swapped);
}

#[test]
fn read_only_values_are_dropped_at_every_depth() {
    let cfg = v(serde_json::json!({
        "id": "copied", "name": "a", "etag": "e",
        "items": [{"key": "k", "stamp": "s", "weight": 2}]
    }));
    let out = without_read_only(&attrs(), &cfg);
    assert!(out.get("id").is_null() && out.get("etag").is_null());
    assert_eq!(out.get("name"), &Value::string("a"));
    let item = &out.get("items").as_list().unwrap()[0];
    assert!(item.get("stamp").is_null());
    assert_eq!(item.get("weight"), &Value::int(2));
    assert_eq!(without_read_only(&attrs(), &Value::Null), Value::Null);
}

#[test]
fn only_changed_force_new_attributes_replace_and_unknown_may_change() {
    let a = attrs();
    let prior = created("a");
    assert!(replace_paths(&a, &prior, &prior).is_empty());
    let mut renamed = prior.clone();
    let mut resized = prior.clone();
    if let (Value::Object(r), Value::Object(s)) = (&mut renamed, &mut resized) {
        r.insert("name".into(), Value::Unknown);
        s.insert("size".into(), Value::int(9));
    }
    assert_eq!(
        replace_paths(&a, &prior, &renamed),
        [AttrPath::root().attr("name")]
    );
    assert!(replace_paths(&a, &prior, &resized).is_empty());
}

#[test]
fn an_update_leaves_recomputed_values_unknown_at_every_depth() {
    let mut planned = v(serde_json::json!({
        "id": "i-1", "etag": "e1", "items": [{"key": "k", "stamp": "s1", "weight": 1}]
    }));
    mark_unknown_on_update(&attrs(), &mut planned);
    assert!(planned.get("etag").is_unknown());
    assert_eq!(planned.get("id"), &Value::string("i-1"));
    let item = &planned.get("items").as_list().unwrap()[0];
    assert!(item.get("stamp").is_unknown());
    assert_eq!(item.get("key"), &Value::string("k"));
}

#[test]
fn a_create_plans_what_the_api_fills_unknown() {
    let cfg = v(serde_json::json!({"name": "a", "token": "t"}));
    let (planned, replace) = plan_by_schema(&attrs(), &Value::Null, &cfg);
    assert!(replace.is_empty());
    assert!(planned.get("id").is_unknown() && planned.get("etag").is_unknown());
    assert_eq!(planned.get("size"), &Value::int(3));
    assert!(planned.get("token").is_null());
    assert_eq!(
        plan_by_schema(&attrs(), &created("a"), &Value::Null),
        (Value::Null, Vec::new()),
        "no configuration: destroy"
    );
}

#[test]
fn an_update_plans_no_change_as_the_prior_state_and_a_change_with_its_effects() {
    let prior = created("a");
    let same = v(serde_json::json!({"name": "a"}));
    assert_eq!(
        plan_by_schema(&attrs(), &prior, &same),
        (prior.clone(), Vec::new())
    );
    let resized = v(serde_json::json!({"name": "a", "size": 5}));
    let (planned, replace) = plan_by_schema(&attrs(), &prior, &resized);
    assert!(replace.is_empty());
    assert_eq!(planned.get("size"), &Value::int(5));
    assert_eq!(planned.get("id"), &Value::string("i-1"), "kept");
    assert!(planned.get("etag").is_unknown(), "recomputed on update");
    let renamed = v(serde_json::json!({"name": "b"}));
    let (_, replace) = plan_by_schema(&attrs(), &prior, &renamed);
    assert_eq!(replace, [AttrPath::root().attr("name")]);
}

#[test]
fn finish_plan_leaves_a_create_as_planned() {
    let mut planned = created("a");
    if let Value::Object(o) = &mut planned {
        o.insert("etag".into(), Value::string("fresh"));
    }
    let (out, replace) = finish_plan(&attrs(), &Value::Null, planned.clone());
    assert_eq!((out, replace), (planned, Vec::new()));
}
