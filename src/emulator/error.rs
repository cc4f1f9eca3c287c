//! Error bodies with the codes and wording of the real service.

use serde_json::json;

/// An API error: HTTP status plus the `{"error_code","error_msg"}` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub code: String,
    pub msg: String,
    /// Errors of the gateway in front of the service (`APIGW.*`) carry one.
    pub request_id: Option<String>,
}

/// What a handler or a check returns: a value, or the error the API answers.
pub type ApiResult<T> = Result<T, ApiError>;

const SEE_DOCS: &str = ". Please refer to the support documentation";

impl ApiError {
    pub fn new(status: u16, code: &str, msg: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.to_string(),
            msg: msg.into(),
            request_id: None,
        }
    }

    pub fn missing(name: &str) -> Self {
        Self::new(
            400,
            "APIG.2001",
            format!("The request parameters must be specified, parameter name:{name}"),
        )
    }

    pub fn too_small(name: &str) -> Self {
        Self::new(
            400,
            "APIG.2002",
            format!("The parameter value is too small,parameterName:{name}{SEE_DOCS}"),
        )
    }

    pub fn too_large(name: &str) -> Self {
        Self::new(
            400,
            "APIG.2003",
            format!("The parameter value is too large,parameterName:{name}{SEE_DOCS}"),
        )
    }

    pub fn out_of_range(name: &str) -> Self {
        Self::new(
            400,
            "APIG.2004",
            format!(
                "The parameter value is outside the allowable range,parameterName:{name}{SEE_DOCS}"
            ),
        )
    }

    pub fn invalid(name: &str) -> Self {
        Self::new(
            400,
            "APIG.2012",
            format!("Invalid parameter value,parameterName:{name}{SEE_DOCS}"),
        )
    }

    pub fn bad_body() -> Self {
        Self::new(400, "APIG.2012", "Invalid request body")
    }

    pub fn body_too_large() -> Self {
        Self::new(413, "APIG.0201", "Request entity too large")
    }

    pub fn no_such_api() -> Self {
        Self::new(
            404,
            "APIG.0101",
            "The API does not exist or has not been published in the environment",
        )
    }

    pub fn channel_not_found(id: &str) -> Self {
        Self::new(
            404,
            "APIG.3023",
            format!("The VPC channel does not exist,id:{id}"),
        )
    }

    pub fn instance_not_found(id: &str) -> Self {
        Self::new(
            404,
            "APIG.3030",
            format!("The instance does not exist;id:{id}"),
        )
    }

    pub fn duplicate_name(name: &str) -> Self {
        Self::new(
            400,
            "APIG.3208",
            format!("The VPC channel name already exists,name:{name}"),
        )
    }

    pub fn quota_exceeded(quota: usize) -> Self {
        Self::new(
            403,
            "APIG.3109",
            format!("The number of VPC channels exceeds the maximum allowed limit,limit:{quota}"),
        )
    }

    pub fn channel_in_use(id: &str) -> Self {
        Self::new(
            403,
            "APIG.3414",
            format!("The VPC channel is already being used by another API,id:{id}"),
        )
    }

    /// The reference lists only the status for these two; the codes are
    /// the emulator's.
    pub fn member_not_found(id: &str) -> Self {
        Self::new(
            404,
            "APIG.3024",
            format!("The backend instance does not exist,id:{id}"),
        )
    }

    pub fn group_not_found(id: &str) -> Self {
        Self::new(
            404,
            "APIG.3025",
            format!("The backend server group does not exist,id:{id}"),
        )
    }

    pub fn channel_referenced(id: &str) -> Self {
        Self::new(
            409,
            "APIG.3719",
            format!("The VPC channel is referenced by another VPC channel,id:{id}"),
        )
    }

    pub fn bad_token() -> Self {
        Self::new(
            401,
            "APIG.1002",
            "Incorrect token or token resolution failed",
        )
    }

    /// AK/SK failures come from the gateway, hence `APIGW` and a request id.
    pub fn aksk(msg: impl Into<String>) -> Self {
        let mut e = Self::new(401, "APIGW.0301", msg);
        e.request_id = Some(super::generated::new_id());
        e
    }

    pub fn system() -> Self {
        Self::new(500, "APIG.9999", "System error")
    }

    pub fn body(&self) -> serde_json::Value {
        let mut v = json!({"error_code": self.code, "error_msg": self.msg});
        if let Some(id) = &self.request_id {
            v["request_id"] = json!(id);
        }
        v
    }
}
