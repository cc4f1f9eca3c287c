use super::*;
use crate::tfplugin::schema::Presence;
use crate::tfplugin::value::Type;

fn attrs() -> Vec<Attribute> {
    let s = |n| Attribute::optional(n, Type::String, "");
    vec![
        Attribute::optional("port", Type::Number, ""),
        Attribute::optional("endpoints", Type::map(Type::String), ""),
        Attribute::optional("token", Type::String, "").sensitive(),
        Attribute::nested(
            "members",
            Nesting::List,
            Presence::Optional,
            vec![s("host")],
            "",
        ),
        Attribute::nested(
            "health",
            Nesting::Single,
            Presence::Optional,
            vec![s("port")],
            "",
        ),
        Attribute::nested(
            "nacos",
            Nesting::Single,
            Presence::Optional,
            vec![s("user"), s("password").sensitive()],
            "",
        ),
        Attribute::block("assume_role", Nesting::List, vec![s("agency_name")], ""),
    ]
}

fn path(steps: &[&str]) -> AttrPath {
    let mut p = AttrPath::root();
    for s in steps {
        p = match s.parse::<i64>() {
            Ok(i) => p.index(i),
            Err(_) if s.starts_with('"') => p.key(s.trim_matches('"')),
            Err(_) => p.attr(*s),
        };
    }
    p
}

fn located(steps: &[&str]) -> Option<String> {
    source_path(&attrs(), &path(steps)).map(|p| p.to_string())
}

#[test]
fn paths_stop_where_terraform_still_finds_the_source() {
    // A nested attribute's element, not an attribute inside it.
    assert_eq!(
        located(&["members", "2", "host"]).as_deref(),
        Some("members[2]")
    );
    assert_eq!(located(&["members", "2"]).as_deref(), Some("members[2]"));
    assert_eq!(located(&["members"]).as_deref(), Some("members"));
    // A single nested attribute as a whole (its `port` would show the
    // channel's `port`).
    assert_eq!(located(&["health", "port"]).as_deref(), Some("health"));
    // Plain attributes, with one index into a list or map value.
    assert_eq!(located(&["port"]).as_deref(), Some("port"));
    assert_eq!(
        located(&["endpoints", "\"apig\""]).as_deref(),
        Some("endpoints[\"apig\"]")
    );
    // Blocks are followed to the attribute.
    assert_eq!(
        located(&["assume_role", "0", "agency_name"]).as_deref(),
        Some("assume_role[0].agency_name")
    );
    // Unknown names keep the path.
    assert_eq!(located(&["other", "1"]).as_deref(), Some("other[1]"));
}

#[test]
fn no_source_range_that_would_print_a_secret() {
    assert_eq!(located(&["token"]), None);
    assert_eq!(located(&["nacos", "password"]), None);
    // The shown range (the whole object) would hold the password.
    assert_eq!(located(&["nacos", "user"]), None);
    let d = locate(
        &attrs(),
        Diagnostic::error_at(path(&["nacos", "user"]), "Bad", "too long."),
    );
    assert_eq!((d.source_path(), &d.shown), (None, &Shown::Nowhere));
    assert_eq!(d.path, Some(path(&["nacos", "user"])), "the path stays");
    assert_eq!(d.detail, "`nacos.user`: too long.");
    let d = locate(
        &attrs(),
        Diagnostic::error_at(path(&["members", "3", "host"]), "Bad", "x"),
    );
    assert_eq!(d.source_path(), Some(&path(&["members", "3"])));
    assert_eq!(d.path, Some(path(&["members", "3", "host"])));
    let d = locate(&attrs(), Diagnostic::error_at(path(&["port"]), "Bad", "x"));
    assert_eq!(d.shown, Shown::AtPath);
    // A text that names the path already is kept.
    let d = locate(
        &attrs(),
        Diagnostic::error_at(path(&["token"]), "Bad", "`token` is empty."),
    );
    assert_eq!(d.detail, "`token` is empty.");
}

#[test]
fn repeats_are_dropped() {
    let a = Diagnostic::error_at(path(&["members", "0"]), "Missing", "x");
    let b = Diagnostic::error_at(path(&["members", "1"]), "Missing", "x");
    let out = dedup(vec![a.clone(), b.clone(), a.clone()]);
    assert_eq!(out, vec![a, b]);
}
