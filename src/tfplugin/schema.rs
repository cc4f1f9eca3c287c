//! Declared schemas: one description of each attribute drives the protocol
//! schema, generic validation and the generated documentation.

use super::diag::{self, Diagnostic};
use super::value::{AttrPath, Type, Value};

/// How a nested attribute holds its objects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    /// One object (`attr = { ... }`).
    Single,
    /// An ordered list of objects.
    List,
    /// A set of objects.
    Set,
}

/// What an attribute holds: a plain value type or nested attributes.
#[derive(Clone, Debug)]
pub enum Kind {
    /// A value of a plain type.
    Plain(Type),
    /// Nested attributes (`attr = { ... }` or `[{ ... }]`).
    Nested(Nesting, Vec<Attribute>),
    /// A nested block (`name { ... }`), for configurations written for
    /// other providers; its value is like a nested attribute's.
    Block(Nesting, Vec<Attribute>),
}

/// Optional, required and computed as Terraform understands them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    /// The configuration must set it.
    Required,
    /// The configuration may set it; else null.
    Optional,
    /// Optional and filled in by the provider when unset.
    OptionalComputed,
    /// Only the provider sets it.
    Computed,
}

/// A constraint on a single value; checked generically by [`validate`].
#[derive(Clone, Copy, Debug)]
pub enum Check {
    /// String length in characters, inclusive.
    Length(usize, usize),
    /// Integer range, inclusive.
    Range(i64, i64),
    /// One of these strings; `ignore_case` accepts any case.
    OneOf(&'static [&'static str], bool),
    /// One of these integers.
    OneOfInt(&'static [i64]),
    /// A character-level rule with its human statement.
    Pattern(fn(&str) -> bool, &'static str),
}

impl Check {
    /// The rule in words, used in diagnostics and documentation.
    pub fn describe(&self) -> String {
        match self {
            Check::Length(min, max) if min == max => format!("exactly {min} characters"),
            Check::Length(0, max) => format!("at most {max} characters"),
            Check::Length(min, max) => format!("{min} to {max} characters"),
            Check::Range(min, max) => format!("between {min} and {max}"),
            Check::OneOf(opts, ci) => {
                let list = opts.iter().map(|o| format!("`{o}`")).collect::<Vec<_>>();
                if *ci {
                    format!("one of {} (any case)", list.join(", "))
                } else {
                    format!("one of {}", list.join(", "))
                }
            }
            Check::OneOfInt(opts) => {
                let list = opts.iter().map(|o| format!("`{o}`")).collect::<Vec<_>>();
                format!("one of {}", list.join(", "))
            }
            Check::Pattern(_, rule) => (*rule).to_string(),
        }
    }

    /// `None` when the value passes (or is null/unknown), else the failure.
    pub fn check(&self, v: &Value) -> Option<String> {
        match (self, v) {
            (Check::Length(min, max), Value::String(s)) => {
                let n = s.chars().count();
                (n < *min || n > *max).then(|| format!("must be {}, got {n}", self.describe()))
            }
            (Check::Range(min, max), Value::Number(_)) => match v.as_i64() {
                Some(n) if n >= *min && n <= *max => None,
                Some(n) => Some(format!("must be {}, got {n}", self.describe())),
                None => Some(format!("must be a whole number {}", self.describe())),
            },
            (Check::OneOf(opts, ci), Value::String(s)) => {
                let ok = opts.iter().any(|o| {
                    if *ci {
                        o.eq_ignore_ascii_case(s)
                    } else {
                        o == s
                    }
                });
                (!ok).then(|| format!("must be {}, got {s:?}", self.describe()))
            }
            (Check::OneOfInt(opts), Value::Number(_)) => match v.as_i64() {
                Some(n) if opts.contains(&n) => None,
                _ => Some(format!(
                    "must be {}, got {}",
                    self.describe(),
                    v.as_f64().unwrap_or_default()
                )),
            },
            (Check::Pattern(f, _), Value::String(s)) => {
                (!f(s)).then(|| format!("must be {}, got {s:?}", self.describe()))
            }
            _ => None,
        }
    }
}

/// An object-level or cross-field rule, declared on the attribute it
/// concerns; it sees the whole configuration (rules often need context).
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// Rendered in the documentation.
    pub description: &'static str,
    /// Reads the whole configuration, adds what it finds.
    pub check: fn(&Value, &mut Vec<Diagnostic>),
}

/// Runs every declared rule, in declaration order (top level, then nested).
pub fn check_rules(attrs: &[Attribute], config: &Value, diags: &mut Vec<Diagnostic>) {
    for a in attrs {
        for r in &a.rules {
            (r.check)(config, diags);
        }
        if let Some(children) = a.children() {
            check_rules(children, config, diags);
        }
    }
}

/// One attribute, declared once.
#[derive(Clone, Debug)]
pub struct Attribute {
    /// The name in configuration and state.
    pub name: &'static str,
    /// Plain or nested.
    pub kind: Kind,
    /// Required, optional or computed.
    pub presence: Presence,
    /// Markdown, written for Terraform users.
    pub description: &'static str,
    /// Terraform hides it in plans and output.
    pub sensitive: bool,
    /// Protocol 6.8 write-only: Terraform 1.11+ passes it in the
    /// configuration only; plans and states always hold null.
    pub write_only: bool,
    /// Changing it replaces the object.
    pub force_new: bool,
    /// Filled in at plan time when the config leaves it null.
    pub default: Option<Value>,
    /// Per-value constraints, checked by [`validate`].
    pub checks: Vec<Check>,
    /// Environment variable the provider falls back to (documentation only).
    pub env: Option<&'static str>,
    /// Plan: unset in the configuration, it keeps the prior (matched) value,
    /// and is unknown when there is none.
    pub keep_prior: bool,
    /// Plan: unknown whenever the object is updated (the API recomputes it).
    pub unknown_on_update: bool,
    /// Object-level and cross-field rules declared here.
    pub rules: Vec<Rule>,
}

impl Attribute {
    fn new(name: &'static str, kind: Kind, presence: Presence, description: &'static str) -> Self {
        Attribute {
            name,
            kind,
            presence,
            description,
            sensitive: false,
            write_only: false,
            force_new: false,
            default: None,
            checks: Vec::new(),
            env: None,
            keep_prior: false,
            unknown_on_update: false,
            rules: Vec::new(),
        }
    }
    /// A required attribute of type `ty`.
    pub fn required(name: &'static str, ty: Type, description: &'static str) -> Self {
        Self::new(name, Kind::Plain(ty), Presence::Required, description)
    }
    /// An optional attribute of type `ty`; null when unset.
    pub fn optional(name: &'static str, ty: Type, description: &'static str) -> Self {
        Self::new(name, Kind::Plain(ty), Presence::Optional, description)
    }
    /// An optional attribute the provider fills in when unset.
    pub fn optional_computed(name: &'static str, ty: Type, description: &'static str) -> Self {
        Self::new(
            name,
            Kind::Plain(ty),
            Presence::OptionalComputed,
            description,
        )
    }
    /// An attribute only the provider sets.
    pub fn computed(name: &'static str, ty: Type, description: &'static str) -> Self {
        Self::new(name, Kind::Plain(ty), Presence::Computed, description)
    }
    /// Nested attributes of the given nesting.
    pub fn nested(
        name: &'static str,
        nesting: Nesting,
        presence: Presence,
        attrs: Vec<Attribute>,
        description: &'static str,
    ) -> Self {
        Self::new(name, Kind::Nested(nesting, attrs), presence, description)
    }
    /// A repeatable (`List`) or single block; always optional.
    pub fn block(
        name: &'static str,
        nesting: Nesting,
        attrs: Vec<Attribute>,
        description: &'static str,
    ) -> Self {
        Self::new(
            name,
            Kind::Block(nesting, attrs),
            Presence::Optional,
            description,
        )
    }
    /// Hidden in plans and output.
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }
    /// See [`Attribute::write_only`]; only for optional attributes.
    pub fn write_only(mut self) -> Self {
        self.write_only = true;
        self
    }
    /// See [`Attribute::keep_prior`].
    pub fn keep_prior(mut self) -> Self {
        self.keep_prior = true;
        self
    }
    /// See [`Attribute::unknown_on_update`].
    pub fn unknown_on_update(mut self) -> Self {
        self.unknown_on_update = true;
        self
    }
    /// Adds an object-level rule, documented by `description`.
    pub fn rule(
        mut self,
        description: &'static str,
        check: fn(&Value, &mut Vec<Diagnostic>),
    ) -> Self {
        self.rules.push(Rule { description, check });
        self
    }
    /// Changing it replaces the object.
    pub fn force_new(mut self) -> Self {
        self.force_new = true;
        self
    }
    /// A documented default; the attribute becomes optional+computed.
    pub fn default(mut self, v: Value) -> Self {
        self.default = Some(v);
        if self.presence == Presence::Optional {
            self.presence = Presence::OptionalComputed;
        }
        self
    }
    /// Adds a per-value check.
    pub fn check(mut self, c: Check) -> Self {
        self.checks.push(c);
        self
    }
    /// Documents the environment variable the provider falls back to.
    pub fn env(mut self, var: &'static str) -> Self {
        self.env = Some(var);
        self
    }

    /// Whether the provider may fill it in (optional+computed or computed).
    pub fn is_computed(&self) -> bool {
        matches!(
            self.presence,
            Presence::Computed | Presence::OptionalComputed
        )
    }
    /// Whether only the provider sets it.
    pub fn is_computed_only(&self) -> bool {
        self.presence == Presence::Computed
    }

    /// The value type Terraform uses for this attribute.
    pub fn value_type(&self) -> Type {
        match &self.kind {
            Kind::Plain(t) => t.clone(),
            Kind::Nested(n, attrs) | Kind::Block(n, attrs) => {
                let obj = object_type(attrs);
                match n {
                    Nesting::Single => obj,
                    Nesting::List => Type::List(Box::new(obj)),
                    Nesting::Set => Type::Set(Box::new(obj)),
                }
            }
        }
    }

    /// Nested attributes, if any.
    pub fn children(&self) -> Option<&[Attribute]> {
        match &self.kind {
            Kind::Nested(_, a) | Kind::Block(_, a) => Some(a),
            Kind::Plain(_) => None,
        }
    }
}

/// The object type of a list of attributes.
pub fn object_type(attrs: &[Attribute]) -> Type {
    let mut fields: Vec<(String, Type)> = attrs
        .iter()
        .map(|a| (a.name.to_string(), a.value_type()))
        .collect();
    fields.sort_by(|a, b| a.0.cmp(&b.0));
    Type::Object(fields)
}

/// A top-level schema (provider configuration or a resource).
#[derive(Clone, Debug)]
pub struct Schema {
    /// The schema version, for state upgrades.
    pub version: i64,
    /// Markdown, for the registry pages.
    pub description: &'static str,
    /// Top-level attributes, in declaration order.
    pub attributes: Vec<Attribute>,
}

impl Schema {
    /// An object of this schema as Terraform sends it: the attributes in
    /// `set`, every other one null. For tests.
    #[cfg(test)]
    pub fn object_with(&self, set: Vec<(&str, Value)>) -> Value {
        let mut o: std::collections::BTreeMap<String, Value> = (self.attributes.iter())
            .map(|a| (a.name.to_string(), Value::Null))
            .collect();
        o.extend(set.into_iter().map(|(k, v)| (k.to_string(), v)));
        Value::Object(o)
    }

    /// The object type of its values.
    pub fn value_type(&self) -> Type {
        object_type(&self.attributes)
    }
    /// The top-level attribute of this name.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// Every check and rule the schema declares, applied to a configuration,
    /// each finding once and at a path Terraform can show the source of.
    pub fn diagnose(&self, config: &Value) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        validate(&self.attributes, config, &AttrPath::root(), &mut diags);
        check_rules(&self.attributes, config, &mut diags);
        let located = diags.into_iter().map(|d| diag::locate(&self.attributes, d));
        diag::dedup(located.collect())
    }
}

/// Paths of the write-only attributes the configuration sets. A Terraform
/// older than 1.11 does not know them (it would store them in state and
/// reject the null plan), so they are refused when the client says it does
/// not allow them.
pub fn write_only_set(attrs: &[Attribute], config: &Value, path: &AttrPath) -> Vec<AttrPath> {
    let mut out = Vec::new();
    for a in attrs {
        let v = config.get(a.name);
        if v.is_null() {
            continue;
        }
        let at = path.clone().attr(a.name);
        if a.write_only {
            out.push(at);
            continue;
        }
        if let Kind::Nested(n, children) | Kind::Block(n, children) = &a.kind {
            match n {
                Nesting::Single => out.extend(write_only_set(children, v, &at)),
                Nesting::List | Nesting::Set => {
                    for (i, item) in v.as_list().unwrap_or_default().iter().enumerate() {
                        out.extend(write_only_set(children, item, &at.clone().index(i as i64)));
                    }
                }
            }
        }
    }
    out
}

/// The diagnostics for [`write_only_set`] on a Terraform without write-only
/// support.
pub fn write_only_refused(attrs: &[Attribute], config: &Value) -> Vec<Diagnostic> {
    write_only_set(attrs, config, &AttrPath::root())
        .into_iter()
        .map(|p| {
            Diagnostic::error_at(
                p.clone(),
                "Write-only attribute not supported by this Terraform",
                format!("`{p}` is write-only, which needs Terraform 1.11 or later; this Terraform would keep it in its state. Use the attribute without `_wo`, or upgrade Terraform."),
            )
        })
        .collect()
}

/// Generic checks of a configuration against its declaration: the per-value
/// constraints and values set on computed-only attributes. Unknown values
/// are skipped: they are checked again once known.
pub fn validate(attrs: &[Attribute], config: &Value, path: &AttrPath, diags: &mut Vec<Diagnostic>) {
    for a in attrs {
        let v = config.get(a.name);
        if v.is_null() || v.is_unknown() {
            continue;
        }
        // Built only when needed: most attributes pass, and many are null.
        let at = || path.clone().attr(a.name);
        if a.is_computed_only() {
            diags.push(Diagnostic::error_at(
                at(),
                "Value for read-only attribute",
                format!(
                    "`{}` is set by the API and cannot be configured; remove it.",
                    a.name
                ),
            ));
            continue;
        }
        for c in &a.checks {
            if let Some(msg) = c.check(v) {
                let p = at();
                diags.push(Diagnostic::error_at(
                    p.clone(),
                    format!("Invalid value for {}", a.name),
                    format!("`{p}` {msg}."),
                ));
            }
        }
        if let Kind::Nested(n, children) | Kind::Block(n, children) = &a.kind {
            let p = at();
            match n {
                Nesting::Single => validate(children, v, &p, diags),
                Nesting::List | Nesting::Set => {
                    for (i, item) in v.as_list().unwrap_or_default().iter().enumerate() {
                        if item.is_known() && !item.is_null() {
                            validate(children, item, &p.clone().index(i as i64), diags);
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
#[path = "schema_tests.rs"]
mod tests;
