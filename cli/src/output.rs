//! What a successful call prints: the reply's `Response` object, through
//! `--filter` (JMESPath), as `--output json` (tccli's layout: four-space
//! indent, keys in the order the service sent them), `text` (tab-separated
//! lines, one per record) or `table` (boxed sections, one per structure).

use serde_json::Value;
use std::fmt::Write as _;
use unicode_width::UnicodeWidthStr;

/// `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Text,
    Table,
}

impl Format {
    pub const NAMES: [&'static str; 3] = ["json", "text", "table"];

    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "json" => Some(Format::Json),
            "text" => Some(Format::Text),
            "table" => Some(Format::Table),
            _ => None,
        }
    }
}

/// A compiled `--filter`.
pub struct Filter(jmespath::Expression<'static>);

impl Filter {
    /// Compiles the expression; a syntax error is the caller's (exit 2).
    pub fn compile(expression: &str) -> Result<Filter, String> {
        jmespath::compile(expression)
            .map(Filter)
            .map_err(|e| format!("--filter: {e}"))
    }

    /// The expression applied to the reply.
    pub fn apply(&self, value: &Value) -> Result<Value, String> {
        let found = self.0.search(value).map_err(|e| format!("--filter: {e}"))?;
        serde_json::to_value(&*found).map_err(|e| format!("--filter: {e}"))
    }
}

/// The text to print for `value` (ending in a newline, unless empty).
pub fn render(value: &Value, format: Format, title: &str) -> String {
    match format {
        Format::Json => json(value),
        Format::Text => {
            let mut out = String::new();
            text(value, None, None, &mut out);
            out
        }
        Format::Table => table(value, title),
    }
}

/// Pretty JSON with a four-space indent, non-ASCII as it is: the layout of
/// tccli's `json.dumps(..., indent=4, ensure_ascii=False)`.
pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::new();
    value
        .serialize(&mut pretty(&mut out))
        .expect("a JSON value serializes");
    finish(out)
}

/// JSON text pretty-printed as [`json`] does, its members in the order of
/// the text (streamed through, never held as a map).
pub fn json_text(text: &str) -> Result<String, serde_json::Error> {
    let mut out = Vec::new();
    let mut reader = serde_json::Deserializer::from_str(text);
    serde_transcode::transcode(&mut reader, &mut pretty(&mut out))?;
    reader.end()?;
    Ok(finish(out))
}

fn pretty(
    out: &mut Vec<u8>,
) -> serde_json::Serializer<&mut Vec<u8>, serde_json::ser::PrettyFormatter<'static>> {
    serde_json::Serializer::with_formatter(
        out,
        serde_json::ser::PrettyFormatter::with_indent(b"    "),
    )
}

fn finish(out: Vec<u8>) -> String {
    let mut text = String::from_utf8(out).expect("serde_json writes UTF-8");
    text.push('\n');
    text
}

/// A scalar as tccli writes it in text and tables (Python's `str`).
fn scalar(value: &Value) -> String {
    match value {
        Value::Null => "None".to_owned(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

// --output text: a structure's scalars on one line (keys sorted), the
// structures and lists under it after it, each list element's line led
// by the list's name in capitals.
fn text(value: &Value, identifier: Option<&str>, scalar_keys: Option<&[String]>, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut scalars = Vec::new();
            let mut nested: Vec<(&String, &Value)> = Vec::new();
            match scalar_keys {
                None => {
                    let mut keys: Vec<&String> = map.keys().collect();
                    keys.sort();
                    for key in keys {
                        let v = &map[key];
                        if is_scalar(v) {
                            scalars.push(scalar(v));
                        } else {
                            nested.push((key, v));
                        }
                    }
                }
                Some(keys) => {
                    for key in keys {
                        scalars.push(map.get(key).map(scalar).unwrap_or_default());
                    }
                    let mut rest: Vec<&String> = map.keys().filter(|k| !keys.contains(k)).collect();
                    rest.sort();
                    nested.extend(rest.into_iter().map(|k| (k, &map[k])));
                }
            }
            if !scalars.is_empty() {
                if let Some(id) = identifier {
                    scalars.insert(0, id.to_uppercase());
                }
                out.push_str(&scalars.join("\t"));
                out.push('\n');
            }
            for (key, v) in nested {
                text(v, Some(key), None, out);
            }
        }
        Value::Array(items) => {
            if items.is_empty() {
                return;
            }
            if items.iter().any(Value::is_object) {
                let keys = scalar_keys_of(items);
                for item in items {
                    text(item, identifier, Some(&keys), out);
                }
            } else if items.iter().any(Value::is_array) {
                let (scalars, nested): (Vec<&Value>, Vec<&Value>) =
                    items.iter().partition(|v| is_scalar(v));
                if !scalars.is_empty() {
                    scalar_list(&scalars, identifier, out);
                }
                for v in nested {
                    text(v, identifier, None, out);
                }
            } else {
                scalar_list(&items.iter().collect::<Vec<_>>(), identifier, out);
            }
        }
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

fn scalar_list(items: &[&Value], identifier: Option<&str>, out: &mut String) {
    match identifier {
        Some(id) => {
            for item in items {
                let _ = writeln!(out, "{}\t{}", id.to_uppercase(), scalar(item));
            }
        }
        None => {
            let line: Vec<String> = items.iter().map(|v| scalar(v)).collect();
            out.push_str(&line.join("\t"));
            out.push('\n');
        }
    }
}

/// The scalar keys of a list of structures, sorted.
fn scalar_keys_of(items: &[Value]) -> Vec<String> {
    let mut keys: Vec<String> = items
        .iter()
        .filter_map(Value::as_object)
        .flat_map(|m| {
            m.iter()
                .filter(|(_, v)| is_scalar(v))
                .map(|(k, _)| k.clone())
        })
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

// --output table: sections (a title, a header row, rows), nested
// structures as sections indented by one border per level, all drawn to
// the widest section's width.
#[derive(Default)]
struct Section {
    title: String,
    indent: usize,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

const PADDING: usize = 4;

fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

impl Section {
    fn columns(&self) -> usize {
        self.rows
            .iter()
            .map(Vec::len)
            .chain([self.headers.len()])
            .max()
            .unwrap_or(0)
    }

    /// Each column's natural width: its widest cell plus padding.
    fn natural_widths(&self) -> Vec<usize> {
        (0..self.columns())
            .map(|i| {
                self.rows
                    .iter()
                    .filter_map(|r| r.get(i))
                    .chain(self.headers.get(i))
                    .map(|c| width(c) + PADDING)
                    .max()
                    .unwrap_or(PADDING)
            })
            .collect()
    }

    /// The width the section needs, borders and indent included.
    fn total_width(&self) -> usize {
        let columns: usize = self.natural_widths().iter().sum::<usize>() + 1;
        columns.max(width(&self.title) + PADDING) + 2 * self.indent
    }

    /// The column widths stretched to `inner` (the last column takes the rest).
    fn widths(&self, inner: usize) -> Vec<usize> {
        let mut widths = self.natural_widths();
        let used: usize = widths.iter().sum::<usize>() + 1;
        if let Some(last) = widths.last_mut() {
            *last += inner.saturating_sub(used);
        }
        widths
    }
}

struct Tables {
    sections: Vec<Section>,
}

impl Tables {
    fn section(&mut self, title: &str, indent: usize) {
        self.sections.push(Section {
            title: title.to_owned(),
            indent,
            ..Section::default()
        });
    }

    fn current(&mut self) -> &mut Section {
        if self.sections.is_empty() {
            self.section("", 0);
        }
        self.sections.last_mut().expect("a section")
    }

    fn build(&mut self, title: Option<&str>, value: &Value, indent: usize) {
        if let Some(title) = title {
            self.section(title, indent);
        }
        match value {
            Value::Array(items) if items.first().is_some_and(Value::is_object) => {
                let (headers, more) = split_keys_of_list(items);
                self.current().headers = headers.clone();
                for (i, item) in items.iter().enumerate() {
                    if i > 0 && !more.is_empty() {
                        self.section(title.unwrap_or(""), indent);
                        self.current().headers = headers.clone();
                    }
                    let row = headers
                        .iter()
                        .map(|h| item.get(h).map(scalar).unwrap_or_default())
                        .collect();
                    self.current().rows.push(row);
                    for key in &more {
                        if let Some(v) = item.get(key) {
                            self.build(Some(key), v, indent + 1);
                        }
                    }
                }
            }
            Value::Array(items) => {
                for item in items {
                    match item {
                        Value::Array(inner) if inner.iter().all(is_scalar) => {
                            let row = inner.iter().map(scalar).collect();
                            self.current().rows.push(row);
                        }
                        v if is_scalar(v) => self.current().rows.push(vec![scalar(v)]),
                        v => self.build(None, v, indent),
                    }
                }
            }
            Value::Object(map) => {
                let (headers, more) = split_keys(map);
                if headers.len() == 1 {
                    let row = vec![headers[0].clone(), scalar(&map[&headers[0]])];
                    self.current().rows.push(row);
                } else if !headers.is_empty() {
                    let row = headers.iter().map(|h| scalar(&map[h])).collect();
                    let section = self.current();
                    section.headers = headers;
                    section.rows.push(row);
                }
                for key in more {
                    self.build(Some(&key), &map[&key], indent + 1);
                }
            }
            other => self.current().rows.push(vec![scalar(other)]),
        }
    }

    fn render(&self) -> String {
        let total = self
            .sections
            .iter()
            .map(Section::total_width)
            .max()
            .unwrap_or(0);
        let mut out = String::new();
        if total == 0 {
            return out;
        }
        out.push_str(&"-".repeat(total));
        out.push('\n');
        for section in &self.sections {
            let edge = "|".repeat(section.indent);
            let inner = total - 2 * section.indent;
            let mut line = |text: String| {
                let _ = writeln!(out, "{edge}{text}{edge}");
            };
            if !section.title.is_empty() {
                line(centered(&section.title, inner, true));
                if section.headers.is_empty() && section.rows.is_empty() {
                    line(format!("+{}+", "-".repeat(inner - 2)));
                }
            }
            let widths = section.widths(inner);
            if widths.is_empty() {
                continue;
            }
            let rule = rule(&widths);
            if !section.headers.is_empty() {
                line(rule.clone());
                line(cells(&section.headers, &widths, true));
            }
            if !section.rows.is_empty() {
                line(rule.clone());
                for row in &section.rows {
                    line(cells(row, &widths, false));
                }
                line(rule);
            }
        }
        out
    }
}

fn split_keys(map: &serde_json::Map<String, Value>) -> (Vec<String>, Vec<String>) {
    let (mut headers, mut more): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    for (key, value) in map {
        if is_scalar(value) {
            headers.push(key.clone());
        } else {
            more.push(key.clone());
        }
    }
    headers.sort();
    more.sort();
    (headers, more)
}

fn split_keys_of_list(items: &[Value]) -> (Vec<String>, Vec<String>) {
    let (mut headers, mut more) = (Vec::new(), Vec::new());
    for map in items.iter().filter_map(Value::as_object) {
        let (h, m) = split_keys(map);
        headers.extend(h);
        more.extend(m);
    }
    for keys in [&mut headers, &mut more] {
        keys.sort();
        keys.dedup();
    }
    (headers, more)
}

fn centered(text: &str, length: usize, edges: bool) -> String {
    let inner = if edges {
        length.saturating_sub(2)
    } else {
        length.saturating_sub(1)
    };
    let free = inner.saturating_sub(width(text));
    let left = free / 2;
    let body = format!("{}{}{}", " ".repeat(left), text, " ".repeat(free - left));
    if edges {
        format!("|{body}|")
    } else {
        format!("{body}|")
    }
}

fn rule(widths: &[usize]) -> String {
    let mut line = String::from("+");
    for w in widths {
        line.push_str(&"-".repeat(w.saturating_sub(1)));
        line.push('+');
    }
    line
}

fn cells(values: &[String], widths: &[usize], center: bool) -> String {
    let mut line = String::from("|");
    for (i, w) in widths.iter().enumerate() {
        let text = values.get(i).map(String::as_str).unwrap_or("");
        let inner = w.saturating_sub(1);
        if center {
            line.push_str(&centered(text, *w, false));
        } else {
            let pad = inner.saturating_sub(width(text) + 2);
            let _ = write!(line, "  {text}{}|", " ".repeat(pad));
        }
    }
    line
}

fn table(value: &Value, title: &str) -> String {
    let mut tables = Tables {
        sections: Vec::new(),
    };
    if value.is_null() {
        return String::new();
    }
    tables.build(Some(title), value, 0);
    tables.render()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn reply() -> Value {
        serde_json::from_str(REPLY).unwrap()
    }

    const REPLY: &str = r#"{"Tokens":[{"Id":"t-1","Enabled":true,"Desc":"ci"},{"Id":"t-2","Enabled":false,"Desc":"部署"}],"TotalCount":2,"RequestId":"r-1"}"#;

    #[test]
    fn json_keeps_the_service_order_and_four_spaces() {
        let text = json_text(REPLY).unwrap();
        assert!(json_text("{} x").is_err());
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), reply());
        assert!(
            text.starts_with("{\n    \"Tokens\": [\n        {\n            \"Id\": \"t-1\""),
            "{text}"
        );
        assert!(text.contains("\"Desc\": \"部署\""));
        assert!(text.ends_with("\"RequestId\": \"r-1\"\n}\n"));
        assert_eq!(json(&json!({"A": []})), "{\n    \"A\": []\n}\n");
    }

    #[test]
    fn text_is_one_line_per_record() {
        assert_eq!(
            render(&reply(), Format::Text, "X"),
            "r-1\t2\nTOKENS\tci\tTrue\tt-1\nTOKENS\t部署\tFalse\tt-2\n"
        );
        assert_eq!(render(&json!(["a", "b"]), Format::Text, "X"), "a\tb\n");
        assert_eq!(render(&json!("plain"), Format::Text, "X"), "plain\n");
        assert_eq!(
            render(&json!({"Ids": ["a", "b"]}), Format::Text, "X"),
            "IDS\ta\nIDS\tb\n"
        );
    }

    #[test]
    fn table_draws_every_section_to_one_width() {
        let table = render(&reply(), Format::Table, "DescribeInstanceToken");
        let lines: Vec<&str> = table.lines().collect();
        let widths: Vec<usize> = lines.iter().map(|l| width(l)).collect();
        assert!(widths.iter().all(|w| *w == widths[0]), "{table}");
        assert!(lines[1].contains("DescribeInstanceToken"));
        assert!(table.contains("RequestId") && table.contains("TotalCount"));
        assert!(table.contains("||") && table.contains("部署"), "{table}");
        assert_eq!(render(&Value::Null, Format::Table, "X"), "");
    }

    #[test]
    fn filter_is_jmespath() {
        let filter = Filter::compile("Tokens[?Enabled].Id").unwrap();
        assert_eq!(filter.apply(&reply()).unwrap(), json!(["t-1"]));
        assert!(Filter::compile("Tokens[?").is_err());
    }
}
