//! The publicity-list stage: check each bundle, schedule it against
//! `--today`, load and validate its data, and publish the masked list
//! while it is active (or the withdrawal notice once it has ended).

mod batch_bytes;
pub mod cache;
pub mod check;
pub mod job;
mod outputs_state;
