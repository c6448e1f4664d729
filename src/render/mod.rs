//! Rendering: Markdown bodies, then whole pages through Tera templates.

pub mod compact;
pub mod context;
pub mod links;
pub mod markdown;
pub mod pages;
pub mod search;
pub mod structure;
pub mod templates;
pub mod word_text;
pub mod writer;
