//! Diagnostics: what Terraform shows the user, with the attribute path.

use super::value::AttrPath;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub summary: String,
    pub detail: String,
    pub path: Option<AttrPath>,
}

impl Diagnostic {
    pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
            path: None,
        }
    }
    pub fn error_at(path: AttrPath, summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Diagnostic {
            path: Some(path),
            ..Self::error(summary, detail)
        }
    }
    pub fn warning(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Self::error(summary, detail)
        }
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
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

pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(Diagnostic::is_error)
}

/// Lets `?` turn one diagnostic into the list an RPC answers with.
impl From<Diagnostic> for Vec<Diagnostic> {
    fn from(d: Diagnostic) -> Self {
        vec![d]
    }
}
