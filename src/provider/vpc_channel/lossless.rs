//! No silent loss. The update call (`PUT`) overwrites the whole channel, so
//! a body built from a model narrower than the channel would drop whatever
//! the model lacks: a field the API adds one day, a service type or kind of
//! channel this provider does not know.
//!
//! The choice: refuse, never carry through. Carrying unknown content would
//! mean sending back fields whose meaning (and whether they may be sent)
//! nobody here knows. So a read finds what the show answer holds beyond the
//! models (`apig::models::Extra`), and kinds of channel (`vpc_channel_type`)
//! and `service_type`s the provider does not know.
//! Import of such a channel fails with a message naming each item; a
//! managed channel that gains some is read with a warning, the finding is
//! kept in the resource's private state, and any in-place update is refused
//! at plan and again at apply. Delete (and replacement) stay possible: they
//! lose nothing the user did not ask to remove.

use serde_json::Value as Json;

use crate::apig::models::{self as api, Extra};
use crate::tfplugin::diag::Diagnostic;

const KEY: &str = "unrepresentable";

fn carries(v: &Json) -> bool {
    match v {
        Json::Null => false,
        Json::String(s) => !s.is_empty(),
        Json::Array(a) => !a.is_empty(),
        Json::Object(o) => !o.is_empty(),
        _ => true,
    }
}

fn extras(at: &str, extra: &Extra, out: &mut Vec<String>) {
    for (k, _) in extra.iter().filter(|(_, v)| carries(v)) {
        out.push(format!("`{at}{k}` (a field this provider does not know)"));
    }
}

fn one_of(at: &str, v: Option<&str>, known: &[&str], out: &mut Vec<String>) {
    if let Some(v) = v.filter(|v| !v.is_empty() && !known.contains(v)) {
        out.push(format!(
            "`{at}` = {v:?} (a value this provider does not know)"
        ));
    }
}

fn microservice(m: &api::MicroserviceInfo, out: &mut Vec<String>) {
    let at = "microservice_info.";
    extras(at, &m.extra, out);
    let st = m.spec.service_type.as_deref();
    one_of(
        "microservice_info.service_type",
        st,
        &["CSE", "CCE", "CCE_SERVICE", "NACOS"],
        out,
    );
    if let Some(x) = &m.spec.cse_info {
        extras("microservice_info.cse_info.", &x.extra, out);
    }
    if let Some(x) = &m.spec.cce_info {
        extras("microservice_info.cce_info.", &x.extra, out);
    }
    if let Some(x) = &m.spec.cce_service_info {
        extras("microservice_info.cce_service_info.", &x.extra, out);
    }
    if let Some(n) = &m.spec.nacos_info {
        extras("microservice_info.nacos_info.", &n.extra, out);
        extras(
            "microservice_info.nacos_info.user_info.",
            &n.user_info.extra,
            out,
        );
        for (i, s) in n.server_config.iter().enumerate() {
            extras(
                &format!("microservice_info.nacos_info.server_config[{i}]."),
                &s.extra,
                out,
            );
        }
    }
}

/// What the show answer `ch` holds that the provider cannot represent, in
/// words (empty: nothing).
pub fn unrepresentable(ch: &api::Channel) -> Vec<String> {
    let mut out = Vec::new();
    extras("", &ch.extra, &mut out);
    // An odd value of an attribute the state holds (`member_type`, `type`)
    // is in the state and shows in any plan that changes it: not silent.
    // An unknown kind of channel or service type is, as its details are not.
    let kinds = ["builtin", "microservice", "reference"];
    one_of(
        "vpc_channel_type",
        ch.vpc_channel_type.as_deref(),
        &kinds,
        &mut out,
    );
    for (i, g) in ch.member_groups.iter().flatten().enumerate() {
        extras(&format!("member_groups[{i}]."), &g.extra, &mut out);
        for (j, l) in g.spec.microservice_labels.iter().flatten().enumerate() {
            extras(
                &format!("member_groups[{i}].microservice_labels[{j}]."),
                &l.extra,
                &mut out,
            );
        }
    }
    for (i, m) in ch.members.iter().flatten().enumerate() {
        extras(&format!("members[{i}]."), &m.extra, &mut out);
    }
    if let Some(h) = &ch.vpc_health_config {
        extras("vpc_health_config.", &h.extra, &mut out);
    }
    if let Some(m) = &ch.microservice_info {
        microservice(m, &mut out);
    }
    out
}

/// The private state with `found` recorded (replacing an earlier finding,
/// keeping anything else stored there).
pub fn note(private: Vec<u8>, found: &[String]) -> Vec<u8> {
    let mut obj = match serde_json::from_slice::<Json>(&private) {
        Ok(Json::Object(o)) => o,
        _ if private.is_empty() => serde_json::Map::new(),
        // Not ours: leave it alone.
        _ => return private,
    };
    if found.is_empty() {
        obj.remove(KEY);
    } else {
        obj.insert(KEY.into(), Json::from(found.to_vec()));
    }
    if obj.is_empty() {
        return Vec::new();
    }
    serde_json::to_vec(&Json::Object(obj)).unwrap_or(private)
}

/// What a read recorded in the private state.
pub fn noted(private: &[u8]) -> Vec<String> {
    match serde_json::from_slice::<Json>(private) {
        Ok(Json::Object(o)) => (o.get(KEY).and_then(Json::as_array).into_iter().flatten())
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

fn list(found: &[String]) -> String {
    found.iter().map(|f| format!("\n  - {f}")).collect()
}

/// Import of a channel holding `found`.
pub fn import_refused(id: &str, found: &[String]) -> Diagnostic {
    Diagnostic::error(
        "VPC channel cannot be imported without loss",
        format!(
            "VPC channel {id} holds what this provider cannot represent:{}\nEvery update of a channel sends the whole channel (PUT), which would drop these. The channel was not imported; manage it with a tool that knows these fields, or upgrade the provider.",
            list(found)
        ),
    )
}

/// An in-place update of a channel holding `found`.
pub fn update_refused(name: &str, found: &[String]) -> Diagnostic {
    Diagnostic::error(
        "VPC channel cannot be updated without loss",
        format!(
            "VPC channel {name:?} holds what this provider cannot represent:{}\nAn update sends the whole channel (PUT), which would drop these, so it is refused. Deleting or replacing the channel still works; so does changing it with a tool that knows these fields.",
            list(found)
        ),
    )
}

/// The warning of a read that finds `found` on a managed channel.
pub fn read_warning(name: &str, found: &[String]) -> Diagnostic {
    Diagnostic::warning(
        "VPC channel holds what this provider cannot represent",
        format!(
            "VPC channel {name:?} holds:{}\nThe provider will refuse to update it in place (an update sends the whole channel and would drop these); delete and replacement still work.",
            list(found)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(body: &str) -> api::Channel {
        serde_json::from_str(body).unwrap()
    }

    #[test]
    fn finds_unknown_fields_and_values_at_any_depth() {
        let ch = shown(
            r#"{"id":"a","name":"n","port":1,"balance_strategy":1,"member_type":"ip","type":3,
            "vpc_channel_type":"microservice","future":{"x":1},"empty_future":"",
            "members":[{"host":"10.0.0.1","id":"m","weight_v2":5}],
            "member_groups":[{"member_group_name":"g","member_group_id":"x","labels2":["a"]}],
            "microservice_info":{"service_type":"EUREKA","eureka_info":{"app":"x"}}}"#,
        );
        let found = unrepresentable(&ch);
        let all = found.join("\n");
        for want in [
            "`future`",
            "`members[0].weight_v2`",
            "`member_groups[0].labels2`",
            "`microservice_info.eureka_info`",
            "`microservice_info.service_type` = \"EUREKA\"",
        ] {
            assert!(all.contains(want), "{want}: {all}");
        }
        assert!(
            !all.contains("empty_future"),
            "empty values carry nothing: {all}"
        );
        assert_eq!(found.len(), 5, "{all}");
    }

    #[test]
    fn the_seed_answers_hold_nothing_unknown() {
        let ch = shown(include_str!("../../../tests/data/seed_example2_show.json"));
        assert_eq!(unrepresentable(&ch), Vec::<String>::new());
    }

    #[test]
    fn private_state_round_trip_keeps_other_keys() {
        let p = note(Vec::new(), &["`x`".into()]);
        assert_eq!(noted(&p), ["`x`"]);
        assert!(note(p.clone(), &[]).is_empty());
        let other = br#"{"other":1}"#.to_vec();
        let both = note(other.clone(), &["`y`".into()]);
        assert_eq!(noted(&both), ["`y`"]);
        assert_eq!(note(both, &[]), other);
        assert_eq!(note(b"opaque".to_vec(), &["`z`".into()]), b"opaque");
        assert!(noted(b"").is_empty());
    }
}
