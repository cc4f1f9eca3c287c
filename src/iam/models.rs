//! Request and answer bodies of the IAM calls used here.

use serde::Deserialize;

#[derive(Deserialize, Debug, Clone)]
pub struct Project {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub domain_id: String,
}

#[derive(Deserialize, Debug)]
pub struct ProjectList {
    #[serde(default)]
    pub projects: Vec<Project>,
}

/// Whose password: a user ID alone, or a name within an account.
#[derive(Clone, PartialEq, Eq)]
pub enum User {
    Id(String),
    Name { name: String, domain: Domain },
}

/// An account, by name or by ID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Domain {
    Name(String),
    Id(String),
}

/// What a token is scoped to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    ProjectId(String),
    /// A project name; IAM resolves it in the user's account.
    ProjectName(String),
}

#[derive(Deserialize, Debug)]
pub struct TokenAnswer {
    pub token: TokenBody,
}

#[derive(Deserialize, Debug)]
pub struct TokenBody {
    pub expires_at: String,
    #[serde(default)]
    pub project: Option<Project>,
}

#[derive(Deserialize)]
pub struct CredentialAnswer {
    pub credential: TemporaryCredential,
}

#[derive(Deserialize)]
pub struct TemporaryCredential {
    pub access: String,
    pub secret: String,
    pub securitytoken: String,
    pub expires_at: String,
}

/// Error bodies come in IAM's two shapes:
/// `{"error": {"code": 401, "message": "...", "title": "..."}}` and
/// `{"error_code": "IAM.0001", "error_msg": "..."}`.
#[derive(Deserialize, Default)]
pub struct ErrorBody {
    #[serde(default)]
    pub error: Option<ErrorInner>,
    #[serde(default)]
    pub error_code: Option<String>,
    #[serde(default)]
    pub error_msg: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct ErrorInner {
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
}
