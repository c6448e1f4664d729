//! Publicity periods: the official working-day calendar and each list's
//! status relative to `--today`.

pub mod calendar;
pub mod status;
