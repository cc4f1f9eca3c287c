//! GenerateResourceConfig: the configuration a person would write for a
//! channel found by `terraform query` or imported with
//! `-generate-config-out`. Only what the user must or chose to set: every
//! value the provider or the server would fill in by itself is left out.
//!
//! "Would fill in by itself" is decided by the plan, not by a second list
//! of defaults: starting from the state without its read-only attributes,
//! each optional+computed attribute (and nested object) is left out when
//! (1) planning the import with that configuration still changes nothing,
//! and (2) planning a create from it fills in exactly the value the channel
//! has (a default, or what the API derives, like a member's port from the
//! channel's). (1) keeps the result valid and the import quiet; (2) keeps
//! what the user chose, which the plan would otherwise carry over from the
//! prior state. A value the create plan leaves unknown is kept.

use crate::provider::config::ProviderConfig;
use crate::tfplugin::diag::has_errors;
use crate::tfplugin::planning::without_read_only;
use crate::tfplugin::provider::PlanResponse;
use crate::tfplugin::schema::{Attribute, Kind, Nesting, Presence};
use crate::tfplugin::value::Value;

use super::plan::Side;
use super::schema;
use super::state::{Health, Member};

/// Objects up to which an attribute is also tried one object at a time.
const ONE_BY_ONE_MAX: usize = 8;

/// One step into a value: an attribute or a list element.
#[derive(Clone, Copy)]
enum Step {
    Attr(&'static str),
    Index(usize),
}

/// The smallest configuration that plans `state` with no change, by
/// `cfg`'s defaults (the provider's project and region).
pub fn config_for(cfg: Option<&ProviderConfig>, state: &Value) -> Value {
    let mut config = without_read_only(&schema::schema().attributes, state);
    if state.is_null() || !no_change(cfg, state, &config) {
        // Nothing smaller can be proven; the full one is still what exists.
        return config;
    }
    let works = |c: &Value, left_out: &[Vec<Step>]| {
        no_change(cfg, state, c) && {
            let created = plan_values(cfg, &Value::Null, c).planned;
            (left_out.iter()).all(|p| {
                let (planned, has) = (get(&created, p), get(state, p));
                planned == has || (planned.is_unknown() && api_fills(p).as_ref() == Some(has))
            })
        }
    };
    leave_out(
        &schema::schema().attributes,
        &[Vec::new()],
        &mut config,
        &works,
    );
    config
}

/// The plan of `config` over `prior`, both values (viewed here).
fn plan_values(cfg: Option<&ProviderConfig>, prior: &Value, config: &Value) -> PlanResponse {
    super::validate_and_plan(cfg, &Side::of(prior), &Side::of(config), false)
}

/// What the API sets for an attribute left unset that the plan cannot
/// know: a member's and the health check's `status` come back 1.
fn api_fills(path: &[Step]) -> Option<Value> {
    match path.last() {
        Some(Step::Attr(a)) if *a == Member::STATUS || *a == Health::STATUS => Some(Value::int(1)),
        _ => None,
    }
}

/// Planning the import of `state` with `config` changes nothing.
fn no_change(cfg: Option<&ProviderConfig>, state: &Value, config: &Value) -> bool {
    let r = plan_values(cfg, state, config);
    !has_errors(&r.diags) && r.requires_replace.is_empty() && r.planned == *state
}

/// Leaves out each optional+computed attribute of the objects at `at`:
/// first in all of them at once (every member's `port`), then one by one;
/// what stays is looked into.
fn leave_out(
    attrs: &[Attribute],
    at: &[Vec<Step>],
    config: &mut Value,
    works: &dyn Fn(&Value, &[Vec<Step>]) -> bool,
) {
    for a in attrs.iter().filter(|a| a.presence != Presence::Computed) {
        let set: Vec<Vec<Step>> = (at.iter())
            .map(|p| [p.as_slice(), &[Step::Attr(a.name)]].concat())
            .filter(|p| !get(config, p).is_null())
            .collect();
        if set.is_empty() {
            continue;
        }
        let mut kept = set.clone();
        if a.presence == Presence::OptionalComputed {
            if try_null(config, &set, works) {
                continue;
            }
            // One by one only for a few: each try is two plans.
            if set.len() > 1 && set.len() <= ONE_BY_ONE_MAX {
                kept.retain(|p| !try_null(config, std::slice::from_ref(p), works));
            }
        }
        if let Kind::Nested(nesting, children) = &a.kind {
            let inner: Vec<Vec<Step>> = match nesting {
                Nesting::Single => kept,
                Nesting::List | Nesting::Set => (kept.iter())
                    .flat_map(|p| {
                        let n = get(config, p).as_list().map_or(0, <[Value]>::len);
                        (0..n).map(move |i| [p.as_slice(), &[Step::Index(i)]].concat())
                    })
                    .collect(),
            };
            leave_out(children, &inner, config, works);
        }
    }
}

/// Sets every path to null; keeps that when the plan still agrees.
fn try_null(
    config: &mut Value,
    paths: &[Vec<Step>],
    works: &dyn Fn(&Value, &[Vec<Step>]) -> bool,
) -> bool {
    let mut candidate = config.clone();
    for p in paths {
        if let Some(v) = get_mut(&mut candidate, p) {
            *v = Value::Null;
        }
    }
    if works(&candidate, paths) {
        *config = candidate;
        true
    } else {
        false
    }
}

fn get<'a>(v: &'a Value, path: &[Step]) -> &'a Value {
    path.iter().fold(v, |v, s| match (s, v) {
        (Step::Attr(a), _) => v.get(a),
        (Step::Index(i), Value::List(l)) => l.get(*i).unwrap_or(&Value::Null),
        _ => &Value::Null,
    })
}

fn get_mut<'a>(v: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter().try_fold(v, |v, s| match (s, v) {
        (Step::Attr(a), Value::Object(o)) => o.get_mut(*a),
        (Step::Index(i), Value::List(l)) => l.get_mut(*i),
        _ => None,
    })
}

#[cfg(test)]
#[path = "generate_tests.rs"]
mod tests;
