//! kaoping (考评): the quarterly assessment of local governments' work against IP infringement and
//! counterfeit goods. The pipeline runs one way: scheme → template; ingest → score → flag → report.

pub mod flag;
pub mod ingest;
pub mod problem;
pub mod quarter;
pub mod registry;
pub mod scheme;
pub mod score;
pub mod history;
pub mod output;
pub mod report;
pub mod cli;
pub mod commands;
pub mod pipeline;
pub mod samples;
pub mod template;
