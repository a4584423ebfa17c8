//! Accreditation screens after the decision: the list, the accreditation page with its history
//! and every maintenance form for the office, the head and the organization (ACC-13 … ACC-18), the logo terms
//! and the logo file. Every form posts to `/accreditations/{number}/{action}`, which runs the same steps as the
//! API ([`nintei_app::acc::record`]); so do the organization's forms of part 2: the appeal against a revocation (ACC-21),
//! the renewal application (ACC-19), adding a service and ending one (ACC-20) ([`nintei_app::acc`]).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use nintei_app::acc::record::Record;
use nintei_domain::acc::dates::SelfReportEvent;
use nintei_domain::acc::record::{
    ANNUAL_REPORT_FIELDS, AccreditationStatus, LapseReason, ReviewOutcome, ReviewStatus, ReviewTrigger,
    RevocationGround,
};
use nintei_domain::acc::service::ServiceCode;
use nintei_domain::authz::accreditation::{self as authz, RecordAction};
use nintei_domain::role::Role;
use serde::Deserialize;
use serde_json::Value;

use crate::auth::{AnySession, WebUser, check_csrf};
use crate::error::{AppError, FieldError, PageError};
use crate::ui::form::{self, StepForm, read};
use crate::ui::list::{Controls, ListQuery, Pager};
use crate::ui::{Errors, Page, UiForm, confirm, in_lang, render_status};
use nintei_app::acc::case::{ApplicationInput, ServiceInput};
use nintei_app::acc::record;
use nintei_app::acc::{appeal, renewal};
use nintei_app::state::AppState;
use std::collections::HashMap;

fn service_names(codes: &[String]) -> String {
    codes
        .iter()
        .map(|c| match ServiceCode::parse(c) {
            Some(s) => format!("{} {}", s.as_str(), s.name_ja()),
            None => c.clone(),
        })
        .collect::<Vec<_>>()
        .join("、")
}

fn status_ja(status: &str) -> String {
    AccreditationStatus::parse(status)
        .map(|s| s.label_ja().to_owned())
        .unwrap_or_else(|| status.to_owned())
}

fn event_ja(kind: &str) -> &'static str {
    match kind {
        "accredited" => "認定",
        "annual_report_submitted" => "認定維持報告書の提出",
        "question_asked" => "疑義の通知（質問）",
        "question_answered" => "疑義への回答",
        "suspended" => "認定の停止",
        "suspension_lifted" => "停止の解除",
        "self_report_submitted" => "自己申告",
        "lapsed" => "認定の失効",
        "revoked" => "認定の取消し",
        "review_opened" => "適合状況の調査の開始",
        "review_request" => "調査：資料の請求・不適合事項",
        "review_request_met" => "調査：資料の受領・是正の確認",
        "review_site_visit" => "調査：実地調査",
        "revocation_requested" => "調査：委員会への取消しの請求",
        "review_answer" => "調査：委員の賛否",
        "review_closed" => "調査の終了",
        "certificate_issued" => "認定証の発行",
        "certificate_reissue_invoiced" => "認定証の追加発行の請求",
        "certificate_returned" => "認定証の返納",
        "certificate_return_requested" => "認定証の返納の依頼",
        "certificate_reissue_requested" => "認定証の再交付の依頼",
        "service_added" => "サービスの追加",
        "service_ended" => "サービスの中止",
        "eligibility_lost" => "受審資格の喪失（a・c・dのサービスなし）",
        "renewed" => "認定の更新",
        "renewal_notice_sent" => "更新の案内の送付",
        "extension_requested" => "有効期間の延長の申出",
        "extended" => "有効期間の延長",
        "extension_refused" => "有効期間の延長の不承認",
        "appeal_filed" => "不服申立て",
        _ => "記録",
    }
}

// ---------------------------------------------------------------------------------------------------------
// List

pub struct ListRow {
    number: String,
    organization: String,
    services: String,
    accredited_on: String,
    expires_on: String,
    status: String,
}

#[derive(Template)]
#[template(path = "accreditations.html")]
struct ListPage {
    p: Page,
    rows: Vec<ListRow>,
    controls: Controls,
    pager: Pager,
}

pub async fn list(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let err = in_lang(s.lang);
    let today = state.clock.today();
    let text = query.text();
    let (records, total) = record::page(&state, &s.caller, &query.filter(&text))
        .await
        .map_err(&err)?;
    let rows: Vec<ListRow> = records
        .iter()
        .map(|r| ListRow {
            number: r.number.clone(),
            organization: match &r.unit_name {
                Some(u) => format!("{}（{u}）", r.organization_name),
                None => r.organization_name.clone(),
            },
            services: service_names(&r.services),
            accredited_on: r.accredited_on.to_string(),
            expires_on: r.expires_on.to_string(),
            status: status_ja(record::shown_status(r, today)),
        })
        .collect();
    let tr = |k: &str| crate::i18n::t(s.lang, k).to_owned();
    let controls = Controls::new(
        "/accreditations",
        &query,
        tr("acc.status"),
        ["active", "suspended", "lapsed", "revoked"]
            .iter()
            .map(|st| ((*st).to_owned(), status_ja(st)))
            .collect(),
        vec![
            ("".into(), tr("list.sort_newest")),
            ("expires".into(), tr("list.sort_expires")),
            ("organization".into(), tr("list.sort_organization")),
        ],
    );
    let pager = Pager::new("/accreditations", &query, total, rows.len());
    let page = ListPage {
        p: Page::for_session(&s, "accr.list_title", "/accreditations"),
        rows,
        controls,
        pager,
    };
    Ok(render_status(StatusCode::OK, &page))
}

// ---------------------------------------------------------------------------------------------------------
// The accreditation page

pub struct HistoryRow {
    on: String,
    what: String,
    detail: String,
}

pub struct ReportRow {
    id: String,
    year: i64,
    due_on: String,
    submitted_on: String,
    late: bool,
    content: Vec<(String, String)>,
}

pub struct QuestionRow {
    id: String,
    about: String,
    asked_on: String,
    question: String,
    answer_due_on: String,
    answered_on: String,
    answer: String,
}

pub struct SelfReportRow {
    id: String,
    kind: String,
    event_on: String,
    due_on: String,
    submitted_on: String,
    late: bool,
    content: Vec<(String, String)>,
}

pub struct ItemRow {
    id: String,
    kind: String,
    requested_on: String,
    due_on: String,
    description: String,
    met_on: String,
}

pub struct ReviewRow {
    id: String,
    trigger: String,
    opened_on: String,
    reason: String,
    status: String,
    open: bool,
    requested: bool,
    poll: bool,
    site_visit_on: String,
    request: String,
    outcome: String,
    items: Vec<ItemRow>,
    answers: Vec<(String, String, String)>,
}

pub struct CertificateRow {
    /// The certificate as PDF, for those who may read the accreditation's letters; empty otherwise.
    pdf: String,
    serial: String,
    issued_on: String,
    services: String,
    reissue: bool,
    returned_on: String,
}

#[derive(Template)]
#[template(path = "accreditation.html")]
struct RecordPage {
    p: Page,
    number: String,
    organization: String,
    services: String,
    accredited_on: String,
    expires_on: String,
    status: String,
    active: bool,
    suspended: bool,
    over: bool,
    today: String,
    notice: String,
    message: String,
    errors: Errors,
    history: Vec<HistoryRow>,
    reports: Vec<ReportRow>,
    questions: Vec<QuestionRow>,
    self_reports: Vec<SelfReportRow>,
    reviews: Vec<ReviewRow>,
    certificates: Vec<CertificateRow>,
    may_report: bool,
    may_manage: bool,
    may_poll: bool,
    may_revoke: bool,
    report_fields: Vec<(String, String)>,
    self_report_kinds: Vec<(String, String, String)>,
    self_report_fields: Vec<(String, String, String)>,
    lapse_reasons: Vec<(String, String)>,
    grounds: Vec<(String, String)>,
    triggers: Vec<(String, String)>,
    outcomes: Vec<(String, String)>,
    members: Vec<(String, String)>,
    submitted_reports: Vec<(String, String)>,
    /// The organization's own users and the office: the renewal, scope and appeal forms (ACC-19, ACC-20, ACC-21).
    may_file: bool,
    revoked: bool,
    /// ACC-1(1): in force without any of a, c, d — shown to the office as a revocation ground (ACC-18).
    eligibility_lost: bool,
    renewable: bool,
    appeal_action: String,
    /// Every service: (code, label, accredited now).
    service_choices: Vec<(String, String, bool)>,
    /// The accredited services: (code, label).
    current_services: Vec<(String, String)>,
    /// 認定取消通知書 (ACC-18) as PDF when revoked, for those who may read it; empty otherwise.
    revocation_notice: String,
}

fn content_rows(content: &Value, fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields
        .iter()
        .filter_map(|(k, label)| {
            content
                .get(*k)
                .and_then(Value::as_str)
                .map(|v| ((*label).to_owned(), v.to_owned()))
        })
        .collect()
}

async fn record_page(
    state: &AppState,
    s: &AnySession,
    record: &Record,
    notice: String,
    message: String,
    errors: Errors,
) -> Result<RecordPage, AppError> {
    let today = state.clock.today();
    let actor = s.caller.actor();
    let may = |a: RecordAction| authz::record(&actor, a, &record.organization_id).is_allowed();
    let view = record::view(state, &s.caller, record).await?;
    let shown = view.summary.status.clone();
    let history = view
        .history
        .into_iter()
        .map(|e| {
            let detail = history_detail(&e.detail);
            HistoryRow {
                on: e.occurred_on.to_string(),
                what: event_ja(&e.kind).to_owned(),
                detail,
            }
        })
        .collect();
    let annual: Vec<_> = view
        .annual_reports
        .into_iter()
        .map(|r| (r.report, r.late))
        .collect();
    let mut submitted_reports = Vec::new();
    let reports = annual
        .iter()
        .map(|(r, late)| {
            if r.submitted_on.is_some() {
                submitted_reports.push((
                    format!("annual_report:{}", r.id),
                    format!("認定維持報告書 第{}年", r.year),
                ));
            }
            ReportRow {
                id: r.id.clone(),
                year: r.year,
                due_on: r.due_on.to_string(),
                submitted_on: r.submitted_on.map(|d| d.to_string()).unwrap_or_default(),
                late: *late,
                content: content_rows(&r.content, ANNUAL_REPORT_FIELDS),
            }
        })
        .collect();
    let self_reports = view
        .self_reports
        .iter()
        .map(|r| {
            let kind = SelfReportEvent::parse(&r.kind);
            submitted_reports.push((
                format!("self_report:{}", r.id),
                format!(
                    "自己申告 {}（{}）",
                    kind.map_or("", |k| k.label_ja()),
                    r.submitted_on
                ),
            ));
            SelfReportRow {
                id: r.id.clone(),
                kind: kind.map_or_else(|| r.kind.clone(), |k| k.label_ja().to_owned()),
                event_on: r.event_on.to_string(),
                due_on: r.due_on.to_string(),
                submitted_on: r.submitted_on.to_string(),
                late: r.late,
                content: kind
                    .map(|k| content_rows(&r.content, k.content_fields()))
                    .unwrap_or_default(),
            }
        })
        .collect();
    let questions = view
        .questions
        .into_iter()
        .map(|q| QuestionRow {
            about: if q.subject == "acc_annual_report" {
                annual
                    .iter()
                    .map(|(r, _)| r)
                    .find(|r| r.id == q.subject_id)
                    .map(|r| format!("認定維持報告書 第{}年", r.year))
                    .unwrap_or_default()
            } else {
                "自己申告".into()
            },
            id: q.id,
            asked_on: q.asked_on.to_string(),
            question: q.question,
            answer_due_on: q.answer_due_on.map(|d| d.to_string()).unwrap_or_default(),
            answered_on: q.answered_on.map(|d| d.to_string()).unwrap_or_default(),
            answer: q.answer.unwrap_or_default(),
        })
        .collect();
    let mut reviews = Vec::new();
    for review in view.reviews {
        let r = review.review;
        let status = ReviewStatus::parse(&r.status);
        let items = review
            .items
            .into_iter()
            .map(|i| ItemRow {
                kind: if i.kind == "documents" {
                    "資料の請求".into()
                } else {
                    "軽微な不適合事項（是正期間）".into()
                },
                id: i.id,
                requested_on: i.requested_on.to_string(),
                due_on: i.due_on.to_string(),
                description: i.description,
                met_on: i.met_on.map(|d| d.to_string()).unwrap_or_default(),
            })
            .collect();
        let answers = review
            .answers
            .into_iter()
            .map(|a| {
                (
                    a.member_name,
                    if a.answer == "revoke" {
                        "取消しに賛成".into()
                    } else {
                        "取消しに反対".into()
                    },
                    a.answered_on.to_string(),
                )
            })
            .collect();
        reviews.push(ReviewRow {
            trigger: ReviewTrigger::parse(&r.trigger)
                .map_or_else(|| r.trigger.clone(), |t| t.label_ja().to_owned()),
            opened_on: r.opened_on.to_string(),
            reason: r.reason,
            status: status.map_or_else(|| r.status.clone(), |s| s.label_ja().to_owned()),
            open: status == Some(ReviewStatus::Open),
            requested: status == Some(ReviewStatus::RevocationRequested),
            poll: r.method.as_deref() == Some("poll"),
            site_visit_on: r.site_visit_on.map(|d| d.to_string()).unwrap_or_default(),
            request: match (r.requested_on, &r.method) {
                (Some(d), Some(m)) => format!(
                    "{d} {}：{}",
                    if m == "poll" {
                        "本部長による各委員への賛否の確認"
                    } else {
                        "委員会の会議"
                    },
                    r.request_reason.unwrap_or_default()
                ),
                _ => String::new(),
            },
            outcome: r
                .outcome
                .as_deref()
                .and_then(ReviewOutcome::parse)
                .map(|o| {
                    format!(
                        "{}（{}）",
                        o.label_ja(),
                        r.closed_on.map(|d| d.to_string()).unwrap_or_default()
                    )
                })
                .unwrap_or_default(),
            id: r.id,
            items,
            answers,
        });
    }
    let reads_documents =
        nintei_domain::authz::acc::case_documents(&actor, &record.organization_id).is_allowed();
    let certificates = view
        .certificates
        .into_iter()
        .map(|c| CertificateRow {
            pdf: if reads_documents {
                nintei_app::documents::accreditation_certificate_href(&record.number, &c.id)
            } else {
                String::new()
            },
            serial: c.serial,
            issued_on: c.issued_on.to_string(),
            services: service_names(&c.services),
            reissue: c.reissue,
            returned_on: c.returned_on.map(|d| d.to_string()).unwrap_or_default(),
        })
        .collect();
    let may_poll = may(RecordAction::RecordAnswers);
    let members = record::poll_members(state, &s.caller, record).await?;
    let stored = AccreditationStatus::parse(&record.status);
    let revoked = stored == Some(AccreditationStatus::Revoked);
    let may_file = nintei_domain::authz::appeal::file(&actor, &record.organization_id).is_allowed();
    let current: Vec<ServiceCode> = record
        .services
        .iter()
        .filter_map(|c| ServiceCode::parse(c))
        .collect();
    Ok(RecordPage {
        p: Page::for_session(
            s,
            "accr.record_title",
            &format!("/accreditations/{}", record.number),
        ),
        number: record.number.clone(),
        organization: match &record.unit_name {
            Some(u) => format!("{}（{u}）", record.organization_name),
            None => record.organization_name.clone(),
        },
        services: service_names(&record.services),
        accredited_on: record.accredited_on.to_string(),
        expires_on: record.expires_on.to_string(),
        status: status_ja(&shown),
        active: shown == "active",
        suspended: shown == "suspended",
        over: stored.is_none_or(AccreditationStatus::is_final),
        today: today.to_string(),
        notice,
        message,
        errors,
        history,
        reports,
        questions,
        self_reports,
        reviews,
        certificates,
        may_report: may(RecordAction::SelfReport),
        may_manage: may(RecordAction::Review),
        may_poll,
        may_revoke: may(RecordAction::Revoke),
        report_fields: ANNUAL_REPORT_FIELDS
            .iter()
            .map(|(k, l)| ((*k).to_owned(), (*l).to_owned()))
            .collect(),
        self_report_kinds: SelfReportEvent::ALL
            .iter()
            .map(|k| {
                (
                    k.as_str().to_owned(),
                    k.label_ja().to_owned(),
                    k.event_on_label_ja().to_owned(),
                )
            })
            .collect(),
        self_report_fields: SelfReportEvent::ALL
            .iter()
            .flat_map(|k| {
                k.content_fields()
                    .iter()
                    .map(move |(f, l)| (k.as_str().to_owned(), (*f).to_owned(), (*l).to_owned()))
            })
            .collect(),
        lapse_reasons: LapseReason::ALL
            .iter()
            .filter(|r| r.recorded_by_office())
            .map(|r| (r.as_str().to_owned(), r.label_ja().to_owned()))
            .collect(),
        grounds: RevocationGround::ALL
            .iter()
            .map(|g| (g.as_str().to_owned(), g.label_ja().to_owned()))
            .collect(),
        triggers: ReviewTrigger::ALL
            .iter()
            .map(|t| (t.as_str().to_owned(), t.label_ja().to_owned()))
            .collect(),
        outcomes: [
            ReviewOutcome::Conforming,
            ReviewOutcome::Corrected,
            ReviewOutcome::NotRevoked,
        ]
        .iter()
        .map(|o| (o.as_str().to_owned(), o.label_ja().to_owned()))
        .collect(),
        members,
        submitted_reports,
        may_file,
        revoked,
        eligibility_lost: may(RecordAction::Review)
            && !stored.is_none_or(AccreditationStatus::is_final)
            && !nintei_domain::acc::renewal::remaining_services_keep_eligibility(&current),
        renewable: matches!(
            stored,
            Some(AccreditationStatus::Active | AccreditationStatus::Suspended)
        ),
        appeal_action: format!("/accreditations/{}/appeal", record.number),
        service_choices: ServiceCode::ALL
            .iter()
            .map(|c| {
                (
                    c.as_str().to_owned(),
                    format!("{} {}", c.as_str(), c.name_ja()),
                    current.contains(c),
                )
            })
            .collect(),
        current_services: current
            .iter()
            .map(|c| (c.as_str().to_owned(), format!("{} {}", c.as_str(), c.name_ja())))
            .collect(),
        revocation_notice: if revoked && reads_documents {
            nintei_app::documents::revocation_notice_href(&record.number)
        } else {
            String::new()
        },
    })
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    done: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(number): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, PageError> {
    let err = in_lang(s.lang);
    let record = record::load(&state, &s.caller, &number, RecordAction::View)
        .await
        .map_err(&err)?;
    let notice = if q.done.is_some() {
        "accr.saved".to_owned()
    } else {
        String::new()
    };
    let page = record_page(&state, &s, &record, notice, String::new(), Errors::default())
        .await
        .map_err(&err)?;
    Ok(render_status(StatusCode::OK, &page))
}

/// A form's fields as the steps read them; a self-report's fields are named `<kind>.<field>` on the page
/// (one form, six event types) and are taken for the kind chosen.
fn fields_of(action: &str, f: &StepForm) -> HashMap<String, String> {
    let mut input = HashMap::new();
    let kind = f.fields.get("kind").cloned().unwrap_or_default();
    for (k, v) in &f.fields {
        if action == "self-report" {
            if let Some(field) = k.strip_prefix(&format!("{kind}.")) {
                input.insert(field.to_owned(), v.clone());
            }
            if k.contains('.') {
                continue;
            }
        }
        input.insert(k.clone(), v.clone());
    }
    if action == "review"
        && let Some((_, id)) = f.fields.get("trigger_ref").and_then(|r| r.split_once(':'))
    {
        input.insert("trigger_ref".into(), id.to_owned());
    }
    if action == "question"
        && let Some((subject, id)) = f.fields.get("report").and_then(|r| r.split_once(':'))
    {
        input.insert("subject".into(), subject.to_owned());
        input.insert("subject_id".into(), id.to_owned());
    }
    input
}

/// The services ticked on a form (`service.<code>` with `started_on.<code>`), as the application's list.
fn services_of(f: &StepForm) -> Vec<ServiceInput> {
    ServiceCode::ALL
        .iter()
        .filter(|c| {
            f.fields
                .get(&format!("service.{}", c.as_str()))
                .is_some_and(|v| !v.is_empty())
        })
        .map(|c| ServiceInput {
            code: c.as_str().to_owned(),
            started_on: f.get(&format!("started_on.{}", c.as_str())),
        })
        .collect()
}

/// A yen amount typed on a form (commas allowed); an unreadable one is a field error, an empty one `None`.
fn yen_of(f: &StepForm, name: &str) -> Result<Option<i64>, AppError> {
    let v = f.get(name).trim().replace([',', '，', '¥', '円'], "");
    if v.is_empty() {
        return Ok(None);
    }
    v.parse::<i64>().map(Some).map_err(|_| {
        AppError::Validation(vec![FieldError::new(
            name,
            "金額は半角数字で入力してください (a whole number of yen)",
        )])
    })
}

/// The steps of part 2 (ACC-19, ACC-20, ACC-21), which lead to another page: the new case or the appeal.
async fn run_part2(
    state: &AppState,
    s: &AnySession,
    number: &str,
    action: &str,
    f: &StepForm,
) -> Result<Option<String>, AppError> {
    let c = &s.caller;
    match action {
        "appeal" => {
            let input = crate::ui::acc::appeal::filing_input(&f.fields);
            let id = appeal::file_against_revocation(state, c, number, &input).await?;
            Ok(Some(format!("/accreditation/appeals/{id}?done=filed")))
        }
        "renewal" => {
            let input = ApplicationInput {
                services: services_of(f),
                other_services: Some(
                    f.get("other_services")
                        .lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(str::to_owned)
                        .collect(),
                ),
                annual_revenue_yen: yen_of(f, "annual_revenue_yen")?,
                applied_on: f.get("applied_on"),
                ..ApplicationInput::default()
            };
            let id = renewal::apply_renewal(state, c, number, &input).await?;
            Ok(Some(format!("/accreditation/cases/{id}?done=apply")))
        }
        "services" => {
            let input = renewal::ScopeAdditionInput {
                services: services_of(f),
                applied_on: f.get("applied_on"),
                annual_revenue_yen: yen_of(f, "annual_revenue_yen")?,
            };
            let id = renewal::apply_scope_addition(state, c, number, &input).await?;
            Ok(Some(format!("/accreditation/cases/{id}?done=apply")))
        }
        "service-end" => {
            renewal::end_service(state, c, number, &f.read()?).await?;
            Ok(None)
        }
        _ => run_action(state, s, number, action, f).await.map(|()| None),
    }
}

async fn run_action(
    state: &AppState,
    s: &AnySession,
    number: &str,
    action: &str,
    f: &StepForm,
) -> Result<(), AppError> {
    let c = &s.caller;
    let fields = fields_of(action, f);
    let review = f.get("review_id");
    match action {
        "annual-report" => record::submit_annual_report(state, c, number, &read(&fields)?)
            .await
            .map(drop),
        "question" => record::ask_question(state, c, number, &read(&fields)?)
            .await
            .map(drop),
        "answer" => record::answer_question(state, c, number, &f.get("question_id"), &read(&fields)?).await,
        "suspend" => record::suspend(state, c, number, &read(&fields)?).await,
        "lift" => record::lift_suspension(state, c, number, &read(&fields)?).await,
        "self-report" => record::self_report(state, c, number, &read(&fields)?)
            .await
            .map(drop),
        "lapse" => record::lapse(state, c, number, &read(&fields)?).await,
        "revoke" => record::revoke(state, c, number, &read(&fields)?).await,
        "review" => record::open_review(state, c, number, &read(&fields)?)
            .await
            .map(drop),
        "review-request" => record::add_review_item(state, c, number, &review, &read(&fields)?)
            .await
            .map(drop),
        "review-fulfil" => {
            record::fulfil_review_item(state, c, number, &review, &f.get("item_id"), &read(&fields)?).await
        }
        "review-visit" => record::review_site_visit(state, c, number, &review, &read(&fields)?).await,
        "review-revocation" => record::request_revocation(state, c, number, &review, &read(&fields)?).await,
        "review-answer" => record::record_answer(state, c, number, &review, &read(&fields)?)
            .await
            .map(drop),
        "review-close" => record::close_review(state, c, number, &review, &read(&fields)?).await,
        "certificate" => record::issue_certificate(state, c, number, &read(&fields)?)
            .await
            .map(drop),
        "certificate-reissue-invoice" => {
            record::request_certificate_reissue(state, c, number, &read(&fields)?)
                .await
                .map(drop)
        }
        _ => {
            // An unknown action on a record the caller may see is a 404 like an unknown page.
            record::load(state, c, number, RecordAction::View).await?;
            Err(AppError::NotFound)
        }
    }
}

pub async fn step(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path((number, action)): Path<(String, String)>,
    UiForm(mut f): UiForm<StepForm>,
) -> Result<Response, PageError> {
    check_csrf(&s.session, &f.csrf)?;
    let err = in_lang(s.lang);
    if let Some(spec) = confirm::record_action(&action) {
        if !confirm::confirmed(&f.fields) {
            let may = match action.as_str() {
                "suspend" => RecordAction::Suspend,
                "lapse" => RecordAction::Lapse,
                _ => RecordAction::Revoke,
            };
            let record = record::load(&state, &s.caller, &number, may)
                .await
                .map_err(&err)?;
            let back = format!("/accreditations/{}", record.number);
            let p = Page::for_session(&s, &spec.title_key(), &back);
            let subject = format!("{}（{}）", record.number, record.organization_name);
            return Ok(confirm::page(
                p,
                spec,
                &subject,
                &format!("{back}/{action}"),
                &f.fields,
                &back,
            ));
        }
        f.fields.remove(confirm::CONFIRMED);
    }
    let outcome = run_part2(&state, &s, &number, &action, &f).await;
    let r = match outcome {
        Ok(Some(to)) => return Ok(Redirect::to(&to).into_response()),
        Ok(None) => {
            return Ok(Redirect::to(&format!("/accreditations/{number}?done={action}")).into_response());
        }
        Err(e) => form::refused(e, s.lang)?,
    };
    let record = record::load(&state, &s.caller, &number, RecordAction::View)
        .await
        .map_err(&err)?;
    let page = record_page(&state, &s, &record, String::new(), r.message, r.errors)
        .await
        .map_err(&err)?;
    Ok(render_status(r.status, &page))
}

// ---------------------------------------------------------------------------------------------------------
// ACC-13 the logo

#[derive(Template)]
#[template(path = "accreditation_logo.html")]
struct LogoPage {
    p: Page,
    own: Vec<String>,
}

/// `GET /accreditation/logo`: the terms of use of the logo (seed 003 第6章7), with download links for the
/// signed-in organization's active accreditations.
pub async fn logo_terms(State(state): State<AppState>, WebUser(s): WebUser) -> Result<Response, PageError> {
    let err = in_lang(s.lang);
    let today = state.clock.today();
    let own = if s.caller.user.role == Role::Organization {
        record::list(&state, &s.caller)
            .await
            .map_err(&err)?
            .into_iter()
            .filter(|r| record::shown_status(r, today) == "active")
            .map(|r| r.number)
            .collect()
    } else {
        Vec::new()
    };
    let page = LogoPage {
        p: Page::for_session(&s, "accr.logo_title", "/accreditation/logo"),
        own,
    };
    Ok(render_status(StatusCode::OK, &page))
}

/// `GET /accreditations/{number}/logo.svg`: the logo file, for the organization of an active accreditation
/// (and the office, which sends it); a suspended, lapsed or revoked accreditation may not use it (409).
pub async fn logo_file(
    State(state): State<AppState>,
    WebUser(s): WebUser,
    Path(number): Path<String>,
) -> Result<Response, PageError> {
    let err = in_lang(s.lang);
    let record = record::load(&state, &s.caller, &number, RecordAction::DownloadLogo)
        .await
        .map_err(&err)?;
    if record::shown_status(&record, state.clock.today()) != "active" {
        return Err(err(AppError::Conflict(
            "有効な認定の機関だけが認定ロゴマークを使用できます (only an active accreditation, ACC-13)"
                .into(),
        )));
    }
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"mh-accreditation-logo.svg\"",
            ),
        ],
        record::logo_svg(&record.number),
    )
        .into_response())
}

/// The words of a history row: the recorded Japanese texts and the labels of coded values, never the codes
/// themselves (a Japanese page shows no English).
fn history_detail(detail: &Value) -> String {
    let text = |k: &str| detail.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
    let mut parts: Vec<String> = Vec::new();
    match (text("reason_ja"), text("reason")) {
        (Some(ja), _) => parts.push(ja.to_owned()),
        (None, Some(code)) => {
            if let Some(r) = nintei_domain::acc::record::LapseReason::parse(code) {
                parts.push(r.label_ja().to_owned());
            } else if !code.is_ascii() {
                parts.push(code.to_owned());
            }
        }
        (None, None) => {}
    }
    parts.extend(text("ground_ja").map(str::to_owned));
    parts.extend(text("serial").map(str::to_owned));
    match text("kind") {
        Some("documents") => parts.push("書類の提出".to_owned()),
        Some("finding") => parts.push("指摘事項".to_owned()),
        _ => {}
    }
    parts.extend(
        text("outcome")
            .and_then(nintei_domain::acc::record::ReviewOutcome::parse)
            .map(|o| o.label_ja().to_owned()),
    );
    parts.extend(text("answer").map(str::to_owned));
    parts.join(" / ")
}
