//! Registration of counseling institutions (REG): the operations shared by the API (`api/registration.rs`) and
//! the screens (`ui/registration.rs`): validation with field names, authorization, one audited transaction per
//! state change, conditional updates so that of two concurrent transitions exactly one wins (the other gets 409).

pub mod notices;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use nintei_domain::authz::reg::{
    self as authz, CaseAction, DeregistrationAction, DeregistrationContext, RegGlobalAction,
    RegistrationAction,
};
use nintei_domain::org::{Email, Prefecture};
use nintei_domain::reg::application::{
    Counselor, Disclosure, Documents, Eligibility, Method, OhQualification, Psychiatrist, Qualification,
};
use nintei_domain::reg::changes::{ChangeSet, Registered, SiteChange};
use nintei_domain::reg::committee;
use nintei_domain::reg::criteria::criteria;
use nintei_domain::reg::dates::{self, RegistrationNumber};
use nintei_domain::reg::findings::{all_findings, findings};
use nintei_domain::reg::publication::PublicDisclosure;
use nintei_domain::reg::status::{CommitteeOutcome, ReviewDecision, Status};
use nintei_domain::reg::validity;
use nintei_store::reg_cases::{self, RegCase};
use nintei_store::reg_changes::{self, ChangeNotice};
use nintei_store::reg_investigations::{self as inv, Investigation, Step};
use nintei_store::registrations::{self, Registration};
use nintei_store::{
    AuditEvent, StoreError, Tx, audit, conflicts, organizations, reg_reports, reg_trainings, sha256_hex,
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::caller::Caller;
use crate::error::{AppError, AppResult, FieldError};
use crate::state::AppState;

/// Longest free text (reasons, summaries, report messages, disclosure items).
pub const LONG_TEXT: usize = crate::input::TEXT_MAX;
/// Longest name or short text.
pub const SHORT_TEXT: usize = crate::input::SHORT_TEXT_MAX;

// ---------------------------------------------------------------------------------------------------------------
// Field checks

/// Collects field errors while a request is parsed.
#[derive(Default)]
pub struct Check {
    pub errors: Vec<FieldError>,
}

impl Check {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    pub fn finish(self) -> AppResult<()> {
        crate::input::invalid(self.errors)
    }

    /// A `YYYY-MM-DD` date that is not after `today` (dates of things that happened, API.md conventions).
    pub fn past_date(&mut self, field: &str, value: &str, today: NaiveDate) -> Option<NaiveDate> {
        crate::input::past_day(&mut self.errors, field, value, today)
    }

    /// A `YYYY-MM-DD` date.
    pub fn date(&mut self, field: &str, value: &str) -> Option<NaiveDate> {
        crate::input::parse_day(&mut self.errors, field, value)
    }

    /// `later` must not be before `earlier` (dates in order with the case's earlier dates).
    pub fn not_before(&mut self, field: &str, later: Option<NaiveDate>, earlier: NaiveDate, what: &str) {
        if let Some(l) = later {
            crate::input::not_before(&mut self.errors, field, l, Some((earlier, what)));
        }
    }

    /// Required text: trimmed, not empty, at most `max` characters, no control characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        crate::input::required_text(&mut self.errors, field, value, max)
    }

    /// Text that may be empty (an empty disclosure item is a finding, not an input error).
    pub fn optional_text(&mut self, field: &str, value: &str, max: usize) -> String {
        crate::input::optional_text(&mut self.errors, field, Some(value), max).unwrap_or_default()
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Applications (REG-1 … REG-3)

/// A counselor as sent (API.md `counselors[]`); enums as strings so that a wrong one is a named field error.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CounselorInput {
    pub name: String,
    pub qualification: String,
    pub full_time: bool,
    pub years_of_practice: i64,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PsychiatristInput {
    pub name: String,
    pub clinical_years: i64,
    pub oh_qualification: String,
    pub institution_name: String,
    pub institution_address: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DisclosureInput {
    pub fee_structure: String,
    pub hours: String,
    pub methods: Vec<String>,
    pub other_services: String,
    pub track_record: String,
}

/// The body of `POST /api/v1/registration/cases` (API.md), plus the REG-1 eligibility answers, the enclosed
/// documents and `renewal_of` (REG-4), which API.md leaves open.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ApplicationInput {
    pub organization_id: String,
    pub site_id: String,
    pub applied_on: String,
    /// The registration number this application renews.
    pub renewal_of: Option<String>,
    pub criteria: BTreeMap<String, bool>,
    pub counselors: Vec<CounselorInput>,
    pub psychiatrists: Vec<PsychiatristInput>,
    pub disclosure: DisclosureInput,
    pub eligibility: Option<Eligibility>,
    pub documents: Option<Documents>,
}

const MAX_PEOPLE: usize = 200;
const MAX_YEARS: i64 = 80;

fn years(check: &mut Check, field: &str, v: i64) -> u32 {
    if !(0..=MAX_YEARS).contains(&v) {
        check.add(
            field,
            format!("0〜{MAX_YEARS}の整数で入力してください (0 to {MAX_YEARS})"),
        );
        return 0;
    }
    u32::try_from(v).unwrap_or(0)
}

/// Parses the people and disclosure of an application or a change notice; errors name `prefix` fields.
pub fn parse_counselors(check: &mut Check, input: &[CounselorInput]) -> Vec<Counselor> {
    if input.len() > MAX_PEOPLE {
        check.add(
            "counselors",
            format!("{MAX_PEOPLE}人までです (at most {MAX_PEOPLE})"),
        );
    }
    input
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let qualification = Qualification::parse(c.qualification.trim()).unwrap_or_else(|| {
                check.add(
                    format!("counselors[{i}].qualification"),
                    "資格は certified_public_psychologist, clinical_psychologist, industrial_counselor, \
                     thp_psychological_counselor, psychiatric_social_worker, other のいずれかです",
                );
                Qualification::Other
            });
            Counselor {
                name: check.optional_text(&format!("counselors[{i}].name"), &c.name, 100),
                qualification,
                full_time: c.full_time,
                years_of_practice: years(
                    check,
                    &format!("counselors[{i}].years_of_practice"),
                    c.years_of_practice,
                ),
            }
        })
        .collect()
}

pub fn parse_psychiatrists(check: &mut Check, input: &[PsychiatristInput]) -> Vec<Psychiatrist> {
    if input.len() > MAX_PEOPLE {
        check.add(
            "psychiatrists",
            format!("{MAX_PEOPLE}人までです (at most {MAX_PEOPLE})"),
        );
    }
    input
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let oh = OhQualification::parse(p.oh_qualification.trim()).unwrap_or_else(|| {
                check.add(
                    format!("psychiatrists[{i}].oh_qualification"),
                    "産業保健の要件は ishl_13_2, training_zaidan, training_jsomh, training_equivalent, none の\
                     いずれかです",
                );
                OhQualification::None
            });
            Psychiatrist {
                name: check.optional_text(&format!("psychiatrists[{i}].name"), &p.name, 100),
                clinical_years: years(check, &format!("psychiatrists[{i}].clinical_years"), p.clinical_years),
                oh_qualification: oh,
                institution_name: check.optional_text(
                    &format!("psychiatrists[{i}].institution_name"),
                    &p.institution_name,
                    SHORT_TEXT,
                ),
                institution_address: check.optional_text(
                    &format!("psychiatrists[{i}].institution_address"),
                    &p.institution_address,
                    300,
                ),
            }
        })
        .collect()
}

pub fn parse_disclosure(check: &mut Check, d: &DisclosureInput) -> Disclosure {
    let mut methods = Vec::new();
    for (i, m) in d.methods.iter().enumerate() {
        match Method::parse(m.trim()) {
            Some(m) if !methods.contains(&m) => methods.push(m),
            Some(_) => {}
            None => check.add(
                format!("disclosure.methods[{i}]"),
                "方法は face_to_face, phone, email, online のいずれかです",
            ),
        }
    }
    methods.sort();
    Disclosure {
        fee_structure: check.optional_text("disclosure.fee_structure", &d.fee_structure, LONG_TEXT),
        hours: check.optional_text("disclosure.hours", &d.hours, LONG_TEXT),
        methods,
        other_services: check.optional_text("disclosure.other_services", &d.other_services, LONG_TEXT),
        track_record: check.optional_text("disclosure.track_record", &d.track_record, LONG_TEXT),
    }
}

/// Maps the domain's malformed-application errors (unknown criteria code, nameless person) to field errors.
fn invalid_to_fields(check: &mut Check, e: &nintei_domain::reg::application::InvalidApplication) {
    for err in &e.errors {
        check.add(err.field(), err.to_string());
    }
}

/// Moves a registration from the status it was read in to `to` (conditional on its version, so a concurrent change
/// wins and this returns false) and keeps the public directory in step in the same transaction (REG-5, REG-8).
async fn move_registration(
    tx: &mut Tx,
    reg: &Registration,
    to: Status,
    ended: Option<(NaiveDate, &str)>,
    now: i64,
) -> AppResult<bool> {
    if !registrations::set_status(tx, &reg.id, reg.version, reg.status, to, ended, now).await? {
        return Ok(false);
    }
    crate::directory::reindex_registration(tx, &reg.number).await?;
    // a registration that ended owes no renewal (REG-4 deadline waived with the reason).
    if !to.is_in_force() {
        let reason = ended.map_or_else(|| to.label_ja().to_owned(), |(_, why)| why.to_owned());
        crate::reg::notices::registration_ended(tx, &reg.number, &reason, now).await?;
        // REG-6: notices still waiting end with the registration (nothing is left to change).
        let on = ended.map(|(d, _)| d).or_else(|| {
            chrono::DateTime::from_timestamp(now, 0)
                .map(|t| t.with_timezone(&crate::clock::jst()).date_naive())
        });
        if let Some(on) = on {
            let why = format!("登録の終了（{}）", to.label_ja());
            for id in reg_changes::close_pending(tx, &reg.id, on, &why, now).await? {
                let event = AuditEvent {
                    at: chrono::DateTime::from_timestamp(now, 0).unwrap_or_default(),
                    actor_id: None,
                    actor_role: Some("system".into()),
                    action: "reg_change.close".into(),
                    entity: "reg_change".into(),
                    entity_id: id,
                    changes: audit::diff(&[
                        ("status", Value::Null, json!("closed")),
                        ("closed_on", Value::Null, json!(on)),
                        ("registration_number", Value::Null, json!(reg.number)),
                    ]),
                    request_id: format!("registration:{}", reg.number),
                };
                audit::append(tx, &event).await?;
            }
        }
    }
    Ok(true)
}

fn conflict(msg: impl Into<String>) -> AppError {
    AppError::Conflict(msg.into())
}

async fn commit(tx: Tx) -> AppResult<()> {
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}

/// What `apply` answers: the new case's id and its findings.
pub struct Applied {
    pub id: String,
    pub findings: Vec<String>,
}

/// Files an application (REG-1 … REG-3), first or renewal (REG-4).
pub async fn apply(state: &AppState, caller: &Caller, input: &ApplicationInput) -> AppResult<Applied> {
    let actor = caller.actor();
    let today = state.clock.today();
    let renewal = match input
        .renewal_of
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(raw) => {
            let number =
                RegistrationNumber::parse(raw).map_err(|e| AppError::field("renewal_of", e.to_string()))?;
            let reg = registrations::by_number(state.db.pool(), &number.to_string())
                .await?
                .filter(|r| authz::may_see(&actor, &r.organization_id))
                .ok_or_else(|| {
                    AppError::field("renewal_of", "該当する登録がありません (no such registration)")
                })?;
            Some(reg)
        }
    };
    // A renewal may leave out the organization and room: they are the registration's.
    let organization_id = match (&renewal, input.organization_id.trim()) {
        (Some(r), "") => r.organization_id.clone(),
        (_, id) => id.to_owned(),
    };
    let site_id = match (&renewal, input.site_id.trim()) {
        (Some(r), "") => r.site_id.clone(),
        (_, id) => id.to_owned(),
    };
    if organization_id.is_empty() {
        return Err(AppError::field(
            "organization_id",
            "組織を指定してください (required)",
        ));
    }
    AppError::check(authz::case(&actor, CaseAction::Apply, &organization_id))?;
    if organizations::by_id(state.db.pool(), &organization_id)
        .await?
        .is_none()
    {
        // Only the office gets here for an unknown id (an organization user only passes for their own).
        return Err(AppError::field(
            "organization_id",
            "該当する組織がありません (no such organization)",
        ));
    }
    let sites = organizations::sites(state.db.pool(), &organization_id).await?;
    let mut check = Check::default();
    if site_id.is_empty() {
        check.add("site_id", "相談室を指定してください (required)");
    } else if !sites.iter().any(|s| s.id == site_id) {
        check.add(
            "site_id",
            "この組織の相談室ではありません (not a counseling room of this organization)",
        );
    }
    if let Some(r) = &renewal
        && (r.organization_id != organization_id || r.site_id != site_id)
    {
        check.add(
            "renewal_of",
            "更新する登録の組織・相談室と一致しません (the registration is of another room)",
        );
    }
    let applied_on = check.past_date("applied_on", &input.applied_on, today);
    // REG-4: an institution files online on the day it files; only the office, entering a paper application,
    // dates it in the past (audited below as `entered_on`).
    let filer = if actor.role == nintei_domain::role::Role::Organization {
        validity::Filer::Institution
    } else {
        validity::Filer::Office
    };
    if let Some(d) = applied_on
        && let Err(e) = validity::check_filing_date(filer, d, today)
    {
        check.add("applied_on", e.to_string());
    }
    let counselors = parse_counselors(&mut check, &input.counselors);
    let psychiatrists = parse_psychiatrists(&mut check, &input.psychiatrists);
    let disclosure = parse_disclosure(&mut check, &input.disclosure);
    let found = all_findings(
        &input.criteria,
        &counselors,
        &psychiatrists,
        &disclosure,
        input.eligibility.as_ref(),
        input.documents.as_ref(),
    );
    let mut found = match found {
        Ok(f) => f,
        Err(e) => {
            invalid_to_fields(&mut check, &e);
            Vec::new()
        }
    };
    check.finish()?;
    let Some(applied_on) = applied_on else {
        return Err(AppError::field("applied_on", "日付を入力してください"));
    };
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    // State checks inside the writing transaction (SQLite holds the write lock; PostgreSQL re-checks below).
    match &renewal {
        Some(r) => {
            let r = registrations::by_id(&mut *tx, &r.id)
                .await?
                .ok_or(AppError::NotFound)?;
            if !r.status.is_in_force() {
                return Err(conflict(format!(
                    "登録{}は「{}」のため更新できません。新規に申請してください",
                    r.number,
                    r.status.label_ja()
                )));
            }
            if r.next.is_some() {
                return Err(conflict(format!(
                    "登録{}は更新済みです（次の有効期間は{}から）",
                    r.number,
                    r.next
                        .as_ref()
                        .map(|n| n.registered_on.to_string())
                        .unwrap_or_default()
                )));
            }
            // REG-4: a renewal counts only when applied for within validity (judged by the dates, also before the daily
            // job marks the registration expired; an institution's `applied_on` is today).
            if !dates::may_apply_for_renewal(r.expires_on, applied_on) {
                return Err(conflict(format!(
                    "有効期間（{}まで）を過ぎた更新申請はできません。新規に申請してください",
                    r.expires_on
                )));
            }
            if reg_cases::pending_renewal(&mut *tx, &r.id).await?.is_some() {
                return Err(conflict("この登録の更新申請は審査中です"));
            }
        }
        None => {
            // REG-2: one room, one registration — another room registered at this address is a finding that
            // blocks registration (the office sees it; the review checks again).
            if let Some(site) = sites.iter().find(|s| s.id == site_id)
                && let Some(other) = same_address_registration(&mut tx, site, today).await?
            {
                found.push(same_address_finding(&other));
            }
            if let Some(r) = registrations::in_force_for_site(&mut *tx, &site_id).await? {
                return Err(conflict(format!(
                    "この相談室は登録済みです（{}）。有効期間内に更新を申請してください",
                    r.number
                )));
            }
            if reg_cases::pending_first_for_site(&mut *tx, &site_id)
                .await?
                .is_some()
            {
                return Err(conflict("この相談室の登録申請は審査中です"));
            }
        }
    }
    let case = RegCase {
        id: String::new(),
        organization_id: organization_id.clone(),
        site_id: site_id.clone(),
        renewal_of: renewal.as_ref().map(|r| r.id.clone()),
        applied_on,
        status: Status::Submitted,
        version: 1,
        eligibility: input.eligibility,
        criteria: input.criteria.clone(),
        counselors,
        psychiatrists,
        disclosure,
        documents: input.documents,
        findings: found.clone(),
        decision: None,
        decided_on: None,
        decision_reason: None,
        decided_by: None,
        registration_id: None,
        created_by: caller.user.id.clone(),
        created_at: now.timestamp(),
    };
    let id = reg_cases::insert(&mut tx, &case, now.timestamp()).await?;
    if let Some(r) = &renewal {
        crate::reg::notices::renewal_applied(&mut tx, &r.number, applied_on, now.timestamp()).await?;
    }
    let changes = audit::created(&[
        ("organization_id", json!(organization_id)),
        ("site_id", json!(site_id)),
        ("applied_on", json!(applied_on)),
        ("renewal_of", json!(renewal.as_ref().map(|r| r.number.clone()))),
        ("findings", json!(found.len())),
        // REG-4: the day the application was entered, which differs from `applied_on` for a back-dated paper one.
        ("entered_on", json!(today)),
        ("backdated", json!(applied_on < today)),
    ]);
    let action = if renewal.is_some() {
        "reg_case.renewal_submit"
    } else {
        "reg_case.submit"
    };
    audit::append(&mut tx, &caller.audit(now, action, "reg_case", &id, changes)).await?;
    commit(tx).await?;
    Ok(Applied { id, findings: found })
}

/// REG-2: another room's registration valid on `today` at the same place as `site` (addresses compared
/// normalized: NFKC, without the prefecture name, 丁目/番/号 and dashes alike), if any.
async fn same_address_registration(
    tx: &mut Tx,
    site: &nintei_store::organizations::Site,
    today: NaiveDate,
) -> AppResult<Option<registrations::Listed>> {
    let key = nintei_domain::reg::address::key(&site.address);
    let others = registrations::in_force_in_prefecture(&mut **tx, &site.prefecture, &site.id).await?;
    Ok(others.into_iter().find(|o| {
        o.registration.public_status_on(today) == validity::PublicStatus::Registered
            && nintei_domain::reg::address::key(&o.address) == key
    }))
}

fn same_address_finding(other: &registrations::Listed) -> String {
    format!(
        "REG-2: 同じ所在地に登録済みの相談室があります（{} {} {}）。登録は相談室ごとに一つです",
        other.registration.number, other.organization_name, other.site_name
    )
}

/// A case the caller may see, or 404.
pub async fn visible_case(state: &AppState, caller: &Caller, id: &str) -> AppResult<RegCase> {
    let case = reg_cases::by_id(state.db.pool(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    AppError::check(authz::case(
        &caller.actor(),
        CaseAction::View,
        &case.organization_id,
    ))?;
    Ok(case)
}

// ---------------------------------------------------------------------------------------------------------------
// Review (REG-5)

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReviewInput {
    pub decision: String,
    pub decided_on: String,
    pub reason: Option<String>,
}

/// What the review answers (API.md: `{status, registration?}`).
pub struct Reviewed {
    pub status: Status,
    pub registration: Option<Registration>,
}

/// The office's review (REG-5): register (needs no findings, 409 otherwise) or return with a reason. `if_match`
/// is the `If-Match` version, when sent.
pub async fn review(
    state: &AppState,
    caller: &Caller,
    case_id: &str,
    input: &ReviewInput,
    if_match: Option<i64>,
) -> AppResult<Reviewed> {
    let case = reg_cases::by_id(state.db.pool(), case_id)
        .await?
        .ok_or(AppError::NotFound)?;
    AppError::check(authz::case(
        &caller.actor(),
        CaseAction::Review,
        &case.organization_id,
    ))?;
    let today = state.clock.today();
    let mut check = Check::default();
    let decision = match input.decision.trim() {
        "register" => Some(ReviewDecision::Register),
        "return" => Some(ReviewDecision::Return),
        _ => {
            check.add(
                "decision",
                "register か return を指定してください (register or return)",
            );
            None
        }
    };
    let decided_on = check.past_date("decided_on", &input.decided_on, today);
    check.not_before("decided_on", decided_on, case.applied_on, "申請日");
    let reason = input
        .reason
        .as_deref()
        .map(|r| check.optional_text("reason", r, LONG_TEXT))
        .filter(|r| !r.is_empty());
    if decision == Some(ReviewDecision::Return) && reason.is_none() {
        check.add(
            "reason",
            "返戻の理由を入力してください (a reason is required to return)",
        );
    }
    check.finish()?;
    let (Some(decision), Some(decided_on)) = (decision, decided_on) else {
        return Err(AppError::BadRequest("invalid review".into()));
    };
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let case = reg_cases::by_id(&mut *tx, case_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(v) = if_match
        && v != case.version
    {
        return Err(conflict(format!(
            "版が一致しません（現在の版は{}） (stale If-Match)",
            case.version
        )));
    }
    let to = case
        .status
        .review(decision, case.findings.is_empty())
        .map_err(|e| conflict(e.to_string()))?;
    let decided = reg_cases::Decided {
        status: to,
        decision,
        decided_on,
        reason: reason.as_deref(),
        decided_by: &caller.user.id,
        registration_id: None,
    };
    if !reg_cases::decide(&mut tx, &case.id, case.version, &decided, now.timestamp()).await? {
        return Err(conflict("この申請は既に審査されています"));
    }
    let mut registration = None;
    let mut changes = vec![
        ("status", json!(case.status.as_str()), json!(to.as_str())),
        ("decided_on", Value::Null, json!(decided_on)),
        ("reason", Value::Null, json!(reason)),
    ];
    if to == Status::Registered {
        let public = PublicDisclosure::new(&case.disclosure, &case.counselors, &case.psychiatrists);
        let data = registrations::Data {
            counselors: &case.counselors,
            psychiatrists: &case.psychiatrists,
            disclosure_answers: &case.disclosure,
            disclosure: &public,
        };
        let reg = match &case.renewal_of {
            None => {
                // REG-2: a room at an address registered meanwhile (another application won) is not registered.
                let sites = organizations::sites(&mut *tx, &case.organization_id).await?;
                if let Some(site) = sites.iter().find(|s| s.id == case.site_id)
                    && let Some(other) = same_address_registration(&mut tx, site, today).await?
                {
                    return Err(conflict(same_address_finding(&other)));
                }
                let number = registrations::next_number(&mut tx, decided_on).await?;
                let expires_on = dates::expires_on(decided_on)
                    .ok_or_else(|| AppError::field("decided_on", "日付が範囲外です"))?;
                let mut reg = Registration {
                    id: String::new(),
                    number: number.to_string(),
                    organization_id: case.organization_id.clone(),
                    site_id: case.site_id.clone(),
                    case_id: case.id.clone(),
                    first_registered_on: decided_on,
                    registered_on: decided_on,
                    expires_on,
                    status: Status::Registered,
                    disclosure: public.clone(),
                    counselors: case.counselors.clone(),
                    psychiatrists: case.psychiatrists.clone(),
                    disclosure_answers: case.disclosure.clone(),
                    ended_on: None,
                    end_reason: None,
                    version: 1,
                    next: None,
                };
                reg.id = registrations::insert(&mut tx, &reg, now.timestamp()).await?;
                reg
            }
            Some(reg_id) => {
                let prev = registrations::by_id(&mut *tx, reg_id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                if prev.next.is_some() {
                    return Err(conflict(format!("登録{}は更新済みです", prev.number)));
                }
                // REG-4 (decisions.md): the renewed validity starts the day after the previous expiry.
                let starts = dates::renewal_starts_on(prev.expires_on)
                    .ok_or_else(|| conflict("有効期間を計算できません"))?;
                let ends = dates::expires_on(starts).ok_or_else(|| conflict("有効期間を計算できません"))?;
                let rn = registrations::Renewal {
                    case_id: &case.id,
                    registered_on: starts,
                    expires_on: ends,
                    data,
                };
                // REG-4 terms with history: a renewal decided before its term begins waits as the next term, and
                // the current term stays in force (and published) until its last day.
                let applied = if starts > today {
                    registrations::schedule_renewal(&mut tx, &prev.id, prev.version, &rn, now.timestamp())
                        .await?
                } else {
                    registrations::renew(&mut tx, &prev.id, prev.version, &rn, now.timestamp()).await?
                };
                if !applied {
                    return Err(conflict(format!(
                        "登録{}は「{}」のため更新できません",
                        prev.number,
                        prev.status.label_ja()
                    )));
                }
                changes.push(("previous_expires_on", Value::Null, json!(prev.expires_on)));
                let mut reg = registrations::by_id(&mut *tx, &prev.id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                // What was decided is the new term: the review's answer, the renewal deadline and the notice
                // speak of it, scheduled or not.
                if let Some(n) = reg.next.take() {
                    reg.registered_on = n.registered_on;
                    reg.expires_on = n.expires_on;
                }
                reg
            }
        };
        reg_cases::set_registration(&mut tx, &case.id, &reg.id).await?;
        changes.push(("registration_number", Value::Null, json!(reg.number)));
        changes.push(("registered_on", Value::Null, json!(reg.registered_on)));
        changes.push(("expires_on", Value::Null, json!(reg.expires_on)));
        crate::directory::reindex_registration(&mut tx, &reg.number).await?;
        // the REG-4 renewal deadline and the notice to the organization.
        crate::reg::notices::set_renewal_deadline(&mut tx, &reg, now.timestamp()).await?;
        crate::reg::notices::registered(&mut tx, state, &reg, case.renewal_of.is_some()).await?;
        registration = Some(reg);
    } else {
        crate::reg::notices::returned(
            &mut tx,
            state,
            &case.organization_id,
            &case.id,
            decided_on,
            reason.as_deref().unwrap_or_default(),
        )
        .await?;
    }
    // One event per review (the registration's own history reads it through `registration_number`).
    audit::append(
        &mut tx,
        &caller.audit(
            now,
            "reg_case.review",
            "reg_case",
            &case.id,
            audit::diff(&changes),
        ),
    )
    .await?;
    commit(tx).await?;
    Ok(Reviewed {
        status: to,
        registration,
    })
}

// ---------------------------------------------------------------------------------------------------------------
// Registrations, changes and abolition (REG-6)

/// A registration the caller may see (by number), or 404.
pub async fn visible_registration(
    state: &AppState,
    caller: &Caller,
    number: &str,
) -> AppResult<Registration> {
    let number = RegistrationNumber::parse(number).map_err(|_| AppError::NotFound)?;
    let reg = registrations::by_number(state.db.pool(), &number.to_string())
        .await?
        .ok_or(AppError::NotFound)?;
    AppError::check(authz::registration(
        &caller.actor(),
        RegistrationAction::View,
        &reg.organization_id,
    ))?;
    Ok(reg)
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SiteChangeInput {
    pub name: Option<String>,
    pub prefecture: Option<String>,
    pub address: Option<String>,
}

/// `POST /api/v1/registrations/{number}/changes`: the new values of what changed (REG-6).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ChangeInput {
    pub notified_on: String,
    /// The day the change took effect (defaults to the notice day).
    pub changed_on: Option<String>,
    pub counselors: Option<Vec<CounselorInput>>,
    pub psychiatrists: Option<Vec<PsychiatristInput>>,
    pub disclosure: Option<DisclosureInput>,
    pub site: Option<SiteChangeInput>,
    pub note: Option<String>,
}

fn registered(reg: &Registration) -> Registered {
    Registered {
        counselors: reg.counselors.clone(),
        psychiatrists: reg.psychiatrists.clone(),
        disclosure: reg.disclosure_answers.clone(),
    }
}

/// The checklist as all confirmed: a change notice does not repeat the self-confirmation, so only what the
/// changed data itself shows is found.
fn all_confirmed() -> BTreeMap<String, bool> {
    criteria().iter().map(|c| (c.code.to_owned(), true)).collect()
}

/// Notifies a change of registered matters (REG-6).
pub async fn notify_change(
    state: &AppState,
    caller: &Caller,
    number: &str,
    input: &ChangeInput,
) -> AppResult<ChangeNotice> {
    let reg = visible_registration(state, caller, number).await?;
    AppError::check(authz::registration(
        &caller.actor(),
        RegistrationAction::Notify,
        &reg.organization_id,
    ))?;
    let today = state.clock.today();
    let mut check = Check::default();
    let notified_on = check.past_date("notified_on", &input.notified_on, today);
    let changed_on = match input.changed_on.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(s) => check.date("changed_on", s),
        None => notified_on,
    };
    check.not_before("notified_on", notified_on, reg.first_registered_on, "登録日");
    let set = ChangeSet {
        counselors: input.counselors.as_ref().map(|c| parse_counselors(&mut check, c)),
        psychiatrists: input
            .psychiatrists
            .as_ref()
            .map(|p| parse_psychiatrists(&mut check, p)),
        disclosure: input.disclosure.as_ref().map(|d| parse_disclosure(&mut check, d)),
        site: input.site.as_ref().map(|s| SiteChange {
            name: s
                .name
                .as_deref()
                .filter(|v| !v.trim().is_empty())
                .map(|v| check.text("site.name", v, SHORT_TEXT)),
            prefecture: s.prefecture.as_deref().filter(|v| !v.trim().is_empty()).map(|v| {
                match Prefecture::from_code(v.trim()) {
                    Ok(p) => p.code().to_owned(),
                    Err(e) => {
                        check.add("site.prefecture", e.to_string());
                        String::new()
                    }
                }
            }),
            address: s
                .address
                .as_deref()
                .filter(|v| !v.trim().is_empty())
                .map(|v| check.text("site.address", v, 300)),
        }),
    };
    let mut set = set;
    if let Some(change) = set.site.as_mut() {
        let sites = organizations::sites(state.db.pool(), &reg.organization_id).await?;
        if let Some(site) = sites.iter().find(|s| s.id == reg.site_id) {
            check_site_change(&mut check, change, site);
        }
    }
    let note = check.optional_text("note", input.note.as_deref().unwrap_or_default(), LONG_TEXT);
    let current = registered(&reg);
    let kinds: Vec<String> = set.kinds(&current).into_iter().map(str::to_owned).collect();
    if kinds.is_empty() && check.errors.is_empty() {
        check.add(
            "changes",
            "変更する事項がありません（登録内容と同じです） (nothing differs from the registered data)",
        );
    }
    let after = set.apply(&current);
    let found = match findings(
        &all_confirmed(),
        &after.counselors,
        &after.psychiatrists,
        &after.disclosure,
    ) {
        Ok(f) => f,
        Err(e) => {
            invalid_to_fields(&mut check, &e);
            Vec::new()
        }
    };
    check.finish()?;
    let (Some(notified_on), Some(changed_on)) = (notified_on, changed_on) else {
        return Err(AppError::BadRequest("invalid notice".into()));
    };
    if !reg.status.is_in_force() {
        return Err(conflict(format!(
            "登録{}は「{}」のため変更の届出はできません",
            reg.number,
            reg.status.label_ja()
        )));
    }
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let mut notice = ChangeNotice {
        id: String::new(),
        registration_id: reg.id.clone(),
        organization_id: reg.organization_id.clone(),
        notified_on,
        changed_on,
        kinds: kinds.clone(),
        changes: set,
        note,
        findings: found.clone(),
        status: "notified".into(),
        acknowledged_on: None,
        acknowledged_by: None,
        version: 1,
        created_by: caller.user.id.clone(),
        created_at: now.timestamp(),
        closed_on: None,
        close_reason: None,
    };
    notice.id = reg_changes::insert(&mut tx, &notice, now.timestamp()).await?;
    let changes = audit::created(&[
        ("registration_number", json!(reg.number)),
        ("notified_on", json!(notified_on)),
        ("kinds", json!(kinds)),
        ("changes", json!(notice.changes)),
    ]);
    audit::append(
        &mut tx,
        &caller.audit(now, "reg_change.notify", "reg_change", &notice.id, changes),
    )
    .await?;
    commit(tx).await?;
    Ok(notice)
}

/// A change notice the caller may see, with its registration.
pub async fn visible_change(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> AppResult<(ChangeNotice, Registration)> {
    let notice = reg_changes::by_id(state.db.pool(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    AppError::check(authz::registration(
        &caller.actor(),
        RegistrationAction::View,
        &notice.organization_id,
    ))?;
    let reg = registrations::by_id(state.db.pool(), &notice.registration_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((notice, reg))
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AcknowledgeInput {
    pub acknowledged_on: String,
}

/// The office acknowledges a change notice; the registered data and the published listing follow (REG-6).
pub async fn acknowledge_change(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &AcknowledgeInput,
) -> AppResult<ChangeNotice> {
    let (notice, _) = visible_change(state, caller, id).await?;
    AppError::check(authz::registration(
        &caller.actor(),
        RegistrationAction::Acknowledge,
        &notice.organization_id,
    ))?;
    let mut check = Check::default();
    let on = check.past_date("acknowledged_on", &input.acknowledged_on, state.clock.today());
    check.not_before("acknowledged_on", on, notice.notified_on, "届出日");
    check.finish()?;
    let Some(on) = on else {
        return Err(AppError::BadRequest("invalid date".into()));
    };
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let notice = reg_changes::by_id(&mut *tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let reg = registrations::by_id(&mut *tx, &notice.registration_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if notice.status != "notified" {
        return Err(conflict("この届出は受理済みです"));
    }
    if !reg.status.is_in_force() {
        return Err(conflict(format!(
            "登録{}は「{}」のため届出を反映できません",
            reg.number,
            reg.status.label_ja()
        )));
    }
    // REG-3, REG-6: a change that leaves the room short of the criteria is not published by acknowledging it;
    // the office refuses it or opens a REG-7 investigation.
    if !notice.findings.is_empty() {
        return Err(conflict(format!(
            "この届出の内容は登録基準を満たしていません（{}）。届出を却下するか、調査を開始してください",
            notice.findings.join("／")
        )));
    }
    // REG-6: a change dated in the future takes effect on its date, not when acknowledged.
    if notice.changed_on > state.clock.today() {
        if !reg_changes::schedule(
            &mut tx,
            &notice.id,
            notice.version,
            on,
            &caller.user.id,
            now.timestamp(),
        )
        .await?
        {
            return Err(conflict("この届出は受理済みです"));
        }
        let changes = audit::diff(&[
            ("status", json!("notified"), json!("scheduled")),
            ("acknowledged_on", Value::Null, json!(on)),
            ("changed_on", Value::Null, json!(notice.changed_on)),
            ("registration_number", Value::Null, json!(reg.number)),
        ]);
        audit::append(
            &mut tx,
            &caller.audit(now, "reg_change.acknowledge", "reg_change", &notice.id, changes),
        )
        .await?;
        commit(tx).await?;
        return reg_changes::by_id(state.db.pool(), id)
            .await?
            .ok_or(AppError::NotFound);
    }
    if !reg_changes::acknowledge(
        &mut tx,
        &notice.id,
        notice.version,
        on,
        &caller.user.id,
        now.timestamp(),
    )
    .await?
    {
        return Err(conflict("この届出は受理済みです"));
    }
    let Some(public) = apply_notice(&mut tx, &reg, &notice, now.timestamp()).await? else {
        return Err(conflict("登録が同時に変更されました。もう一度お試しください"));
    };
    let changes = audit::diff(&[
        ("status", json!("notified"), json!("acknowledged")),
        ("acknowledged_on", Value::Null, json!(on)),
        ("registration_number", Value::Null, json!(reg.number)),
        ("disclosure", json!(reg.disclosure), json!(public)),
    ]);
    audit::append(
        &mut tx,
        &caller.audit(now, "reg_change.acknowledge", "reg_change", &notice.id, changes),
    )
    .await?;
    commit(tx).await?;
    reg_changes::by_id(state.db.pool(), id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Applies a notice's changes to the registered data, the room and the directory (REG-6); `None` when the
/// registration changed concurrently.
async fn apply_notice(
    tx: &mut Tx,
    reg: &Registration,
    notice: &ChangeNotice,
    now: i64,
) -> AppResult<Option<PublicDisclosure>> {
    let after = notice.changes.apply(&registered(reg));
    let public = PublicDisclosure::new(&after.disclosure, &after.counselors, &after.psychiatrists);
    let data = registrations::Data {
        counselors: &after.counselors,
        psychiatrists: &after.psychiatrists,
        disclosure_answers: &after.disclosure,
        disclosure: &public,
    };
    if !registrations::update_data(tx, &reg.id, reg.version, &data, now).await? {
        return Ok(None);
    }
    if let Some(site) = &notice.changes.site {
        reg_changes::apply_site_change(
            tx,
            &reg.site_id,
            site.name.as_deref(),
            site.prefecture.as_deref(),
            site.address.as_deref(),
        )
        .await?;
    }
    crate::directory::reindex_registration(tx, &reg.number).await?;
    Ok(Some(public))
}

/// REG-6, REG-8: a notified move or renaming of the room: values equal to the room's are no change, and the
/// prefecture must agree with the address (400 naming the field).
fn check_site_change(check: &mut Check, change: &mut SiteChange, site: &nintei_store::organizations::Site) {
    if change.name.as_deref() == Some(site.name.as_str()) {
        change.name = None;
    }
    if change.prefecture.as_deref() == Some(site.prefecture.as_str()) {
        change.prefecture = None;
    }
    if change.address.as_deref().is_some_and(|a| {
        nintei_domain::reg::address::key(a) == nintei_domain::reg::address::key(&site.address)
    }) {
        change.address = None;
    }
    let prefecture = change.prefecture.as_deref().unwrap_or(&site.prefecture);
    let address = change.address.as_deref().unwrap_or(&site.address);
    if let Ok(p) = Prefecture::from_code(prefecture)
        && let Err(named) = nintei_domain::reg::address::check_prefecture(p, address)
    {
        check.add(
            "site.prefecture",
            format!(
                "所在地は{}ですが、都道府県は{}です (the address is in {})",
                named.name_ja(),
                p.name_ja(),
                named.name_en()
            ),
        );
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RefusalInput {
    pub refused_on: String,
    pub reason: String,
}

/// REG-6: the office refuses a change notice (typically one that breaks REG-3): nothing of it is applied.
pub async fn refuse_change(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &RefusalInput,
) -> AppResult<ChangeNotice> {
    let (notice, _) = visible_change(state, caller, id).await?;
    AppError::check(authz::registration(
        &caller.actor(),
        RegistrationAction::Acknowledge,
        &notice.organization_id,
    ))?;
    let mut check = Check::default();
    let on = check.past_date("refused_on", &input.refused_on, state.clock.today());
    check.not_before("refused_on", on, notice.notified_on, "届出日");
    let reason = check.text("reason", &input.reason, LONG_TEXT);
    check.finish()?;
    let Some(on) = on else {
        return Err(AppError::BadRequest("invalid date".into()));
    };
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let notice = reg_changes::by_id(&mut *tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !reg_changes::refuse(
        &mut tx,
        &notice.id,
        notice.version,
        on,
        &reason,
        &caller.user.id,
        now.timestamp(),
    )
    .await?
    {
        return Err(conflict("この届出は既に処理されています"));
    }
    let changes = audit::diff(&[
        ("status", json!(notice.status), json!("refused")),
        ("closed_on", Value::Null, json!(on)),
        ("close_reason", Value::Null, json!(reason)),
    ]);
    audit::append(
        &mut tx,
        &caller.audit(now, "reg_change.refuse", "reg_change", &notice.id, changes),
    )
    .await?;
    commit(tx).await?;
    reg_changes::by_id(state.db.pool(), id)
        .await?
        .ok_or(AppError::NotFound)
}

/// REG-6: scheduled change notices take effect on their day (the daily job), one audited transaction each; a
/// registration no longer in force has had them closed already.
async fn apply_scheduled_changes(state: &AppState, today: NaiveDate) -> AppResult<usize> {
    let mut done = 0;
    for notice in reg_changes::scheduled_due(state.db.pool(), today, 1000).await? {
        let now = state.clock.now();
        let mut tx = state.db.begin_write().await?;
        let Some(reg) = registrations::by_id(&mut *tx, &notice.registration_id).await? else {
            continue;
        };
        if !reg.status.is_in_force()
            || !reg_changes::mark_applied(&mut tx, &notice.id, notice.version, now.timestamp()).await?
        {
            continue;
        }
        let Some(public) = apply_notice(&mut tx, &reg, &notice, now.timestamp()).await? else {
            continue;
        };
        let event = AuditEvent {
            at: now,
            actor_id: None,
            actor_role: Some("system".into()),
            action: "reg_change.take_effect".into(),
            entity: "reg_change".into(),
            entity_id: notice.id.clone(),
            changes: audit::diff(&[
                ("status", json!("scheduled"), json!("acknowledged")),
                ("registration_number", Value::Null, json!(reg.number)),
                ("disclosure", json!(reg.disclosure), json!(public)),
            ]),
            request_id: format!("job:reg_expiry:{today}"),
        };
        audit::append(&mut tx, &event).await?;
        commit(tx).await?;
        done += 1;
    }
    Ok(done)
}

/// REG-6: abolitions notified in advance take effect on their day (the daily job).
async fn abolish_due(state: &AppState, today: NaiveDate) -> AppResult<usize> {
    let mut done = 0;
    for reg in registrations::end_due(state.db.pool(), today, 1000).await? {
        let now = state.clock.now();
        let mut tx = state.db.begin_write().await?;
        let Some(reg) = registrations::by_id(&mut *tx, &reg.id).await? else {
            continue;
        };
        let (Some(on), Ok(to)) = (reg.ended_on, reg.status.abolish()) else {
            continue;
        };
        let why = reg.end_reason.clone().unwrap_or_else(|| "廃止の届出".into());
        if !move_registration(&mut tx, &reg, to, Some((on, &why)), now.timestamp()).await? {
            continue;
        }
        let event = AuditEvent {
            at: now,
            actor_id: None,
            actor_role: Some("system".into()),
            action: "registration.abolish".into(),
            entity: "registration".into(),
            entity_id: reg.id.clone(),
            changes: audit::diff(&[
                ("status", json!(reg.status.as_str()), json!(to.as_str())),
                ("ended_on", Value::Null, json!(on)),
            ]),
            request_id: format!("job:reg_expiry:{today}"),
        };
        audit::append(&mut tx, &event).await?;
        commit(tx).await?;
        done += 1;
    }
    Ok(done)
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AbolitionInput {
    pub abolished_on: String,
    pub reason: Option<String>,
}

/// The institution notifies the abolition of the registered room (REG-6): the registration ends at once.
pub async fn abolish(
    state: &AppState,
    caller: &Caller,
    number: &str,
    input: &AbolitionInput,
) -> AppResult<Registration> {
    let reg = visible_registration(state, caller, number).await?;
    AppError::check(authz::registration(
        &caller.actor(),
        RegistrationAction::Notify,
        &reg.organization_id,
    ))?;
    let mut check = Check::default();
    let today = state.clock.today();
    // REG-6: abolition may be notified in advance (a date in the future): the room stays registered until then.
    let on = check.date("abolished_on", &input.abolished_on);
    check.not_before("abolished_on", on, reg.first_registered_on, "登録日");
    let reason = check.optional_text("reason", input.reason.as_deref().unwrap_or_default(), LONG_TEXT);
    check.finish()?;
    let Some(on) = on else {
        return Err(AppError::BadRequest("invalid date".into()));
    };
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let reg = registrations::by_id(&mut *tx, &reg.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let to = reg.status.abolish().map_err(|e| conflict(e.to_string()))?;
    let why = if reason.is_empty() {
        "廃止の届出"
    } else {
        reason.as_str()
    };
    if on > today {
        if !registrations::schedule_end(&mut tx, &reg.id, reg.version, on, why, now.timestamp()).await? {
            return Err(conflict(format!(
                "登録{}の廃止の届出は受理済みです（{}）",
                reg.number,
                reg.ended_on.map(|d| d.to_string()).unwrap_or_default()
            )));
        }
        crate::directory::reindex_registration(&mut tx, &reg.number).await?;
        let changes = audit::diff(&[
            ("ended_on", Value::Null, json!(on)),
            ("end_reason", Value::Null, json!(why)),
        ]);
        audit::append(
            &mut tx,
            &caller.audit(
                now,
                "registration.abolish_notified",
                "registration",
                &reg.id,
                changes,
            ),
        )
        .await?;
        commit(tx).await?;
        return registrations::by_id(state.db.pool(), &reg.id)
            .await?
            .ok_or(AppError::NotFound);
    }
    if !move_registration(&mut tx, &reg, to, Some((on, why)), now.timestamp()).await? {
        return Err(conflict("登録が同時に変更されました"));
    }
    let changes = audit::diff(&[
        ("status", json!(reg.status.as_str()), json!(to.as_str())),
        ("ended_on", Value::Null, json!(on)),
        ("end_reason", Value::Null, json!(why)),
    ]);
    audit::append(
        &mut tx,
        &caller.audit(now, "registration.abolish", "registration", &reg.id, changes),
    )
    .await?;
    commit(tx).await?;
    registrations::by_id(state.db.pool(), &reg.id)
        .await?
        .ok_or(AppError::NotFound)
}

// ---------------------------------------------------------------------------------------------------------------
// Expiry (REG-4), run by the daily job

/// Marks every registration in force whose validity ended before `today` as expired, unless a renewal applied
/// for within validity is still under review. Idempotent: a second run finds nothing to do.
pub async fn expire_due(state: &AppState, today: NaiveDate) -> AppResult<usize> {
    let mut done = roll_over_terms(state, today).await?;
    done += apply_scheduled_changes(state, today).await?;
    done += abolish_due(state, today).await?;
    loop {
        let due = registrations::past_expiry(state.db.pool(), today, 100).await?;
        let mut changed_any = false;
        for reg in due {
            let now = state.clock.now();
            let mut tx = state.db.begin_write().await?;
            let Some(reg) = registrations::by_id(&mut *tx, &reg.id).await? else {
                continue;
            };
            let pending = reg_cases::pending_renewal(&mut *tx, &reg.id)
                .await?
                .is_some_and(|c| dates::may_apply_for_renewal(reg.expires_on, c.applied_on));
            let Ok(to) = reg.status.expire(reg.expires_on, today, pending) else {
                continue;
            };
            let ended_on = reg.expires_on.succ_opt().unwrap_or(reg.expires_on);
            let ended = Some((ended_on, "有効期間の満了"));
            if !move_registration(&mut tx, &reg, to, ended, now.timestamp()).await? {
                continue;
            }
            let event = AuditEvent {
                at: now,
                actor_id: None,
                actor_role: Some("system".into()),
                action: "registration.expire".into(),
                entity: "registration".into(),
                entity_id: reg.id.clone(),
                changes: audit::diff(&[
                    ("status", json!(reg.status.as_str()), json!(to.as_str())),
                    ("ended_on", Value::Null, json!(ended_on)),
                ]),
                request_id: format!("job:reg_expiry:{today}"),
            };
            audit::append(&mut tx, &event).await?;
            commit(tx).await?;
            done += 1;
            changed_any = true;
        }
        // Pages of 100; a registration changed concurrently is skipped: stop when a pass changes nothing.
        if !changed_any {
            return Ok(done);
        }
    }
}

/// REG-4: a renewed registration's next term becomes the current one from its first day (one audited transaction
/// per registration; one changed concurrently is left for the next run).
async fn roll_over_terms(state: &AppState, today: NaiveDate) -> AppResult<usize> {
    let mut done = 0;
    for reg in registrations::next_term_begun(state.db.pool(), today, 1000).await? {
        let Some(next) = reg.next.as_ref() else {
            continue;
        };
        let now = state.clock.now();
        let mut tx = state.db.begin_write().await?;
        if !registrations::roll_over_term(&mut tx, &reg.id, reg.version, now.timestamp()).await? {
            continue;
        }
        let event = AuditEvent {
            at: now,
            actor_id: None,
            actor_role: Some("system".into()),
            action: "registration.term_begin".into(),
            entity: "registration".into(),
            entity_id: reg.id.clone(),
            changes: audit::diff(&[
                (
                    "registered_on",
                    json!(reg.registered_on),
                    json!(next.registered_on),
                ),
                ("expires_on", json!(reg.expires_on), json!(next.expires_on)),
                ("case_id", json!(reg.case_id), json!(next.case_id)),
            ]),
            request_id: format!("job:reg_expiry:{today}"),
        };
        audit::append(&mut tx, &event).await?;
        crate::directory::reindex_registration(&mut tx, &reg.number).await?;
        commit(tx).await?;
        done += 1;
    }
    Ok(done)
}

// ---------------------------------------------------------------------------------------------------------------
// Public reports (REG-7)

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReportInput {
    pub registration_number: String,
    pub message: String,
    pub contact_email: Option<String>,
    /// Honeypot: a person never sees this field; a filled one is answered 202 and dropped.
    pub website: Option<String>,
}

/// At most this many reports per client address per hour, and per registration number per day.
pub const REPORTS_PER_ADDRESS_PER_HOUR: i64 = 5;
pub const REPORTS_PER_NUMBER_PER_DAY: i64 = 20;

/// Receives a public report (通報, REG-7): no account; throttled per address and per registration number; a
/// filled honeypot is accepted in appearance and dropped. Returns whether it was stored.
pub async fn receive_report(state: &AppState, address: &str, input: &ReportInput) -> AppResult<bool> {
    let now = state.clock.unix();
    // The address is kept only as a hash: throttling needs equality, nothing more.
    let address_key = sha256_hex(format!("reg-report:{address}").as_bytes());
    reg_reports::record_attempt(&state.db, "address", &address_key, now).await?;
    if reg_reports::attempts_since(&state.db, "address", &address_key, now - 3600).await?
        > REPORTS_PER_ADDRESS_PER_HOUR
    {
        return Err(AppError::TooManyRequests { retry_after: 3600 });
    }
    // A filled honeypot is answered like a stored report whatever else was sent: a bot learns nothing.
    if input.website.as_deref().is_some_and(|w| !w.trim().is_empty()) {
        tracing::info!("public report dropped by the honeypot");
        return Ok(false);
    }
    let mut check = Check::default();
    let number = match RegistrationNumber::parse(&input.registration_number) {
        Ok(n) => Some(n),
        Err(e) => {
            check.add("registration_number", e.to_string());
            None
        }
    };
    let message = check.text("message", &input.message, LONG_TEXT);
    let contact = match input
        .contact_email
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(e) => match Email::parse(e) {
            Ok(e) => Some(e.as_str().to_owned()),
            Err(err) => {
                check.add("contact_email", err.to_string());
                None
            }
        },
    };
    check.finish()?;
    let Some(number) = number else {
        return Err(AppError::BadRequest("invalid registration number".into()));
    };
    let number = number.to_string();
    reg_reports::record_attempt(&state.db, "number", &number, now).await?;
    if reg_reports::attempts_since(&state.db, "number", &number, now - 86_400).await?
        > REPORTS_PER_NUMBER_PER_DAY
    {
        return Err(AppError::TooManyRequests { retry_after: 3600 });
    }
    // The number is public (directory, certificates), so saying it is unknown reveals nothing.
    let reg = registrations::by_number(state.db.pool(), &number)
        .await?
        .ok_or_else(|| {
            AppError::field(
                "registration_number",
                "該当する登録番号がありません (no such registration)",
            )
        })?;
    let at = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let id = reg_reports::insert(&mut tx, &reg.id, &number, &message, contact.as_deref(), now).await?;
    // REG-7: a further report about a room under investigation joins the open case (not a second pile).
    let open_case = inv::list(&mut *tx, Some(&reg.id), None, 50)
        .await?
        .into_iter()
        .find(|c| c.status == "open" || c.status == "referred");
    if let Some(case) = &open_case {
        reg_reports::link(&mut tx, &id, &case.id).await?;
    }
    let event = AuditEvent {
        at,
        actor_id: None,
        actor_role: Some("public".into()),
        action: "reg_report.receive".into(),
        entity: "reg_report".into(),
        entity_id: id,
        // Neither the message nor the contact goes into the audit trail: the report row holds them.
        changes: audit::created(&[
            ("registration_number", json!(number)),
            ("has_contact", json!(contact.is_some())),
            (
                "investigation_id",
                json!(open_case.as_ref().map(|c| c.id.clone())),
            ),
        ]),
        request_id: "public".into(),
    };
    audit::append(&mut tx, &event).await?;
    commit(tx).await?;
    Ok(true)
}

// ---------------------------------------------------------------------------------------------------------------
// Deregistration cases (REG-7)

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OpenInvestigationInput {
    pub registration_number: String,
    pub opened_on: String,
    pub reason: String,
    pub report_ids: Vec<String>,
}

/// Opens a REG-7 case on a registration, from reports or another sign of non-conformity.
pub async fn open_investigation(
    state: &AppState,
    caller: &Caller,
    input: &OpenInvestigationInput,
) -> AppResult<Investigation> {
    AppError::check(authz::global(&caller.actor(), RegGlobalAction::OpenInvestigation))?;
    let mut check = Check::default();
    let reg = match RegistrationNumber::parse(&input.registration_number) {
        Ok(n) => registrations::by_number(state.db.pool(), &n.to_string()).await?,
        Err(_) => None,
    };
    if reg.is_none() {
        check.add(
            "registration_number",
            "該当する登録番号がありません (no such registration)",
        );
    }
    let opened_on = check.past_date("opened_on", &input.opened_on, state.clock.today());
    if let Some(r) = &reg {
        check.not_before("opened_on", opened_on, r.first_registered_on, "登録日");
    }
    let reason = check.text("reason", &input.reason, LONG_TEXT);
    for (i, id) in input.report_ids.iter().enumerate() {
        match reg_reports::by_id(state.db.pool(), id).await? {
            Some(rep) if reg.as_ref().is_some_and(|r| r.id == rep.registration_id) => {
                if rep.status != "new" {
                    check.add(
                        format!("report_ids[{i}]"),
                        "この通報は既に扱われています (already handled)",
                    );
                }
                // REG-7: dates in order — no case opened before the report that started it was received.
                let received = chrono::DateTime::from_timestamp(rep.received_at, 0)
                    .map(|t| t.with_timezone(&crate::clock::jst()).date_naive());
                if let (Some(opened), Some(received)) = (opened_on, received)
                    && opened < received
                {
                    check.add(
                        "opened_on",
                        format!("通報の受付日（{received}）より前の日付は指定できません (before the report was received)"),
                    );
                }
            }
            _ => check.add(
                format!("report_ids[{i}]"),
                "この登録についての通報ではありません (no such report for this registration)",
            ),
        }
    }
    check.finish()?;
    let (Some(reg), Some(opened_on)) = (reg, opened_on) else {
        return Err(AppError::BadRequest("invalid request".into()));
    };
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let reg = registrations::by_id(&mut *tx, &reg.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let to = reg
        .status
        .open_investigation()
        .map_err(|e| conflict(e.to_string()))?;
    if !registrations::set_status(
        &mut tx,
        &reg.id,
        reg.version,
        reg.status,
        to,
        None,
        now.timestamp(),
    )
    .await?
    {
        return Err(conflict("登録が同時に変更されました"));
    }
    let id = inv::insert(
        &mut tx,
        &reg.id,
        &reg.organization_id,
        opened_on,
        &reason,
        &caller.user.id,
        now.timestamp(),
    )
    .await?;
    for rid in &input.report_ids {
        if !reg_reports::link(&mut tx, rid, &id).await? {
            return Err(conflict("通報が同時に扱われました"));
        }
    }
    let changes = audit::created(&[
        ("registration_number", json!(reg.number)),
        ("registration_status", json!(to.as_str())),
        ("opened_on", json!(opened_on)),
        ("reason", json!(reason)),
        ("report_ids", json!(input.report_ids)),
    ]);
    audit::append(
        &mut tx,
        &caller.audit(now, "reg_investigation.open", "reg_investigation", &id, changes),
    )
    .await?;
    commit(tx).await?;
    inv::by_id(state.db.pool(), &id).await?.ok_or(AppError::NotFound)
}

/// Files a new report that needs no investigation (the office keeps it, closed).
pub async fn file_report(state: &AppState, caller: &Caller, id: &str) -> AppResult<()> {
    AppError::check(authz::global(&caller.actor(), RegGlobalAction::OpenInvestigation))?;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let rep = reg_reports::by_id(&mut *tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !reg_reports::file(&mut tx, &rep.id).await? {
        return Err(conflict("この通報は既に扱われています"));
    }
    audit::append(
        &mut tx,
        &caller.audit(
            now,
            "reg_report.file",
            "reg_report",
            &rep.id,
            audit::diff(&[("status", json!(rep.status), json!("filed"))]),
        ),
    )
    .await?;
    commit(tx).await
}

/// The case and whether the caller may do `action` on it (404 for recused committee members).
pub async fn authorized_investigation(
    state: &AppState,
    caller: &Caller,
    id: &str,
    action: DeregistrationAction,
) -> AppResult<Investigation> {
    let case = inv::by_id(state.db.pool(), id).await?.ok_or(AppError::NotFound)?;
    let actor = caller.actor();
    let has_conflict = conflicts::exists(state.db.pool(), &caller.user.id, &case.organization_id).await?;
    let ctx = DeregistrationContext {
        organization_id: &case.organization_id,
        referred: matches!(case.status.as_str(), "referred" | "decided"),
        caller_has_conflict: has_conflict,
    };
    // Visibility first, so that a recused member gets 404 for every action.
    AppError::check(authz::deregistration(&actor, DeregistrationAction::View, ctx))?;
    AppError::check(authz::deregistration(&actor, action, ctx))?;
    Ok(case)
}

fn require_case_status(case: &Investigation, allowed: &[&str], what: &str) -> AppResult<()> {
    if allowed.contains(&case.status.as_str()) {
        Ok(())
    } else {
        Err(conflict(format!(
            "この抹消審査案件は「{}」のため{what}はできません",
            investigation_status_label(&case.status)
        )))
    }
}

pub fn investigation_status_label(s: &str) -> &'static str {
    match s {
        "open" => "調査中",
        "referred" => "登録審査委員会に付議",
        "closed" => "調査終了（付議せず）",
        "decided" => "決定済み",
        _ => "不明",
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DocumentRequestInput {
    pub requested_on: String,
    pub due_on: String,
    pub items: String,
}

/// REG-7: the office requests documents from the institution, with a due date.
pub async fn request_documents(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &DocumentRequestInput,
) -> AppResult<String> {
    let case = authorized_investigation(state, caller, id, DeregistrationAction::Manage).await?;
    let mut check = Check::default();
    let requested_on = check.past_date("requested_on", &input.requested_on, state.clock.today());
    check.not_before("requested_on", requested_on, case.opened_on, "調査開始日");
    let due_on = check.date("due_on", &input.due_on);
    if let (Some(r), Some(d)) = (requested_on, due_on)
        && d <= r
    {
        check.add(
            "due_on",
            "提出期限は依頼日より後の日付にしてください (must be after requested_on)",
        );
    }
    let items = check.text("items", &input.items, LONG_TEXT);
    check.finish()?;
    let (Some(requested_on), Some(due_on)) = (requested_on, due_on) else {
        return Err(AppError::BadRequest("invalid request".into()));
    };
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    require_case_status(&case, &["open"], "資料の要求")?;
    if !inv::touch(&mut tx, &case.id, case.version, &["open"], now.timestamp()).await? {
        return Err(conflict("案件が同時に変更されました"));
    }
    let rid = inv::insert_document_request(
        &mut tx,
        &case.id,
        requested_on,
        due_on,
        &items,
        &caller.user.id,
        now.timestamp(),
    )
    .await?;
    crate::reg::notices::sync_documents_deadline(&mut tx, &case.id, false, requested_on, now.timestamp())
        .await?;
    if let Some(reg) = registrations::by_id(&mut *tx, &case.registration_id).await? {
        crate::reg::notices::documents_requested(
            &mut tx,
            state,
            &case.organization_id,
            &reg.number,
            due_on,
            &items,
        )
        .await?;
    }
    let changes = audit::created(&[
        ("document_request_id", json!(rid)),
        ("requested_on", json!(requested_on)),
        ("due_on", json!(due_on)),
        ("items", json!(items)),
    ]);
    audit::append(
        &mut tx,
        &caller.audit(
            now,
            "reg_investigation.request_documents",
            "reg_investigation",
            &case.id,
            changes,
        ),
    )
    .await?;
    commit(tx).await?;
    Ok(rid)
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReceiptInput {
    pub received_on: String,
}

/// Records that the requested documents arrived.
pub async fn receive_documents(
    state: &AppState,
    caller: &Caller,
    id: &str,
    request_id: &str,
    input: &ReceiptInput,
) -> AppResult<()> {
    let case = authorized_investigation(state, caller, id, DeregistrationAction::Manage).await?;
    let requests = inv::document_requests(state.db.pool(), &case.id).await?;
    let req = requests
        .iter()
        .find(|r| r.id == request_id)
        .ok_or(AppError::NotFound)?;
    let mut check = Check::default();
    let on = check.past_date("received_on", &input.received_on, state.clock.today());
    check.not_before("received_on", on, req.requested_on, "依頼日");
    check.finish()?;
    let Some(on) = on else {
        return Err(AppError::BadRequest("invalid date".into()));
    };
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    if !inv::receive_documents(&mut tx, &case.id, request_id, on).await? {
        return Err(conflict("この資料は受領済みです"));
    }
    crate::reg::notices::sync_documents_deadline(&mut tx, &case.id, false, on, now.timestamp()).await?;
    audit::append(
        &mut tx,
        &caller.audit(
            now,
            "reg_investigation.receive_documents",
            "reg_investigation",
            &case.id,
            audit::created(&[
                ("document_request_id", json!(request_id)),
                ("received_on", json!(on)),
            ]),
        ),
    )
    .await?;
    commit(tx).await
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RecordInput {
    pub kind: String,
    pub held_on: String,
    pub summary: String,
}

pub const RECORD_KINDS: [(&str, &str); 3] = [
    ("on_site_investigation", "実地調査"),
    ("hearing", "聴聞"),
    ("other", "その他"),
];

/// REG-7: the record of an on-site investigation, a hearing (聴聞) or another step.
pub async fn add_record(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &RecordInput,
) -> AppResult<String> {
    let case = authorized_investigation(state, caller, id, DeregistrationAction::Manage).await?;
    let mut check = Check::default();
    let kind = input.kind.trim();
    if !RECORD_KINDS.iter().any(|(k, _)| *k == kind) {
        check.add("kind", "on_site_investigation, hearing, other のいずれかです");
    }
    let held_on = check.past_date("held_on", &input.held_on, state.clock.today());
    check.not_before("held_on", held_on, case.opened_on, "調査開始日");
    let summary = check.text("summary", &input.summary, LONG_TEXT);
    check.finish()?;
    let Some(held_on) = held_on else {
        return Err(AppError::BadRequest("invalid date".into()));
    };
    require_case_status(&case, &["open", "referred"], "記録の追加")?;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    if !inv::touch(
        &mut tx,
        &case.id,
        case.version,
        &["open", "referred"],
        now.timestamp(),
    )
    .await?
    {
        return Err(conflict("案件が同時に変更されました"));
    }
    let rid = inv::insert_record(
        &mut tx,
        &case.id,
        kind,
        held_on,
        &summary,
        &caller.user.id,
        now.timestamp(),
    )
    .await?;
    audit::append(
        &mut tx,
        &caller.audit(
            now,
            "reg_investigation.record",
            "reg_investigation",
            &case.id,
            audit::created(&[
                ("record_id", json!(rid)),
                ("kind", json!(kind)),
                ("held_on", json!(held_on)),
                ("summary", json!(summary)),
            ]),
        ),
    )
    .await?;
    commit(tx).await?;
    Ok(rid)
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct StepInput {
    /// `referred_on` / `closed_on` / `decided_on`, by endpoint.
    #[serde(alias = "referred_on", alias = "closed_on", alias = "decided_on")]
    pub on: String,
    pub reason: String,
    /// For the decision: `deregister` or `maintain`.
    pub outcome: Option<String>,
}

/// Which step of a REG-7 case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseStep {
    /// Refer to the registration review committee.
    Refer,
    /// End the investigation without referral: the registration stays.
    Close,
    /// Record the committee's decision.
    Decide,
}

impl CaseStep {
    fn date_field(self) -> &'static str {
        match self {
            CaseStep::Refer => "referred_on",
            CaseStep::Close => "closed_on",
            CaseStep::Decide => "decided_on",
        }
    }
}

fn parse_outcome(s: &str) -> Option<CommitteeOutcome> {
    match s.trim() {
        "deregister" => Some(CommitteeOutcome::Deregister),
        "maintain" => Some(CommitteeOutcome::Maintain),
        _ => None,
    }
}

/// Referral, closing, or the committee's decision; each moves the registration by the domain's state machine.
pub async fn case_step(
    state: &AppState,
    caller: &Caller,
    id: &str,
    step: CaseStep,
    input: &StepInput,
) -> AppResult<Investigation> {
    let action = match step {
        CaseStep::Refer | CaseStep::Close => DeregistrationAction::Manage,
        CaseStep::Decide => DeregistrationAction::Decide,
    };
    let case = authorized_investigation(state, caller, id, action).await?;
    let mut check = Check::default();
    let field = step.date_field();
    let on = check.past_date(field, &input.on, state.clock.today());
    let earliest = case.referred_on.unwrap_or(case.opened_on);
    check.not_before(field, on, earliest, "前の手続の日");
    let reason = check.text("reason", &input.reason, LONG_TEXT);
    let outcome = match step {
        CaseStep::Decide => {
            let o = input.outcome.as_deref().and_then(parse_outcome);
            if o.is_none() {
                check.add("outcome", "deregister か maintain を指定してください");
            }
            o
        }
        _ => None,
    };
    check.finish()?;
    let Some(on) = on else {
        return Err(AppError::BadRequest("invalid date".into()));
    };
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let case = inv::by_id(&mut *tx, id).await?.ok_or(AppError::NotFound)?;
    let reg = registrations::by_id(&mut *tx, &case.registration_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (from, s, reg_to, tally) = match step {
        CaseStep::Refer => {
            require_case_status(&case, &["open"], "付議")?;
            let to = reg
                .status
                .refer_to_committee()
                .map_err(|e| conflict(e.to_string()))?;
            ("open", Step::Refer { on, reason: &reason }, Some(to), None)
        }
        CaseStep::Close => {
            require_case_status(&case, &["open"], "調査の終了")?;
            // The registration may have expired or been abolished meanwhile; then it stays as it is.
            let to = reg.status.close_investigation().ok();
            ("open", Step::Close { on, reason: &reason }, to, None)
        }
        CaseStep::Decide => {
            require_case_status(&case, &["referred"], "決定の記録")?;
            let Some(outcome) = outcome else {
                return Err(AppError::BadRequest("outcome".into()));
            };
            let votes: Vec<CommitteeOutcome> = inv::votes(&mut *tx, &case.id)
                .await?
                .into_iter()
                .map(|v| v.outcome)
                .collect();
            let tally = committee::check_decision(&votes, outcome).map_err(|e| conflict(e.to_string()))?;
            let to = reg
                .status
                .committee_decision(outcome)
                .map_err(|e| conflict(e.to_string()))?;
            (
                "referred",
                Step::Decide {
                    outcome,
                    on,
                    reason: &reason,
                    by: &caller.user.id,
                },
                Some(to),
                Some(tally),
            )
        }
    };
    if !inv::step(&mut tx, &case.id, case.version, from, &s, now.timestamp()).await? {
        return Err(conflict("案件が同時に変更されました"));
    }
    let mut changes = vec![
        (
            "status",
            json!(case.status),
            json!(match step {
                CaseStep::Refer => "referred",
                CaseStep::Close => "closed",
                CaseStep::Decide => "decided",
            }),
        ),
        (field, Value::Null, json!(on)),
        ("reason", Value::Null, json!(reason)),
    ];
    if let Some(to) = reg_to {
        let ended = (to == Status::Deregistered).then_some((on, reason.as_str()));
        if !move_registration(&mut tx, &reg, to, ended, now.timestamp()).await? {
            return Err(conflict("登録が同時に変更されました"));
        }
        changes.push((
            "registration_status",
            json!(reg.status.as_str()),
            json!(to.as_str()),
        ));
    }
    if let Some(t) = tally {
        changes.push(("outcome", Value::Null, json!(outcome.map(inv::outcome_str))));
        changes.push((
            "votes",
            Value::Null,
            json!({"deregister": t.deregister, "maintain": t.maintain}),
        ));
    }
    if matches!(step, CaseStep::Close | CaseStep::Decide) {
        crate::reg::notices::sync_documents_deadline(&mut tx, &case.id, true, on, now.timestamp()).await?;
    }
    if matches!(step, CaseStep::Decide) {
        crate::reg::notices::deregistration_decided(
            &mut tx,
            state,
            &case.organization_id,
            &reg.number,
            reg_to == Some(Status::Deregistered),
            on,
            &reason,
        )
        .await?;
    }
    let action = match step {
        CaseStep::Refer => "reg_investigation.refer",
        CaseStep::Close => "reg_investigation.close",
        CaseStep::Decide => "reg_investigation.decide",
    };
    audit::append(
        &mut tx,
        &caller.audit(now, action, "reg_investigation", &case.id, audit::diff(&changes)),
    )
    .await?;
    commit(tx).await?;
    inv::by_id(state.db.pool(), id).await?.ok_or(AppError::NotFound)
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct VoteInput {
    pub outcome: String,
    pub comment: Option<String>,
}

/// A committee member's vote (REG-7; recused members get 404, ACC-8).
pub async fn vote(state: &AppState, caller: &Caller, id: &str, input: &VoteInput) -> AppResult<()> {
    let case = authorized_investigation(state, caller, id, DeregistrationAction::Vote).await?;
    let mut check = Check::default();
    let outcome = parse_outcome(&input.outcome);
    if outcome.is_none() {
        check.add("outcome", "deregister か maintain を指定してください");
    }
    let comment = check.optional_text("comment", input.comment.as_deref().unwrap_or_default(), LONG_TEXT);
    check.finish()?;
    let Some(outcome) = outcome else {
        return Err(AppError::BadRequest("outcome".into()));
    };
    require_case_status(&case, &["referred"], "投票")?;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    // The case must still be referred when the vote is written (a decision may have been recorded meanwhile).
    if !inv::touch(&mut tx, &case.id, case.version, &["referred"], now.timestamp()).await? {
        let fresh = inv::by_id(&mut *tx, &case.id).await?.ok_or(AppError::NotFound)?;
        require_case_status(&fresh, &["referred"], "投票")?;
        if !inv::touch(&mut tx, &fresh.id, fresh.version, &["referred"], now.timestamp()).await? {
            return Err(conflict("案件が同時に変更されました"));
        }
    }
    inv::upsert_vote(
        &mut tx,
        &case.id,
        &caller.user.id,
        outcome,
        &comment,
        now.timestamp(),
    )
    .await?;
    audit::append(
        &mut tx,
        &caller.audit(
            now,
            "reg_investigation.vote",
            "reg_investigation",
            &case.id,
            audit::created(&[
                ("outcome", json!(inv::outcome_str(outcome))),
                ("comment", json!(comment)),
            ]),
        ),
    )
    .await?;
    commit(tx).await
}

// ---------------------------------------------------------------------------------------------------------------
// Training (REG-9)

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TrainingInput {
    pub title: String,
    pub held_on: String,
    pub place: String,
    pub description: Option<String>,
}

/// The office schedules a training session (it may lie in the future).
pub async fn create_training(state: &AppState, caller: &Caller, input: &TrainingInput) -> AppResult<String> {
    AppError::check(authz::global(&caller.actor(), RegGlobalAction::ManageTraining))?;
    let mut check = Check::default();
    let title = check.text("title", &input.title, SHORT_TEXT);
    let held_on = check.date("held_on", &input.held_on);
    let place = check.text("place", &input.place, SHORT_TEXT);
    let description = check.optional_text(
        "description",
        input.description.as_deref().unwrap_or_default(),
        LONG_TEXT,
    );
    check.finish()?;
    let Some(held_on) = held_on else {
        return Err(AppError::BadRequest("invalid date".into()));
    };
    let t = reg_trainings::Training {
        id: String::new(),
        title,
        held_on,
        place,
        description,
    };
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let id = reg_trainings::insert(&mut tx, &t, &caller.user.id, now.timestamp()).await?;
    audit::append(
        &mut tx,
        &caller.audit(
            now,
            "reg_training.create",
            "reg_training",
            &id,
            audit::created(&[
                ("title", json!(t.title)),
                ("held_on", json!(t.held_on)),
                ("place", json!(t.place)),
            ]),
        ),
    )
    .await?;
    commit(tx).await?;
    Ok(id)
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AttendanceInput {
    pub registration_number: String,
    pub counselor_name: String,
    pub attended: Option<bool>,
}

/// Records a counselor's attendance at a held session; the counselor must be one of the registration's.
pub async fn record_attendance(
    state: &AppState,
    caller: &Caller,
    training_id: &str,
    input: &AttendanceInput,
) -> AppResult<()> {
    AppError::check(authz::global(&caller.actor(), RegGlobalAction::ManageTraining))?;
    let training = reg_trainings::by_id(state.db.pool(), training_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut check = Check::default();
    let reg = match RegistrationNumber::parse(&input.registration_number) {
        Ok(n) => registrations::by_number(state.db.pool(), &n.to_string()).await?,
        Err(_) => None,
    };
    let name = check.text("counselor_name", &input.counselor_name, 100);
    match &reg {
        None => check.add(
            "registration_number",
            "該当する登録番号がありません (no such registration)",
        ),
        Some(r) if !name.is_empty() && !r.counselors.iter().any(|c| c.name.trim() == name) => check.add(
            "counselor_name",
            format!(
                "登録{}の相談対応者ではありません (not a counselor of this registration)",
                r.number
            ),
        ),
        Some(_) => {}
    }
    check.finish()?;
    let Some(reg) = reg else {
        return Err(AppError::BadRequest("registration".into()));
    };
    if training.held_on > state.clock.today() {
        return Err(conflict(format!(
            "この研修は{}に開催予定で、まだ出席を記録できません",
            training.held_on
        )));
    }
    if !reg.status.is_in_force() {
        return Err(conflict(format!(
            "登録{}は「{}」です",
            reg.number,
            reg.status.label_ja()
        )));
    }
    let attended = input.attended.unwrap_or(true);
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    reg_trainings::record_attendance(
        &mut tx,
        &training.id,
        &reg.id,
        &name,
        attended,
        &caller.user.id,
        now.timestamp(),
    )
    .await?;
    audit::append(
        &mut tx,
        &caller.audit(
            now,
            "reg_training.attendance",
            "reg_training",
            &training.id,
            audit::created(&[
                ("registration_number", json!(reg.number)),
                ("counselor_name", json!(name)),
                ("attended", json!(attended)),
            ]),
        ),
    )
    .await?;
    commit(tx).await
}

/// Japanese labels used by API views and screens.
pub fn status_label(s: Status) -> &'static str {
    s.label_ja()
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct EnrolmentInput {
    pub registration_number: String,
    pub counselor_name: String,
}

/// REG-9: an institution enrols a counselor of its registered room in a coming session; the office (the user who
/// scheduled the session) is told by mail and sees the enrolment where it records attendance.
pub async fn enrol(
    state: &AppState,
    caller: &Caller,
    training_id: &str,
    input: &EnrolmentInput,
) -> AppResult<()> {
    let actor = caller.actor();
    AppError::check(authz::global(&actor, RegGlobalAction::ViewTraining))?;
    let training = reg_trainings::by_id(state.db.pool(), training_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let today = state.clock.today();
    let mut check = Check::default();
    let reg = match RegistrationNumber::parse(&input.registration_number) {
        Ok(n) => registrations::by_number(state.db.pool(), &n.to_string()).await?,
        Err(_) => None,
    };
    // The institution enrols its own counselors (the office may enter one); another's registration: 404.
    if let Some(r) = &reg {
        AppError::check(authz::registration(
            &actor,
            RegistrationAction::Notify,
            &r.organization_id,
        ))?;
    }
    let name = check.text("counselor_name", &input.counselor_name, 100);
    match &reg {
        None => check.add(
            "registration_number",
            "該当する登録番号がありません (no such registration)",
        ),
        Some(r) if !name.is_empty() && !r.counselors.iter().any(|c| c.name.trim() == name) => check.add(
            "counselor_name",
            format!(
                "登録{}の相談対応者ではありません (not a counselor of this registration)",
                r.number
            ),
        ),
        Some(_) => {}
    }
    check.finish()?;
    let Some(reg) = reg else {
        return Err(AppError::BadRequest("registration".into()));
    };
    if training.held_on < today {
        return Err(conflict(format!("この研修は{}に開催済みです", training.held_on)));
    }
    if reg.public_status_on(today) != validity::PublicStatus::Registered {
        return Err(conflict(format!("登録{}は有効ではありません", reg.number)));
    }
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    if !reg_trainings::enrol(
        &mut tx,
        &training.id,
        &reg.id,
        &name,
        &caller.user.id,
        now.timestamp(),
    )
    .await?
    {
        return Err(conflict("この相談対応者は申込み済みです"));
    }
    audit::append(
        &mut tx,
        &caller.audit(
            now,
            "reg_training.enrol",
            "reg_training",
            &training.id,
            audit::created(&[
                ("registration_number", json!(reg.number)),
                ("counselor_name", json!(name)),
            ]),
        ),
    )
    .await?;
    if let Some(to) = reg_trainings::creator_email(&mut *tx, &training.id).await? {
        let body = format!(
            "研修「{}」（{}、{}）に申込みがありました。\n\n登録番号：{}\n相談対応者：{}\n\n\
             出席は研修の画面で記録してください：{}/registration/trainings/{}\n",
            training.title,
            training.held_on,
            training.place,
            reg.number,
            name,
            state.config.base_url.trim_end_matches('/'),
            training.id
        );
        let subject = format!("研修の申込み：{}", training.title);
        match crate::outbox::enqueue_mail(&mut tx, now.timestamp(), &to, &subject, &body).await {
            Ok(_) => {}
            Err(AppError::Validation(e)) => {
                tracing::warn!(training = %training.id, ?e, "REG-9 enrolment notice not queued: address");
            }
            Err(e) => return Err(e),
        }
    }
    commit(tx).await
}

/// The kind of investigation record that notifies a hearing (its `held_on` is the hearing day, `summary` the place).
pub const HEARING_NOTICE: &str = "hearing_notice";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HearingNoticeInput {
    pub notified_on: String,
    pub hearing_on: String,
    pub place: String,
}

/// REG-7: the office notifies the institution of the date and place of its hearing (聴聞), which may lie ahead;
/// the institution is mailed and sees it on its case. Dates in order: notified not before the case was opened,
/// the hearing not before the notice.
pub async fn notify_hearing(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &HearingNoticeInput,
) -> AppResult<String> {
    let case = authorized_investigation(state, caller, id, DeregistrationAction::Manage).await?;
    let mut check = Check::default();
    let notified_on = check.past_date("notified_on", &input.notified_on, state.clock.today());
    check.not_before("notified_on", notified_on, case.opened_on, "調査開始日");
    let hearing_on = check.date("hearing_on", &input.hearing_on);
    check.not_before(
        "hearing_on",
        hearing_on,
        notified_on.unwrap_or(case.opened_on),
        "通知日",
    );
    let place = check.text("place", &input.place, SHORT_TEXT);
    check.finish()?;
    let (Some(notified_on), Some(hearing_on)) = (notified_on, hearing_on) else {
        return Err(AppError::BadRequest("invalid date".into()));
    };
    require_case_status(&case, &["open", "referred"], "聴聞の通知")?;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    if !inv::touch(
        &mut tx,
        &case.id,
        case.version,
        &["open", "referred"],
        now.timestamp(),
    )
    .await?
    {
        return Err(conflict("案件が同時に変更されました"));
    }
    let rid = inv::insert_record(
        &mut tx,
        &case.id,
        HEARING_NOTICE,
        hearing_on,
        &place,
        &caller.user.id,
        now.timestamp(),
    )
    .await?;
    if let Some(reg) = registrations::by_id(&mut *tx, &case.registration_id).await? {
        crate::reg::notices::hearing_notified(
            &mut tx,
            state,
            &case.organization_id,
            &reg.number,
            hearing_on,
            &place,
        )
        .await?;
    }
    audit::append(
        &mut tx,
        &caller.audit(
            now,
            "reg_investigation.hearing_notice",
            "reg_investigation",
            &case.id,
            audit::created(&[
                ("record_id", json!(rid)),
                ("notified_on", json!(notified_on)),
                ("hearing_on", json!(hearing_on)),
                ("place", json!(place)),
            ]),
        ),
    )
    .await?;
    commit(tx).await?;
    Ok(rid)
}
