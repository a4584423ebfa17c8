//! The staff list of ACC cases, a page at a time: searched, filtered by status, sorted, within the caller's scope.

use sqlx::{Any, Executor, Row};

use crate::Result;
use crate::acc::{COLUMNS, Case, CaseScope, from_row};
use crate::listing::{Filter, contains, fetch_page};

/// A page of the cases `scope` lets the caller see, each with its organization's name: `q` in the organization's
/// name, the unit or the accreditation number, `only` a case status; newest application first (default), oldest
/// first, by organization or by status; with the number of matches.
pub async fn page<'c, E>(ex: E, scope: CaseScope<'_>, f: &Filter<'_>) -> Result<(Vec<(Case, String)>, i64)>
where
    E: Executor<'c, Database = Any> + Copy,
{
    let (visible, arg) = scope.condition();
    let order = match f.sort {
        "oldest" => "applied_on, created_at",
        "organization" => "organization_name, applied_on DESC",
        "status" => "status, applied_on DESC",
        _ => "applied_on DESC, created_at DESC",
    };
    let from = "(SELECT c.*, o.name AS organization_name FROM acc_cases c \
                JOIN organizations o ON o.id = c.organization_id) x";
    let cond = format!(
        "{visible} AND ($2 = '' OR LOWER(organization_name) LIKE $3 ESCAPE '\\' \
         OR LOWER(COALESCE(unit_name, '')) LIKE $3 ESCAPE '\\' \
         OR LOWER(COALESCE(accreditation_number, '')) LIKE $3 ESCAPE '\\') AND ($4 = '' OR status = $4)"
    );
    let args = [arg, f.q.to_owned(), contains(f.q), f.only.to_owned()];
    let select = format!("{COLUMNS}, organization_name");
    fetch_page(ex, &select, from, &cond, order, &args, f, |r| {
        Ok((from_row(r)?, r.try_get("organization_name")?))
    })
    .await
}
