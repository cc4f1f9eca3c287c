//! The kit on its own: where a scope points, its attributes' rules, and
//! the one error renderer (a kind's explanations first, the gateway's
//! after).

use super::*;
use crate::apig::client::ApiError;
use crate::provider::config::{self, ProviderConfig};
use crate::tfplugin::typed::Tf;
use crate::tfplugin::value::Value;

/// The provider's configuration with these arguments set.
fn provider(set: &[(&str, &str)]) -> ProviderConfig {
    let set = set.iter().map(|(k, v)| (*k, Value::string(*v))).collect();
    config::resolve(&config::schema().object_with(set), &|_| None).unwrap()
}

fn scope(project: Option<&str>, region: Option<&str>) -> Scope {
    let tf = |v: Option<&str>| v.map_or(Tf::Null, |s| Tf::Known(s.to_string()));
    Scope {
        instance_id: Tf::Known("gw-1".into()),
        project_id: tf(project),
        region: tf(region),
    }
}

#[test]
fn a_scope_falls_back_to_the_provider_and_names_its_endpoint() {
    let cfg = provider(&[
        ("region", "cn-north-4"),
        ("project_id", "p0"),
        ("token", "t"),
    ]);
    let (target, loc) = locate(&scope(None, None), &cfg).unwrap();
    assert_eq!(target.base_url, "https://apig.cn-north-4.myhuaweicloud.com");
    assert_eq!(
        (target.project_id.as_str(), target.instance_id.as_str()),
        ("p0", "gw-1")
    );
    assert_eq!(loc.region.as_deref(), Some("cn-north-4"));
    assert!(loc.endpoint.contains("apig.cn-north-4"), "{}", loc.endpoint);

    let (target, loc) = locate(&scope(Some("p1"), Some("ap-southeast-1")), &cfg).unwrap();
    assert_eq!(
        target.base_url,
        "https://apig.ap-southeast-1.myhuaweicloud.com"
    );
    assert_eq!(
        (target.project_id.as_str(), loc.region.as_deref()),
        ("p1", Some("ap-southeast-1"))
    );
}

#[test]
fn no_project_or_no_region_is_a_diagnostic_at_the_attribute() {
    let no_project = provider(&[("region", "cn-north-4"), ("token", "t")]);
    let d = locate(&scope(None, None), &no_project).unwrap_err();
    assert_eq!(d.summary, "No project ID");
    assert_eq!(d.path.unwrap().to_string(), Scope::PROJECT_ID);

    let no_region = provider(&[("project_id", "p0"), ("token", "t")]);
    let d = locate(&scope(None, None), &no_region).unwrap_err();
    assert_eq!(d.summary, "No region or endpoint");
    assert_eq!(d.path.unwrap().to_string(), Scope::REGION);
}

#[test]
fn the_scope_attributes_replace_the_object_and_check_their_values() {
    let attrs = scope_attributes("the gateway");
    let names: Vec<&str> = attrs.iter().map(|a| a.name).collect();
    assert_eq!(
        names,
        [Scope::INSTANCE_ID, Scope::PROJECT_ID, Scope::REGION]
    );
    assert!(attrs.iter().all(|a| a.force_new));
    let passes =
        |i: usize, v: &str| (attrs[i].checks.iter()).all(|c| c.check(&Value::string(v)).is_none());
    assert!(passes(0, "gw-1_a") && !passes(0, "../x") && !passes(0, &"a".repeat(65)));
    assert!(passes(2, "cn-north-4") && !passes(2, "cn north"));
    assert!(is_api_id("gw-1") && !is_api_id("") && !is_api_id(&"a".repeat(65)));
}

const THING: Kind = Kind {
    noun: "thing",
    short: "thing",
    type_name: "huaweicloud_apig_thing",
    gone: &["APIG.9001"],
    name_taken: "APIG.9002",
    explain: |code, name, _| (code == "APIG.9002").then(|| format!("{name:?} is taken")),
};

fn api_error(status: u16, code: &str) -> ApiError {
    ApiError::Api {
        status,
        code: code.into(),
        message: "as the API says".into(),
        request_id: Some("req-1".into()),
    }
}

#[test]
fn one_renderer_explains_the_kind_first_then_the_gateway() {
    let loc = Location {
        instance_id: "gw-1".into(),
        project_id: "p0".into(),
        region: None,
        endpoint: "http://127.0.0.1:1 (from `endpoints.apig`)".into(),
    };
    let d = THING.api_diag(
        "create",
        Subject::One("a"),
        &loc,
        &api_error(409, "APIG.9002"),
    );
    assert_eq!(d.summary, "Failed to create thing \"a\"");
    assert!(
        d.detail.starts_with("APIG.9002: \"a\" is taken"),
        "{}",
        d.detail
    );
    assert!(
        d.detail.contains("(request req-1)")
            && d.detail
                .contains("gateway gw-1 (project p0) at http://127.0.0.1:1")
    );

    let d = THING.api_diag(
        "list",
        Subject::All,
        &loc,
        &api_error(404, crate::apig::NO_SUCH_GATEWAY),
    );
    assert_eq!(d.summary, "Failed to list the things");
    assert!(
        d.detail
            .contains("the gateway gw-1 does not exist in project p0"),
        "{}",
        d.detail
    );

    assert!(THING.is_gone(&api_error(404, "APIG.9001")));
    assert!(!THING.is_gone(&api_error(404, "APIG.9002")));
}
