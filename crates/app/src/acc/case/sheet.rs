//! The rating sheet as read (ACC-9, ACC-10): the case for a caller who may see its assessment, its standards
//! catalog, the current ratings with their comments, and the self-study's files and narratives the surveyors read
//! beside it.

use nintei_domain::acc::standards::Catalog;
use nintei_domain::authz::acc::CaseAction;
use nintei_store::acc::{self as store, RatingRow};
use nintei_store::acc_study::{self, FileRow, Narrative};

use crate::acc::{Loaded, catalog, load_for};
use crate::caller::Caller;
use crate::error::AppResult;
use crate::state::AppState;

pub struct RatingSheet {
    pub loaded: Loaded,
    pub catalog: Catalog,
    /// The ratings in force (a standard's latest), with comments.
    pub ratings: Vec<RatingRow>,
    pub files: Vec<FileRow>,
    pub narratives: Vec<Narrative>,
}

/// The rating sheet of case `id`; 404 for a caller who may not see its assessment.
pub async fn rating_sheet(state: &AppState, caller: &Caller, id: &str) -> AppResult<RatingSheet> {
    let loaded = load_for(state, caller, id, CaseAction::ViewAssessment).await?;
    let catalog = catalog(state, &loaded.case.catalog_version).await?;
    let pool = state.db.pool();
    Ok(RatingSheet {
        ratings: store::ratings(pool, id, true).await?,
        files: acc_study::files(pool, id).await?,
        narratives: acc_study::narratives(pool, id).await?,
        loaded,
        catalog,
    })
}
