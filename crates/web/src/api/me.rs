//! `GET /api/v1/me`: the caller's own account; `GET /api/v1/me/tasks`: what waits for the caller.

use axum::Json;
use axum::extract::State;
use nintei_app::state::AppState;

use crate::api::answers::{Me, TaskItem, TaskList};
use crate::auth::ApiCaller;
use crate::error::WebResult;

pub async fn show(ApiCaller(caller): ApiCaller) -> Json<Me> {
    let u = &caller.user;
    Json(Me {
        id: u.id.clone(),
        email: u.email.clone(),
        name: u.name.clone(),
        role: u.role.as_str(),
        organization_id: u.organization_id.clone(),
        totp_enabled: u.totp_enabled,
    })
}

/// `GET /api/v1/me/tasks` (an addition): the caller's work queue — every item whose next step is the caller's, across
/// ACC and REG, overdue first — with the count per kind.
pub async fn tasks(State(state): State<AppState>, ApiCaller(caller): ApiCaller) -> WebResult<Json<TaskList>> {
    let t = nintei_app::tasks::for_caller(&state, &caller).await?;
    let items = t
        .items
        .into_iter()
        .map(|i| TaskItem {
            kind: i.kind,
            title: i.title,
            record_type: i.record_type,
            record_id: i.record_id,
            due_on: i.due_on.map(|d| d.to_string()),
            overdue: i.overdue,
            link: i.link,
        })
        .collect();
    let counts = t.counts.into_iter().collect();
    Ok(Json(TaskList { items, counts }))
}
