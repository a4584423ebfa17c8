//! Which deadlines a user may see: exactly those of the records they may open. One check for the deadline list,
//! the dashboard's counts and the calendar feed, asking the same authorization as the record's own page — an
//! ACC case (ACC-5, ACC-7, ACC-8: assigned staff and committee members without a conflict), a REG-7
//! investigation (referred, no conflict), an appeal (ACC-21, ACC-8), and the organization-level records
//! (registrations REG-4, accreditations ACC-13 … ACC-19), which only the office side and the organization see.

use std::collections::HashMap;

use nintei_domain::authz::acc::{CaseFacts, may_see_case};
use nintei_domain::authz::reg::{DeregistrationAction, DeregistrationContext, deregistration};
use nintei_domain::authz::{self, Actor};
use nintei_domain::role::Role;
use nintei_store::deadlines::Deadline;
use nintei_store::{acc, acc_appeals, conflicts, reg_investigations};

use crate::error::AppResult;
use crate::state::AppState;

mod feed;
mod list;

pub use feed::feed;
pub use list::{Listed, Row, When, list};

/// The check for one user, remembering each record's answer.
pub struct DeadlineAccess {
    actor: Actor,
    seen: HashMap<(String, String), bool>,
}

impl DeadlineAccess {
    pub fn new(actor: Actor) -> DeadlineAccess {
        DeadlineAccess {
            actor,
            seen: HashMap::new(),
        }
    }

    /// Whether the user may see the record `d` belongs to (and so `d`).
    pub async fn visible(&mut self, state: &AppState, d: &Deadline) -> AppResult<bool> {
        let key = (d.subject.clone(), d.subject_id.clone());
        if let Some(v) = self.seen.get(&key) {
            return Ok(*v);
        }
        let v = self.check(state, d).await?;
        self.seen.insert(key, v);
        Ok(v)
    }

    /// Keeps the deadlines the user may see, in order.
    pub async fn filter(&mut self, state: &AppState, rows: Vec<Deadline>) -> AppResult<Vec<Deadline>> {
        let mut out = Vec::with_capacity(rows.len());
        for d in rows {
            if self.visible(state, &d).await? {
                out.push(d);
            }
        }
        Ok(out)
    }

    async fn conflicted(&self, state: &AppState, organization_id: &str) -> AppResult<bool> {
        Ok(conflicts::exists(state.db.pool(), &self.actor.user_id, organization_id).await?)
    }

    async fn check(&self, state: &AppState, d: &Deadline) -> AppResult<bool> {
        let actor = &self.actor;
        let pool = state.db.pool();
        let org = d.organization_id.as_deref().unwrap_or("");
        match actor.role {
            Role::Office | Role::Head | Role::Admin => return Ok(true),
            // The organization's list is what it must do: the office's own tasks about it (sending a notice,
            // putting a lost eligibility to the committee) are not its items.
            Role::Organization => {
                return Ok(!org.is_empty()
                    && actor.organization_id.as_deref() == Some(org)
                    && d.owner == nintei_domain::deadline::Owner::Organization.as_str());
            }
            Role::Coordinator | Role::Surveyor | Role::Committee => {}
        }
        Ok(match d.subject.as_str() {
            "acc_case" => {
                let Some(case) = acc::by_id(pool, &d.subject_id).await? else {
                    return Ok(false);
                };
                let surveyors: Vec<(String, bool)> = acc::surveyors(pool, &case.id)
                    .await?
                    .into_iter()
                    .map(|s| (s.user_id, s.lead))
                    .collect();
                let facts = CaseFacts {
                    organization_id: &case.organization_id,
                    coordinator_id: case.coordinator_id.as_deref(),
                    surveyors: &surveyors,
                    caller_conflicted: self.conflicted(state, &case.organization_id).await?,
                    report_issued: case.report_issued_on.is_some(),
                };
                may_see_case(actor, &facts)
            }
            "reg_investigation" => {
                let Some(case) = reg_investigations::by_id(pool, &d.subject_id).await? else {
                    return Ok(false);
                };
                let ctx = DeregistrationContext {
                    organization_id: &case.organization_id,
                    referred: matches!(case.status.as_str(), "referred" | "decided"),
                    caller_has_conflict: self.conflicted(state, &case.organization_id).await?,
                };
                deregistration(actor, DeregistrationAction::View, ctx).is_allowed()
            }
            "acc_appeal" => {
                let Some(appeal) = acc_appeals::by_id(pool, &d.subject_id).await? else {
                    return Ok(false);
                };
                let conflicted = self.conflicted(state, &appeal.organization_id).await?;
                authz::appeal::may_see(actor, &appeal.organization_id, conflicted)
            }
            "registration" | "reg_case" => authz::reg::may_see(actor, org),
            "organization" => authz::may_see_organization(actor, org),
            // The accreditation and its maintenance (renewal, annual reports, questions, review items).
            "accreditation" | "acc_annual_report" | "acc_question" | "acc_review_item" => {
                authz::accreditation::may_see(actor, org)
            }
            // A record kind this check does not know is shown to the office side only.
            _ => false,
        })
    }
}

/// Names by id, each read once per list: the organizations and people a list of deadlines names.
#[derive(Default)]
pub(crate) struct Names {
    organizations: HashMap<String, String>,
    users: HashMap<String, String>,
}

impl Names {
    /// The organization's name ("" for none or an unknown id).
    pub(crate) async fn organization(&mut self, state: &AppState, id: Option<&str>) -> AppResult<String> {
        let Some(id) = id else {
            return Ok(String::new());
        };
        if let Some(n) = self.organizations.get(id) {
            return Ok(n.clone());
        }
        let n = nintei_store::organizations::by_id(state.db.pool(), id)
            .await?
            .map(|o| o.name)
            .unwrap_or_default();
        self.organizations.insert(id.to_owned(), n.clone());
        Ok(n)
    }

    /// The user's name ("" for none or an unknown id).
    pub(crate) async fn user(&mut self, state: &AppState, id: Option<&str>) -> AppResult<String> {
        let Some(id) = id else {
            return Ok(String::new());
        };
        if let Some(n) = self.users.get(id) {
            return Ok(n.clone());
        }
        let n = nintei_store::users::by_id(state.db.pool(), id)
            .await?
            .map(|u| u.name)
            .unwrap_or_default();
        self.users.insert(id.to_owned(), n.clone());
        Ok(n)
    }
}

/// Where a record is shown on the screens (a deadline's subject, a work-queue item); empty for the accreditation's own
/// records, which `subject_link` finds by number.
pub fn record_link(subject: &str, id: &str) -> String {
    match subject {
        "reg_report" => "/registration/reports".to_owned(),
        "account_request" => "/admin/account-requests".to_owned(),
        "acc_case" => format!("/accreditation/cases/{id}"),
        "reg_case" => format!("/registration/cases/{id}"),
        "registration" => format!("/registration/registrations/{id}"),
        "reg_investigation" => format!("/registration/investigations/{id}"),
        "organization" => format!("/organizations/{id}"),
        "acc_appeal" => format!("/accreditation/appeals/{id}"),
        _ => String::new(),
    }
}

/// Where a deadline's subject is shown; the accreditation's own deadlines (renewal ACC-19, annual report ACC-14,
/// the answers to questions on reports and self-reports ACC-14/15, review items ACC-16) lead to the
/// accreditation page, found by the subject's id (cached per accreditation subject).
pub async fn subject_link(
    state: &AppState,
    cache: &mut HashMap<(String, String), String>,
    subject: &str,
    id: &str,
) -> AppResult<String> {
    let href = record_link(subject, id);
    if !href.is_empty() {
        return Ok(href);
    }
    let key = (subject.to_owned(), id.to_owned());
    if let Some(h) = cache.get(&key) {
        return Ok(h.clone());
    }
    let href = nintei_store::acc_records::number_of_deadline_subject(state.db.pool(), subject, id)
        .await?
        .map(|n| format!("/accreditations/{n}"))
        .unwrap_or_default();
    cache.insert(key, href.clone());
    Ok(href)
}

/// Makes the caller's calendar feed (ending an earlier one: its address stops working); returns its secret, which
/// is shown once and kept only as a hash.
pub async fn create_feed(state: &AppState, caller: &crate::caller::Caller) -> AppResult<String> {
    let secret = crate::security::random_token(32);
    let now = state.clock.now();
    let user_id = caller.user.id.as_str();
    let mut tx = state.db.begin_write().await?;
    let replaced = nintei_store::deadlines::revoke_feeds(&mut tx, user_id, now.timestamp()).await?;
    nintei_store::deadlines::create_feed(&mut tx, &secret, user_id, now.timestamp()).await?;
    let before = if replaced > 0 { "live" } else { "none" };
    let changes = serde_json::json!({"calendar_feed": {"before": before, "after": "live"}});
    nintei_store::audit::append(
        &mut tx,
        &caller.audit(now, "calendar_feed.create", "user", user_id, changes),
    )
    .await?;
    tx.commit().await.map_err(nintei_store::StoreError::from)?;
    Ok(secret)
}

/// Whether the caller has a live calendar feed.
pub async fn has_feed(state: &AppState, caller: &crate::caller::Caller) -> AppResult<bool> {
    Ok(nintei_store::deadlines::has_live_feed(state.db.pool(), &caller.user.id).await?)
}

/// Revokes the caller's calendar feed (audited when there was one).
pub async fn revoke_feed(state: &AppState, caller: &crate::caller::Caller) -> AppResult<()> {
    let now = state.clock.now();
    let user_id = caller.user.id.as_str();
    let mut tx = state.db.begin_write().await?;
    if nintei_store::deadlines::revoke_feeds(&mut tx, user_id, now.timestamp()).await? > 0 {
        let changes = serde_json::json!({"calendar_feed": {"before": "live", "after": "revoked"}});
        nintei_store::audit::append(
            &mut tx,
            &caller.audit(now, "calendar_feed.revoke", "user", user_id, changes),
        )
        .await?;
    }
    tx.commit().await.map_err(nintei_store::StoreError::from)?;
    Ok(())
}
