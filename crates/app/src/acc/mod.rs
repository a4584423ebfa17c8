//! Accreditation cases (ACC), shared by the API and the screens: the catalog in force, loading a case
//! with what authorization needs, the case as the API shows it, and every step of the case ([`ops`]).
//!
//! Each step validates its input (400, naming fields), checks who may do it (`authz::acc`, 404/403), then in one
//! write transaction locks the case, checks the state it really starts from (409), changes it, keeps the
//! deadlines in step, and appends one audit event.

pub mod appeal;
pub mod case;
pub mod files;
pub mod impartiality;
pub mod record;
pub mod renewal;
pub mod retention;
pub mod study;

use chrono::{Datelike, NaiveDate};
use nintei_domain::acc::service::ServiceCode;
use nintei_domain::acc::standards::{Catalog, CatalogError, parse_catalog_csv, sample_catalog};
use nintei_domain::acc::{Assessment, Eligibility, Rating, assess, assess_eligibility};
use nintei_domain::authz::acc::{self as acc_authz, CaseAction, CaseFacts};
use nintei_domain::calendar::OfficeCalendar;
use nintei_domain::fees::{FeeBreakdown, Yen, acc_fee};
use nintei_domain::org::{CorporateNumber, LegalForm};
use nintei_store::acc::{self, Case, Surveyor};
use nintei_store::organizations::Organization;
use nintei_store::{Conn, StoreError, invoices, settings, standards};
use serde_json::json;

use crate::caller::Caller;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Setting: the office's qualified-invoice registration number (適格請求書発行事業者登録番号, `T` + 13 digits).
pub const SETTING_INVOICE_REGISTRATION: &str = "invoice.registration_number";
/// Placeholder until the office sets its number: check-digit valid, and plainly not a real one (all zeros).
pub const PLACEHOLDER_INVOICE_REGISTRATION: &str = "T9000000000000";
/// Setting: `false` turns off the Civil Code art. 142 roll-forward of the organization's deadlines.
pub const SETTING_ROLL_FORWARD: &str = "office.roll_forward";

/// Loads the shipped sample catalog when no catalog exists yet (first start); returns the version in force.
/// Called at start-up (`nintei serve`, `nintei migrate`, `nintei demo`) and, as a safety net, whenever a catalog
/// is needed. Two processes starting together both try; the second insert is a duplicate and is ignored.
pub async fn ensure_catalog(state: &AppState) -> AppResult<String> {
    if let Some(info) = standards::in_force_info(state.db.pool()).await? {
        return Ok(info.version);
    }
    let catalog = sample_catalog();
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    if let Some(info) = standards::in_force_info(&mut *tx).await? {
        return Ok(info.version);
    }
    match standards::insert(&mut tx, &catalog, "sample", None, now.timestamp()).await {
        Ok(_) => {}
        Err(StoreError::Conflict(_)) => return Ok(catalog.version),
        Err(e) if e.is_unique_violation() => return Ok(catalog.version),
        Err(e) => return Err(e.into()),
    }
    let event = nintei_store::AuditEvent {
        at: now,
        actor_id: None,
        actor_role: Some("system".into()),
        action: "standards.import".into(),
        entity: "standards_catalog".into(),
        entity_id: catalog.version.clone(),
        changes: json!({"version": catalog.version, "sample": true, "standards": catalog.standards.len()}),
        request_id: "startup".into(),
    };
    nintei_store::audit::append(&mut tx, &event).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(catalog.version)
}

/// Why `nintei standards import` changed nothing.
#[derive(Debug)]
pub enum ImportFailure {
    /// The file has errors, each with its line (nothing was stored).
    Invalid(Vec<CatalogError>),
    /// The version label is not acceptable.
    Label(String),
    App(AppError),
}

impl From<AppError> for ImportFailure {
    fn from(e: AppError) -> Self {
        ImportFailure::App(e)
    }
}

impl From<StoreError> for ImportFailure {
    fn from(e: StoreError) -> Self {
        ImportFailure::App(e.into())
    }
}

/// What an import stored.
#[derive(Debug, Clone)]
pub struct Imported {
    pub version: String,
    pub standards: usize,
    pub sample: bool,
}

/// `nintei standards import FILE`: parses `bytes` in the catalog's CSV format (see
/// `nintei_domain::acc::standards`) and, when it has no error, stores it as the new catalog in force. Cases keep
/// the version they started with. `label` names the version (default `YYYY-MM-DD-vN`, N the catalog's number).
pub async fn import_standards(
    state: &AppState,
    bytes: &[u8],
    label: Option<&str>,
    source: &str,
) -> Result<Imported, ImportFailure> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
            return Err(ImportFailure::Invalid(vec![CatalogError {
                line,
                message: "UTF-8ではない文字があります（UTF-8で保存してください）".into(),
            }]));
        }
    };
    if let Some(l) = label
        && (l.is_empty()
            || l.len() > 50
            || !l
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_')))
    {
        return Err(ImportFailure::Label(format!(
            "version label {l:?}: 1-50 characters of A-Z, a-z, 0-9, '.', '-', '_'"
        )));
    }
    let mut catalog = parse_catalog_csv(text, label.unwrap_or("pending")).map_err(ImportFailure::Invalid)?;
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let next = standards::in_force_info(&mut *tx).await?.map_or(1, |i| i.seq + 1);
    catalog.version = match label {
        Some(l) => l.to_owned(),
        None => format!("{}-v{next}", state.clock.today().format("%Y-%m-%d")),
    };
    standards::insert(&mut tx, &catalog, source, None, now.timestamp()).await?;
    let event = nintei_store::AuditEvent {
        at: now,
        actor_id: None,
        actor_role: Some("cli".into()),
        action: "standards.import".into(),
        entity: "standards_catalog".into(),
        entity_id: catalog.version.clone(),
        changes: json!({"version": catalog.version, "sample": catalog.sample, "standards": catalog.standards.len(),
                        "source": source}),
        request_id: "cli".into(),
    };
    nintei_store::audit::append(&mut tx, &event).await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(Imported {
        version: catalog.version,
        standards: catalog.standards.len(),
        sample: catalog.sample,
    })
}

/// The catalog in force, with its standards.
pub async fn catalog_in_force(state: &AppState) -> AppResult<Catalog> {
    let version = ensure_catalog(state).await?;
    catalog(state, &version).await
}

/// The catalog `version`, read once per process: a stored version never changes (a label used before is a
/// conflict on import), so every instance may keep it. The case pages and steps read it on every request.
pub async fn catalog(state: &AppState, version: &str) -> AppResult<Catalog> {
    if let Some(c) = state.catalogs.get(version) {
        return Ok(c);
    }
    catalog_on(state, &mut *state.db.acquire().await?, version).await
}

/// [`catalog`], read on `conn` if this process has not read it yet: a page holding a connection for its reads
/// must not wait for a second one (a full pool of such pages would wait for each other).
pub async fn catalog_on(state: &AppState, conn: &mut Conn, version: &str) -> AppResult<Catalog> {
    if let Some(c) = state.catalogs.get(version) {
        return Ok(c);
    }
    let c = standards::load(conn, version)
        .await?
        .ok_or_else(|| AppError::Internal(format!("catalog {version} is missing")))?;
    state.catalogs.put(version, &c);
    Ok(c)
}

/// The standards catalogs read so far, by version (see [`catalog`]).
#[derive(Debug, Default)]
pub struct CatalogCache {
    by_version: std::sync::Mutex<std::collections::HashMap<String, Catalog>>,
}

impl CatalogCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, Catalog>> {
        self.by_version
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn get(&self, version: &str) -> Option<Catalog> {
        self.lock().get(version).cloned()
    }

    fn put(&self, version: &str, catalog: &Catalog) {
        self.lock().insert(version.to_owned(), catalog.clone());
    }
}

/// The office calendar from the settings (art. 142 roll-forward on unless turned off; closures by default).
pub async fn office_calendar(state: &AppState) -> AppResult<OfficeCalendar> {
    let mut calendar = OfficeCalendar::default();
    if let Some(v) = settings::get(&state.db, SETTING_ROLL_FORWARD).await? {
        calendar.roll_forward = !matches!(v.trim(), "false" | "off" | "0" | "no");
    }
    Ok(calendar)
}

/// The office's registration number for invoices: the setting when it is a valid `T` + 13 digits, else the
/// placeholder (so that a misconfiguration never produces an invoice with a malformed number).
pub async fn invoice_registration_number(state: &AppState) -> AppResult<String> {
    let configured = settings::get(&state.db, SETTING_INVOICE_REGISTRATION).await?;
    Ok(configured
        .as_deref()
        .and_then(valid_registration_number)
        .unwrap_or_else(|| PLACEHOLDER_INVOICE_REGISTRATION.to_owned()))
}

/// `T` followed by a 13-digit corporate number with a valid check digit (法人の登録番号).
pub fn valid_registration_number(input: &str) -> Option<String> {
    let digits = input.trim().strip_prefix('T')?;
    if digits.len() != 13 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    CorporateNumber::parse(digits)
        .ok()
        .map(|n| format!("T{}", n.as_str()))
}

/// A case with what authorization and the view need.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub case: Case,
    pub organization: Organization,
    pub surveyors: Vec<Surveyor>,
    pub caller_conflicted: bool,
}

impl Loaded {
    pub fn surveyor_pairs(&self) -> Vec<(String, bool)> {
        self.surveyors
            .iter()
            .map(|s| (s.user_id.clone(), s.lead))
            .collect()
    }

    pub fn decide(&self, caller: &Caller, action: CaseAction) -> nintei_domain::authz::Decision {
        let pairs = self.surveyor_pairs();
        let facts = CaseFacts {
            organization_id: &self.case.organization_id,
            coordinator_id: self.case.coordinator_id.as_deref(),
            surveyors: &pairs,
            caller_conflicted: self.caller_conflicted,
            report_issued: self.case.report_issued_on.is_some(),
        };
        acc_authz::case(&caller.actor(), action, &facts)
    }

    pub fn may(&self, caller: &Caller, action: CaseAction) -> bool {
        self.decide(caller, action).is_allowed()
    }

    /// ACC-1 as of the application date.
    pub fn eligibility(&self) -> Eligibility {
        if self.case.kind == nintei_domain::acc::renewal::CaseKind::ScopeAddition {
            return nintei_domain::acc::renewal::scope_addition_eligibility(
                &self.case.services,
                self.case.applied_on,
            );
        }
        let legal_form = LegalForm::parse(&self.organization.legal_form).unwrap_or(LegalForm::Other);
        assess_eligibility(legal_form, &self.case.services, self.case.applied_on)
    }

    /// ACC-22 for the case's revenue and number of services.
    pub fn fees(&self) -> FeeBreakdown {
        fees_for(&self.case)
    }
}

pub fn fees_for(case: &Case) -> FeeBreakdown {
    if case.kind == nintei_domain::acc::renewal::CaseKind::ScopeAddition {
        return nintei_domain::acc::renewal::scope_addition_fee(case.service_codes().len());
    }
    let revenue = u64::try_from(case.annual_revenue_yen).unwrap_or(0);
    let count = u32::try_from(case.service_codes().len()).unwrap_or(u32::MAX);
    acc_fee(Yen::new(revenue), count)
}

/// Loads a case and checks `action` for the caller: 404 when the caller may not see it (or it does not exist),
/// 403 when they see it but may not act.
pub async fn load_for(state: &AppState, caller: &Caller, id: &str, action: CaseAction) -> AppResult<Loaded> {
    load_for_on(&mut *state.db.acquire().await?, caller, id, action).await
}

/// [`load_for`] on `conn`, for a page that reads everything on one connection.
pub async fn load_for_on(
    conn: &mut Conn,
    caller: &Caller,
    id: &str,
    action: CaseAction,
) -> AppResult<Loaded> {
    let loaded = load_on(conn, caller, id).await?.ok_or(AppError::NotFound)?;
    AppError::check(loaded.decide(caller, action))?;
    Ok(loaded)
}

pub async fn load(state: &AppState, caller: &Caller, id: &str) -> AppResult<Option<Loaded>> {
    load_on(&mut *state.db.acquire().await?, caller, id).await
}

async fn load_on(conn: &mut Conn, caller: &Caller, id: &str) -> AppResult<Option<Loaded>> {
    // One statement for the case, its organization and the caller's conflict with it (they were three).
    let Some((case, organization, caller_conflicted)) =
        nintei_store::acc_load::case_with_organization(&mut *conn, id, &caller.user.id).await?
    else {
        return Ok(None);
    };
    let surveyors = acc::surveyors(&mut *conn, id).await?;
    Ok(Some(Loaded {
        case,
        organization,
        surveyors,
        caller_conflicted,
    }))
}

/// The current ratings of a case by standard code.
pub async fn current_ratings(
    state: &AppState,
    case_id: &str,
) -> AppResult<std::collections::HashMap<String, Rating>> {
    let rows = acc::ratings(state.db.pool(), case_id, true).await?;
    Ok(ratings_by_code(&rows))
}

fn ratings_by_code(rows: &[acc::RatingRow]) -> std::collections::HashMap<String, Rating> {
    rows.iter()
        .filter_map(|r| {
            Rating::new(i64::from(r.rating))
                .ok()
                .map(|x| (r.standard.clone(), x))
        })
        .collect()
}

/// ACC-9 over the case's standards in scope (its own catalog version, its services).
pub async fn assessment(state: &AppState, case: &Case) -> AppResult<Assessment> {
    let catalog = catalog(state, &case.catalog_version).await?;
    let rows = acc::ratings(state.db.pool(), &case.id, true).await?;
    Ok(assessment_of(&catalog, case, &rows))
}

/// ACC-9 of `case` from its current rating rows.
pub fn assessment_of(catalog: &Catalog, case: &Case, rows: &[acc::RatingRow]) -> Assessment {
    let codes = case.service_codes();
    assess(
        nintei_domain::acc::renewal::review_scope(catalog, case.kind, &codes),
        &ratings_by_code(rows),
    )
}

/// The case as API.md's `GET /api/v1/accreditation/cases/{id}` shows it, plus the steps' details.
pub async fn view(state: &AppState, caller: &Caller, loaded: &Loaded) -> AppResult<case::CaseView> {
    use case::{
        CaseDeadline, CaseDecision, CaseInvoice, CaseResponse, CaseSurveyor, EligibilityDecision, Granted,
        Notice, Plan, Renews,
    };
    let c = &loaded.case;
    let deadlines = acc::open_deadlines(state.db.pool(), &c.id)
        .await?
        .into_iter()
        .map(|d| CaseDeadline {
            kind: d.kind,
            due_on: d.due_on,
        })
        .collect();
    let catalog_info = standards::info(state.db.pool(), &c.catalog_version).await?;
    let mut v = case::CaseView {
        id: c.id.clone(),
        organization_id: c.organization_id.clone(),
        organization_name: loaded.organization.name.clone(),
        unit_name: c.unit_name.clone(),
        status: c.status.as_str(),
        version: c.version,
        services: c.services.clone(),
        other_services: c.other_services.clone(),
        annual_revenue_yen: c.annual_revenue_yen,
        applied_on: c.applied_on,
        application: c.application.clone(),
        catalog_version: c.catalog_version.clone(),
        catalog_sample: catalog_info.is_some_and(|i| i.sample),
        eligibility: loaded.eligibility(),
        eligibility_decision: c.eligibility_decision.map(|eligible| EligibilityDecision {
            eligible,
            decided_on: c.eligibility_decided_on,
            reason: c.eligibility_reason.clone(),
        }),
        fees: loaded.fees(),
        deadlines,
        plan: c.coordinator_id.as_ref().map(|coordinator| Plan {
            coordinator_id: coordinator.clone(),
            coordinator_visit_on: c.coordinator_visit_on,
            self_study_due_on: c.self_study_due_on,
            site_visit_on: c.site_visit_on,
        }),
        surveyors: loaded
            .surveyors
            .iter()
            .map(|s| CaseSurveyor {
                user_id: s.user_id.clone(),
                name: s.name.clone(),
                lead: s.lead,
            })
            .collect(),
        self_study_submitted_on: c.self_study_submitted_on,
        report_issued_on: c.report_issued_on,
        response: c.response_submitted_on.map(|on| CaseResponse {
            submitted_on: on,
            opinion: c.response_opinion.clone(),
            action_plan: c.response_action_plan.clone(),
        }),
        decision: c.outcome.map(|o| CaseDecision {
            outcome: o.as_str(),
            decided_on: c.decided_on,
            grace_until: c.grace_until,
            reason: c.decision_reason.clone(),
        }),
        first_deferred_on: c.first_deferred_on,
        notice: Notice {
            sent_on: c.notice_sent_on,
            received_on: c.notice_received_on,
            review_report_sent_on: c.review_report_sent_on,
        },
        withdrawn_on: c.withdrawn_on,
        kind: c.kind.as_str(),
        accreditation_id: c.accreditation_id.clone(),
        renews: None,
        extension: None,
        accreditation: None,
        invoices: None,
        invoices_paid: None,
        unit: None,
        objections: None,
        cooling_offs: None,
    };
    // ACC-19: a renewal case shows the accreditation it renews and any extension asked during its review.
    if let Some(aid) = &c.accreditation_id {
        v.renews = nintei_store::acc_renewal::by_id(state.db.pool(), aid)
            .await?
            .map(|a| Renews {
                number: a.number,
                accredited_on: a.accredited_on,
                expires_on: a.expires_on,
                services: a.services,
                status: a.status,
            });
        v.extension = Some(nintei_store::acc_renewal::extension_for_case(state.db.pool(), &c.id).await?);
    }
    if let (Some(number), Some(on), Some(expires)) = (&c.accreditation_number, c.accredited_on, c.expires_on)
    {
        v.accreditation = Some(Granted {
            number: number.clone(),
            accredited_on: on,
            expires_on: expires,
        });
    }
    // Money owed is the office's and the organization's business, not the surveyors' or the committee's.
    if sees_invoices(caller) {
        let list = invoices::for_case(&mut *state.db.acquire().await?, &c.id).await?;
        v.invoices_paid = Some(list.iter().all(|i| i.is_paid()));
        v.invoices = Some(list.iter().map(CaseInvoice::from).collect());
    }
    // ACC-2, ACC-8: the unit decision, objections to surveyors and cooling-offs (additive fields).
    impartiality::extend_view(state, caller, loaded, &mut v).await?;
    Ok(v)
}

/// Whose cases a caller lists: the office, the head and administrators all; others their own (the
/// organization's, the coordinator's and surveyors' assigned ones, the committee's without conflict).
pub fn scope_of(caller: &Caller) -> nintei_store::acc::CaseScope<'_> {
    use nintei_domain::role::Role;
    use nintei_store::acc::CaseScope;
    let user = &caller.user;
    if acc_authz::list_all_cases(&caller.actor()) {
        return CaseScope::All;
    }
    match user.role {
        Role::Organization => CaseScope::Organization(user.organization_id.as_deref().unwrap_or("")),
        Role::Coordinator => CaseScope::Coordinator(&user.id),
        Role::Surveyor => CaseScope::Surveyor(&user.id),
        Role::Committee => CaseScope::Committee(&user.id),
        Role::Office | Role::Head | Role::Admin => CaseScope::All,
    }
}

/// A page of the cases the caller may see, each with its organization's name, and the number of matches.
pub async fn cases_page(
    state: &AppState,
    caller: &Caller,
    filter: &nintei_store::listing::Filter<'_>,
) -> AppResult<(Vec<(Case, String)>, i64)> {
    Ok(nintei_store::acc_list::page(state.db.pool(), scope_of(caller), filter).await?)
}

/// Money owed is the office's and the organization's business, not the surveyors' or the committee's.
pub fn sees_invoices(caller: &Caller) -> bool {
    acc_authz::list_all_cases(&caller.actor()) || caller.user.role == nintei_domain::role::Role::Organization
}

pub use crate::input::{not_before, parse_day, past_day};

/// The latest of several optional dates, with the label of the one that wins.
pub fn latest<'a>(dates: &[(Option<NaiveDate>, &'a str)]) -> Option<(NaiveDate, &'a str)> {
    dates
        .iter()
        .filter_map(|(d, label)| d.map(|d| (d, *label)))
        .max_by_key(|(d, _)| *d)
}

/// The year an accreditation number or invoice number carries.
pub fn year_of(d: NaiveDate) -> i32 {
    d.year()
}

/// Service names for screens.
pub fn service_label(code: ServiceCode) -> String {
    format!("{} {}", code.as_str(), code.name_ja())
}
