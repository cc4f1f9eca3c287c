//! [`Value`] to go-cty msgpack, and the type inference dynamic slots need.

use std::collections::BTreeMap;
use std::convert::Infallible;

use rmp::encode::{self as enc, ByteBuf, ValueWriteError};

use super::path::{Path, Step, ROOT};
use super::EncodeError;
use crate::tfplugin::value::{f64_to_i64, find_attr, Type, Value, MAX_DEPTH};

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
    u32::try_from(n).map_err(|_| path.err("too large for msgpack"))
}

impl Encoder {
    fn enter(&mut self, path: &Path) -> Result<(), EncodeError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(path.err(format!("value nesting exceeds {MAX_DEPTH} levels")));
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
            ) => self.elements(xs, std::iter::repeat(&**et), path)?,
            (Type::Tuple(ets), Value::Tuple(xs) | Value::List(xs) | Value::Set(xs)) => {
                if xs.len() != ets.len() {
                    return Err(path.err(format!(
                        "tuple needs {} elements, value has {}",
                        ets.len(),
                        xs.len()
                    )));
                }
                self.elements(xs, ets.iter(), path)?
            }
            (Type::Map(et), Value::Map(m) | Value::Object(m)) => self.map(m, et, path)?,
            (Type::Object(attrs), Value::Object(m) | Value::Map(m)) => {
                self.object(m, attrs, path)?
            }
            _ => {
                return Err(path.err(format!("{ty} is required, value is a {}", kind(v))));
            }
        }
        Ok(())
    }

    /// A list, set or tuple: each element by its type.
    fn elements<'t>(
        &mut self,
        xs: &[Value],
        types: impl Iterator<Item = &'t Type>,
        path: &Path,
    ) -> Result<(), EncodeError> {
        enc::write_array_len(&mut self.out, len_u32(xs.len(), path)?).done();
        self.enter(path)?;
        for (i, (x, et)) in xs.iter().zip(types).enumerate() {
            self.value(x, et, &path.child(Step::Index(i)))?;
        }
        self.depth -= 1;
        Ok(())
    }

    fn map(
        &mut self,
        m: &BTreeMap<String, Value>,
        et: &Type,
        path: &Path,
    ) -> Result<(), EncodeError> {
        enc::write_map_len(&mut self.out, len_u32(m.len(), path)?).done();
        self.enter(path)?;
        for (k, x) in m {
            let child = path.child(Step::Key(k));
            self.str(k, &child)?;
            self.value(x, et, &child)?;
        }
        self.depth -= 1;
        Ok(())
    }

    /// Every attribute of the type, null when the value lacks it; an
    /// attribute the type lacks is an error.
    fn object(
        &mut self,
        m: &BTreeMap<String, Value>,
        attrs: &[(String, Type)],
        path: &Path,
    ) -> Result<(), EncodeError> {
        enc::write_map_len(&mut self.out, len_u32(attrs.len(), path)?).done();
        self.enter(path)?;
        let mut matched = 0;
        // Both are in name order: the next entry is usually the one.
        let mut entries = m.iter().peekable();
        for (name, aty) in attrs {
            let child = path.child(Step::Attr(name));
            self.str(name, &child)?;
            let x = match entries.peek() {
                Some((k, x)) if *k == name => {
                    let x = *x;
                    entries.next();
                    Some(x)
                }
                _ => m.get(name),
            };
            match x {
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
                .err("attribute is not in the object type"));
        }
        self.depth -= 1;
        Ok(())
    }

    fn number(&mut self, n: f64, path: &Path) -> Result<(), EncodeError> {
        if n.is_nan() {
            return Err(path.err("number is NaN"));
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
            .ok_or_else(|| path.err(format!("value nesting exceeds {MAX_DEPTH} levels")))?;
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

#[cfg(test)]
#[path = "msgpack_encode_tests.rs"]
mod tests;
