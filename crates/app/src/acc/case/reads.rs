//! The case list, ratings and votes as the API reads them (ACC-9, ACC-11), each for a caller who may see them.

use chrono::NaiveDate;
use nintei_domain::authz::acc::CaseAction;
use nintei_store::acc::{self as store, RatingRow, Vote};
use serde::Serialize;
use utoipa::ToSchema;

use super::may_see_votes;
use crate::acc::{load_for, scope_of};
use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The most cases the API's list answers.
pub const CASE_LIST_MAX: i64 = 1000;

/// One line of the case list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseLine {
    pub id: String,
    pub organization_id: String,
    pub unit_name: Option<String>,
    /// The case state (`submitted`, `eligible`, … `accredited`, `denied`, `withdrawn`).
    pub status: &'static str,
    pub applied_on: NaiveDate,
    /// The optimistic-lock version.
    pub version: i64,
}

/// The cases `caller` may see, newest first (at most [`CASE_LIST_MAX`]).
pub async fn case_lines(state: &AppState, caller: &Caller) -> AppResult<Vec<CaseLine>> {
    let cases = store::list(state.db.pool(), scope_of(caller), CASE_LIST_MAX).await?;
    Ok(cases
        .into_iter()
        .map(|c| CaseLine {
            status: c.status.as_str(),
            id: c.id,
            organization_id: c.organization_id,
            unit_name: c.unit_name,
            applied_on: c.applied_on,
            version: c.version,
        })
        .collect())
}

/// The current ratings of a case and the ones they replaced (ACC-9).
#[derive(Debug, Serialize, ToSchema)]
pub struct Ratings {
    pub items: Vec<RatingRow>,
    pub history: Vec<RatingRow>,
}

/// The ratings of case `id`, for who may see its assessment.
pub async fn ratings(state: &AppState, caller: &Caller, id: &str) -> AppResult<Ratings> {
    load_for(state, caller, id, CaseAction::ViewAssessment).await?;
    let all = store::ratings(state.db.pool(), id, false).await?;
    let (items, history) = all.into_iter().partition(|r| r.current);
    Ok(Ratings { items, history })
}

/// The committee's votes on case `id` (ACC-11), for the office, the head and the committee.
pub async fn votes(state: &AppState, caller: &Caller, id: &str) -> AppResult<Vec<Vote>> {
    let loaded = load_for(state, caller, id, CaseAction::View).await?;
    if !may_see_votes(&loaded, caller) {
        return Err(AppError::Forbidden);
    }
    Ok(store::votes(state.db.pool(), id).await?)
}
