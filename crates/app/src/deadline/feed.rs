//! The calendar feed: a user's open deadlines as an iCalendar (RFC 5545) document at a secret, revocable address.

use std::collections::HashMap;

use nintei_docs::ical;
use nintei_domain::authz::Actor;
use nintei_domain::role::Role;
use nintei_store::users::User;
use nintei_store::{deadlines, users};

use super::{DeadlineAccess, Names, subject_link};
use crate::error::AppResult;
use crate::state::AppState;

/// Whose deadlines a user's feed carries: an organization's own, all for the office side, assigned ones otherwise.
fn in_feed(user: &User, d: &deadlines::Deadline) -> bool {
    match user.role {
        Role::Organization => user.organization_id.is_some() && d.organization_id == user.organization_id,
        Role::Office | Role::Head | Role::Admin => true,
        _ => d.assignee_id.as_deref() == Some(user.id.as_str()),
    }
}

/// `GET /calendar/{secret}.ics`: the open deadlines of the feed's user as all-day events (iCalendar); `None` for an
/// unknown or revoked secret, or a deactivated user. Each deadline passes the same check as its record.
pub async fn feed(state: &AppState, token: &str) -> AppResult<Option<String>> {
    let Some(secret) = token.strip_suffix(".ics").filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let pool = state.db.pool();
    let Some(user_id) = deadlines::feed_user(pool, secret).await? else {
        return Ok(None);
    };
    let Some(user) = users::by_id(pool, &user_id).await?.filter(|u| u.active) else {
        return Ok(None);
    };
    let base = state.config.base_url.trim_end_matches('/').to_owned();
    let host = base
        .split("://")
        .nth(1)
        .unwrap_or(base.as_str())
        .split(['/', ':'])
        .next()
        .unwrap_or("nintei")
        .to_owned();
    let mut names = Names::default();
    let mut hrefs = HashMap::new();
    let mut events = Vec::new();
    let mut access = DeadlineAccess::new(Actor {
        user_id: user.id.clone(),
        role: user.role,
        organization_id: user.organization_id.clone(),
    });
    for d in deadlines::all_open(pool).await? {
        if !in_feed(&user, &d) || !access.visible(state, &d).await? {
            continue;
        }
        let Ok(date) = d.due_on.parse::<chrono::NaiveDate>() else {
            continue;
        };
        let organization = names.organization(state, d.organization_id.as_deref()).await?;
        let summary = if user.role == Role::Organization || organization.is_empty() {
            d.title.clone()
        } else {
            format!("{}（{organization}）", d.title)
        };
        let owner = if d.owner == "office" {
            "事務局"
        } else {
            "機関"
        };
        let href = subject_link(state, &mut hrefs, &d.subject, &d.subject_id).await?;
        events.push(ical::Event {
            uid: format!("deadline-{}@{host}", d.id),
            date,
            summary,
            description: format!("対応: {owner}"),
            url: if href.is_empty() {
                String::new()
            } else {
                format!("{base}{href}")
            },
        });
    }
    let cal = ical::Calendar {
        name: format!("nintei 期限（{}）", user.name),
        events,
    };
    Ok(Some(ical::write(&cal, state.clock.now())))
}
