//! Declared schemas: checks, presence, value types, validation and the
//! write-only refusal, on schemas of their own.

use super::*;
use crate::tfplugin::diag::Shown;
use crate::tfplugin::value::test_value as v;

fn upper(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_uppercase())
}

#[test]
fn each_check_passes_fits_and_says_what_it_wants() {
    let len = Check::Length(2, 3);
    assert_eq!(len.check(&Value::string("ab")), None);
    assert_eq!(
        len.check(&Value::string("abcd")).as_deref(),
        Some("must be 2 to 3 characters, got 4")
    );
    assert_eq!(Check::Length(0, 5).describe(), "at most 5 characters");
    assert_eq!(Check::Length(4, 4).describe(), "exactly 4 characters");
    let n = "中文".to_string();
    assert_eq!(len.check(&Value::String(n)), None, "characters, not bytes");
    let range = Check::Range(1, 10);
    assert_eq!(range.check(&Value::int(10)), None);
    assert_eq!(
        range.check(&Value::int(11)).as_deref(),
        Some("must be between 1 and 10, got 11")
    );
    assert_eq!(
        range.check(&Value::Number(1.5)).as_deref(),
        Some("must be a whole number between 1 and 10")
    );
    let one_of = Check::OneOf(&["HTTP", "TCP"], true);
    assert_eq!(one_of.check(&Value::string("http")), None);
    assert_eq!(
        Check::OneOf(&["a"], false)
            .check(&Value::string("A"))
            .as_deref(),
        Some("must be one of `a`, got \"A\"")
    );
    assert_eq!(one_of.describe(), "one of `HTTP`, `TCP` (any case)");
    let ints = Check::OneOfInt(&[2, 3]);
    assert_eq!(ints.check(&Value::int(3)), None);
    assert_eq!(
        ints.check(&Value::int(4)).as_deref(),
        Some("must be one of `2`, `3`, got 4")
    );
    let pattern = Check::Pattern(upper, "upper-case letters");
    assert_eq!(pattern.check(&Value::string("AB")), None);
    assert_eq!(
        pattern.check(&Value::string("Ab")).as_deref(),
        Some("must be upper-case letters, got \"Ab\"")
    );
}

#[test]
fn checks_skip_null_unknown_and_values_of_another_type() {
    for c in [
        Check::Length(1, 1),
        Check::Range(1, 1),
        Check::OneOf(&["x"], false),
        Check::OneOfInt(&[1]),
        Check::Pattern(upper, "u"),
    ] {
        assert_eq!(c.check(&Value::Null), None);
        assert_eq!(c.check(&Value::Unknown), None);
        assert_eq!(c.check(&Value::Bool(true)), None);
    }
}

#[test]
fn presence_and_a_default_make_an_attribute_computed() {
    let a = Attribute::optional("a", Type::Number, "d");
    assert!(!a.is_computed());
    let a = a.default(Value::int(1));
    assert_eq!(a.presence, Presence::OptionalComputed);
    assert!(a.is_computed() && !a.is_computed_only());
    let c = Attribute::computed("c", Type::String, "d");
    assert!(c.is_computed_only());
    let r = Attribute::required("r", Type::String, "d").default(Value::string("x"));
    assert_eq!(
        r.presence,
        Presence::Required,
        "a default never loosens required"
    );
}

fn nested_schema() -> Schema {
    let child = || {
        vec![
            Attribute::required("host", Type::String, "h").check(Check::Length(1, 3)),
            Attribute::computed("status", Type::Number, "s"),
            Attribute::optional("secret_wo", Type::String, "w").write_only(),
        ]
    };
    Schema {
        version: 1,
        description: "d",
        attributes: vec![
            Attribute::required("name", Type::String, "n").check(Check::Length(1, 3)),
            Attribute::computed("id", Type::String, "i"),
            Attribute::optional("password_wo", Type::String, "p").write_only(),
            Attribute::nested("members", Nesting::List, Presence::Optional, child(), "m"),
            Attribute::nested("one", Nesting::Single, Presence::Optional, child(), "o"),
            Attribute::block("tags", Nesting::Set, child(), "t"),
        ],
    }
}

#[test]
fn value_types_follow_nesting_and_sort_attributes() {
    let s = nested_schema();
    let member = Type::object(vec![
        ("status", Type::Number),
        ("host", Type::String),
        ("secret_wo", Type::String),
    ]);
    assert_eq!(
        s.attribute("members").unwrap().value_type(),
        Type::list(member.clone())
    );
    assert_eq!(s.attribute("one").unwrap().value_type(), member);
    assert_eq!(s.attribute("tags").unwrap().value_type(), Type::set(member));
    let Type::Object(fields) = s.value_type() else {
        panic!("a schema is an object type")
    };
    let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["id", "members", "name", "one", "password_wo", "tags"]
    );
    assert!(s.attribute("nope").is_none());
    assert!(s.attribute("name").unwrap().children().is_none());
}

#[test]
fn validation_finds_bad_values_at_their_paths_and_skips_unknowns() {
    let s = nested_schema();
    let cfg = v(serde_json::json!({
        "name": "long", "id": "set",
        "members": [{"host": "ok"}, {"host": "toolong"}, null],
        "one": {"host": ""}
    }));
    let mut diags = Vec::new();
    validate(&s.attributes, &cfg, &AttrPath::root(), &mut diags);
    let paths: Vec<String> = diags
        .iter()
        .map(|d| d.path.as_ref().unwrap().to_string())
        .collect();
    assert_eq!(paths, ["name", "id", "members[1].host", "one.host"]);
    assert_eq!(diags[1].summary, "Value for read-only attribute");
    assert_eq!(diags[0].detail, "`name` must be 1 to 3 characters, got 4.");
    let mut unknown = cfg.clone();
    if let Value::Object(o) = &mut unknown {
        o.insert("name".into(), Value::Unknown);
        o.insert("members".into(), Value::Unknown);
        o.remove("id");
        o.remove("one");
    }
    let mut diags = Vec::new();
    validate(&s.attributes, &unknown, &AttrPath::root(), &mut diags);
    assert!(diags.is_empty(), "{diags:?}");
}

fn second_name_rule(cfg: &Value, diags: &mut Vec<Diagnostic>) {
    if cfg.get("name").as_str() == Some("bad") {
        let at = AttrPath::root().attr("members").index(0).attr("host");
        diags.push(Diagnostic::error_at(at.clone(), "Bad", "bad name"));
        diags.push(Diagnostic::error_at(at, "Bad", "bad name"));
    }
}

#[test]
fn diagnose_runs_rules_drops_repeats_and_locates_sources() {
    let mut s = nested_schema();
    s.attributes[0] = s.attributes[0]
        .clone()
        .rule("no bad names", second_name_rule);
    let cfg = v(serde_json::json!({"name": "bad", "members": [{"host": "h"}]}));
    let diags = s.diagnose(&cfg);
    assert_eq!(diags.len(), 1, "the repeat is dropped: {diags:?}");
    // Terraform before 1.15 finds `members[0]`, not the attribute inside.
    let shown = AttrPath::root().attr("members").index(0);
    assert_eq!(diags[0].shown, Shown::At(shown));
    let mut order = Vec::new();
    check_rules(&s.attributes, &cfg, &mut order);
    assert_eq!(order.len(), 2, "check_rules itself keeps both");
    assert!(s.diagnose(&v(serde_json::json!({"name": "ok"}))).is_empty());
}

#[test]
fn write_only_values_are_found_at_any_depth_and_refused_by_path() {
    let s = nested_schema();
    let cfg = v(serde_json::json!({
        "name": "a", "password_wo": "p",
        "members": [{"host": "h"}, {"host": "h", "secret_wo": "s"}],
        "one": {"host": "h", "secret_wo": "s"}
    }));
    let found: Vec<String> = write_only_set(&s.attributes, &cfg, &AttrPath::root())
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        found,
        ["password_wo", "members[1].secret_wo", "one.secret_wo"]
    );
    let refused = write_only_refused(&s.attributes, &cfg);
    assert_eq!(refused.len(), 3);
    assert!(refused.iter().all(Diagnostic::is_error));
    assert!(refused[0].detail.starts_with("`password_wo` is write-only"));
    let none = v(serde_json::json!({"name": "a"}));
    assert!(write_only_refused(&s.attributes, &none).is_empty());
}
