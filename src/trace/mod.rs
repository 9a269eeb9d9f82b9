//! io_urine's own diagnostics: names for opcodes and flags ([`names`]) and the
//! setup-failure diagnosis ([`diag`]) shared by the library and the `io_urine` tool.

pub mod diag;
pub mod names;
