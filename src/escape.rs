//! HTML escaping, one function for both Tera's autoescape (set with
//! `Tera::set_escape_fn`) and markup built outside templates (letters filled
//! by concatenation, large table bodies, the print index), so both paths give
//! the same bytes. Unlike Tera's default it leaves `/` alone: that is safe in
//! text and quoted attributes, and keeps every URL readable and short.

pub fn html_into(out: &mut String, s: &str) {
    escape_into(out, s, "&#39;");
}

/// The five XML specials, for the feed and sitemap. The apostrophe is
/// written `&apos;` there: XML's own name for it, and the bytes feeds
/// readers have always seen.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s, "&apos;");
    out
}

fn escape_into(out: &mut String, s: &str, apostrophe: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str(apostrophe),
            c => out.push(c),
        }
    }
}

pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    html_into(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_quotes_but_not_slashes() {
        assert_eq!(
            super::html("<a href=\"/x/\">'张'&</a>"),
            "&lt;a href=&quot;/x/&quot;&gt;&#39;张&#39;&amp;&lt;/a&gt;"
        );
    }

    #[test]
    fn tera_uses_it() {
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.set_escape_fn(super::html);
        tera.add_raw_template("t.html", "{{ v }}").unwrap();
        let mut ctx = tera::Context::new();
        ctx.insert("v", "/a/'b'");
        assert_eq!(tera.render("t.html", &ctx).unwrap(), "/a/&#39;b&#39;");
    }
}
