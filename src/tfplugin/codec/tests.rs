use super::*;
use crate::tfplugin::value::{AttrPath, Type, Value, MAX_DEPTH};
fn obj(attrs: &[(&str, Value)]) -> Value {
    Value::object(attrs.iter().cloned())
}

fn map(entries: &[(&str, Value)]) -> Value {
    Value::Map(
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

fn s(x: &str) -> Value {
    Value::string(x)
}

fn n(x: f64) -> Value {
    Value::Number(x)
}

fn rt(v: &Value, ty: &Type) {
    let bytes = encode_msgpack(v, ty).unwrap_or_else(|e| panic!("encode {v:?}: {e}"));
    let back = decode_msgpack(&bytes, ty).unwrap_or_else(|e| panic!("decode {v:?}: {e}"));
    assert_eq!(&back, v, "bytes {bytes:02x?}");
}

fn dec(bytes: &[u8], ty: &Type) -> Result<Value, DecodeError> {
    decode_msgpack(bytes, ty)
}

fn member_type() -> Type {
    Type::object(vec![
        ("host", Type::String),
        ("weight", Type::Number),
        ("tags", Type::set(Type::String)),
    ])
}

fn big_type() -> Type {
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

fn member(host: &str, w: f64) -> Value {
    obj(&[
        ("host", s(host)),
        ("weight", n(w)),
        ("tags", Value::Set(vec![s("a"), s("b")])),
    ])
}

fn big_value() -> Value {
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
fn extensions_decode_as_unknown() {
    let refined = [0xc7, 0x03, 0x0c, 0x81, 0x01, 0xc3];
    for bytes in [
        &[0xd4, 0x00, 0x00][..],
        &refined[..],
        &[0xd4, 0x07, 0x09],
        &[0xd5, 0x05, 1, 2],
        &[0xd6, 0x01, 1, 2, 3, 4],
        &[0xd7, 0x01, 1, 2, 3, 4, 5, 6, 7, 8],
        &[0xd8, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        &[0xc7, 0x00, 0x00],
        &[0xc8, 0x00, 0x02, 0x0c, 0x80, 0x00],
        &[0xc9, 0x00, 0x00, 0x00, 0x01, 0x0c, 0x80],
    ] {
        for t in [
            Type::String,
            Type::Number,
            Type::Dynamic,
            big_type(),
            Type::list(Type::Bool),
        ] {
            assert_eq!(dec(bytes, &t), Ok(Value::Unknown), "{bytes:02x?} as {t}");
        }
    }
    // Refined unknown nested in an object, a list and a map.
    let mut b = vec![0x82, 0xa1, b'a'];
    b.extend_from_slice(&refined);
    b.extend_from_slice(&[0xa1, b'b', 0x92, 0x01]);
    b.extend_from_slice(&refined);
    let t = Type::object(vec![("a", Type::String), ("b", Type::list(Type::Number))]);
    assert_eq!(
        dec(&b, &t).unwrap(),
        obj(&[
            ("a", Value::Unknown),
            ("b", Value::List(vec![n(1.0), Value::Unknown]))
        ])
    );
    let mut b = vec![0x81, 0xa1, b'k'];
    b.extend_from_slice(&refined);
    assert_eq!(
        dec(&b, &Type::map(Type::String)).unwrap(),
        map(&[("k", Value::Unknown)])
    );
    // Truncated extension payloads are errors.
    assert!(dec(&[0xc7, 0x03, 0x0c, 0x81], &Type::String).is_err());
    assert!(dec(&[0xd6, 0x01, 1, 2], &Type::String).is_err());
    assert!(dec(&[0xc9, 0xff, 0xff, 0xff, 0xff, 0x0c], &Type::String).is_err());
}

#[test]
fn number_wire_forms() {
    let cases: &[(&[u8], f64)] = &[
        (&[0x05], 5.0),
        (&[0x7f], 127.0),
        (&[0xfb], -5.0),
        (&[0xe0], -32.0),
        (&[0xcc, 0xff], 255.0),
        (&[0xcd, 0x01, 0x00], 256.0),
        (&[0xce, 0x00, 0x01, 0x00, 0x00], 65536.0),
        (&[0xcf, 0, 0, 0, 1, 0, 0, 0, 0], 4294967296.0),
        (
            &[0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            u64::MAX as f64,
        ),
        (&[0xd0, 0x80], -128.0),
        (&[0xd0, 0x05], 5.0),
        (&[0xd1, 0xff, 0x7f], -129.0),
        (&[0xd2, 0xff, 0xff, 0x7f, 0xff], -32769.0),
        (&[0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0], i64::MIN as f64),
        (
            &[0xd3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe],
            -2.0,
        ),
        (&[0xca, 0x3f, 0xc0, 0x00, 0x00], 1.5),
        (&[0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0], 1.5),
        (&[0xcb, 0x7f, 0xf0, 0, 0, 0, 0, 0, 0], f64::INFINITY),
        (&[0xa2, b'4', b'2'], 42.0),
        (&[0xa3, b'1', b'.', b'5'], 1.5),
        (&[0xa3, b'1', b'e', b'3'], 1000.0),
        (&[0xa2, b'-', b'7'], -7.0),
        (&[0xd9, 0x02, b'4', b'2'], 42.0),
        (&[0xc4, 0x02, b'4', b'2'], 42.0),
        (b"\xb61234567890123456789012", 1234567890123456789012.0),
    ];
    for (bytes, want) in cases {
        assert_eq!(dec(bytes, &Type::Number), Ok(n(*want)), "{bytes:02x?}");
    }
    for bad in [
        &[0xa3, b'a', b'b', b'c'][..],
        &[0xa3, b'i', b'n', b'f'],
        &[0xa3, b'N', b'a', b'N'],
        &[0xa0],
        &[0xa5, b'1', b'e', b'9', b'9', b'9'],
        &[0xc3],
        &[0x90],
        &[0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 1],
        &[0xca, 0x7f, 0xc0, 0, 0],
    ] {
        assert!(dec(bad, &Type::Number).is_err(), "{bad:02x?}");
    }
}

#[test]
fn objects_missing_attributes_decode_as_null() {
    let t = Type::object(vec![
        ("a", Type::String),
        ("b", Type::Number),
        ("c", Type::list(Type::String)),
    ]);
    assert_eq!(
        dec(&[0x81, 0xa1, b'b', 0x07], &t).unwrap(),
        obj(&[("a", Value::Null), ("b", n(7.0)), ("c", Value::Null)])
    );
    assert_eq!(
        dec(&[0x80], &t).unwrap(),
        obj(&[("a", Value::Null), ("b", Value::Null), ("c", Value::Null)])
    );
    // Attribute order on the wire does not matter.
    assert_eq!(
        dec(&[0x82, 0xa1, b'b', 0x07, 0xa1, b'a', 0xa1, b'x'], &t).unwrap(),
        obj(&[("a", s("x")), ("b", n(7.0)), ("c", Value::Null)])
    );
    // map16 form.
    assert_eq!(
        dec(&[0xde, 0x00, 0x01, 0xa1, b'a', 0xa0], &t).unwrap(),
        obj(&[("a", s("")), ("b", Value::Null), ("c", Value::Null)])
    );
}

#[test]
fn decode_dynamic_wire_forms() {
    // Type JSON as str instead of bin.
    let mut b = vec![0x92, 0xa8];
    b.extend_from_slice(b"\"number\"");
    b.push(0x05);
    assert_eq!(dec(&b, &Type::Dynamic), Ok(n(5.0)));
    // Nested type.
    let j = br#"["list",["object",{"a":"string"}]]"#;
    let mut b = vec![0x92, 0xc4, j.len() as u8];
    b.extend_from_slice(j);
    b.extend_from_slice(&[0x91, 0x81, 0xa1, b'a', 0xa1, b'z']);
    assert_eq!(
        dec(&b, &Type::Dynamic),
        Ok(Value::List(vec![obj(&[("a", s("z"))])]))
    );
    // Errors: wrong arity, bad type JSON, value not matching its type.
    assert!(dec(&[0x91, 0xc0], &Type::Dynamic).is_err());
    assert!(dec(&[0x93, 0xa1, b'x', 0xc0, 0xc0], &Type::Dynamic).is_err());
    assert!(dec(&[0x92, 0xa3, b'b', b'a', b'd', 0xc0], &Type::Dynamic).is_err());
    assert!(dec(&[0x92, 0x01, 0x01], &Type::Dynamic).is_err());
    assert!(dec(&[0xa1, b'x'], &Type::Dynamic).is_err());
    let mut b = vec![0x92, 0xa8];
    b.extend_from_slice(b"\"number\"");
    b.push(0xc3);
    assert!(dec(&b, &Type::Dynamic).is_err());
}

#[test]
fn decode_errors() {
    let t = Type::object(vec![("a", Type::String)]);
    // Unknown attribute, with its path.
    let e = dec(&[0x81, 0xa1, b'z', 0xc0], &t).unwrap_err();
    assert_eq!(e.path().to_string(), "z");
    assert!(e.to_string().contains("unsupported attribute"), "{e}");
    // Wrong types.
    assert!(dec(&[0xa1, b'x'], &Type::Bool).is_err());
    assert!(dec(&[0x01], &Type::String).is_err());
    assert!(dec(&[0x90], &t).is_err());
    assert!(dec(&[0x80], &Type::list(Type::String)).is_err());
    assert!(dec(&[0x81, 0x01, 0xc0], &Type::map(Type::String)).is_err());
    assert!(dec(&[0x81, 0x01, 0xc0], &t).is_err());
    assert!(dec(
        &[0x91, 0x01],
        &Type::Tuple(vec![Type::Number, Type::Number])
    )
    .is_err());
    assert!(dec(&[0xc1], &Type::String).is_err());
    // Invalid UTF-8.
    assert!(dec(&[0xa2, 0xc3, 0x28], &Type::String).is_err());
    // Trailing bytes, empty input.
    assert!(dec(&[0xc0, 0xc0], &Type::String).is_err());
    assert!(dec(&[0xd4, 0, 0, 0], &Type::String).is_err());
    let e = dec(&[], &Type::String).unwrap_err();
    assert_eq!(e.to_string(), "empty msgpack input");
    let e: Box<dyn std::error::Error> = Box::new(e.at(AttrPath::root().attr("x")));
    assert_eq!(e.to_string(), "x: empty msgpack input");
    // Hostile length claims fail fast without huge allocation.
    assert!(dec(&[0xdd, 0xff, 0xff, 0xff, 0xff], &Type::list(Type::Bool)).is_err());
    assert!(dec(&[0xdf, 0xff, 0xff, 0xff, 0xff], &Type::map(Type::Bool)).is_err());
    assert!(dec(&[0xdb, 0xff, 0xff, 0xff, 0xff], &Type::String).is_err());
    // Path of a nested failure.
    let t = Type::object(vec![
        ("members", Type::list(member_type())),
        ("m", Type::map(Type::Bool)),
    ]);
    let v = obj(&[
        (
            "members",
            Value::List(vec![
                obj(&[("host", s("a")), ("weight", s("1"))]),
                obj(&[("host", s("b")), ("weight", s("heavy"))]),
            ]),
        ),
        ("m", Value::Null),
    ]);
    let mut t_str = t.clone();
    if let Type::Object(attrs) = &mut t_str {
        attrs[1].1 = Type::list(Type::object(vec![
            ("host", Type::String),
            ("weight", Type::String),
            ("tags", Type::set(Type::String)),
        ]));
    }
    let b = encode_msgpack(&v, &t_str).unwrap();
    let e = dec(&b, &t).unwrap_err();
    assert_eq!(
        e.path(),
        &AttrPath::root().attr("members").index(1).attr("weight")
    );
    assert_eq!(e.to_string(), "members[1].weight: invalid number \"heavy\"");
    let e = dec(&[0x81, 0xa1, b'm', 0x81, 0xa1, b'k', 0x01], &t).unwrap_err();
    assert_eq!(e.path().to_string(), "m[\"k\"]");
}

#[test]
fn truncated_input_is_an_error() {
    let t = big_type();
    let b = encode_msgpack(&big_value(), &t).unwrap();
    for len in 0..b.len() {
        assert!(dec(&b[..len], &t).is_err(), "prefix {len}");
    }
    assert!(dec(&b, &t).is_ok());
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

#[test]
fn excessive_depth_is_an_error() {
    let mut ty = Type::Bool;
    for _ in 0..100 {
        ty = Type::list(ty);
    }
    let mut b = vec![0x91; 100];
    b.push(0xc3);
    let e = dec(&b, &ty).unwrap_err();
    assert!(e.message().contains("nesting"), "{e}");
    // Within the limit is fine.
    let mut ty = Type::Bool;
    for _ in 0..MAX_DEPTH {
        ty = Type::list(ty);
    }
    let mut b = vec![0x91; MAX_DEPTH];
    b.push(0xc3);
    assert!(dec(&b, &ty).is_ok());
    // Nested dynamics: each level is its own [type, value] pair.
    let mut b = Vec::new();
    for _ in 0..200 {
        b.extend_from_slice(&[0x92, 0xa9]);
        b.extend_from_slice(b"\"dynamic\"");
    }
    b.push(0xc0);
    assert!(dec(&b, &Type::Dynamic).is_err());
    // Attacker-sized nesting of plain arrays never reaches the stack limit.
    let b = vec![0x91; 100_000];
    assert!(dec(&b, &Type::Dynamic).is_err());
}

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
