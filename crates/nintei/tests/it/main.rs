//! The one integration-test binary: every test gets a fresh database on the backend chosen by
//! `NINTEI_TEST_BACKEND` (sqlite by default, or postgres).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod acc_after;
mod acc_after_screens;
mod acc_cli;
mod acc_concurrency;
mod acc_fixture;
mod acc_impartiality;
mod acc_lifecycle;
mod acc_renewal;
mod acc_rules;
mod acc_screens;
mod acc_selfstudy;
mod api_auth;
mod api_organizations;
mod audit;
mod authz_matrix;
mod browser;
mod concurrency;
mod csrf_sweep;
mod deadlines;
mod demo_scale;
mod documents;
mod harness;
mod harness_records;
mod jobs;
mod mail;
mod openapi;
mod pages;
mod props;
mod public_api;
mod public_pages;
mod reg_cases;
mod reg_common;
mod reg_deregistration;
mod reg_lifecycle;
mod reg_screens;
mod reg_training;
mod reminders;
mod requests;
mod search;
mod signin_input;
mod signin_throttle;
mod signin_visibility;
mod storage;
mod support;
