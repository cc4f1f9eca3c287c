//! State JSON (UpgradeResourceState RawState.json) to [`Value`].

use std::collections::BTreeMap;

use serde_json::Value as J;

use super::path::{parse_number, Path, Step, ROOT};
use super::DecodeError;
use crate::tfplugin::value::{find_attr, Type, Value, MAX_DEPTH};

// JSON decoding (UpgradeResourceState RawState.json)

/// Decodes a state JSON value of type `ty`. Object attributes absent from the JSON are
/// null; attributes the type lacks are dropped and their paths returned for logging.
pub fn decode_json(bytes: &[u8], ty: &Type) -> Result<(Value, Vec<String>), DecodeError> {
    let json: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| DecodeError::new(format!("invalid JSON: {e}")))?;
    let mut r = Reader {
        ignored: Vec::new(),
    };
    let v = r.value(json, ty, &ROOT, 0)?;
    Ok((v, r.ignored))
}

/// One decode: the paths of dropped attributes, collected on the way.
struct Reader {
    ignored: Vec<String>,
}

impl Reader {
    fn value(&mut self, j: J, ty: &Type, path: &Path, depth: usize) -> Result<Value, DecodeError> {
        if depth > MAX_DEPTH {
            return Err(path.err(format!("value nesting exceeds {MAX_DEPTH} levels")));
        }
        let depth = depth + 1;
        match (ty, j) {
            (_, J::Null) => Ok(Value::Null),
            (Type::Dynamic, J::Object(m)) => self.dynamic(m, path, depth),
            (Type::List(et) | Type::Set(et), J::Array(xs)) => {
                let xs = (xs.into_iter().enumerate())
                    .map(|(i, x)| self.value(x, et, &path.child(Step::Index(i)), depth))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(match ty {
                    Type::Set(_) => Value::Set(xs),
                    _ => Value::List(xs),
                })
            }
            (Type::Tuple(ets), J::Array(xs)) => self.tuple(xs, ets, path, depth),
            (Type::Map(et), J::Object(m)) => {
                let mut out = BTreeMap::new();
                for (k, x) in m {
                    let v = self.value(x, et, &path.child(Step::Key(&k)), depth)?;
                    out.insert(k, v);
                }
                Ok(Value::Map(out))
            }
            (Type::Object(attrs), J::Object(m)) => self.object(m, attrs, path, depth),
            (ty, j) => scalar(ty, j, path),
        }
    }

    /// ctyjson wraps dynamic values as {"value": ..., "type": ...}.
    fn dynamic(
        &mut self,
        mut m: serde_json::Map<String, J>,
        path: &Path,
        depth: usize,
    ) -> Result<Value, DecodeError> {
        let (t, v) = (m.remove("type"), m.remove("value"));
        let (Some(t), Some(v), true) = (t, v, m.is_empty()) else {
            return Err(
                path.err("dynamic value must be a JSON object with exactly \"value\" and \"type\"")
            );
        };
        let t = Type::from_json_value(&t, 0).map_err(|e| path.err(e))?;
        self.value(v, &t, path, depth)
    }

    fn tuple(
        &mut self,
        xs: Vec<J>,
        ets: &[Type],
        path: &Path,
        depth: usize,
    ) -> Result<Value, DecodeError> {
        if xs.len() != ets.len() {
            return Err(path.err(format!(
                "a tuple of length {} is required ({} given)",
                ets.len(),
                xs.len()
            )));
        }
        (xs.into_iter().zip(ets).enumerate())
            .map(|(i, (x, et))| self.value(x, et, &path.child(Step::Index(i)), depth))
            .collect::<Result<_, _>>()
            .map(Value::Tuple)
    }

    /// Attributes the type lacks are dropped (and noted); absent ones are null.
    fn object(
        &mut self,
        m: serde_json::Map<String, J>,
        attrs: &[(String, Type)],
        path: &Path,
        depth: usize,
    ) -> Result<Value, DecodeError> {
        let mut out = BTreeMap::new();
        for (k, x) in m {
            let child = path.child(Step::Attr(&k));
            match find_attr(attrs, &k) {
                Some(i) => {
                    let v = self.value(x, &attrs[i].1, &child, depth)?;
                    out.insert(k, v);
                }
                None => self.ignored.push(child.to_attr_path().to_string()),
            }
        }
        if out.len() != attrs.len() {
            for (name, _) in attrs {
                if !out.contains_key(name) {
                    out.insert(name.clone(), Value::Null);
                }
            }
        }
        Ok(Value::Object(out))
    }
}

/// A primitive value, with the conversions cty makes from strings; any
/// other pairing of type and JSON is an error.
fn scalar(ty: &Type, j: J, path: &Path) -> Result<Value, DecodeError> {
    Ok(match (ty, j) {
        (Type::Bool, J::Bool(b)) => Value::Bool(b),
        // cty converts these strings to bool.
        (Type::Bool, J::String(s)) => match s.as_str() {
            "true" | "1" => Value::Bool(true),
            "false" | "0" => Value::Bool(false),
            _ => return Err(path.err(format!("invalid bool {s:?}"))),
        },
        (Type::Number, J::Number(n)) => match n.as_f64() {
            Some(f) => Value::Number(f),
            None => return Err(path.err(format!("invalid number {n}"))),
        },
        (Type::Number, J::String(s)) => match parse_number(&s) {
            Some(f) => Value::Number(f),
            None => return Err(path.err(format!("invalid number {s:?}"))),
        },
        (Type::String, J::String(s)) => Value::String(s),
        (Type::String, J::Number(n)) => Value::String(n.to_string()),
        (Type::String, J::Bool(b)) => Value::String(b.to_string()),
        (_, j) => {
            let got = match j {
                J::Bool(_) => "bool",
                J::Number(_) => "number",
                J::String(_) => "string",
                J::Array(_) => "array",
                J::Object(_) => "object",
                J::Null => "null",
            };
            return Err(path.err(format!("{ty} is required, JSON has {got}")));
        }
    })
}

#[cfg(test)]
#[path = "json_tests.rs"]
mod tests;
