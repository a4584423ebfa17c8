//! The one integration-test binary: every test gets a fresh database on the backend chosen by
//! `NINTEI_TEST_BACKEND` (sqlite by default, or postgres).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod acc_cli;
mod acc_concurrency;
mod acc_fixture;
mod acc_lifecycle;
mod acc_rules;
mod acc_screens;
mod api_auth;
mod api_organizations;
mod audit;
mod browser;
mod jobs;
mod storage;
mod support;
