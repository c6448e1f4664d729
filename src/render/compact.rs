//! Template compaction, done once when the templates load, so that pages
//! come out of Tera already compact and need no per-page minifier (which
//! took a third of a 10,000-page build).
//!
//! Only whitespace that contains a line break is touched: that is the
//! template's own indentation, never the text a reader sees. Between two
//! block-level boundaries it is dropped; next to text or between two
//! inline elements it becomes one space, as the browser would render it.
//! `<pre>`, `<textarea>`, `<script>`, `<style>` and `{% raw %}` are copied as
//! they are.

/// Elements whose neighbouring whitespace the browser renders as a space.
const INLINE: [&str; 30] = [
    "a", "abbr", "b", "bdi", "bdo", "br", "button", "cite", "code", "data", "dfn", "em", "i", "img", "input", "kbd",
    "label", "mark", "output", "q", "s", "samp", "select", "small", "span", "strong", "sub", "sup", "time", "u",
];

/// Regions copied untouched: (opening, closing), matched ASCII-case-insensitively.
const VERBATIM: [(&str, &str); 5] = [
    ("<pre", "</pre>"),
    ("<textarea", "</textarea>"),
    ("<script", "</script>"),
    ("<style", "</style>"),
    ("{% raw %}", "{% endraw %}"),
];

/// What stands on one side of a run of whitespace.
#[derive(Debug, PartialEq, Eq)]
enum Side {
    /// Start or end of the template, or a block-level tag.
    Edge,
    InlineTag,
    Text,
}

pub fn compact(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < src.len() {
        let rest = &src[i..];
        if let Some(end) = verbatim_end(rest) {
            out.push_str(&rest[..end]);
            i += end;
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        if !c.is_ascii_whitespace() {
            out.push(c);
            i += c.len_utf8();
            continue;
        }
        let run = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_whitespace()).len();
        let ws = &rest[..run];
        i += run;
        if !ws.contains('\n') {
            out.push_str(ws);
            continue;
        }
        let (left, right) = (side_before(&out), side_after(&src[i..]));
        let keep_space =
            left == Side::Text || right == Side::Text || (left == Side::InlineTag && right == Side::InlineTag);
        if keep_space {
            out.push(' ');
        }
    }
    out
}

/// Length of the verbatim region `rest` starts with, if any.
fn verbatim_end(rest: &str) -> Option<usize> {
    let (open, close) = VERBATIM.iter().find(|(open, _)| starts_with_ignore_case(rest, open))?;
    if open.starts_with('<') && rest[open.len()..].starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return None; // `<prefix>`, not `<pre>`
    }
    let lower = rest.to_ascii_lowercase();
    Some(lower.find(close).map(|at| at + close.len()).unwrap_or(rest.len()))
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// Looks back past Tera tags (`{% %}`, `{# #}`), which print nothing.
fn side_before(out: &str) -> Side {
    let mut s = out.trim_end_matches(|c: char| c.is_ascii_whitespace());
    loop {
        if s.is_empty() {
            return Side::Edge;
        }
        let tera_open = if s.ends_with("%}") {
            s.rfind("{%")
        } else if s.ends_with("#}") {
            s.rfind("{#")
        } else {
            None
        };
        if let Some(at) = tera_open {
            s = s[..at].trim_end_matches(|c: char| c.is_ascii_whitespace());
            continue;
        }
        if !s.ends_with('>') {
            return Side::Text;
        }
        return match s.rfind('<') {
            Some(at) => tag_side(&s[at..]),
            None => Side::Text,
        };
    }
}

fn side_after(rest: &str) -> Side {
    let mut s = rest;
    loop {
        if s.is_empty() {
            return Side::Edge;
        }
        let tera_close = if s.starts_with("{%") {
            s.find("%}")
        } else if s.starts_with("{#") {
            s.find("#}")
        } else {
            None
        };
        if let Some(at) = tera_close {
            s = s[at + 2..].trim_start_matches(|c: char| c.is_ascii_whitespace());
            continue;
        }
        return if s.starts_with('<') { tag_side(s) } else { Side::Text };
    }
}

/// `tag` starts at `<`: an element name after `<` or `</`, or a comment.
fn tag_side(tag: &str) -> Side {
    let name: String = tag
        .trim_start_matches('<')
        .trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    match name.as_str() {
        "" if tag.starts_with("<!") => Side::Edge,
        "" => Side::Text, // a lone `<` in text
        n if INLINE.contains(&n) => Side::InlineTag,
        _ => Side::Edge,
    }
}

#[cfg(test)]
mod tests {
    use super::compact;

    #[test]
    fn drops_indentation_between_blocks_and_around_tera_tags() {
        let src = "<ul>\n  {% for x in xs %}<li>{{ x }}</li>\n  {% endfor %}\n</ul>\n<div>\n  <p>a</p>\n</div>\n";
        assert_eq!(compact(src), "<ul>{% for x in xs %}<li>{{ x }}</li>{% endfor %}</ul><div><p>a</p></div>");
    }

    #[test]
    fn keeps_one_space_next_to_text_and_between_inline_elements() {
        assert_eq!(compact("<p>\n  正文\n  {{ x }}\n</p>"), "<p> 正文 {{ x }} </p>");
        assert_eq!(
            compact("<label>a</label>\n  <input id=q>\n  <button>b</button>"),
            "<label>a</label> <input id=q> <button>b</button>"
        );
        assert_eq!(compact("<a>x</a>\n{% if y %}\n<a>y</a>{% endif %}"), "<a>x</a> {% if y %} <a>y</a>{% endif %}");
    }

    #[test]
    fn leaves_spaces_within_a_line_and_verbatim_regions_alone() {
        assert_eq!(compact("<p>甲  乙</p>"), "<p>甲  乙</p>");
        let pre = "<pre>\n  一\n    二\n</pre>";
        assert_eq!(compact(&format!("<div>\n{pre}\n</div>")), format!("<div>{pre}</div>"));
        let script = "<script>\nif (a)\n  b();\n</script>";
        assert_eq!(compact(script), script);
        assert_eq!(compact("<PRE>\n x\n</PRE>"), "<PRE>\n x\n</PRE>");
        assert_eq!(compact("<prefix>\n</prefix>"), "<prefix></prefix>");
        let raw = "{% raw %}\n  {{ x }}\n{% endraw %}";
        assert_eq!(compact(raw), raw);
    }

    #[test]
    fn an_unclosed_verbatim_region_keeps_the_rest() {
        assert_eq!(compact("<div>\n<pre>\n x"), "<div><pre>\n x");
    }
}
