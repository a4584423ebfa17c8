//! The standards catalog (認定基準, seed 003 第1章7) and its CSV import format.
//!
//! Structure: three groups (認定基準の種類), each of sections; a section has sub-sections; a sub-section opens
//! with one core-concept standard (`PQI 4`) followed by numbered practice standards (`PQI 4.01`, `PQI 4.02`),
//! some flagged fundamental (根幹的実践基準) in one of three categories. Lettered elements (`PQI 4.02(c)`) belong
//! to the text of their practice standard and are not rated, so they are not catalog rows.
//!
//! # Import format
//!
//! UTF-8 CSV (a BOM is ignored), header exactly `code,group,section,kind,fundamental,service,title`, one
//! standard per line. Fields may be quoted with `"` (`""` inside for a quote; commas and line breaks allowed
//! inside quotes). Blank lines are skipped; lines starting with `#` are comments, and the comment
//! `# nintei:sample` marks the file as a sample catalog.
//!
//! - `code`: `ETH 1` (core concept of sub-section 1) or `ETH 1.01` (practice standard): a section code of 2–4
//!   capital letters, one space, a sub-section number 1–99, optionally `.` and two digits 01–99.
//! - `group`: `運営と管理`, `サービス提供管理` or `サービス` (seed 003 第1章7(1)).
//! - `section`: the section's name, e.g. `倫理実践`; the same on every row of a section code.
//! - `kind`: `core_concept` or `practice`, matching the code's shape.
//! - `fundamental`: empty, `life_safety`, `health_welfare` or `client_rights`; practice standards only.
//! - `service`: `a`..`e` on rows of the group `サービス` (each service has one section), empty elsewhere.
//! - `title`: the standard's text, not empty.
//!
//! Every error is reported with its line, not only the first one.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::csv;
use super::service::ServiceCode;

/// 「運営と管理」認定基準.
pub const GROUP_ADMINISTRATION: &str = "運営と管理";
/// 「サービス提供管理」認定基準.
pub const GROUP_SERVICE_DELIVERY: &str = "サービス提供管理";
/// 「サービス」認定基準: one section per service a–e.
pub const GROUP_SERVICES: &str = "サービス";
pub const GROUPS: [&str; 3] = [GROUP_ADMINISTRATION, GROUP_SERVICE_DELIVERY, GROUP_SERVICES];

/// The sections the seed names, with COA's codes (docs/rules.md): the importer checks each is in its group.
pub const FIXED_SECTIONS: [(&str, &str, &str); 9] = [
    ("ETH", "倫理実践", GROUP_ADMINISTRATION),
    ("FIN", "財務管理", GROUP_ADMINISTRATION),
    ("GOV", "組織の統治", GROUP_ADMINISTRATION),
    ("HR", "人材管理", GROUP_ADMINISTRATION),
    ("PQI", "能力および品質の向上", GROUP_ADMINISTRATION),
    ("RPM", "リスクの予防と管理", GROUP_ADMINISTRATION),
    ("ASE", "業務およびサービス環境", GROUP_SERVICE_DELIVERY),
    ("CR", "クライアントの権利", GROUP_SERVICE_DELIVERY),
    ("TS", "訓練および監督", GROUP_SERVICE_DELIVERY),
];

/// The header line of the import format.
pub const CSV_HEADER: [&str; 7] = [
    "code",
    "group",
    "section",
    "kind",
    "fundamental",
    "service",
    "title",
];

/// The comment that marks a file as a sample catalog.
pub const SAMPLE_DIRECTIVE: &str = "nintei:sample";

const SAMPLE_CSV: &str = include_str!("../../data/acc/sample-standards.csv");
/// Version label of the shipped sample catalog.
pub const SAMPLE_VERSION: &str = "sample-1";

/// 基本概念基準 or 実践基準.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    CoreConcept,
    Practice,
}

impl Kind {
    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::CoreConcept => "core_concept",
            Kind::Practice => "practice",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        [Kind::CoreConcept, Kind::Practice]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// The category of a 根幹的実践基準 (seed 003 第1章7(2)⑤ a–c).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Fundamental {
    /// 根本的生命の安全
    LifeSafety,
    /// 健康と福祉
    HealthWelfare,
    /// クライアントの権利
    ClientRights,
}

impl Fundamental {
    pub const ALL: [Fundamental; 3] = [
        Fundamental::LifeSafety,
        Fundamental::HealthWelfare,
        Fundamental::ClientRights,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Fundamental::LifeSafety => "life_safety",
            Fundamental::HealthWelfare => "health_welfare",
            Fundamental::ClientRights => "client_rights",
        }
    }

    pub const fn label_ja(self) -> &'static str {
        match self {
            Fundamental::LifeSafety => "生命の安全",
            Fundamental::HealthWelfare => "健康と福祉",
            Fundamental::ClientRights => "クライアントの権利",
        }
    }

    pub fn parse(s: &str) -> Option<Fundamental> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// A standard's code, parsed: `ETH 1` → (`ETH`, 1, None), `PQI 4.02` → (`PQI`, 4, Some(2)).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StandardCode {
    pub section: String,
    pub sub_section: u32,
    pub practice: Option<u32>,
}

impl StandardCode {
    /// Parses the exact shape of the import format; the message (Japanese) says what was expected.
    pub fn parse(s: &str) -> Result<StandardCode, String> {
        let shape = || format!("基準番号「{s}」の形が正しくありません（例: ETH 1、ETH 1.01）");
        if s.contains('(') {
            return Err(format!(
                "基準番号「{s}」は要素（(a) など）です。要素は実践基準の本文に含め、行にしないでください"
            ));
        }
        let (section, number) = s.split_once(' ').ok_or_else(shape)?;
        if !(2..=4).contains(&section.len()) || !section.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(shape());
        }
        let (sub, practice) = match number.split_once('.') {
            Some((sub, practice)) => (sub, Some(practice)),
            None => (number, None),
        };
        let sub_section = small_number(sub).ok_or_else(shape)?;
        let practice = match practice {
            Some(p) if p.len() == 2 => Some(two_digits(p).ok_or_else(shape)?),
            Some(_) => return Err(shape()),
            None => None,
        };
        Ok(StandardCode {
            section: section.to_owned(),
            sub_section,
            practice,
        })
    }

    /// The kind the code's shape implies.
    pub const fn kind(&self) -> Kind {
        match self.practice {
            Some(_) => Kind::Practice,
            None => Kind::CoreConcept,
        }
    }
}

/// 1–99 without a leading zero.
fn small_number(s: &str) -> Option<u32> {
    let ok = matches!(s.len(), 1 | 2) && s.bytes().all(|b| b.is_ascii_digit()) && !s.starts_with('0');
    ok.then(|| s.parse().ok()).flatten()
}

/// 01–99.
fn two_digits(s: &str) -> Option<u32> {
    let n: u32 = s.parse().ok().filter(|_| s.bytes().all(|b| b.is_ascii_digit()))?;
    (n >= 1).then_some(n)
}

impl fmt::Display for StandardCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.practice {
            Some(p) => write!(f, "{} {}.{:02}", self.section, self.sub_section, p),
            None => write!(f, "{} {}", self.section, self.sub_section),
        }
    }
}

/// One standard of the catalog (API `GET /accreditation/standards` item, plus `service`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Standard {
    pub code: String,
    pub group: String,
    /// The section's name (`倫理実践`); its code is the part of `code` before the space.
    pub section: String,
    pub kind: Kind,
    pub fundamental: Option<Fundamental>,
    pub title: String,
    /// Set on the service sections: the standard is in scope only when the case includes this service.
    pub service: Option<ServiceCode>,
}

impl Standard {
    /// `ETH` of `ETH 1.01`.
    pub fn section_code(&self) -> &str {
        self.code
            .split_once(' ')
            .map_or(self.code.as_str(), |(section, _)| section)
    }

    pub fn is_core_concept(&self) -> bool {
        self.kind == Kind::CoreConcept
    }
}

/// A standards catalog in force. `sample` marks the shipped sample (its texts are not COA's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Catalog {
    pub version: String,
    pub sample: bool,
    pub standards: Vec<Standard>,
}

impl Catalog {
    /// The standards a case with `services` is assessed against, in catalog order: every standard of the
    /// administration and service-delivery groups, and the service sections of the case's services only.
    pub fn in_scope<'a>(&'a self, services: &'a [ServiceCode]) -> impl Iterator<Item = &'a Standard> + 'a {
        self.standards
            .iter()
            .filter(move |s| s.service.is_none_or(|service| services.contains(&service)))
    }

    pub fn get(&self, code: &str) -> Option<&Standard> {
        self.standards.iter().find(|s| s.code == code)
    }
}

/// A problem found while importing a catalog; `line` is 1-based and points at the offending row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error, utoipa::ToSchema)]
#[error("{line}行目: {message}")]
pub struct CatalogError {
    pub line: usize,
    pub message: String,
}

fn err(line: usize, message: impl Into<String>) -> CatalogError {
    CatalogError {
        line,
        message: message.into(),
    }
}

/// The shipped sample catalog (`data/acc/sample-standards.csv`), with the real group and section structure of
/// seed 003 第1章7 and texts written for nintei. The unit tests prove it parses; the empty fallback exists only
/// because the lints forbid panicking.
pub fn sample_catalog() -> Catalog {
    parse_catalog_csv(SAMPLE_CSV, SAMPLE_VERSION).unwrap_or_else(|_| Catalog {
        version: SAMPLE_VERSION.to_owned(),
        sample: true,
        standards: Vec::new(),
    })
}

/// Where a section code was first seen, to check later rows agree with it.
struct SectionInfo {
    line: usize,
    group: String,
    name: String,
    service: Option<ServiceCode>,
}

/// Imports a catalog in the format of this module's documentation. All errors are returned, in line order.
pub fn parse_catalog_csv(text: &str, version: &str) -> Result<Catalog, Vec<CatalogError>> {
    let parsed = csv::read(text);
    let mut errors: Vec<CatalogError> = parsed.errors.into_iter().map(|(l, m)| err(l, m)).collect();
    let sample = parsed.comments.iter().any(|c| c.trim() == SAMPLE_DIRECTIVE);
    let mut records = parsed.records.into_iter();

    let Some(header) = records.next() else {
        errors.push(err(
            1,
            format!("見出し行「{}」がありません", CSV_HEADER.join(",")),
        ));
        return Err(errors);
    };
    if header.fields != CSV_HEADER {
        errors.push(err(
            header.line,
            format!("見出し行は「{}」にしてください", CSV_HEADER.join(",")),
        ));
        errors.sort_by_key(|e| e.line);
        return Err(errors);
    }

    let mut standards = Vec::new();
    let mut lines_of: HashMap<String, usize> = HashMap::new();
    let mut sections = SectionIndex::default();
    let mut core_concepts: HashSet<(String, u32)> = HashSet::new();
    let mut practices: Vec<(usize, String, u32)> = Vec::new();

    for record in records {
        let line = record.line;
        let (standard, code) = match parse_row(record.fields) {
            Ok(row) => row,
            Err(messages) => {
                errors.extend(messages.into_iter().map(|m| err(line, m)));
                continue;
            }
        };
        // Checks across rows; a row failing them is reported and left out.
        let before = errors.len();
        if let Some(first) = lines_of.get(&standard.code) {
            errors.push(err(
                line,
                format!(
                    "基準番号「{}」が重複しています（{first}行目と同じ）",
                    standard.code
                ),
            ));
        }
        sections.check(
            &mut errors,
            line,
            &code,
            &standard.group,
            &standard.section,
            standard.service,
        );
        if errors.len() > before {
            continue;
        }
        lines_of.insert(standard.code.clone(), line);
        match standard.kind {
            Kind::CoreConcept => {
                core_concepts.insert((code.section, code.sub_section));
            }
            Kind::Practice => practices.push((line, code.section, code.sub_section)),
        }
        standards.push(standard);
    }

    // A sub-section opens with its core concept (seed 003 第1章7(2)②): report each sub-section once.
    let mut reported = HashSet::new();
    for (line, section, sub) in practices {
        if !core_concepts.contains(&(section.clone(), sub)) && reported.insert((section.clone(), sub)) {
            errors.push(err(
                line,
                format!("サブセクション「{section} {sub}」に基本概念基準「{section} {sub}」がありません"),
            ));
        }
    }
    if standards.is_empty() && errors.is_empty() {
        errors.push(err(header.line, "基準が1件もありません"));
    }

    if errors.is_empty() {
        Ok(Catalog {
            version: version.to_owned(),
            sample,
            standards,
        })
    } else {
        errors.sort_by_key(|e| e.line);
        Err(errors)
    }
}

/// One row on its own: every field's shape, and the rules between fields of the row.
fn parse_row(fields: Vec<String>) -> Result<(Standard, StandardCode), Vec<String>> {
    let [code, group, section, kind, fundamental, service, title] = <[String; 7]>::try_from(fields)
        .map_err(|fields| vec![format!("列の数が{}です（7列必要です）", fields.len())])?;
    let mut messages = Vec::new();

    let parsed_code = StandardCode::parse(&code).map_err(|m| messages.push(m)).ok();
    let known_group = GROUPS.contains(&group.as_str());
    if !known_group {
        messages.push(format!(
            "group「{group}」は「{}」のいずれかにしてください",
            GROUPS.join("」「")
        ));
    }
    if section.is_empty() {
        messages.push("section（セクション名）が空です".to_owned());
    }
    let kind_value = Kind::parse(&kind);
    if kind_value.is_none() {
        messages.push(format!(
            "kind「{kind}」は core_concept か practice にしてください"
        ));
    }
    let fundamental_value = optional(&fundamental, Fundamental::parse, &mut messages, || {
        format!(
            "fundamental「{fundamental}」は空、life_safety、health_welfare、client_rights のいずれかにしてください"
        )
    });
    let service_value = optional(&service, ServiceCode::parse, &mut messages, || {
        format!("service「{service}」は a〜e のいずれかにしてください")
    });
    if title.is_empty() {
        messages.push("title（基準の本文）が空です".to_owned());
    }
    if let (Some(code), Some(kind)) = (&parsed_code, kind_value)
        && code.kind() != kind
    {
        messages.push(format!(
            "基準番号「{code}」の形は {} ですが kind が {} です",
            code.kind().as_str(),
            kind.as_str()
        ));
    }
    if kind_value == Some(Kind::CoreConcept) && !fundamental.is_empty() {
        messages.push("根幹的実践基準（fundamental）は実践基準にだけ付けられます".to_owned());
    }
    if group == GROUP_SERVICES && service.is_empty() {
        messages.push("「サービス」認定基準の行には service（a〜e）が必要です".to_owned());
    }
    if known_group && group != GROUP_SERVICES && !service.is_empty() {
        messages.push("service は「サービス」認定基準の行にだけ書けます".to_owned());
    }

    match (parsed_code, kind_value) {
        (Some(parsed_code), Some(kind)) if messages.is_empty() => Ok((
            Standard {
                code,
                group,
                section,
                kind,
                fundamental: fundamental_value,
                title,
                service: service_value,
            },
            parsed_code,
        )),
        _ => Err(messages),
    }
}

/// An optional column: empty is `None`; anything else must parse.
fn optional<T>(
    value: &str,
    parse: impl Fn(&str) -> Option<T>,
    messages: &mut Vec<String>,
    message: impl FnOnce() -> String,
) -> Option<T> {
    if value.is_empty() {
        return None;
    }
    let parsed = parse(value);
    if parsed.is_none() {
        messages.push(message());
    }
    parsed
}

/// Section codes seen so far: a section code means one section (same group, name and service on every row), a
/// fixed section stays in its seed group, and each service has one section.
#[derive(Default)]
struct SectionIndex {
    sections: HashMap<String, SectionInfo>,
    by_service: HashMap<ServiceCode, (String, usize)>,
}

impl SectionIndex {
    fn check(
        &mut self,
        errors: &mut Vec<CatalogError>,
        line: usize,
        code: &StandardCode,
        group: &str,
        name: &str,
        service: Option<ServiceCode>,
    ) {
        if let Some((_, _, fixed_group)) = FIXED_SECTIONS.iter().find(|(c, _, _)| *c == code.section)
            && group != *fixed_group
        {
            errors.push(err(
                line,
                format!("セクション{}は「{fixed_group}」認定基準に属します", code.section),
            ));
        }
        if let Some(first) = self.sections.get(&code.section) {
            if first.group != group || first.name != name || first.service != service {
                errors.push(err(
                    line,
                    format!(
                        "セクション{}の group・section・service が{}行目と食い違っています",
                        code.section, first.line
                    ),
                ));
            }
            return;
        }
        if let Some(service) = service.filter(|_| group == GROUP_SERVICES) {
            match self.by_service.get(&service) {
                Some((other, other_line)) => errors.push(err(
                    line,
                    format!("サービス{service}のセクションは{other_line}行目の{other}と重複しています"),
                )),
                None => {
                    self.by_service.insert(service, (code.section.clone(), line));
                }
            }
        }
        self.sections.insert(
            code.section.clone(),
            SectionInfo {
                line,
                group: group.to_owned(),
                name: name.to_owned(),
                service,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HEADER: &str = "code,group,section,kind,fundamental,service,title\n";

    fn parse(body: &str) -> Result<Catalog, Vec<CatalogError>> {
        parse_catalog_csv(&format!("{HEADER}{body}"), "test")
    }

    fn error_lines(body: &str) -> Vec<usize> {
        match parse(body) {
            Ok(_) => vec![],
            Err(errors) => {
                let mut lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
                lines.dedup();
                lines
            }
        }
    }

    #[test]
    fn the_sample_catalog_parses_and_is_marked_sample() {
        let parsed = parse_catalog_csv(SAMPLE_CSV, SAMPLE_VERSION);
        assert!(parsed.is_ok(), "{parsed:?}");
        let catalog = sample_catalog();
        assert!(catalog.sample);
        assert_eq!(catalog.version, SAMPLE_VERSION);
        assert!(catalog.standards.len() > 60);
    }

    #[test]
    fn the_sample_has_the_seed_structure() {
        let catalog = sample_catalog();
        let mut codes: Vec<(&str, &str, &str, Option<ServiceCode>)> = Vec::new();
        for s in &catalog.standards {
            let key = (s.group.as_str(), s.section_code(), s.section.as_str(), s.service);
            if !codes.contains(&key) {
                codes.push(key);
            }
        }
        let fixed: Vec<_> = FIXED_SECTIONS
            .iter()
            .map(|(c, n, g)| (*g, *c, *n, None))
            .collect();
        assert_eq!(codes[..9], fixed[..]);
        let services: Vec<_> = codes[9..].iter().map(|(g, _, n, s)| (*g, *n, *s)).collect();
        let expected: Vec<_> = ServiceCode::ALL
            .iter()
            .map(|s| (GROUP_SERVICES, s.name_ja(), Some(*s)))
            .collect();
        assert_eq!(services, expected);
        for category in Fundamental::ALL {
            assert!(
                catalog.standards.iter().any(|s| s.fundamental == Some(category)),
                "{category:?}"
            );
        }
        // Each sub-section: a core concept then 2–3 practice standards; sections have 1–2 sub-sections.
        let mut subs: Vec<(String, u32, usize)> = Vec::new();
        for s in &catalog.standards {
            let code = StandardCode::parse(&s.code).unwrap();
            match code.practice {
                None => subs.push((code.section, code.sub_section, 0)),
                Some(_) => subs.last_mut().unwrap().2 += 1,
            }
        }
        assert!(subs.iter().all(|(_, _, n)| (2..=3).contains(n)), "{subs:?}");
        assert!(subs.iter().all(|(_, sub, _)| (1..=2).contains(sub)));
    }

    #[test]
    fn in_scope_includes_only_the_case_services_sections() {
        let catalog = sample_catalog();
        let common = catalog.standards.iter().filter(|s| s.service.is_none()).count();
        assert_eq!(catalog.in_scope(&[]).count(), common);
        let a_and_e: Vec<_> = catalog.in_scope(&[ServiceCode::A, ServiceCode::E]).collect();
        assert!(a_and_e.iter().any(|s| s.code == "CSL 1.01"));
        assert!(a_and_e.iter().any(|s| s.code == "SUR 1"));
        assert!(!a_and_e.iter().any(|s| s.service == Some(ServiceCode::B)));
        assert_eq!(
            catalog.in_scope(&ServiceCode::ALL).count(),
            catalog.standards.len()
        );
        assert_eq!(catalog.get("PQI 2.03").map(|s| s.kind), Some(Kind::Practice));
        assert_eq!(catalog.get("PQI 9"), None);
    }

    #[test]
    fn standard_codes_have_one_shape() {
        let ok = |s: &str| StandardCode::parse(s).map(|c| (c.to_string(), c.kind()));
        assert_eq!(ok("ETH 1"), Ok(("ETH 1".to_owned(), Kind::CoreConcept)));
        assert_eq!(ok("PQI 4.02"), Ok(("PQI 4.02".to_owned(), Kind::Practice)));
        assert_eq!(ok("HR 12.99"), Ok(("HR 12.99".to_owned(), Kind::Practice)));
        for bad in [
            "ETH1",
            "eth 1",
            "ETH  1",
            "ETH 0",
            "ETH 01",
            "ETH 1.1",
            "ETH 1.001",
            "ETH 1.00",
            "E 1",
            "ETHIC 1",
            "ETH 100",
            "ETH 1.",
            "ETH .01",
            "ETH 1.0a",
            "ETH 1.+1",
            "ETH +1",
            "",
        ] {
            assert!(StandardCode::parse(bad).is_err(), "{bad}");
        }
        let element = StandardCode::parse("PQI 4.02(c)").unwrap_err();
        assert!(element.contains("要素"), "{element}");
    }

    #[test]
    fn a_minimal_catalog_parses_with_quotes_and_crlf() {
        let text = "code,group,section,kind,fundamental,service,title\r\n\
                    ETH 1,運営と管理,倫理実践,core_concept,,,\"倫理, \"\"誠実\"\"\"\r\n\
                    ETH 1.01,運営と管理,倫理実践,practice,client_rights,,規程\r\n";
        let catalog = parse_catalog_csv(text, "v2").unwrap();
        assert!(!catalog.sample);
        assert_eq!(catalog.version, "v2");
        assert_eq!(catalog.standards[0].title, "倫理, \"誠実\"");
        assert_eq!(catalog.standards[1].fundamental, Some(Fundamental::ClientRights));
        assert_eq!(catalog.standards[1].section_code(), "ETH");
    }

    #[test]
    fn header_must_match() {
        let errors =
            parse_catalog_csv("code,group,section,kind,service,fundamental,title\n", "v").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 1);
        let errors = parse_catalog_csv("# only a comment\n", "v").unwrap_err();
        assert_eq!(errors[0].line, 1);
        let errors = parse_catalog_csv(HEADER, "v").unwrap_err();
        assert!(errors[0].message.contains("1件もありません"));
    }

    #[test]
    fn every_row_error_is_reported_with_its_line() {
        let body = "\
ETH 1,運営と管理,倫理実践,core_concept,,,ok
ETH 1.01,運営と管理,倫理実践,core_concept,,,kind does not match the code
ETH 1.02,運営と管理,倫理実践,practice,danger,,unknown fundamental
ETH 2,運営と管理,倫理実践,core_concept,life_safety,,fundamental on a core concept
ETH 1,運営と管理,倫理実践,core_concept,,,duplicate
ETH 1.03,運営と管理,倫理実践,practice,,,
ETH 1.04,運営,倫理実践,practice,,,unknown group
ETH 1.05,運営と管理,倫理実践,standard,,,unknown kind
ETH 1.06,運営と管理,倫理実践,practice,,,too,many,columns
ETH 1.7,運営と管理,倫理実践,practice,,,bad code
";
        assert_eq!(error_lines(body), [3, 4, 5, 6, 7, 8, 9, 10, 11]);
    }

    #[test]
    fn service_column_rules() {
        let body = "\
CSL 1,サービス,相談,core_concept,,,missing service
CSL 2,サービス,相談,core_concept,,f,unknown service
ETH 1,運営と管理,倫理実践,core_concept,,a,service outside the service group
XA 1,サービス,相談A,core_concept,,a,first section of a
XB 1,サービス,相談B,core_concept,,a,second section of a
";
        assert_eq!(error_lines(body), [2, 3, 4, 6]);
    }

    #[test]
    fn a_section_code_means_one_section() {
        let body = "\
ETH 1,運営と管理,倫理実践,core_concept,,,first row
ETH 2,運営と管理,倫理,core_concept,,,another name
CR 1,運営と管理,クライアントの権利,core_concept,,,CR belongs to サービス提供管理
";
        assert_eq!(error_lines(body), [3, 4]);
    }

    #[test]
    fn each_sub_section_needs_its_core_concept_reported_once() {
        let body = "\
ETH 1,運営と管理,倫理実践,core_concept,,,ok
ETH 1.01,運営と管理,倫理実践,practice,,,ok
ETH 2.01,運営と管理,倫理実践,practice,,,no ETH 2
ETH 2.02,運営と管理,倫理実践,practice,,,no ETH 2 again
FIN 3.01,運営と管理,財務管理,practice,,,no FIN 3
";
        let errors = parse(body).unwrap_err();
        let lines: Vec<_> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [4, 6]);
        assert!(errors[0].message.contains("ETH 2"));
        assert_eq!(errors[0].to_string(), format!("4行目: {}", errors[0].message));
    }

    #[test]
    fn csv_syntax_errors_come_with_row_errors_in_line_order() {
        let body = "\
ETH 1,運営と管理,倫理実践,core_concept,,,\"ok\"x
ETH 1.01,運営と管理,倫理実践,practice,,,
";
        assert_eq!(error_lines(body), [2, 3]);
    }

    #[test]
    fn kinds_and_fundamentals_use_the_api_strings() {
        use serde::de::IntoDeserializer;
        for category in Fundamental::ALL {
            let de = category.as_str().into_deserializer();
            let parsed: Result<Fundamental, serde::de::value::Error> = Fundamental::deserialize(de);
            assert_eq!(parsed, Ok(category));
        }
        for kind in [Kind::CoreConcept, Kind::Practice] {
            let de = kind.as_str().into_deserializer();
            let parsed: Result<Kind, serde::de::value::Error> = Kind::deserialize(de);
            assert_eq!(parsed, Ok(kind));
        }
        assert_eq!(Fundamental::LifeSafety.label_ja(), "生命の安全");
    }

    proptest! {
        // Codes that parse print back to themselves, so the catalog's codes are canonical.
        #[test]
        fn code_parse_display_round_trip(s in "[A-Z]{1,5} [0-9]{1,3}(\\.[0-9]{1,3})?") {
            if let Ok(code) = StandardCode::parse(&s) {
                prop_assert_eq!(code.to_string(), s);
            }
        }

        // The importer never panics and every error has a line inside the text.
        #[test]
        fn import_never_panics(text in "[a-zA-Z0-9 ,\"\\n\\r#.運]{0,200}") {
            let lines = text.chars().filter(|c| *c == '\n' || *c == '\r').count() + 1;
            if let Err(errors) = parse_catalog_csv(&text, "p") {
                prop_assert!(!errors.is_empty());
                prop_assert!(errors.iter().all(|e| e.line >= 1 && e.line <= lines));
            }
        }
    }
}
