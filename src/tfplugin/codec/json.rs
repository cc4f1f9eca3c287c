//! State JSON (UpgradeResourceState RawState.json) to [`Value`].

use std::collections::BTreeMap;

use super::path::{parse_number, Path, Step, ROOT};
use super::DecodeError;
use crate::tfplugin::value::{find_attr, Type, Value, MAX_DEPTH};

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
        return Err(path.err(format!("value nesting exceeds {MAX_DEPTH} levels")));
    }
    Ok(match (ty, j) {
        (_, J::Null) => Value::Null,
        (Type::Dynamic, J::Object(mut m)) => {
            // ctyjson wraps dynamic values as {"value": ..., "type": ...}.
            let (t, v) = (m.remove("type"), m.remove("value"));
            let (Some(t), Some(v), true) = (t, v, m.is_empty()) else {
                return Err(path.err(
                    "dynamic value must be a JSON object with exactly \"value\" and \"type\"",
                ));
            };
            let t = Type::from_json_value(&t, 0).map_err(|e| path.err(e))?;
            json_value(v, &t, path, depth + 1, ignored)?
        }
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
                return Err(path.err(format!(
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
            return Err(path.err(format!("{ty} is required, JSON has {got}")));
        }
    })
}

#[cfg(test)]
#[path = "json_tests.rs"]
mod tests;
