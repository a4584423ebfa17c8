//! The REG-7 records the harnesses name: a deregistration case on the registration built for the route, open,
//! with a document request (answered by the institution with a file where the route names `{file_id}`), or
//! referred to the committee with one member's vote.

use nintei_domain::role::Role;
use serde_json::json;

use crate::harness::Fixture;
use crate::harness_records::{Built, InvStage, ok, org_token, token};

impl Fixture {
    pub(crate) async fn build_investigation(
        &self,
        b: &mut Built,
        number: &str,
        stage: InvStage,
        office: &str,
    ) {
        let r = ok(
            self,
            "/api/v1/registration/investigations",
            office,
            json!({"registration_number": number, "opened_on": "2026-11-19",
                   "reason": "通報に基づく調査", "report_ids": []}),
            201,
        )
        .await;
        b.id = r["id"].as_str().unwrap_or_default().to_owned();
        let base = format!("/api/v1/registration/investigations/{}", b.id);
        match stage {
            InvStage::Open => {}
            InvStage::Requested | InvStage::Answered => {
                let r = ok(
                    self,
                    &format!("{base}/document-requests"),
                    office,
                    json!({"requested_on": "2026-11-19", "due_on": "2026-12-19", "items": "相談記録"}),
                    201,
                )
                .await;
                b.request_id = r["id"].as_str().unwrap_or_default().to_owned();
            }
            InvStage::Referred => {
                ok(
                    self,
                    &format!("{base}/referral"),
                    office,
                    json!({"referred_on": "2026-11-20", "reason": "委員会の審議が必要"}),
                    200,
                )
                .await;
                let (_, member) = token(self, Role::Committee).await;
                ok(
                    self,
                    &format!("{base}/votes"),
                    &member,
                    json!({"outcome": "maintain"}),
                    201,
                )
                .await;
            }
        }
        // REG-7: the institution answered the request with a file (`{file_id}`).
        if stage == InvStage::Answered {
            let body = crate::harness::Body::Multipart(
                vec![("note".into(), "相談記録です".into())],
                Some((
                    "file".into(),
                    "records.pdf".into(),
                    "application/pdf".into(),
                    b"%PDF-1.4\n% nintei harness answer\n".to_vec(),
                )),
            );
            let (ctype, bytes) = body.encode();
            let org_user = org_token(self, &b.org).await;
            let r = self
                .app
                .post_raw_bytes(
                    &format!("{base}/document-requests/{}/files", b.request_id),
                    Some(&org_user),
                    ctype.as_deref(),
                    bytes,
                )
                .await;
            assert_eq!(r.status.as_u16(), 201, "fixture: answer: {}", r.text());
            b.file_id = r.json()["file"]["id"].as_str().unwrap_or_default().to_owned();
        }
    }
}
