//! The workbench page: one HTML file with its style and script inside,
//! compiled into the binary (no external resource: works offline and on
//! a government intranet). The token is put in a meta tag for the script.

const PAGE: &str = include_str!("assets/page.html");
const STYLE: &str = include_str!("assets/page.css");
const SCRIPT: &str = include_str!("assets/page.js");

pub fn html(token: &str) -> String {
    PAGE.replace("{{style}}", STYLE).replace("{{script}}", SCRIPT).replace("{{token}}", &crate::escape::html(token))
}
