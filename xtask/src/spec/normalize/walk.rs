//! Traversal helpers shared by the passes.

use serde_json::{Map, Value};

use crate::spec::load::METHODS;

/// Calls `f(path, method, operation)` for every operation of `document`.
pub fn for_each_operation_mut(
    document: &mut Value,
    mut f: impl FnMut(&str, &str, &mut Map<String, Value>),
) {
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for method in METHODS {
            if let Some(Value::Object(operation)) = item.get_mut(method) {
                f(path, method, operation);
            }
        }
    }
}

/// Calls `f` on every mapping of the document that can hold a schema, depth
/// first, parents before children. Example values are not descended into:
/// they are data, not schemas; nor are our own `x-sumo-*` extensions, which
/// keep aside what a pass took out (an original multipart body, dropped
/// constraints), so a later pass, or the same one, leaves them as kept.
pub fn for_each_object_mut(value: &mut Value, f: &mut impl FnMut(&mut Map<String, Value>)) {
    match value {
        Value::Object(map) => {
            f(map);
            for (key, child) in map.iter_mut() {
                if key != "example" && key != "examples" && !key.starts_with("x-sumo-") {
                    for_each_object_mut(child, f);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                for_each_object_mut(item, f);
            }
        }
        _ => {}
    }
}

/// The component schemas of a document, if any.
pub fn schemas_mut(document: &mut Value) -> Option<&mut Map<String, Value>> {
    document
        .get_mut("components")?
        .get_mut("schemas")?
        .as_object_mut()
}

/// `#/components/schemas/NAME` → `NAME`.
pub fn schema_ref_name(reference: &str) -> Option<&str> {
    reference.strip_prefix("#/components/schemas/")
}

/// `NAME` → `#/components/schemas/NAME`.
pub fn schema_ref(name: &str) -> String {
    format!("#/components/schemas/{name}")
}
