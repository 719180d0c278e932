//! TCR's actions and their parameters (cli/model/tcr.json, made by
//! scripts/cli_model.py from the service model tccli ships): what types the
//! command line gives each value, which parameters are required, and the
//! skeletons `--generate-cli-skeleton` prints.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;

const MODEL: &str = include_str!("../model/tcr.json");

/// A skeleton: JSON whose objects keep the model's order of members.
#[derive(Debug, Clone, PartialEq)]
pub enum Tree {
    Text(String),
    List(Vec<Tree>),
    Object(Vec<(String, Tree)>),
}

impl Serialize for Tree {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Tree::Text(text) => serializer.serialize_str(text),
            Tree::List(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Tree::Object(members) => {
                let mut map = serializer.serialize_map(Some(members.len()))?;
                for (name, value) in members {
                    map.serialize_entry(name, value)?;
                }
                map.end()
            }
        }
    }
}

/// How a parameter's value is read from the command line, as tccli reads
/// it: strings as they are, numbers and booleans parsed, structures and
/// lists as JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Int,
    Uint,
    Float,
    Bool,
    /// A JSON array.
    List,
    /// A JSON object.
    Object,
    /// An action the model does not know: JSON where the value is JSON,
    /// else a string.
    Any,
}

impl Kind {
    fn of(kind: &str, member: &str) -> Kind {
        match (kind, member) {
            ("string", _) => Kind::String,
            ("int", "uint64") => Kind::Uint,
            ("int", _) => Kind::Int,
            ("float", _) => Kind::Float,
            ("bool", _) => Kind::Bool,
            ("list", _) => Kind::List,
            _ => Kind::Object,
        }
    }

    /// The placeholder for the value in help and skeletons (tccli's names).
    pub fn name(self) -> &'static str {
        match self {
            Kind::String => "String",
            Kind::Int | Kind::Uint => "Integer",
            Kind::Float => "Float",
            Kind::Bool => "Boolean",
            Kind::List => "Array",
            Kind::Object => "Object",
            Kind::Any => "Value",
        }
    }
}

/// One parameter of an action.
#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub kind: Kind,
    /// The element type of a list, or the structure of an object.
    member: String,
    pub required: bool,
}

impl Param {
    /// A parameter of an action the model does not know.
    pub fn any(name: &str) -> Param {
        Param {
            name: name.to_owned(),
            kind: Kind::Any,
            member: String::new(),
            required: false,
        }
    }
}

/// A member as the model file writes it: `[name, type, member]` and, for
/// an action's parameters, `required`.
#[derive(Deserialize)]
struct Entry(String, String, String, #[serde(default)] bool);

fn params(raw: &RawValue) -> Vec<Param> {
    let entries: Vec<Entry> =
        serde_json::from_str(raw.get()).expect("cli/model/tcr.json's members");
    entries
        .into_iter()
        .map(|Entry(name, kind, member, required)| Param {
            kind: Kind::of(&kind, &member),
            name,
            member,
            required,
        })
        .collect()
}

#[derive(Deserialize)]
struct File<'a> {
    version: String,
    #[serde(borrow)]
    actions: BTreeMap<&'a str, &'a RawValue>,
    #[serde(borrow)]
    objects: BTreeMap<&'a str, &'a RawValue>,
}

/// The model: actions by name and the structures they use. Loading only
/// finds where each action is in the compiled-in text; an action's
/// parameters are read when asked for (a call reads one action's; help and
/// completions read them all).
pub struct Model {
    pub version: String,
    actions: BTreeMap<&'static str, &'static RawValue>,
    objects: BTreeMap<&'static str, &'static RawValue>,
}

impl Model {
    /// The model compiled into this binary.
    pub fn load() -> Model {
        let file: File<'static> =
            serde_json::from_str(MODEL).expect("cli/model/tcr.json is the model");
        Model {
            version: file.version,
            actions: file.actions,
            objects: file.objects,
        }
    }

    /// Every action and its parameters, in name order.
    pub fn actions(&self) -> impl Iterator<Item = (&'static str, Vec<Param>)> + '_ {
        self.actions.iter().map(|(name, raw)| (*name, params(raw)))
    }

    pub fn knows(&self, name: &str) -> bool {
        self.actions.contains_key(name)
    }

    /// The known action nearest to `name` (case aside, or at most two
    /// edits away), for a "did you mean".
    pub fn closest(&self, name: &str) -> Option<&'static str> {
        let lower = name.to_ascii_lowercase();
        self.actions
            .keys()
            .map(|known| {
                (
                    strsim::levenshtein(&lower, &known.to_ascii_lowercase()),
                    *known,
                )
            })
            .filter(|(distance, _)| *distance <= 2)
            .min()
            .map(|(_, known)| known)
    }

    pub fn action(&self, name: &str) -> Option<Vec<Param>> {
        self.actions.get(name).map(|raw| params(raw))
    }

    /// A request of `action` with each parameter replaced by its type's
    /// name, structures and lists spelled out (what tccli prints).
    pub fn skeleton(&self, params: &[Param]) -> Tree {
        let mut seen = Vec::new();
        self.skeleton_of(params, &mut seen)
    }

    fn skeleton_of(&self, params: &[Param], seen: &mut Vec<String>) -> Tree {
        Tree::Object(
            params
                .iter()
                .map(|p| (p.name.clone(), self.placeholder(p, seen)))
                .collect(),
        )
    }

    fn placeholder(&self, p: &Param, seen: &mut Vec<String>) -> Tree {
        let structure = |member: &str, seen: &mut Vec<String>| match self
            .objects
            .get(member)
            .map(|raw| params(raw))
        {
            // A structure that contains itself is spelled out once.
            Some(members) if !seen.iter().any(|s| s == member) => {
                seen.push(member.to_owned());
                let value = self.skeleton_of(&members, seen);
                seen.pop();
                value
            }
            Some(_) => Tree::Object(Vec::new()),
            None => Tree::Text(base_type_name(member).to_owned()),
        };
        match p.kind {
            Kind::List => Tree::List(vec![structure(&p.member, seen)]),
            Kind::Object => structure(&p.member, seen),
            kind => Tree::Text(kind.name().to_owned()),
        }
    }
}

/// tccli's name of a base type of the service model (the element of a list).
fn base_type_name(member: &str) -> &str {
    match member {
        "string" => "String",
        "int64" | "uint64" | "int" => "Integer",
        "float" => "Float",
        "bool" => "Boolean",
        "date" | "datetime" | "datetime_iso" => "Timestamp",
        "binary" => "Binary",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_holds_the_documented_action() {
        let model = Model::load();
        assert_eq!(model.version, "2019-09-24");
        assert!(model.actions().count() > 100);
        let params = model.action("ModifyInstanceToken").unwrap();
        assert!(model.knows("ModifyInstanceToken") && !model.knows("modifyInstanceToken"));
        let names: Vec<_> = params
            .iter()
            .map(|p| (p.name.as_str(), p.kind, p.required))
            .collect();
        assert_eq!(
            names,
            [
                ("TokenId", Kind::String, true),
                ("RegistryId", Kind::String, true),
                ("Enable", Kind::Bool, false),
                ("Desc", Kind::String, false),
                ("ModifyFlag", Kind::Int, false),
            ]
        );
        assert!(model.action("NoSuchAction").is_none());
        assert_eq!(
            model.closest("ModifyInstanceTokn"),
            Some("ModifyInstanceToken")
        );
        assert_eq!(
            model.closest("modifyinstancetoken"),
            Some("ModifyInstanceToken")
        );
        assert_eq!(model.closest("DescribeSomethingNew"), None);
    }

    #[test]
    fn skeleton_keeps_the_model_order() {
        let model = Model::load();
        let text =
            serde_json::to_string(&model.skeleton(&model.action("ModifyInstanceToken").unwrap()))
                .unwrap();
        assert_eq!(
            text,
            r#"{"TokenId":"String","RegistryId":"String","Enable":"Boolean","Desc":"String","ModifyFlag":"Integer"}"#
        );
    }

    #[test]
    fn skeleton_spells_out_lists_of_structures() {
        let model = Model::load();
        let skeleton =
            serde_json::to_value(model.skeleton(&model.action("DescribeInstances").unwrap()))
                .unwrap();
        assert_eq!(skeleton["Limit"], "Integer");
        assert_eq!(skeleton["AllRegion"], "Boolean");
        assert_eq!(skeleton["Registryids"], serde_json::json!(["String"]));
        assert_eq!(
            skeleton["Filters"],
            serde_json::json!([{"Name": "String", "Values": ["String"]}])
        );
    }
}
