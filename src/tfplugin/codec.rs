//! DynamicValue codecs: go-cty msgpack (both ways) and state JSON (decode only).

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::fmt;

use rmp::encode::{self as enc, ByteBuf, ValueWriteError};
use rmp::Marker;

use super::value::{f64_to_i64, find_attr, AttrPath, PathStep, Type, Value, MAX_DEPTH};

/// Decoding failure, with the path of the offending value where known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    message: String,
    path: AttrPath,
}

impl DecodeError {
    pub fn new(message: impl Into<String>) -> DecodeError {
        DecodeError {
            message: message.into(),
            path: AttrPath::root(),
        }
    }

    /// Sets the path (e.g. when the caller knows where the bytes came from).
    pub fn at(mut self, path: AttrPath) -> DecodeError {
        self.path = path;
        self
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn path(&self) -> &AttrPath {
        &self.path
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_root() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for DecodeError {}

/// Encoding failure (value does not conform to the type), with the offending path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodeError {
    message: String,
    path: AttrPath,
}

impl EncodeError {
    pub fn new(message: impl Into<String>) -> EncodeError {
        EncodeError {
            message: message.into(),
            path: AttrPath::root(),
        }
    }

    pub fn at(mut self, path: AttrPath) -> EncodeError {
        self.path = path;
        self
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn path(&self) -> &AttrPath {
        &self.path
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_root() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for EncodeError {}

// ---------------------------------------------------------------------------
// Borrowed path: a stack-linked list, so the hot path allocates nothing and an
// AttrPath is only built when an error (or an ignored attribute) needs it.

#[derive(Clone, Copy)]
enum Step<'a> {
    Attr(&'a str),
    Index(usize),
    Key(&'a str),
}

#[derive(Clone, Copy)]
struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    step: Option<Step<'a>>,
}

const ROOT: Path<'static> = Path {
    parent: None,
    step: None,
};

impl<'a> Path<'a> {
    fn child(&'a self, step: Step<'a>) -> Path<'a> {
        Path {
            parent: Some(self),
            step: Some(step),
        }
    }

    fn to_attr_path(self) -> AttrPath {
        let mut steps = Vec::new();
        let mut cur = Some(&self);
        while let Some(p) = cur {
            match p.step {
                Some(Step::Attr(a)) => steps.push(PathStep::Attr(a.to_owned())),
                Some(Step::Index(i)) => {
                    steps.push(PathStep::Index(i64::try_from(i).unwrap_or(i64::MAX)))
                }
                Some(Step::Key(k)) => steps.push(PathStep::Key(k.to_owned())),
                None => {}
            }
            cur = p.parent;
        }
        steps.reverse();
        AttrPath(steps)
    }

    fn decode_err(&self, message: impl Into<String>) -> DecodeError {
        DecodeError {
            message: message.into(),
            path: self.to_attr_path(),
        }
    }

    fn encode_err(&self, message: impl Into<String>) -> EncodeError {
        EncodeError {
            message: message.into(),
            path: self.to_attr_path(),
        }
    }
}

/// Parses a decimal number held in a string, as cty accepts for numbers.
fn parse_number(s: &str) -> Option<f64> {
    // Rust's parser also takes "inf"/"NaN"; cty does not.
    if s.is_empty()
        || !s
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
    {
        return None;
    }
    s.parse::<f64>().ok().filter(|n| n.is_finite())
}

// ---------------------------------------------------------------------------
// msgpack decoding

/// Decodes a go-cty msgpack value (DynamicValue.msgpack) of type `ty`.
pub fn decode_msgpack(bytes: &[u8], ty: &Type) -> Result<Value, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::new("empty msgpack input"));
    }
    let mut d = Decoder {
        buf: bytes,
        pos: 0,
        depth: 0,
    };
    let v = d.value(ty, &ROOT)?;
    if d.pos != bytes.len() {
        return Err(DecodeError::new(format!(
            "{} trailing bytes after msgpack value",
            bytes.len() - d.pos
        )));
    }
    Ok(v)
}

struct Decoder<'a> {
    buf: &'a [u8],
    pos: usize,
    depth: usize,
}

impl<'a> Decoder<'a> {
    fn peek(&self, path: &Path) -> Result<Marker, DecodeError> {
        match self.buf.get(self.pos) {
            Some(&b) => Ok(Marker::from_u8(b)),
            None => Err(path.decode_err("unexpected end of msgpack input")),
        }
    }

    fn take(&mut self, n: usize, path: &Path) -> Result<&'a [u8], DecodeError> {
        let buf = self.buf;
        match self
            .pos
            .checked_add(n)
            .and_then(|end| buf.get(self.pos..end))
        {
            Some(s) => {
                self.pos += n;
                Ok(s)
            }
            None => Err(path.decode_err("unexpected end of msgpack input")),
        }
    }

    fn take_array<const N: usize>(&mut self, path: &Path) -> Result<[u8; N], DecodeError> {
        let s = self.take(N, path)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    fn u8(&mut self, path: &Path) -> Result<u8, DecodeError> {
        Ok(self.take_array::<1>(path)?[0])
    }

    fn u16(&mut self, path: &Path) -> Result<u16, DecodeError> {
        self.take_array(path).map(u16::from_be_bytes)
    }

    fn u32(&mut self, path: &Path) -> Result<u32, DecodeError> {
        self.take_array(path).map(u32::from_be_bytes)
    }

    fn u64(&mut self, path: &Path) -> Result<u64, DecodeError> {
        self.take_array(path).map(u64::from_be_bytes)
    }

    fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn enter(&mut self, path: &Path) -> Result<(), DecodeError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(path.decode_err(format!("value nesting exceeds {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    /// Skips an extension value whose marker has been peeked.
    fn skip_ext(&mut self, m: Marker, path: &Path) -> Result<(), DecodeError> {
        self.pos += 1;
        let data_len = match m {
            Marker::FixExt1 => 1,
            Marker::FixExt2 => 2,
            Marker::FixExt4 => 4,
            Marker::FixExt8 => 8,
            Marker::FixExt16 => 16,
            Marker::Ext8 => self.u8(path)? as usize,
            Marker::Ext16 => self.u16(path)? as usize,
            _ => self.u32(path)? as usize,
        };
        // +1 for the extension type byte.
        self.take(data_len.saturating_add(1), path).map(|_| ())
    }

    /// Length of a str or bin payload, if `m` is one.
    fn bytes_len(&mut self, m: Marker, path: &Path) -> Result<Option<usize>, DecodeError> {
        Ok(Some(match m {
            Marker::FixStr(n) => n as usize,
            Marker::Str8 | Marker::Bin8 => self.u8(path)? as usize,
            Marker::Str16 | Marker::Bin16 => self.u16(path)? as usize,
            Marker::Str32 | Marker::Bin32 => self.u32(path)? as usize,
            _ => return Ok(None),
        }))
    }

    /// Reads a str (or bin, which go's decoder also accepts as a string) as bytes.
    fn read_bytes(&mut self, path: &Path, what: &str) -> Result<&'a [u8], DecodeError> {
        let m = self.peek(path)?;
        self.pos += 1;
        match self.bytes_len(m, path)? {
            Some(n) => self.take(n, path),
            None => Err(path.decode_err(format!("{what} is required"))),
        }
    }

    fn read_str(&mut self, path: &Path, what: &str) -> Result<&'a str, DecodeError> {
        let b = self.read_bytes(path, what)?;
        std::str::from_utf8(b).map_err(|_| path.decode_err("string is not valid UTF-8"))
    }

    fn array_len(&mut self, path: &Path, what: &str) -> Result<usize, DecodeError> {
        let m = self.peek(path)?;
        self.pos += 1;
        Ok(match m {
            Marker::FixArray(n) => n as usize,
            Marker::Array16 => self.u16(path)? as usize,
            Marker::Array32 => self.u32(path)? as usize,
            _ => return Err(path.decode_err(format!("{what} is required"))),
        })
    }

    fn map_len(&mut self, path: &Path, what: &str) -> Result<usize, DecodeError> {
        let m = self.peek(path)?;
        self.pos += 1;
        Ok(match m {
            Marker::FixMap(n) => n as usize,
            Marker::Map16 => self.u16(path)? as usize,
            Marker::Map32 => self.u32(path)? as usize,
            _ => return Err(path.decode_err(format!("{what} is required"))),
        })
    }

    fn value(&mut self, ty: &Type, path: &Path) -> Result<Value, DecodeError> {
        let m = self.peek(path)?;
        // go-cty treats every extension as an unknown (type 0 plain, 12 refined).
        if matches!(
            m,
            Marker::FixExt1
                | Marker::FixExt2
                | Marker::FixExt4
                | Marker::FixExt8
                | Marker::FixExt16
                | Marker::Ext8
                | Marker::Ext16
                | Marker::Ext32
        ) {
            self.skip_ext(m, path)?;
            return Ok(Value::Unknown);
        }
        if let Marker::Null = m {
            self.pos += 1;
            return Ok(Value::Null);
        }
        match ty {
            Type::Bool => {
                self.pos += 1;
                match m {
                    Marker::True => Ok(Value::Bool(true)),
                    Marker::False => Ok(Value::Bool(false)),
                    _ => Err(path.decode_err("bool is required")),
                }
            }
            Type::Number => self.number(m, path).map(Value::Number),
            Type::String => Ok(Value::String(self.read_str(path, "string")?.to_owned())),
            Type::Dynamic => self.dynamic(path),
            Type::List(et) | Type::Set(et) => {
                let n = self.array_len(
                    path,
                    if let Type::Set(_) = ty {
                        "a set"
                    } else {
                        "a list"
                    },
                )?;
                self.enter(path)?;
                // Each element is at least one byte: caps hostile length claims.
                let mut xs = Vec::with_capacity(n.min(self.remaining()));
                for i in 0..n {
                    xs.push(self.value(et, &path.child(Step::Index(i)))?);
                }
                self.depth -= 1;
                Ok(if let Type::Set(_) = ty {
                    Value::Set(xs)
                } else {
                    Value::List(xs)
                })
            }
            Type::Tuple(ets) => {
                let n = self.array_len(path, "a tuple")?;
                if n != ets.len() {
                    return Err(path.decode_err(format!(
                        "a tuple of length {} is required ({n} given)",
                        ets.len()
                    )));
                }
                self.enter(path)?;
                let mut xs = Vec::with_capacity(n);
                for (i, et) in ets.iter().enumerate() {
                    xs.push(self.value(et, &path.child(Step::Index(i)))?);
                }
                self.depth -= 1;
                Ok(Value::Tuple(xs))
            }
            Type::Map(et) => {
                let n = self.map_len(path, "a map")?;
                self.enter(path)?;
                let mut entries = Vec::with_capacity(n.min(self.remaining() / 2));
                for _ in 0..n {
                    let k = self.read_str(path, "a string map key")?;
                    let v = self.value(et, &path.child(Step::Key(k)))?;
                    entries.push((k.to_owned(), v));
                }
                self.depth -= 1;
                // Sorted bulk build; duplicate keys collapse to one entry.
                Ok(Value::Map(entries.into_iter().collect()))
            }
            Type::Object(attrs) => {
                let n = self.map_len(path, "an object")?;
                self.enter(path)?;
                let mut slots: Vec<Option<Value>> = vec![None; attrs.len()];
                for _ in 0..n {
                    let k = self.read_str(path, "a string attribute name")?;
                    let child = path.child(Step::Attr(k));
                    let Some(i) = find_attr(attrs, k) else {
                        return Err(child.decode_err("unsupported attribute"));
                    };
                    slots[i] = Some(self.value(&attrs[i].1, &child)?);
                }
                self.depth -= 1;
                Ok(Value::Object(
                    attrs
                        .iter()
                        .zip(slots)
                        .map(|((name, _), v)| (name.clone(), v.unwrap_or(Value::Null)))
                        .collect(),
                ))
            }
        }
    }

    fn number(&mut self, m: Marker, path: &Path) -> Result<f64, DecodeError> {
        self.pos += 1;
        let n = match m {
            Marker::FixPos(n) => n as f64,
            Marker::FixNeg(n) => n as f64,
            Marker::U8 => self.u8(path)? as f64,
            Marker::U16 => self.u16(path)? as f64,
            Marker::U32 => self.u32(path)? as f64,
            Marker::U64 => self.u64(path)? as f64,
            Marker::I8 => self.u8(path)? as i8 as f64,
            Marker::I16 => self.u16(path)? as i16 as f64,
            Marker::I32 => self.u32(path)? as i32 as f64,
            Marker::I64 => self.u64(path)? as i64 as f64,
            Marker::F32 => f32::from_bits(self.u32(path)?) as f64,
            Marker::F64 => f64::from_bits(self.u64(path)?),
            _ => {
                // go-cty falls back to a decimal string for numbers too big or precise.
                self.pos -= 1;
                let s = self.read_str(path, "number")?;
                return parse_number(s)
                    .ok_or_else(|| path.decode_err(format!("invalid number {s:?}")));
            }
        };
        if n.is_nan() {
            return Err(path.decode_err("number is NaN"));
        }
        Ok(n)
    }

    /// go-cty's dynamic form: [type JSON (bin or str), value encoded by that type].
    fn dynamic(&mut self, path: &Path) -> Result<Value, DecodeError> {
        let n = self.array_len(path, "a dynamic value (2-element array)")?;
        if n != 2 {
            return Err(path.decode_err("dynamic value array must have exactly two elements"));
        }
        self.enter(path)?;
        let json = self.read_bytes(path, "dynamic value type JSON")?;
        let ty = Type::from_json(json).map_err(|e| path.decode_err(e))?;
        let v = self.value(&ty, path)?;
        self.depth -= 1;
        Ok(v)
    }
}

// ---------------------------------------------------------------------------
// msgpack encoding

/// Unwraps results of writes into ByteBuf, which cannot fail.
trait Infallibly<T> {
    fn done(self) -> T;
}

impl<T> Infallibly<T> for Result<T, Infallible> {
    fn done(self) -> T {
        match self {
            Ok(v) => v,
            Err(e) => match e {},
        }
    }
}

impl<T> Infallibly<T> for Result<T, ValueWriteError<Infallible>> {
    fn done(self) -> T {
        match self {
            Ok(v) => v,
            Err(ValueWriteError::InvalidMarkerWrite(e) | ValueWriteError::InvalidDataWrite(e)) => {
                match e {}
            }
        }
    }
}

const UNKNOWN: [u8; 3] = [0xd4, 0x00, 0x00];

/// Encodes `v` as go-cty msgpack of type `ty`: objects carry every attribute of the type
/// (missing ones as nil) in name order; unknowns are `d4 00 00`.
pub fn encode_msgpack(v: &Value, ty: &Type) -> Result<Vec<u8>, EncodeError> {
    let mut e = Encoder {
        out: ByteBuf::with_capacity(64),
        depth: 0,
    };
    e.value(v, ty, &ROOT)?;
    Ok(e.out.into_vec())
}

struct Encoder {
    out: ByteBuf,
    depth: usize,
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Unknown => "unknown",
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::List(_) => "list",
        Value::Set(_) => "set",
        Value::Map(_) => "map",
        Value::Object(_) => "object",
        Value::Tuple(_) => "tuple",
    }
}

fn len_u32(n: usize, path: &Path) -> Result<u32, EncodeError> {
    u32::try_from(n).map_err(|_| path.encode_err("too large for msgpack"))
}

impl Encoder {
    fn enter(&mut self, path: &Path) -> Result<(), EncodeError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(path.encode_err(format!("value nesting exceeds {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    fn str(&mut self, s: &str, path: &Path) -> Result<(), EncodeError> {
        len_u32(s.len(), path)?;
        enc::write_str(&mut self.out, s).done();
        Ok(())
    }

    fn value(&mut self, v: &Value, ty: &Type, path: &Path) -> Result<(), EncodeError> {
        match (ty, v) {
            (_, Value::Unknown) => self.out.as_mut_vec().extend_from_slice(&UNKNOWN),
            (_, Value::Null) => enc::write_nil(&mut self.out).done(),
            (Type::Dynamic, _) => self.dynamic(v, path)?,
            (Type::Bool, Value::Bool(b)) => enc::write_bool(&mut self.out, *b).done(),
            (Type::Number, Value::Number(n)) => self.number(*n, path)?,
            (Type::String, Value::String(s)) => self.str(s, path)?,
            (
                Type::List(et) | Type::Set(et),
                Value::List(xs) | Value::Set(xs) | Value::Tuple(xs),
            ) => {
                enc::write_array_len(&mut self.out, len_u32(xs.len(), path)?).done();
                self.enter(path)?;
                for (i, x) in xs.iter().enumerate() {
                    self.value(x, et, &path.child(Step::Index(i)))?;
                }
                self.depth -= 1;
            }
            (Type::Tuple(ets), Value::Tuple(xs) | Value::List(xs) | Value::Set(xs)) => {
                if xs.len() != ets.len() {
                    return Err(path.encode_err(format!(
                        "tuple needs {} elements, value has {}",
                        ets.len(),
                        xs.len()
                    )));
                }
                enc::write_array_len(&mut self.out, len_u32(xs.len(), path)?).done();
                self.enter(path)?;
                for (i, (x, et)) in xs.iter().zip(ets).enumerate() {
                    self.value(x, et, &path.child(Step::Index(i)))?;
                }
                self.depth -= 1;
            }
            (Type::Map(et), Value::Map(m) | Value::Object(m)) => {
                enc::write_map_len(&mut self.out, len_u32(m.len(), path)?).done();
                self.enter(path)?;
                for (k, x) in m {
                    let child = path.child(Step::Key(k));
                    self.str(k, &child)?;
                    self.value(x, et, &child)?;
                }
                self.depth -= 1;
            }
            (Type::Object(attrs), Value::Object(m) | Value::Map(m)) => {
                enc::write_map_len(&mut self.out, len_u32(attrs.len(), path)?).done();
                self.enter(path)?;
                let mut matched = 0;
                for (name, aty) in attrs {
                    let child = path.child(Step::Attr(name));
                    self.str(name, &child)?;
                    match m.get(name) {
                        Some(x) => {
                            matched += 1;
                            self.value(x, aty, &child)?;
                        }
                        None => enc::write_nil(&mut self.out).done(),
                    }
                }
                if matched != m.len() {
                    // Report the first attribute the type does not have.
                    let extra = m.keys().find(|k| find_attr(attrs, k).is_none());
                    let extra = extra.map(String::as_str).unwrap_or("?");
                    return Err(path
                        .child(Step::Attr(extra))
                        .encode_err("attribute is not in the object type"));
                }
                self.depth -= 1;
            }
            _ => {
                return Err(path.encode_err(format!("{ty} is required, value is a {}", kind(v))));
            }
        }
        Ok(())
    }

    fn number(&mut self, n: f64, path: &Path) -> Result<(), EncodeError> {
        if n.is_nan() {
            return Err(path.encode_err("number is NaN"));
        }
        if let Some(i) = f64_to_i64(n) {
            enc::write_sint(&mut self.out, i).done();
        } else {
            // Non-integral, out of i64 range, or infinite (cty also sends those as float64).
            enc::write_f64(&mut self.out, n).done();
        }
        Ok(())
    }

    /// Known, non-null value in a dynamic slot: [type JSON as bin, value].
    fn dynamic(&mut self, v: &Value, path: &Path) -> Result<(), EncodeError> {
        let ty = infer_type(v, 0)
            .ok_or_else(|| path.encode_err(format!("value nesting exceeds {MAX_DEPTH} levels")))?;
        enc::write_array_len(&mut self.out, 2).done();
        let json = ty.to_json();
        len_u32(json.len(), path)?;
        enc::write_bin(&mut self.out, json.as_bytes()).done();
        self.enter(path)?;
        self.value(v, &ty, path)?;
        self.depth -= 1;
        Ok(())
    }
}

/// Infers a concrete type for a value placed in a dynamic slot. Null/unknown parts are
/// `dynamic`; collections whose elements disagree become tuples/objects, since cty
/// collections must be homogeneous. None when nested too deep.
fn infer_type(v: &Value, depth: usize) -> Option<Type> {
    if depth > MAX_DEPTH {
        return None;
    }
    Some(match v {
        Value::Unknown | Value::Null => Type::Dynamic,
        Value::Bool(_) => Type::Bool,
        Value::Number(_) => Type::Number,
        Value::String(_) => Type::String,
        Value::List(xs) | Value::Set(xs) => {
            let ets = xs
                .iter()
                .map(|x| infer_type(x, depth + 1))
                .collect::<Option<Vec<_>>>()?;
            match unify_all(&ets) {
                Some(et) if matches!(v, Value::Set(_)) => Type::Set(Box::new(et)),
                Some(et) => Type::List(Box::new(et)),
                None => Type::Tuple(ets),
            }
        }
        Value::Tuple(xs) => Type::Tuple(
            xs.iter()
                .map(|x| infer_type(x, depth + 1))
                .collect::<Option<Vec<_>>>()?,
        ),
        Value::Map(m) => {
            let ets = m
                .values()
                .map(|x| infer_type(x, depth + 1))
                .collect::<Option<Vec<_>>>()?;
            match unify_all(&ets) {
                Some(et) => Type::Map(Box::new(et)),
                None => Type::Object(m.keys().cloned().zip(ets).collect()),
            }
        }
        Value::Object(m) => Type::Object(
            m.iter()
                .map(|(k, x)| Some((k.clone(), infer_type(x, depth + 1)?)))
                .collect::<Option<Vec<_>>>()?,
        ),
    })
}

fn unify_all(ts: &[Type]) -> Option<Type> {
    ts.iter().try_fold(Type::Dynamic, unify)
}

/// Common type of two inferred types, treating `dynamic` (null/unknown) as a wildcard.
fn unify(a: Type, b: &Type) -> Option<Type> {
    match (a, b) {
        (a, b) if a == *b => Some(a),
        (Type::Dynamic, b) => Some(b.clone()),
        (a, Type::Dynamic) => Some(a),
        (Type::List(x), Type::List(y)) => Some(Type::List(Box::new(unify(*x, y)?))),
        (Type::Set(x), Type::Set(y)) => Some(Type::Set(Box::new(unify(*x, y)?))),
        (Type::Map(x), Type::Map(y)) => Some(Type::Map(Box::new(unify(*x, y)?))),
        (Type::Object(xs), Type::Object(ys)) if xs.len() == ys.len() => xs
            .into_iter()
            .zip(ys)
            .map(|((n, x), (m, y))| {
                if n == *m {
                    Some((n, unify(x, y)?))
                } else {
                    None
                }
            })
            .collect::<Option<Vec<_>>>()
            .map(Type::Object),
        (Type::Tuple(xs), Type::Tuple(ys)) if xs.len() == ys.len() => xs
            .into_iter()
            .zip(ys)
            .map(|(x, y)| unify(x, y))
            .collect::<Option<Vec<_>>>()
            .map(Type::Tuple),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// JSON decoding (UpgradeResourceState RawState.json)

/// Decodes a state JSON value of type `ty`. Object attributes absent from the JSON are
/// null; attributes the type lacks are dropped and their paths returned for logging.
pub fn decode_json(bytes: &[u8], ty: &Type) -> Result<(Value, Vec<String>), DecodeError> {
    let json: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| DecodeError::new(format!("invalid JSON: {e}")))?;
    let mut ignored = Vec::new();
    let v = json_value(json, ty, &ROOT, 0, &mut ignored)?;
    Ok((v, ignored))
}

fn json_value(
    j: serde_json::Value,
    ty: &Type,
    path: &Path,
    depth: usize,
    ignored: &mut Vec<String>,
) -> Result<Value, DecodeError> {
    use serde_json::Value as J;
    if depth > MAX_DEPTH {
        return Err(path.decode_err(format!("value nesting exceeds {MAX_DEPTH} levels")));
    }
    Ok(match (ty, j) {
        (_, J::Null) => Value::Null,
        (Type::Dynamic, J::Object(mut m)) => {
            // ctyjson wraps dynamic values as {"value": ..., "type": ...}.
            let (t, v) = (m.remove("type"), m.remove("value"));
            let (Some(t), Some(v), true) = (t, v, m.is_empty()) else {
                return Err(path.decode_err(
                    "dynamic value must be a JSON object with exactly \"value\" and \"type\"",
                ));
            };
            let t = Type::from_json_value(&t, 0).map_err(|e| path.decode_err(e))?;
            json_value(v, &t, path, depth + 1, ignored)?
        }
        (Type::Bool, J::Bool(b)) => Value::Bool(b),
        // cty converts these strings to bool.
        (Type::Bool, J::String(s)) => match s.as_str() {
            "true" | "1" => Value::Bool(true),
            "false" | "0" => Value::Bool(false),
            _ => return Err(path.decode_err(format!("invalid bool {s:?}"))),
        },
        (Type::Number, J::Number(n)) => match n.as_f64() {
            Some(f) => Value::Number(f),
            None => return Err(path.decode_err(format!("invalid number {n}"))),
        },
        (Type::Number, J::String(s)) => match parse_number(&s) {
            Some(f) => Value::Number(f),
            None => return Err(path.decode_err(format!("invalid number {s:?}"))),
        },
        (Type::String, J::String(s)) => Value::String(s),
        (Type::String, J::Number(n)) => Value::String(n.to_string()),
        (Type::String, J::Bool(b)) => Value::String(b.to_string()),
        (Type::List(et) | Type::Set(et), J::Array(xs)) => {
            let xs = xs
                .into_iter()
                .enumerate()
                .map(|(i, x)| json_value(x, et, &path.child(Step::Index(i)), depth + 1, ignored))
                .collect::<Result<Vec<_>, _>>()?;
            if let Type::Set(_) = ty {
                Value::Set(xs)
            } else {
                Value::List(xs)
            }
        }
        (Type::Tuple(ets), J::Array(xs)) => {
            if xs.len() != ets.len() {
                return Err(path.decode_err(format!(
                    "a tuple of length {} is required ({} given)",
                    ets.len(),
                    xs.len()
                )));
            }
            Value::Tuple(
                xs.into_iter()
                    .zip(ets)
                    .enumerate()
                    .map(|(i, (x, et))| {
                        json_value(x, et, &path.child(Step::Index(i)), depth + 1, ignored)
                    })
                    .collect::<Result<_, _>>()?,
            )
        }
        (Type::Map(et), J::Object(m)) => {
            let mut out = BTreeMap::new();
            for (k, x) in m {
                let v = json_value(x, et, &path.child(Step::Key(&k)), depth + 1, ignored)?;
                out.insert(k, v);
            }
            Value::Map(out)
        }
        (Type::Object(attrs), J::Object(m)) => {
            let mut out = BTreeMap::new();
            for (k, x) in m {
                let child = path.child(Step::Attr(&k));
                match find_attr(attrs, &k) {
                    Some(i) => {
                        let v = json_value(x, &attrs[i].1, &child, depth + 1, ignored)?;
                        out.insert(k, v);
                    }
                    None => ignored.push(child.to_attr_path().to_string()),
                }
            }
            if out.len() != attrs.len() {
                for (name, _) in attrs {
                    if !out.contains_key(name) {
                        out.insert(name.clone(), Value::Null);
                    }
                }
            }
            Value::Object(out)
        }
        (_, j) => {
            let got = match j {
                J::Bool(_) => "bool",
                J::Number(_) => "number",
                J::String(_) => "string",
                J::Array(_) => "array",
                J::Object(_) => "object",
                J::Null => "null",
            };
            return Err(path.decode_err(format!("{ty} is required, JSON has {got}")));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
