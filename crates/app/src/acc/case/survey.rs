//! Surveyors (ACC-7, ACC-8) and their ratings (ACC-9).

use crate::acc::{catalog, load_for};
use crate::caller::Caller;
use crate::error::{AppError, AppResult, FieldError};
use crate::state::AppState;
use nintei_domain::acc::case::{self as machine};
use nintei_domain::acc::renewal::{CaseKind, review_scope};
use nintei_domain::acc::service::ServiceCode;
use nintei_domain::acc::standards::Catalog;
use nintei_domain::acc::{CaseStatus, Rating, assess};
use nintei_domain::authz::acc::CaseAction;
use nintei_domain::role::Role;
use nintei_store::acc::{self as store, Case};
use nintei_store::{Tx, audit, conflicts, users};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;

#[allow(unused_imports)]
use super::*;

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct SurveyorInput {
    #[serde(default)]
    pub user_id: String,
    #[serde(default)]
    pub lead: bool,
}

/// Statuses in which surveyors are assigned: before and during the site visit, and for an additional visit
/// during a deferral (ACC-11).
pub(crate) const SURVEYOR_STATUSES: [CaseStatus; 4] = [
    CaseStatus::Accepted,
    CaseStatus::SelfStudy,
    CaseStatus::SiteVisit,
    CaseStatus::Deferred,
];

/// `POST …/surveyors` (ACC-7, ACC-8): two surveyors at most, one lead, no declared conflict.
pub async fn add_surveyor(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &SurveyorInput,
) -> AppResult<String> {
    let loaded = load_for(state, caller, id, CaseAction::AssignSurveyor).await?;
    let user_id = input.user_id.trim();
    let Some(user) = users::by_id(state.db.pool(), user_id).await? else {
        return Err(AppError::field(
            "user_id",
            "該当する利用者がいません (no such user)",
        ));
    };
    if user.role != Role::Surveyor || !user.active {
        return Err(AppError::Conflict(
            "ACC-7: 認定調査員ではない利用者は割り当てられません (the user is not a surveyor)".into(),
        ));
    }
    if conflicts::exists(state.db.pool(), user_id, &loaded.case.organization_id).await? {
        return Err(AppError::Conflict(
            "ACC-8: この認定調査員はこの機関との利益相反を申告しています (declared conflict of interest)"
                .into(),
        ));
    }
    let now = state.clock.now().timestamp();
    let (mut tx, case) = begin(state, id, now).await?;
    if !SURVEYOR_STATUSES.contains(&case.status) {
        return Err(AppError::Conflict(format!(
            "認定調査員の割り当ては状態「{}」ではできません (not in status {})",
            case.status.label_ja(),
            case.status.as_str()
        )));
    }
    if nintei_store::acc_impartiality::upheld_against(&mut *tx, id, user_id).await? {
        return Err(AppError::Conflict(
            "ACC-8: この認定調査員は機関の申し出により交代しました。別の認定調査員を割り当ててください \
             (an objection to this surveyor was upheld)"
                .into(),
        ));
    }
    let current = store::surveyors(&mut *tx, id).await?;
    if current.iter().any(|s| s.user_id == user_id) {
        return Err(AppError::Conflict(
            "ACC-7: すでに割り当てられています (already assigned)".into(),
        ));
    }
    if current.len() >= 2 {
        return Err(AppError::Conflict(
            "ACC-7: 認定調査員は2名までです (the case has two surveyors already)".into(),
        ));
    }
    if input.lead && current.iter().any(|s| s.lead) {
        return Err(AppError::Conflict(
            "ACC-7: 主任認定調査員はすでにいます (the case has a lead already)".into(),
        ));
    }
    let assignment = store::add_surveyor(&mut tx, id, user_id, input.lead, &caller.user.id, now).await?;
    let changes = audit::created(&[
        ("surveyor_id", json!(user_id)),
        ("lead", json!(input.lead)),
        ("assignment_id", json!(assignment)),
    ]);
    if let Some(surveyor) = nintei_store::users::by_id(&mut *tx, user_id).await? {
        super::notices::surveyor_assigned(&mut tx, state, &case, &surveyor.name).await?;
    }
    finish(tx, state, caller, "acc_case.surveyor_assign", id, changes).await?;
    Ok(assignment)
}

#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct RatingInput {
    #[serde(default)]
    pub standard: String,
    #[serde(default)]
    pub rating: Value,
    pub comment: Option<String>,
}

/// Checks one rating against the case's catalog and scope (400 naming the field).
pub(crate) fn validate_rating(
    catalog: &Catalog,
    kind: CaseKind,
    services: &[ServiceCode],
    input: &RatingInput,
) -> Result<(String, Rating, String), Vec<FieldError>> {
    let mut errors = Vec::new();
    let code = input.standard.trim();
    let in_scope = review_scope(catalog, kind, services).any(|s| s.code == code);
    if !in_scope {
        let message = if catalog.get(code).is_some() {
            format!("基準「{code}」はこの審査の対象サービスの基準ではありません (standard not in scope)")
        } else {
            format!("基準「{code}」は認定基準にありません (unknown standard)")
        };
        errors.push(FieldError::new("standard", message));
    }
    let rating = match input.rating.as_i64() {
        Some(v) => Rating::new(v)
            .map_err(|e| errors.push(FieldError::new("rating", e.to_string())))
            .ok(),
        None => {
            errors.push(FieldError::new(
                "rating",
                "ACC-9: レーティングは1〜4の整数です (an integer 1..4)",
            ));
            None
        }
    };
    let comment = input
        .comment
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    if comment.chars().count() > LONG_TEXT_MAX {
        errors.push(FieldError::new("comment", "コメントが長すぎます (too long)"));
    }
    if let Some(r) = rating
        && !r.meets_threshold()
        && comment.is_empty()
    {
        errors.push(FieldError::new(
            "comment",
            "ACC-9: レーティング3・4にはコメントが必要です (a comment is required for 3 and 4)",
        ));
    }
    match (errors.is_empty(), rating) {
        (true, Some(r)) => Ok((code.to_owned(), r, comment)),
        _ => Err(errors),
    }
}

/// `POST …/ratings` (ACC-9): an assigned surveyor's rating; a later one of the same standard replaces it.
pub async fn rate(state: &AppState, caller: &Caller, id: &str, input: &RatingInput) -> AppResult<String> {
    let loaded = load_for(state, caller, id, CaseAction::Rate).await?;
    let catalog = catalog(state, &loaded.case.catalog_version).await?;
    let (code, rating, comment) =
        validate_rating(&catalog, loaded.case.kind, &loaded.case.service_codes(), input)
            .map_err(AppError::Validation)?;
    let now = state.clock.now().timestamp();
    let (mut tx, case) = begin(state, id, now).await?;
    machine::check_rating(case.status).map_err(refused)?;
    if case.status == nintei_domain::acc::CaseStatus::OnHold {
        let calendar = crate::acc::office_calendar(state).await?;
        let hold = hold_of(&mut tx, &case, &calendar).await?;
        nintei_domain::acc::hold::check_rating(&hold).map_err(hold_refused)?;
    }
    let before = store::ratings(&mut *tx, id, true)
        .await?
        .into_iter()
        .find(|r| r.standard == code)
        .map(|r| r.rating);
    let rating_id = store::add_rating(&mut tx, id, &code, rating, &comment, &caller.user.id, now).await?;
    let changes = json!({
        "standard": code,
        "rating": {"before": before, "after": rating.get()},
        "comment": comment,
        "rating_id": rating_id,
    });
    finish(tx, state, caller, "acc_case.rate", id, changes).await?;
    Ok(rating_id)
}

/// ACC-9 computed inside a transaction (the ratings the transition really starts from).
pub(crate) async fn assessment_in(
    tx: &mut Tx,
    catalog: &Catalog,
    case: &Case,
) -> AppResult<nintei_domain::acc::Assessment> {
    let ratings: HashMap<String, Rating> = store::ratings(&mut **tx, &case.id, true)
        .await?
        .into_iter()
        .filter_map(|r| Rating::new(i64::from(r.rating)).ok().map(|x| (r.standard, x)))
        .collect();
    let codes = case.service_codes();
    Ok(assess(review_scope(catalog, case.kind, &codes), &ratings))
}
