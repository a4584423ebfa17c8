//! `GET /api/v1/me`: the caller's own account; `GET /api/v1/me/tasks`: what waits for the caller.

use axum::Json;
use axum::extract::State;
use nintei_app::state::AppState;
use serde_json::{Value, json};

use crate::auth::ApiCaller;
use crate::error::WebResult;

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

/// `GET /api/v1/me/tasks` (an addition): the caller's work queue — every item whose next step is the caller's, across
/// ACC and REG, overdue first — with the count per kind.
pub async fn tasks(State(state): State<AppState>, ApiCaller(caller): ApiCaller) -> WebResult<Json<Value>> {
    let t = nintei_app::tasks::for_caller(&state, &caller).await?;
    let items: Vec<Value> = t
        .items
        .iter()
        .map(|i| {
            json!({
                "kind": i.kind,
                "title": i.title,
                "record_type": i.record_type,
                "record_id": i.record_id,
                "due_on": i.due_on.map(|d| d.to_string()),
                "overdue": i.overdue,
                "link": i.link,
            })
        })
        .collect();
    let counts: serde_json::Map<String, Value> =
        t.counts.iter().map(|(k, n)| (k.clone(), json!(n))).collect();
    Ok(Json(json!({ "items": items, "counts": counts })))
}
