//! Writing the site: staging, the leak gate, static files and feeds.

pub mod attachments;
pub mod feeds;
pub mod scan_gate;
pub mod staging;
pub mod statics;
