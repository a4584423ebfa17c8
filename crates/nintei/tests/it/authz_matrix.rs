//! The authorization matrix: every route of `nintei_web::route_table()` × every role (and anonymous) × the
//! record it names, with the expected answer. A route missing from the table below fails the test by name, so a
//! new route cannot ship without deciding who may use it.
//!
//! Each cell is sent as a fresh user of that role with a live session (browser routes, same-origin, valid form
//! token) or bearer token (API routes), carrying the valid body of `requests.rs`. Where the expectation is 404
//! for another organization's record, the answer must also be indistinguishable from the one for a record that
//! does not exist (API.md: "never reveal that another organization's record exists").

use std::collections::BTreeSet;

use nintei_domain::role::Role;
use nintei_web::RouteInfo;

use crate::harness::{Fixture, Record, Send, WHO, send, send_valid, who_name};
use crate::support::TestResponse;

/// Rows: method, path, record, where success redirects (`-` when it does not), then one cell per caller.
/// Records: `-` none, `own` the organization user's own organization, `other` another organization.
/// Cells: a status code; `303` = a redirect to the row's success target (`*` ends a prefix); `303:/path` = a
/// redirect to that path; `login` = a redirect to the sign-in page.
pub const MATRIX: &str = r"
# method path                                  record success                   anon   admin         office head coord surv comm org
GET    /livez                                  -      -                         200    200           200    200  200   200  200  200
GET    /healthz                                -      -                         200    200           200    200  200   200  200  200
GET    /assets/app.css                         -      -                         200    200           200    200  200   200  200  200
GET    /assets/htmx.min.js                     -      -                         200    200           200    200  200   200  200  200
GET    /api/v1/openapi.json                    -      -                         200    200           200    200  200   200  200  200
GET    /api/docs                               -      -                         200    200           200    200  200   200  200  200
GET    /assets/swagger/swagger-ui-bundle.js    -      -                         200    200           200    200  200   200  200  200
GET    /assets/swagger/swagger-ui.css          -      -                         200    200           200    200  200   200  200  200
GET    /assets/swagger/init.js                 -      -                         200    200           200    200  200   200  200  200
GET    /fee-estimate                           -      -                         200    200           200    200  200   200  200  200

# API.md: Authentication and accounts
POST   /api/v1/auth/token                      -      -                         200    200           200    200  200   200  200  200
GET    /api/v1/me                              -      -                         401    200           200    200  200   200  200  200
POST   /api/v1/users                           -      -                         401    201           403    403  403   403  403  403

# API.md: Organizations (staff outside the office see organizations only through assigned cases)
POST   /api/v1/organizations                   -      -                         401    201           201    403  403   403  403  403
GET    /api/v1/organizations/{id}              own    -                         401    200           200    200  404   404  404  200
GET    /api/v1/organizations/{id}              other  -                         401    200           200    200  404   404  404  404
POST   /api/v1/organizations/{id}/sites        own    -                         401    403           201    403  404   404  404  201
POST   /api/v1/organizations/{id}/sites        other  -                         401    403           201    403  404   404  404  404
# A conflict of interest declared by the caller for themself (ACC-8)
POST   /api/v1/conflicts                       own    -                         401    403           201    201  201   201  201  403
POST   /api/v1/conflicts                       other  -                         401    403           201    201  201   201  201  404

# Screens: public, signing in and out
GET    /                                       -      -                         200    200           200    200  200   200  200  200
GET    /lang/{code}                            -      /                         303    303           303    303  303   303  303  303
GET    /login                                  -      -                         200    200           200    200  200   200  200  200
POST   /login                                  -      /dashboard                303    303:/login/totp 303  303  303   303  303  303
GET    /login/totp                             -      /dashboard                login  303           303    303  303   303  303  303
POST   /login/totp                             -      /dashboard                login  303           303    303  303   303  303  303
POST   /logout                                 -      /                         login  303           303    303  303   303  303  303
GET    /dashboard                              -      -                         login  200           200    200  200   200  200  200
GET    /deadlines                              -      -                         login  200           200    200  200   200  200  200

# Screens: the account (an administrator who has TOTP already is sent back to the enrolment page)
GET    /account/password                       -      -                         login  200           200    200  200   200  200  200
POST   /account/password                       -      /account/password?done=1  login  303           303    303  303   303  303  303
GET    /account/totp                           -      -                         login  200           200    200  200   200  200  200
POST   /account/totp                           -      /dashboard                login  303:/account/totp 303 303 303  303  303  303

# Screens: organizations
GET    /organizations                          -      -                         login  200           200    200  403   403  403  403
GET    /organizations/new                      -      -                         login  200           200    403  403   403  403  403
POST   /organizations                          -      /organizations/*          login  303           303    403  403   403  403  403
GET    /organizations/{id}                     own    -                         login  200           200    200  404   404  404  200
GET    /organizations/{id}                     other  -                         login  200           200    200  404   404  404  404
POST   /organizations/{id}/sites               own    /organizations/*          login  403           303    403  404   404  404  303
POST   /organizations/{id}/sites               other  /organizations/*          login  403           303    403  404   404  404  404

# Screens: administration
GET    /admin/users                            -      -                         login  200           403    403  403   403  403  403
POST   /admin/users                            -      /admin/users?created=1    login  303           403    403  403   403  403  403

# Screens: the outbox (送信メール) holds notices to every organization: office and admin only
GET    /mail                                   -      -                         login  200           200    403  403   403  403  403
GET    /mail/{id}                              own    -                         login  404           404    403  403   403  403  403
GET    /mail/{id}                              other  -                         login  404           404    403  403   403  403  403
";

/// What one cell expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    Status(u16),
    /// 303 to this location (`*` at the end: a prefix).
    Redirect(String),
}

impl Expect {
    pub fn is_success(&self) -> bool {
        match self {
            Expect::Status(s) => (200..300).contains(s),
            Expect::Redirect(to) => to != "/login",
        }
    }

    pub fn matches(&self, r: &TestResponse) -> bool {
        match self {
            Expect::Status(s) => r.status.as_u16() == *s,
            Expect::Redirect(to) => {
                let loc = r.location();
                r.status.as_u16() == 303
                    && match to.strip_suffix('*') {
                        Some(prefix) => loc.starts_with(prefix) && loc.len() > prefix.len(),
                        None => loc == *to,
                    }
            }
        }
    }
}

impl std::fmt::Display for Expect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expect::Status(s) => write!(f, "{s}"),
            Expect::Redirect(to) => write!(f, "303 → {to}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Row {
    pub route: RouteInfo,
    pub record: Record,
    /// One per caller, in `WHO` order.
    pub cells: Vec<Expect>,
}

impl Row {
    /// The first caller (in column order) the row allows, e.g. to send a request that must succeed.
    pub fn allowed(&self) -> Option<Option<Role>> {
        WHO.iter()
            .zip(&self.cells)
            .find(|(_, e)| e.is_success())
            .map(|(w, _)| *w)
    }
}

/// The parsed table; a malformed line panics with its text.
pub fn matrix() -> Vec<Row> {
    let routes = nintei_web::route_table();
    MATRIX
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|line| {
            let cols: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(cols.len(), 4 + WHO.len(), "matrix line: {line}");
            let route = routes
                .iter()
                .find(|r| r.method.as_str() == cols[0] && r.path == cols[1])
                .cloned()
                // A row for a route the router does not have: keep it, the coverage check names it.
                .unwrap_or(RouteInfo {
                    method: cols[0].parse().expect("method"),
                    path: Box::leak(cols[1].to_owned().into_boxed_str()),
                });
            let record = Record::parse(cols[2]).unwrap_or_else(|| panic!("record in: {line}"));
            let success = cols[3];
            let cells = cols[4..]
                .iter()
                .map(|c| match *c {
                    "login" => Expect::Redirect("/login".into()),
                    "303" => {
                        assert_ne!(success, "-", "303 without a success target: {line}");
                        Expect::Redirect(success.to_owned())
                    }
                    other => match other.strip_prefix("303:") {
                        Some(to) => Expect::Redirect(to.to_owned()),
                        None => Expect::Status(
                            other
                                .parse()
                                .unwrap_or_else(|_| panic!("cell {other} in: {line}")),
                        ),
                    },
                })
                .collect();
            Row { route, record, cells }
        })
        .collect()
}

/// The rows of `route`, preferring the one about the caller's own record.
pub fn rows_for(rows: &[Row], route: &RouteInfo) -> Vec<Row> {
    let mut found: Vec<Row> = rows.iter().filter(|r| r.route == *route).cloned().collect();
    found.sort_by_key(|r| r.record != Record::Own);
    found
}

/// Every route has rows, every row a route, and a route with `{id}` rows for both own and other records.
#[test]
fn the_matrix_covers_every_route_of_the_router() {
    let routes = nintei_web::route_table();
    let rows = matrix();
    let mut problems = Vec::new();
    for route in &routes {
        let records: BTreeSet<&str> = rows
            .iter()
            .filter(|r| r.route == *route)
            .map(|r| r.record.name())
            .collect();
        if records.is_empty() {
            problems.push(format!(
                "{route} has no row in MATRIX (tests/it/authz_matrix.rs): decide who may use it"
            ));
        } else if route.params().contains(&"id") && !(records.contains("own") && records.contains("other")) {
            problems.push(format!(
                "{route} names a record: MATRIX needs an `own` and an `other` row"
            ));
        }
    }
    for row in &rows {
        if !routes.contains(&row.route) {
            problems.push(format!(
                "MATRIX has a row for {} {}, which the router does not have",
                row.route,
                row.record.name()
            ));
        }
    }
    let mut seen = BTreeSet::new();
    for row in &rows {
        if !seen.insert((row.route.to_string(), row.record.name())) {
            problems.push(format!("MATRIX has {} {} twice", row.route, row.record.name()));
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

/// What a refusal tells: a page's `<main>` (the header around it names the visitor and the address), or the
/// whole API answer.
fn visible(r: &TestResponse) -> String {
    let text = r.text();
    match (text.find("<main"), text.find("</main>")) {
        (Some(a), Some(b)) if a < b => text[a..b].to_owned(),
        _ => text,
    }
}

/// A record id that exists nowhere.
const MISSING_ID: &str = "00000000-0000-4000-8000-000000000000";

#[tokio::test]
async fn every_route_answers_every_role_as_the_matrix_says() {
    let fx = Fixture::new().await;
    let rows = matrix();
    let mut failures = Vec::new();
    let mut cells = 0;
    for row in &rows {
        for (who, expect) in WHO.iter().zip(&row.cells) {
            cells += 1;
            let subject = fx.subject(*who).await;
            let label = format!("{} [{}] as {}", row.route, row.record.name(), who_name(*who));
            let r = match send_valid(&fx, &row.route, &subject, row.record, &Send::default()).await {
                Ok(r) => r,
                Err(e) => {
                    failures.push(e);
                    continue;
                }
            };
            if !expect.matches(&r) {
                failures.push(format!(
                    "{label}: expected {expect}, got {} {} {}",
                    r.status.as_u16(),
                    r.location(),
                    r.text().chars().take(160).collect::<String>()
                ));
                continue;
            }
            if row.record == Record::Other && !expect.is_success() {
                // Refused: the other organization must stay invisible.
                if r.text().contains(&fx.other_org.1) {
                    failures.push(format!(
                        "{label}: the refusal shows the other organization's name"
                    ));
                }
                if *expect == Expect::Status(404) {
                    let fresh = fx.subject(*who).await;
                    let ctx = fx.ctx(&row.route, &fresh, Record::Other).await.expect("ctx");
                    let body = crate::harness::body_for(&row.route, &ctx).expect("body");
                    let body = match body {
                        crate::harness::Body::Json(mut v) => {
                            if v.get("organization_id").is_some() {
                                v["organization_id"] = MISSING_ID.into();
                            }
                            crate::harness::Body::Json(v)
                        }
                        b => b,
                    };
                    let path = fx.path(&row.route, MISSING_ID).expect("path");
                    let missing = send(&fx.app, &row.route, &path, &fresh, &body, &Send::default()).await;
                    if missing.status != r.status || visible(&missing) != visible(&r) {
                        failures.push(format!(
                            "{label}: 404 differs from a record that does not exist ({} {})",
                            missing.status.as_u16(),
                            missing.text().chars().take(120).collect::<String>()
                        ));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cells} cells differ from MATRIX:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
