//! The records that wait for a role's next step (the work queues): one query per kind of item, read-only, on both
//! backends. Who may see which row is decided in the queries for assigned staff and members (their cases, no
//! conflict) and by the use case for the rest.

use sqlx::{Any, Executor, Row};

use crate::Result;

/// One record waiting: its kind, the record, the organization or number it concerns, the day it became due or
/// arrived, and a number the kind explains (ratings made so far).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub kind: &'static str,
    pub record_type: &'static str,
    pub record_id: String,
    pub about: String,
    pub since: Option<String>,
    pub due_on: Option<String>,
    pub count: Option<i64>,
}

async fn fetch<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    kind: &'static str,
    record_type: &'static str,
    sql: &'static str,
    binds: &[&str],
) -> Result<Vec<Waiting>> {
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind((*b).to_owned());
    }
    let rows = q.fetch_all(ex).await?;
    rows.iter()
        .map(|r| {
            Ok(Waiting {
                kind,
                record_type,
                record_id: r.try_get("id")?,
                about: r.try_get("about")?,
                since: r.try_get("since")?,
                due_on: r.try_get("due_on")?,
                count: r.try_get("n")?,
            })
        })
        .collect()
}

/// ACC-4, ACC-22: applications whose eligibility and fees the office has not yet decided.
pub async fn acc_applications<'c, E: Executor<'c, Database = Any>>(ex: E) -> Result<Vec<Waiting>> {
    fetch(
        ex,
        "acc_eligibility",
        "acc_case",
        "SELECT c.id, o.name AS about, c.applied_on AS since, CAST(NULL AS TEXT) AS due_on, CAST(NULL AS BIGINT) AS n \
         FROM acc_cases c JOIN organizations o ON o.id = c.organization_id \
         WHERE c.status = 'submitted' ORDER BY c.applied_on, c.id LIMIT 500",
        &[],
    )
    .await
}

/// ACC-6: self-studies submitted (or resubmitted after fixes) whose format the office has not checked.
pub async fn format_checks<'c, E: Executor<'c, Database = Any>>(ex: E) -> Result<Vec<Waiting>> {
    fetch(
        ex,
        "acc_format_check",
        "acc_case",
        "SELECT c.id, o.name AS about, c.self_study_submitted_on AS since, CAST(NULL AS TEXT) AS due_on, \
         CAST(NULL AS BIGINT) AS n \
         FROM acc_self_study s JOIN acc_cases c ON c.id = s.case_id JOIN organizations o ON o.id = c.organization_id \
         WHERE s.format_status IN ('submitted', 'resubmitted') \
         AND c.status NOT IN ('ineligible', 'accredited', 'denied', 'withdrawn', 'stopped') \
         ORDER BY c.self_study_submitted_on, c.id LIMIT 500",
        &[],
    )
    .await
}

/// ACC-22: invoices not paid in full after their due date.
pub async fn unpaid_invoices<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    today: &str,
) -> Result<Vec<Waiting>> {
    fetch(
        ex,
        "invoice_unpaid",
        "acc_case",
        "SELECT i.case_id AS id, o.name || ' ' || i.number AS about, i.issued_on AS since, i.due_on, \
         CAST(NULL AS BIGINT) AS n \
         FROM invoices i JOIN organizations o ON o.id = i.organization_id \
         WHERE i.due_on < $1 \
         AND i.total_yen > COALESCE((SELECT SUM(p.amount_yen) FROM payments p WHERE p.invoice_id = i.id), 0) \
         ORDER BY i.due_on, i.number LIMIT 500",
        &[today],
    )
    .await
}

/// ACC-2, ACC-11, ACC-8: the head's items — held cases, units whose status is undecided, objections to surveyors.
pub async fn for_head<'c, E>(ex: E) -> Result<Vec<Waiting>>
where
    E: Executor<'c, Database = Any> + Copy,
{
    let mut out = fetch(
        ex,
        "acc_hold",
        "acc_case",
        "SELECT c.id, o.name AS about, c.decided_on AS since, CAST(NULL AS TEXT) AS due_on, CAST(NULL AS BIGINT) AS n \
         FROM acc_cases c JOIN organizations o ON o.id = c.organization_id \
         WHERE c.status = 'on_hold' ORDER BY c.decided_on, c.id LIMIT 500",
        &[],
    )
    .await?;
    out.extend(
        fetch(
            ex,
            "acc_unit_decision",
            "acc_case",
            "SELECT c.id, o.name || ' ' || c.unit_name AS about, c.applied_on AS since, CAST(NULL AS TEXT) AS due_on, \
             CAST(NULL AS BIGINT) AS n \
             FROM acc_cases c JOIN organizations o ON o.id = c.organization_id \
             WHERE c.unit_name IS NOT NULL AND c.status = 'submitted' \
             AND NOT EXISTS (SELECT 1 FROM acc_unit_decisions u WHERE u.case_id = c.id) \
             ORDER BY c.applied_on, c.id LIMIT 500",
            &[],
        )
        .await?,
    );
    out.extend(
        fetch(
            ex,
            "acc_objection",
            "acc_case",
            "SELECT c.id, o.name AS about, j.raised_on AS since, CAST(NULL AS TEXT) AS due_on, CAST(NULL AS BIGINT) AS n \
             FROM acc_surveyor_objections j JOIN acc_cases c ON c.id = j.case_id \
             JOIN organizations o ON o.id = c.organization_id \
             WHERE j.upheld IS NULL ORDER BY j.raised_on, j.id LIMIT 500",
            &[],
        )
        .await?,
    );
    Ok(out)
}

/// ACC-8, ACC-11: cases before the committee on which the member has not voted in the open round, without the
/// organizations the member declared a conflict with.
pub async fn votes_due<'c, E: Executor<'c, Database = Any>>(ex: E, user_id: &str) -> Result<Vec<Waiting>> {
    fetch(
        ex,
        "acc_vote",
        "acc_case",
        "SELECT c.id, o.name AS about, c.report_issued_on AS since, CAST(NULL AS TEXT) AS due_on, \
         CAST(NULL AS BIGINT) AS n \
         FROM acc_cases c JOIN organizations o ON o.id = c.organization_id \
         WHERE c.status = 'committee' \
         AND NOT EXISTS (SELECT 1 FROM acc_votes v WHERE v.case_id = c.id AND v.user_id = $1 \
             AND v.round = (SELECT COUNT(*) FROM acc_decisions d WHERE d.case_id = c.id)) \
         AND NOT EXISTS (SELECT 1 FROM conflicts k WHERE k.user_id = $1 AND k.organization_id = c.organization_id) \
         ORDER BY c.report_issued_on, c.id LIMIT 500",
        &[user_id],
    )
    .await
}

/// ACC-5: the coordinator's cases from acceptance to the site visit, by the visit's date.
pub async fn coordinated<'c, E: Executor<'c, Database = Any>>(ex: E, user_id: &str) -> Result<Vec<Waiting>> {
    fetch(
        ex,
        "acc_visit",
        "acc_case",
        "SELECT c.id, o.name AS about, c.eligibility_decided_on AS since, c.site_visit_on AS due_on, \
         CAST(NULL AS BIGINT) AS n \
         FROM acc_cases c JOIN organizations o ON o.id = c.organization_id \
         WHERE c.coordinator_id = $1 AND c.status IN ('accepted', 'self_study', 'site_visit') \
         AND NOT EXISTS (SELECT 1 FROM conflicts k WHERE k.user_id = $1 AND k.organization_id = c.organization_id) \
         ORDER BY c.site_visit_on, c.id LIMIT 500",
        &[user_id],
    )
    .await
}

/// ACC-9, ACC-10: the surveyor's cases at the site-visit stage with the ratings made so far; the lead's report
/// follows from the same rows.
pub async fn to_rate<'c, E: Executor<'c, Database = Any>>(ex: E, user_id: &str) -> Result<Vec<Waiting>> {
    fetch(
        ex,
        "acc_rate",
        "acc_case",
        "SELECT c.id, o.name AS about, CASE WHEN s.lead = 1 THEN 'lead' ELSE '' END AS since, \
         c.site_visit_on AS due_on, \
         (SELECT COUNT(*) FROM acc_ratings r WHERE r.case_id = c.id AND r.current = 1) AS n \
         FROM acc_case_surveyors s JOIN acc_cases c ON c.id = s.case_id \
         JOIN organizations o ON o.id = c.organization_id \
         WHERE s.user_id = $1 AND c.status = 'site_visit' \
         AND NOT EXISTS (SELECT 1 FROM conflicts k WHERE k.user_id = $1 AND k.organization_id = c.organization_id) \
         ORDER BY c.site_visit_on, c.id LIMIT 500",
        &[user_id],
    )
    .await
}

/// ACC-10: the organization's cases whose report waits for its opinion and action plan.
pub async fn responses_due<'c, E: Executor<'c, Database = Any>>(
    ex: E,
    organization_id: &str,
) -> Result<Vec<Waiting>> {
    fetch(
        ex,
        "acc_response",
        "acc_case",
        "SELECT c.id, o.name AS about, c.report_issued_on AS since, CAST(NULL AS TEXT) AS due_on, \
         CAST(NULL AS BIGINT) AS n \
         FROM acc_cases c JOIN organizations o ON o.id = c.organization_id \
         WHERE c.organization_id = $1 AND c.status IN ('report_issued', 'committee') \
         AND c.response_submitted_on IS NULL ORDER BY c.report_issued_on, c.id LIMIT 500",
        &[organization_id],
    )
    .await
}

/// REG-5: applications the office has not reviewed.
pub async fn reg_applications<'c, E: Executor<'c, Database = Any>>(ex: E) -> Result<Vec<Waiting>> {
    fetch(
        ex,
        "reg_review",
        "reg_case",
        "SELECT r.id, o.name AS about, r.applied_on AS since, CAST(NULL AS TEXT) AS due_on, CAST(NULL AS BIGINT) AS n \
         FROM reg_cases r JOIN organizations o ON o.id = r.organization_id \
         WHERE r.status = 'submitted' ORDER BY r.applied_on, r.id LIMIT 500",
        &[],
    )
    .await
}

/// REG-6: change notices not yet acknowledged or refused (the record is the registration, by number).
pub async fn change_notices<'c, E: Executor<'c, Database = Any>>(ex: E) -> Result<Vec<Waiting>> {
    fetch(
        ex,
        "reg_change",
        "registration",
        "SELECT g.number AS id, o.name || ' ' || g.number AS about, n.notified_on AS since, \
         CAST(NULL AS TEXT) AS due_on, CAST(NULL AS BIGINT) AS n \
         FROM reg_change_notices n JOIN registrations g ON g.id = n.registration_id \
         JOIN organizations o ON o.id = n.organization_id \
         WHERE n.status = 'notified' ORDER BY n.notified_on, n.id LIMIT 500",
        &[],
    )
    .await
}

/// REG-7: public reports not yet filed or joined to an investigation (`since` is the day received, UTC+9).
pub async fn new_reports<'c, E: Executor<'c, Database = Any>>(ex: E) -> Result<Vec<(Waiting, i64)>> {
    let rows = sqlx::query(
        "SELECT id, registration_number, received_at FROM reg_reports WHERE status = 'new' \
         ORDER BY received_at, id LIMIT 500",
    )
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                Waiting {
                    kind: "reg_report",
                    record_type: "reg_report",
                    record_id: r.try_get("id")?,
                    about: r.try_get("registration_number")?,
                    since: None,
                    due_on: None,
                    count: None,
                },
                r.try_get("received_at")?,
            ))
        })
        .collect()
}

/// Onboarding: verified requests for an organization account that the office has not decided.
pub async fn account_requests<'c, E: Executor<'c, Database = Any>>(ex: E) -> Result<Vec<(Waiting, i64)>> {
    let rows = sqlx::query(
        "SELECT id, organization, verified_at FROM account_requests WHERE status = 'verified' \
         ORDER BY verified_at, id LIMIT 500",
    )
    .fetch_all(ex)
    .await?;
    rows.iter()
        .map(|r| {
            let organization: String = r.try_get("organization")?;
            let name = serde_json::from_str::<serde_json::Value>(&organization)
                .ok()
                .and_then(|v| v.get("name").and_then(|n| n.as_str()).map(str::to_owned))
                .unwrap_or_default();
            Ok((
                Waiting {
                    kind: "account_request",
                    record_type: "account_request",
                    record_id: r.try_get("id")?,
                    about: name,
                    since: None,
                    due_on: None,
                    count: None,
                },
                r.try_get::<Option<i64>, _>("verified_at")?.unwrap_or(0),
            ))
        })
        .collect()
}
