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
pub const MATRIX: &str = r#"
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

# Public: the directory, verification and open search need no account (ACC-23, REG-5, REG-8)
GET    /api/v1/public/accreditations           -      -                         200    200           200    200  200   200  200  200
GET    /api/v1/public/accreditations/{number}  own    -                         200    200           200    200  200   200  200  200
GET    /api/v1/public/accreditations/{number}  other  -                         200    200           200    200  200   200  200  200
GET    /api/v1/public/registrations            -      -                         200    200           200    200  200   200  200  200
GET    /api/v1/public/registrations/{number}   own    -                         200    200           200    200  200   200  200  200
GET    /api/v1/public/registrations/{number}   other  -                         200    200           200    200  200   200  200  200
GET    /directory                              -      -                         200    200           200    200  200   200  200  200
GET    /directory/registrations/{number}       own    -                         200    200           200    200  200   200  200  200
GET    /directory/registrations/{number}       other  -                         200    200           200    200  200   200  200  200
GET    /verify                                 -      -                         200    200           200    200  200   200  200  200
GET    /verify/{number}                        own    -                         200    200           200    200  200   200  200  200
GET    /verify/{number}                        other  -                         200    200           200    200  200   200  200  200

# API.md: Authentication and accounts
POST   /api/v1/auth/token                      -      -                         200    200           200    200  200   200  200  200
GET    /api/v1/auth/tokens                     -      -                         401    200           200    200  200   200  200  200
DELETE /api/v1/auth/tokens/{id}                own    -                         401    204           204    204  204   204  204  204
DELETE /api/v1/auth/tokens/{id}                other  -                         401    404           404    404  404   404  404  404
POST   /api/v1/public/password-resets          -      -                         202    202           202    202  202   202  202  202
POST   /api/v1/public/password-resets/{token}  -      -                         204    204           204    204  204   204  204  204
GET    /api/v1/me                              -      -                         401    200           200    200  200   200  200  200
GET    /api/v1/me/tasks                        -      -                         401    200           200    200  200   200  200  200
POST   /api/v1/users                           -      -                         401    201           403    403  403   403  403  403
PATCH  /api/v1/users/{id}                      own    -                         401    200           403    403  403   403  403  403
PATCH  /api/v1/users/{id}                      other  -                         401    200           403    403  403   403  403  403
POST   /api/v1/users/{id}/password-reset       own    -                         401    202           403    403  403   403  403  403
POST   /api/v1/users/{id}/password-reset       other  -                         401    202           403    403  403   403  403  403

# API.md: Organizations (staff outside the office see organizations only through assigned cases)
POST   /api/v1/organizations                   -      -                         401    201           201    403  403   403  403  403
GET    /api/v1/organizations/{id}              own    -                         401    200           200    200  404   404  404  200
GET    /api/v1/organizations/{id}              other  -                         401    200           200    200  404   404  404  404
POST   /api/v1/organizations/{id}/sites        own    -                         401    403           201    403  404   404  404  201
POST   /api/v1/organizations/{id}/sites        other  -                         401    403           201    403  404   404  404  404
POST   /api/v1/organizations/{id}/changes      own    -                         401    403           200    403  404   404  404  200
POST   /api/v1/organizations/{id}/changes      other  -                         401    403           200    403  404   404  404  404
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
# Password recovery: open to anyone, the same answer for every caller; a link works for the account it was mailed to
GET    /password-reset                         -      -                         200    200           200    200  200   200  200  200
POST   /password-reset                         -      -                         200    200           200    200  200   200  200  200
GET    /password-reset/{token}                 -      -                         200    200           200    200  200   200  200  200
POST   /password-reset/{token}                 -      -                         200    200           200    200  200   200  200  200
POST   /logout                                 -      /                         login  303           303    303  303   303  303  303
GET    /dashboard                              -      -                         login  200           200    200  200   200  200  200
GET    /deadlines                              -      -                         login  200           200    200  200   200  200  200
GET    /search                                 -      -                         login  200           200    200  200   200  200  404

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
POST   /organizations/{id}/changes             own    /organizations/*          login  403           303    403  404   404  404  303
POST   /organizations/{id}/changes             other  /organizations/*          login  403           303    403  404   404  404  404

# Screens: administration
GET    /admin/users                            -      -                         login  200           403    403  403   403  403  403
POST   /admin/users                            -      /admin/users?created=1    login  303           403    403  403   403  403  403
GET    /admin/users/{id}                       own    -                         login  200           403    403  403   403  403  403
GET    /admin/users/{id}                       other  -                         login  200           403    403  403   403  403  403
POST   /admin/users/{id}                       own    /admin/users/*            login  303           403    403  403   403  403  403
POST   /admin/users/{id}                       other  /admin/users/*            login  303           403    403  403   403  403  403
POST   /admin/users/{id}/password-reset        own    /admin/users/*            login  303           403    403  403   403  403  403
POST   /admin/users/{id}/password-reset        other  /admin/users/*            login  303           403    403  403   403  403  403
GET    /admin/settings                         -      -                         login  200           200    403  403   403  403  403
POST   /admin/settings                         -      /admin/settings?saved=1   login  303           303    403  403   403  403  403

# Screens: the outbox (送信メール) holds notices to every organization: office and admin only
GET    /mail                                   -      -                         login  200           200    403  403   403  403  403
# Self-service onboarding: anyone asks for an account and confirms the mailed link; the office (and
# administrators) approve or refuse a verified request; nobody else learns that a request exists.
GET    /signup                                 -      -                         200    200           200    200  200   200  200  200
POST   /signup                                 -      -                         202    202           202    202  202   202  202  202
GET    /signup/verify/{token}                  -      -                         200    200           200    200  200   200  200  200
POST   /signup/verify/{token}                  -      -                         200    200           200    200  200   200  200  200
GET    /admin/account-requests                 -      -                         login  200           200    403  403   403  403  403
POST   /admin/account-requests/{id}/approve    own    /organizations/*          login  303           303    404  404   404  404  404
POST   /admin/account-requests/{id}/approve    other  /organizations/*          login  303           303    404  404   404  404  404
POST   /admin/account-requests/{id}/refuse     own    /admin/account-requests   login  303           303    404  404   404  404  404
POST   /admin/account-requests/{id}/refuse     other  /admin/account-requests   login  303           303    404  404   404  404  404
GET    /mail/{id}                              own    -                         login  200           200    403  403   403  403  403
GET    /mail/{id}                              other  -                         login  200           200    403  403   403  403  403

# ACC (API.md "Accreditation cases"): the catalog, the lists, applying (the organization for itself, or the
# office; ACC-2), the public fee estimate (ACC-22)
GET    /api/v1/accreditation/standards                        -     -  401 200 200 200 200 200 200 200
GET    /api/v1/accreditation/cases                            -     -  401 200 200 200 200 200 200 200
POST   /api/v1/accreditation/cases                            own   -  401 403 201 403 403 403 403 201
POST   /api/v1/accreditation/cases                            other -  401 403 201 403 403 403 403 404
GET    /api/v1/public/fee-estimate                            -     -  200 200 200 200 200 200 200 200

# ACC cases: `own` is the own organization's case, in the state the request needs, with the requesting
# coordinator (from the plan on, ACC-5) or surveyor (from the self-study on, ACC-7) assigned; `other` is another
# organization's case with other staff assigned. Committee members without a conflict see every case (ACC-8);
# anyone else who may not see the case gets 404 on it and everything under it.
GET    /api/v1/accreditation/cases/{id}                       own   -  401 200 200 200 404 404 200 200
GET    /api/v1/accreditation/cases/{id}                       other -  401 200 200 200 404 404 200 404
POST   /api/v1/accreditation/cases/{id}/eligibility           own   -  401 403 200 403 404 404 403 403
POST   /api/v1/accreditation/cases/{id}/eligibility           other -  401 403 200 403 404 404 403 404
POST   /api/v1/accreditation/cases/{id}/plan                  own   -  401 403 200 403 404 404 403 403
POST   /api/v1/accreditation/cases/{id}/plan                  other -  401 403 200 403 404 404 403 404
# Moving the planned dates (ACC-5) and the additional visit in a deferral (ACC-11): the office; the case's
# coordinator and surveyors see the case (403)
POST   /api/v1/accreditation/cases/{id}/plan/dates            own   -  401 403 200 403 403 403 403 403
POST   /api/v1/accreditation/cases/{id}/plan/dates            other -  401 403 200 403 404 404 403 404
POST   /api/v1/accreditation/cases/{id}/self-study/submission own   -  401 403 403 403 403 403 403 200
POST   /api/v1/accreditation/cases/{id}/self-study/submission other -  401 403 403 403 404 404 403 404
POST   /api/v1/accreditation/cases/{id}/surveyors             own   -  401 403 201 403 403 403 403 403
POST   /api/v1/accreditation/cases/{id}/surveyors             other -  401 403 201 403 404 404 403 404
# Ratings: an assigned surveyor; API.md "403 for any other surveyor"; the organization sees ratings only once the
# report is issued to it (ACC-10)
POST   /api/v1/accreditation/cases/{id}/ratings               own   -  401 403 403 403 403 201 403 403
POST   /api/v1/accreditation/cases/{id}/ratings               other -  401 403 403 403 404 403 403 404
GET    /api/v1/accreditation/cases/{id}/ratings               own   -  401 200 200 200 200 200 200 403
GET    /api/v1/accreditation/cases/{id}/ratings               other -  401 200 200 200 404 404 200 404
GET    /api/v1/accreditation/cases/{id}/assessment            own   -  401 200 200 200 200 200 200 403
GET    /api/v1/accreditation/cases/{id}/assessment            other -  401 200 200 200 404 404 200 404
# The report: the lead surveyor or the office (ACC-10); the response: the organization
POST   /api/v1/accreditation/cases/{id}/report                own   -  401 403 200 403 403 200 403 403
POST   /api/v1/accreditation/cases/{id}/report                other -  401 403 200 403 404 404 403 404
POST   /api/v1/accreditation/cases/{id}/response              own   -  401 403 403 403 403 403 403 200
POST   /api/v1/accreditation/cases/{id}/response              other -  401 403 403 403 404 404 403 404
# The committee (ACC-11): members vote; the office or the head records the decision; the office the notice
POST   /api/v1/accreditation/cases/{id}/votes                 own   -  401 403 403 403 403 403 201 403
POST   /api/v1/accreditation/cases/{id}/votes                 other -  401 403 403 403 404 404 201 404
# The votes: the committee and those who record its decision (office, head); not the administrator or staff
GET    /api/v1/accreditation/cases/{id}/votes                 own   -  401 403 200 200 403 403 200 403
GET    /api/v1/accreditation/cases/{id}/votes                 other -  401 403 200 200 404 404 200 404
POST   /api/v1/accreditation/cases/{id}/decision              own   -  401 403 200 200 403 403 403 403
POST   /api/v1/accreditation/cases/{id}/decision              other -  401 403 200 200 404 404 403 404
POST   /api/v1/accreditation/cases/{id}/notice                own   -  401 403 200 403 403 403 403 403
POST   /api/v1/accreditation/cases/{id}/notice                other -  401 403 200 403 404 404 403 404
# ACC-11 hold: the office records the documents, the head reports (409 here: the case is not on hold)
POST   /api/v1/accreditation/cases/{id}/hold/documents        own   -  401 403 409 403 403 403 403 403
POST   /api/v1/accreditation/cases/{id}/hold/documents        other -  401 403 409 403 404 404 403 404
POST   /api/v1/accreditation/cases/{id}/hold/report           own   -  401 403 403 409 403 403 403 403
POST   /api/v1/accreditation/cases/{id}/hold/report           other -  401 403 403 409 404 404 403 404
POST   /api/v1/accreditation/cases/{id}/withdrawal            own   -  401 403 200 403 404 404 403 200
POST   /api/v1/accreditation/cases/{id}/withdrawal            other -  401 403 200 403 404 404 403 404
POST   /api/v1/accreditation/cases/{id}/stop                  own   -  401 403 200 403 404 404 403 403
POST   /api/v1/accreditation/cases/{id}/stop                  other -  401 403 200 403 404 404 403 404

# ACC invoices (ACC-22): the office issues extra invoices and records payments
POST   /api/v1/accreditation/cases/{id}/invoices              own   -  401 403 201 403 404 404 403 403
POST   /api/v1/accreditation/cases/{id}/invoices              other -  401 403 201 403 404 404 403 404
POST   /api/v1/accreditation/cases/{id}/invoices/{invoice_id}/payments own - 401 403 201 403 404 404 403 403
POST   /api/v1/accreditation/cases/{id}/invoices/{invoice_id}/payments other - 401 403 201 403 404 404 403 404

# ACC screens
GET    /accreditation/standards                -      -                    login 200 200 200 200 200 200 200
GET    /accreditation/cases                    -      -                    login 200 200 200 200 200 200 200
GET    /accreditation/cases/new                -      -                    login 403 200 403 403 403 403 200
POST   /accreditation/cases                    own    /accreditation/cases/* login 403 303 403 403 403 403 303
# (the screen applies for the organization user's own organization whatever the form names: 303 to its own case)
POST   /accreditation/cases                    other  /accreditation/cases/* login 403 303 403 403 403 403 303
GET    /accreditation/cases/{id}               own    -                    login 200 200 200 404 404 200 200
GET    /accreditation/cases/{id}               other  -                    login 200 200 200 404 404 200 404
GET    /accreditation/cases/{id}/ratings       own    -                    login 200 200 200 200 200 200 403
GET    /accreditation/cases/{id}/ratings       other  -                    login 200 200 200 404 404 200 404
POST   /accreditation/cases/{id}/ratings       own    /accreditation/cases/* login 403 403 403 403 303 403 403
POST   /accreditation/cases/{id}/ratings       other  /accreditation/cases/* login 403 403 403 404 403 403 404
# The step forms, sent for the first step (eligibility: the office)
POST   /accreditation/cases/{id}/{step}        own    /accreditation/cases/* login 403 303 403 404 404 403 403
POST   /accreditation/cases/{id}/{step}        other  /accreditation/cases/* login 403 303 403 404 404 403 404

# The self-study and its files (ACC-3, ACC-6): whoever sees the case sees the self-study and downloads its
# files; the organization writes it (and uploads, as the office may for a paper submission); the office checks
# the format. Questionnaire links: the organization or the office; the answers are anonymous and need no account.
GET    /api/v1/accreditation/cases/{id}/self-study                own   -  401 200 200 200 200 200 200 200
GET    /api/v1/accreditation/cases/{id}/self-study                other -  401 200 200 200 404 404 200 404
POST   /api/v1/accreditation/cases/{id}/self-study/narratives     own   -  401 403 403 403 403 403 403 200
POST   /api/v1/accreditation/cases/{id}/self-study/narratives     other -  401 403 403 403 404 404 403 404
POST   /api/v1/accreditation/cases/{id}/self-study/confirmation   own   -  401 403 403 403 403 403 403 200
POST   /api/v1/accreditation/cases/{id}/self-study/confirmation   other -  401 403 403 403 404 404 403 404
POST   /api/v1/accreditation/cases/{id}/self-study/format-check   own   -  401 403 200 403 403 403 403 403
POST   /api/v1/accreditation/cases/{id}/self-study/format-check   other -  401 403 200 403 404 404 403 404
POST   /api/v1/accreditation/cases/{id}/self-study/resubmission   own   -  401 403 403 403 403 403 403 200
POST   /api/v1/accreditation/cases/{id}/self-study/resubmission   other -  401 403 403 403 404 404 403 404
GET    /api/v1/accreditation/cases/{id}/files                     own   -  401 200 200 200 404 404 200 200
GET    /api/v1/accreditation/cases/{id}/files                     other -  401 200 200 200 404 404 200 404
POST   /api/v1/accreditation/cases/{id}/files                     own   -  401 403 201 403 404 404 403 201
POST   /api/v1/accreditation/cases/{id}/files                     other -  401 403 201 403 404 404 403 404
GET    /api/v1/accreditation/cases/{id}/files/{file_id}           own   -  401 200 200 200 404 404 200 200
GET    /api/v1/accreditation/cases/{id}/files/{file_id}           other -  401 200 200 200 404 404 200 404
GET    /api/v1/accreditation/cases/{id}/questionnaires            own   -  401 200 200 200 200 200 200 200
GET    /api/v1/accreditation/cases/{id}/questionnaires            other -  401 200 200 200 404 404 200 404
POST   /api/v1/accreditation/cases/{id}/questionnaires/links      own   -  401 403 201 403 403 403 403 201
POST   /api/v1/accreditation/cases/{id}/questionnaires/links      other -  401 403 201 403 404 404 403 404
GET    /api/v1/public/questionnaires/{token}                      -     -  200 200 200 200 200 200 200 200
POST   /api/v1/public/questionnaires/{token}                      -     -  201 201 201 201 201 201 201 201
# Impartiality and the site-visit timetable (ACC-2, ACC-7, ACC-8): the head decides a department unit;
# the organization objects to an assigned surveyor (the lead here) and the office decides; the timetable is seen by
# whoever sees the case and edited by the office or the lead; surveyors' engagements are the office's records.
POST   /api/v1/accreditation/cases/{id}/unit-decision             own   -  401 403 403 200 404 404 403 403
POST   /api/v1/accreditation/cases/{id}/unit-decision             other -  401 403 403 200 404 404 403 404
POST   /api/v1/accreditation/cases/{id}/surveyors/{user_id}/objection own -  401 403 403 403 403 403 403 201
POST   /api/v1/accreditation/cases/{id}/surveyors/{user_id}/objection other - 401 403 403 403 404 404 403 404
POST   /api/v1/accreditation/cases/{id}/surveyors/{user_id}/objection/decision own - 401 403 200 403 403 403 403 403
POST   /api/v1/accreditation/cases/{id}/surveyors/{user_id}/objection/decision other - 401 403 200 403 404 404 403 404
GET    /api/v1/accreditation/cases/{id}/site-visit/schedule       own   -  401 200 200 200 200 200 200 200
GET    /api/v1/accreditation/cases/{id}/site-visit/schedule       other -  401 200 200 200 404 404 200 404
PUT    /api/v1/accreditation/cases/{id}/site-visit/schedule       own   -  401 403 200 403 403 200 403 403
PUT    /api/v1/accreditation/cases/{id}/site-visit/schedule       other -  401 403 200 403 404 404 403 404
GET    /api/v1/surveyors/{user_id}/engagements                    own   -  401 403 200 403 403 403 403 403
POST   /api/v1/surveyors/{user_id}/engagements                    own   -  401 403 201 403 403 403 403 403
GET    /surveyors                              -      -                    login 403 200 403 403 403 403 403
GET    /surveyors/{user_id}/engagements        own    -                    login 403 200 403 403 403 403 403
POST   /surveyors/{user_id}/engagements        own    /surveyors/*         login 403 303 403 403 403 403 403
GET    /accreditation/cases/{id}/study         own    -                    login 200 200 200 200 200 200 200
GET    /accreditation/cases/{id}/study         other  -                    login 200 200 200 404 404 200 404
# (the screen's forms, sent for the narrative)
POST   /accreditation/cases/{id}/study/{action} own   /accreditation/cases/* login 403 403 403 403 403 403 303
POST   /accreditation/cases/{id}/study/{action} other /accreditation/cases/* login 403 403 403 404 404 403 404
POST   /accreditation/cases/{id}/files         own    /accreditation/cases/* login 403 303 403 404 404 403 303
POST   /accreditation/cases/{id}/files         other  /accreditation/cases/* login 403 303 403 404 404 403 404
GET    /accreditation/cases/{id}/files/{file_id} own  -                    login 200 200 200 404 404 200 200
GET    /accreditation/cases/{id}/files/{file_id} other -                   login 200 200 200 404 404 200 404
# The binder (ACC-6) of a submitted self-study: whoever sees the case.
GET    /accreditation/cases/{id}/self-study/binder.pdf own  -              login 200 200 200 200 200 200 200
GET    /accreditation/cases/{id}/self-study/binder.pdf other -             login 200 200 200 404 404 200 404
GET    /q/{token}                              -      -                    200 200 200 200 200 200 200 200
POST   /q/{token}                              -      -                    201 201 201 201 201 201 201 201

# REG cases (API.md "Registration cases"): the registrar (office, head, admin) sees every case; the
# organization its own; anyone else 404 on a case. Applying: the organization for itself, or the office.
GET    /api/v1/registration/criteria                          -     -  401 200 200 200 200 200 200 200
GET    /api/v1/registration/cases                             -     -  401 200 200 200 403 403 403 200
POST   /api/v1/registration/cases                             own   -  401 403 201 403 404 404 404 201
POST   /api/v1/registration/cases                             other -  401 403 201 403 404 404 404 404
GET    /api/v1/registration/cases/{id}                        own   -  401 200 200 200 404 404 404 200
GET    /api/v1/registration/cases/{id}                        other -  401 200 200 200 404 404 404 404
POST   /api/v1/registration/cases/{id}/review                 own   -  401 403 200 403 404 404 404 403
POST   /api/v1/registration/cases/{id}/review                 other -  401 403 200 403 404 404 404 404
# REG-3 documents uploaded with the application: the institution and the office upload; whoever sees the case
# lists and downloads them (others 404).
GET    /api/v1/registration/cases/{id}/files                  own   -  401 200 200 200 404 404 404 200
GET    /api/v1/registration/cases/{id}/files                  other -  401 200 200 200 404 404 404 404
POST   /api/v1/registration/cases/{id}/files                  own   -  401 403 201 403 404 404 404 201
POST   /api/v1/registration/cases/{id}/files                  other -  401 403 201 403 404 404 404 404
GET    /api/v1/registration/cases/{id}/files/{file_id}        own   -  401 200 200 200 404 404 404 200
GET    /api/v1/registration/cases/{id}/files/{file_id}        other -  401 200 200 200 404 404 404 404

# Registrations (REG-4 renewal, REG-6 change and abolition notices): a registration near its expiry
GET    /api/v1/registrations                                  -     -  401 200 200 200 403 403 403 200
GET    /api/v1/registrations/{number}                         own   -  401 200 200 200 404 404 404 200
GET    /api/v1/registrations/{number}                         other -  401 200 200 200 404 404 404 404
POST   /api/v1/registrations/{number}/renewal                 own   -  401 403 201 403 404 404 404 201
POST   /api/v1/registrations/{number}/renewal                 other -  401 403 201 403 404 404 404 404
POST   /api/v1/registrations/{number}/changes                 own   -  401 403 201 403 404 404 404 201
POST   /api/v1/registrations/{number}/changes                 other -  401 403 201 403 404 404 404 404
POST   /api/v1/registrations/{number}/abolition               own   -  401 403 200 403 404 404 404 200
POST   /api/v1/registrations/{number}/abolition               other -  401 403 200 403 404 404 404 404
# Change notices: the office acknowledges (REG-6)
GET    /api/v1/registration/changes                           -     -  401 200 200 200 403 403 403 403
GET    /api/v1/registration/changes/{id}                      own   -  401 200 200 200 404 404 404 200
GET    /api/v1/registration/changes/{id}                      other -  401 200 200 200 404 404 404 404
POST   /api/v1/registration/changes/{id}/acknowledgement      own   -  401 403 200 403 404 404 404 403
POST   /api/v1/registration/changes/{id}/acknowledgement      other -  401 403 200 403 404 404 404 404
POST   /api/v1/registration/changes/{id}/refusal              own   -  401 403 200 403 404 404 404 403
POST   /api/v1/registration/changes/{id}/refusal              other -  401 403 200 403 404 404 404 404

# Public reports (REG-7): anyone may report; only the registrar reads them (reporters are protected)
POST   /api/v1/public/reports                                 -     -  202 202 202 202 202 202 202 202
GET    /api/v1/registration/reports                           -     -  401 200 200 200 403 403 403 403
POST   /api/v1/registration/reports/{id}/filing               own   -  401 403 200 403 403 403 403 403
POST   /api/v1/registration/reports/{id}/filing               other -  401 403 200 403 403 403 403 403

# Investigations (REG-7): the office manages; the committee sees a case once referred (votes); the office or
# the head records the decision; the organization sees its own case
# (the list is scoped to what the caller may see: empty for staff outside the office)
GET    /api/v1/registration/investigations                   -     -  401 200 200 200 200 200 200 200
POST   /api/v1/registration/investigations                   -     -  401 403 201 403 403 403 403 403
GET    /api/v1/registration/investigations/{id}              own   -  401 200 200 200 404 404 404 200
GET    /api/v1/registration/investigations/{id}              other -  401 200 200 200 404 404 404 404
POST   /api/v1/registration/investigations/{id}/document-requests own - 401 403 201 403 404 404 404 403
POST   /api/v1/registration/investigations/{id}/document-requests other - 401 403 201 403 404 404 404 404
POST   /api/v1/registration/investigations/{id}/document-requests/{rid}/receipt own - 401 403 200 403 404 404 404 403
POST   /api/v1/registration/investigations/{id}/document-requests/{rid}/receipt other - 401 403 200 403 404 404 404 404
# REG-7: the institution answers its document requests with files (one per upload); whoever sees the case
# lists the requests with their answers and downloads the files (others 404).
GET    /api/v1/registration/investigations/{id}/document-requests own - 401 200 200 200 404 404 404 200
GET    /api/v1/registration/investigations/{id}/document-requests other - 401 200 200 200 404 404 404 404
POST   /api/v1/registration/investigations/{id}/document-requests/{rid}/files own - 401 403 403 403 404 404 404 201
POST   /api/v1/registration/investigations/{id}/document-requests/{rid}/files other - 401 403 403 403 404 404 404 404
GET    /api/v1/registration/investigations/{id}/files/{file_id} own - 401 200 200 200 404 404 404 200
GET    /api/v1/registration/investigations/{id}/files/{file_id} other - 401 200 200 200 404 404 404 404
POST   /api/v1/registration/investigations/{id}/records      own   -  401 403 201 403 404 404 404 403
POST   /api/v1/registration/investigations/{id}/records      other -  401 403 201 403 404 404 404 404
POST   /api/v1/registration/investigations/{id}/hearing-notice own  -  401 403 201 403 404 404 404 403
POST   /api/v1/registration/investigations/{id}/hearing-notice other -  401 403 201 403 404 404 404 404
POST   /api/v1/registration/investigations/{id}/referral     own   -  401 403 200 403 404 404 404 403
POST   /api/v1/registration/investigations/{id}/referral     other -  401 403 200 403 404 404 404 404
POST   /api/v1/registration/investigations/{id}/closure      own   -  401 403 200 403 404 404 404 403
POST   /api/v1/registration/investigations/{id}/closure      other -  401 403 200 403 404 404 404 404
POST   /api/v1/registration/investigations/{id}/votes        own   -  401 403 403 403 404 404 201 403
POST   /api/v1/registration/investigations/{id}/votes        other -  401 403 403 403 404 404 201 404
POST   /api/v1/registration/investigations/{id}/decision     own   -  401 403 200 200 404 404 403 403
POST   /api/v1/registration/investigations/{id}/decision     other -  401 403 200 200 404 404 403 404

# Trainings (REG-9): the office manages; organizations see them to send their counselors. A training belongs
# to no organization: `own`/`other` are two sessions, attendance named by the own/other registration.
GET    /api/v1/registration/trainings                        -     -  401 200 200 200 403 403 403 200
POST   /api/v1/registration/trainings                        -     -  401 403 201 403 403 403 403 403
GET    /api/v1/registration/trainings/{id}                   own   -  401 200 200 200 403 403 403 200
GET    /api/v1/registration/trainings/{id}                   other -  401 200 200 200 403 403 403 200
POST   /api/v1/registration/trainings/{id}/attendance        own   -  401 403 201 403 403 403 403 403
POST   /api/v1/registration/trainings/{id}/attendance        other -  401 403 201 403 403 403 403 403
# Enrolment in a coming session (REG-9): the institution for its own counselors, or the office.
POST   /api/v1/registration/trainings/{id}/enrolments        own   -  401 403 201 403 403 403 403 201
POST   /api/v1/registration/trainings/{id}/enrolments        other -  401 403 201 403 403 403 403 404

# REG screens
# (the hub: committee members see the deregistration cases referred to them)
GET    /registration                           -      -                          login 200 200 200 403 403 200 200
GET    /registration/apply                     -      -                          login 403 200 403 404 404 404 200
POST   /registration/cases                     own    /registration/cases/*      login 403 303 403 404 404 404 303
POST   /registration/cases                     other  /registration/cases/*      login 403 303 403 404 404 404 404
GET    /registration/cases/{id}                own    -                          login 200 200 200 404 404 404 200
GET    /registration/cases/{id}                other  -                          login 200 200 200 404 404 404 404
POST   /registration/cases/{id}/review         own    /registration/cases/*      login 403 303 403 404 404 404 403
POST   /registration/cases/{id}/review         other  /registration/cases/*      login 403 303 403 404 404 404 404
POST   /registration/cases/{id}/files          own    /registration/cases/*      login 403 303 403 404 404 404 303
POST   /registration/cases/{id}/files          other  /registration/cases/*      login 403 303 403 404 404 404 404
GET    /registration/cases/{id}/files/{file_id} own   -                          login 200 200 200 404 404 404 200
GET    /registration/cases/{id}/files/{file_id} other -                          login 200 200 200 404 404 404 404
GET    /registration/registrations/{number}    own    -                          login 200 200 200 404 404 404 200
GET    /registration/registrations/{number}    other  -                          login 200 200 200 404 404 404 404
POST   /registration/registrations/{number}/changes own /registration/registrations/* login 403 303 403 404 404 404 303
POST   /registration/registrations/{number}/changes other /registration/registrations/* login 403 303 403 404 404 404 404
POST   /registration/registrations/{number}/abolition own /registration/registrations/* login 403 303 403 404 404 404 303
POST   /registration/registrations/{number}/abolition other /registration/registrations/* login 403 303 403 404 404 404 404
GET    /registration/registrations/{number}/certificate own -                    login 200 200 200 404 404 404 200
GET    /registration/registrations/{number}/certificate other -                  login 200 200 200 404 404 404 404
POST   /registration/changes/{id}/acknowledge  own    /registration/registrations/* login 403 303 403 404 404 404 403
POST   /registration/changes/{id}/acknowledge  other  /registration/registrations/* login 403 303 403 404 404 404 404
POST   /registration/changes/{id}/refuse       own    /registration/registrations/* login 403 303 403 404 404 404 403
POST   /registration/changes/{id}/refuse       other  /registration/registrations/* login 403 303 403 404 404 404 404
GET    /registration/reports                   -      -                          login 200 200 200 403 403 403 403
POST   /registration/reports/{id}/file         own    /registration/reports      login 403 303 403 403 403 403 403
POST   /registration/reports/{id}/file         other  /registration/reports      login 403 303 403 403 403 403 403
POST   /registration/investigations            -      /registration/investigations/* login 403 303 403 403 403 403 403
GET    /registration/investigations/{id}       own    -                          login 200 200 200 404 404 404 200
GET    /registration/investigations/{id}       other  -                          login 200 200 200 404 404 404 404
# The step forms, sent for the `records` step (the office)
POST   /registration/investigations/{id}/document-requests/{rid}/files own /registration/investigations/* login 403 403 403 404 404 404 303
POST   /registration/investigations/{id}/document-requests/{rid}/files other /registration/investigations/* login 403 403 403 404 404 404 404
GET    /registration/investigations/{id}/files/{file_id} own -                 login 200 200 200 404 404 404 200
GET    /registration/investigations/{id}/files/{file_id} other -               login 200 200 200 404 404 404 404
POST   /registration/investigations/{id}/{step} own   /registration/investigations/* login 403 303 403 404 404 404 403
POST   /registration/investigations/{id}/{step} other /registration/investigations/* login 403 303 403 404 404 404 404
GET    /registration/trainings                 -      -                          login 200 200 200 403 403 403 200
POST   /registration/trainings                 -      /registration/trainings/*  login 403 303 403 403 403 403 403
GET    /registration/trainings/{id}            own    -                          login 200 200 200 403 403 403 200
GET    /registration/trainings/{id}            other  -                          login 200 200 200 403 403 403 200
POST   /registration/trainings/{id}/attendance own    /registration/trainings/*  login 403 303 403 403 403 403 403
POST   /registration/trainings/{id}/attendance other  /registration/trainings/*  login 403 303 403 403 403 403 403
POST   /registration/trainings/{id}/enrolments own    /registration/trainings/*  login 403 303 403 403 403 403 303
POST   /registration/trainings/{id}/enrolments other  /registration/trainings/*  login 403 303 403 403 403 403 404
# The public report form (REG-7) needs no account
GET    /report                                 -      -                          200 200 200 200 200 200 200 200
POST   /report                                 -      -                          202 202 202 202 202 202 202 202

# Appeals (ACC-21): the organization files against its case's ineligibility or denial, or its
# accreditation's revocation (or the office enters a paper filing); the office, the head, administrators, the
# organization and members without conflict see an appeal; the office asks for information; members answer the
# poll; the office or the head records the decision.
POST   /api/v1/accreditation/cases/{id}/appeals               own   -  401 403 201 403 403 403 403 201
POST   /api/v1/accreditation/cases/{id}/appeals               other -  401 403 201 403 404 404 403 404
POST   /api/v1/accreditations/{number}/appeals                own   -  401 403 201 403 403 403 403 201
POST   /api/v1/accreditations/{number}/appeals                other -  401 403 201 403 403 403 403 404
GET    /api/v1/accreditation/appeals                          -     -  401 200 200 200 200 200 200 200
GET    /api/v1/accreditation/appeals/{id}                     own   -  401 200 200 200 404 404 200 200
GET    /api/v1/accreditation/appeals/{id}                     other -  401 200 200 200 404 404 200 404
POST   /api/v1/accreditation/appeals/{id}/information-requests own  -  401 403 201 403 404 404 403 403
POST   /api/v1/accreditation/appeals/{id}/information-requests other - 401 403 201 403 404 404 403 404
POST   /api/v1/accreditation/appeals/{id}/votes               own   -  401 403 403 403 404 404 201 403
POST   /api/v1/accreditation/appeals/{id}/votes               other -  401 403 403 403 404 404 201 404
POST   /api/v1/accreditation/appeals/{id}/decision            own   -  401 403 200 200 404 404 403 403
POST   /api/v1/accreditation/appeals/{id}/decision            other -  401 403 200 200 404 404 403 404
# Renewal (ACC-19) and scope changes (ACC-20): the organization for its accreditation, or the office; the
# extension of validity is asked by the organization and decided by the office
POST   /api/v1/accreditations/{number}/renewal                own   -  401 403 201 403 403 403 403 201
POST   /api/v1/accreditations/{number}/renewal                other -  401 403 201 403 403 403 403 404
POST   /api/v1/accreditation/cases/{id}/extension             own   -  401 403 403 403 404 404 403 201
POST   /api/v1/accreditation/cases/{id}/extension             other -  401 403 403 403 404 404 403 404
POST   /api/v1/accreditation/cases/{id}/extension/decision    own   -  401 403 200 403 404 404 403 403
POST   /api/v1/accreditation/cases/{id}/extension/decision    other -  401 403 200 403 404 404 403 404
POST   /api/v1/accreditations/{number}/services               own   -  401 403 201 403 403 403 403 201
POST   /api/v1/accreditations/{number}/services               other -  401 403 201 403 403 403 403 404
POST   /api/v1/accreditations/{number}/service-endings        own   -  401 403 200 403 403 403 403 200
POST   /api/v1/accreditations/{number}/service-endings        other -  401 403 200 403 403 403 403 404
# The accreditation after the decision (ACC-13 … ACC-18). The record: the office, the head and
# administrators, and the organization's own users; staff outside the office and other organizations get 404.
GET    /api/v1/accreditations                                 -     -  401 200 200 200 403 403 403 200
GET    /api/v1/accreditations/{number}                        own   -  401 200 200 200 404 404 404 200
GET    /api/v1/accreditations/{number}                        other -  401 200 200 200 404 404 404 404
# The organization reports (ACC-14 annual report, ACC-15 self-reports, written answers)
POST   /api/v1/accreditations/{number}/annual-reports         own   -  401 403 403 403 404 404 404 201
POST   /api/v1/accreditations/{number}/annual-reports         other -  401 403 403 403 404 404 404 404
POST   /api/v1/accreditations/{number}/self-reports           own   -  401 403 403 403 404 404 404 201
POST   /api/v1/accreditations/{number}/self-reports           other -  401 403 403 403 404 404 404 404
POST   /api/v1/accreditations/{number}/questions/{question_id}/answer own - 401 403 403 403 404 404 404 200
POST   /api/v1/accreditations/{number}/questions/{question_id}/answer other - 401 403 403 403 404 404 404 404
# The office asks, suspends and lifts, records lapses, runs compliance reviews and issues certificates
POST   /api/v1/accreditations/{number}/questions              own   -  401 403 201 403 404 404 404 403
POST   /api/v1/accreditations/{number}/questions              other -  401 403 201 403 404 404 404 404
POST   /api/v1/accreditations/{number}/suspension             own   -  401 403 200 403 404 404 404 403
POST   /api/v1/accreditations/{number}/suspension             other -  401 403 200 403 404 404 404 404
POST   /api/v1/accreditations/{number}/suspension/lift        own   -  401 403 200 403 404 404 404 403
POST   /api/v1/accreditations/{number}/suspension/lift        other -  401 403 200 403 404 404 404 404
POST   /api/v1/accreditations/{number}/lapse                  own   -  401 403 200 403 404 404 404 403
POST   /api/v1/accreditations/{number}/lapse                  other -  401 403 200 403 404 404 404 404
POST   /api/v1/accreditations/{number}/reviews                own   -  401 403 201 403 404 404 404 403
POST   /api/v1/accreditations/{number}/reviews                other -  401 403 201 403 404 404 404 404
POST   /api/v1/accreditations/{number}/reviews/{review_id}/requests own - 401 403 201 403 404 404 404 403
POST   /api/v1/accreditations/{number}/reviews/{review_id}/requests other - 401 403 201 403 404 404 404 404
POST   /api/v1/accreditations/{number}/reviews/{review_id}/requests/{item_id}/fulfilment own - 401 403 200 403 404 404 404 403
POST   /api/v1/accreditations/{number}/reviews/{review_id}/requests/{item_id}/fulfilment other - 401 403 200 403 404 404 404 404
POST   /api/v1/accreditations/{number}/reviews/{review_id}/site-visit own - 401 403 200 403 404 404 404 403
POST   /api/v1/accreditations/{number}/reviews/{review_id}/site-visit other - 401 403 200 403 404 404 404 404
POST   /api/v1/accreditations/{number}/reviews/{review_id}/revocation-request own - 401 403 200 403 404 404 404 403
POST   /api/v1/accreditations/{number}/reviews/{review_id}/revocation-request other - 401 403 200 403 404 404 404 404
POST   /api/v1/accreditations/{number}/reviews/{review_id}/closure own - 401 403 200 403 404 404 404 403
POST   /api/v1/accreditations/{number}/reviews/{review_id}/closure other - 401 403 200 403 404 404 404 404
POST   /api/v1/accreditations/{number}/certificates           own   -  401 403 201 403 404 404 404 403
POST   /api/v1/accreditations/{number}/certificates           other -  401 403 201 403 404 404 404 404
POST   /api/v1/accreditations/{number}/certificates/reissue-invoice own - 401 403 201 403 404 404 404 403
POST   /api/v1/accreditations/{number}/certificates/reissue-invoice other - 401 403 201 403 404 404 404 404
# The head polls each committee member (ACC-16); the office or the head records the revocation (ACC-18)
POST   /api/v1/accreditations/{number}/reviews/{review_id}/answers own - 401 403 403 201 404 404 404 403
POST   /api/v1/accreditations/{number}/reviews/{review_id}/answers other - 401 403 403 201 404 404 404 404
POST   /api/v1/accreditations/{number}/revocation             own   -  401 403 200 200 404 404 404 403
POST   /api/v1/accreditations/{number}/revocation             other -  401 403 200 200 404 404 404 404
# Screens: the list, the accreditation page, its forms (sent for the organization's self-report), the logo
# terms (any signed-in user) and the logo file (the organization of an active accreditation, and the office)
GET    /accreditations                         -      -                    login 200 200 200 403 403 403 200
GET    /accreditations/{number}                own    -                    login 200 200 200 404 404 404 200
GET    /accreditations/{number}                other  -                    login 200 200 200 404 404 404 404
GET    /accreditations/{number}/logo.svg       own    -                    login 200 200 200 404 404 404 200
GET    /accreditations/{number}/logo.svg       other  -                    login 200 200 200 404 404 404 404
POST   /accreditations/{number}/{action}       own    /accreditations/*    login 403 403 403 404 404 404 303
POST   /accreditations/{number}/{action}       other  /accreditations/*    login 403 403 403 404 404 404 404
GET    /accreditation/logo                     -      -                    login 200 200 200 200 200 200 200
# The certificate (ACC-11/12 ③) and the revocation notice (ACC-18) as PDF: the organization, the office, the head
GET    /accreditations/{number}/certificates/{certificate_id}/certificate.pdf own - login 404 200 200 404 404 404 200
GET    /accreditations/{number}/certificates/{certificate_id}/certificate.pdf other - login 404 200 200 404 404 404 404
GET    /accreditations/{number}/revocation-notice.pdf own   -                  login 404 200 200 404 404 404 200
GET    /accreditations/{number}/revocation-notice.pdf other -                  login 404 200 200 404 404 404 404
# The appeals screens (read-only; the steps are in the API)
GET    /accreditation/appeals                                 -     -  login 200 200 200 200 200 200 200
GET    /accreditation/appeals/{id}                            own   -  login 200 200 200 404 404 200 200
GET    /accreditation/appeals/{id}                            other -  login 200 200 200 404 404 200 404
# The appeal page's forms (sent for the office's information request, ACC-21)
POST   /accreditation/appeals/{id}/{action}                   own   /accreditation/appeals/* login 403 303 403 404 404 403 403
POST   /accreditation/appeals/{id}/{action}                   other /accreditation/appeals/* login 403 303 403 404 404 403 404
# Documents: a case's letters as PDF for the organization, the office and the head; anyone else 404
# (ACC-23: what the organization receives is confidential); the registration certificate as its HTML page
GET    /accreditation/cases/{id}/documents/acceptance-notice.pdf own   -  login 404 200 200 404 404 404 200
GET    /accreditation/cases/{id}/documents/acceptance-notice.pdf other -  login 404 200 200 404 404 404 404
GET    /accreditation/cases/{id}/documents/result-notice.pdf     own   -  login 404 200 200 404 404 404 200
GET    /accreditation/cases/{id}/documents/result-notice.pdf     other -  login 404 200 200 404 404 404 404
GET    /accreditation/cases/{id}/documents/review-report.pdf     own   -  login 404 200 200 404 404 404 200
GET    /accreditation/cases/{id}/documents/review-report.pdf     other -  login 404 200 200 404 404 404 404
GET    /accreditation/cases/{id}/documents/site-visit-report.pdf own   - login 404 200 200 404 404 404 200
GET    /accreditation/cases/{id}/documents/site-visit-report.pdf other - login 404 200 200 404 404 404 404
GET    /accreditation/cases/{id}/invoices/{invoice_id}/invoice.pdf own -  login 404 200 200 404 404 404 200
GET    /accreditation/cases/{id}/invoices/{invoice_id}/invoice.pdf other - login 404 200 200 404 404 404 404
GET    /registration/registrations/{number}/certificate.pdf own -         login 200 200 200 404 404 404 200
GET    /registration/registrations/{number}/certificate.pdf other -       login 200 200 200 404 404 404 404
# The calendar feed: every signed-in user makes and revokes their own; the feed answers its secret
POST   /deadlines/calendar-feed                 -      -                          login 200 200 200 200 200 200 200
POST   /deadlines/calendar-feed/revoke          -      /deadlines?feed=revoked    login 303 303 303 303 303 303 303
GET    /calendar/{token}                        -      -                          200   200 200 200 200 200 200 200
# Exports: every organization's data, for the office and the administrator only
GET    /exports                                 -      -                          login 200 200 403 403 403 403 403
GET    /exports/acc-cases.csv                   -      -                          login 200 200 403 403 403 403 403
GET    /exports/acc-cases.json                  -      -                          login 200 200 403 403 403 403 403
GET    /exports/deadlines.csv                   -      -                          login 200 200 403 403 403 403 403
GET    /exports/deadlines.json                  -      -                          login 200 200 403 403 403 403 403
GET    /exports/invoices.csv                    -      -                          login 200 200 403 403 403 403 403
GET    /exports/invoices.json                   -      -                          login 200 200 403 403 403 403 403
# Public pages: an accredited organization's page (ACC-23), the prefecture view (REG-8), open data
GET    /directory/accreditations/{number}       own    -                          200   200 200 200 200 200 200 200
GET    /directory/accreditations/{number}       other  -                          200   200 200 200 200 200 200 200
GET    /prefectures                             -      -                          200   200 200 200 200 200 200 200
GET    /prefectures/{prefecture}                -      -                          200   200 200 200 200 200 200 200
GET    /open-data/registrations.csv             -      -                          200   200 200 200 200 200 200 200
GET    /open-data/registrations.json            -      -                          200   200 200 200 200 200 200 200
GET    /open-data/accreditations.csv            -      -                          200   200 200 200 200 200 200 200
GET    /open-data/accreditations.json           -      -                          200   200 200 200 200 200 200 200
"#;

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

    /// The first caller the row answers 409: allowed to take the step, refused only by the record's state.
    pub fn permitted_in_another_state(&self) -> Option<Option<Role>> {
        WHO.iter()
            .zip(&self.cells)
            .find(|(_, e)| matches!(e, Expect::Status(409)))
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
/// A registration number that exists nowhere (well-formed, REG-2099-9999).
const MISSING_NUMBER: &str = "REG-2099-9999";

/// The matrix is checked in [`SHARDS`] tests of every `SHARDS`-th row, each on its own database, so that the
/// test runner spreads the cells over its threads (one test of every cell took ~12 minutes on PostgreSQL).
const SHARDS: usize = 6;

#[tokio::test]
async fn every_route_answers_every_role_as_the_matrix_says_0() {
    check_shard(0).await;
}
#[tokio::test]
async fn every_route_answers_every_role_as_the_matrix_says_1() {
    check_shard(1).await;
}
#[tokio::test]
async fn every_route_answers_every_role_as_the_matrix_says_2() {
    check_shard(2).await;
}
#[tokio::test]
async fn every_route_answers_every_role_as_the_matrix_says_3() {
    check_shard(3).await;
}
#[tokio::test]
async fn every_route_answers_every_role_as_the_matrix_says_4() {
    check_shard(4).await;
}
#[tokio::test]
async fn every_route_answers_every_role_as_the_matrix_says_5() {
    check_shard(5).await;
}

async fn check_shard(shard: usize) {
    let fx = Fixture::new().await;
    let rows: Vec<_> = matrix()
        .into_iter()
        .enumerate()
        .filter(|(i, _)| i % SHARDS == shard)
        .map(|(_, r)| r)
        .collect();
    let mut failures = Vec::new();
    let mut cells = 0;
    for row in &rows {
        for (who, expect) in WHO.iter().zip(&row.cells) {
            cells += 1;
            let subject = fx.subject(*who).await;
            let label = format!("{} [{}] as {}", row.route, row.record.name(), who_name(*who));
            let r = match send_valid(&fx, &row.route, *who, &subject, row.record, &Send::default()).await {
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
                    let ctx = fx.ctx(&row.route, *who, &fresh, Record::Other).await;
                    let body = crate::harness::body_for(&row.route, &ctx).expect("body");
                    let body = match body {
                        crate::harness::Body::Json(mut v) => {
                            if v.get("organization_id").is_some() {
                                v["organization_id"] = MISSING_ID.into();
                            }
                            if v.get("registration_number").is_some() {
                                v["registration_number"] = MISSING_NUMBER.into();
                            }
                            crate::harness::Body::Json(v)
                        }
                        b => b,
                    };
                    let missing = if row.route.params().contains(&"id") {
                        MISSING_ID
                    } else {
                        MISSING_NUMBER
                    };
                    let path = fx.path(&row.route, &ctx, Some(missing)).expect("path");
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

/// The deadline list and the dashboard are subjects of the matrix too: each deadline row is shown exactly to
/// those who may open the record it belongs to (ACC-5, ACC-7, ACC-8, REG-7, ACC-21). For records built as the
/// rows below build them, every signed-in role's `/deadlines` must link the record if and only if the record's
/// own page answers that role 200 (for an organization's user: and the row is the organization's to do), and the
/// dashboard counts only what the list shows.
const DEADLINE_SUBJECTS: &[(&str, &str)] = &[
    // (the route whose record is built, the record's page)
    (
        "POST /api/v1/accreditation/cases/{id}/self-study/submission",
        "/accreditation/cases/{id}",
    ),
    (
        "POST /api/v1/registration/investigations/{id}/document-requests/{rid}/receipt",
        "/registration/investigations/{id}",
    ),
    // Referred to the committee (its members who have no conflict see it); the referral met the documents
    // deadline, so the test gives the case one (below).
    (
        "POST /api/v1/registration/investigations/{id}/votes",
        "/registration/investigations/{id}",
    ),
    ("GET /accreditation/appeals/{id}", "/accreditation/appeals/{id}"),
    ("GET /accreditations/{number}", "/accreditations/{number}"),
];

async fn page_as(fx: &Fixture, subject: &crate::harness::Subject, path: &str) -> TestResponse {
    let req = axum::http::Request::get(path)
        .header(axum::http::header::HOST, crate::harness::HOST)
        .header(
            axum::http::header::COOKIE,
            format!("nintei_session={}", subject.session),
        )
        .body(axum::body::Body::empty())
        .expect("request");
    fx.app.send(req).await
}

/// The dashboard's two deadline counts, as shown (overdue, due this week).
pub(crate) fn dashboard_counts(html: &str) -> (usize, usize) {
    let i = html
        .find("id=\"deadline-summary\"")
        .expect("the dashboard sums up the deadline list");
    let digits: Vec<usize> = html[i..]
        .split(['<', '>', ' ', '、', '：'])
        .filter_map(|w| w.trim().parse().ok())
        .take(2)
        .collect();
    (digits[0], digits[1])
}

/// The row counts in the headings of the deadline list's first two sections (overdue, this week).
fn section_counts(html: &str) -> (usize, usize) {
    let counts: Vec<usize> = html
        .split("）</h2>")
        .filter_map(|chunk| chunk.rsplit('（').next()?.trim().parse().ok())
        .take(2)
        .collect();
    (counts[0], counts[1])
}

#[tokio::test]
async fn deadline_rows_are_shown_exactly_to_those_who_may_open_the_record_own() {
    deadline_rows(Record::Own).await;
}

#[tokio::test]
async fn deadline_rows_are_shown_exactly_to_those_who_may_open_the_record_other() {
    deadline_rows(Record::Other).await;
}

/// One half of the check (own or other records, each on its own database so that they run in parallel).
async fn deadline_rows(record: Record) {
    let fx = Fixture::new().await;
    let routes = nintei_web::route_table();
    let mut failures = Vec::new();
    let mut seen_by_office = 0;
    for (build, page) in DEADLINE_SUBJECTS {
        let route = routes
            .iter()
            .find(|r| r.to_string() == *build)
            .unwrap_or_else(|| panic!("no route {build}"))
            .clone();
        {
            for who in WHO.iter().skip(1) {
                let subject = fx.subject(*who).await;
                let ctx = fx.ctx(&route, *who, &subject, record).await;
                let mut path = (*page).to_owned();
                for p in ["id", "number"] {
                    if let Some(v) = ctx.params.get(p) {
                        path = path.replace(&format!("{{{p}}}"), v);
                    }
                }
                if build.ends_with("/votes") {
                    let mut tx = fx.app.state.db.begin_write().await.expect("tx");
                    let nd = nintei_store::deadlines::NewDeadline {
                        kind: "documents",
                        subject: "reg_investigation",
                        subject_id: &ctx.params["id"],
                        organization_id: Some(&ctx.org),
                        owner: nintei_domain::deadline::Owner::Organization,
                        assignee_id: None,
                        title: "REG-7 追加書類",
                        due_on: "2026-11-25".parse().expect("date"),
                    };
                    nintei_store::deadlines::set(&mut tx, &nd, 0)
                        .await
                        .expect("deadline");
                    tx.commit().await.expect("commit");
                }
                // Every open deadline due within the list's horizon, whatever the stage's dates: the list shows it
                // then to whoever may see it.
                crate::support::sqlx_exec(
                    &fx.app.state.db,
                    "UPDATE deadlines SET due_on = '2026-11-25' WHERE met_on IS NULL AND waived = 0",
                )
                .await;
                let opened = page_as(&fx, &subject, &path).await.status.as_u16() == 200;
                let list = page_as(&fx, &subject, "/deadlines").await;
                list.assert_status(200);
                let listed = list.text().contains(&format!("href=\"{path}\""));
                let label = format!("{build} [{}] as {}", record.name(), who_name(*who));
                if *who == Some(Role::Office) && listed {
                    seen_by_office += 1;
                }
                // An organization's list holds only what the organization must do: a record it may open is listed
                // when one of its open deadlines is the organization's (as the office's full list shows).
                let expected = if *who == Some(Role::Organization) && opened {
                    let office = fx.subject(Some(Role::Office)).await;
                    let all = page_as(&fx, &office, "/deadlines").await.text();
                    all.split("<tr")
                        .any(|row| row.contains(&format!("href=\"{path}\"")) && row.contains("<td>機関</td>"))
                } else {
                    opened
                };
                if listed != expected {
                    failures.push(format!(
                        "{label}: the record's page answers {}, but /deadlines {} it",
                        if opened { "200" } else { "404/403" },
                        if listed { "lists" } else { "does not list" }
                    ));
                }
                // The dashboard counts what the list shows (overdue and due within a week).
                let dash = page_as(&fx, &subject, "/dashboard").await;
                dash.assert_status(200);
                let shown = section_counts(&list.text());
                let counted = dashboard_counts(&dash.text());
                if shown != counted {
                    failures.push(format!(
                        "{label}: the dashboard counts {counted:?} (overdue, this week), the list shows {shown:?}"
                    ));
                }
            }
        }
    }
    assert!(
        seen_by_office >= 5,
        "the office sees only {seen_by_office} of the built records' deadlines"
    );
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
