//! `GET /api/v1/me`: the caller's own account.

use axum::Json;
use serde_json::{Value, json};

use crate::auth::ApiCaller;

pub async fn show(ApiCaller(caller): ApiCaller) -> Json<Value> {
    let u = &caller.user;
    Json(json!({
        "id": u.id,
        "email": u.email,
        "name": u.name,
        "role": u.role.as_str(),
        "organization_id": u.organization_id,
        "totp_enabled": u.totp_enabled,
    }))
}
