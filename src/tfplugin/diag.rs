//! Diagnostics: what Terraform shows the user, with the attribute path.

use super::schema::{Attribute, Kind, Nesting};
use super::value::{AttrPath, PathStep};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
/// How bad a diagnostic is.
pub enum Severity {
    /// Terraform stops.
    Error,
    /// Terraform shows it and goes on.
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq)]
/// One finding for Terraform to show: a summary line, the detail, and
/// the attribute it concerns.
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// One line, shown as the diagnostic's title.
    pub summary: String,
    /// The full text, in the user's terms.
    pub detail: String,
    /// The attribute concerned.
    pub path: Option<AttrPath>,
    /// Where Terraform is told to show the source (see [`locate`]).
    pub shown: Shown,
}

/// Where Terraform shows a diagnostic's source.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Shown {
    /// At `path`.
    #[default]
    AtPath,
    /// At an enclosing attribute or element Terraform can find.
    At(AttrPath),
    /// Nowhere: the source would show a sensitive value.
    Nowhere,
}

impl Diagnostic {
    /// An error about the whole object.
    pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
            path: None,
            shown: Shown::AtPath,
        }
    }
    /// An error about the attribute at `path`.
    pub fn error_at(path: AttrPath, summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Diagnostic {
            path: Some(path),
            ..Self::error(summary, detail)
        }
    }
    /// A warning about the whole object.
    pub fn warning(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Self::error(summary, detail)
        }
    }
    /// Whether it is an error, not a warning.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
    /// The path sent to Terraform, which shows the source it points at.
    pub fn source_path(&self) -> Option<&AttrPath> {
        match &self.shown {
            Shown::AtPath => self.path.as_ref(),
            Shown::At(p) => Some(p),
            Shown::Nowhere => None,
        }
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.path {
            Some(p) => write!(f, "{}: {}: {}", p, self.summary, self.detail),
            None => write!(f, "{}: {}", self.summary, self.detail),
        }
    }
}

/// Whether any of `diags` is an error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(Diagnostic::is_error)
}

/// Drops exact repeats, keeping the first: one problem, one diagnostic.
pub fn dedup(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::with_capacity(diags.len());
    for d in diags {
        if !out.contains(&d) {
            out.push(d);
        }
    }
    out
}

/// Tells where Terraform shows a diagnostic's source (see [`source_path`]);
/// when nowhere, its text names the attribute.
pub fn locate(attrs: &[Attribute], mut d: Diagnostic) -> Diagnostic {
    let Some(path) = &d.path else {
        return d;
    };
    d.shown = match source_path(attrs, path) {
        Some(p) if p == *path => Shown::AtPath,
        Some(p) => Shown::At(p),
        None => {
            if !d.detail.contains(&format!("`{path}`")) {
                d.detail = format!("`{path}`: {}", d.detail);
            }
            Shown::Nowhere
        }
    };
    d
}

/// The part of `path` whose source Terraform finds. Before 1.15, Terraform
/// follows a path through blocks to an attribute, plus one index into that
/// attribute's list or map expression; a path deeper into a nested
/// attribute lands on the block header, or on a same-named attribute of the
/// block (`vpc_health_config.port` showed the channel's `port`). So the path
/// stops at the element of a nested attribute (`members[2]`) or at a single
/// nested attribute; the text names the rest. `None` when the source shown
/// would hold a sensitive value (Terraform prints the source lines).
pub fn source_path(attrs: &[Attribute], path: &AttrPath) -> Option<AttrPath> {
    let steps = &path.0;
    let is_index = |i: usize| matches!(steps.get(i), Some(PathStep::Index(_) | PathStep::Key(_)));
    let mut attrs = attrs;
    let mut cut: Option<usize> = None;
    let mut shown: &[Attribute] = &[];
    for (i, step) in steps.iter().enumerate() {
        let PathStep::Attr(name) = step else { continue };
        let Some(a) = attrs.iter().find(|a| a.name == name) else {
            break;
        };
        if a.sensitive {
            return None;
        }
        if cut.is_none() {
            match &a.kind {
                Kind::Block(..) => {}
                Kind::Plain(_) => cut = Some(i + 1 + usize::from(is_index(i + 1))),
                Kind::Nested(n, children) => {
                    let element = *n != Nesting::Single && is_index(i + 1);
                    cut = Some(i + 1 + usize::from(element));
                    shown = children;
                }
            }
        }
        attrs = a.children().unwrap_or_default();
    }
    if any_sensitive(shown) {
        return None;
    }
    Some(AttrPath(steps[..cut.unwrap_or(steps.len())].to_vec()))
}

fn any_sensitive(attrs: &[Attribute]) -> bool {
    attrs
        .iter()
        .any(|a| a.sensitive || any_sensitive(a.children().unwrap_or_default()))
}

/// Lets `?` turn one diagnostic into the list an RPC answers with.
impl From<Diagnostic> for Vec<Diagnostic> {
    fn from(d: Diagnostic) -> Self {
        vec![d]
    }
}

#[cfg(test)]
#[path = "diag_tests.rs"]
mod tests;
