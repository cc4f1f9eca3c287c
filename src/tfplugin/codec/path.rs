//! Where in a value a codec is: a borrowed path for error messages.

use super::CodecError;
use crate::tfplugin::value::{AttrPath, PathStep};

// Borrowed path: a stack-linked list, so the hot path allocates nothing and an
// AttrPath is only built when an error (or an ignored attribute) needs it.

#[derive(Clone, Copy)]
pub(super) enum Step<'a> {
    Attr(&'a str),
    Index(usize),
    Key(&'a str),
}

#[derive(Clone, Copy)]
pub(super) struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    step: Option<Step<'a>>,
}

pub(super) const ROOT: Path<'static> = Path {
    parent: None,
    step: None,
};

impl<'a> Path<'a> {
    pub(super) fn child(&'a self, step: Step<'a>) -> Path<'a> {
        Path {
            parent: Some(self),
            step: Some(step),
        }
    }

    pub(super) fn to_attr_path(self) -> AttrPath {
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

    pub(super) fn err(&self, message: impl Into<String>) -> CodecError {
        CodecError::new(message).at(self.to_attr_path())
    }
}

/// Parses a decimal number held in a string, as cty accepts for numbers.
pub(super) fn parse_number(s: &str) -> Option<f64> {
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
