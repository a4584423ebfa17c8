//! 送信メール: the office's view of the mail outbox — every mail, its status and delivery attempts. Without SMTP
//! settings (the demo) this is where mail can be read.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use nintei_domain::authz::{self, GlobalAction};
use nintei_store::mail::MailStatus;

use crate::auth::WebUser;
use crate::error::{AppError, PageError};
use crate::ui::list::{Controls, ListQuery, Pager};
use crate::ui::{Page, in_lang, render_status};
use nintei_app::state::AppState;

/// A Unix time as JST "2026-11-20 10:00".
fn jst_time(secs: i64) -> String {
    DateTime::<Utc>::from_timestamp(secs, 0)
        .map(|t| {
            t.with_timezone(&nintei_app::clock::jst())
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

fn status_key(s: MailStatus) -> &'static str {
    match s {
        MailStatus::Queued => "mail.status_queued",
        MailStatus::Sent => "mail.status_sent",
        MailStatus::Failed => "mail.status_failed",
    }
}

pub struct Row {
    id: String,
    created: String,
    to: String,
    subject: String,
    status_key: &'static str,
    attempts: i64,
}

#[derive(Template)]
#[template(path = "mail_list.html")]
struct ListPage {
    p: Page,
    rows: Vec<Row>,
    smtp_configured: bool,
    controls: Controls,
    pager: Pager,
}

pub async fn list(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    axum::extract::Query(query): axum::extract::Query<ListQuery>,
) -> Result<Response, PageError> {
    let err = in_lang(s.lang);
    AppError::check(authz::global(&s.caller.actor(), GlobalAction::ViewMail)).map_err(&err)?;
    let text = query.text();
    let (mails, total) = nintei_app::outbox::page(&state, &s.caller, &query.filter(&text))
        .await
        .map_err(&err)?;
    let rows: Vec<Row> = mails
        .into_iter()
        .map(|m| Row {
            created: jst_time(m.created_at),
            status_key: status_key(m.status),
            attempts: m.attempts,
            id: m.id,
            to: m.to,
            subject: m.subject,
        })
        .collect();
    let lang = s.lang;
    let tr = |k: &str| crate::i18n::t(lang, k).to_owned();
    let controls = Controls::new(
        "/mail",
        &query,
        tr("mail.status"),
        [MailStatus::Queued, MailStatus::Sent, MailStatus::Failed]
            .iter()
            .map(|m| (m.as_str().to_owned(), tr(status_key(*m))))
            .collect(),
        vec![
            ("".into(), tr("list.sort_newest")),
            ("oldest".into(), tr("list.sort_oldest")),
        ],
    );
    let pager = Pager::new("/mail", &query, total, rows.len());
    let page = ListPage {
        p: Page::for_session(&s, "mail.title", "/mail"),
        rows,
        smtp_configured: state.config.smtp.is_some(),
        controls,
        pager,
    };
    Ok(render_status(StatusCode::OK, &page))
}

pub struct AttemptRow {
    attempt: i64,
    started: String,
    ok: bool,
    detail: String,
}

#[derive(Template)]
#[template(path = "mail_message.html")]
struct MessagePage {
    p: Page,
    to: String,
    subject: String,
    body: String,
    message_id: String,
    created: String,
    sent: String,
    status_key: &'static str,
    last_error: String,
    attempts: Vec<AttemptRow>,
}

pub async fn show(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let err = in_lang(s.lang);
    let (m, attempts) = nintei_app::outbox::mail_with_attempts(&state, &s.caller, &id)
        .await
        .map_err(&err)?;
    let attempts = attempts
        .into_iter()
        .map(|a| AttemptRow {
            attempt: a.attempt,
            started: jst_time(a.started_at),
            ok: a.outcome == "sent",
            detail: a.detail,
        })
        .collect();
    let page = MessagePage {
        p: Page::for_session(&s, "mail.message_title", "/mail"),
        to: m.to,
        subject: m.subject,
        body: m.body,
        message_id: m.message_id,
        created: jst_time(m.created_at),
        sent: m.sent_at.map(jst_time).unwrap_or_default(),
        status_key: status_key(m.status),
        last_error: m.last_error.unwrap_or_default(),
        attempts,
    };
    Ok(render_status(StatusCode::OK, &page))
}
