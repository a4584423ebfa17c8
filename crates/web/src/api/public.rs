//! API.md "Public" (no authentication): the directory of accreditations (ACC-23) and registrations (REG-5,
//! REG-8), and certificate verification. `limit`/`offset` page through the results (an extension).

use axum::Json;
use axum::extract::{Path, State};
use nintei_store::{acc as acc_store, search};
use serde_json::{Value, json};

use crate::error::{AppError, AppResult};
use crate::public::{self, DirectoryQuery};
use crate::state::AppState;

/// `GET /api/v1/public/accreditations?q=&prefecture=&service=`: active accreditations only.
pub async fn accreditations(
    State(state): State<AppState>,
    DirectoryQuery(params): DirectoryQuery,
) -> AppResult<Json<Value>> {
    let filter = public::accreditation_filter(&params)?;
    let today = state.clock.today();
    let rows = crate::public::cached_accreditations(&state, &filter, today).await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|a| public::accreditation_json(a, today))
        .collect();
    Ok(Json(json!({ "items": items })))
}

/// `GET /api/v1/public/accreditations/{number}`: certificate verification, counted per number and JST day.
pub async fn accreditation(
    State(state): State<AppState>,
    Path(number): Path<String>,
) -> AppResult<Json<Value>> {
    let today = state.clock.today();
    let a = acc_store::public_accreditation(state.db.pool(), &number)
        .await?
        .ok_or(AppError::NotFound)?;
    search::count_verification(&state.db, &a.number, &today.format("%Y-%m-%d").to_string()).await?;
    Ok(Json(public::accreditation_json(&a, today)))
}

/// `GET /api/v1/public/registrations?q=&prefecture=&method=`: registrations in force only.
pub async fn registrations(
    State(state): State<AppState>,
    DirectoryQuery(params): DirectoryQuery,
) -> AppResult<Json<Value>> {
    let filter = public::registration_filter(&params)?;
    let rows = crate::public::cached_registrations(&state, &filter).await?;
    let items: Vec<Value> = rows.iter().map(public::registration_json).collect();
    Ok(Json(json!({ "items": items })))
}

/// `GET /api/v1/public/registrations/{number}`: the verification of a registration number (REG-4, REG-5), its
/// status judged by the dates at the moment of the request; 404 for an unknown or malformed number.
pub async fn registration(
    State(state): State<AppState>,
    Path(number): Path<String>,
) -> AppResult<Json<Value>> {
    let today = state.clock.today();
    let r = public::verify_registration(&state, &number)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(public::registration_verification_json(&r, today)))
}
