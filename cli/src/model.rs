//! TCR's actions and their parameters (cli/model/tcr.json, made by
//! scripts/cli_model.py from the service model tccli ships): what types the
//! command line gives each value, which parameters are required, and the
//! skeletons `--generate-cli-skeleton` prints.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Value;
use std::collections::HashMap;

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

/// The model: actions by name, in name order, and the structures they use.
pub struct Model {
    pub version: String,
    actions: Vec<(String, Vec<Param>)>,
    objects: HashMap<String, Vec<Param>>,
}

fn params(list: &Value) -> Vec<Param> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| {
            let p = p.as_array()?;
            let text = |i: usize| p.get(i).and_then(Value::as_str).unwrap_or("");
            Some(Param {
                name: text(0).to_owned(),
                kind: Kind::of(text(1), text(2)),
                member: text(2).to_owned(),
                required: p.get(3).and_then(Value::as_bool).unwrap_or(false),
            })
        })
        .collect()
}

impl Model {
    /// The model compiled into this binary.
    pub fn load() -> Model {
        let value: Value = serde_json::from_str(MODEL).expect("cli/model/tcr.json is JSON");
        let actions = value["actions"]
            .as_object()
            .map(|a| a.iter().map(|(k, v)| (k.clone(), params(v))).collect())
            .unwrap_or_default();
        let objects = value["objects"]
            .as_object()
            .map(|o| o.iter().map(|(k, v)| (k.clone(), params(v))).collect())
            .unwrap_or_default();
        Model {
            version: value["version"].as_str().unwrap_or("").to_owned(),
            actions,
            objects,
        }
    }

    pub fn actions(&self) -> impl Iterator<Item = (&str, &[Param])> {
        self.actions.iter().map(|(n, p)| (n.as_str(), p.as_slice()))
    }

    pub fn action(&self, name: &str) -> Option<&[Param]> {
        self.actions
            .binary_search_by(|(n, _)| n.as_str().cmp(name))
            .ok()
            .map(|i| self.actions[i].1.as_slice())
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
        let structure = |member: &str, seen: &mut Vec<String>| match self.objects.get(member) {
            // A structure that contains itself is spelled out once.
            Some(members) if !seen.iter().any(|s| s == member) => {
                seen.push(member.to_owned());
                let value = self.skeleton_of(members, seen);
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
    }

    #[test]
    fn skeleton_keeps_the_model_order() {
        let model = Model::load();
        let text =
            serde_json::to_string(&model.skeleton(model.action("ModifyInstanceToken").unwrap()))
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
            serde_json::to_value(model.skeleton(model.action("DescribeInstances").unwrap()))
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
