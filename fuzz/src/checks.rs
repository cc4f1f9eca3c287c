//! What each fuzz target does with one input. Every function accepts any
//! bytes; it panics only when it finds a bug: a panic inside the provider's
//! code, or a broken property (a decoded value that does not survive
//! encode → decode, a state the provider could not send back to Terraform,
//! a signature that does not verify).
//!
//! Used by the libFuzzer targets in `fuzz_targets/` and, without libFuzzer,
//! by `tests/fuzz_smoke.rs`, which replays `fuzz/corpus/<target>/*`.

use std::sync::OnceLock;

use hwprovider::apig::models::{Channel, ErrorBody};
use hwprovider::apig::signer as sig;
use hwprovider::provider::vpc_channel::plan as vplan;
use hwprovider::provider::vpc_channel::{self, convert, schema};
use hwprovider::tfplugin::codec::{decode_json, decode_msgpack, encode_msgpack};
use hwprovider::tfplugin::planning::without_read_only;
use hwprovider::tfplugin::typed::Tf;
use hwprovider::tfplugin::value::{Type, Value};

/// The body of one target.
pub type Check = fn(&[u8]);

/// The targets by name, for the replay test.
pub const TARGETS: &[(&str, Check)] = &[
    ("msgpack_decode", msgpack_decode),
    ("json_state", json_state),
    ("api_response", api_response),
    ("signer", signer),
    ("plan", plan),
];

fn resource_type() -> &'static Type {
    static T: OnceLock<Type> = OnceLock::new();
    T.get_or_init(|| schema::schema().value_type())
}

fn defaults() -> vplan::Defaults<'static> {
    vplan::Defaults {
        project_id: Tf::Known("0123456789abcdef0123456789abcdef"),
        region: Some("cn-north-4"),
    }
}

/// Sets compare as multisets: their order on the wire carries no meaning.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Set(x), Value::Set(y)) => {
            x.len() == y.len() && {
                let mut used = vec![false; y.len()];
                x.iter().all(|xe| {
                    (0..y.len())
                        .find(|&j| !used[j] && same(xe, &y[j]))
                        .map(|j| used[j] = true)
                        .is_some()
                })
            }
        }
        (Value::List(x), Value::List(y)) | (Value::Tuple(x), Value::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Map(x), Value::Map(y)) | (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((k1, v1), (k2, v2))| k1 == k2 && same(v1, v2))
        }
        _ => a == b,
    }
}

/// A decoded value must encode, and decode back to itself.
fn round_trip(v: &Value, ty: &Type, what: &str) {
    let bytes = match encode_msgpack(v, ty) {
        Ok(b) => b,
        Err(e) => panic!("{what}: a decoded value does not encode: {e:?}\nvalue: {v:?}"),
    };
    match decode_msgpack(&bytes, ty) {
        Ok(back) => assert!(
            same(&back, v),
            "{what}: round trip changed the value\nbefore: {v:?}\nafter:  {back:?}"
        ),
        Err(e) => panic!("{what}: re-decoding our own encoding failed: {e:?}\nvalue: {v:?}"),
    }
}

/// A value the provider returns to Terraform must encode in the resource type.
fn must_encode(v: &Value, what: &str) {
    if let Err(e) = encode_msgpack(v, resource_type()) {
        panic!("{what}: the provider could not send this value to Terraform: {e:?}\nvalue: {v:?}");
    }
}

/// msgpack_decode: DynamicValue.msgpack of the resource type (first byte
/// even) or of `dynamic` (odd: the `[type JSON, value]` form).
pub fn msgpack_decode(data: &[u8]) {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let ty = if sel % 2 == 0 {
        resource_type().clone()
    } else {
        Type::Dynamic
    };
    if let Ok(v) = decode_msgpack(rest, &ty) {
        round_trip(&v, &ty, "msgpack_decode");
    }
}

/// json_state: RawState.json as UpgradeResourceState receives it.
pub fn json_state(data: &[u8]) {
    let ty = resource_type();
    if let Ok((v, _ignored)) = decode_json(data, ty) {
        round_trip(&v, ty, "json_state");
        // What UpgradeResourceState returns is then planned against.
        let _ = vpc_channel::validate(&v);
        let (planned, _) = vplan::plan_values(&v, &v, &defaults());
        must_encode(&planned, "json_state plan");
    }
}

/// api_response: a 2xx body of show/create/update, and an error body.
pub fn api_response(data: &[u8]) {
    let _ = serde_json::from_slice::<ErrorBody>(data);
    let Ok(ch) = serde_json::from_slice::<Channel>(data) else {
        return;
    };
    let loc = convert::Location {
        instance_id: "eddc4d25480b4cd6b512f270a1b8b341".into(),
        project_id: "0123456789abcdef0123456789abcdef".into(),
        region: Some("cn-north-4".into()),
        endpoint: String::new(),
    };
    // First read (import: no guide), then a refresh guided by that state.
    let first = convert::state_from_api(&ch, &Value::Null, &loc);
    must_encode(&first, "state_from_api (no guide)");
    let state = convert::state_from_api(&ch, &first, &loc);
    must_encode(&state, "state_from_api (guided)");
    let _ = vpc_channel::validate(&state);
    let (planned, _) = vplan::plan_values(&state, &state, &defaults());
    must_encode(&planned, "plan on an API state");
    let body = convert::request_from_plan(&planned, &state);
    let _ = serde_json::to_vec(&body);
}

/// Splits `data` into `n` fields at 0x00 bytes (missing fields are empty).
fn fields(data: &[u8], n: usize) -> Vec<String> {
    let mut out: Vec<String> = data
        .splitn(n, |&b| b == 0)
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect();
    out.resize(n, String::new());
    out
}

fn pairs(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (p.to_string(), String::new()),
        })
        .collect()
}

/// signer: canonical URI and query, sign and verify, Authorization
/// parsing, and the X-Sdk-Date format, on arbitrary strings. Fields (0x00
/// separated): method, path, query (`k=v&...`), headers (`name:value` per
/// line), ak, sk, date seconds (decimal), body.
pub fn signer(data: &[u8]) {
    let f = fields(data, 8);
    let (method, path, query, header_text, ak, sk, date, body) =
        (&f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7]);

    let uri = sig::canonical_uri(path);
    assert!(uri.ends_with('/'), "canonical URI {uri:?} lacks its '/'");
    assert!(
        uri.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.~%/".contains(&b)),
        "canonical URI {uri:?} has an unescaped character"
    );
    let q = pairs(query);
    let canonical = sig::canonical_query(&q);
    let mut shuffled = q.clone();
    shuffled.reverse();
    assert_eq!(
        canonical,
        sig::canonical_query(&shuffled),
        "canonical query depends on the order of the pairs"
    );

    let secs = date.trim().parse::<i64>().unwrap_or(0);
    // Years 0000..=9999: what parse_sdk_date accepts.
    if (-62_167_219_200..=253_402_300_799).contains(&secs) {
        let d = sig::sdk_date(secs);
        assert_eq!(
            sig::parse_sdk_date(&d),
            Some(secs),
            "sdk_date {d:?} does not parse back"
        );
    }
    let _ = sig::parse_sdk_date(date);

    let mut headers: Vec<(String, String)> = header_text
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    headers.push((
        sig::SDK_DATE_HEADER.to_string(),
        sig::sdk_date(secs.clamp(0, 253_402_300_799)),
    ));
    let input = sig::SigningInput {
        method,
        path,
        query: &q,
        headers: &headers,
        body: body.as_bytes(),
    };
    let signed = sig::sign(ak, sk, &input);
    assert!(
        sig::verify(sk, &input, &signed.signature),
        "a signature does not verify: {signed:?}"
    );
    assert!(
        sig::verify(sk, &input, &signed.signature.to_ascii_uppercase()),
        "hex case matters in verify"
    );
    let _ = sig::parse_authorization(&signed.authorization);
    let _ = sig::parse_authorization(&f.concat());
    // An access key a gateway would accept parses back out of the header.
    let plain_ak = !ak.is_empty() && ak.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if plain_ak && !signed.signed_headers.is_empty() {
        let parsed = sig::parse_authorization(&signed.authorization);
        if signed
            .signed_headers
            .split(';')
            .all(|h| !h.is_empty() && !h.contains([',', '=']) && !h.contains(char::is_whitespace))
        {
            let p = parsed.unwrap_or_else(|| {
                panic!("our own Authorization header does not parse: {signed:?}")
            });
            assert_eq!(p.access, *ak);
            assert_eq!(p.signature, signed.signature);
        }
    }
}

/// plan: msgpack config and prior state (split at the first byte's value,
/// as a length of the config part) through validate, plan and the request
/// built from the plan.
pub fn plan(data: &[u8]) {
    if data.len() < 2 {
        return;
    }
    let n = usize::from(u16::from_le_bytes([data[0], data[1]]));
    let rest = &data[2..];
    let (cfg_bytes, prior_bytes) = rest.split_at(n.min(rest.len()));
    let ty = resource_type();
    let Ok(config) = decode_msgpack(cfg_bytes, ty) else {
        return;
    };
    let prior = decode_msgpack(prior_bytes, ty).unwrap_or(Value::Null);
    let diags = vpc_channel::validate(&config);
    let (planned, _replace) = vplan::plan_values(&prior, &config, &defaults());
    must_encode(&planned, "plan::plan_values");
    // What the provider's PlanResourceChange does (read-only values
    // dropped, validation first).
    let stripped = without_read_only(&schema::schema().attributes, &config);
    let (prior_side, config_side) = (vplan::Side::of(&prior), vplan::Side::of(&stripped));
    let r = vpc_channel::validate_and_plan(None, &prior_side, &config_side, false);
    must_encode(&r.planned, "vpc_channel::validate_and_plan");
    // Terraform only applies plans of valid configurations.
    if diags.is_empty() && !planned.is_null() {
        let body = convert::request_from_plan(&planned, &config);
        let _ = serde_json::to_vec(&body);
    }
}
