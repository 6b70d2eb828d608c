//! What a search finds: messages (raw log lines with their fields) and
//! records (rows of an aggregate query), a page at a time.

use std::sync::Arc;

use serde::Deserialize;
use serde_json::{Map, Value};

/// The type Sumo gives a field. Sumo may add types: an unknown one is kept
/// as written.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldType {
    String,
    Int,
    Long,
    Double,
    Boolean,
    Unknown(String),
}

impl FieldType {
    fn from_wire(text: &str) -> FieldType {
        match text {
            "string" => FieldType::String,
            "int" => FieldType::Int,
            "long" => FieldType::Long,
            "double" => FieldType::Double,
            "boolean" => FieldType::Boolean,
            other => FieldType::Unknown(other.to_string()),
        }
    }
}

/// A field of the messages or records of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Field {
    /// Lower case, as Sumo returns it (`_raw`, `_messagetime`, ...).
    pub name: String,
    pub field_type: FieldType,
    /// Whether the field is a key of an aggregate (`count by` fields).
    pub key_field: bool,
}

/// One message (or record): its values as Sumo sends them (strings, for
/// numbers too), and the fields of its page.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    fields: Arc<[Field]>,
    map: Map<String, Value>,
}

/// A raw log message found by a search.
pub type Message = Row;
/// A row of an aggregate search.
pub type Record = Row;

impl Row {
    /// The value of `field` as text (a value that is not a JSON string is
    /// `None`: see [`Row::value`]).
    pub fn get(&self, field: &str) -> Option<&str> {
        self.map.get(field).and_then(Value::as_str)
    }

    /// The value of `field` as Sumo sent it.
    pub fn value(&self, field: &str) -> Option<&Value> {
        self.map.get(field)
    }

    /// Every value, by field name.
    pub fn map(&self) -> &Map<String, Value> {
        &self.map
    }

    /// The fields of the page this row came in, with their types.
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// `_messagetime`, epoch milliseconds, when the row has it.
    pub fn message_time(&self) -> Option<i64> {
        let value = self.map.get("_messagetime")?;
        value
            .as_i64()
            .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
    }

    /// The values, as one JSON object.
    pub fn into_map(self) -> Map<String, Value> {
        self.map
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireField {
    name: String,
    #[serde(default)]
    field_type: Option<String>,
    #[serde(default)]
    key_field: bool,
}

#[derive(Deserialize)]
struct WireRow {
    #[serde(default)]
    map: Map<String, Value>,
}

/// A page of messages or records as Sumo writes it; `messages` or
/// `records` holds the rows.
#[derive(Deserialize)]
pub(crate) struct WirePage {
    #[serde(default)]
    fields: Vec<WireField>,
    #[serde(default)]
    messages: Vec<WireRow>,
    #[serde(default)]
    records: Vec<WireRow>,
}

impl WirePage {
    /// The rows of the page, sharing its fields.
    pub(crate) fn rows(self) -> Vec<Row> {
        let fields: Arc<[Field]> = self
            .fields
            .into_iter()
            .map(|f| Field {
                field_type: FieldType::from_wire(f.field_type.as_deref().unwrap_or("string")),
                name: f.name,
                key_field: f.key_field,
            })
            .collect();
        self.messages
            .into_iter()
            .chain(self.records)
            .map(|row| Row {
                fields: fields.clone(),
                map: row.map,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_shares_its_fields_and_keeps_values_as_sent() {
        let page: WirePage = serde_json::from_str(
            r#"{"fields":[{"name":"_messagetime","fieldType":"long","keyField":false},
                          {"name":"_raw","fieldType":"string"},
                          {"name":"n","fieldType":"decimal128"}],
                "messages":[{"map":{"_messagetime":"1359407350333","_raw":"a","n":7}},
                            {"map":{"_raw":"b"}}]}"#,
        )
        .unwrap();
        let rows = page.rows();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].get("_raw"), Some("a"));
        assert_eq!(rows[0].message_time(), Some(1_359_407_350_333));
        assert_eq!(rows[0].get("n"), None);
        assert_eq!(rows[0].value("n"), Some(&Value::from(7)));
        assert_eq!(rows[1].fields()[0].field_type, FieldType::Long);
        assert_eq!(
            rows[1].fields()[2].field_type,
            FieldType::Unknown("decimal128".into())
        );
        assert_eq!(rows[1].message_time(), None);
    }
}
