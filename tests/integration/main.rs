//! The one integration-test binary (as ripgrep has): each module a part of the product, run
//! through the library or the real `kaoping` binary; `util` holds what they share.
//!
//! Run one part with `cargo test --release --test integration report::`.

#![allow(clippy::unwrap_used)] // a test binary: a failed unwrap is a failed test

mod util;

mod annual;
mod architecture;
mod browser;
mod bulletin;
mod bulletin_schema;
mod calendar;
mod cli;
mod compare;
mod corpus;
mod feedback;
mod funnel_flags;
mod history;
mod invariants;
mod ladder;
mod province;
mod regression;
mod report;
mod revision;
mod scale;
mod scoring;
mod template;
mod web;
mod web_server;
