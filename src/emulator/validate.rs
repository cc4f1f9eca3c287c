//! Request validation as the server does it: Tables 3 to 11 of the
//! reference, checked on the raw JSON so errors can name the parameter (a
//! typed parse would only say "bad body"). The first failure wins; fields
//! are checked in table order.

use serde_json::{Map, Value};

use super::error::{ApiError, ApiResult};
use super::model::ChannelRequest;
use super::validate_microservice::microservice;

pub(super) type Obj = Map<String, Value>;

/// How an integer outside its bounds is reported. The reference shows
/// `APIG.2004` for a member weight, `APIG.2003` for other maxima.
#[derive(Clone, Copy)]
pub(super) enum Bounds {
    /// below min -> 2002, above max -> 2003
    MinMax,
    /// either side -> 2004
    Range,
}

/// A present, non-null field.
pub(super) fn field<'a>(o: &'a Obj, k: &str) -> Option<&'a Value> {
    o.get(k).filter(|v| !v.is_null())
}

pub(super) fn opt_str<'a>(o: &'a Obj, k: &str) -> ApiResult<Option<&'a str>> {
    match field(o, k) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ApiError::invalid(k)),
    }
}

/// Required string; an empty string counts as missing, as zero values do in
/// the server's binding.
pub(super) fn req_str<'a>(o: &'a Obj, k: &str) -> ApiResult<&'a str> {
    match opt_str(o, k)? {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(ApiError::missing(k)),
    }
}

pub(super) fn opt_int(o: &Obj, k: &str) -> ApiResult<Option<i64>> {
    match field(o, k) {
        None => Ok(None),
        Some(v) => v.as_i64().map(Some).ok_or_else(|| ApiError::invalid(k)),
    }
}

pub(super) fn req_int(o: &Obj, k: &str) -> ApiResult<i64> {
    opt_int(o, k)?.ok_or_else(|| ApiError::missing(k))
}

pub(super) fn in_bounds(k: &str, v: i64, min: i64, max: i64, b: Bounds) -> ApiResult<i64> {
    match b {
        Bounds::Range if v < min || v > max => Err(ApiError::out_of_range(k)),
        Bounds::MinMax if v < min => Err(ApiError::too_small(k)),
        Bounds::MinMax if v > max => Err(ApiError::too_large(k)),
        _ => Ok(v),
    }
}

pub(super) fn opt_ranged(
    o: &Obj,
    k: &str,
    min: i64,
    max: i64,
    b: Bounds,
) -> ApiResult<Option<i64>> {
    opt_int(o, k)?
        .map(|v| in_bounds(k, v, min, max, b))
        .transpose()
}

pub(super) fn req_ranged(o: &Obj, k: &str, min: i64, max: i64, b: Bounds) -> ApiResult<i64> {
    in_bounds(k, req_int(o, k)?, min, max, b)
}

pub(super) fn opt_enum_int(o: &Obj, k: &str, allowed: &[i64]) -> ApiResult<Option<i64>> {
    match opt_int(o, k)? {
        Some(v) if !allowed.contains(&v) => Err(ApiError::invalid(k)),
        v => Ok(v),
    }
}

pub(super) fn opt_bool(o: &Obj, k: &str) -> ApiResult<Option<bool>> {
    match field(o, k) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(ApiError::invalid(k)),
    }
}

pub(super) fn opt_obj<'a>(o: &'a Obj, k: &str) -> ApiResult<Option<&'a Obj>> {
    match field(o, k) {
        None => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(_) => Err(ApiError::invalid(k)),
    }
}

/// Array of objects; a non-object element is an invalid value of the array.
pub(super) fn opt_obj_array<'a>(o: &'a Obj, k: &str) -> ApiResult<Option<Vec<&'a Obj>>> {
    match field(o, k) {
        None => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| i.as_object().ok_or_else(|| ApiError::invalid(k)))
            .collect::<ApiResult<Vec<_>>>()
            .map(Some),
        Some(_) => Err(ApiError::invalid(k)),
    }
}

pub(super) fn max_chars(k: &str, s: &str, max: usize) -> ApiResult<()> {
    if s.chars().count() > max {
        Err(ApiError::too_large(k))
    } else {
        Ok(())
    }
}

/// `first` must hold for the first char, `rest` for all others, length in
/// `min..=max`; `last` (if any) must hold for the last char.
pub(super) fn shaped(
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

pub(super) fn letter(c: char) -> bool {
    c.is_ascii_alphabetic()
}
/// A Chinese character, as the SDK documents them for names ("汉字", sent
/// as UTF-8): the CJK Unified Ideographs block.
pub(super) fn han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}
pub(super) fn letter_or_han(c: char) -> bool {
    letter(c) || han(c)
}
pub(super) fn alnum(c: char) -> bool {
    c.is_ascii_alphanumeric()
}
pub(super) fn word_dot_dash(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}
pub(super) fn han_word_dot_dash(c: char) -> bool {
    word_dot_dash(c) || han(c)
}
pub(super) fn word_dash(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-')
}
/// CCE `label_key`: also `/`, and parentheses and colons in ASCII or
/// full-width form ("中英文格式下的小括号和冒号").
pub(super) fn label_key_char(c: char) -> bool {
    han_word_dot_dash(c) || matches!(c, '/' | ':' | '(' | ')' | '：' | '（' | '）')
}
pub(super) fn alnum_or_han(c: char) -> bool {
    alnum(c) || han(c)
}
pub(super) fn lower_alnum(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}
pub(super) fn lower_alnum_dash(c: char) -> bool {
    lower_alnum(c) || c == '-'
}
pub(super) fn lower(c: char) -> bool {
    c.is_ascii_lowercase()
}

/// Channel and member group names: 3-64 characters, a letter or Chinese
/// character first, then those, digits, `-`, `_`, `.`.
pub fn valid_name(s: &str) -> bool {
    shaped(s, 3, 64, letter_or_han, han_word_dot_dash, None)
}

/// `app_name`, `label_value`, CCE Service `service_name`: as names, 1-64.
pub(super) fn valid_short_name(s: &str) -> bool {
    shaped(s, 1, 64, letter_or_han, han_word_dot_dash, None)
}

fn valid_dict_code(s: &str) -> bool {
    shaped(s, 3, 64, word_dot_dash, word_dot_dash, None)
}

pub(super) fn valid_ms_label(s: &str) -> bool {
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
pub(super) fn opt_shaped<'a>(
    o: &'a Obj,
    k: &str,
    ok: fn(&str) -> bool,
) -> ApiResult<Option<&'a str>> {
    match opt_str(o, k)? {
        Some(s) if !ok(s) => Err(ApiError::invalid(k)),
        v => Ok(v),
    }
}

pub(super) fn req_shaped<'a>(o: &'a Obj, k: &str, ok: fn(&str) -> bool) -> ApiResult<&'a str> {
    let s = req_str(o, k)?;
    if ok(s) {
        Ok(s)
    } else {
        Err(ApiError::invalid(k))
    }
}

pub(super) fn req_max<'a>(o: &'a Obj, k: &str, max: usize) -> ApiResult<&'a str> {
    let s = req_str(o, k)?;
    max_chars(k, s, max)?;
    Ok(s)
}

pub(super) fn opt_max<'a>(o: &'a Obj, k: &str, max: usize) -> ApiResult<Option<&'a str>> {
    let s = opt_str(o, k)?;
    if let Some(s) = s {
        max_chars(k, s, max)?;
    }
    Ok(s)
}

/// The kind of channel (`vpc_channel_type`) and its `type` number.
pub const BUILTIN: &str = "builtin";
pub const MICROSERVICE: &str = "microservice";
pub const REFERENCE: &str = "reference";

/// The `type` number a kind is shown with.
pub fn type_of(kind: &str) -> i64 {
    if kind == MICROSERVICE {
        3
    } else {
        2
    }
}

/// Which kind a body asks for, as the SDK's `VpcCreate` documents it:
/// `vpc_channel_type` wins (a `type` that contradicts it is an error);
/// without it, `type = 3` with `microservice_info` is a microservice
/// channel and anything else a server channel (`type = 3` alone falls back).
fn kind(o: &Obj) -> ApiResult<&'static str> {
    let ty = opt_enum_int(o, "type", &[0, 2, 3])?.filter(|t| *t != 0);
    let asked = opt_str(o, "vpc_channel_type")?.filter(|s| !s.is_empty());
    let Some(asked) = asked else {
        let ms = opt_obj(o, "microservice_info")?.is_some();
        return Ok(if ty == Some(3) && ms {
            MICROSERVICE
        } else {
            BUILTIN
        });
    };
    let kind = [BUILTIN, MICROSERVICE, REFERENCE]
        .into_iter()
        .find(|k| *k == asked)
        .ok_or_else(|| ApiError::invalid("vpc_channel_type"))?;
    match ty {
        Some(t) if t != type_of(kind) => Err(ApiError::invalid("vpc_channel_type")),
        _ => Ok(kind),
    }
}

/// Validates a create/update body and returns it typed, with
/// `vpc_channel_type` and `type` set to the kind asked for.
pub fn channel_request(body: &Value) -> ApiResult<ChannelRequest> {
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
    let kind = kind(o)?;
    opt_shaped(o, "dict_code", valid_dict_code)?;

    // Groups depend on the service type; the microservice checks come last.
    let service_type = opt_obj(o, "microservice_info")?
        .and_then(|ms| ms.get("service_type"))
        .and_then(Value::as_str);
    let mut group_names = Vec::new();
    for g in opt_obj_array(o, "member_groups")?.unwrap_or_default() {
        let name = member_group(g, kind, service_type)?;
        if group_names.iter().any(|n| n == name) {
            return Err(ApiError::invalid("member_group_name"));
        }
        group_names.push(name.to_string());
    }
    for m in opt_obj_array(o, "members")?.unwrap_or_default() {
        member(m, member_type, &group_names)?;
    }
    if let Some(h) = opt_obj(o, "vpc_health_config")? {
        health_config(h)?;
    }
    microservice(o, kind == MICROSERVICE)?;

    let mut req: ChannelRequest =
        serde_json::from_value(strip_nulls(body)).map_err(|_| ApiError::bad_body())?;
    req.vpc_channel_type = Some(kind.to_string());
    req.channel_type = Some(type_of(kind));
    Ok(req)
}

/// One member group (`MemberGroupCreate`) of a channel of `kind`; returns
/// its name.
pub fn member_group<'a>(g: &'a Obj, kind: &str, service_type: Option<&str>) -> ApiResult<&'a str> {
    let name = req_shaped(g, "member_group_name", valid_name)?;
    opt_max(g, "member_group_remark", 255)?;
    let weight = opt_ranged(g, "member_group_weight", 0, 100, Bounds::MinMax)?;
    // "When service_type is NACOS, group weights cannot be set by hand."
    if weight.is_some() && service_type == Some("NACOS") {
        return Err(ApiError::invalid("member_group_weight"));
    }
    opt_shaped(g, "dict_code", valid_dict_code)?;
    opt_max(g, "microservice_version", 64)?;
    opt_ranged(g, "microservice_port", 0, 65535, Bounds::MinMax)?;
    for l in opt_obj_array(g, "microservice_labels")?.unwrap_or_default() {
        req_shaped(l, "label_name", valid_ms_label)?;
        req_shaped(l, "label_value", valid_ms_label)?;
    }
    // Only reference channels take it (existence is checked by the store).
    match opt_str(g, "reference_vpc_channel_id")?.filter(|s| !s.is_empty()) {
        Some(_) if kind != REFERENCE => Err(ApiError::invalid("reference_vpc_channel_id")),
        // A channel ID: 1-64 letters, digits, `-`, `_`.
        Some(r) if !shaped(r, 1, 64, word_dash, word_dash, None) => {
            Err(ApiError::invalid("reference_vpc_channel_id"))
        }
        _ => Ok(name),
    }
}

/// One backend member (`MemberInfo`) of a channel whose groups are `groups`.
pub fn member(m: &Obj, member_type: &str, groups: &[String]) -> ApiResult<()> {
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
        if !shaped(name, 1, 64, han_word_dot_dash, han_word_dot_dash, None) {
            return Err(ApiError::invalid("ecs_name"));
        }
    } else {
        // An ip member's ECS fields are ignored by the server.
        opt_str(m, "ecs_id")?;
        opt_str(m, "ecs_name")?;
    }
    Ok(())
}

/// The health check (`VpcHealthConfig`).
pub fn health_config(h: &Obj) -> ApiResult<()> {
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
