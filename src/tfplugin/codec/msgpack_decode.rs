//! go-cty msgpack to [`Value`], guided by the type.

use rmp::Marker;

use super::path::{parse_number, Path, Step, ROOT};
use super::DecodeError;
use crate::tfplugin::value::{find_attr, Type, Value, MAX_DEPTH};

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
            None => Err(path.err("unexpected end of msgpack input")),
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
            None => Err(path.err("unexpected end of msgpack input")),
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
            return Err(path.err(format!("value nesting exceeds {MAX_DEPTH} levels")));
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
            None => Err(path.err(format!("{what} is required"))),
        }
    }

    fn read_str(&mut self, path: &Path, what: &str) -> Result<&'a str, DecodeError> {
        let b = self.read_bytes(path, what)?;
        std::str::from_utf8(b).map_err(|_| path.err("string is not valid UTF-8"))
    }

    fn array_len(&mut self, path: &Path, what: &str) -> Result<usize, DecodeError> {
        let m = self.peek(path)?;
        self.pos += 1;
        Ok(match m {
            Marker::FixArray(n) => n as usize,
            Marker::Array16 => self.u16(path)? as usize,
            Marker::Array32 => self.u32(path)? as usize,
            _ => return Err(path.err(format!("{what} is required"))),
        })
    }

    fn map_len(&mut self, path: &Path, what: &str) -> Result<usize, DecodeError> {
        let m = self.peek(path)?;
        self.pos += 1;
        Ok(match m {
            Marker::FixMap(n) => n as usize,
            Marker::Map16 => self.u16(path)? as usize,
            Marker::Map32 => self.u32(path)? as usize,
            _ => return Err(path.err(format!("{what} is required"))),
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
                    _ => Err(path.err("bool is required")),
                }
            }
            Type::Number => self.number(m, path).map(Value::Number),
            Type::String => Ok(Value::String(self.read_str(path, "string")?.to_owned())),
            Type::Dynamic => self.dynamic(path),
            Type::List(et) => self.elements(et, path, "a list").map(Value::List),
            Type::Set(et) => self.elements(et, path, "a set").map(Value::Set),
            Type::Tuple(ets) => self.tuple(ets, path),
            Type::Map(et) => self.map(et, path),
            Type::Object(attrs) => self.object(attrs, path),
        }
    }

    /// The elements of a list or set (`what`).
    fn elements(&mut self, et: &Type, path: &Path, what: &str) -> Result<Vec<Value>, DecodeError> {
        let n = self.array_len(path, what)?;
        self.enter(path)?;
        // Each element is at least one byte: caps hostile length claims.
        let mut xs = Vec::with_capacity(n.min(self.remaining()));
        for i in 0..n {
            xs.push(self.value(et, &path.child(Step::Index(i)))?);
        }
        self.depth -= 1;
        Ok(xs)
    }

    fn tuple(&mut self, ets: &[Type], path: &Path) -> Result<Value, DecodeError> {
        let n = self.array_len(path, "a tuple")?;
        if n != ets.len() {
            return Err(path.err(format!(
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

    fn map(&mut self, et: &Type, path: &Path) -> Result<Value, DecodeError> {
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

    fn object(&mut self, attrs: &[(String, Type)], path: &Path) -> Result<Value, DecodeError> {
        let n = self.map_len(path, "an object")?;
        self.enter(path)?;
        let mut slots: Vec<Option<Value>> = vec![None; attrs.len()];
        let mut next = 0;
        for _ in 0..n {
            let k = self.read_str(path, "a string attribute name")?;
            let child = path.child(Step::Attr(k));
            // go-cty writes attributes in name order: try the next one first.
            let i = match attrs.get(next) {
                Some((name, _)) if name == k => next,
                _ => match find_attr(attrs, k) {
                    Some(i) => i,
                    None => return Err(child.err("unsupported attribute")),
                },
            };
            next = i + 1;
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
                return parse_number(s).ok_or_else(|| path.err(format!("invalid number {s:?}")));
            }
        };
        if n.is_nan() {
            return Err(path.err("number is NaN"));
        }
        Ok(n)
    }

    /// go-cty's dynamic form: [type JSON (bin or str), value encoded by that type].
    fn dynamic(&mut self, path: &Path) -> Result<Value, DecodeError> {
        let n = self.array_len(path, "a dynamic value (2-element array)")?;
        if n != 2 {
            return Err(path.err("dynamic value array must have exactly two elements"));
        }
        self.enter(path)?;
        let json = self.read_bytes(path, "dynamic value type JSON")?;
        let ty = Type::from_json(json).map_err(|e| path.err(e))?;
        let v = self.value(&ty, path)?;
        self.depth -= 1;
        Ok(v)
    }
}

#[cfg(test)]
#[path = "msgpack_decode_tests.rs"]
mod tests;
