//! State JSON decoding: lenient scalar forms, ignored attributes, dynamic
//! values and errors.

use super::decode_json;
use crate::tfplugin::codec::tests::{map, member_type, n, obj, rt, s};
use crate::tfplugin::value::{Type, Value};

#[test]
fn json_decode() {
    let t = Type::object(vec![
        ("id", Type::String),
        ("n", Type::Number),
        ("ns", Type::Number),
        ("b", Type::Bool),
        ("bs", Type::Bool),
        ("s_from_num", Type::String),
        ("s_from_bool", Type::String),
        ("list", Type::list(member_type())),
        ("set", Type::set(Type::String)),
        ("m", Type::map(Type::Number)),
        ("tup", Type::Tuple(vec![Type::String, Type::Number])),
        ("dyn", Type::Dynamic),
        ("dyn_null", Type::Dynamic),
        ("missing", Type::String),
    ]);
    let json = br#"{
        "id": "x", "n": 1.5, "ns": "42", "b": true, "bs": "false",
        "s_from_num": 12, "s_from_bool": true,
        "list": [{"host": "h", "weight": "1e3", "tags": null, "old": 1}],
        "set": ["a", "b"],
        "m": {"k": -3},
        "tup": ["t", 2],
        "dyn": {"value": ["a", 1], "type": ["tuple", ["string", "number"]]},
        "dyn_null": null,
        "removed_attr": {"deep": [1, 2]}
    }"#;
    let (v, ignored) = decode_json(json, &t).unwrap();
    assert_eq!(
        ignored,
        vec!["list[0].old".to_string(), "removed_attr".to_string()]
    );
    let want = obj(&[
        ("id", s("x")),
        ("n", n(1.5)),
        ("ns", n(42.0)),
        ("b", Value::Bool(true)),
        ("bs", Value::Bool(false)),
        ("s_from_num", s("12")),
        ("s_from_bool", s("true")),
        (
            "list",
            Value::List(vec![obj(&[
                ("host", s("h")),
                ("weight", n(1000.0)),
                ("tags", Value::Null),
            ])]),
        ),
        ("set", Value::Set(vec![s("a"), s("b")])),
        ("m", map(&[("k", n(-3.0))])),
        ("tup", Value::Tuple(vec![s("t"), n(2.0)])),
        ("dyn", Value::Tuple(vec![s("a"), n(1.0)])),
        ("dyn_null", Value::Null),
        ("missing", Value::Null),
    ]);
    assert_eq!(v, want);
    // The result re-encodes against the same type.
    rt(&v, &t);
    // Big integers and "type"-first dynamic.
    let (v, _) = decode_json(
        br#"{"value": 18446744073709551615}"#,
        &Type::object(vec![("value", Type::Number)]),
    )
    .unwrap();
    assert_eq!(v.get("value").as_f64(), Some(u64::MAX as f64));
    let (v, _) = decode_json(br#"{"type": "string", "value": "q"}"#, &Type::Dynamic).unwrap();
    assert_eq!(v, s("q"));
}

#[test]
fn json_decode_errors() {
    let t = Type::object(vec![("a", Type::Number), ("l", Type::list(Type::Bool))]);
    let e = decode_json(br#"{"a": "abc"}"#, &t).unwrap_err();
    assert_eq!(e.path().to_string(), "a");
    let e = decode_json(br#"{"l": [true, "maybe"]}"#, &t).unwrap_err();
    assert_eq!(e.to_string(), "l[1]: invalid bool \"maybe\"");
    assert!(decode_json(br#"{"a": "inf"}"#, &t).is_err());
    assert!(decode_json(br#"{"a": true}"#, &t).is_err());
    assert!(decode_json(br#"{"l": {}}"#, &t).is_err());
    assert!(decode_json(br#"[]"#, &t).is_err());
    assert!(decode_json(br#"{"a": 1"#, &t).is_err());
    assert!(decode_json(br#"{"a": 1} x"#, &t).is_err());
    assert!(decode_json(b"", &t).is_err());
    assert!(decode_json(br#"["x"]"#, &Type::Tuple(vec![Type::String, Type::String])).is_err());
    assert!(decode_json(br#"{"k": [1]}"#, &Type::map(Type::Number)).is_err());
    assert!(decode_json(br#"{"value": 1}"#, &Type::Dynamic).is_err());
    assert!(decode_json(br#"{"value": 1, "type": "number", "x": 2}"#, &Type::Dynamic).is_err());
    assert!(decode_json(br#"{"value": 1, "type": "nope"}"#, &Type::Dynamic).is_err());
    assert!(decode_json(br#""x""#, &Type::Dynamic).is_err());
    // Depth: within serde_json's own limit but beyond ours.
    let mut ty = Type::Number;
    for _ in 0..100 {
        ty = Type::list(ty);
    }
    let deep = format!("{}1{}", "[".repeat(100), "]".repeat(100));
    assert!(decode_json(deep.as_bytes(), &ty).is_err());
    // Beyond serde_json's limit.
    let deeper = "[".repeat(100_000);
    assert!(decode_json(deeper.as_bytes(), &ty).is_err());
}
