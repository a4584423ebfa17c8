//! The one integration-test binary: every test gets a fresh database on the backend chosen by
//! `NINTEI_TEST_BACKEND` (sqlite by default, or postgres).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod api_auth;
mod api_organizations;
mod audit;
mod browser;
mod jobs;
mod reg_cases;
mod reg_common;
mod reg_deregistration;
mod reg_lifecycle;
mod reg_screens;
mod reg_training;
mod storage;
mod support;
