//! Typed views of [`Value`]s: a resource declares one struct per object with
//! [`tf_object!`](crate::tf_object), and reads and writes its attributes as fields instead of
//! by name. Every field is a [`Tf`], so unknown and null survive the round
//! trip `Value` → struct → `Value` unchanged.

use std::collections::BTreeMap;
use std::fmt;

use super::value::{AttrPath, Value};

/// One attribute as Terraform knows it: unknown until apply, null when
/// unset, else a value.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Tf<T> {
    /// Known only after apply.
    Unknown,
    #[default]
    /// Unset.
    Null,
    /// A value.
    Known(T),
}

impl<T> Tf<T> {
    /// Whether it is null (unset).
    pub fn is_null(&self) -> bool {
        matches!(self, Tf::Null)
    }

    /// Whether it is known only after apply.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Tf::Unknown)
    }

    /// Not unknown (null counts as known).
    pub fn is_known(&self) -> bool {
        !self.is_unknown()
    }

    /// The value, when there is one.
    pub fn known(&self) -> Option<&T> {
        match self {
            Tf::Known(x) => Some(x),
            _ => None,
        }
    }

    /// A copy of the value, when there is one.
    pub fn cloned(&self) -> Option<T>
    where
        T: Clone,
    {
        self.known().cloned()
    }

    /// The value to change, when there is one.
    pub fn known_mut(&mut self) -> Option<&mut T> {
        match self {
            Tf::Known(x) => Some(x),
            _ => None,
        }
    }

    /// Itself unless null; then `fallback()`.
    pub fn or_else(&self, fallback: impl FnOnce() -> Tf<T>) -> Tf<T>
    where
        T: Clone,
    {
        match self {
            Tf::Null => fallback(),
            other => other.clone(),
        }
    }

    /// Takes `other`'s value when this one is null and `other` has one.
    pub fn fill_from(&mut self, other: &Tf<T>)
    where
        T: Clone,
    {
        if self.is_null() {
            if let Tf::Known(x) = other {
                *self = Tf::Known(x.clone());
            }
        }
    }

    /// Takes `other`'s value whenever `other` has one.
    pub fn prefer(&mut self, other: &Tf<T>)
    where
        T: Clone,
    {
        if let Tf::Known(x) = other {
            *self = Tf::Known(x.clone());
        }
    }
}

impl Tf<String> {
    /// The string, when there is one.
    pub fn str(&self) -> Option<&str> {
        self.known().map(String::as_str)
    }

    /// Null for an absent or empty string (the API's "unset").
    pub fn non_empty(s: &Option<String>) -> Tf<String> {
        match s {
            Some(x) if !x.is_empty() => Tf::Known(x.clone()),
            _ => Tf::Null,
        }
    }
}

impl<T: Copy> Tf<T> {
    /// A copy of the value, when there is one.
    pub fn get(&self) -> Option<T> {
        self.known().copied()
    }
}

impl<T> Tf<Vec<Tf<T>>> {
    /// The known elements of a known list (empty otherwise).
    pub fn items(&self) -> impl Iterator<Item = &T> {
        self.known().into_iter().flatten().filter_map(Tf::known)
    }

    /// The elements of a known list, unknown ones included.
    pub fn elements(&self) -> &[Tf<T>] {
        self.known().map(Vec::as_slice).unwrap_or_default()
    }
}

impl<T> From<Option<T>> for Tf<T> {
    fn from(o: Option<T>) -> Tf<T> {
        o.map(Tf::Known).unwrap_or(Tf::Null)
    }
}

impl<T> From<T> for Tf<T> {
    fn from(x: T) -> Tf<T> {
        Tf::Known(x)
    }
}

/// A value whose type does not match the declaration: Terraform checks
/// values against the schema, so this means the schema and the struct
/// disagree.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeMismatch {
    /// Where the value does not fit.
    pub path: AttrPath,
    /// What the declaration wanted there.
    pub expected: &'static str,
}

impl fmt::Display for TypeMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not {}", self.path, self.expected)
    }
}

impl std::error::Error for TypeMismatch {}

fn mismatch<T>(expected: &'static str) -> Result<T, TypeMismatch> {
    Err(TypeMismatch {
        path: AttrPath::root(),
        expected,
    })
}

/// A known, non-null value of one Terraform type.
pub trait Known: Sized {
    /// The value as this type, or where it does not fit.
    fn from_known(v: &Value) -> Result<Self, TypeMismatch>;
    /// The value of this type.
    fn to_known(&self) -> Value;
    /// Like [`Known::from_known`], but what does not fit reads as null
    /// where it is (an attribute, an element), not as a failure of the
    /// whole: `None` only when `v` itself does not fit.
    fn view_known(v: &Value) -> Option<Self> {
        Self::from_known(v).ok()
    }
}

impl Known for String {
    fn from_known(v: &Value) -> Result<Self, TypeMismatch> {
        v.as_str()
            .map(str::to_string)
            .map_or_else(|| mismatch("a string"), Ok)
    }
    fn to_known(&self) -> Value {
        Value::String(self.clone())
    }
}

/// Every number of these schemas is a whole one (their checks say so).
impl Known for i64 {
    fn from_known(v: &Value) -> Result<Self, TypeMismatch> {
        v.as_i64().map_or_else(|| mismatch("a whole number"), Ok)
    }
    fn to_known(&self) -> Value {
        Value::int(*self)
    }
}

/// Any number, for a value whose checks run later (say, whether it is whole).
impl Known for f64 {
    fn from_known(v: &Value) -> Result<Self, TypeMismatch> {
        v.as_f64().map_or_else(|| mismatch("a number"), Ok)
    }
    fn to_known(&self) -> Value {
        Value::Number(*self)
    }
}

impl Known for bool {
    fn from_known(v: &Value) -> Result<Self, TypeMismatch> {
        v.as_bool().map_or_else(|| mismatch("a bool"), Ok)
    }
    fn to_known(&self) -> Value {
        Value::Bool(*self)
    }
}

/// A value as itself: the state of a kind that reads it generically (tests,
/// dynamic kinds) instead of through a declared struct.
impl Known for Value {
    fn from_known(v: &Value) -> Result<Self, TypeMismatch> {
        Ok(v.clone())
    }
    fn to_known(&self) -> Value {
        self.clone()
    }
}

impl<T: Known> Known for Vec<Tf<T>> {
    fn view_known(v: &Value) -> Option<Self> {
        let Value::List(items) = v else {
            return None;
        };
        Some(items.iter().map(Tf::view_value).collect())
    }
    fn from_known(v: &Value) -> Result<Self, TypeMismatch> {
        let Value::List(items) = v else {
            return mismatch("a list");
        };
        items
            .iter()
            .enumerate()
            .map(|(i, x)| {
                Tf::from_value(x).map_err(|mut e| {
                    e.path.0.insert(0, super::value::PathStep::Index(i as i64));
                    e
                })
            })
            .collect()
    }
    fn to_known(&self) -> Value {
        Value::List(self.iter().map(Tf::to_value).collect())
    }
}

impl<T: Known> Known for BTreeMap<String, Tf<T>> {
    fn view_known(v: &Value) -> Option<Self> {
        let Value::Map(entries) = v else {
            return None;
        };
        Some(
            (entries.iter())
                .map(|(k, x)| (k.clone(), Tf::view_value(x)))
                .collect(),
        )
    }
    fn from_known(v: &Value) -> Result<Self, TypeMismatch> {
        let Value::Map(entries) = v else {
            return mismatch("a map");
        };
        (entries.iter())
            .map(|(k, x)| {
                let x = Tf::from_value(x).map_err(|mut e| {
                    e.path.0.insert(0, super::value::PathStep::Key(k.clone()));
                    e
                })?;
                Ok((k.clone(), x))
            })
            .collect()
    }
    fn to_known(&self) -> Value {
        Value::Map(
            self.iter()
                .map(|(k, x)| (k.clone(), x.to_value()))
                .collect(),
        )
    }
}

impl<T: Known> Tf<T> {
    /// A value as this typed one; a part that does not fit is an error
    /// naming its path.
    pub fn from_value(v: &Value) -> Result<Tf<T>, TypeMismatch> {
        Ok(match v {
            Value::Unknown => Tf::Unknown,
            Value::Null => Tf::Null,
            v => Tf::Known(T::from_known(v)?),
        })
    }

    /// Like [`Tf::from_value`], a mismatch reading as null (see
    /// [`Known::view_known`]).
    pub fn view_value(v: &Value) -> Tf<T> {
        match v {
            Value::Unknown => Tf::Unknown,
            Value::Null => Tf::Null,
            v => T::view_known(v).map_or(Tf::Null, Tf::Known),
        }
    }

    /// The value Terraform knows it as.
    pub fn to_value(&self) -> Value {
        match self {
            Tf::Unknown => Value::Unknown,
            Tf::Null => Value::Null,
            Tf::Known(x) => x.to_known(),
        }
    }
}

/// The typed view of a value Terraform has checked against the schema the
/// struct mirrors (a unit test per struct keeps them equal): null and
/// unknown read as all-null, and a part that does not fit as null
/// (Terraform type-checks values against that schema first, so none is
/// expected; tests and fuzzing send such values).
pub fn view<T: Known + Default>(v: &Value) -> T {
    match Tf::<T>::view_value(v) {
        Tf::Known(x) => x,
        _ => T::default(),
    }
}

/// A whole state (or configuration) as its typed view: `None` when null.
/// Terraform never sends a wholly unknown one; that, like a mismatch, is an
/// error (the schema and the struct disagree).
pub fn state_of<S: Known>(v: &Value) -> Result<Option<S>, TypeMismatch> {
    match Tf::<S>::from_value(v)? {
        Tf::Known(s) => Ok(Some(s)),
        Tf::Null => Ok(None),
        Tf::Unknown => mismatch("a known object"),
    }
}

/// The value of a state: null for `None`.
pub fn value_of<S: Known>(s: Option<&S>) -> Value {
    s.map_or(Value::Null, Known::to_known)
}

/// Reads attribute `name` of an object, naming it in a mismatch.
#[doc(hidden)]
pub fn field<T: Known>(
    o: &BTreeMap<String, Value>,
    name: &'static str,
) -> Result<Tf<T>, TypeMismatch> {
    let v = o.get(name).unwrap_or(&Value::Null);
    Tf::from_value(v).map_err(|mut e| {
        e.path
            .0
            .insert(0, super::value::PathStep::Attr(name.into()));
        e
    })
}

#[doc(hidden)]
pub fn object_of(v: &Value) -> Result<&BTreeMap<String, Value>, TypeMismatch> {
    match v {
        Value::Object(o) => Ok(o),
        _ => mismatch("an object"),
    }
}

/// Declares a struct for one object of a schema: each field is a [`Tf`]
/// read from and written to the attribute named beside it, and each name
/// becomes an associated constant (`Member::HOST`), which the schema
/// declaration uses too. `NAMES` lists them in declaration order.
///
/// ```ignore
/// tf_object! {
///     pub struct Label {
///         name: String = NAME "label_name",
///         value: String = VALUE "label_value",
///     }
/// }
/// ```
#[macro_export]
macro_rules! tf_object {
    ($(#[$meta:meta])* $vis:vis struct $ty:ident {
        $($(#[$fmeta:meta])* $field:ident : $fty:ty = $konst:ident $name:literal),* $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq)]
        $vis struct $ty {
            $($(#[$fmeta])* pub $field: $crate::tfplugin::typed::Tf<$fty>,)*
        }

        #[allow(dead_code)]
        impl $ty {
            $(pub const $konst: &'static str = $name;)*
            pub const NAMES: &'static [&'static str] = &[$($name),*];
        }

        impl $crate::tfplugin::typed::Known for $ty {
            fn from_known(
                v: &$crate::tfplugin::value::Value,
            ) -> Result<Self, $crate::tfplugin::typed::TypeMismatch> {
                let o = $crate::tfplugin::typed::object_of(v)?;
                Ok($ty {
                    $($field: $crate::tfplugin::typed::field(o, $name)?,)*
                })
            }
            fn to_known(&self) -> $crate::tfplugin::value::Value {
                $crate::tfplugin::value::Value::Object(
                    [$(($name.to_string(), self.$field.to_value())),*].into_iter().collect(),
                )
            }
            fn view_known(v: &$crate::tfplugin::value::Value) -> Option<Self> {
                let $crate::tfplugin::value::Value::Object(o) = v else {
                    return None;
                };
                let at = |name: &str| o.get(name).unwrap_or(&$crate::tfplugin::value::Value::Null);
                Some($ty {
                    $($field: $crate::tfplugin::typed::Tf::view_value(at($name)),)*
                })
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tfplugin::value::test_value as v;

    crate::tf_object! {
        struct Inner {
            n: i64 = N "n",
        }
    }

    crate::tf_object! {
        struct Outer {
            s: String = S "s",
            b: bool = B "b",
            items: Vec<Tf<Inner>> = ITEMS "items",
            one: Inner = ONE "one",
            tags: BTreeMap<String, Tf<String>> = TAGS "tags",
        }
    }

    #[test]
    fn unknown_and_null_survive_the_round_trip_at_every_level() {
        let mut x = v(serde_json::json!({
            "s": "a", "b": null,
            "items": [{"n": 1}, {"n": null}],
            "one": null
        }));
        let tags = Value::Map(
            [
                ("a".to_string(), Value::string("x")),
                ("b".to_string(), Value::Null),
            ]
            .into(),
        );
        if let Value::Object(o) = &mut x {
            o.insert("tags".into(), tags);
            o.insert("b".into(), Value::Unknown);
            if let Some(Value::List(items)) = o.get_mut("items") {
                items.push(Value::Unknown);
                if let Value::Object(i) = &mut items[1] {
                    i.insert("n".into(), Value::Unknown);
                }
            }
        }
        let t: Tf<Outer> = Tf::from_value(&x).unwrap();
        let o = t.known().unwrap();
        assert_eq!(o.s.str(), Some("a"));
        assert!(o.b.is_unknown() && o.one.is_null());
        assert_eq!(o.items.elements().len(), 3);
        assert!(o.items.elements()[2].is_unknown());
        assert_eq!(o.items.items().count(), 2);
        assert_eq!(t.to_value(), x);
        assert_eq!(o.tags.known().unwrap()["a"].str(), Some("x"));
        assert_eq!(Outer::NAMES, ["s", "b", "items", "one", "tags"]);
        assert_eq!(Outer::ITEMS, "items");
    }

    #[test]
    fn a_missing_attribute_reads_as_null() {
        let t: Tf<Outer> = Tf::from_value(&v(serde_json::json!({"s": "a"}))).unwrap();
        assert!(t.known().unwrap().items.is_null());
    }

    #[test]
    fn a_mismatch_names_the_path() {
        let e = Tf::<Outer>::from_value(&v(serde_json::json!({"items": [{"n": 1}, {"n": 1.5}]})))
            .unwrap_err();
        assert_eq!(e.to_string(), "`items[1].n` is not a whole number");
        let e = Tf::<Outer>::from_value(&v(serde_json::json!({"s": 3}))).unwrap_err();
        assert_eq!(e.to_string(), "`s` is not a string");
    }

    #[test]
    fn a_view_reads_a_misfit_as_null_where_it_is_and_a_state_refuses_it() {
        let odd = v(serde_json::json!({"s": 3, "b": true, "items": [{"n": 1}, {"n": "x"}]}));
        let o: Outer = view(&odd);
        assert!(o.s.is_null(), "only the misfit");
        assert_eq!(o.b.get(), Some(true));
        let items = o.items.elements();
        assert_eq!(items[0].known().unwrap().n.get(), Some(1));
        assert!(items[1].known().unwrap().n.is_null());
        assert_eq!(view::<Outer>(&Value::string("x")), Outer::default());
        let e = state_of::<Outer>(&odd).unwrap_err();
        assert_eq!(e.to_string(), "`s` is not a string");
        assert_eq!(state_of::<Outer>(&Value::Null), Ok(None));
        assert!(state_of::<Outer>(&Value::Unknown).is_err());
        let ok = state_of::<Outer>(&v(serde_json::json!({"b": false}))).unwrap();
        assert_eq!(value_of(ok.as_ref()), ok.unwrap().to_known());
        assert_eq!(value_of::<Outer>(None), Value::Null);
    }

    #[test]
    fn helpers_follow_terraform_semantics() {
        let mut a: Tf<i64> = Tf::Null;
        a.fill_from(&Tf::Unknown);
        assert!(a.is_null());
        a.fill_from(&Tf::Known(3));
        assert_eq!(a.get(), Some(3));
        a.fill_from(&Tf::Known(4));
        assert_eq!(a.get(), Some(3));
        a.prefer(&Tf::Known(5));
        assert_eq!(a.get(), Some(5));
        assert_eq!(Tf::<i64>::Null.or_else(|| Tf::Known(1)), Tf::Known(1));
        assert!(Tf::<i64>::Unknown.or_else(|| Tf::Known(1)).is_unknown());
        assert_eq!(Tf::non_empty(&Some(String::new())), Tf::Null);
    }
}
