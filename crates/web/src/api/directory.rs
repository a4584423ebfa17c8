//! API.md "Public" (no authentication): the directory of accreditations (ACC-23) and registrations (REG-5,
//! REG-8), and certificate verification. `limit`/`offset` page through the results (an extension).

use axum::Json;
use axum::extract::{Path, State};
use nintei_store::{acc as acc_store, search};
use serde_json::{Value, json};

use crate::error::{AppError, WebResult};
use crate::extract::DirectoryQuery;
use nintei_app::directory;
use nintei_app::state::AppState;

/// `GET /api/v1/public/accreditations?q=&prefecture=&service=`: active accreditations only.
pub async fn accreditations(
    State(state): State<AppState>,
    DirectoryQuery(params): DirectoryQuery,
) -> WebResult<Json<Value>> {
    let filter = directory::accreditation_filter(&params)?;
    let today = state.clock.today();
    let rows = nintei_app::directory::cached_accreditations(&state, &filter, today).await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|a| directory::accreditation_json(a, today))
        .collect();
    Ok(Json(json!({ "items": items })))
}

/// `GET /api/v1/public/accreditations/{number}`: certificate verification, counted per number and JST day.
pub async fn accreditation(
    State(state): State<AppState>,
    Path(number): Path<String>,
) -> WebResult<Json<Value>> {
    let today = state.clock.today();
    let a = acc_store::public_accreditation(state.db.pool(), &number)
        .await?
        .ok_or(AppError::NotFound)?;
    search::count_verification(&state.db, &a.number, &today.format("%Y-%m-%d").to_string()).await?;
    Ok(Json(directory::accreditation_json(&a, today)))
}

/// `GET /api/v1/public/registrations?q=&prefecture=&method=`: registrations in force only.
pub async fn registrations(
    State(state): State<AppState>,
    DirectoryQuery(params): DirectoryQuery,
) -> WebResult<Json<Value>> {
    let filter = directory::registration_filter(&params)?;
    let rows = nintei_app::directory::cached_registrations(&state, &filter).await?;
    let items: Vec<Value> = rows.iter().map(directory::registration_json).collect();
    Ok(Json(json!({ "items": items })))
}

/// `GET /api/v1/public/registrations/{number}`: the verification of a registration number (REG-4, REG-5), its
/// status judged by the dates at the moment of the request; 404 for an unknown or malformed number.
pub async fn registration(
    State(state): State<AppState>,
    Path(number): Path<String>,
) -> WebResult<Json<Value>> {
    let today = state.clock.today();
    let r = directory::verify_registration(&state, &number)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(directory::registration_verification_json(&r, today)))
}
