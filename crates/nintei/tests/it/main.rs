//! The one integration-test binary: every test gets a fresh database on the backend chosen by
//! `NINTEI_TEST_BACKEND` (sqlite by default, or postgres).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod api_auth;
mod api_organizations;
mod audit;
mod authz_matrix;
mod browser;
mod concurrency;
mod csrf_sweep;
mod harness;
mod jobs;
mod pages;
mod props;
mod requests;
mod storage;
mod support;
