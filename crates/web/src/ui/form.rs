//! A screen's step form as sent: the double-submit token and every other field by name. Each step reads the
//! fields it takes into its use case's typed input; one type serves the ACC case, record and appeal screens.

use std::collections::HashMap;

use nintei_app::AppError;
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// Every field a step form sends.
#[derive(Deserialize, Default, Clone)]
pub struct StepForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(flatten)]
    pub fields: HashMap<String, String>,
}

impl StepForm {
    /// The field as sent ("" when absent).
    pub fn get(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }

    /// The field trimmed, `None` when absent or blank.
    pub fn opt(&self, name: &str) -> Option<String> {
        self.fields
            .get(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// Whether a checkbox was ticked.
    pub fn checked(&self, name: &str) -> bool {
        self.fields.get(name).is_some_and(|v| !v.is_empty())
    }
}

/// Form fields read into a use case's input struct. A field the struct does not know is ignored; a field it
/// cannot read (which a form's text never is for the text inputs) is a 400.
pub fn read<T: DeserializeOwned>(fields: &HashMap<String, String>) -> Result<T, AppError> {
    let pairs = fields.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    T::deserialize(serde::de::value::MapDeserializer::<_, serde::de::value::Error>::new(pairs))
        .map_err(|e| AppError::BadRequest(e.to_string()))
}
