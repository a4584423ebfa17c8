//! The harness's account requests (self-service onboarding): a live verification link for `/signup/verify/{token}`,
//! a verified request for `/admin/account-requests/{id}/…` — each with its own contact address, so that an
//! approval never meets an existing account.

use nintei_app::org::{ContactInput, OrganizationInput};

use crate::harness::Fixture;

/// A valid request body with a contact address of its own.
pub fn organization(email: &str) -> OrganizationInput {
    OrganizationInput {
        name: "株式会社あおば相談".into(),
        legal_form: "kabushiki_kaisha".into(),
        corporate_number: None,
        prefecture: "40".into(),
        address: "福岡県北九州市小倉北区浅野1-2-3".into(),
        representative: "代表取締役 青葉 一郎".into(),
        contact: ContactInput {
            name: "担当 青葉".into(),
            email: email.into(),
            phone: "093-555-0101".into(),
        },
    }
}

/// A request waiting for its link: the link's token, read back from the mail.
pub async fn link(fx: &Fixture) -> String {
    let n = fx.nonce();
    let email = format!("signup-{n}@example.jp");
    nintei_app::onboarding::request(&fx.app.state, &organization(&email), &format!("harness-{n}"), "")
        .await
        .expect("account request");
    let mails = nintei_store::mail::list(fx.app.state.db.pool(), 10_000)
        .await
        .expect("outbox");
    mails
        .iter()
        .find(|m| m.to == email)
        .and_then(|m| m.body.split("/signup/verify/").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .expect("a verification link")
        .to_owned()
}

/// A verified request's id.
pub async fn verified(fx: &Fixture) -> String {
    let token = link(fx).await;
    nintei_app::onboarding::verify(&fx.app.state, &token, "harness")
        .await
        .expect("verify");
    nintei_store::account_requests::list(fx.app.state.db.pool())
        .await
        .expect("requests")
        .into_iter()
        .find(|r| r.status == "verified")
        .map(|r| r.id)
        .expect("a verified request")
}
