//! CSRF sweep: every state-changing browser route of `route_table()` refuses a request without the form token,
//! with a wrong one, with another session's, or from another origin — 403, and the database unchanged — while
//! the same request done properly succeeds (so the sweep can fail). And the API never accepts a cookie in place
//! of a bearer token.

use nintei_web::RouteInfo;

use crate::authz_matrix::{matrix, rows_for};
use crate::harness::{Body, Fixture, Send, body_for, send, who_name};

/// Ways to forge a browser request.
#[derive(Debug, Clone, Copy)]
enum Forgery {
    NoToken,
    WrongToken,
    /// The token of another live session (tokens are per session).
    AnotherSessionsToken,
    /// A page of another site posts the form: the browser sends its `Origin`.
    ForeignOrigin,
    /// A sandboxed or privacy-redirected page: `Origin: null`.
    NullOrigin,
    /// Only `Sec-Fetch-Site` tells: cross-site.
    CrossSiteFetch,
    /// A sibling subdomain is another origin too.
    SameSiteFetch,
}

const FORGERIES: [Forgery; 7] = [
    Forgery::NoToken,
    Forgery::WrongToken,
    Forgery::AnotherSessionsToken,
    Forgery::ForeignOrigin,
    Forgery::NullOrigin,
    Forgery::CrossSiteFetch,
    Forgery::SameSiteFetch,
];

fn with_csrf(body: Body, token: Option<&str>) -> Body {
    match body {
        Body::Form(fields) => {
            let mut fields: Vec<(String, String)> = fields.into_iter().filter(|(k, _)| k != "csrf").collect();
            if let Some(t) = token {
                fields.push(("csrf".into(), t.to_owned()));
            }
            Body::Form(fields)
        }
        Body::Multipart(fields, file) => {
            let mut fields: Vec<(String, String)> = fields.into_iter().filter(|(k, _)| k != "csrf").collect();
            if let Some(t) = token {
                fields.insert(0, ("csrf".into(), t.to_owned()));
            }
            Body::Multipart(fields, file)
        }
        other => other,
    }
}

fn state_changing_browser_routes() -> Vec<RouteInfo> {
    nintei_web::route_table()
        .into_iter()
        .filter(|r| r.changes_state() && !r.is_api())
        .collect()
}

#[tokio::test]
async fn every_state_changing_browser_route_refuses_forged_requests() {
    let fx = Fixture::new().await;
    let rows = matrix();
    let routes = state_changing_browser_routes();
    assert!(routes.len() >= 8, "the sweep found only {routes:?}");
    let mut problems = Vec::new();
    let mut refused = 0;
    for route in &routes {
        let Some((row, who)) = rows_for(&rows, route)
            .into_iter()
            .find_map(|r| r.allowed().map(|w| (r, w)))
        else {
            problems.push(format!(
                "{route}: MATRIX allows it to nobody, so the sweep cannot show a forgery is what fails"
            ));
            continue;
        };
        for forgery in FORGERIES {
            let subject = fx.subject(who).await;
            let ctx = fx.ctx(route, who, &subject, row.record).await;
            let valid = match body_for(route, &ctx) {
                Ok(b) => b,
                Err(e) => {
                    problems.push(e);
                    break;
                }
            };
            let mut how = Send::default();
            let body = match forgery {
                Forgery::NoToken => with_csrf(valid, None),
                Forgery::WrongToken => with_csrf(valid, Some("forged-token-forged-token-forged")),
                Forgery::AnotherSessionsToken => {
                    let other = fx.subject(who).await;
                    with_csrf(valid, Some(&other.csrf))
                }
                Forgery::ForeignOrigin
                | Forgery::NullOrigin
                | Forgery::CrossSiteFetch
                | Forgery::SameSiteFetch => {
                    how.same_origin = false;
                    how.headers = match forgery {
                        Forgery::ForeignOrigin => vec![
                            ("origin".into(), "https://evil.example".into()),
                            ("sec-fetch-site".into(), "cross-site".into()),
                        ],
                        Forgery::NullOrigin => vec![("origin".into(), "null".into())],
                        Forgery::CrossSiteFetch => vec![("sec-fetch-site".into(), "cross-site".into())],
                        _ => vec![("sec-fetch-site".into(), "same-site".into())],
                    };
                    // An attacker's page would not know the token; refusing even with it shows the origin
                    // check stands on its own.
                    valid
                }
            };
            let path = fx.path(route, &ctx, None).expect("path");
            let before = fx.snapshot(&[]).await;
            let r = send(&fx.app, route, &path, &subject, &body, &how).await;
            let after = fx.snapshot(&[]).await;
            if r.status.as_u16() != 403 {
                problems.push(format!(
                    "{route} as {} with {forgery:?}: expected 403, got {} {}",
                    who_name(who),
                    r.status.as_u16(),
                    r.location()
                ));
            }
            let changed = before.diff(&after);
            if !changed.is_empty() {
                problems.push(format!(
                    "{route} with {forgery:?} changed the database: {}",
                    changed.join(", ")
                ));
            }
            refused += 1;
        }
        // The control: the same request done properly is accepted.
        let subject = fx.subject(who).await;
        let ctx = fx.ctx(route, who, &subject, row.record).await;
        let body = body_for(route, &ctx).expect("body");
        let path = fx.path(route, &ctx, None).expect("path");
        let r = send(&fx.app, route, &path, &subject, &body, &Send::default()).await;
        let expect = &row.cells[crate::harness::WHO.iter().position(|w| *w == who).expect("who")];
        if !expect.matches(&r) {
            problems.push(format!(
                "{route} as {}: the proper request got {} {} instead of {expect}",
                who_name(who),
                r.status.as_u16(),
                r.location()
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems in {refused} forged requests:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The API takes bearer tokens only: a session cookie (what a forged cross-site request would carry) is
/// not a credential there, for reads and writes alike.
#[tokio::test]
async fn the_api_ignores_session_cookies() {
    let fx = Fixture::new().await;
    let rows = matrix();
    let mut problems = Vec::new();
    for route in nintei_web::route_table().iter().filter(|r| r.is_api()) {
        for row in rows_for(&rows, route) {
            // Public API routes (anonymous allowed) have nothing to protect with credentials.
            if row.cells[0].is_success() {
                continue;
            }
            let Some(who) = row.allowed() else { continue };
            let subject = fx.subject(who).await;
            let ctx = fx.ctx(route, who, &subject, row.record).await;
            let body = body_for(route, &ctx).expect("body");
            let path = fx.path(route, &ctx, None).expect("path");
            let how = Send {
                cookie_instead_of_bearer: true,
                ..Send::default()
            };
            let before = fx.snapshot(&[]).await;
            let r = send(&fx.app, route, &path, &subject, &body, &how).await;
            let changed = before.diff(&fx.snapshot(&[]).await);
            if r.status.as_u16() != 401 || !changed.is_empty() {
                problems.push(format!(
                    "{route} [{}] with a session cookie: {} (changed: {changed:?})",
                    row.record.name(),
                    r.status.as_u16()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}
