//! Schemas for the API document, generated from Rust types by utoipa: request bodies are the use-case input
//! structs, answers are the read models or the answer structs of [`crate::api::answers`].

use serde_json::{Map, Value, json};
use utoipa::ToSchema;

/// The component schemas the operations refer to (`#/components/schemas/Name`). A name given to two different
/// schemas is recorded as a clash: the document would otherwise describe one of them wrongly.
#[derive(Default)]
pub struct Components {
    pub schemas: Map<String, Value>,
    pub clashes: Vec<String>,
}

impl Components {
    fn add(&mut self, name: String, schema: Value) {
        match self.schemas.get(&name) {
            Some(old) if *old != schema => self.clashes.push(name),
            Some(_) => {}
            None => {
                self.schemas.insert(name, schema);
            }
        }
    }
}

/// A schema of an operation, with the components it refers to added to the collection.
pub type SchemaFn = fn(&mut Components) -> Value;

/// The schema of `T`, inline; the types it contains go to the components.
pub fn typed<T: ToSchema>(c: &mut Components) -> Value {
    let mut nested = Vec::new();
    T::schemas(&mut nested);
    for (name, schema) in nested {
        c.add(name, serde_json::to_value(schema).unwrap_or(Value::Null));
    }
    serde_json::to_value(T::schema()).unwrap_or(Value::Null)
}

/// What an operation answers on success.
#[derive(Clone, Copy)]
pub enum Answer {
    /// JSON of a Rust type, with this status.
    Json(u16, SchemaFn),
    /// No body (202, 204).
    Empty(u16),
    /// A file download: the stored bytes with their own content type.
    File,
    /// An HTML page (200).
    Html,
    /// Not yet described by a type: documented as a bare object (the document test lists these).
    Untyped(u16),
}

impl Answer {
    pub fn status(&self) -> u16 {
        match self {
            Answer::Json(s, _) | Answer::Empty(s) | Answer::Untyped(s) => *s,
            Answer::File | Answer::Html => 200,
        }
    }

    /// The OpenAPI response object.
    pub fn response(&self, c: &mut Components) -> Value {
        match self {
            Answer::Json(_, f) => {
                json!({"description": "success", "content": {"application/json": {"schema": f(c)}}})
            }
            Answer::Empty(_) => json!({"description": "success, no body"}),
            Answer::File => json!({"description": "the file", "content": {"application/octet-stream": {
                "schema": {"type": "string", "format": "binary"}}}}),
            Answer::Html => json!({"description": "the page", "content": {"text/html": {
                "schema": {"type": "string"}}}}),
            Answer::Untyped(_) => {
                json!({"description": "success", "content": {"application/json": {"schema": {"type": "object"}}}})
            }
        }
    }
}

/// The request and answer of one routed operation, by method and path.
pub struct Io {
    pub method: &'static str,
    pub path: &'static str,
    /// The JSON body, when it takes one.
    pub body: Option<SchemaFn>,
    /// The query string's parameters, as the properties of one type.
    pub query: Option<SchemaFn>,
    pub answer: Answer,
}

impl Io {
    /// The same operation, with the query string's parameters described by the properties of a query type.
    pub const fn with_query(self, query: SchemaFn) -> Io {
        Io {
            query: Some(query),
            ..self
        }
    }
}

/// Query parameters from the properties of a query type's schema, including those of inline `allOf` parts (a
/// `#[serde(flatten)]` field marked `#[schema(inline)]`, such as shared paging fields).
pub fn query_parameters(schema: &Value) -> Vec<Value> {
    let mut parts = vec![schema];
    parts.extend(schema["allOf"].as_array().into_iter().flatten());
    parts
        .into_iter()
        .flat_map(|part| {
            let required: Vec<&str> = part["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            part["properties"]
                .as_object()
                .into_iter()
                .flatten()
                .map(move |(name, s)| {
                    json!({"name": name, "in": "query", "required": required.contains(&name.as_str()), "schema": s})
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A routed operation with a JSON body, or none, and its answer.
pub const fn io(method: &'static str, path: &'static str, body: Option<SchemaFn>, answer: Answer) -> Io {
    Io {
        method,
        path,
        body,
        query: None,
        answer,
    }
}
