//! The directory as open data (REG-5, ACC-23): the whole public lists, not paged, as CSV (UTF-8 with BOM,
//! Excel-safe) and JSON with their last change; the counts by prefecture and one accredited organization's
//! public items for the public pages (REG-8, ACC-23). Only what the directory lists is read here.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use nintei_docs::csv::{CsvWriter, Field};
use nintei_domain::org::Prefecture;
use nintei_store::acc::{self as acc_store, PublicAccreditation};
use nintei_store::registrations::{self, Listed};
use serde_json::{Value, json};

use crate::directory::{accreditation_json, registration_json, verified_status};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Everything the directory lists, not paged.
const ALL: i64 = 1_000_000;

/// When the published data last changed (registrations or accreditations), as a UTC time.
pub async fn last_changed(state: &AppState) -> AppResult<Option<DateTime<Utc>>> {
    let pool = state.db.pool();
    let read = async {
        let r = registrations::last_changed(pool).await?;
        let a = acc_store::accreditations_last_changed(pool).await?;
        AppResult::Ok(match (r, a) {
            (Some(r), Some(a)) => Some(r.max(a)),
            (x, None) | (None, x) => x,
        })
    };
    let t = crate::directory::cached_last_changed(state, read).await?;
    Ok(t.and_then(|t| DateTime::<Utc>::from_timestamp(t, 0)))
}

/// The open data's last-updated date (Japan time).
pub async fn last_updated(state: &AppState) -> AppResult<Option<NaiveDate>> {
    Ok(last_changed(state)
        .await?
        .map(|t| t.with_timezone(&crate::clock::jst()).date_naive()))
}

pub async fn all_registrations(state: &AppState, prefecture: Option<&str>) -> AppResult<Vec<Listed>> {
    let f = registrations::PublicFilter {
        q: String::new(),
        prefecture: prefecture.map(str::to_owned),
        method: None,
        facets: Vec::new(),
        limit: ALL,
        offset: 0,
        // REG-4: what is valid today, judged by the dates.
        today: Some(state.clock.today()),
    };
    Ok(registrations::public_list(state.db.pool(), &f).await?)
}

pub async fn all_accreditations(
    state: &AppState,
    prefecture: Option<&str>,
) -> AppResult<Vec<PublicAccreditation>> {
    let f = acc_store::PublicFilter {
        q: String::new(),
        prefecture: prefecture.map(str::to_owned),
        service: None,
        limit: ALL,
        offset: 0,
    };
    Ok(acc_store::public_accreditations(state.db.pool(), &f, state.clock.today()).await?)
}

/// An accredited organization's public items (ACC-23) while its accreditation is active; 404 otherwise (`/verify`
/// says what became of a number).
pub async fn public_accreditation(state: &AppState, number: &str) -> AppResult<PublicAccreditation> {
    match acc_store::public_accreditation(state.db.pool(), number).await? {
        Some(a) if verified_status(&a, state.clock.today()) == "active" => Ok(a),
        _ => Err(AppError::NotFound),
    }
}

/// A registered room's public items (REG-5) while its registration discloses them today (REG-4: in force and
/// within the term in force, judged by the dates, not by when the daily job ran); 404 otherwise.
pub async fn public_registration(state: &AppState, number: &str) -> AppResult<Listed> {
    match registrations::listed_by_number(state.db.pool(), number).await? {
        Some(r) if r.registration.public_status_on(state.clock.today()).discloses() => Ok(r),
        _ => Err(AppError::NotFound),
    }
}

/// How many registered rooms and accredited organizations each prefecture has (by JIS code), for `/prefectures`;
/// counted in the database, the same listings as the directory's.
pub async fn counts_by_prefecture(
    state: &AppState,
) -> AppResult<(BTreeMap<String, usize>, BTreeMap<String, usize>)> {
    let today = state.clock.today();
    let pool = state.db.pool();
    let tally = |rows: Vec<(String, i64)>| -> BTreeMap<String, usize> {
        rows.into_iter()
            .map(|(p, n)| (p, usize::try_from(n).unwrap_or(0)))
            .collect()
    };
    let regs = tally(registrations::public_count_by_prefecture(pool, today).await?);
    let accs = tally(acc_store::public_accreditations_count_by_prefecture(pool, today).await?);
    Ok((regs, accs))
}

/// An open-data file: its bytes and when the published data last changed.
pub struct Download {
    pub body: Vec<u8>,
    pub changed: Option<DateTime<Utc>>,
}

fn services_ja(services: &[nintei_domain::acc::service::ServiceCode]) -> String {
    services
        .iter()
        .map(|c| format!("{}. {}", c.as_str(), c.name_ja()))
        .collect::<Vec<_>>()
        .join(" / ")
}

/// The JSON envelope: what it is, when it last changed, how many, the items (API.md's item shapes).
fn envelope(title: &str, updated: Option<NaiveDate>, items: Vec<Value>) -> Vec<u8> {
    let body = json!({
        "title": title,
        "last_updated": updated.map(|d| d.to_string()),
        "count": items.len(),
        "items": items,
    });
    serde_json::to_vec_pretty(&body).unwrap_or_default()
}

async fn registrations_data(
    state: &AppState,
) -> AppResult<(Vec<Listed>, Option<DateTime<Utc>>, Option<NaiveDate>)> {
    let rows = all_registrations(state, None).await?;
    Ok((rows, last_changed(state).await?, last_updated(state).await?))
}

async fn accreditations_data(
    state: &AppState,
) -> AppResult<(Vec<PublicAccreditation>, Option<DateTime<Utc>>, Option<NaiveDate>)> {
    let rows = all_accreditations(state, None).await?;
    Ok((rows, last_changed(state).await?, last_updated(state).await?))
}

/// `/open-data/registrations.csv`: every listed registration with REG-5's items.
pub async fn registrations_csv(state: &AppState) -> AppResult<Download> {
    let (rows, changed, _) = registrations_data(state).await?;
    let mut w = CsvWriter::new(&[
        "登録番号",
        "機関名",
        "相談室名",
        "都道府県コード",
        "都道府県",
        "所在地",
        "登録日",
        "有効期限",
        "料金体系",
        "相談時間",
        "相談方法",
        "相談員",
        "精神科医",
        "その他のサービス",
        "実績",
    ]);
    for r in &rows {
        let d = &r.registration.disclosure;
        let pref = Prefecture::from_code(&r.prefecture)
            .map(|p| p.name_ja().to_owned())
            .unwrap_or_default();
        let counselors: Vec<String> = d
            .counselors
            .iter()
            // REG-5: the same REG-3 1(3)イ items as the directory: each counselor's career, each psychiatrist's
            // career and institution address.
            .map(|c| format!("{}（{}）{}", c.name, c.qualification, c.career))
            .collect();
        let psychiatrists: Vec<String> = d
            .psychiatrists
            .iter()
            .map(|p| {
                format!(
                    "{} {}（{}・{}）",
                    p.name, p.career, p.institution_name, p.institution_address
                )
            })
            .collect();
        let methods: Vec<&str> = d.methods.iter().map(|m| m.label_ja()).collect();
        w.row(&[
            Field::from(&r.registration.number),
            Field::from(&r.organization_name),
            Field::from(&r.site_name),
            Field::from(&r.prefecture),
            Field::from(pref),
            Field::from(&r.address),
            Field::from(r.registration.registered_on.to_string()),
            Field::from(r.registration.expires_on.to_string()),
            Field::from(&d.fee_structure),
            Field::from(&d.hours),
            Field::from(methods.join("・")),
            Field::from(counselors.join("、")),
            Field::from(psychiatrists.join("、")),
            Field::from(&d.other_services),
            Field::from(&d.track_record),
        ]);
    }
    Ok(Download {
        body: w.finish(),
        changed,
    })
}

/// `/open-data/registrations.json`: the same as the API's items, in an envelope.
pub async fn registrations_json(state: &AppState) -> AppResult<Download> {
    let (rows, changed, updated) = registrations_data(state).await?;
    let items = rows.iter().map(registration_json).collect();
    Ok(Download {
        body: envelope("登録相談機関名簿", updated, items),
        changed,
    })
}

/// `/open-data/accreditations.csv`: every active accreditation with ACC-23's items.
pub async fn accreditations_csv(state: &AppState) -> AppResult<Download> {
    let (rows, changed, _) = accreditations_data(state).await?;
    let mut w = CsvWriter::new(&["認定番号", "機関名", "認定サービス", "認定日", "有効期限"]);
    for a in &rows {
        w.row(&[
            Field::from(&a.number),
            Field::from(&a.organization_name),
            Field::from(services_ja(&a.services)),
            Field::from(a.accredited_on.to_string()),
            Field::from(a.expires_on.to_string()),
        ]);
    }
    Ok(Download {
        body: w.finish(),
        changed,
    })
}

/// `/open-data/accreditations.json`: the same as the API's items, in an envelope.
pub async fn accreditations_json(state: &AppState) -> AppResult<Download> {
    let (rows, changed, updated) = accreditations_data(state).await?;
    let today = state.clock.today();
    let items = rows.iter().map(|a| accreditation_json(a, today)).collect();
    Ok(Download {
        body: envelope("認定機関名簿", updated, items),
        changed,
    })
}
