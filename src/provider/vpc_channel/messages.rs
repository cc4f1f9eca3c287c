//! What API errors mean, in the user's terms.

use crate::apig::client::ApiError;
use crate::tfplugin::diag::Diagnostic;

use super::convert::Location;

/// Why an API error happened, in the user's terms.
pub(crate) fn explain(code: &str, name: &str, loc: &Location) -> Option<String> {
    let gw = &loc.instance_id;
    Some(match code {
        "APIG.3208" => format!("a VPC channel named {name:?} already exists in gateway {gw}: names are unique per gateway. If this creates the replacement of a channel with `create_before_destroy`, the old channel still holds the name: give the replacement another name, or drop `create_before_destroy`. Otherwise choose another name, or import the existing channel with `terraform import <address> {gw}/{name}`."),
        "APIG.3109" => format!("the VPC channel quota is used up (30 per gateway by default) in gateway {gw}. Delete unused channels or ask for a higher quota."),
        "APIG.3414" => format!("VPC channel {name:?} is used by an API as its backend and cannot be deleted. Point the API at another backend (or delete the API) first."),
        "APIG.3719" => format!("VPC channel {name:?} is referenced by another VPC channel and cannot be deleted. Remove that reference first."),
        "APIG.3030" => format!("the gateway {gw} does not exist in project {} (check `instance_id`, `project_id` and the region or endpoint).", loc.project_id),
        "APIG.3023" => format!("the VPC channel {name:?} no longer exists in gateway {gw}."),
        "APIG.1002" => "the token was refused: it is wrong or expired (tokens last 24 hours). Check `token` / HW_AUTH_TOKEN.".to_string(),
        "APIGW.0301" => "the request signature was refused: check `access_key` / `secret_key` (and `security_token` for temporary keys) and this machine's clock. The request was not retried, because repeated signature failures lock the access key.".to_string(),
        "APIG.1005" => "the credentials lack permission for this operation on API Gateway.".to_string(),
        "APIG.2001" | "APIG.2002" | "APIG.2003" | "APIG.2004" | "APIG.2011" | "APIG.2012" => "the API rejected a parameter of the request.".to_string(),
        "APIG.9999" => "the API reported a system error; this also happens when members of one channel are changed concurrently. Run the command again.".to_string(),
        _ => return None,
    })
}

pub(crate) fn api_diag(op: &str, name: &str, loc: &Location, e: &ApiError) -> Diagnostic {
    let summary = format!("Failed to {op} VPC channel {name:?}");
    let at = match loc.endpoint.as_str() {
        "" => String::new(),
        e => format!(" at {e}"),
    };
    let context = format!(
        "Operation: {op} VPC channel {name:?} in gateway {} (project {}){at}.",
        loc.instance_id, loc.project_id
    );
    let detail = match e {
        ApiError::Api {
            status,
            code,
            message,
            request_id,
        } => {
            let why = explain(code, name, loc)
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
    Diagnostic::error(summary, detail)
}
