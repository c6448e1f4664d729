//! A letter body becomes one Tera template, compiled once: placeholders are
//! set aside, the Markdown is rendered, the placeholders are put back.
//! Every placeholder is checked before any letter is written.

use crate::content::letter::LetterSource;
use crate::diag::{line_of, Diagnostic};
use crate::privacy::roles::Role;
use crate::render::markdown;
use crate::roster::{LetterColumn, NotForLetters, Roster};
use std::collections::HashMap;

/// Values every letter has, besides `row["<column>"]`.
pub const PLACEHOLDERS: [&str; 11] = [
    "name",
    "school",
    "programme",
    "term",
    "amount",
    "amount_per_term",
    "hotline",
    "issuer",
    "date",
    "id_masked",
    "title",
];

#[derive(Debug, Clone)]
pub struct Letter {
    pub name: String,
    pub file: String,
    pub meta: crate::content::letter::LetterMeta,
    /// Tera source (HTML with placeholders), registered as `template_name()`.
    pub template: String,
    /// Column lookups `row["…"]` with their file line.
    pub columns: Vec<(String, usize)>,
    /// Distinct columns in order: `row["班级"]` is compiled as `row.c0`,
    /// since Tera cannot look up non-ASCII keys.
    pub keys: Vec<String>,
    /// Named placeholders used, with their file line.
    pub names: Vec<(String, usize)>,
    /// Characters of text, for the one-page warning.
    pub text_chars: usize,
    /// The template as literal text and slots, when it is nothing more
    /// (no `{% %}` blocks, no filters): filled by concatenation, which is
    /// many times faster than a template engine for 50,000 letters.
    pub pieces: Option<Vec<Piece>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    /// One of `PLACEHOLDERS`, by name.
    Named(&'static str),
    /// `row.cN`: the Nth of `keys`.
    Column(usize),
}

/// Splits a compiled template into pieces, if it is only text and plain
/// `{{ name }}` / `{{ row.cN }}` slots.
fn pieces(template: &str) -> Option<Vec<Piece>> {
    if template.contains("{%") || template.contains("{#") {
        return None;
    }
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push(Piece::Text(rest[..open].to_string()));
        let close = rest[open..].find("}}")? + open;
        let expr = rest[open + 2..close].trim();
        out.push(match expr.strip_prefix("row.c") {
            Some(n) => Piece::Column(n.parse().ok()?),
            None => Piece::Named(PLACEHOLDERS.iter().find(|p| **p == expr)?),
        });
        rest = &rest[close + 2..];
    }
    out.push(Piece::Text(rest.to_string()));
    Some(out)
}

impl Letter {
    pub fn template_name(&self) -> String {
        format!("letter/{}.html", self.name)
    }

    pub fn uses(&self, placeholder: &str) -> Option<usize> {
        self.names.iter().find(|(n, _)| n == placeholder).map(|(_, l)| *l)
    }

    /// Checks against one list's columns: every `row["…"]` exists and
    /// holds no ID number; `id_masked` and amounts have a column to come
    /// from. Gives the columns of `keys`, in order.
    pub fn columns_in(&self, roster: &Roster, list_file: &str) -> Result<Vec<LetterColumn>, Vec<Diagnostic>> {
        let mut out = Vec::new();
        let headers: Vec<&str> =
            roster.headers().filter(|(_, r)| !matches!(r, Role::IdNumber | Role::GuardianId)).map(|(h, _)| h).collect();
        for (col, line) in &self.columns {
            match roster.letter_column(col) {
                Err(NotForLetters::IdNumbers { line: seen }) => out.push(
                    Diagnostic::new(&self.file, *line, format!("告知书不能写出完整的身份证号（row[\"{col}\"]）")).with_hint(
                        match seen {
                            Some(l) => format!(
                                "名单 {list_file} 第 {l} 行的“{col}”列含身份证号；改用 {{{{ id_masked }}}}：只显示前 6 位和后 4 位"
                            ),
                            None => "改用 {{ id_masked }}：只显示前 6 位和后 4 位".to_string(),
                        },
                    ),
                ),
                Err(NotForLetters::Missing) => out.push(
                    Diagnostic::new(&self.file, *line, format!("名单 {list_file} 中没有“{col}”这一列"))
                        .with_hint(format!("这份名单的列有：{}", headers.join("、"))),
                ),
                Ok(_) => {}
            }
        }
        let needs = [
            ("id_masked", roster.has_id_column(), "身份证号"),
            ("amount", roster.has_amount_column(), "金额"),
            ("amount_per_term", roster.has_amount_column(), "金额"),
        ];
        for (placeholder, available, what) in needs {
            if let (Some(line), false) = (self.uses(placeholder), available) {
                out.push(
                    Diagnostic::new(
                        &self.file,
                        line,
                        format!("名单 {list_file} 没有{what}列，不能使用 {{{{ {placeholder} }}}}"),
                    )
                    .with_hint(format!("这份名单的列有：{}", headers.join("、"))),
                );
            }
        }
        if !out.is_empty() {
            return Err(out);
        }
        Ok(self.keys.iter().filter_map(|k| roster.letter_column(k).ok()).collect())
    }
}

/// Compiles a letter source; problems point at the letter file's lines.
pub fn compile(src: &LetterSource) -> Result<Letter, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let mut kept: Vec<String> = Vec::new();
    let mut protected = String::with_capacity(src.body.len());
    let mut columns = Vec::new();
    let mut names = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    let body = &src.body;
    let mut rest = 0;
    while let Some(open) = find_tag(&body[rest..]).map(|i| i + rest) {
        let close_pat = if body[open..].starts_with("{{") { "}}" } else { "%}" };
        let Some(close) = body[open + 2..].find(close_pat).map(|i| i + open + 2 + 2) else {
            problems.push(
                Diagnostic::new(&src.file, line_of(body, open) + src.body_line - 1, "占位符没有结束")
                    .with_hint(format!("占位符写成 {{{{ name }}}}，这里缺少 {close_pat}")),
            );
            break;
        };
        let tag = &body[open..close];
        let line = line_of(body, open) + src.body_line - 1;
        for key in row_keys(tag) {
            columns.push((key, line));
        }
        if tag.starts_with("{{") {
            let expr = tag[2..tag.len() - 2].split('|').next().unwrap_or("").trim();
            if !expr.starts_with("row") {
                let ident: String = expr.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if PLACEHOLDERS.contains(&ident.as_str()) {
                    names.push((ident, line));
                } else {
                    problems.push(
                        Diagnostic::new(&src.file, line, format!("未知的占位符“{{{{ {expr} }}}}”")).with_hint(format!(
                            "可用的占位符：{}，以及名单的列 {{{{ row[\"班级\"] }}}}",
                            PLACEHOLDERS.join("、")
                        )),
                    );
                }
            }
        }
        protected.push_str(&body[rest..open]);
        // Private-use characters survive Markdown untouched.
        protected.push_str(&format!("\u{E000}{}\u{E001}", kept.len()));
        kept.push(rewrite_row_keys(tag, &mut keys));
        rest = close;
    }
    protected.push_str(&body[rest..]);
    let pages = HashMap::new();
    let rendered =
        markdown::render(&protected, &markdown::Source { file: &src.file, body_line: src.body_line, pages: &pages });
    problems.extend(rendered.diagnostics);
    let mut template = rendered.html;
    for (i, tag) in kept.iter().enumerate() {
        template = template.replace(&format!("\u{E000}{i}\u{E001}"), tag);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let text_chars = src.body.chars().filter(|c| !c.is_whitespace()).count();
    let pieces = pieces(&template);
    Ok(Letter {
        name: src.name.clone(),
        file: src.file.clone(),
        meta: src.meta.clone(),
        template,
        columns,
        keys,
        names,
        text_chars,
        pieces,
    })
}

fn find_tag(s: &str) -> Option<usize> {
    match (s.find("{{"), s.find("{%")) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// `row["班级"]` → `row.c0` (the index into `keys`).
fn rewrite_row_keys(tag: &str, keys: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(tag.len());
    let mut s = tag;
    while let Some(i) = s.find("row[") {
        out.push_str(&s[..i]);
        let after = &s[i + 4..];
        let t = after.trim_start();
        let quote = t.chars().next().filter(|c| *c == '"' || *c == '\'');
        let parsed = quote.and_then(|q| {
            let end = t[1..].find(q)?;
            let close = t[1 + end + 1..].trim_start().strip_prefix(']')?;
            Some((t[1..1 + end].to_string(), close))
        });
        match parsed {
            Some((key, rest)) => {
                let n = keys.iter().position(|k| *k == key).unwrap_or_else(|| {
                    keys.push(key);
                    keys.len() - 1
                });
                out.push_str(&format!("row.c{n}"));
                s = rest;
            }
            None => {
                out.push_str("row[");
                s = after;
            }
        }
    }
    out.push_str(s);
    out
}

/// `row["班级"]` and `row['班级']` inside a tag.
fn row_keys(tag: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut s = tag;
    while let Some(i) = s.find("row[") {
        s = &s[i + 4..];
        let t = s.trim_start();
        let Some(q) = t.chars().next().filter(|c| *c == '"' || *c == '\'') else { continue };
        if let Some(end) = t[1..].find(q) {
            out.push(t[1..1 + end].to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::letter::LetterMeta;

    fn src(body: &str) -> LetterSource {
        LetterSource {
            name: "l".into(),
            file: "content/letters/l.md".into(),
            body: body.into(),
            body_line: 5,
            meta: LetterMeta { title: "告知书".into(), receipt: Default::default() },
        }
    }

    #[test]
    fn placeholders_survive_markdown() {
        let l = compile(&src("**{{ name }}**同学在{{ row[\"班级\"] }}，享受“{{ programme }}”。")).unwrap();
        assert!(l.template.contains("<strong>{{ name }}</strong>"), "{}", l.template);
        assert!(l.template.contains("{{ row.c0 }}"), "{}", l.template);
        assert_eq!(l.keys, ["班级"]);
        assert_eq!(l.columns, [("班级".to_string(), 5)]);
        assert_eq!(l.names.len(), 2);
    }

    #[test]
    fn plain_letters_become_pieces_and_blocks_do_not() {
        let l = compile(&src("{{ name }}在{{ row[\"班级\"] }}")).unwrap();
        let p = l.pieces.unwrap();
        assert!(p.contains(&Piece::Named("name")) && p.contains(&Piece::Column(0)), "{p:?}");
        let l = compile(&src("{% if amount %}{{ amount }}{% endif %}")).unwrap();
        assert!(l.pieces.is_none());
        let l = compile(&src("{{ name | upper }}")).unwrap();
        assert!(l.pieces.is_none());
    }

    #[test]
    fn unknown_placeholder_names_line_and_choices() {
        let errs = compile(&src("第一行\n\n{{ nmae }}同学")).unwrap_err();
        assert_eq!(errs[0].line, 7);
        assert!(errs[0].message.contains("nmae"));
        assert!(errs[0].hint.as_deref().unwrap().contains("name、school"));
    }

    #[test]
    fn unclosed_placeholder() {
        assert!(compile(&src("{{ name 同学")).unwrap_err()[0].message.contains("没有结束"));
    }
}
