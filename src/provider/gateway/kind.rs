//! What the kit needs to know of a kind of object, and API errors in the
//! user's terms: the one renderer, with the kind's own explanations first
//! and the gateway's after.

use crate::apig::client::ApiError;
use crate::apig::NO_SUCH_GATEWAY;
use crate::provider::args::Setting;
use crate::tfplugin::diag::Diagnostic;

use super::Location;

/// A kind of gateway-scoped object, as messages and the create rules
/// need it. Declared once by the kind, e.g. `vpc_channel::KIND`.
#[derive(Clone, Copy, Debug)]
pub struct Kind {
    /// What the user calls one: `VPC channel`.
    pub noun: &'static str,
    /// Shorter, where the noun was said already: `channel`.
    pub short: &'static str,
    /// The resource type, for import commands.
    pub type_name: &'static str,
    /// The API's codes that prove one gone ([`ApiError::is_gone`]).
    pub gone: &'static [&'static str],
    /// The API's code for "an object of that name exists".
    pub name_taken: &'static str,
    /// Why an API error code happened, for codes particular to the kind;
    /// the gateway's own codes are explained by the kit.
    pub explain: fn(code: &str, name: &str, loc: &Location) -> Option<String>,
}

/// What an operation was about: one object by name, or all of them.
#[derive(Clone, Copy, Debug)]
pub enum Subject<'a> {
    One(&'a str),
    All,
}

impl Kind {
    /// `VPC channel "web"`, or `the VPC channels`.
    pub fn render(&self, subject: Subject<'_>) -> String {
        match subject {
            Subject::One(name) => format!("{} {name:?}", self.noun),
            Subject::All => format!("the {}s", self.noun),
        }
    }

    /// Whether the API says the object is gone.
    pub fn is_gone(&self, e: &ApiError) -> bool {
        e.is_gone(self.gone)
    }

    /// Why an API error happened, in the user's terms.
    pub fn explain(&self, code: &str, name: &str, loc: &Location) -> Option<String> {
        (self.explain)(code, name, loc).or_else(|| explain_gateway(code, loc))
    }

    /// The error of a failed `op` (`create`, `read`, ...) on `subject`.
    pub fn api_diag(
        &self,
        op: &str,
        subject: Subject<'_>,
        loc: &Location,
        e: &ApiError,
    ) -> Diagnostic {
        let what = self.render(subject);
        let at = match loc.endpoint.as_str() {
            "" => String::new(),
            e => format!(" at {e}"),
        };
        let context = format!(
            "Operation: {op} {what} in gateway {} (project {}){at}.",
            loc.instance_id, loc.project_id
        );
        let name = match subject {
            Subject::One(name) => name,
            Subject::All => "",
        };
        let detail = match e {
            ApiError::Api {
                status,
                code,
                message,
                request_id,
            } => {
                let why = (self.explain(code, name, loc))
                    .map(|w| format!("{code}: {w}\n\n"))
                    .unwrap_or_default();
                let rid = request_id
                    .as_ref()
                    .map(|r| format!(" (request {r})"))
                    .unwrap_or_default();
                let code = if code.is_empty() {
                    "(no error code)"
                } else {
                    code
                };
                format!("{why}The API answered HTTP {status} {code}: {message}{rid}\n{context}")
            }
            ApiError::Cancelled => {
                format!("Cancelled (Terraform was interrupted) before the API answered.\n{context}")
            }
            other => format!("{other}\n{context}"),
        };
        Diagnostic::error(format!("Failed to {op} {what}"), detail)
    }
}

/// The codes any call to a gateway may meet.
fn explain_gateway(code: &str, loc: &Location) -> Option<String> {
    let gw = &loc.instance_id;
    Some(match code {
        NO_SUCH_GATEWAY => format!("the gateway {gw} does not exist in project {} (check `instance_id`, `project_id` and the region or endpoint).", loc.project_id),
        "APIG.1002" => format!("the token was refused: it is wrong or expired (tokens last 24 hours). Check `token` / {}.", Setting::TOKEN.env_var()),
        "APIGW.0301" => "the request signature was refused: check `access_key` / `secret_key` (and `security_token` for temporary keys) and this machine's clock. The request was not retried, because repeated signature failures lock the access key.".to_string(),
        "APIG.1005" => "the credentials lack permission for this operation on API Gateway.".to_string(),
        "APIG.2001" | "APIG.2002" | "APIG.2003" | "APIG.2004" | "APIG.2011" | "APIG.2012" => "the API rejected a parameter of the request.".to_string(),
        _ => return None,
    })
}
