//! Schema comparison. Both sides are flattened (`flatten.rs`) and compared
//! keyword by keyword, recursing into properties, items, additionalProperties,
//! oneOf/anyOf members and discriminator subtypes. A pair of schemas already
//! being compared higher up the stack is a cycle (AppListItem.children) and
//! is not entered again; named pairs are memoized, so each pair of
//! components is compared once per run.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use super::discriminator::Subtypes;
use super::escape;
use super::flatten::{CONSTRAINTS, Flat, Slot, flatten};
use super::refs;
use super::rules::Kind;
use crate::naming::pascal;

/// Deepest nesting compared (guards the native stack on hostile input).
const MAX_DEPTH: usize = 200;

/// One change inside a schema, relative to the schema compared.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaChange {
    pub kind: Kind,
    /// JSON pointer relative to the compared schema.
    pub pointer: String,
    pub message: String,
    /// Name of the Rust type (as typify derives it) holding the change.
    pub rust_type: Option<String>,
    /// Property name, enum value or subtype tag concerned.
    pub subject: String,
    /// Old and new `format`, for format changes.
    pub formats: (Option<String>, Option<String>),
    /// Where the change sits in the document: the innermost component
    /// schema holding it and the pointer inside it
    /// (`#/components/schemas/Panel/discriminator/HologramPanel`); `None`
    /// for a change in an inline schema outside any component.
    pub origin: Option<String>,
}

/// One document with its discriminator index.
pub struct Side<'a> {
    pub doc: &'a Value,
    pub subtypes: Subtypes<'a>,
}

impl<'a> Side<'a> {
    pub fn new(doc: &'a Value) -> Side<'a> {
        Side {
            doc,
            subtypes: Subtypes::index(doc),
        }
    }

    fn component(&self, name: &str) -> Option<&'a Value> {
        self.doc.pointer("/components/schemas")?.get(name)
    }
}

type Key = (usize, usize);

/// Compares schemas of two documents, remembering named pairs.
pub struct Comparer<'a> {
    old: Side<'a>,
    new: Side<'a>,
    memo: HashMap<Key, Vec<SchemaChange>>,
    stack: Vec<Key>,
    /// Shallowest stack position a cycle was cut at since the current frame began.
    min_cut: usize,
}

impl<'a> Comparer<'a> {
    pub fn new(old: &'a Value, new: &'a Value) -> Comparer<'a> {
        Comparer {
            old: Side::new(old),
            new: Side::new(new),
            memo: HashMap::new(),
            stack: Vec::new(),
            min_cut: usize::MAX,
        }
    }

    /// Changes between two schemas (either may be a `$ref`).
    pub fn compare(&mut self, old: &'a Value, new: &'a Value) -> Vec<SchemaChange> {
        self.compare_with(old, new, None)
    }

    fn compare_with(
        &mut self,
        old: &'a Value,
        new: &'a Value,
        hint: Option<String>,
    ) -> Vec<SchemaChange> {
        self.compare_named(old, new, hint, (None, None))
    }

    /// `names`: component names of `old` and `new` when they are components
    /// themselves rather than `$ref`s to them (discriminator subtypes).
    fn compare_named(
        &mut self,
        old: &'a Value,
        new: &'a Value,
        hint: Option<String>,
        names: (Option<&'a str>, Option<&'a str>),
    ) -> Vec<SchemaChange> {
        let (old_target, old_name) = refs::follow(self.old.doc, old);
        let (new_target, new_name) = refs::follow(self.new.doc, new);
        let (old_name, new_name) = (old_name.or(names.0), new_name.or(names.1));
        let key = (
            old_target as *const Value as usize,
            new_target as *const Value as usize,
        );
        if let Some(position) = self.stack.iter().position(|k| *k == key) {
            self.min_cut = self.min_cut.min(position);
            return Vec::new();
        }
        let named = old_name.is_some() && new_name.is_some();
        if named && let Some(hit) = self.memo.get(&key) {
            return hit.clone();
        }
        if self.stack.len() >= MAX_DEPTH {
            return Vec::new();
        }
        let depth = self.stack.len();
        self.stack.push(key);
        let saved = std::mem::replace(&mut self.min_cut, usize::MAX);
        let hint = new_name.map(str::to_string).or(hint);
        let mut old_flat = flatten(self.old.doc, old);
        let mut new_flat = flatten(self.new.doc, new);
        old_flat.name = old_name;
        new_flat.name = new_name;
        let mut out = self.compare_flat(&old_flat, &new_flat, hint);
        if let Some(component) = new_name.or(old_name) {
            for change in out.iter_mut().filter(|c| c.origin.is_none()) {
                change.origin = Some(format!(
                    "#/components/schemas/{}{}",
                    escape(component),
                    change.pointer
                ));
            }
        }
        self.stack.pop();
        let cacheable = self.min_cut >= depth;
        self.min_cut = saved.min(self.min_cut);
        if named && cacheable {
            self.memo.insert(key, out.clone());
        }
        out
    }

    fn compare_flat(
        &mut self,
        o: &Flat<'a>,
        n: &Flat<'a>,
        hint: Option<String>,
    ) -> Vec<SchemaChange> {
        let mut out = Out {
            list: Vec::new(),
            hint: &hint,
        };
        if o.ty != n.ty {
            out.push(
                Kind::TypeChanged,
                "/type".into(),
                String::new(),
                format!("type {} → {}", show(o.ty), show(n.ty)),
            );
            return out.list;
        }
        if o.format != n.format {
            out.list.push(SchemaChange {
                kind: Kind::FormatChanged,
                pointer: "/format".into(),
                message: format!("format {} → {}", show(o.format), show(n.format)),
                rust_type: hint.clone(),
                subject: String::new(),
                formats: (o.format.map(str::to_string), n.format.map(str::to_string)),
                origin: None,
            });
        }
        match (o.nullable, n.nullable) {
            (false, true) => out.push(
                Kind::BecameNullable,
                "/nullable".into(),
                String::new(),
                "now nullable".into(),
            ),
            (true, false) => out.push(
                Kind::BecameNotNullable,
                "/nullable".into(),
                String::new(),
                "no longer nullable".into(),
            ),
            _ => {}
        }
        compare_enums(&mut out, o.enum_values.as_deref(), n.enum_values.as_deref());
        if o.pattern != n.pattern && o.enum_values.is_none() && n.enum_values.is_none() {
            out.push(
                Kind::PatternChanged,
                "/pattern".into(),
                String::new(),
                format!("pattern {} → {}", show(o.pattern), show(n.pattern)),
            );
        }
        for keyword in CONSTRAINTS {
            let (a, b) = (o.constraints.get(keyword), n.constraints.get(keyword));
            if let Some(tightened) = constraint_change(keyword, a, b) {
                let kind = if tightened {
                    Kind::ConstraintTightened
                } else {
                    Kind::ConstraintLoosened
                };
                out.push(
                    kind,
                    format!("/{keyword}"),
                    keyword.to_string(),
                    format!("{keyword} {} → {}", show_value(a), show_value(b)),
                );
            }
        }
        if o.default != n.default {
            out.push(
                Kind::DefaultChanged,
                "/default".into(),
                String::new(),
                format!(
                    "default {} → {}",
                    show_value(o.default),
                    show_value(n.default)
                ),
            );
        }
        self.compare_properties(&mut out, o, n);
        if let (Some(a), Some(b)) = (o.items, n.items) {
            let child = self.compare_with(a, b, hint.as_ref().map(|h| format!("{h}Item")));
            out.nest("/items", child);
        }
        self.compare_additional(&mut out, o.additional, n.additional);
        self.compare_members(&mut out, "oneOf", &o.one_of, &n.one_of);
        self.compare_members(&mut out, "anyOf", &o.any_of, &n.any_of);
        self.compare_subtypes(&mut out, o, n);
        out.list
    }

    fn compare_properties(&mut self, out: &mut Out<'_>, o: &Flat<'a>, n: &Flat<'a>) {
        let names: BTreeSet<&str> = o
            .properties
            .keys()
            .chain(n.properties.keys())
            .copied()
            .collect();
        for name in names {
            let pointer = format!("/properties/{}", escape(name));
            match (o.properties.get(name), n.properties.get(name)) {
                (Some(_), None) => out.push(
                    Kind::PropertyRemoved,
                    pointer,
                    name.into(),
                    format!("property `{name}` removed"),
                ),
                (None, Some(_)) => {
                    let (kind, what) = if n.required.contains(name) {
                        (Kind::PropertyAddedRequired, "required")
                    } else {
                        (Kind::PropertyAddedOptional, "optional")
                    };
                    out.push(
                        kind,
                        pointer,
                        name.into(),
                        format!("{what} property `{name}` added"),
                    );
                }
                (Some(a), Some(b)) => {
                    match (o.required.contains(name), n.required.contains(name)) {
                        (false, true) => out.push(
                            Kind::PropertyBecameRequired,
                            pointer.clone(),
                            name.into(),
                            format!("property `{name}` became required"),
                        ),
                        (true, false) => out.push(
                            Kind::PropertyBecameOptional,
                            pointer.clone(),
                            name.into(),
                            format!("property `{name}` became optional"),
                        ),
                        _ => {}
                    }
                    let hint = out.hint.as_ref().map(|h| format!("{h}{}", pascal(name)));
                    let child = self.compare_slots(a, b, hint);
                    out.nest(&pointer, child);
                }
                (None, None) => {}
            }
        }
    }

    /// Contradicting `allOf` members are compared member by member.
    fn compare_slots(
        &mut self,
        a: &Slot<'a>,
        b: &Slot<'a>,
        hint: Option<String>,
    ) -> Vec<SchemaChange> {
        match (a, b) {
            (Slot::One(a), Slot::One(b)) => self.compare_with(a, b, hint),
            (Slot::Conflict(a), Slot::Conflict(b)) => {
                let mut out = Out {
                    list: Vec::new(),
                    hint: &None,
                };
                for (i, (x, y)) in a.iter().zip(b.iter()).enumerate() {
                    let child = self.compare_with(x, y, hint.clone());
                    out.nest(&format!("/allOf/{i}"), child);
                }
                out.list
            }
            (Slot::One(a), Slot::Conflict(b)) => match b.first() {
                Some(first) => self.compare_with(a, first, hint),
                None => Vec::new(),
            },
            (Slot::Conflict(a), Slot::One(b)) => match a.first() {
                Some(first) => self.compare_with(first, b, hint),
                None => Vec::new(),
            },
        }
    }

    fn compare_additional(
        &mut self,
        out: &mut Out<'_>,
        a: Option<&'a Value>,
        b: Option<&'a Value>,
    ) {
        let open = |v: Option<&Value>| v.is_none() || v == Some(&Value::Bool(true));
        match (a, b) {
            (Some(x), Some(y)) if x.is_object() && y.is_object() => {
                let hint = out.hint.as_ref().map(|h| format!("{h}Value"));
                let child = self.compare_with(x, y, hint);
                out.nest("/additionalProperties", child);
            }
            _ if open(a) && open(b) => {}
            _ if a == b => {}
            _ => out.push(
                Kind::AdditionalPropertiesChanged,
                "/additionalProperties".into(),
                String::new(),
                format!("additionalProperties {} → {}", show_value(a), show_value(b)),
            ),
        }
    }

    /// oneOf/anyOf members, matched by component name (else by position).
    fn compare_members(
        &mut self,
        out: &mut Out<'_>,
        keyword: &str,
        a: &[&'a Value],
        b: &[&'a Value],
    ) {
        let label = |list: &[&'a Value]| -> Vec<(String, &'a Value)> {
            list.iter()
                .enumerate()
                .map(|(i, v)| {
                    let name = v
                        .get("$ref")
                        .and_then(Value::as_str)
                        .and_then(refs::component_name);
                    (name.map_or_else(|| i.to_string(), str::to_string), *v)
                })
                .collect()
        };
        let (a, b) = (label(a), label(b));
        for (name, _) in a.iter().filter(|(k, _)| !b.iter().any(|(j, _)| j == k)) {
            out.push(
                Kind::VariantRemoved,
                format!("/{keyword}/{}", escape(name)),
                name.clone(),
                format!("{keyword} member `{name}` removed"),
            );
        }
        for (name, new) in &b {
            match a.iter().find(|(k, _)| k == name) {
                None => out.push(
                    Kind::VariantAdded,
                    format!("/{keyword}/{}", escape(name)),
                    name.clone(),
                    format!("{keyword} member `{name}` added"),
                ),
                Some((_, old)) => {
                    let child = self.compare_with(old, new, None);
                    out.nest(&format!("/{keyword}/{}", escape(name)), child);
                }
            }
        }
    }

    /// Subtypes reachable only through the discriminator, matched by tag.
    fn compare_subtypes(&mut self, out: &mut Out<'_>, o: &Flat<'a>, n: &Flat<'a>) {
        let (Some(_), Some(_), Some(old_base), Some(new_base)) =
            (o.discriminator, n.discriminator, o.name, n.name)
        else {
            return;
        };
        let empty = Default::default();
        let old_tags = self.old.subtypes.of(old_base).unwrap_or(&empty).clone();
        let new_tags = self.new.subtypes.of(new_base).unwrap_or(&empty).clone();
        for tag in old_tags.keys().filter(|t| !new_tags.contains_key(*t)) {
            out.push(
                Kind::SubtypeRemoved,
                format!("/discriminator/{}", escape(tag)),
                tag.clone(),
                format!("subtype `{tag}` of `{old_base}` removed"),
            );
        }
        for (tag, new_sub) in &new_tags {
            let pointer = format!("/discriminator/{}", escape(tag));
            match old_tags.get(tag) {
                None => out.push(
                    Kind::SubtypeAdded,
                    pointer,
                    tag.clone(),
                    format!("subtype `{tag}` of `{new_base}` added"),
                ),
                Some(old_sub) => {
                    if let (Some(a), Some(b)) =
                        (self.old.component(old_sub), self.new.component(new_sub))
                    {
                        let names = (Some(*old_sub), Some(*new_sub));
                        let child = self.compare_named(a, b, Some((*new_sub).to_string()), names);
                        out.nest(&pointer, child);
                    }
                }
            }
        }
    }
}

/// Changes collected for one schema.
struct Out<'h> {
    list: Vec<SchemaChange>,
    hint: &'h Option<String>,
}

impl Out<'_> {
    fn push(&mut self, kind: Kind, pointer: String, subject: String, message: String) {
        self.list.push(SchemaChange {
            kind,
            pointer,
            message,
            rust_type: self.hint.clone(),
            subject,
            formats: (None, None),
            origin: None,
        });
    }

    fn nest(&mut self, prefix: &str, children: Vec<SchemaChange>) {
        self.list.extend(children.into_iter().map(|mut c| {
            c.pointer.insert_str(0, prefix);
            c
        }));
    }
}

fn compare_enums(out: &mut Out<'_>, a: Option<&[String]>, b: Option<&[String]>) {
    match (a, b) {
        (Some(a), Some(b)) => {
            for value in a.iter().filter(|v| !b.contains(v)) {
                out.push(
                    Kind::EnumValueRemoved,
                    format!("/enum/{}", escape(value)),
                    value.clone(),
                    format!("enum value `{value}` removed"),
                );
            }
            for value in b.iter().filter(|v| !a.contains(v)) {
                out.push(
                    Kind::EnumValueAdded,
                    format!("/enum/{}", escape(value)),
                    value.clone(),
                    format!("enum value `{value}` added"),
                );
            }
        }
        (None, Some(b)) => out.push(
            Kind::EnumIntroduced,
            "/enum".into(),
            String::new(),
            format!("now limited to {}", b.join(", ")),
        ),
        (Some(_), None) => out.push(
            Kind::EnumDropped,
            "/enum".into(),
            String::new(),
            "no longer an enumeration".into(),
        ),
        (None, None) => {}
    }
}

/// `Some(true)` tightened, `Some(false)` loosened, `None` unchanged.
fn constraint_change(keyword: &str, a: Option<&Value>, b: Option<&Value>) -> Option<bool> {
    if a == b {
        return None;
    }
    let number = |v: Option<&Value>| v.and_then(Value::as_f64);
    let flag = |v: Option<&Value>| v.and_then(Value::as_bool).unwrap_or(false);
    match keyword {
        "maxLength" | "maximum" | "maxItems" | "maxProperties" => match (number(a), number(b)) {
            (Some(x), Some(y)) if x == y => None,
            (Some(x), Some(y)) => Some(y < x),
            (None, Some(_)) => Some(true),
            (Some(_), None) => Some(false),
            (None, None) => None,
        },
        "minLength" | "minimum" | "minItems" | "minProperties" => {
            let zero = keyword != "minimum";
            let x = number(a).or(zero.then_some(0.0));
            let y = number(b).or(zero.then_some(0.0));
            match (x, y) {
                (Some(x), Some(y)) if x == y => None,
                (Some(x), Some(y)) => Some(y > x),
                (None, Some(_)) => Some(true),
                (Some(_), None) => Some(false),
                (None, None) => None,
            }
        }
        "exclusiveMinimum" | "exclusiveMaximum" | "uniqueItems" => {
            (flag(a) != flag(b)).then_some(flag(b))
        }
        _ => Some(b.is_some()),
    }
}

fn show(value: Option<&str>) -> String {
    value.map_or_else(|| "(none)".to_string(), |v| format!("`{v}`"))
}

fn show_value(value: Option<&Value>) -> String {
    value.map_or_else(|| "(none)".to_string(), |v| format!("`{v}`"))
}
