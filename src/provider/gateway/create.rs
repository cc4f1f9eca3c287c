//! The create of an object whose name is unique in its gateway, for any
//! kind: the adoption rule (an object of that name found before the first
//! POST is someone else's; after an unclear POST only one absent then and
//! holding what was sent is ours) and the interrupt rule (a POST already
//! sent is finished or resolved by a lookup within a grace period; nothing
//! new is sent after the stop).

use std::time::Duration;

use crate::apig::client::{ApiError, Client, Target, SEND_GRACE};
use crate::tfplugin::diag::Diagnostic;
use crate::tfplugin::logging::{self, Level};

use super::{is_api_id, Kind, Location, Subject, ID_RULE};

/// One create, as the rules need it: the kind supplies the calls and what
/// makes a found object the one it sent.
#[tonic::async_trait]
pub trait Creation: Sync {
    /// An object as the API answers and lists it.
    type Found: Send;
    fn kind(&self) -> &'static Kind;
    /// The name it is created with.
    fn name(&self) -> &str;
    fn id_of(found: &Self::Found) -> &str;
    /// The object named exactly [`Creation::name`], if any.
    async fn find(&self, client: &Client, t: &Target) -> Result<Option<Self::Found>, ApiError>;
    /// The POST itself.
    async fn send(&self, client: &Client, t: &Target) -> Result<Self::Found, ApiError>;
    /// `found` holds what was sent (in what the list call shows).
    fn holds_sent(&self, found: &Self::Found) -> bool;
    /// What `found` holds of what was sent, for a message.
    fn describe(found: &Self::Found) -> String;
}

/// POST, guarding against duplicates: when the answer is lost the object
/// may exist, so it is looked up by exact name before trying again.
/// `client` stops with Terraform; `shield` finishes what was sent (see
/// [`Client::shielded`]). The new object's ID, or why there is none.
pub async fn create<C: Creation>(
    client: &Client,
    shield: &Client,
    target: &Target,
    loc: &Location,
    c: &C,
    attempts: u32,
) -> Result<String, Diagnostic> {
    let (kind, name) = (c.kind(), c.name());
    // Adoption rule, step 1: prove the name free before the first POST
    // (one list request), so that only an object absent here can later be
    // taken for our own lost create.
    match c.find(client, target).await {
        Ok(Some(found)) => return Err(exists_import_it(kind, name, loc, C::id_of(&found), "")),
        Ok(None) => {}
        Err(ApiError::Cancelled) => return Err(not_sent(kind, name, loc)),
        Err(e) => return Err(kind.api_diag("create", Subject::One(name), loc, &e)),
    }
    let mut last: Option<ApiError> = None;
    // The ID of an object known to exist whose ID cannot be used.
    let mut unusable: Option<String> = None;
    for attempt in 0..=attempts {
        if attempt > 0 {
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt.min(10)))) => {}
                _ = client.stopped_for(Duration::ZERO) => {}
            }
        }
        // Interrupt rule: only work not yet sent is cancelled.
        if client.is_stopped() {
            return Err(match &last {
                None => not_sent(kind, name, loc),
                Some(e) => unresolved(
                    kind,
                    name,
                    loc,
                    e,
                    "Terraform was interrupted before it was tried again",
                ),
            });
        }
        let answer = tokio::select! {
            r = c.send(shield, target) => r,
            _ = client.stopped_for(SEND_GRACE) => Err(ApiError::Cancelled),
        };
        match usable_id::<C>(kind, answer, &mut unusable) {
            Ok(id) => return Ok(id),
            Err(e) if e.may_have_been_applied() => {
                match after_unclear(shield, target, loc, c, &e, unusable.as_deref()).await {
                    Some(done) => return done,
                    None => last = Some(e),
                }
            }
            // An earlier attempt whose answer was lost may have finished
            // late: the name is now taken, by our own object.
            Err(e) if last.is_some() && e.code() == Some(kind.name_taken) => {
                return match c.find(shield, target).await {
                    Ok(Some(found)) if c.holds_sent(&found) => adopt(c, found, loc),
                    _ => Err(kind.api_diag("create", Subject::One(name), loc, &e)),
                };
            }
            Err(e) => return Err(kind.api_diag("create", Subject::One(name), loc, &e)),
        }
    }
    let last = last.unwrap_or(ApiError::Transport {
        message: "no attempt made".into(),
        maybe_committed: false,
    });
    Err(kind.api_diag("create", Subject::One(name), loc, &last))
}

/// The ID of a create's answer. Without one, the answer is as good as
/// lost; with one that cannot be stored, the object is found by name as
/// for a lost answer (and `unusable` remembers that it exists).
fn usable_id<C: Creation>(
    kind: &Kind,
    answer: Result<C::Found, ApiError>,
    unusable: &mut Option<String>,
) -> Result<String, ApiError> {
    let found = answer?;
    let id = C::id_of(&found);
    let short = kind.short;
    if id.is_empty() {
        return Err(ApiError::Decode {
            status: 201,
            message: format!("the create answer carries no {short} id"),
        });
    }
    if !is_api_id(id) {
        *unusable = Some(id.to_string());
        return Err(ApiError::Decode {
            status: 201,
            message: format!(
                "the create answer carries the {short} id {id:?}, which is not usable ({ID_RULE})"
            ),
        });
    }
    Ok(id.to_string())
}

/// After a create that may have been committed (`e`): the outcome, or
/// `None` to try again (not found, and nothing says it exists).
async fn after_unclear<C: Creation>(
    shield: &Client,
    target: &Target,
    loc: &Location,
    c: &C,
    e: &ApiError,
    unusable: Option<&str>,
) -> Option<Result<String, Diagnostic>> {
    let (kind, name) = (c.kind(), c.name());
    logging::log(
        Level::Warn,
        &format!(
            "Create of a {} got no clear answer; looking it up by name",
            kind.noun
        ),
        &[("name", &name), ("error", e)],
    );
    Some(match c.find(shield, target).await {
        // Step 2: absent before the POST and holding what was sent: our
        // own create, whose answer was lost.
        Ok(Some(found)) if c.holds_sent(&found) => adopt(c, found, loc),
        Ok(Some(found)) => {
            let why = format!(
                ", created while this create got no clear answer ({e}), which differs from what was sent ({})",
                C::describe(&found)
            );
            Err(exists_import_it(kind, name, loc, C::id_of(&found), &why))
        }
        // Known to exist: creating again would make a second one.
        Ok(None) if unusable.is_some() => Err(unusable_created(
            kind,
            name,
            loc,
            unusable.unwrap_or_default(),
            "created",
        )),
        // Unanswered when the grace ended: it may still land.
        Ok(None) if *e == ApiError::Cancelled => Err(unresolved(
            kind,
            name,
            loc,
            e,
            "Terraform was interrupted; it was not found by name afterwards",
        )),
        Ok(None) => return None,
        Err(e2) => Err(unresolved(
            kind,
            name,
            loc,
            e,
            &format!(
                "the {} could not be looked up afterwards ({e2})",
                kind.short
            ),
        )),
    })
}

/// An object found by name after a lost create, if it can be adopted.
fn adopt<C: Creation>(c: &C, found: C::Found, loc: &Location) -> Result<String, Diagnostic> {
    let (kind, id) = (c.kind(), C::id_of(&found));
    if !is_api_id(id) {
        return Err(unusable_created(kind, c.name(), loc, id, "lists"));
    }
    logging::log(
        Level::Info,
        &format!("Adopted the {} a lost create made", kind.noun),
        &[("id", &id)],
    );
    Ok(id.to_string())
}

/// The import command for an object of gateway `loc` (`what`: its ID, or
/// its name when the ID is not known).
pub fn import_command(kind: &Kind, loc: &Location, what: &str) -> String {
    format!(
        "terraform import {}.<name> {}/{what}",
        kind.type_name, loc.instance_id
    )
}

/// Interrupted before the first POST: nothing was created.
fn not_sent(kind: &Kind, name: &str, loc: &Location) -> Diagnostic {
    Diagnostic::error(
        format!("Failed to create {} {name:?}", kind.noun),
        format!(
            "Interrupted before the create was sent: nothing was created in gateway {} (project {}). Apply again to create it.",
            loc.instance_id, loc.project_id
        ),
    )
}

/// A sent create whose outcome could not be told: it names the object and
/// the exact import command, should it exist.
fn unresolved(kind: &Kind, name: &str, loc: &Location, e: &ApiError, then: &str) -> Diagnostic {
    Diagnostic::error(
        format!("Failed to create {} {name:?}", kind.noun),
        format!(
            "The create request got no clear answer ({e}) and {then}. {} {name:?} may exist in gateway {} (project {}): if it does, bring it under Terraform before applying again (`<name>` being this resource's name in your configuration):\n  {}",
            kind.noun,
            loc.instance_id,
            loc.project_id,
            import_command(kind, loc, name)
        ),
    )
}

/// An object the API created (or listed) with an ID that cannot be
/// stored: it exists, so say exactly which one it is.
fn unusable_created(kind: &Kind, name: &str, loc: &Location, id: &str, how: &str) -> Diagnostic {
    let (noun, short) = (kind.noun, kind.short);
    Diagnostic::error(
        format!("Failed to create {noun} {name:?}"),
        format!(
            "The API {how} {noun} {name:?} in gateway {} (project {}) with the ID {id:?}, which is not a usable {short} ID ({ID_RULE}); nothing was stored in state. The {short} exists: check it in the console and delete it there, then apply again.",
            loc.instance_id, loc.project_id
        ),
    )
}

/// The create refused because an object of that name exists that this
/// configuration did not make (it was there before the POST, or differs
/// from what was sent): it is neither changed nor adopted.
pub fn exists_import_it(
    kind: &Kind,
    name: &str,
    loc: &Location,
    id: &str,
    why: &str,
) -> Diagnostic {
    let (noun, short, gw) = (kind.noun, kind.short, &loc.instance_id);
    Diagnostic::error(
        format!("{noun} {name:?} already exists"),
        format!(
            "Gateway {gw} (project {}) already has a {noun} named {name:?} (id {id}){why}; names are unique per gateway (the API refuses a second one with {}). The provider did not make it, so it neither changed it nor took it into state. To manage it with Terraform, import it (`<name>` being this resource's name in your configuration):\n  {}\nor give this {short} another name. If this creates the replacement of a {short} with `create_before_destroy`, the old {short} still holds the name: give the replacement another name, or drop `create_before_destroy`.",
            loc.project_id,
            kind.name_taken,
            import_command(kind, loc, id)
        ),
    )
}
