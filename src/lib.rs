//! kaoping (考评): the quarterly assessment of local governments' work against IP infringement and
//! counterfeit goods. The pipeline runs one way: scheme → template; ingest → score → flag → report.

pub mod annual;
pub mod cli;
pub mod commands;
pub mod contract;
pub mod csvfile;
pub mod decimal;
pub mod fingerprint;
pub mod flag;
pub mod history;
pub mod ingest;
pub mod interrupt;
pub mod office;
pub mod output;
pub mod pipeline;
pub mod problem;
pub mod quarter;
pub mod record;
pub mod registry;
pub mod report;
pub mod samples;
pub mod scheme;
pub mod score;
pub mod stats;
pub mod submission;
pub mod tablefile;
pub mod template;
pub mod text;
pub mod timings;
pub mod web;
pub mod workspace;
pub mod xlsx;
