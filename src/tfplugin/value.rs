//! Type and value model for Terraform (cty) values as exchanged over plugin protocol 6.

use std::collections::BTreeMap;
use std::fmt;

/// Nesting limit shared by type parsing and the codecs, to bound recursion on hostile input.
pub const MAX_DEPTH: usize = 64;

/// A cty type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Type {
    /// `true` or `false`.
    Bool,
    /// A number (integral or not).
    Number,
    /// A UTF-8 string.
    String,
    /// Any type, decided by the value (`dynamic`).
    Dynamic,
    /// An ordered list of one element type.
    List(Box<Type>),
    /// A set of one element type.
    Set(Box<Type>),
    /// Named elements of one type.
    Map(Box<Type>),
    /// Attributes kept sorted by name (the codecs rely on it for lookups and output order).
    Object(Vec<(String, Type)>),
    /// A fixed sequence of element types.
    Tuple(Vec<Type>),
}

impl Type {
    /// A list of `elem`.
    pub fn list(elem: Type) -> Type {
        Type::List(Box::new(elem))
    }

    /// A set of `elem`.
    pub fn set(elem: Type) -> Type {
        Type::Set(Box::new(elem))
    }

    /// A map of `elem`.
    pub fn map(elem: Type) -> Type {
        Type::Map(Box::new(elem))
    }

    /// Object type; attributes are sorted by name.
    pub fn object(attrs: Vec<(&str, Type)>) -> Type {
        let mut attrs: Vec<(String, Type)> =
            attrs.into_iter().map(|(n, t)| (n.to_owned(), t)).collect();
        attrs.sort_by(|a, b| a.0.cmp(&b.0));
        Type::Object(attrs)
    }

    /// Attribute type of an object type.
    pub fn attr(&self, name: &str) -> Option<&Type> {
        match self {
            Type::Object(attrs) => find_attr(attrs, name).map(|i| &attrs[i].1),
            _ => None,
        }
    }

    /// cty type JSON, e.g. `"string"`, `["list","string"]`, `["object",{"a":"number"}]`.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(16);
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        match self {
            Type::Bool => out.push_str("\"bool\""),
            Type::Number => out.push_str("\"number\""),
            Type::String => out.push_str("\"string\""),
            Type::Dynamic => out.push_str("\"dynamic\""),
            Type::List(e) | Type::Set(e) | Type::Map(e) => {
                out.push_str(match self {
                    Type::List(_) => "[\"list\",",
                    Type::Set(_) => "[\"set\",",
                    _ => "[\"map\",",
                });
                e.write_json(out);
                out.push(']');
            }
            Type::Object(attrs) => {
                out.push_str("[\"object\",{");
                for (i, (name, t)) in attrs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_json_str(out, name);
                    out.push(':');
                    t.write_json(out);
                }
                out.push_str("}]");
            }
            Type::Tuple(elems) => {
                out.push_str("[\"tuple\",[");
                for (i, t) in elems.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    t.write_json(out);
                }
                out.push_str("]]");
            }
        }
    }

    /// Parses cty type JSON. Object types may carry a third element (optional attribute
    /// names, used in type constraints); it is accepted and ignored.
    pub fn from_json(json: impl AsRef<[u8]>) -> Result<Type, String> {
        let v: serde_json::Value =
            serde_json::from_slice(json.as_ref()).map_err(|e| format!("invalid type JSON: {e}"))?;
        Self::from_json_value(&v, 0)
    }

    pub(crate) fn from_json_value(v: &serde_json::Value, depth: usize) -> Result<Type, String> {
        use serde_json::Value as J;
        if depth > MAX_DEPTH {
            return Err("type nesting too deep".into());
        }
        match v {
            J::String(s) => match s.as_str() {
                "bool" => Ok(Type::Bool),
                "number" => Ok(Type::Number),
                "string" => Ok(Type::String),
                "dynamic" => Ok(Type::Dynamic),
                other => Err(format!("unsupported type {other:?}")),
            },
            J::Array(parts) => {
                let kind = parts.first().and_then(J::as_str).unwrap_or("");
                match (kind, parts.len()) {
                    ("list" | "set" | "map", 2) => {
                        let e = Box::new(Self::from_json_value(&parts[1], depth + 1)?);
                        Ok(match kind {
                            "list" => Type::List(e),
                            "set" => Type::Set(e),
                            _ => Type::Map(e),
                        })
                    }
                    ("object", 2 | 3) => {
                        let J::Object(m) = &parts[1] else {
                            return Err("object type needs a JSON object of attributes".into());
                        };
                        let mut attrs = Vec::with_capacity(m.len());
                        for (k, t) in m {
                            attrs.push((k.clone(), Self::from_json_value(t, depth + 1)?));
                        }
                        // serde_json's map is usually sorted already; sorting sorted input is cheap.
                        attrs.sort_by(|a, b| a.0.cmp(&b.0));
                        Ok(Type::Object(attrs))
                    }
                    ("tuple", 2) => {
                        let J::Array(elems) = &parts[1] else {
                            return Err("tuple type needs a JSON array of element types".into());
                        };
                        elems
                            .iter()
                            .map(|t| Self::from_json_value(t, depth + 1))
                            .collect::<Result<_, _>>()
                            .map(Type::Tuple)
                    }
                    _ => Err(format!("unsupported type {v}")),
                }
            }
            _ => Err(format!("unsupported type {v}")),
        }
    }
}

/// Exact i64 for an integral f64 in [-2^63, 2^63) (both bounds are exact in f64).
pub(crate) fn f64_to_i64(n: f64) -> Option<i64> {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    (n.fract() == 0.0 && (-LIMIT..LIMIT).contains(&n)).then_some(n as i64)
}

/// Index of `name` in sorted attributes; falls back to a scan so a hand-built unsorted
/// object type still works (only costs on misses).
pub(crate) fn find_attr(attrs: &[(String, Type)], name: &str) -> Option<usize> {
    attrs
        .binary_search_by(|(n, _)| n.as_str().cmp(name))
        .ok()
        .or_else(|| attrs.iter().position(|(n, _)| n == name))
}

/// Appends `s` as a JSON string literal.
pub(crate) fn write_json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                use fmt::Write;
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Friendly name as cty prints it ("list of string").
impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool => f.write_str("bool"),
            Type::Number => f.write_str("number"),
            Type::String => f.write_str("string"),
            Type::Dynamic => f.write_str("dynamic"),
            Type::List(e) => write!(f, "list of {e}"),
            Type::Set(e) => write!(f, "set of {e}"),
            Type::Map(e) => write!(f, "map of {e}"),
            Type::Object(_) => f.write_str("object"),
            Type::Tuple(_) => f.write_str("tuple"),
        }
    }
}

/// A cty value. Values are untyped: the schema type travels alongside.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Value {
    /// Known only after apply.
    Unknown,
    #[default]
    /// Unset.
    Null,
    /// A bool.
    Bool(bool),
    /// A number, as f64 (integers beyond 2^53 lose precision).
    Number(f64),
    /// A string.
    String(String),
    /// A list.
    List(Vec<Value>),
    /// A set (its order as received).
    Set(Vec<Value>),
    /// A map.
    Map(BTreeMap<String, Value>),
    /// An object, attributes by name.
    Object(BTreeMap<String, Value>),
    /// A tuple.
    Tuple(Vec<Value>),
}

static NULL: Value = Value::Null;

impl Value {
    /// A string value.
    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    /// Integers beyond 2^53 lose precision (numbers are f64).
    pub fn int(i: i64) -> Value {
        Value::Number(i as f64)
    }

    /// An object of these attributes.
    pub fn object<'a>(attrs: impl IntoIterator<Item = (&'a str, Value)>) -> Value {
        Value::Object(attrs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    }

    /// Whether it is null (unset).
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Whether it is unknown at the top level (known only after apply).
    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }

    /// Not unknown at the top level (nested values may still be unknown).
    pub fn is_known(&self) -> bool {
        !self.is_unknown()
    }

    /// No unknown anywhere inside.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown => false,
            Value::List(xs) | Value::Set(xs) | Value::Tuple(xs) => {
                xs.iter().all(Value::is_wholly_known)
            }
            Value::Map(m) | Value::Object(m) => m.values().all(Value::is_wholly_known),
            _ => true,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// Only for integral numbers within i64 range.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Value::Number(n) => f64_to_i64(n),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The bool, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match *self {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// Elements of a list, set or tuple.
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(xs) | Value::Set(xs) | Value::Tuple(xs) => Some(xs),
            _ => None,
        }
    }

    /// Entries of a map or object.
    pub fn as_map(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Map(m) | Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// Attribute of an object (or map entry); `Null` when missing or not an object.
    pub fn get(&self, attr: &str) -> &Value {
        match self {
            Value::Object(m) | Value::Map(m) => m.get(attr).unwrap_or(&NULL),
            _ => &NULL,
        }
    }
}

/// One step of an attribute path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathStep {
    /// An attribute of an object.
    Attr(String),
    /// An element of a list.
    Index(i64),
    /// An entry of a map.
    Key(String),
}

/// Path to a nested attribute, for diagnostics. Displays Terraform style: `members[2].weight`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AttrPath(pub Vec<PathStep>);

impl AttrPath {
    /// The path of the whole value.
    pub fn root() -> AttrPath {
        AttrPath(Vec::new())
    }

    /// This path into attribute `name`.
    pub fn attr(mut self, name: impl Into<String>) -> AttrPath {
        self.0.push(PathStep::Attr(name.into()));
        self
    }

    /// This path into element `i`.
    pub fn index(mut self, i: i64) -> AttrPath {
        self.0.push(PathStep::Index(i));
        self
    }

    /// This path into map entry `k`.
    pub fn key(mut self, k: impl Into<String>) -> AttrPath {
        self.0.push(PathStep::Key(k.into()));
        self
    }

    /// The whole value, no step.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                PathStep::Attr(name) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(name)?;
                }
                PathStep::Index(n) => write!(f, "[{n}]")?,
                PathStep::Key(k) => {
                    f.write_str("[\"")?;
                    for c in k.chars() {
                        match c {
                            '"' => f.write_str("\\\"")?,
                            '\\' => f.write_str("\\\\")?,
                            '\n' => f.write_str("\\n")?,
                            c => fmt::Write::write_char(f, c)?,
                        }
                    }
                    f.write_str("\"]")?;
                }
            }
        }
        Ok(())
    }
}

/// Tests write values as JSON; numbers become f64, objects stay objects.
#[cfg(test)]
pub fn test_value(json: serde_json::Value) -> Value {
    match json {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap()),
        serde_json::Value::String(s) => Value::String(s),
        serde_json::Value::Array(a) => Value::List(a.into_iter().map(test_value).collect()),
        serde_json::Value::Object(o) => {
            Value::Object(o.into_iter().map(|(k, x)| (k, test_value(x))).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_json_exact() {
        assert_eq!(Type::String.to_json(), "\"string\"");
        assert_eq!(Type::Dynamic.to_json(), "\"dynamic\"");
        assert_eq!(Type::list(Type::String).to_json(), "[\"list\",\"string\"]");
        assert_eq!(Type::set(Type::Bool).to_json(), "[\"set\",\"bool\"]");
        assert_eq!(Type::map(Type::Number).to_json(), "[\"map\",\"number\"]");
        assert_eq!(
            Type::object(vec![("b", Type::String), ("a", Type::Number)]).to_json(),
            "[\"object\",{\"a\":\"number\",\"b\":\"string\"}]"
        );
        assert_eq!(
            Type::Tuple(vec![Type::String, Type::Bool]).to_json(),
            "[\"tuple\",[\"string\",\"bool\"]]"
        );
        assert_eq!(Type::Tuple(vec![]).to_json(), "[\"tuple\",[]]");
        assert_eq!(Type::object(vec![]).to_json(), "[\"object\",{}]");
    }

    #[test]
    fn type_json_round_trip() {
        let types = vec![
            Type::Bool,
            Type::Number,
            Type::String,
            Type::Dynamic,
            Type::list(Type::map(Type::set(Type::Number))),
            Type::object(vec![
                ("name", Type::String),
                ("we\"ird\\\n\u{1}", Type::Bool),
                ("ünï", Type::Dynamic),
                (
                    "members",
                    Type::list(Type::object(vec![
                        ("weight", Type::Number),
                        ("host", Type::String),
                    ])),
                ),
                ("t", Type::Tuple(vec![Type::String, Type::list(Type::Bool)])),
            ]),
            Type::Tuple(vec![]),
        ];
        for t in types {
            let json = t.to_json();
            assert_eq!(Type::from_json(&json), Ok(t.clone()), "{json}");
            // Must also be valid JSON for other parsers.
            serde_json::from_str::<serde_json::Value>(&json).unwrap();
        }
    }

    #[test]
    fn type_from_json_variants_and_errors() {
        // Optional-attribute list (third element) is ignored; attributes are sorted.
        assert_eq!(
            Type::from_json(br#"["object",{"z":"string","a":"bool"},["z"]]"#),
            Ok(Type::object(vec![("a", Type::Bool), ("z", Type::String)]))
        );
        for bad in [
            "",
            "\"capsule\"",
            "[\"list\"]",
            "[\"list\",\"string\",\"x\"]",
            "[\"object\",[]]",
            "[\"tuple\",{}]",
            "[\"frob\",\"string\"]",
            "42",
            "{}",
            "[\"list\",\"nope\"]",
            "\"string\" x",
        ] {
            assert!(Type::from_json(bad).is_err(), "{bad}");
        }
        let deep = format!("{}\"string\"{}", "[\"list\",".repeat(100), "]".repeat(100));
        assert!(Type::from_json(&deep).is_err());
        let ok = format!("{}\"string\"{}", "[\"list\",".repeat(10), "]".repeat(10));
        assert!(Type::from_json(&ok).is_ok());
    }

    #[test]
    fn type_helpers() {
        let t = Type::object(vec![("b", Type::String), ("a", Type::Number)]);
        let Type::Object(attrs) = &t else { panic!() };
        assert_eq!(attrs[0].0, "a");
        assert_eq!(t.attr("b"), Some(&Type::String));
        assert_eq!(t.attr("c"), None);
        assert_eq!(Type::String.attr("a"), None);
        assert_eq!(
            Type::list(Type::map(Type::String)).to_string(),
            "list of map of string"
        );
    }

    #[test]
    fn accessors() {
        let v = Value::object([
            ("name", Value::string("x")),
            ("n", Value::int(7)),
            ("f", Value::Number(1.5)),
            ("b", Value::Bool(true)),
            ("l", Value::List(vec![Value::int(1)])),
            ("u", Value::Unknown),
        ]);
        assert_eq!(v.get("name").as_str(), Some("x"));
        assert_eq!(v.get("n").as_i64(), Some(7));
        assert_eq!(v.get("f").as_i64(), None);
        assert_eq!(v.get("f").as_f64(), Some(1.5));
        assert_eq!(v.get("b").as_bool(), Some(true));
        assert_eq!(v.get("l").as_list().map(<[Value]>::len), Some(1));
        assert!(v.get("missing").is_null());
        assert!(v.get("name").get("x").is_null());
        assert!(v.get("u").is_unknown());
        assert!(v.is_known());
        assert!(!v.is_wholly_known());
        assert!(Value::Set(vec![Value::Null]).is_wholly_known());
        assert!(!Value::Tuple(vec![Value::List(vec![Value::Unknown])]).is_wholly_known());
        assert!(!Value::Map(BTreeMap::from([("k".into(), Value::Unknown)])).is_wholly_known());
        assert_eq!(Value::Set(vec![]).as_list(), Some(&[][..]));
        assert_eq!(Value::Tuple(vec![Value::Null]).as_list().unwrap().len(), 1);
        assert!(Value::string("x").as_list().is_none());
        assert!(Value::Null.as_str().is_none());
        assert_eq!(Value::Map(BTreeMap::new()).as_map().unwrap().len(), 0);
        assert!(Value::Null.as_map().is_none());
        // as_i64 range edges.
        assert_eq!(
            Value::Number(-9_223_372_036_854_775_808.0).as_i64(),
            Some(i64::MIN)
        );
        assert_eq!(Value::Number(9_223_372_036_854_775_808.0).as_i64(), None);
        assert_eq!(Value::Number(f64::INFINITY).as_i64(), None);
        assert_eq!(Value::Number(f64::NAN).as_i64(), None);
        assert_eq!(Value::Number(-0.0).as_i64(), Some(0));
    }

    #[test]
    fn attr_path_display() {
        let p = AttrPath::root().attr("members").index(2).attr("weight");
        assert_eq!(p.to_string(), "members[2].weight");
        assert_eq!(
            AttrPath::root().attr("endpoints").key("apig").to_string(),
            "endpoints[\"apig\"]"
        );
        assert_eq!(
            AttrPath::root().key("a\"b\\c").to_string(),
            "[\"a\\\"b\\\\c\"]"
        );
        assert_eq!(AttrPath::root().index(0).attr("x").to_string(), "[0].x");
        assert_eq!(AttrPath::root().to_string(), "");
        assert!(AttrPath::default().is_root());
    }
}
