//! `gongshi publish`: build, then bring each `[[publish]]` target to
//! exactly the new site.

pub mod failsafe;
pub mod s3;
pub mod s3_plan;
pub mod timeline;
