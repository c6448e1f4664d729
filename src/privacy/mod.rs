//! What may be public: column roles, name masks, the projection from
//! private rosters to public tables, and the leak gate over the output.

pub mod extract;
pub mod mask;
pub mod names_guard;
pub mod roles;
pub mod scan;
pub mod sniff;
