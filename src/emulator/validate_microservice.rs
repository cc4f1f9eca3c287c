//! `microservice_info` as the server checks it: the SDK's
//! `MicroServiceCreate` with its CSE, CCE, CCE Service and NACOS sources.
//! A source object is checked whenever present and required only for its
//! `service_type`.

use super::error::{ApiError, ApiResult};
use super::validate::{
    alnum_or_han, han, label_key_char, lower, lower_alnum, lower_alnum_dash, opt_int, opt_max,
    opt_obj, opt_obj_array, opt_shaped, opt_str, req_int, req_max, req_shaped, req_str, shaped,
    valid_short_name, Obj,
};

/// The service types the API knows.
pub const SERVICE_TYPES: [&str; 4] = ["CSE", "CCE", "CCE_SERVICE", "NACOS"];

/// Checks `microservice_info`; `required` for a microservice channel.
pub fn microservice(o: &Obj, required: bool) -> ApiResult<()> {
    let Some(ms) = opt_obj(o, "microservice_info")? else {
        return if required {
            Err(ApiError::missing("microservice_info"))
        } else {
            Ok(())
        };
    };
    let st = match opt_str(ms, "service_type")?.filter(|s| !s.is_empty()) {
        Some(s) if SERVICE_TYPES.contains(&s) => Some(s),
        Some(_) => return Err(ApiError::invalid("service_type")),
        None if required => return Err(ApiError::missing("service_type")),
        None => None,
    };
    let source = |key: &str, ty: &str| -> ApiResult<Option<&Obj>> {
        let obj = opt_obj(ms, key)?;
        if st == Some(ty) && obj.is_none() {
            return Err(ApiError::missing(key));
        }
        Ok(obj)
    };
    if let Some(c) = source("cse_info", "CSE")? {
        req_max(c, "engine_id", 64)?;
        req_max(c, "service_id", 64)?;
        opt_max(c, "version", 64)?;
    }
    if let Some(c) = source("cce_info", "CCE")? {
        cce(c)?;
    }
    if let Some(c) = source("cce_service_info", "CCE_SERVICE")? {
        req_max(c, "cluster_id", 64)?;
        req_shaped(c, "namespace", |s| {
            shaped(s, 1, 63, lower, lower_alnum_dash, Some(lower_alnum))
        })?;
        req_shaped(c, "service_name", valid_short_name)?;
    }
    if let Some(n) = source("nacos_info", "NACOS")? {
        nacos(n)?;
    }
    Ok(())
}

fn cce(c: &Obj) -> ApiResult<()> {
    req_max(c, "cluster_id", 64)?;
    req_max(c, "namespace", 64)?;
    let wt = req_str(c, "workload_type")?;
    if !matches!(wt, "deployment" | "statefulset" | "daemonset") {
        return Err(ApiError::invalid("workload_type"));
    }
    let app = opt_shaped(c, "app_name", valid_short_name)?;
    let key = opt_shaped(c, "label_key", |s| {
        shaped(s, 1, 64, alnum_or_han, label_key_char, None)
    })?;
    let val = opt_shaped(c, "label_value", valid_short_name)?;
    if app.is_none() {
        match (key, val) {
            (None, None) => return Err(ApiError::missing("app_name")),
            (None, Some(_)) => return Err(ApiError::missing("label_key")),
            (Some(_), None) => return Err(ApiError::missing("label_value")),
            _ => {}
        }
    }
    Ok(())
}

/// Letters, digits, `-`, `_` and the `extra` ones, 1 to `max` characters.
fn nacos_ident(s: &str, max: usize, extra: &[char]) -> bool {
    let n = s.chars().count();
    (1..=max).contains(&n) && s.chars().all(|c| ident_char(c) || extra.contains(&c))
}

fn ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_')
}

/// The SDK's `MicroServiceInfoNacosBase`: `service_name` and at least one
/// server are required; `namespace` (empty: `public`), `cluster_name`
/// and `group_name` have their documented character sets; `user_info`
/// needs a user name when present.
fn nacos(n: &Obj) -> ApiResult<()> {
    if let Some(ns) = opt_str(n, "namespace")?.filter(|s| !s.is_empty()) {
        if !nacos_ident(ns, 64, &[]) {
            return Err(ApiError::invalid("namespace"));
        }
    }
    if let Some(c) = opt_str(n, "cluster_name")?.filter(|s| !s.is_empty()) {
        if !nacos_ident(c, 64, &[]) {
            return Err(ApiError::invalid("cluster_name"));
        }
    }
    if let Some(g) = opt_str(n, "group_name")?.filter(|s| !s.is_empty()) {
        if !nacos_ident(g, 128, &['.', ':']) {
            return Err(ApiError::invalid("group_name"));
        }
    }
    // "No Chinese and no @@, must not start with @, at most 512."
    let svc = req_max(n, "service_name", 512)?;
    if svc.starts_with('@') || svc.contains("@@") || svc.chars().any(han) {
        return Err(ApiError::invalid("service_name"));
    }
    let servers = opt_obj_array(n, "server_config")?.unwrap_or_default();
    if servers.is_empty() {
        return Err(ApiError::missing("server_config"));
    }
    for s in servers {
        // "No Chinese characters" is all the SDK says.
        let ip = req_max(s, "ip_address", 255)?;
        if ip.chars().any(han) {
            return Err(ApiError::invalid("ip_address"));
        }
        port(s, "port", true)?;
        port(s, "grpc_port", false)?;
    }
    if let Some(u) = opt_obj(n, "user_info")? {
        // The SDK gives no bounds; the emulator takes up to 255.
        req_max(u, "user_name", 255)?;
        opt_max(u, "password", 255)?;
    }
    Ok(())
}

/// A port 1-65535 (APIG.2004 outside).
fn port(o: &Obj, k: &str, required: bool) -> ApiResult<()> {
    let v = if required {
        Some(req_int(o, k)?)
    } else {
        opt_int(o, k)?
    };
    match v {
        Some(p) if !(1..=65535).contains(&p) => Err(ApiError::out_of_range(k)),
        _ => Ok(()),
    }
}
