//! `nintei demo --scale N`: generated data for benchmarks. N organizations across the 47 prefectures,
//! each with one registered counseling room (REG, published with its REG-5 disclosure) and one accreditation case
//! (ACC) in a status spread over the whole process; the accredited ones (about three in ten) hold an active
//! accreditation (ACC-23). The directory's search index is filled in the same transactions. Every name, number
//! and address is invented (the generator is deterministic: the same N gives the same data).
//!
//! Rows are written with multi-row inserts in transactions of [`CHUNK`] organizations, so 100k take minutes.
//! Generated registrations have no application history (no `reg_cases` row): they stand for rooms registered
//! before the system; their numbers and the accreditation numbers come after those already used, and the
//! counters are moved past them so later registrations continue the sequence.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use nintei_domain::acc::CaseStatus;
use nintei_domain::acc::dates::accreditation_expires_on;
use nintei_domain::acc::service::{ServiceCode, ServiceEntry};
use nintei_domain::org::Prefecture;
use nintei_domain::reg::application::{
    Counselor, Disclosure, Method, OhQualification, Psychiatrist, Qualification,
};
use nintei_domain::reg::dates;
use nintei_domain::reg::publication::PublicDisclosure;
use nintei_domain::reg::status::Status;
use nintei_store::acc::PublicAccreditation;
use nintei_store::bulk::{self, Value, insert_rows};
use nintei_store::registrations::{Listed, Registration};
use nintei_store::{Tx, new_id, search, settings, users};
use serde_json::json;

use crate::directory::{ACCREDITATION, REGISTRATION, accreditation_doc, registration_doc};
use crate::input::iso;
use crate::state::AppState;

/// Organizations per transaction. The search terms of a chunk land all over the index's key space; a larger
/// chunk writes more of them per b-tree page it touches, which keeps the rate up as the index grows (1M).
pub const CHUNK: u32 = 10_000;
/// The settings key that records a finished generation (a second run adds nothing).
pub const SETTING: &str = "demo_scale";

/// What one run wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Generated {
    pub organizations: u64,
    pub registrations: u64,
    pub cases: u64,
    pub accreditations: u64,
}

/// Deterministic SplitMix64: reproducible data without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// 0..n (n > 0).
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap_or(0)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + i64::try_from(self.below(usize::try_from(hi - lo + 1).unwrap_or(1))).unwrap_or(0)
    }
}

const FAMILY: &[&str] = &[
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "伊藤",
    "渡辺",
    "山本",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山田",
    "佐々木",
    "山口",
    "松本",
    "井上",
    "木村",
    "林",
    "斎藤",
    "清水",
    "山崎",
    "森",
    "池田",
    "橋本",
    "阿部",
    "石川",
    "山下",
    "中島",
    "石井",
    "小川",
    "前田",
    "岡田",
    "長谷川",
    "藤田",
    "後藤",
    "近藤",
    "村上",
    "遠藤",
    "青木",
    "坂本",
];
const GIVEN: &[&str] = &[
    "陽子",
    "直子",
    "健一",
    "誠",
    "美咲",
    "翔太",
    "恵",
    "大輔",
    "由美",
    "拓也",
    "さくら",
    "浩",
    "真理",
    "彩",
    "一郎",
    "花子",
    "洋子",
    "隆",
    "智子",
    "健太",
    "優子",
    "和也",
    "麻衣",
    "修",
];
const WORDS: &[&str] = &[
    "あおば",
    "みらい",
    "ひかり",
    "さくら",
    "はなみずき",
    "つばさ",
    "やまびこ",
    "あさひ",
    "こもれび",
    "わかば",
    "ソレイユ",
    "ハーモニー",
    "オリーブ",
    "けやき",
    "かえで",
    "ひだまり",
];
const BUSINESS: &[&str] = &[
    "メンタルサポート",
    "こころケア",
    "ヘルスパートナーズ",
    "EAPサービス",
    "ウェルネス",
    "ライフサポート",
    "産業保健サービス",
    "カウンセリングセンター",
];
const TOWNS: &[&str] = &[
    "本町",
    "中央",
    "栄町",
    "旭町",
    "緑町",
    "幸町",
    "桜町",
    "錦町",
    "大手町",
    "駅前",
    "東町",
    "西町",
    "南町",
    "北町",
    "新町",
    "若葉",
];
/// Cities per prefecture (JIS order): the prefectural capital first, then other large cities.
const CITIES: [&[&str]; 47] = [
    &["札幌市中央区", "旭川市", "函館市"],
    &["青森市", "八戸市"],
    &["盛岡市"],
    &["仙台市青葉区", "石巻市"],
    &["秋田市"],
    &["山形市"],
    &["福島市", "郡山市", "いわき市"],
    &["水戸市", "つくば市"],
    &["宇都宮市"],
    &["前橋市", "高崎市"],
    &["さいたま市浦和区", "川越市", "川口市"],
    &["千葉市中央区", "船橋市", "柏市"],
    &["千代田区", "新宿区", "港区", "八王子市", "立川市"],
    &["横浜市西区", "川崎市川崎区", "相模原市中央区"],
    &["新潟市中央区", "長岡市"],
    &["富山市"],
    &["金沢市"],
    &["福井市"],
    &["甲府市"],
    &["長野市", "松本市"],
    &["岐阜市"],
    &["静岡市葵区", "浜松市中央区"],
    &["名古屋市中区", "豊田市", "岡崎市"],
    &["津市", "四日市市"],
    &["大津市"],
    &["京都市中京区"],
    &["大阪市北区", "堺市堺区", "東大阪市"],
    &["神戸市中央区", "姫路市", "尼崎市"],
    &["奈良市"],
    &["和歌山市"],
    &["鳥取市"],
    &["松江市"],
    &["岡山市北区", "倉敷市"],
    &["広島市中区", "福山市"],
    &["山口市", "下関市"],
    &["徳島市"],
    &["高松市"],
    &["松山市"],
    &["高知市"],
    &["福岡市博多区", "北九州市小倉北区", "久留米市"],
    &["佐賀市"],
    &["長崎市", "佐世保市"],
    &["熊本市中央区"],
    &["大分市"],
    &["宮崎市"],
    &["鹿児島市"],
    &["那覇市"],
];
const FEES: &[&str] = &[
    "年間契約：従業員1人あたり月額300円（精神科医の面接を含む）",
    "年間契約：基本料月額3万円＋面接1回5,000円",
    "面接1回50分8,000円、精神科医面接は1回15,000円",
    "年間契約：従業員規模に応じた定額制（見積）",
];
const HOURS: &[&str] = &[
    "平日 9:00〜18:00",
    "平日 9:00〜19:00、第2・第4土曜 10:00〜15:00",
    "平日 10:00〜20:00、土曜 9:00〜12:00",
    "月〜土 9:00〜17:00",
];
const OTHER: &[&str] = &[
    "管理監督者研修、職場復帰支援",
    "ストレスチェック実施代行、集団分析",
    "セルフケア研修、ハラスメント相談窓口",
    "なし",
];

fn person(rng: &mut Rng) -> String {
    format!("{} {}", rng.pick(FAMILY), rng.pick(GIVEN))
}

/// 13 digits with a valid check digit (法人番号), unique per index and far from real-looking ranges.
fn corporate_number(seq: u64) -> String {
    let base = format!("{:012}", 900_000_000_000u64 + seq);
    let sum: u32 = base
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, d)| u32::from(d - b'0') * if i % 2 == 0 { 1 } else { 2 })
        .sum();
    format!("{}{base}", 9 - sum % 9)
}

/// Registration numbers after those used: this year's first, then earlier years (rooms registered earlier and
/// renewed since keep their number, REG-4).
struct RegNumbers {
    year: i32,
    next: u32,
    used: BTreeMap<i32, u32>,
}

impl RegNumbers {
    fn take(&mut self) -> Option<(i32, u32)> {
        while self.next > 9_999 {
            self.year -= 1;
            if self.year < 1_000 {
                return None;
            }
            self.next = self.used.get(&self.year).copied().unwrap_or(0) + 1;
        }
        let n = (self.year, self.next);
        self.used.insert(self.year, self.next);
        self.next += 1;
        Some(n)
    }
}

/// Generates `n` organizations with their listings and cases unless a generation was recorded already (then
/// returns None). `progress(done, n)` is called after each transaction.
pub async fn generate(
    state: &AppState,
    n: u32,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> anyhow::Result<Option<Generated>> {
    if settings::get(&state.db, SETTING).await?.is_some() {
        return Ok(None);
    }
    let catalog = crate::acc::ensure_catalog(state)
        .await
        .map_err(|e| anyhow::anyhow!("{e}: {}", e.detail()))?;
    let coordinator = users::by_email(state.db.pool(), "coordinator@nintei.example")
        .await?
        .map(|u| u.id);
    let today = state.clock.today();
    let now = state.clock.now().timestamp();

    let mut tx = state.db.begin_write().await?;
    let reg_used = bulk::reg_counters(&mut tx).await?;
    let acc_used = bulk::acc_counters(&mut tx).await?;
    tx.commit().await?;
    let mut reg_numbers = RegNumbers {
        year: today.year(),
        next: reg_used.get(&today.year()).copied().unwrap_or(0) + 1,
        used: reg_used,
    };
    let mut acc_numbers = acc_used;

    let mut rng = Rng(0x6e69_6e74_6569 ^ u64::from(n));
    let mut out = Generated::default();
    let mut start = 0u32;
    while start < n {
        let end = n.min(start.saturating_add(CHUNK));
        let mut tx = state.db.begin_write().await?;
        bulk::large_cache(&mut tx, state.db.backend()).await?;
        let chunk = build_chunk(
            &mut rng,
            start..end,
            today,
            now,
            &catalog,
            coordinator.as_deref(),
            &mut reg_numbers,
            &mut acc_numbers,
        )?;
        out.organizations += chunk.organizations.len() as u64;
        out.registrations += chunk.registrations.len() as u64;
        out.cases += chunk.cases.len() as u64;
        out.accreditations += chunk.accreditations.len() as u64;
        write_chunk(&mut tx, chunk).await?;
        tx.commit().await?;
        start = end;
        progress(u64::from(start), u64::from(n));
    }

    let mut tx = state.db.begin_write().await?;
    for (year, last) in &reg_numbers.used {
        bulk::set_reg_counter(&mut tx, *year, *last).await?;
    }
    for (year, last) in &acc_numbers {
        bulk::set_acc_counter(&mut tx, *year, *last).await?;
    }
    settings::set(
        &mut tx,
        SETTING,
        &json!({"n": n, "organizations": out.organizations, "registrations": out.registrations,
                "cases": out.cases, "accreditations": out.accreditations})
        .to_string(),
    )
    .await?;
    tx.commit().await?;
    bulk::analyze(&state.db).await?;
    Ok(Some(out))
}

#[derive(Default)]
struct Chunk {
    organizations: Vec<Vec<Value>>,
    sites: Vec<Vec<Value>>,
    registrations: Vec<Vec<Value>>,
    cases: Vec<Vec<Value>>,
    accreditations: Vec<Vec<Value>>,
    reg_docs: Vec<search::Doc>,
    acc_docs: Vec<search::Doc>,
}

/// Case statuses of the generated cases: accredited three times in ten, the rest spread over the process.
const STATUSES: &[CaseStatus] = &[
    CaseStatus::Accredited,
    CaseStatus::Accredited,
    CaseStatus::Accredited,
    CaseStatus::Accredited,
    CaseStatus::Submitted,
    CaseStatus::Accepted,
    CaseStatus::SelfStudy,
    CaseStatus::SiteVisit,
    CaseStatus::ReportIssued,
    CaseStatus::Committee,
    CaseStatus::Deferred,
    CaseStatus::Denied,
    CaseStatus::Withdrawn,
];

fn opt(d: Option<NaiveDate>) -> Value {
    Value::OptText(d.map(iso))
}

#[allow(clippy::too_many_arguments)]
fn build_chunk(
    rng: &mut Rng,
    range: std::ops::Range<u32>,
    today: NaiveDate,
    now: i64,
    catalog: &str,
    coordinator: Option<&str>,
    reg_numbers: &mut RegNumbers,
    acc_numbers: &mut BTreeMap<i32, u32>,
) -> anyhow::Result<Chunk> {
    let mut c = Chunk::default();
    for i in range {
        let pref_index = rng.below(Prefecture::ALL.len());
        let pref = Prefecture::ALL[pref_index];
        let city = *rng.pick(CITIES[pref_index]);
        let city_word = city.split('市').next().unwrap_or(city);
        let address = format!(
            "{}{}{}{}丁目{}-{}",
            pref.name_ja(),
            city,
            rng.pick(TOWNS),
            rng.range(1, 9),
            rng.range(1, 30),
            rng.range(1, 20)
        );
        let (legal_form, name) = match rng.below(4) {
            0 => (
                "ippan_shadan",
                format!("一般社団法人{city_word}{}メンタルヘルス協会", rng.pick(WORDS)),
            ),
            1 => (
                "iryo_hojin",
                format!("医療法人社団{}会 {}", rng.pick(WORDS), rng.pick(BUSINESS)),
            ),
            2 => (
                "npo_hojin",
                format!("NPO法人{}こころの相談室{city_word}", rng.pick(WORDS)),
            ),
            _ => (
                "kabushiki_kaisha",
                format!("株式会社{}{}{city_word}", rng.pick(WORDS), rng.pick(BUSINESS)),
            ),
        };
        let org_id = new_id();
        let contact = person(rng);
        c.organizations.push(vec![
            org_id.clone().into(),
            name.clone().into(),
            legal_form.into(),
            Value::OptText(Some(corporate_number(u64::from(i)))),
            pref.code().into(),
            address.clone().into(),
            format!("代表 {}", person(rng)).into(),
            contact.into(),
            format!("info{i}@scale.example").into(),
            format!("0{}-555-{:04}", rng.range(3, 99), i % 10_000).into(),
            1i64.into(),
            now.into(),
            now.into(),
        ]);

        // REG: one registered counseling room (REG-2), published with its REG-5 disclosure.
        let site_id = new_id();
        let site_name = format!("{}相談室", rng.pick(TOWNS));
        c.sites.push(vec![
            site_id.clone().into(),
            org_id.clone().into(),
            site_name.clone().into(),
            pref.code().into(),
            address.clone().into(),
            now.into(),
        ]);
        let Some((year, seq)) = reg_numbers.take() else {
            anyhow::bail!("no registration numbers left (9,999 a year)");
        };
        let number = format!("REG-{year}-{seq:04}");
        let first = (NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today)
            + Duration::days(rng.range(0, 364)))
        .min(today);
        let registered_on = (today - Duration::days(rng.range(0, 1_000))).max(first);
        let Some(expires_on) = dates::expires_on(registered_on) else {
            anyhow::bail!("no expiry for {registered_on}");
        };
        let counselors: Vec<Counselor> = (0..rng.range(1, 3))
            .map(|k| Counselor {
                name: person(rng),
                qualification: *rng.pick(&Qualification::ALL[..5]),
                full_time: k == 0,
                years_of_practice: u32::try_from(rng.range(if k == 0 { 5 } else { 1 }, 20)).unwrap_or(5),
                months_of_practice: 0,
                main_duty: Some(true),
                three_days_a_week: Some(true),
            })
            .collect();
        let psychiatrists = vec![Psychiatrist {
            name: person(rng),
            clinical_years: u32::try_from(rng.range(5, 30)).unwrap_or(5),
            oh_qualification: OhQualification::Ishl13_2,
            institution_name: format!("{}メンタルクリニック", rng.pick(FAMILY)),
            institution_address: format!(
                "{}{}{}1-{}",
                pref.name_ja(),
                city,
                rng.pick(TOWNS),
                rng.range(1, 30)
            ),
        }];
        let mut methods = vec![Method::FaceToFace];
        for m in [Method::Phone, Method::Email, Method::Online] {
            if rng.below(2) == 0 {
                methods.push(m);
            }
        }
        let answers = Disclosure {
            fee_structure: (*rng.pick(FEES)).into(),
            hours: (*rng.pick(HOURS)).into(),
            methods,
            other_services: (*rng.pick(OTHER)).into(),
            track_record: format!("契約事業場 {}社（前年度）", rng.range(3, 120)),
        };
        let public = PublicDisclosure::new(&answers, &counselors, &psychiatrists);
        let registration = Registration {
            id: new_id(),
            number: number.clone(),
            organization_id: org_id.clone(),
            site_id: site_id.clone(),
            case_id: new_id(),
            first_registered_on: first,
            registered_on,
            expires_on,
            status: Status::Registered,
            disclosure: public,
            counselors,
            psychiatrists,
            disclosure_answers: answers,
            ended_on: None,
            end_reason: None,
            version: 1,
            next: None,
        };
        c.registrations.push(vec![
            registration.id.clone().into(),
            number.clone().into(),
            org_id.clone().into(),
            site_id.into(),
            registration.case_id.clone().into(),
            iso(first).into(),
            iso(registered_on).into(),
            iso(expires_on).into(),
            registration.status.as_str().into(),
            serde_json::to_string(&registration.disclosure)?.into(),
            serde_json::to_string(&registration.counselors)?.into(),
            serde_json::to_string(&registration.psychiatrists)?.into(),
            serde_json::to_string(&registration.disclosure_answers)?.into(),
            1i64.into(),
            now.into(),
            now.into(),
        ]);
        let listed = Listed {
            registration,
            organization_name: name.clone(),
            site_name,
            prefecture: pref.code().into(),
            address,
        };
        c.reg_docs.push(registration_doc(&listed));

        // ACC: one case, in a status spread over the process (ACC-3 … ACC-11).
        let status = *rng.pick(STATUSES);
        let applied_on = today - Duration::days(rng.range(200, 1_000));
        let mut codes: Vec<ServiceCode> = ServiceCode::ALL
            .iter()
            .copied()
            .filter(|_| rng.below(3) == 0)
            .collect();
        if codes.is_empty() {
            codes.push(*rng.pick(&ServiceCode::ALL));
        }
        let services: Vec<ServiceEntry> = codes
            .iter()
            .map(|code| ServiceEntry {
                code: *code,
                started_on: applied_on - Duration::days(400),
            })
            .collect();
        let past_acceptance = !matches!(status, CaseStatus::Submitted);
        let decided = matches!(
            status,
            CaseStatus::Accredited | CaseStatus::Deferred | CaseStatus::Denied
        );
        let decided_on = decided.then(|| (applied_on + Duration::days(rng.range(150, 190))).min(today));
        let mut accreditation = None;
        if status == CaseStatus::Accredited
            && let Some(on) = decided_on
            && let Some(expires) = accreditation_expires_on(on)
        {
            let seq = acc_numbers.entry(on.year()).or_insert(0);
            *seq += 1;
            accreditation = Some((format!("MH-{}-{:04}", on.year(), *seq), on, expires));
        }
        let case_id = new_id();
        let outcome = match status {
            CaseStatus::Accredited => Some("accredit"),
            CaseStatus::Deferred => Some("defer"),
            CaseStatus::Denied => Some("deny"),
            _ => None,
        };
        let services_json = serde_json::to_string(&services)?;
        c.cases.push(vec![
            case_id.clone().into(),
            org_id.clone().into(),
            Value::OptText(None),
            services_json.into(),
            "[]".into(),
            (rng.range(5, 500) * 1_000_000).into(),
            iso(applied_on).into(),
            json!({"contact": {"department": "人事部", "name": person(rng), "phone": null, "fax": null,
                               "email": format!("acc{i}@scale.example")},
                   "attachments": [], "board_decided": true})
            .to_string()
            .into(),
            catalog.into(),
            status.as_str().into(),
            1i64.into(),
            Value::OptInt(past_acceptance.then_some(1)),
            opt(past_acceptance.then(|| applied_on + Duration::days(14))),
            Value::OptText(coordinator.filter(|_| past_acceptance).map(str::to_owned)),
            Value::OptText(outcome.map(str::to_owned)),
            opt(decided_on),
            Value::OptText(accreditation.as_ref().map(|a| a.0.clone())),
            opt(accreditation.as_ref().map(|a| a.1)),
            opt(accreditation.as_ref().map(|a| a.2)),
            now.into(),
            now.into(),
        ]);
        if let Some((number, on, expires)) = accreditation {
            c.accreditations.push(vec![
                new_id().into(),
                number.clone().into(),
                org_id.clone().into(),
                case_id.into(),
                Value::OptText(None),
                serde_json::to_string(&codes)?.into(),
                iso(on).into(),
                iso(expires).into(),
                "active".into(),
                now.into(),
            ]);
            let public = PublicAccreditation {
                number: number.clone(),
                organization_name: name,
                prefecture: pref.code().into(),
                services: codes,
                accredited_on: on,
                expires_on: expires,
                status: "active".into(),
            };
            c.acc_docs.push(accreditation_doc(&public));
        }
    }
    Ok(c)
}

async fn write_chunk(tx: &mut Tx, c: Chunk) -> anyhow::Result<()> {
    insert_rows(
        tx,
        "organizations",
        &[
            "id",
            "name",
            "legal_form",
            "corporate_number",
            "prefecture",
            "address",
            "representative",
            "contact_name",
            "contact_email",
            "contact_phone",
            "version",
            "created_at",
            "updated_at",
        ],
        c.organizations,
    )
    .await?;
    insert_rows(
        tx,
        "sites",
        &[
            "id",
            "organization_id",
            "name",
            "prefecture",
            "address",
            "created_at",
        ],
        c.sites,
    )
    .await?;
    insert_rows(
        tx,
        "registrations",
        &[
            "id",
            "number",
            "organization_id",
            "site_id",
            "case_id",
            "first_registered_on",
            "registered_on",
            "expires_on",
            "status",
            "disclosure",
            "counselors",
            "psychiatrists",
            "disclosure_answers",
            "version",
            "created_at",
            "updated_at",
        ],
        c.registrations,
    )
    .await?;
    insert_rows(
        tx,
        "acc_cases",
        &[
            "id",
            "organization_id",
            "unit_name",
            "services",
            "other_services",
            "annual_revenue_yen",
            "applied_on",
            "application",
            "catalog_version",
            "status",
            "version",
            "eligibility_decision",
            "eligibility_decided_on",
            "coordinator_id",
            "outcome",
            "decided_on",
            "accreditation_number",
            "accredited_on",
            "expires_on",
            "created_at",
            "updated_at",
        ],
        c.cases,
    )
    .await?;
    insert_rows(
        tx,
        "accreditations",
        &[
            "id",
            "number",
            "organization_id",
            "case_id",
            "unit_name",
            "services",
            "accredited_on",
            "expires_on",
            "status",
            "created_at",
        ],
        c.accreditations,
    )
    .await?;
    search::index_new(tx, REGISTRATION, &c.reg_docs).await?;
    search::index_new(tx, ACCREDITATION, &c.acc_docs).await?;
    Ok(())
}
