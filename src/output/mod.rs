//! Writing the site: staging, the leak gate, static files and feeds, and
//! publishing into output folders gongshi owns (ownership, lock, journal).

pub mod attachments;
pub mod error;
pub mod failsafe;
pub mod feeds;
pub mod journal;
pub mod lock;
pub mod ownership;
pub mod private_dir;
pub mod scan_gate;
pub mod staging;
pub mod statics;
pub mod verdicts;
