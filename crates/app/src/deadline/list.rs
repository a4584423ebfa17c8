//! The deadline list (期限): the open deadlines up to 30 days ahead that the caller may see — an organization's
//! users only what the organization must do — searchable, filtered by when they fall due or by assignee, sorted
//! and paged like the other staff lists.

use std::collections::HashMap;

use chrono::NaiveDate;
use nintei_domain::deadline::{Owner, Status, status_on};
use nintei_domain::role::Role;
use nintei_store::deadlines;
use nintei_store::listing::Filter;

use super::{DeadlineAccess, Names, subject_link};
use crate::caller::Caller;
use crate::error::AppResult;
use crate::state::AppState;

/// How far ahead the list looks.
const AHEAD_DAYS: u64 = 30;

/// When a deadline falls due, as the list groups them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Overdue = 0,
    ThisWeek = 1,
    Later = 2,
}

impl When {
    fn of(due: NaiveDate, today: NaiveDate) -> When {
        let days = (due - today).num_days();
        if days < 0 {
            When::Overdue
        } else if days <= 7 {
            When::ThisWeek
        } else {
            When::Later
        }
    }

    /// The filter value (`only=`) that keeps this group.
    pub fn key(self) -> &'static str {
        match self {
            When::Overdue => "overdue",
            When::ThisWeek => "week",
            When::Later => "later",
        }
    }
}

/// One row of the list.
#[derive(Debug, Clone)]
pub struct Row {
    pub due_on: NaiveDate,
    pub title: String,
    pub organization: String,
    pub owner: Owner,
    pub assignee: String,
    pub late: bool,
    /// Days until due (negative: days late).
    pub days: i64,
    pub when: When,
    /// The record's page (empty when it has none the caller can open).
    pub href: String,
}

/// One page of the list and how many rows the whole list has.
#[derive(Debug, Default)]
pub struct Listed {
    pub rows: Vec<Row>,
    pub total: i64,
    /// How many of the whole list (not only this page) are overdue, due this week and due later.
    pub counts: [i64; 3],
}

/// The list for `caller` on `today`: `filter.only` is `overdue`, `week`, `later` or `mine` (staff: assigned to
/// the caller); `filter.sort` is `due` (default), `due_desc` or `organization`; `filter.q` matches the title and
/// the organization's name.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    today: NaiveDate,
    filter: &Filter<'_>,
) -> AppResult<Listed> {
    let actor = caller.actor();
    let until = today
        .checked_add_days(chrono::Days::new(AHEAD_DAYS))
        .unwrap_or(today);
    // An organization's user sees its own organization's deadlines; staff see all (each still checked below).
    let org_filter = if actor.role == Role::Organization {
        Some(actor.organization_id.clone().unwrap_or_else(|| "-".into()))
    } else {
        None
    };
    let open = deadlines::open_until(state.db.pool(), until, org_filter.as_deref()).await?;
    // Each row passes the same check as the record it belongs to (a recused member sees none of it).
    let open = DeadlineAccess::new(actor.clone()).filter(state, open).await?;
    let mine_only = actor.role.is_staff() && filter.only == "mine";
    let needle = filter.q.trim().to_lowercase();
    let mut names = Names::default();
    let mut rows = Vec::new();
    for d in open {
        if mine_only && d.assignee_id.as_deref() != Some(actor.user_id.as_str()) {
            continue;
        }
        let Ok(due) = d.due_on.parse::<NaiveDate>() else {
            continue;
        };
        let when = When::of(due, today);
        if ["overdue", "week", "later"].contains(&filter.only) && when.key() != filter.only {
            continue;
        }
        let organization = names.organization(state, d.organization_id.as_deref()).await?;
        if !needle.is_empty()
            && !d.title.to_lowercase().contains(&needle)
            && !organization.to_lowercase().contains(&needle)
        {
            continue;
        }
        let assignee = names.user(state, d.assignee_id.as_deref()).await?;
        rows.push((d, due, when, organization, assignee));
    }
    match filter.sort {
        "due_desc" => rows.sort_by_key(|r| std::cmp::Reverse(r.1)),
        "organization" => rows.sort_by(|a, b| a.3.cmp(&b.3).then(a.1.cmp(&b.1))),
        _ => rows.sort_by_key(|r| r.1),
    }
    let total = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    let mut counts = [0; 3];
    for r in &rows {
        counts[r.2 as usize] += 1;
    }
    let skip = usize::try_from(filter.offset.max(0)).unwrap_or(usize::MAX);
    let take = usize::try_from(filter.limit.max(0)).unwrap_or(0);
    let mut hrefs = HashMap::new();
    let mut out = Vec::new();
    for (d, due, when, organization, assignee) in rows.into_iter().skip(skip).take(take) {
        let href = subject_link(state, &mut hrefs, &d.subject, &d.subject_id).await?;
        out.push(Row {
            due_on: due,
            late: status_on(due, None, false, today) == Status::Late,
            days: (due - today).num_days(),
            when,
            title: d.title,
            organization,
            owner: Owner::parse(&d.owner).unwrap_or(Owner::Organization),
            assignee,
            href,
        });
    }
    Ok(Listed {
        rows: out,
        total,
        counts,
    })
}
