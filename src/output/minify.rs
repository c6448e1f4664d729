//! HTML minification with spec-compliant settings, so the output stays
//! valid HTML5 for the Nu checker.

use std::sync::OnceLock;

fn cfg() -> &'static minify_html::Cfg {
    static CFG: OnceLock<minify_html::Cfg> = OnceLock::new();
    CFG.get_or_init(|| minify_html::Cfg {
        keep_closing_tags: true,
        keep_html_and_head_opening_tags: true,
        ..minify_html::Cfg::default()
    })
}

pub fn html(text: &str) -> Vec<u8> {
    minify_html::minify(text.as_bytes(), cfg())
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_text_and_drops_whitespace() {
        let out = super::html(
            "<!DOCTYPE html><html lang=\"zh-CN\"><head><title>标题</title></head><body>\n  <p>正文</p>\n</body></html>",
        );
        let s = String::from_utf8(out).unwrap();
        assert!(s.contains("<p>正文</p>"), "{s}");
        assert!(!s.contains("\n  <p>"));
    }
}
