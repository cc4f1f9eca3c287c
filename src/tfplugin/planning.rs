//! Plan behaviours declared as flags on schema attributes (documented
//! defaults, `keep_prior`, `unknown_on_update`, `force_new`), applied to one
//! object at a time. A resource's plan pairs its list elements and calls
//! these for each object; they know nothing of any resource.

use std::collections::BTreeMap;

use super::schema::Attribute;
use super::value::{AttrPath, Value};

/// The child attributes of nested attribute `name` (empty if none).
pub fn nested<'a>(attrs: &'a [Attribute], name: &str) -> &'a [Attribute] {
    attrs
        .iter()
        .find(|a| a.name == name)
        .and_then(|a| a.children())
        .unwrap_or_default()
}

/// Every attribute of `attrs` from `cfg`, null ones taking their documented
/// default.
pub fn with_defaults(attrs: &[Attribute], cfg: &Value) -> BTreeMap<String, Value> {
    let mut o = BTreeMap::new();
    for a in attrs {
        let v = cfg.get(a.name);
        let v = match (&a.default, v) {
            // Plans and states never hold a write-only value.
            _ if a.write_only => Value::Null,
            (Some(d), Value::Null) => d.clone(),
            _ => v.clone(),
        };
        o.insert(a.name.to_string(), v);
    }
    o
}

/// Attributes flagged `keep_prior`: the configured value, else the matched
/// prior one (kept even when null: the API said so), else unknown.
pub fn keep_prior(
    attrs: &[Attribute],
    cfg: &Value,
    prior: Option<&Value>,
    o: &mut BTreeMap<String, Value>,
) {
    for a in attrs.iter().filter(|a| a.keep_prior) {
        let v = match (cfg.get(a.name), prior) {
            (Value::Null, Some(p)) => p.get(a.name).clone(),
            (Value::Null, None) => Value::Unknown,
            (c, _) => c.clone(),
        };
        o.insert(a.name.to_string(), v);
    }
}

/// One planned object: defaults filled and `keep_prior` attributes kept.
/// An unknown object stays unknown.
pub fn plan_object(attrs: &[Attribute], cfg: &Value, prior: Option<&Value>) -> Value {
    if !cfg.is_known() {
        return cfg.clone();
    }
    let mut o = with_defaults(attrs, cfg);
    keep_prior(attrs, cfg, prior, &mut o);
    Value::Object(o)
}

/// The plan a schema's flags declare and nothing more: [`plan_object`] on
/// the configuration, what the API fills in ([`plan_computed`]), then
/// [`finish_plan`]. What a kind plans when it does not override
/// `Resource::plan`.
pub fn plan_by_schema(
    attrs: &[Attribute],
    prior: &Value,
    config: &Value,
) -> (Value, Vec<AttrPath>) {
    if config.is_null() {
        return (Value::Null, Vec::new());
    }
    let mut planned = plan_object(attrs, config, (!prior.is_null()).then_some(prior));
    plan_computed(attrs, prior, &mut planned);
    finish_plan(attrs, prior, planned)
}

/// A top-level computed attribute still null in the plan is the API's to
/// fill: unknown in a create's plan, its prior value in an update's
/// ([`finish_plan`] then makes `unknown_on_update` ones unknown when the
/// object changes). A null would promise Terraform a null after apply.
/// Computed attributes inside nested objects are the kind's to plan.
pub fn plan_computed(attrs: &[Attribute], prior: &Value, planned: &mut Value) {
    let Value::Object(o) = planned else {
        return;
    };
    for a in attrs.iter().filter(|a| a.is_computed()) {
        if o.get(a.name).is_some_and(|v| !v.is_null()) {
            continue;
        }
        let v = match prior {
            Value::Null => Value::Unknown,
            p => p.get(a.name).clone(),
        };
        o.insert(a.name.to_string(), v);
    }
}

/// The end of every plan: a create as planned; an update that changes
/// nothing is the prior state itself; a real one forces replacement where
/// a `force_new` attribute changes and leaves unknown what the API
/// recomputes.
pub fn finish_plan(
    attrs: &[Attribute],
    prior: &Value,
    mut planned: Value,
) -> (Value, Vec<AttrPath>) {
    if prior.is_null() || &planned == prior {
        return (planned, Vec::new());
    }
    let replace = replace_paths(attrs, prior, &planned);
    mark_unknown_on_update(attrs, &mut planned);
    (planned, replace)
}

/// When the planned list holds exactly the prior elements in another order,
/// keep the prior order: Terraform accepts a prior value as equivalent to
/// the configuration, and an API that ignores order sees no change.
pub fn keep_prior_order(planned: Value, prior: &Value) -> Value {
    let (Value::List(p), Some(q)) = (&planned, prior.as_list()) else {
        return planned;
    };
    if p.len() != q.len() || p == q {
        return planned;
    }
    let mut used = vec![false; q.len()];
    for x in p {
        match (0..q.len()).find(|&j| !used[j] && &q[j] == x) {
            Some(j) => used[j] = true,
            None => return planned,
        }
    }
    prior.clone()
}

/// The configuration without values on read-only attributes, at any depth.
/// `ignore_changes` makes Terraform copy prior state into the configuration
/// it plans with, read-only attributes included; those are the server's
/// values, not the user's, and Terraform lets the plan disregard them.
pub fn without_read_only(attrs: &[Attribute], v: &Value) -> Value {
    let Value::Object(o) = v else {
        return v.clone();
    };
    let mut out = o.clone();
    for a in attrs {
        let Some(x) = out.get_mut(a.name) else {
            continue;
        };
        if a.is_computed_only() {
            *x = Value::Null;
        } else if let Some(children) = a.children() {
            *x = match &*x {
                Value::List(items) => Value::List(
                    items
                        .iter()
                        .map(|i| without_read_only(children, i))
                        .collect(),
                ),
                other => without_read_only(children, other),
            };
        }
    }
    Value::Object(out)
}

/// Top-level `force_new` attributes whose planned value differs from the
/// prior one. Unknown may turn out different: it replaces too, as the final
/// plan must keep the action planned now.
pub fn replace_paths(attrs: &[Attribute], prior: &Value, planned: &Value) -> Vec<AttrPath> {
    (attrs.iter())
        .filter(|a| a.force_new && prior.get(a.name) != planned.get(a.name))
        .map(|a| AttrPath::root().attr(a.name))
        .collect()
}

/// On a real change, what the API may recompute (attributes flagged
/// `unknown_on_update`, at any depth) becomes unknown.
pub fn mark_unknown_on_update(attrs: &[Attribute], v: &mut Value) {
    let Value::Object(o) = v else {
        return;
    };
    for a in attrs {
        if a.unknown_on_update {
            o.insert(a.name.to_string(), Value::Unknown);
        } else if let Some(children) = a.children() {
            match o.get_mut(a.name) {
                Some(Value::List(items)) => {
                    for item in items {
                        mark_unknown_on_update(children, item);
                    }
                }
                Some(item @ Value::Object(_)) => mark_unknown_on_update(children, item),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
#[path = "planning_tests.rs"]
mod tests;
