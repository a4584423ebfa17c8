//! One valid request body for every state-changing route: what the authorization matrix sends, what the CSRF
//! sweep bends, and the seed the property tests mutate. A new POST route needs an entry here (the harnesses
//! fail naming the route until it has one).

use nintei_web::security::totp_code;
use serde_json::json;

use crate::harness::{Body, TOTP_SECRET};
use crate::support::{PASSWORD, org_body};

/// What a body may depend on: who sends it and which record it names.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The sender (for anonymous: the user whose credentials the visitor types).
    pub user_id: String,
    pub email: String,
    /// The form token that goes with the sender's cookies.
    pub csrf: String,
    /// The record the path's `{id}` names.
    pub record: String,
    /// The organization the request is about (own or another), for body fields.
    pub organization: String,
    pub now: i64,
    /// Unique per request, for fields that must be unique (e-mail addresses).
    pub nonce: String,
}

/// The valid body of `route` ("METHOD /path/{param}"), or None when it takes none.
pub fn valid_body(route: &str, c: &Ctx) -> Option<Body> {
    let csrf = c.csrf.as_str();
    let body = match route {
        // API.md "Authentication and accounts"
        "POST /api/v1/auth/token" => Body::Json(json!({
            "email": c.email, "password": PASSWORD, "totp": code(c.now),
        })),
        "POST /api/v1/users" => Body::Json(json!({
            "email": format!("new-{}@harness.example", c.nonce),
            "name": "新規 利用者",
            "role": "surveyor",
            "password": "Hinoki-Kusunoki-2208",
        })),
        // API.md "Organizations"
        "POST /api/v1/organizations" => Body::Json(org_body("株式会社あたらしい相談室")),
        "POST /api/v1/organizations/{id}/sites" => Body::Json(json!({
            "name": "門司相談室", "prefecture": "40", "address": "福岡県北九州市門司区港町1-1",
        })),
        "POST /api/v1/conflicts" => Body::Json(json!({
            "user_id": c.user_id, "organization_id": c.organization, "reason": "元勤務先 (former employer)",
        })),
        // Screens: signing in and out, the account
        "POST /login" => Body::form(&[("csrf", csrf), ("email", &c.email), ("password", PASSWORD)]),
        "POST /login/totp" => Body::form(&[("csrf", csrf), ("code", &code(c.now))]),
        "POST /logout" => Body::form(&[("csrf", csrf)]),
        "POST /account/password" => Body::form(&[
            ("csrf", csrf),
            ("current", PASSWORD),
            ("new", "Keyaki-Momiji-5530"),
        ]),
        "POST /account/totp" => {
            Body::form(&[("csrf", csrf), ("secret", TOTP_SECRET), ("code", &code(c.now))])
        }
        // Screens: organizations and users
        "POST /organizations" => Body::form(&[
            ("csrf", csrf),
            ("name", "株式会社あたらしい相談室"),
            ("legal_form", "godo_kaisha"),
            ("corporate_number", ""),
            ("prefecture", "13"),
            ("address", "東京都千代田区神田須田町2-7-1"),
            ("representative", "代表社員 田中 一郎"),
            ("contact.name", "連絡 次郎"),
            ("contact.email", "jiro@example.jp"),
            ("contact.phone", "03-5555-0202"),
        ]),
        "POST /organizations/{id}/sites" => Body::form(&[
            ("csrf", csrf),
            ("name", "門司相談室"),
            ("prefecture", "40"),
            ("address", "福岡県北九州市門司区港町1-1"),
        ]),
        "POST /admin/users" => Body::form(&[
            ("csrf", csrf),
            ("email", &format!("new-{}@harness.example", c.nonce)),
            ("name", "新規 利用者"),
            ("role", "surveyor"),
            ("organization_id", ""),
            ("password", "Hinoki-Kusunoki-2208"),
        ]),
        _ => return None,
    };
    Some(body)
}

fn code(now: i64) -> String {
    totp_code(TOTP_SECRET, now.div_euclid(30)).unwrap_or_default()
}
