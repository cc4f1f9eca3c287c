//! msgpack decoding: wire forms the encoder never writes (extensions,
//! numbers as strings, missing attributes), errors with their paths, and
//! hostile input (truncated, too deep, huge length claims).

use crate::tfplugin::codec::encode_msgpack;
use crate::tfplugin::codec::tests::{big_type, big_value, dec, map, member_type, n, obj, s};
use crate::tfplugin::value::{AttrPath, Type, Value, MAX_DEPTH};

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
