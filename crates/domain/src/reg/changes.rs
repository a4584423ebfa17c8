//! Notified changes of registered matters (REG-6, 登録事項変更の届出): what may change, which kinds a notice
//! carries, and the registered data once the change applies.

use serde::{Deserialize, Serialize};

use super::application::{Counselor, Disclosure, Psychiatrist};

/// A change of the counseling room's name or location (REG-2: the room at one location is the unit).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SiteChange {
    pub name: Option<String>,
    pub prefecture: Option<String>,
    pub address: Option<String>,
}

impl SiteChange {
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.prefecture.is_none() && self.address.is_none()
    }
}

/// The new values a notice carries; an absent field is unchanged. Lists replace the whole list (a notice says
/// who the counselors are from now on, not a diff).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChangeSet {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counselors: Option<Vec<Counselor>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub psychiatrists: Option<Vec<Psychiatrist>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disclosure: Option<Disclosure>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<SiteChange>,
}

/// The registered data a change applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    pub counselors: Vec<Counselor>,
    pub psychiatrists: Vec<Psychiatrist>,
    pub disclosure: Disclosure,
}

impl ChangeSet {
    /// The kinds of change, in a fixed order, comparing with the registered data: `counselors`,
    /// `psychiatrists`, `fee_structure`, `hours`, `methods`, `other_services`, `track_record`, `site`.
    /// Values equal to the registered ones are no change.
    pub fn kinds(&self, current: &Registered) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.counselors.as_ref().is_some_and(|c| *c != current.counselors) {
            out.push("counselors");
        }
        if self
            .psychiatrists
            .as_ref()
            .is_some_and(|p| *p != current.psychiatrists)
        {
            out.push("psychiatrists");
        }
        if let Some(d) = &self.disclosure {
            let c = &current.disclosure;
            if d.fee_structure.trim() != c.fee_structure.trim() {
                out.push("fee_structure");
            }
            if d.hours.trim() != c.hours.trim() {
                out.push("hours");
            }
            if d.methods != c.methods {
                out.push("methods");
            }
            if d.other_services.trim() != c.other_services.trim() {
                out.push("other_services");
            }
            if d.track_record.trim() != c.track_record.trim() {
                out.push("track_record");
            }
        }
        if self.site.as_ref().is_some_and(|s| !s.is_empty()) {
            out.push("site");
        }
        out
    }

    /// The registered data after the change.
    pub fn apply(&self, current: &Registered) -> Registered {
        Registered {
            counselors: self
                .counselors
                .clone()
                .unwrap_or_else(|| current.counselors.clone()),
            psychiatrists: self
                .psychiatrists
                .clone()
                .unwrap_or_else(|| current.psychiatrists.clone()),
            disclosure: self
                .disclosure
                .clone()
                .unwrap_or_else(|| current.disclosure.clone()),
        }
    }
}

/// The Japanese label of a change kind.
pub fn kind_label_ja(kind: &str) -> &'static str {
    match kind {
        "counselors" => "相談対応者",
        "psychiatrists" => "精神科医",
        "fee_structure" => "料金体系",
        "hours" => "対応可能な曜日及び時間",
        "methods" => "対応可能な方法",
        "other_services" => "その他対応可能なサービス",
        "track_record" => "相談の実績",
        "site" => "相談室の名称・所在地",
        _ => "その他",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reg::application::{Method, Qualification};

    fn current() -> Registered {
        Registered {
            counselors: vec![Counselor {
                name: "山田花子".into(),
                qualification: Qualification::ClinicalPsychologist,
                full_time: true,
                years_of_practice: 8,
                months_of_practice: 0,
                main_duty: Some(true),
                three_days_a_week: Some(true),
            }],
            psychiatrists: vec![],
            disclosure: Disclosure {
                fee_structure: "月額300円".into(),
                hours: "平日".into(),
                methods: vec![Method::FaceToFace],
                other_services: "なし".into(),
                track_record: "25社".into(),
            },
        }
    }

    // REG-6: a notice names what changed; unchanged values are no change.
    #[test]
    fn kinds_compare_with_the_registered_data() {
        let cur = current();
        assert!(ChangeSet::default().kinds(&cur).is_empty());
        let same = ChangeSet {
            counselors: Some(cur.counselors.clone()),
            disclosure: Some(cur.disclosure.clone()),
            site: Some(SiteChange::default()),
            ..ChangeSet::default()
        };
        assert!(same.kinds(&cur).is_empty());
        let mut d = cur.disclosure.clone();
        d.hours = "平日・土曜".into();
        d.methods.push(Method::Online);
        let change = ChangeSet {
            counselors: Some(vec![]),
            disclosure: Some(d.clone()),
            site: Some(SiteChange {
                address: Some("新住所".into()),
                ..SiteChange::default()
            }),
            ..ChangeSet::default()
        };
        assert_eq!(change.kinds(&cur), ["counselors", "hours", "methods", "site"]);
        let after = change.apply(&cur);
        assert!(after.counselors.is_empty());
        assert_eq!(after.disclosure, d);
        assert_eq!(after.psychiatrists, cur.psychiatrists);
        assert_eq!(kind_label_ja("hours"), "対応可能な曜日及び時間");
    }
}
