//! msgpack encoding: exact bytes, attribute order, errors and the types
//! inferred for dynamic values.

use super::encode_msgpack;
use crate::tfplugin::codec::tests::{big_type, dec, map, n, obj, s};
use crate::tfplugin::value::{Type, Value};

#[test]
fn dynamic_inference_of_mixed_collections() {
    // A list with elements of different types cannot be a cty list: sent as a tuple.
    let v = Value::List(vec![s("a"), n(1.0)]);
    let b = encode_msgpack(&v, &Type::Dynamic).unwrap();
    let json = br#"["tuple",["string","number"]]"#;
    assert_eq!(&b[..3], &[0x92, 0xc4, json.len() as u8]);
    assert_eq!(&b[3..3 + json.len()], json);
    assert_eq!(
        dec(&b, &Type::Dynamic).unwrap(),
        Value::Tuple(vec![s("a"), n(1.0)])
    );
    // Map with mixed values becomes an object.
    let v = map(&[("a", s("x")), ("b", Value::Bool(true))]);
    assert_eq!(
        dec(&encode_msgpack(&v, &Type::Dynamic).unwrap(), &Type::Dynamic).unwrap(),
        obj(&[("a", s("x")), ("b", Value::Bool(true))])
    );
    // Nulls unify with concrete element types.
    let v = Value::List(vec![obj(&[("a", Value::Null)]), obj(&[("a", n(1.0))])]);
    let b = encode_msgpack(&v, &Type::Dynamic).unwrap();
    let j = br#"["list",["object",{"a":"number"}]]"#;
    assert_eq!(&b[3..3 + j.len()], j);
}

#[test]
fn exact_bytes() {
    let e = |v: &Value, t: &Type| encode_msgpack(v, t).unwrap();
    assert_eq!(e(&Value::Unknown, &Type::String), [0xd4, 0, 0]);
    assert_eq!(e(&Value::Unknown, &Type::Dynamic), [0xd4, 0, 0]);
    assert_eq!(e(&Value::Unknown, &big_type()), [0xd4, 0, 0]);
    assert_eq!(e(&Value::Null, &Type::Dynamic), [0xc0]);
    assert_eq!(e(&Value::Null, &big_type()), [0xc0]);
    let ta = Type::object(vec![("a", Type::String)]);
    assert_eq!(
        e(&obj(&[("a", s("x"))]), &ta),
        [0x81, 0xa1, b'a', 0xa1, b'x']
    );
    assert_eq!(e(&Value::Bool(true), &Type::Bool), [0xc3]);
    assert_eq!(e(&Value::Bool(false), &Type::Bool), [0xc2]);
    assert_eq!(e(&n(0.0), &Type::Number), [0x00]);
    assert_eq!(e(&n(127.0), &Type::Number), [0x7f]);
    assert_eq!(e(&n(128.0), &Type::Number), [0xcc, 0x80]);
    assert_eq!(e(&n(256.0), &Type::Number), [0xcd, 0x01, 0x00]);
    assert_eq!(e(&n(-1.0), &Type::Number), [0xff]);
    assert_eq!(e(&n(-32.0), &Type::Number), [0xe0]);
    assert_eq!(e(&n(-33.0), &Type::Number), [0xd0, 0xdf]);
    assert_eq!(e(&n(-0.0), &Type::Number), [0x00]);
    assert_eq!(
        e(&n(1.5), &Type::Number),
        [0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0]
    );
    assert_eq!(
        e(&n(-9223372036854775808.0), &Type::Number),
        [0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0]
    );
    assert_eq!(e(&n(9223372036854775808.0), &Type::Number)[0], 0xcb);
    assert_eq!(
        e(
            &Value::List(vec![n(1.0), n(2.0)]),
            &Type::list(Type::Number)
        ),
        [0x92, 1, 2]
    );
    assert_eq!(
        e(&Value::Set(vec![s("a")]), &Type::set(Type::String)),
        [0x91, 0xa1, b'a']
    );
    assert_eq!(
        e(&map(&[("k", Value::Bool(true))]), &Type::map(Type::Bool)),
        [0x81, 0xa1, b'k', 0xc3]
    );
    let mut dynamic_hi = vec![0x92, 0xc4, 8];
    dynamic_hi.extend_from_slice(b"\"string\"");
    dynamic_hi.extend_from_slice(&[0xa2, b'h', b'i']);
    assert_eq!(e(&s("hi"), &Type::Dynamic), dynamic_hi);
}

#[test]
fn encode_emits_every_attribute_in_order() {
    let t = Type::object(vec![
        ("c", Type::Number),
        ("a", Type::String),
        ("b", Type::list(Type::String)),
    ]);
    let b = encode_msgpack(&obj(&[("c", n(1.0))]), &t).unwrap();
    assert_eq!(
        b,
        [0x83, 0xa1, b'a', 0xc0, 0xa1, b'b', 0xc0, 0xa1, b'c', 0x01]
    );
    assert_eq!(
        dec(&b, &t).unwrap(),
        obj(&[("a", Value::Null), ("b", Value::Null), ("c", n(1.0))])
    );
    // Nested objects too, also inside lists.
    let t = Type::list(Type::object(vec![("x", Type::String), ("y", Type::String)]));
    let b = encode_msgpack(&Value::List(vec![obj(&[("y", s("v"))])]), &t).unwrap();
    assert_eq!(b, [0x91, 0x82, 0xa1, b'x', 0xc0, 0xa1, b'y', 0xa1, b'v']);
}

#[test]
fn encode_errors() {
    let t = Type::object(vec![("a", Type::String)]);
    let e = encode_msgpack(&obj(&[("a", s("x")), ("zz", s("y"))]), &t).unwrap_err();
    assert_eq!(e.path().to_string(), "zz");
    let e = encode_msgpack(&obj(&[("a", n(1.0))]), &t).unwrap_err();
    assert_eq!(e.path().to_string(), "a");
    assert!(e.to_string().contains("string is required"), "{e}");
    assert!(encode_msgpack(&n(f64::NAN), &Type::Number).is_err());
    assert!(encode_msgpack(&s("x"), &Type::Bool).is_err());
    assert!(encode_msgpack(&Value::Bool(true), &Type::list(Type::Bool)).is_err());
    assert!(encode_msgpack(&Value::Tuple(vec![s("x")]), &Type::Tuple(vec![])).is_err());
    let t = Type::list(Type::object(vec![("m", Type::map(Type::Number))]));
    let v = Value::List(vec![
        obj(&[("m", map(&[]))]),
        obj(&[("m", map(&[("k", s("no"))]))]),
    ]);
    let e = encode_msgpack(&v, &t).unwrap_err();
    assert_eq!(e.path().to_string(), "[1].m[\"k\"]");
    // Deep values are refused rather than overflowing the stack.
    let mut deep = Value::Null;
    let mut ty = Type::String;
    for _ in 0..100 {
        deep = Value::List(vec![deep]);
        ty = Type::list(ty);
    }
    assert!(encode_msgpack(&deep, &ty).is_err());
    assert!(encode_msgpack(&deep, &Type::Dynamic).is_err());
}

#[test]
fn lenient_collection_variants_on_encode() {
    // Array-shaped values encode for any array type; map/object likewise.
    let b = encode_msgpack(&Value::List(vec![s("a")]), &Type::set(Type::String)).unwrap();
    assert_eq!(
        dec(&b, &Type::set(Type::String)).unwrap(),
        Value::Set(vec![s("a")])
    );
    let b = encode_msgpack(&obj(&[("k", s("v"))]), &Type::map(Type::String)).unwrap();
    assert_eq!(
        dec(&b, &Type::map(Type::String)).unwrap(),
        map(&[("k", s("v"))])
    );
}
