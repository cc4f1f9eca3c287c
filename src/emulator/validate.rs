//! Request validation as the server does it: Tables 3 to 11 of the
//! reference, checked on the raw JSON so errors can name the parameter (a
//! typed parse would only say "bad body"). The first failure wins; fields
//! are checked in table order.

use serde_json::{Map, Value};

use super::error::ApiError;
use crate::apig::models::ChannelRequest;

type Obj = Map<String, Value>;
type R<T> = Result<T, ApiError>;

/// How an integer outside its bounds is reported. The reference shows
/// `APIG.2004` for a member weight, `APIG.2003` for other maxima.
#[derive(Clone, Copy)]
enum Bounds {
    /// below min -> 2002, above max -> 2003
    MinMax,
    /// either side -> 2004
    Range,
}

/// A present, non-null field.
fn field<'a>(o: &'a Obj, k: &str) -> Option<&'a Value> {
    o.get(k).filter(|v| !v.is_null())
}

fn opt_str<'a>(o: &'a Obj, k: &str) -> R<Option<&'a str>> {
    match field(o, k) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ApiError::invalid(k)),
    }
}

/// Required string; an empty string counts as missing, as zero values do in
/// the server's binding.
fn req_str<'a>(o: &'a Obj, k: &str) -> R<&'a str> {
    match opt_str(o, k)? {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(ApiError::missing(k)),
    }
}

fn opt_int(o: &Obj, k: &str) -> R<Option<i64>> {
    match field(o, k) {
        None => Ok(None),
        Some(v) => v.as_i64().map(Some).ok_or_else(|| ApiError::invalid(k)),
    }
}

fn req_int(o: &Obj, k: &str) -> R<i64> {
    opt_int(o, k)?.ok_or_else(|| ApiError::missing(k))
}

fn in_bounds(k: &str, v: i64, min: i64, max: i64, b: Bounds) -> R<i64> {
    match b {
        Bounds::Range if v < min || v > max => Err(ApiError::out_of_range(k)),
        Bounds::MinMax if v < min => Err(ApiError::too_small(k)),
        Bounds::MinMax if v > max => Err(ApiError::too_large(k)),
        _ => Ok(v),
    }
}

fn opt_ranged(o: &Obj, k: &str, min: i64, max: i64, b: Bounds) -> R<Option<i64>> {
    opt_int(o, k)?
        .map(|v| in_bounds(k, v, min, max, b))
        .transpose()
}

fn req_ranged(o: &Obj, k: &str, min: i64, max: i64, b: Bounds) -> R<i64> {
    in_bounds(k, req_int(o, k)?, min, max, b)
}

fn opt_enum_int(o: &Obj, k: &str, allowed: &[i64]) -> R<Option<i64>> {
    match opt_int(o, k)? {
        Some(v) if !allowed.contains(&v) => Err(ApiError::invalid(k)),
        v => Ok(v),
    }
}

fn opt_bool(o: &Obj, k: &str) -> R<Option<bool>> {
    match field(o, k) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(ApiError::invalid(k)),
    }
}

fn opt_obj<'a>(o: &'a Obj, k: &str) -> R<Option<&'a Obj>> {
    match field(o, k) {
        None => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(_) => Err(ApiError::invalid(k)),
    }
}

/// Array of objects; a non-object element is an invalid value of the array.
fn opt_obj_array<'a>(o: &'a Obj, k: &str) -> R<Option<Vec<&'a Obj>>> {
    match field(o, k) {
        None => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| i.as_object().ok_or_else(|| ApiError::invalid(k)))
            .collect::<R<Vec<_>>>()
            .map(Some),
        Some(_) => Err(ApiError::invalid(k)),
    }
}

fn max_chars(k: &str, s: &str, max: usize) -> R<()> {
    if s.chars().count() > max {
        Err(ApiError::too_large(k))
    } else {
        Ok(())
    }
}

/// `first` must hold for the first char, `rest` for all others, length in
/// `min..=max`; `last` (if any) must hold for the last char.
fn shaped(
    s: &str,
    min: usize,
    max: usize,
    first: fn(char) -> bool,
    rest: fn(char) -> bool,
    last: Option<fn(char) -> bool>,
) -> bool {
    let n = s.chars().count();
    if n < min || n > max {
        return false;
    }
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if first(c) => {}
        Some(_) => return false,
        None => return true,
    }
    if !chars.all(rest) {
        return false;
    }
    match (last, s.chars().last()) {
        (Some(f), Some(c)) => f(c),
        _ => true,
    }
}

fn letter(c: char) -> bool {
    c.is_ascii_alphabetic()
}
fn alnum(c: char) -> bool {
    c.is_ascii_alphanumeric()
}
fn word_dot_dash(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}
fn word_dash(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-')
}
fn label_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':' | '(' | ')')
}
fn lower_alnum(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}
fn lower_alnum_dash(c: char) -> bool {
    lower_alnum(c) || c == '-'
}
fn lower(c: char) -> bool {
    c.is_ascii_lowercase()
}

/// Channel and member group names: 3-64, a letter first, then letters,
/// digits, `-`, `_`, `.`.
pub fn valid_name(s: &str) -> bool {
    shaped(s, 3, 64, letter, word_dot_dash, None)
}

fn valid_dict_code(s: &str) -> bool {
    shaped(s, 3, 64, word_dot_dash, word_dot_dash, None)
}

fn valid_ms_label(s: &str) -> bool {
    shaped(s, 1, 63, alnum, word_dot_dash, Some(alnum))
}

/// An IP address or a host name (labels may hold `_`, as service names do).
fn valid_host(s: &str) -> bool {
    if s.parse::<std::net::IpAddr>().is_ok() {
        return true;
    }
    !s.is_empty()
        && s.split('.').all(|l| {
            !l.is_empty()
                && l.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

/// `200`, `200,201`, `200-299`, `201,210-299`: every code in 100..=599.
pub fn valid_http_code(s: &str) -> bool {
    let code = |t: &str| -> Option<u16> {
        if t.is_empty() || t.len() > 3 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        t.parse::<u16>().ok().filter(|c| (100..=599).contains(c))
    };
    !s.is_empty()
        && s.split(',').all(|item| match item.split_once('-') {
            Some((a, b)) => matches!((code(a), code(b)), (Some(a), Some(b)) if a <= b),
            None => code(item).is_some(),
        })
}

/// Strings whose value must match a shape: a mismatch is APIG.2012.
fn opt_shaped<'a>(o: &'a Obj, k: &str, ok: fn(&str) -> bool) -> R<Option<&'a str>> {
    match opt_str(o, k)? {
        Some(s) if !ok(s) => Err(ApiError::invalid(k)),
        v => Ok(v),
    }
}

fn req_shaped<'a>(o: &'a Obj, k: &str, ok: fn(&str) -> bool) -> R<&'a str> {
    let s = req_str(o, k)?;
    if ok(s) {
        Ok(s)
    } else {
        Err(ApiError::invalid(k))
    }
}

fn req_max<'a>(o: &'a Obj, k: &str, max: usize) -> R<&'a str> {
    let s = req_str(o, k)?;
    max_chars(k, s, max)?;
    Ok(s)
}

fn opt_max<'a>(o: &'a Obj, k: &str, max: usize) -> R<Option<&'a str>> {
    let s = opt_str(o, k)?;
    if let Some(s) = s {
        max_chars(k, s, max)?;
    }
    Ok(s)
}

/// Validates a create/update body and returns it typed.
pub fn channel_request(body: &Value) -> R<ChannelRequest> {
    let o = body.as_object().ok_or_else(ApiError::bad_body)?;

    req_shaped(o, "name", valid_name)?;
    req_ranged(o, "port", 1, 65535, Bounds::Range)?;
    let bs = req_int(o, "balance_strategy")?;
    if !(1..=4).contains(&bs) {
        return Err(ApiError::invalid("balance_strategy"));
    }
    let member_type = req_str(o, "member_type")?;
    if member_type != "ip" && member_type != "ecs" {
        return Err(ApiError::invalid("member_type"));
    }
    let ty = opt_enum_int(o, "type", &[2, 3])?.unwrap_or(2);
    opt_shaped(o, "dict_code", valid_dict_code)?;

    let group_names = member_groups(o)?;
    members(o, member_type, &group_names)?;
    if let Some(h) = opt_obj(o, "vpc_health_config")? {
        health_config(h)?;
    }
    microservice(o, ty)?;

    serde_json::from_value(strip_nulls(body)).map_err(|_| ApiError::bad_body())
}

fn member_groups(o: &Obj) -> R<Vec<String>> {
    let mut names: Vec<String> = Vec::new();
    for g in opt_obj_array(o, "member_groups")?.unwrap_or_default() {
        let name = req_shaped(g, "member_group_name", valid_name)?;
        if names.iter().any(|n| n == name) {
            return Err(ApiError::invalid("member_group_name"));
        }
        names.push(name.to_string());
        opt_max(g, "member_group_remark", 255)?;
        opt_ranged(g, "member_group_weight", 0, 100, Bounds::MinMax)?;
        opt_shaped(g, "dict_code", valid_dict_code)?;
        opt_max(g, "microservice_version", 64)?;
        opt_ranged(g, "microservice_port", 0, 65535, Bounds::MinMax)?;
        for l in opt_obj_array(g, "microservice_labels")?.unwrap_or_default() {
            req_shaped(l, "label_name", valid_ms_label)?;
            req_shaped(l, "label_value", valid_ms_label)?;
        }
    }
    Ok(names)
}

fn members(o: &Obj, member_type: &str, groups: &[String]) -> R<()> {
    for m in opt_obj_array(o, "members")?.unwrap_or_default() {
        let host = opt_str(m, "host")?.filter(|h| !h.is_empty());
        match host {
            Some(h) => {
                max_chars("host", h, 64)?;
                if !valid_host(h) {
                    return Err(ApiError::invalid("host"));
                }
            }
            None if member_type == "ip" => return Err(ApiError::missing("host")),
            None => {}
        }
        opt_ranged(m, "weight", 0, 10000, Bounds::Range)?;
        opt_bool(m, "is_backup")?;
        if let Some(g) = opt_str(m, "member_group_name")? {
            if !g.is_empty() && !groups.iter().any(|n| n == g) {
                return Err(ApiError::invalid("member_group_name"));
            }
        }
        opt_enum_int(m, "status", &[1, 2])?;
        opt_ranged(m, "port", 0, 65535, Bounds::MinMax)?;
        if member_type == "ecs" {
            let id = req_str(m, "ecs_id")?;
            max_chars("ecs_id", id, 255)?;
            if !shaped(id, 1, 64, word_dash, word_dash, None) {
                return Err(ApiError::invalid("ecs_id"));
            }
            let name = req_str(m, "ecs_name")?;
            max_chars("ecs_name", name, 64)?;
            if !shaped(name, 1, 64, word_dot_dash, word_dot_dash, None) {
                return Err(ApiError::invalid("ecs_name"));
            }
        } else {
            // An ip member's ECS fields are ignored by the server.
            opt_str(m, "ecs_id")?;
            opt_str(m, "ecs_name")?;
        }
    }
    Ok(())
}

fn health_config(h: &Obj) -> R<()> {
    let protocol = req_str(h, "protocol")?.to_ascii_uppercase();
    if !matches!(protocol.as_str(), "TCP" | "HTTP" | "HTTPS") {
        return Err(ApiError::invalid("protocol"));
    }
    let web = protocol != "TCP";
    match opt_str(h, "path")?.filter(|p| !p.is_empty()) {
        Some(p) if !p.starts_with('/') || p.chars().count() > 512 => {
            return Err(ApiError::invalid("path"))
        }
        None if web => return Err(ApiError::missing("path")),
        _ => {}
    }
    if let Some(m) = opt_str(h, "method")? {
        if m != "GET" && m != "HEAD" {
            return Err(ApiError::invalid("method"));
        }
    }
    opt_ranged(h, "port", 0, 65535, Bounds::MinMax)?;
    req_ranged(h, "threshold_normal", 1, 10, Bounds::MinMax)?;
    req_ranged(h, "threshold_abnormal", 1, 10, Bounds::MinMax)?;
    let interval = req_ranged(h, "time_interval", 1, 300, Bounds::MinMax)?;
    // Table 7 requires `http_code` for http only (`path` for http or https).
    match opt_str(h, "http_code")?.filter(|c| !c.is_empty()) {
        Some(c) if !valid_http_code(c) => return Err(ApiError::invalid("http_code")),
        None if protocol == "HTTP" => return Err(ApiError::missing("http_code")),
        _ => {}
    }
    opt_bool(h, "enable_client_ssl")?;
    opt_enum_int(h, "status", &[1, 2])?;
    let timeout = req_ranged(h, "timeout", 1, 30, Bounds::MinMax)?;
    if interval <= timeout {
        return Err(ApiError::invalid("time_interval"));
    }
    Ok(())
}

fn microservice(o: &Obj, ty: i64) -> R<()> {
    let Some(ms) = opt_obj(o, "microservice_info")? else {
        return if ty == 3 {
            Err(ApiError::missing("microservice_info"))
        } else {
            Ok(())
        };
    };
    let st = match opt_str(ms, "service_type")?.filter(|s| !s.is_empty()) {
        Some(s) if matches!(s, "CSE" | "CCE" | "CCE_SERVICE") => Some(s),
        Some(_) => return Err(ApiError::invalid("service_type")),
        None if ty == 3 => return Err(ApiError::missing("service_type")),
        None => None,
    };

    // Sub-objects are checked when present; required only for their type.
    let cse = opt_obj(ms, "cse_info")?;
    if st == Some("CSE") && cse.is_none() {
        return Err(ApiError::missing("cse_info"));
    }
    if let Some(c) = cse {
        req_max(c, "engine_id", 64)?;
        req_max(c, "service_id", 64)?;
        opt_max(c, "version", 64)?;
    }

    let cce = opt_obj(ms, "cce_info")?;
    if st == Some("CCE") && cce.is_none() {
        return Err(ApiError::missing("cce_info"));
    }
    if let Some(c) = cce {
        req_max(c, "cluster_id", 64)?;
        req_max(c, "namespace", 64)?;
        let wt = req_str(c, "workload_type")?;
        if !matches!(wt, "deployment" | "statefulset" | "daemonset") {
            return Err(ApiError::invalid("workload_type"));
        }
        let app = opt_shaped(c, "app_name", |s| {
            shaped(s, 1, 64, letter, word_dot_dash, None)
        })?;
        let key = opt_shaped(c, "label_key", |s| {
            shaped(s, 1, 64, alnum, label_key_char, None)
        })?;
        let val = opt_shaped(c, "label_value", |s| {
            shaped(s, 1, 64, letter, word_dot_dash, None)
        })?;
        if app.is_none() {
            match (key, val) {
                (None, None) => return Err(ApiError::missing("app_name")),
                (None, Some(_)) => return Err(ApiError::missing("label_key")),
                (Some(_), None) => return Err(ApiError::missing("label_value")),
                _ => {}
            }
        }
    }

    let svc = opt_obj(ms, "cce_service_info")?;
    if st == Some("CCE_SERVICE") && svc.is_none() {
        return Err(ApiError::missing("cce_service_info"));
    }
    if let Some(c) = svc {
        req_max(c, "cluster_id", 64)?;
        req_shaped(c, "namespace", |s| {
            shaped(s, 1, 63, lower, lower_alnum_dash, Some(lower_alnum))
        })?;
        req_shaped(c, "service_name", |s| {
            shaped(s, 1, 64, letter, word_dot_dash, None)
        })?;
    }
    Ok(())
}

/// Removes object entries whose value is null, recursively: null means
/// "not set" to the server, while the typed models reject it.
fn strip_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), strip_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(strip_nulls).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
