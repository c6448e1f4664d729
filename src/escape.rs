//! HTML escaping for markup built outside templates (letters filled by
//! concatenation, large table bodies, the print index), identical to what
//! Tera's autoescape produces so both paths give the same bytes.

/// HTML escaping as Tera's autoescape does it, so both paths agree.
pub fn html_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            '/' => out.push_str("&#x2F;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_like_tera() {
        let mut out = String::new();
        super::html_into(&mut out, "<a href=\"x\">'张'&/</a>");
        assert_eq!(out, tera::escape_html("<a href=\"x\">'张'&/</a>"));
    }
}
