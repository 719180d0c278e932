//! An action's parameters from the command line and `--cli-input-json`,
//! typed as tccli types them; every problem is a usage error (exit status
//! 2), found before anything is sent.

use crate::model::{Kind, Param};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Number, Value};
use std::io::Read;

/// The longest `--cli-input-json` accepted, in bytes (the library's
/// limit on a request's parameters is smaller still).
const MAX_INPUT_LEN: u64 = 1 << 20;

/// A request's parameters, in the order they are sent: the model's, then
/// those it does not name.
#[derive(Debug, Default, PartialEq)]
pub struct Request(pub Vec<(String, Value)>);

impl Request {
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(n, _)| n.as_str())
    }

    /// The JSON object, members in order.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a JSON object serializes")
    }
}

impl Serialize for Request {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// A usage error: what was wrong, for stderr.
#[derive(Debug)]
pub struct Usage(pub String);

/// One value typed by `kind`, as tccli reads a parameter of that type.
pub fn parse_value(kind: Kind, text: &str) -> Result<Value, Usage> {
    let bad = |what: &str| Usage(format!("expected {what}"));
    match kind {
        Kind::String => Ok(Value::String(text.to_owned())),
        Kind::Int => text
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| bad("an integer")),
        Kind::Uint => text
            .trim()
            .parse::<u64>()
            .map(Value::from)
            .map_err(|_| bad("an integer of 0 or more")),
        Kind::Float => text
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| bad("a number")),
        Kind::Bool => match text.to_ascii_lowercase().as_str() {
            "true" | "t" | "1" => Ok(Value::Bool(true)),
            "false" | "f" | "0" => Ok(Value::Bool(false)),
            _ => Err(bad("true or false (also t/f, 1/0)")),
        },
        Kind::List | Kind::Object => {
            let value: Value = serde_json::from_str(text).map_err(|e| {
                Usage(format!(
                    "expected {} {} in JSON: {e}",
                    article(kind),
                    kind.name()
                ))
            })?;
            match (&value, kind) {
                (Value::Array(_), Kind::List) | (Value::Object(_), Kind::Object) => Ok(value),
                _ => Err(Usage(format!(
                    "expected {} {} in JSON",
                    article(kind),
                    kind.name()
                ))),
            }
        }
        // An action the model does not know: JSON where it is JSON (a
        // number, true, an object...), else the text itself.
        Kind::Any => {
            Ok(serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned())))
        }
    }
}

fn article(kind: Kind) -> &'static str {
    match kind {
        Kind::List | Kind::Object => "an",
        _ => "a",
    }
}

/// Where `--cli-input-json` reads from: `file://PATH` or `-` (stdin).
pub fn read_input(spec: &str, stdin: &mut dyn Read) -> Result<Map<String, Value>, Usage> {
    let (text, from) = if spec == "-" {
        (
            read_limited(stdin)
                .map_err(|e| Usage(format!("--cli-input-json -: reading stdin: {e}")))?,
            "stdin".to_owned(),
        )
    } else if let Some(path) = spec.strip_prefix("file://") {
        let file = std::fs::File::open(path)
            .map_err(|e| Usage(format!("--cli-input-json: cannot open {path:?}: {e}")))?;
        (
            read_limited(&mut &file)
                .map_err(|e| Usage(format!("--cli-input-json: reading {path:?}: {e}")))?,
            format!("{path:?}"),
        )
    } else {
        return Err(Usage(
            "--cli-input-json wants file://PATH, or - to read standard input".to_owned(),
        ));
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Usage(format!(
            "--cli-input-json: {from} holds JSON that is not an object"
        ))),
        Err(e) => Err(Usage(format!("--cli-input-json: {from} is not JSON: {e}"))),
    }
}

fn read_limited(reader: &mut dyn Read) -> Result<String, String> {
    let mut text = String::new();
    let read = reader
        .take(MAX_INPUT_LEN + 1)
        .read_to_string(&mut text)
        .map_err(|e| e.to_string())?;
    if read as u64 > MAX_INPUT_LEN {
        return Err(format!("longer than {MAX_INPUT_LEN} bytes"));
    }
    Ok(text)
}

/// The request: `--cli-input-json`'s object, then the command line's values
/// over it, in the model's order of parameters; a required parameter
/// missing from both is an error naming it.
pub fn merge(
    action: &str,
    params: &[Param],
    input: Option<Map<String, Value>>,
    given: Vec<(String, Value)>,
) -> Result<Request, Usage> {
    let mut request = input.unwrap_or_default();
    for (name, value) in given {
        request.insert(name, value);
    }
    let missing: Vec<String> = params
        .iter()
        .filter(|p| p.required && !request.contains_key(&p.name))
        .map(|p| format!("--{}", p.name))
        .collect();
    if !missing.is_empty() {
        return Err(Usage(format!(
            "{action} needs {} (on the command line or in --cli-input-json)",
            missing.join(", ")
        )));
    }
    // The model's order first, then what it does not name, as given.
    let mut ordered = Vec::new();
    for p in params {
        if let Some(value) = request.remove(&p.name) {
            ordered.push((p.name.clone(), value));
        }
    }
    ordered.extend(request);
    Ok(Request(ordered))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_typed_as_tccli_types_them() {
        assert_eq!(parse_value(Kind::Int, "20").unwrap(), Value::from(20));
        assert_eq!(parse_value(Kind::String, "20").unwrap(), Value::from("20"));
        assert_eq!(
            parse_value(Kind::Bool, "False").unwrap(),
            Value::Bool(false)
        );
        assert_eq!(parse_value(Kind::Bool, "t").unwrap(), Value::Bool(true));
        assert!(parse_value(Kind::Bool, "yes").is_err());
        assert!(parse_value(Kind::Int, "2x").is_err());
        assert!(parse_value(Kind::Uint, "-1").is_err());
        assert!(parse_value(Kind::Float, "NaN").is_err());
        assert_eq!(
            parse_value(Kind::List, r#"["a"]"#).unwrap(),
            serde_json::json!(["a"])
        );
        assert!(parse_value(Kind::List, r#"{"a":1}"#).is_err());
        assert!(parse_value(Kind::List, "a,b").is_err());
        assert_eq!(parse_value(Kind::Any, "20").unwrap(), Value::from(20));
        assert_eq!(
            parse_value(Kind::Any, "tcr-1").unwrap(),
            Value::from("tcr-1")
        );
        assert_eq!(
            parse_value(Kind::Any, r#"{"a":1}"#).unwrap(),
            serde_json::json!({"a": 1})
        );
    }

    #[test]
    fn merge_orders_as_the_model_and_lets_the_command_line_win() {
        let model = crate::model::Model::load();
        let params = model.action("DescribeInstanceToken").unwrap();
        let input: Map<String, Value> =
            serde_json::from_str(r#"{"Zeta": 1, "Offset": 5, "RegistryId": "tcr-1"}"#).unwrap();
        let request = merge(
            "DescribeInstanceToken",
            &params,
            Some(input),
            vec![("Offset".into(), Value::from(0))],
        )
        .unwrap();
        assert_eq!(
            request.to_json(),
            r#"{"RegistryId":"tcr-1","Offset":0,"Zeta":1}"#
        );
        let missing = merge("DescribeInstanceToken", &params, None, Vec::new()).unwrap_err();
        assert!(missing.0.contains("needs --RegistryId"), "{}", missing.0);
    }

    #[test]
    fn input_json_comes_from_a_file_url_or_stdin_only() {
        let mut stdin: &[u8] = br#"{"RegistryId": "tcr-1"}"#;
        assert_eq!(read_input("-", &mut stdin).unwrap()["RegistryId"], "tcr-1");
        let mut stdin: &[u8] = b"[1]";
        assert!(read_input("-", &mut stdin)
            .unwrap_err()
            .0
            .contains("not an object"));
        let mut none: &[u8] = b"";
        assert!(read_input("{}", &mut none)
            .unwrap_err()
            .0
            .contains("file://"));
        assert!(read_input("file:///nonexistent/x.json", &mut none)
            .unwrap_err()
            .0
            .contains("cannot open"));
        let big = vec![b' '; (MAX_INPUT_LEN + 2) as usize];
        assert!(read_input("-", &mut big.as_slice())
            .unwrap_err()
            .0
            .contains("longer than"));
    }
}
