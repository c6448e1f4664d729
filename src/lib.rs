//! gongshi (公示): a static-site generator for student financial-aid
//! publicity. See README.md for the pipeline and the content format.

pub mod audit;
pub mod cli;
pub mod config;
pub mod content;
pub mod data;
pub mod date;
pub mod diag;
pub mod escape;
pub mod fingerprint;
pub mod frontmatter;
pub mod import;
pub mod init;
pub mod letters;
pub mod lists;
pub mod names;
pub mod natural;
pub mod output;
pub mod pipeline;
pub mod platform;
pub mod privacy;
pub mod publish;
pub mod render;
pub mod roster;
pub mod scaffold;
pub mod schedule;
pub mod schedule_files;
pub mod serve;
pub mod status;
pub mod targets;
pub mod theme;
pub mod timing;
pub mod toml_error;
pub mod workbench;
