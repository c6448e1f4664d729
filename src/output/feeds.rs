//! Machine-read files: sitemap.xml, atom.xml and robots.txt. Publicity
//! lists never appear in any of them.

use crate::config::SiteConfig;
use crate::content::{Content, Entry, Kind};
use crate::date::Date;
use crate::escape::xml as escape_xml;

/// `paths` are site paths (`policies/x/`) with an optional last-modified date.
pub fn sitemap(config: &SiteConfig, paths: &[(String, Option<Date>)]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (path, date) in paths {
        s.push_str("  <url><loc>");
        s.push_str(&escape_xml(&config.absolute(path)));
        s.push_str("</loc>");
        if let Some(d) = date {
            s.push_str(&format!("<lastmod>{}</lastmod>", d.iso()));
        }
        s.push_str("</url>\n");
    }
    s.push_str("</urlset>\n");
    s
}

/// Atom feed of notices and explainers, newest first.
pub fn atom(config: &SiteConfig, content: &Content, limit: usize) -> String {
    let mut entries: Vec<Entry> = content.all().filter(|e| e.kind != Kind::Policy).collect();
    entries.sort_by(|a, b| b.meta.date().cmp(&a.meta.date()).then(a.kind.cmp(&b.kind)).then(a.slug.cmp(b.slug)));
    entries.truncate(limit);
    // The feed's date comes from the content, not the clock: same input, same bytes.
    let updated =
        entries.first().map(|e| atom_date(e.meta.date())).unwrap_or_else(|| "2000-01-01T00:00:00+08:00".into());
    let home = config.absolute("");
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n  <title>{}</title>\n  <link href=\"{}\" rel=\"self\"/>\n  <link href=\"{}\"/>\n  <id>{}</id>\n  <updated>{}</updated>\n  <author><name>{}</name></author>\n",
        escape_xml(&config.title),
        escape_xml(&config.absolute("atom.xml")),
        escape_xml(&home),
        escape_xml(&home),
        updated,
        escape_xml(&config.issuer)
    );
    for e in entries {
        let (kind, meta) = (e.kind, e.meta);
        let url = config.absolute(&e.path());
        s.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <link href=\"{}\"/>\n    <id>{}</id>\n    <updated>{}</updated>\n    <category term=\"{}\"/>\n",
            escape_xml(meta.title()),
            escape_xml(&url),
            escape_xml(&url),
            atom_date(meta.date()),
            kind.label()
        ));
        if let Some(summary) = meta.summary() {
            s.push_str(&format!("    <summary>{}</summary>\n", escape_xml(summary)));
        }
        s.push_str("  </entry>\n");
    }
    s.push_str("</feed>\n");
    s
}

fn atom_date(d: Date) -> String {
    format!("{}T00:00:00+08:00", d.iso())
}

pub fn robots(config: &SiteConfig) -> String {
    format!("User-agent: *\nDisallow: {}lists/\nSitemap: {}\n", config.root_path(), config.absolute("sitemap.xml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_xml() {
        assert_eq!(escape_xml("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
    }
}
