//! Applications for registration (REG-1 … REG-3, renewal REG-4) and the office's review (REG-5).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use nintei_domain::authz::reg::{self as authz, CaseAction};
use nintei_domain::reg::application::{
    Counselor, Disclosure, Documents, Eligibility, Method, OhQualification, Psychiatrist, Qualification,
};
use nintei_domain::reg::dates::{self, RegistrationNumber};
use nintei_domain::reg::findings::all_findings;
use nintei_domain::reg::publication::PublicDisclosure;
use nintei_domain::reg::status::{ReviewDecision, Status};
use nintei_domain::reg::validity;
use nintei_domain::role::Role;
use nintei_store::organizations::{Organization, Site};
use nintei_store::reg_cases::{self, RegCase};
use nintei_store::registrations::{self, Registration};
use nintei_store::{Tx, audit, organizations};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Check, LONG_TEXT, SHORT_TEXT, commit, conflict, invalid_to_fields};
use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

// ---------------------------------------------------------------------------------------------------------------
// Applications (REG-1 … REG-3)

/// A counselor as sent (API.md `counselors[]`); enums as strings so that a wrong one is a named field error.
/// `months_of_practice` (0–11, beside the whole `years_of_practice`) and the REG-3 1(2)イ conditions
/// `main_duty` and `three_days_a_week` extend API.md's original four fields, which alone are still accepted.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CounselorInput {
    pub name: String,
    pub qualification: String,
    pub full_time: bool,
    pub years_of_practice: i64,
    pub months_of_practice: i64,
    pub main_duty: Option<bool>,
    pub three_days_a_week: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PsychiatristInput {
    pub name: String,
    pub clinical_years: i64,
    pub oh_qualification: String,
    pub institution_name: String,
    pub institution_address: String,
}

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::ToSchema)]
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
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
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

/// Months beyond the whole years (REG-3 1(2)イ counts the five years to the month).
fn months(check: &mut Check, field: &str, v: i64) -> u32 {
    if !(0..=11).contains(&v) {
        check.add(field, "0〜11の整数で入力してください (0 to 11)");
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
                months_of_practice: months(
                    check,
                    &format!("counselors[{i}].months_of_practice"),
                    c.months_of_practice,
                ),
                main_duty: c.main_duty,
                three_days_a_week: c.three_days_a_week,
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
            "機関を指定してください (required)",
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
            "該当する機関がありません (no such organization)",
        ));
    }
    let sites = organizations::sites(state.db.pool(), &organization_id).await?;
    let mut check = Check::default();
    if site_id.is_empty() {
        check.add("site_id", "相談室を指定してください (required)");
    } else if !sites.iter().any(|s| s.id == site_id) {
        check.add(
            "site_id",
            "この機関の相談室ではありません (not a counseling room of this organization)",
        );
    }
    if let Some(r) = &renewal
        && (r.organization_id != organization_id || r.site_id != site_id)
    {
        check.add(
            "renewal_of",
            "更新する登録の機関・相談室と一致しません (the registration is of another room)",
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
    // The room's draft is done with once its application is in.
    reg_cases::delete_draft(&mut tx, &site_id).await?;
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

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
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

/// Saves the application form of a room as a draft (the fields as sent), for the organization or the office to
/// resume; at most 200 KB of fields. One transaction, audited.
/// The organization and room an application is filed for, authorized for `Apply` (404 for a room the caller may
/// not apply for); a renewal's room and organization are those of the registration it renews (REG-4).
pub async fn apply_target(
    state: &AppState,
    caller: &Caller,
    site_id: &str,
    renewal_of: &str,
) -> AppResult<(Organization, Site, Option<Registration>)> {
    let reg = if renewal_of.is_empty() {
        None
    } else {
        Some(super::visible_registration(state, caller, renewal_of).await?)
    };
    let site_id = reg.as_ref().map_or(site_id, |r| r.site_id.as_str());
    let site = organizations::site_by_id(state.db.pool(), site_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let org_id = match (&reg, &caller.user.organization_id, caller.user.role) {
        (Some(r), _, _) => r.organization_id.clone(),
        (None, Some(o), Role::Organization) => o.clone(),
        // The office files for any organization: the room's.
        (None, _, _) => site.organization_id.clone(),
    };
    if site.organization_id != org_id {
        return Err(AppError::NotFound);
    }
    AppError::check(authz::case(&caller.actor(), CaseAction::Apply, &org_id))?;
    let org = organizations::by_id(state.db.pool(), &org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((org, site, reg))
}

pub async fn save_draft(
    state: &AppState,
    caller: &Caller,
    organization_id: &str,
    site_id: &str,
    fields: &[(String, String)],
) -> AppResult<()> {
    AppError::check(authz::case(&caller.actor(), CaseAction::Apply, organization_id))?;
    let kept: Vec<&(String, String)> = fields
        .iter()
        .filter(|(k, _)| k != "csrf" && k != "intent")
        .collect();
    let text = serde_json::to_string(&kept).map_err(|e| AppError::Internal(e.to_string()))?;
    if text.len() > 200_000 {
        return Err(AppError::TooLarge);
    }
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    reg_cases::put_draft(
        &mut tx,
        site_id,
        organization_id,
        &text,
        &caller.user.id,
        now.timestamp(),
    )
    .await?;
    let changes = json!({"site_id": site_id, "fields": kept.len()});
    audit::append(
        &mut tx,
        &caller.audit(now, "reg_draft.save", "site", site_id, changes),
    )
    .await?;
    commit(tx).await
}

/// The room's draft (its fields and when it was saved), for whoever may apply for the organization.
pub async fn draft(
    state: &AppState,
    caller: &Caller,
    organization_id: &str,
    site_id: &str,
) -> AppResult<Option<(Vec<(String, String)>, i64)>> {
    AppError::check(authz::case(&caller.actor(), CaseAction::Apply, organization_id))?;
    let Some((text, saved_at)) = reg_cases::draft(state.db.pool(), site_id).await? else {
        return Ok(None);
    };
    let fields: Vec<(String, String)> = serde_json::from_str(&text).unwrap_or_default();
    Ok(Some((fields, saved_at)))
}
