//! `nintei demo`: a fictional data set (Japanese organizations, one user of every role) for a newcomer to
//! click through. Every name, number and address here is invented.

use nintei_domain::role::Role;
use nintei_store::organizations::{self, Contact, Organization, Site};
use nintei_store::{AuditEvent, audit, users};
use serde_json::json;

use crate::account::{NewAccount, create_account};
use crate::security;
use crate::state::AppState;

/// The password of every demo account (printed by `nintei serve --demo` and shown on the demo login page).
pub const DEMO_PASSWORD: &str = "Kaede-Sakura-4172";
/// The demo administrator's TOTP secret: the demo login page shows the current code, so no app is needed.
pub const DEMO_ADMIN_TOTP: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

pub const DEMO_USERS: &[(&str, &str, Role)] = &[
    ("admin@nintei.example", "管理 太郎", Role::Admin),
    ("office@nintei.example", "事務 花子", Role::Office),
    ("head@nintei.example", "本部 一郎", Role::Head),
    ("coordinator@nintei.example", "支援 美咲", Role::Coordinator),
    ("surveyor@nintei.example", "調査 健", Role::Surveyor),
    ("surveyor2@nintei.example", "調査 由美", Role::Surveyor),
    ("committee@nintei.example", "委員 誠", Role::Committee),
    ("org@kokoro-care.example", "心療 彩", Role::Organization),
    ("org@hamanasu.example", "高橋 洋子", Role::Organization),
];

/// The organization of each demo organization user: こころケア (with the demo cases and accreditation) and
/// はまなす (no case yet: it applies for a first accreditation, which an accredited organization may not, ACC-19/20).
const DEMO_ORG_USERS: &[(&str, usize)] = &[("org@kokoro-care.example", 0), ("org@hamanasu.example", 3)];

pub fn account_lines() -> Vec<String> {
    DEMO_USERS
        .iter()
        .map(|(email, _, role)| format!("{email} ({role}) / {DEMO_PASSWORD}"))
        .collect()
}

struct DemoOrg {
    name: &'static str,
    legal_form: &'static str,
    corporate_number: Option<&'static str>,
    prefecture: &'static str,
    address: &'static str,
    representative: &'static str,
    contact: (&'static str, &'static str, &'static str),
    sites: &'static [(&'static str, &'static str, &'static str)],
}

const ORGS: &[DemoOrg] = &[
    DemoOrg {
        name: "株式会社こころケア北九州",
        legal_form: "kabushiki_kaisha",
        corporate_number: Some("1290001012345"),
        prefecture: "40",
        address: "福岡県北九州市小倉北区浅野1-2-3 こころビル5階",
        representative: "代表取締役 山本 直子",
        contact: ("心療 彩", "contact@kokoro-care.example", "093-555-0101"),
        sites: &[
            (
                "小倉相談室",
                "40",
                "福岡県北九州市小倉北区浅野1-2-3 こころビル5階",
            ),
            ("博多相談室", "40", "福岡県福岡市博多区博多駅前4-5-6"),
        ],
    },
    DemoOrg {
        name: "一般社団法人東京メンタルヘルス支援機構",
        legal_form: "ippan_shadan",
        corporate_number: Some("8010401098765"),
        prefecture: "13",
        address: "東京都千代田区神田須田町2-7-1",
        representative: "代表理事 佐藤 健一",
        contact: ("鈴木 恵", "info@tokyo-mh.example", "03-5555-0202"),
        sites: &[("神田相談室", "13", "東京都千代田区神田須田町2-7-1")],
    },
    DemoOrg {
        name: "医療法人社団みなと会 産業保健センター",
        legal_form: "iryo_hojin",
        corporate_number: Some("7180005043210"),
        prefecture: "23",
        address: "愛知県名古屋市港区港明1-10-28",
        representative: "理事長 伊藤 真理",
        contact: ("加藤 浩", "eap@minato.example", "052-555-0303"),
        sites: &[],
    },
    DemoOrg {
        name: "NPO法人はまなすこころの相談室",
        legal_form: "npo_hojin",
        corporate_number: None,
        prefecture: "01",
        address: "北海道札幌市中央区北1条西2-1",
        representative: "理事長 高橋 洋子",
        contact: ("高橋 洋子", "soudan@hamanasu.example", "011-555-0404"),
        sites: &[("札幌相談室", "01", "北海道札幌市中央区北1条西2-1")],
    },
];

/// Loads the demo data unless it is there already; returns false when nothing was loaded.
pub async fn load(state: &AppState) -> anyhow::Result<bool> {
    if users::by_email(state.db.pool(), DEMO_USERS[0].0).await?.is_some() {
        return Ok(false);
    }
    let now = state.clock.now();
    let mut org_ids: Vec<String> = Vec::new();
    for o in ORGS {
        let org = Organization {
            id: String::new(),
            name: o.name.into(),
            legal_form: o.legal_form.into(),
            corporate_number: o.corporate_number.map(str::to_owned),
            prefecture: o.prefecture.into(),
            address: o.address.into(),
            representative: o.representative.into(),
            contact: Contact {
                name: o.contact.0.into(),
                email: o.contact.1.into(),
                phone: o.contact.2.into(),
            },
            version: 1,
        };
        let mut tx = state.db.begin_write().await?;
        let id = organizations::insert(&mut tx, &org, now.timestamp()).await?;
        for (name, pref, addr) in o.sites {
            let site = Site {
                id: String::new(),
                organization_id: id.clone(),
                name: (*name).into(),
                prefecture: (*pref).into(),
                address: (*addr).into(),
            };
            organizations::insert_site(&mut tx, &site, now.timestamp()).await?;
        }
        audit::append(
            &mut tx,
            &demo_event(
                now,
                "organization.create",
                "organization",
                &id,
                json!({"name": o.name}),
            ),
        )
        .await?;
        tx.commit().await?;
        org_ids.push(id);
    }
    for (email, name, role) in DEMO_USERS {
        let org = DEMO_ORG_USERS
            .iter()
            .find(|(e, _)| e == email)
            .and_then(|(_, i)| org_ids.get(*i))
            .map(String::as_str);
        let account = NewAccount {
            email,
            name,
            role: role.as_str(),
            organization_id: org,
            password: DEMO_PASSWORD,
        };
        let id = create_account(state, None, &account)
            .await
            .map_err(|e| anyhow::anyhow!("{e}: {}", e.detail()))?;
        if *role == Role::Admin {
            let mut tx = state.db.begin_write().await?;
            users::set_totp(&mut tx, &id, Some(DEMO_ADMIN_TOTP), true, now.timestamp()).await?;
            audit::append(
                &mut tx,
                &demo_event(now, "user.totp_enable", "user", &id, json!({"demo": true})),
            )
            .await?;
            tx.commit().await?;
        }
    }
    load_registrations(state).await?;
    load_accreditation_cases(state).await?;
    Ok(true)
}

fn demo_err(e: crate::error::AppError) -> anyhow::Error {
    anyhow::anyhow!("{e}: {}", e.detail())
}

async fn demo_caller(state: &AppState, email: &str) -> anyhow::Result<crate::caller::Caller> {
    let user = users::by_email(state.db.pool(), email)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo user {email} is missing"))?;
    Ok(crate::caller::Caller {
        user,
        request_id: "demo".into(),
    })
}

/// ACC demo: three cases taken through the same rules as the API, with dates relative to today — one accredited
/// (every standard rated, the decision, the invoice paid: its certificate and public listing), one in its
/// self-study, one application awaiting the eligibility decision (ACC-1 … ACC-11).
async fn load_accreditation_cases(state: &AppState) -> anyhow::Result<()> {
    use crate::acc::case::{
        self, ApplicationInput, DecisionInput, EligibilityInput, PaymentInput, PlanInput, RatingInput,
        ReportInput, SelfStudyInput, ServiceInput, SurveyorInput,
    };
    use crate::acc::study::{self, ConfirmationInput, NarrativeInput};
    let pool = state.db.pool();
    let office = demo_caller(state, "office@nintei.example").await?;
    let org_user = demo_caller(state, "org@kokoro-care.example").await?;
    let coordinator = demo_caller(state, "coordinator@nintei.example").await?;
    let lead = demo_caller(state, "surveyor@nintei.example").await?;
    let second = demo_caller(state, "surveyor2@nintei.example").await?;
    let today = state.clock.today();
    let day = |n: i64| (today + chrono::Duration::days(n)).to_string();
    let orgs = organizations::list(pool, 100).await?;
    let org_id = |name: &str| orgs.iter().find(|o| o.name == name).map(|o| o.id.clone());
    let apply = |org: String, applied: i64, services: &[&str]| ApplicationInput {
        organization_id: org,
        services: services
            .iter()
            .map(|c| ServiceInput {
                code: (*c).into(),
                started_on: day(applied - 3 * 365),
            })
            .collect(),
        other_services: Some(vec!["メール相談".into()]),
        annual_revenue_yen: Some(87_000_000),
        applied_on: day(applied),
        board_decided: Some(true),
        ..ApplicationInput::default()
    };

    // 1. Accredited: こころケア北九州 (the demo organization user's own).
    if let Some(org) = org_id(ORGS[0].name) {
        let id = case::apply(state, &office, &apply(org, -300, &["a", "c"]))
            .await
            .map_err(demo_err)?;
        let accept = EligibilityInput {
            eligible: Some(true),
            decided_on: day(-290),
            reason: None,
            board_decided: None,
        };
        case::decide_eligibility(state, &office, &id, &accept, None)
            .await
            .map_err(demo_err)?;
        let plan = PlanInput {
            coordinator_id: coordinator.user.id.clone(),
            coordinator_visit_on: Some(day(-260)),
            self_study_due_on: day(-200),
            site_visit_on: day(-170),
        };
        case::plan(state, &office, &id, &plan, None)
            .await
            .map_err(demo_err)?;
        let narrative = NarrativeInput {
            section: "ETH".into(),
            body: "倫理綱領を定め、全職員が年1回の研修で確認している。相談記録の取扱いは個人情報保護規程による。".into(),
        };
        study::save_narrative(state, &org_user, &id, &narrative)
            .await
            .map_err(demo_err)?;
        let confirm = ConfirmationInput {
            representative: None,
            confirmed_on: day(-206),
        };
        study::confirm(state, &org_user, &id, &confirm)
            .await
            .map_err(demo_err)?;
        let submit = SelfStudyInput {
            submitted_on: day(-205),
        };
        case::submit_self_study(state, &org_user, &id, &submit, None)
            .await
            .map_err(demo_err)?;
        for (who, is_lead) in [(&lead, true), (&second, false)] {
            let s = SurveyorInput {
                user_id: who.user.id.clone(),
                lead: is_lead,
            };
            case::add_surveyor(state, &office, &id, &s)
                .await
                .map_err(demo_err)?;
        }
        let case = nintei_store::acc::by_id(pool, &id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo case {id} is missing"))?;
        let catalog = crate::acc::catalog(state, &case.catalog_version)
            .await
            .map_err(demo_err)?;
        let codes = case.service_codes();
        for (i, s) in catalog.in_scope(&codes).enumerate() {
            let rating = RatingInput {
                standard: s.code.clone(),
                rating: json!(if i % 5 == 0 { 2 } else { 1 }),
                comment: None,
            };
            case::rate(state, &lead, &id, &rating).await.map_err(demo_err)?;
        }
        let report = ReportInput { issued_on: day(-150) };
        case::issue_report(state, &lead, &id, &report, None)
            .await
            .map_err(demo_err)?;
        let decision = DecisionInput {
            outcome: "accredit".into(),
            decided_on: day(-120),
            grace_until: None,
            reason: None,
        };
        case::decide(state, &office, &id, &decision, None)
            .await
            .map_err(demo_err)?;
        let invoices = nintei_store::invoices::for_case(&mut *state.db.acquire().await?, &id).await?;
        for invoice in invoices {
            let paid = PaymentInput {
                paid_on: day(-270),
                amount_yen: Some(invoice.total_yen - invoice.paid_yen()),
            };
            case::record_payment(state, &office, &id, &invoice.id, &paid)
                .await
                .map_err(demo_err)?;
        }
    }

    // 2. In its self-study: 東京メンタルヘルス支援機構 (due in two months, one section written).
    if let Some(org) = org_id(ORGS[1].name) {
        let id = case::apply(state, &office, &apply(org, -45, &["a", "b", "d"]))
            .await
            .map_err(demo_err)?;
        let accept = EligibilityInput {
            eligible: Some(true),
            decided_on: day(-35),
            reason: None,
            board_decided: None,
        };
        case::decide_eligibility(state, &office, &id, &accept, None)
            .await
            .map_err(demo_err)?;
        let plan = PlanInput {
            coordinator_id: coordinator.user.id.clone(),
            coordinator_visit_on: Some(day(14)),
            self_study_due_on: day(60),
            site_visit_on: day(95),
        };
        case::plan(state, &office, &id, &plan, None)
            .await
            .map_err(demo_err)?;
    }

    // 3. A new application awaiting the office's eligibility decision: みなと会.
    if let Some(org) = org_id(ORGS[2].name) {
        case::apply(state, &office, &apply(org, -3, &["a", "e"]))
            .await
            .map_err(demo_err)?;
    }
    Ok(())
}

/// REG demo: `(organization, room, days ago registered or None for an application under review, a finding?)`.
const DEMO_REGISTRATIONS: &[(&str, &str, Option<i64>, bool)] = &[
    ("株式会社こころケア北九州", "小倉相談室", Some(400), false),
    ("株式会社こころケア北九州", "博多相談室", None, true),
    (
        "一般社団法人東京メンタルヘルス支援機構",
        "神田相談室",
        Some(1000),
        false,
    ),
    ("NPO法人はまなすこころの相談室", "札幌相談室", Some(30), false),
];

/// Registered rooms and an application with a finding, filed and reviewed through the same rules as the API,
/// by the demo office user (REG-1 … REG-5).
async fn load_registrations(state: &AppState) -> anyhow::Result<()> {
    use crate::reg::{ApplicationInput, CounselorInput, DisclosureInput, PsychiatristInput, ReviewInput};
    let pool = state.db.pool();
    let caller = demo_caller(state, DEMO_USERS[1].0).await?;
    let today = state.clock.today();
    let orgs = organizations::list(pool, 100).await?;
    let all_yes: std::collections::BTreeMap<String, bool> = nintei_domain::reg::criteria::criteria()
        .iter()
        .map(|c| (c.code.to_owned(), true))
        .collect();
    for (org_name, room, registered_days_ago, finding) in DEMO_REGISTRATIONS {
        let Some(org) = orgs.iter().find(|o| o.name == *org_name) else {
            continue;
        };
        let Some(site) = organizations::sites(pool, &org.id)
            .await?
            .into_iter()
            .find(|s| s.name == *room)
        else {
            continue;
        };
        let decided = today - chrono::Duration::days(registered_days_ago.unwrap_or(0));
        let applied = decided - chrono::Duration::days(14);
        let input = ApplicationInput {
            organization_id: org.id.clone(),
            site_id: site.id.clone(),
            applied_on: applied.to_string(),
            renewal_of: None,
            criteria: all_yes.clone(),
            counselors: vec![
                CounselorInput {
                    name: "木村 さくら".into(),
                    qualification: "certified_public_psychologist".into(),
                    full_time: true,
                    years_of_practice: 9,
                    months_of_practice: 0,
                    main_duty: Some(true),
                    three_days_a_week: Some(true),
                },
                CounselorInput {
                    name: "林 拓也".into(),
                    qualification: if *finding { "other" } else { "industrial_counselor" }.into(),
                    full_time: false,
                    years_of_practice: 3,
                    months_of_practice: 0,
                    main_duty: Some(true),
                    three_days_a_week: Some(true),
                },
            ],
            psychiatrists: vec![PsychiatristInput {
                name: "森 一成".into(),
                clinical_years: 15,
                oh_qualification: "ishl_13_2".into(),
                institution_name: "もりメンタルクリニック（架空）".into(),
                institution_address: format!("{}（架空）", site.address),
            }],
            disclosure: DisclosureInput {
                fee_structure: "年間契約：従業員1人あたり月額350円（精神科医の面接を含む）".into(),
                hours: "平日 9:00〜19:00、第2・第4土曜 10:00〜15:00".into(),
                methods: vec!["face_to_face".into(), "phone".into(), "online".into()],
                other_services: "管理監督者研修、職場復帰支援".into(),
                track_record: "契約事業場 32社（前年度）、面接相談 年間410件".into(),
            },
            eligibility: Some(nintei_domain::reg::application::Eligibility {
                contracts_with_employers_for_fee: true,
                face_to_face_counseling: true,
                referral_to_medical_institutions: true,
                is_medical_care_facility: false,
            }),
            documents: Some(nintei_domain::reg::application::Documents::all()),
        };
        let applied = crate::reg::apply(state, &caller, &input)
            .await
            .map_err(|e| anyhow::anyhow!("{e}: {}", e.detail()))?;
        if registered_days_ago.is_some() {
            let review = ReviewInput {
                decision: "register".into(),
                decided_on: decided.to_string(),
                reason: None,
            };
            crate::reg::review(state, &caller, &applied.id, &review, None)
                .await
                .map_err(|e| anyhow::anyhow!("{e}: {}", e.detail()))?;
        }
    }
    Ok(())
}

fn demo_event(
    now: chrono::DateTime<chrono::Utc>,
    action: &str,
    entity: &str,
    id: &str,
    changes: serde_json::Value,
) -> AuditEvent {
    AuditEvent {
        at: now,
        actor_id: None,
        actor_role: Some("demo".into()),
        action: action.into(),
        entity: entity.into(),
        entity_id: id.into(),
        changes,
        request_id: "demo".into(),
    }
}

/// The demo administrator's current code, shown on the demo login page only.
pub fn current_admin_code(now: i64) -> String {
    security::totp_code(DEMO_ADMIN_TOTP, now.div_euclid(security::TOTP_STEP)).unwrap_or_default()
}
