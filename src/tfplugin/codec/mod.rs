//! DynamicValue codecs: go-cty msgpack (both ways, `msgpack_decode` and
//! `msgpack_encode`) and state JSON (decode only, `json`).

use std::fmt;

use super::value::AttrPath;

mod json;
mod msgpack_decode;
mod msgpack_encode;
mod path;

pub use json::decode_json;
pub use msgpack_decode::decode_msgpack;
pub use msgpack_encode::encode_msgpack;

/// A codec failure, with the path of the offending value where known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodecError {
    message: String,
    path: AttrPath,
}

/// Bytes that do not decode as a value of the type.
pub type DecodeError = CodecError;
/// A value that does not conform to the type it is encoded as.
pub type EncodeError = CodecError;

impl CodecError {
    /// An error at the root of the value.
    pub fn new(message: impl Into<String>) -> CodecError {
        CodecError {
            message: message.into(),
            path: AttrPath::root(),
        }
    }

    /// Sets the path (e.g. when the caller knows where the bytes came from).
    pub fn at(mut self, path: AttrPath) -> CodecError {
        self.path = path;
        self
    }

    /// What is wrong, without the path.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Where in the value it is wrong.
    pub fn path(&self) -> &AttrPath {
        &self.path
    }
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_root() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for CodecError {}

#[cfg(test)]
mod tests;
