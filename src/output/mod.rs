//! Writing the site: staging, minification, static files and feeds.

pub mod feeds;
pub mod scan_gate;
pub mod staging;
pub mod statics;
