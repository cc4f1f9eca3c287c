//! Resource identity (protocol 6.9, Terraform 1.12): a small versioned
//! object that names one remote object, apart from its state. Terraform
//! stores it beside the state, compares it across runs, and accepts it in
//! `import { identity = { ... } }` blocks and from list resources.

use super::diag::Diagnostic;
use super::value::{Type, Value};

/// One attribute of an identity.
pub struct IdentityAttribute {
    /// The name, as in `identity = { name = ... }`.
    pub name: &'static str,
    /// Its type (identities hold primitives and lists of them).
    pub ty: Type,
    /// Must be given to import; otherwise the provider fills it in.
    pub required_for_import: bool,
    /// Markdown, for the docs and Terraform's own messages.
    pub description: &'static str,
}

/// The identity of a resource type, declared once.
pub struct IdentitySchema {
    /// Bumped when the attributes change meaning; Terraform then calls
    /// UpgradeResourceIdentity with the stored JSON.
    pub version: i64,
    /// In the order the docs show them.
    pub attributes: Vec<IdentityAttribute>,
}

impl IdentitySchema {
    /// The object type identity values are encoded by.
    pub fn value_type(&self) -> Type {
        Type::object(
            self.attributes
                .iter()
                .map(|a| (a.name, a.ty.clone()))
                .collect(),
        )
    }

    /// Errors for required attributes that are null or unknown, named as
    /// the user wrote them (`identity.id`).
    pub fn missing(&self, identity: &Value) -> Vec<Diagnostic> {
        (self.attributes.iter())
            .filter(|a| a.required_for_import && !identity.get(a.name).is_wholly_known_non_null())
            .map(|a| {
                Diagnostic::error(
                    "Incomplete resource identity",
                    format!(
                        "The identity must set `{}` ({}); it sets {}.",
                        a.name,
                        a.description,
                        self.given(identity)
                    ),
                )
            })
            .collect()
    }

    fn given(&self, identity: &Value) -> String {
        let set: Vec<String> = (self.attributes.iter())
            .filter(|a| !identity.get(a.name).is_null())
            .map(|a| format!("`{}`", a.name))
            .collect();
        if set.is_empty() {
            "nothing".into()
        } else {
            set.join(", ")
        }
    }
}

impl Value {
    /// Known all the way down and not null.
    pub fn is_wholly_known_non_null(&self) -> bool {
        !self.is_null() && self.is_wholly_known()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> IdentitySchema {
        let a = |name, required_for_import| IdentityAttribute {
            name,
            ty: Type::String,
            required_for_import,
            description: "d",
        };
        IdentitySchema {
            version: 0,
            attributes: vec![a("instance_id", true), a("id", true), a("region", false)],
        }
    }

    #[test]
    fn value_type_lists_every_attribute() {
        let t = schema().value_type();
        for n in ["instance_id", "id", "region"] {
            assert_eq!(t.attr(n), Some(&Type::String), "{n}");
        }
    }

    #[test]
    fn missing_names_each_required_attribute_and_what_was_given() {
        let s = schema();
        let v = Value::object([
            ("instance_id", Value::string("gw")),
            ("id", Value::Null),
            ("region", Value::string("r")),
        ]);
        let d = s.missing(&v);
        assert_eq!(d.len(), 1);
        assert!(d[0].detail.contains("`id`"), "{}", d[0].detail);
        assert!(
            d[0].detail.contains("`instance_id`, `region`"),
            "{}",
            d[0].detail
        );
        let full = Value::object([
            ("instance_id", Value::string("gw")),
            ("id", Value::string("x")),
        ]);
        assert!(s.missing(&full).is_empty());
        assert_eq!(s.missing(&Value::Null).len(), 2);
    }
}
