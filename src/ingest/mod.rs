//! Reading and validating submissions: a folder of workbooks in, typed values with their sources
//! and a list of problems out. Only this module reads workbooks.

mod types;

pub use types::*;
