//! Across the codecs: msgpack round trips of every type and of unknown and
//! null at every level, and garbage fed to both decoders. The fixtures here
//! serve the per-file `*_tests.rs` beside them.

use super::*;
use crate::tfplugin::value::{Type, Value};

pub(super) fn obj(attrs: &[(&str, Value)]) -> Value {
    Value::object(attrs.iter().cloned())
}

pub(super) fn map(entries: &[(&str, Value)]) -> Value {
    Value::Map(
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

pub(super) fn s(x: &str) -> Value {
    Value::string(x)
}

pub(super) fn n(x: f64) -> Value {
    Value::Number(x)
}

pub(super) fn rt(v: &Value, ty: &Type) {
    let bytes = encode_msgpack(v, ty).unwrap_or_else(|e| panic!("encode {v:?}: {e}"));
    let back = decode_msgpack(&bytes, ty).unwrap_or_else(|e| panic!("decode {v:?}: {e}"));
    assert_eq!(&back, v, "bytes {bytes:02x?}");
}

pub(super) fn dec(bytes: &[u8], ty: &Type) -> Result<Value, DecodeError> {
    decode_msgpack(bytes, ty)
}

pub(super) fn member_type() -> Type {
    Type::object(vec![
        ("host", Type::String),
        ("weight", Type::Number),
        ("tags", Type::set(Type::String)),
    ])
}

pub(super) fn big_type() -> Type {
    Type::object(vec![
        ("id", Type::String),
        ("enabled", Type::Bool),
        ("count", Type::Number),
        ("members", Type::list(member_type())),
        ("member_set", Type::set(member_type())),
        ("by_name", Type::map(member_type())),
        ("labels", Type::map(Type::String)),
        ("pair", Type::Tuple(vec![Type::String, Type::Number])),
        ("extra", Type::Dynamic),
        (
            "nested",
            Type::object(vec![(
                "inner",
                Type::object(vec![("x", Type::list(Type::Number))]),
            )]),
        ),
    ])
}

pub(super) fn member(host: &str, w: f64) -> Value {
    obj(&[
        ("host", s(host)),
        ("weight", n(w)),
        ("tags", Value::Set(vec![s("a"), s("b")])),
    ])
}

pub(super) fn big_value() -> Value {
    obj(&[
        ("id", s("vpc-1")),
        ("enabled", Value::Bool(true)),
        ("count", n(3.0)),
        (
            "members",
            Value::List(vec![member("10.0.0.1", 1.0), member("10.0.0.2", 2.5)]),
        ),
        ("member_set", Value::Set(vec![member("h", -7.0)])),
        (
            "by_name",
            map(&[("a", member("x", 100000.0)), ("b", member("y", 0.0))]),
        ),
        ("labels", map(&[("env", s("prod")), ("", s(""))])),
        ("pair", Value::Tuple(vec![s("p"), n(1e300)])),
        (
            "extra",
            obj(&[
                ("k", Value::List(vec![n(1.0), n(2.0)])),
                ("z", Value::Bool(false)),
            ]),
        ),
        (
            "nested",
            obj(&[("inner", obj(&[("x", Value::List(vec![n(-1.25)]))]))]),
        ),
    ])
}

#[test]
fn round_trip_primitives() {
    rt(&Value::Bool(true), &Type::Bool);
    rt(&Value::Bool(false), &Type::Bool);
    rt(&s(""), &Type::String);
    rt(&s("héllo \u{1F600}"), &Type::String);
    rt(&s(&"x".repeat(70_000)), &Type::String);
    for x in [
        0.0,
        1.0,
        -1.0,
        127.0,
        128.0,
        255.0,
        256.0,
        65535.0,
        65536.0,
        4294967295.0,
        4294967296.0,
        -32.0,
        -33.0,
        -128.0,
        -129.0,
        -32768.0,
        -32769.0,
        -2147483648.0,
        -2147483649.0,
        9007199254740993.0,
        -9223372036854775808.0,
        9223372036854775808.0,
        1.5,
        -0.1,
        1e300,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::MIN_POSITIVE,
    ] {
        rt(&n(x), &Type::Number);
    }
}

#[test]
fn round_trip_collections() {
    rt(&Value::List(vec![]), &Type::list(Type::String));
    rt(
        &Value::List(vec![s("a"), s("b")]),
        &Type::list(Type::String),
    );
    rt(&Value::Set(vec![n(1.0), n(2.0)]), &Type::set(Type::Number));
    rt(&Value::Set(vec![]), &Type::set(Type::Bool));
    rt(
        &map(&[("a", n(1.0)), ("b", n(2.0))]),
        &Type::map(Type::Number),
    );
    rt(&map(&[]), &Type::map(Type::Number));
    rt(
        &Value::Tuple(vec![s("a"), n(1.0), Value::Bool(true)]),
        &Type::Tuple(vec![Type::String, Type::Number, Type::Bool]),
    );
    rt(&Value::Tuple(vec![]), &Type::Tuple(vec![]));
    rt(&obj(&[]), &Type::object(vec![]));
    let nested = Type::list(Type::map(Type::set(Type::list(Type::String))));
    let v = Value::List(vec![map(&[(
        "k",
        Value::Set(vec![Value::List(vec![s("deep")])]),
    )])]);
    rt(&v, &nested);
    // Many elements: exercises array16/map16 lengths.
    let many: Vec<Value> = (0..70_000).map(|i| n(i as f64)).collect();
    rt(&Value::List(many), &Type::list(Type::Number));
    let big_map = Value::Map((0..300).map(|i| (format!("k{i}"), s("v"))).collect());
    rt(&big_map, &Type::map(Type::String));
}

#[test]
fn round_trip_nested_objects() {
    rt(&big_value(), &big_type());
}

#[test]
fn round_trip_dynamic() {
    let d = Type::Dynamic;
    for v in [
        Value::Null,
        Value::Unknown,
        Value::Bool(true),
        n(42.0),
        s("x"),
        Value::List(vec![s("a"), s("b")]),
        Value::List(vec![]),
        Value::Set(vec![n(1.0)]),
        map(&[("a", Value::Bool(true))]),
        obj(&[("a", s("x")), ("b", Value::List(vec![n(1.0)]))]),
        Value::Tuple(vec![s("x"), n(1.0)]),
        Value::List(vec![obj(&[("a", Value::Null)]), obj(&[("a", s("y"))])]),
        Value::List(vec![Value::Null, Value::Unknown, s("z")]),
        obj(&[("inner", Value::Unknown), ("d", Value::Null)]),
    ] {
        rt(&v, &d);
    }
    // Dynamic attributes inside objects and collections.
    let t = Type::object(vec![("d", Type::Dynamic), ("l", Type::list(Type::Dynamic))]);
    rt(
        &obj(&[
            ("d", s("x")),
            ("l", Value::List(vec![n(1.0), s("two"), Value::Null])),
        ]),
        &t,
    );
    rt(&obj(&[("d", Value::Unknown), ("l", Value::Unknown)]), &t);
}

#[test]
fn unknown_and_null_at_every_level() {
    let t = big_type();
    rt(&Value::Unknown, &t);
    rt(&Value::Null, &t);
    let attrs: Vec<String> = match &t {
        Type::Object(a) => a.iter().map(|(n, _)| n.clone()).collect(),
        _ => unreachable!(),
    };
    for special in [Value::Unknown, Value::Null] {
        for a in &attrs {
            let mut v = big_value();
            if let Value::Object(m) = &mut v {
                m.insert(a.clone(), special.clone());
            }
            rt(&v, &t);
        }
        let mut v = big_value();
        let Value::Object(m) = &mut v else {
            unreachable!()
        };
        // Inside list elements, set elements, map values, tuple elements, nested attrs.
        m.insert(
            "members".into(),
            Value::List(vec![
                special.clone(),
                obj(&[
                    ("host", special.clone()),
                    ("weight", special.clone()),
                    ("tags", Value::Set(vec![special.clone()])),
                ]),
            ]),
        );
        m.insert("member_set".into(), Value::Set(vec![special.clone()]));
        m.insert(
            "by_name".into(),
            map(&[
                ("a", special.clone()),
                (
                    "b",
                    obj(&[
                        ("host", s("h")),
                        ("weight", n(1.0)),
                        ("tags", special.clone()),
                    ]),
                ),
            ]),
        );
        m.insert("labels".into(), map(&[("k", special.clone())]));
        m.insert(
            "pair".into(),
            Value::Tuple(vec![special.clone(), special.clone()]),
        );
        m.insert("extra".into(), Value::List(vec![special.clone()]));
        m.insert(
            "nested".into(),
            obj(&[("inner", obj(&[("x", Value::List(vec![special.clone()]))]))]),
        );
        rt(&v, &t);
    }
}

#[test]
fn garbage_never_panics() {
    let types = [
        big_type(),
        Type::Dynamic,
        Type::list(Type::Dynamic),
        Type::map(Type::Number),
        Type::Tuple(vec![Type::String, Type::Dynamic]),
    ];
    let valid = encode_msgpack(&big_value(), &big_type()).unwrap();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut rnd = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..3000 {
        let len = (rnd() % 40) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| rnd() as u8).collect();
        for t in &types {
            let _ = dec(&bytes, t);
        }
        // Single-byte mutations of a valid message.
        let mut m = valid.clone();
        let i = (rnd() as usize) % m.len();
        m[i] = rnd() as u8;
        let _ = dec(&m, &big_type());
        let _ = decode_json(&bytes, &big_type());
    }
}
