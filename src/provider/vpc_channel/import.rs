//! Import IDs: `<instance_id>/<id>` or `<instance_id>/<name>`.
//!
//! A channel ID and a channel name can look alike (a 32-hex string starting
//! with a letter is a valid name), so the form is never guessed from the
//! text alone. When the part after the slash could be an ID, it is looked
//! up as one; when it could be a name, the exact-name search runs too.
//! - an ID match and no other channel by that name: that channel;
//! - an ID match and a *different* channel by that name: an error, since
//!   either could be meant; `id:<id>` or `name:<name>` after the slash
//!   says which (neither IDs nor names may contain `:`);
//! - no ID match: the one channel with that exact name; several is an
//!   error listing their IDs, none is an error naming the gateway and what
//!   was searched.

use crate::apig::channels::NO_SUCH_CHANNEL;
use crate::apig::client::{ApiError, Client};
use crate::provider::config::ProviderConfig;
use crate::provider::gateway::{is_api_id, locate, Location, Scope, Subject};
use crate::tfplugin::diag::Diagnostic;
use crate::tfplugin::typed::Tf;

use super::state::Channel;

use super::{rules, KIND};

pub const IMPORT_FORMAT: &str = "<instance_id>/<id> or <instance_id>/<name>";

/// What the part after the slash says.
#[derive(Debug, PartialEq, Eq)]
pub enum Wanted<'a> {
    /// Could be either; both lookups decide.
    IdOrName(&'a str),
    Id(&'a str),
    Name(&'a str),
}

impl Wanted<'_> {
    fn id(&self) -> Option<&str> {
        match self {
            Wanted::IdOrName(s) | Wanted::Id(s) if is_api_id(s) => Some(s),
            _ => None,
        }
    }

    fn name(&self) -> Option<&str> {
        match self {
            Wanted::IdOrName(s) | Wanted::Name(s) if is_channel_name(s) => Some(s),
            _ => None,
        }
    }
}

fn is_channel_name(s: &str) -> bool {
    (3..=64).contains(&s.chars().count()) && rules::is_name(s)
}

fn bad_id(id: &str) -> Diagnostic {
    Diagnostic::error(
        "Invalid import ID",
        format!(
            "Expected an ID of the form {IMPORT_FORMAT}, e.g. `eddc4d25480b4cd6b512f270a1b8b341/18174f5f4f1a4dc29f33aeadd9788e5f` or `eddc4d25480b4cd6b512f270a1b8b341/my_channel`; `<instance_id>/id:<id>` and `<instance_id>/name:<name>` say which one is meant. Got {id:?}."
        ),
    )
}

/// Splits and checks an import ID, before any call.
pub fn parse(id: &str) -> Result<(&str, Wanted<'_>), Diagnostic> {
    let (instance, rest) = id.trim().split_once('/').ok_or_else(|| bad_id(id))?;
    if !is_api_id(instance) {
        return Err(bad_id(id));
    }
    let wanted = if let Some(x) = rest.strip_prefix("id:") {
        Wanted::Id(x)
    } else if let Some(x) = rest.strip_prefix("name:") {
        Wanted::Name(x)
    } else {
        Wanted::IdOrName(rest)
    };
    if wanted.id().is_none() && wanted.name().is_none() {
        return Err(bad_id(id));
    }
    Ok((instance, wanted))
}

/// Resolves an import ID to the minimal state that ReadResource completes.
pub async fn import(
    cfg: Option<&ProviderConfig>,
    client: Option<&Client>,
    id: &str,
) -> Result<Channel, Diagnostic> {
    let (instance, wanted) = parse(id)?;
    let mut state = Channel {
        instance_id: Tf::Known(instance.to_string()),
        project_id: cfg.and_then(|c| c.project_id.clone()).into(),
        region: cfg.and_then(|c| c.region.clone()).into(),
        ..Channel::default()
    };
    // Only an explicit ID needs no lookup: ReadResource reports it gone.
    let channel_id = match (&wanted, cfg.zip(client)) {
        (Wanted::Id(x), _) => x.to_string(),
        (_, None) => {
            return Err(Diagnostic::error(
                "Provider not configured",
                "Importing by name needs the provider's configuration to search the gateway.",
            ))
        }
        (_, Some((cfg, client))) => resolve(cfg, client, &state.scope(), &wanted).await?,
    };
    state.id = Tf::Known(channel_id);
    Ok(state)
}

async fn resolve(
    cfg: &ProviderConfig,
    client: &Client,
    scope: &Scope,
    wanted: &Wanted<'_>,
) -> Result<String, Diagnostic> {
    let (target, loc) = locate(scope, cfg)?;
    let failed = |e: &ApiError| lookup_failed(&loc, wanted, e);
    let by_id = match wanted.id() {
        None => None,
        Some(id) => match client.show_channel(&target, id).await {
            Ok(ch) => Some(ch),
            Err(e) if e.code() == Some(NO_SUCH_CHANNEL) => None,
            Err(e) => return Err(failed(&e)),
        },
    };
    let by_name = match wanted.name() {
        None => Vec::new(),
        Some(name) => client
            .find_channels_by_name(&target, name)
            .await
            .map_err(|e| failed(&e))?,
    };
    let gw = &loc.instance_id;
    if let Some(ch) = by_id {
        let others: Vec<&str> = by_name
            .iter()
            .filter(|c| c.id != ch.id)
            .map(|c| c.id.as_str())
            .collect();
        if others.is_empty() {
            return Ok(ch.id);
        }
        let x = wanted.id().unwrap_or_default();
        return Err(Diagnostic::error(
            "Ambiguous import ID",
            format!(
                "In gateway {gw}, {x:?} is the ID of channel {:?} and also the name of channel {}. Say which one is meant: `{gw}/id:{x}` or `{gw}/name:{x}`.",
                ch.name,
                others.join(", ")
            ),
        ));
    }
    match by_name.as_slice() {
        [one] if is_api_id(&one.id) => Ok(one.id.clone()),
        [one] => Err(Diagnostic::error(
            "Unusable VPC channel ID",
            format!(
                "Gateway {gw} lists VPC channel {:?} with the ID {:?}, which is not a usable channel ID; it cannot be imported.",
                one.name, one.id
            ),
        )),
        [] => Err(Diagnostic::error(
            "VPC channel not found",
            format!(
                "Gateway {gw} (project {}) has no VPC channel {}.",
                loc.project_id,
                searched(wanted)
            ),
        )),
        several => {
            let ids: Vec<&str> = several.iter().map(|c| c.id.as_str()).collect();
            Err(Diagnostic::error(
                "Several VPC channels found",
                format!(
                    "Gateway {gw} has {} VPC channels named {:?}: {}. Import one by its ID: `{gw}/id:<id>`.",
                    several.len(),
                    wanted.name().unwrap_or_default(),
                    ids.join(", ")
                ),
            ))
        }
    }
}

fn searched(wanted: &Wanted<'_>) -> String {
    match (wanted.id(), wanted.name()) {
        (Some(x), Some(_)) => format!("with ID {x:?}, and none named exactly {x:?}"),
        (Some(x), None) => format!("with ID {x:?}"),
        (None, Some(x)) => format!("named exactly {x:?}"),
        (None, None) => "matching the import ID".into(),
    }
}

fn lookup_failed(loc: &Location, wanted: &Wanted<'_>, e: &ApiError) -> Diagnostic {
    let what = match wanted {
        Wanted::IdOrName(x) | Wanted::Id(x) | Wanted::Name(x) => *x,
    };
    KIND.api_diag("find", Subject::One(what), loc, e)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (instance, as an ID, as a name) of an import ID.
    fn forms(s: &str) -> (String, Option<String>, Option<String>) {
        let (i, w) = parse(s).unwrap();
        (
            i.to_string(),
            w.id().map(str::to_string),
            w.name().map(str::to_string),
        )
    }

    #[test]
    fn parse_forms() {
        let gw = "eddc4d25480b4cd6b512f270a1b8b341";
        let hex = "18174f5f4f1a4dc29f33aeadd9788e5f";
        let some = |s: &str| Some(s.to_string());
        // digits first: an ID only, never a name
        assert_eq!(forms(&format!("{gw}/{hex}")), (gw.into(), some(hex), None));
        assert_eq!(
            forms(&format!("{gw}/my.channel")),
            (gw.into(), None, some("my.channel"))
        );
        // a letter first: could be either
        let x = "a8174f5f4f1a4dc29f33aeadd9788e5f";
        assert_eq!(forms(&format!("{gw}/{x}")), (gw.into(), some(x), some(x)));
        assert_eq!(forms(&format!("{gw}/id:{x}")), (gw.into(), some(x), None));
        assert_eq!(forms(&format!("{gw}/name:{x}")), (gw.into(), None, some(x)));
        for bad in [
            "not-an-id".to_string(),
            format!("{gw}/"),
            format!("/{hex}"),
            format!("{gw}/a b"),
            format!("{gw}/name:1abc"),
            format!("{gw}/name:ab"),
            format!("{gw}/id:my.channel"),
            format!("{gw}/{}", "a".repeat(65)),
            format!("g w/{hex}"),
        ] {
            let e = parse(&bad).unwrap_err();
            assert!(e.detail.contains("<instance_id>/<name>"), "{bad}");
        }
    }
}
