//! Snapshot tests (insta) of the pages whose exact HTML matters, from the
//! demo site built once with `--today 2025-10-15`: a policy with chapters
//! and articles, an explainer with `@/` links, an active list page, a
//! withdrawn list page, a letter batch and the print index. Review a
//! change with `cargo insta review` (or `INSTA_UPDATE=always`), and say
//! in the commit why the HTML changed.

mod common;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The demo built once for all snapshots; the folder goes when the tests end.
fn demo() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let (out, print) = (tmp.path().join("public"), tmp.path().join("print"));
        common::run_in(
            root,
            &["build", "--today", "2025-10-15", "--out", out.to_str().unwrap(), "--print", print.to_str().unwrap()],
        )
        .ok();
        tmp
    })
    .path()
}

/// A page with one element per line, so a snapshot diff shows what moved.
fn page(rel: &str) -> String {
    let path: PathBuf = demo().join(rel);
    let html = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
    html.replace("><", ">\n<")
}

#[test]
fn policy_with_chapters_and_articles() {
    insta::assert_snapshot!(page("public/policies/gaozhong-zhuxuejin-banfa/index.html"));
}

#[test]
fn explainer_with_links_to_articles() {
    insta::assert_snapshot!(page("public/explainers/gaozhong-zhuxuejin-zenme-shenqing/index.html"));
}

#[test]
fn active_list_page() {
    insta::assert_snapshot!(page("public/lists/2025-qiu/yizhong-zhuxuejin/index.html"));
}

#[test]
fn withdrawn_list_page() {
    insta::assert_snapshot!(page("public/lists/2025-chun/yizhong-zhuxuejin/index.html"));
}

#[test]
fn letter_batch() {
    insta::assert_snapshot!(page("print/2025-qiu/示例县城关镇中心小学/chengguan-xiaoxue-buzhu/三年级1班.html"));
}

#[test]
fn print_index() {
    insta::assert_snapshot!(page("print/index.html"));
}
