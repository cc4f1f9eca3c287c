//! Pairing list elements between two lists (configuration, prior state,
//! the API's answer) by what identifies them, not by position.

use crate::tfplugin::typed::Tf;

use crate::provider::vpc_channel::state::{Group, Label, Member};

/// A matching rule between two list elements.
pub type Matcher<'a, T> = Box<dyn Fn(&T, &T) -> bool + 'a>;

/// Pairs each `left` element with a distinct `right` element, trying the
/// passes in order (strictest first); unknown and null elements pair with
/// nothing. Returns, per left element, the index of its partner.
pub fn pair<T>(left: &[Tf<T>], right: &[Tf<T>], passes: &[Matcher<'_, T>]) -> Vec<Option<usize>> {
    let mut taken = vec![false; right.len()];
    let mut out = vec![None; left.len()];
    for pass in passes {
        for (i, l) in left.iter().enumerate() {
            let (None, Some(l)) = (out[i], l.known()) else {
                continue;
            };
            let partner = (0..right.len())
                .find(|&j| !taken[j] && right[j].known().is_some_and(|r| pass(l, r)));
            if let Some(j) = partner {
                taken[j] = true;
                out[i] = Some(j);
            }
        }
    }
    out
}

/// Orders `items` like `guide`: partners first in guide order, then the
/// rest in the API's order (unless `keep_unmatched` is false).
pub(super) fn align<T>(
    items: Vec<Tf<T>>,
    guide: &[Tf<T>],
    passes: &[Matcher<'_, T>],
    keep_unmatched: bool,
) -> Vec<Tf<T>> {
    let pairs = pair(guide, &items, passes);
    let mut slots: Vec<Option<Tf<T>>> = items.into_iter().map(Some).collect();
    let mut out: Vec<Tf<T>> = pairs
        .iter()
        .flatten()
        .filter_map(|&j| slots[j].take())
        .collect();
    if keep_unmatched {
        out.extend(slots.into_iter().flatten());
    }
    out
}

/// Member matching: same address, port and group first; then same address.
pub fn member_passes(member_type: &str) -> Vec<Matcher<'_, Member>> {
    vec![
        Box::new(move |a: &Member, b: &Member| {
            a.addr(member_type).is_some()
                && a.addr(member_type) == b.addr(member_type)
                && (a.port.is_null() || a.port == b.port)
                && a.group_name == b.group_name
        }),
        Box::new(move |a: &Member, b: &Member| {
            a.addr(member_type).is_some() && a.addr(member_type) == b.addr(member_type)
        }),
    ]
}

/// Groups are matched by name.
pub fn group_passes() -> Vec<Matcher<'static, Group>> {
    vec![Box::new(|a: &Group, b: &Group| {
        a.name.str().is_some() && a.name == b.name
    })]
}

/// Labels are matched by name and value.
pub(super) fn label_passes() -> Vec<Matcher<'static, Label>> {
    vec![Box::new(|a: &Label, b: &Label| a == b)]
}
