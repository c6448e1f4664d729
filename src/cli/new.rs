//! `gongshi new policy|explainer|notice|list`: pages written for staff to
//! fill in or check, with what to do next printed in Chinese.

use crate::config::SiteConfig;
use crate::date::Date;
use crate::import::{self, ImportError};
use crate::scaffold::{self, list::NewList, NewPage};
use clap::Subcommand;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The site folder and the day, as for `build`.
#[derive(clap::Args)]
pub struct Site {
    /// 站点目录（含 site-config.toml）；默认是当前目录，或它上层最近的站点目录
    #[arg(long, value_name = "目录")]
    root: Option<PathBuf>,
    /// 以哪一天为“今天”（YYYY-MM-DD），用作页面日期和公示开始日期；默认系统日期
    #[arg(long, value_parser = super::parse_date, value_name = "日期")]
    today: Option<Date>,
}

impl Site {
    fn today(&self) -> Date {
        self.today.unwrap_or_else(Date::today)
    }

    /// The site root and its config, or the exit code after saying why not.
    fn open(&self) -> Result<(PathBuf, SiteConfig), ExitCode> {
        let root = super::site_root(self.root.clone());
        if !root.join(crate::config::CONFIG_FILE).is_file() {
            eprintln!(
                "错误：{} 不是 gongshi 站点目录（找不到 site-config.toml）\n  提示：在站点目录里运行，或用 --root 指定站点目录",
                crate::platform::shown(&root)
            );
            return Err(ExitCode::from(2));
        }
        match SiteConfig::load(&root) {
            Ok(c) => Ok((root, c)),
            Err(errors) => {
                for d in &errors.0 {
                    eprintln!("{d}");
                }
                Err(ExitCode::from(1))
            }
        }
    }
}

#[derive(Subcommand)]
pub enum NewCommand {
    /// 从 Word 文档（.docx）或文本文件（.txt）导入政策文件，写到 content/policies/
    Policy {
        /// 要导入的文件（.docx 或 .txt；旧版 .doc/.wps 请先另存为 .docx）
        #[arg(value_name = "文件")]
        file: PathBuf,
        /// 网址里用的文件名，默认取自导入的文件名
        #[arg(long, value_name = "名称")]
        slug: Option<String>,
        #[command(flatten)]
        site: Site,
    },
    /// 新建一篇政策解读，写到 content/explainers/
    Explainer {
        /// 标题
        #[arg(value_name = "标题")]
        title: String,
        /// 网址里用的文件名，默认取自标题
        #[arg(long, value_name = "名称")]
        slug: Option<String>,
        #[command(flatten)]
        site: Site,
    },
    /// 新建一条资助动态，写到 content/notices/
    Notice {
        /// 标题
        #[arg(value_name = "标题")]
        title: String,
        /// 网址里用的文件名，默认取自标题
        #[arg(long, value_name = "名称")]
        slug: Option<String>,
        #[command(flatten)]
        site: Site,
    },
    /// 从学校报来的名单文件（.xlsx/.xls/.et/.csv 等）新建公示名单，写到 content/lists/
    List {
        /// 名单文件
        #[arg(value_name = "文件")]
        file: PathBuf,
        /// 学期，如“2025年秋季学期”；默认按 --today 推算
        #[arg(long, value_name = "学期")]
        term: Option<String>,
        /// 学校全称
        #[arg(long, value_name = "学校")]
        school: Option<String>,
        /// 资助项目（site-config.toml 中声明的名称）
        #[arg(long, value_name = "项目")]
        programme: Option<String>,
        /// 工作簿中要读的工作表
        #[arg(long, value_name = "工作表")]
        sheet: Option<String>,
        /// 名单文件夹的名称，默认取自文件名
        #[arg(long, value_name = "名称")]
        slug: Option<String>,
        #[command(flatten)]
        site: Site,
    },
}

pub fn run(what: NewCommand) -> ExitCode {
    match what {
        NewCommand::Policy { file, slug, site } => policy(&file, slug.as_deref(), &site),
        NewCommand::Explainer { title, slug, site } => page(&title, slug.as_deref(), &site, true),
        NewCommand::Notice { title, slug, site } => page(&title, slug.as_deref(), &site, false),
        NewCommand::List { file, term, school, programme, sheet, slug, site } => {
            let req = NewList {
                file: &file,
                today: site.today(),
                term: term.as_deref(),
                school: school.as_deref(),
                programme: programme.as_deref(),
                slug: slug.as_deref(),
                sheet: sheet.as_deref(),
                columns: None,
                days: 5,
                label: None,
            };
            list(&req, &site)
        }
    }
}

fn policy(file: &Path, slug: Option<&str>, site: &Site) -> ExitCode {
    let (root, config) = match site.open() {
        Ok(x) => x,
        Err(code) => return code,
    };
    match import::policy(&root, file, slug, &config) {
        Ok(done) => {
            println!("已导入：{}", done.file);
            println!("请打开这个文件核对头信息（标有“请核对”“请填写”的字段）：");
            for c in &done.to_check {
                println!("  - {c}");
            }
            println!("核对后运行 gongshi check 检查。");
            ExitCode::SUCCESS
        }
        Err(ImportError::Usage(m)) => {
            eprintln!("错误：{m}");
            ExitCode::from(2)
        }
        Err(ImportError::Failed(m)) => {
            eprintln!("错误：{m}");
            ExitCode::from(1)
        }
    }
}

fn page(title: &str, slug: Option<&str>, site: &Site, explainer: bool) -> ExitCode {
    let (root, config) = match site.open() {
        Ok(x) => x,
        Err(code) => return code,
    };
    let page = NewPage { title, slug, today: site.today() };
    let written = if explainer {
        let policies = policy_slugs(&root);
        scaffold::explainer(&root, &page, &config, &policies)
    } else {
        scaffold::notice(&root, &page, &config)
    };
    match written {
        Ok(file) => {
            println!("已新建：{file}");
            println!("用记事本或其他编辑器打开它写正文，写好后运行 gongshi check 检查。");
            ExitCode::SUCCESS
        }
        Err(m) => {
            eprintln!("错误：{m}");
            ExitCode::from(2)
        }
    }
}

fn policy_slugs(root: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(root.join("content").join("policies"))
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(".md")).map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn list(req: &NewList, site: &Site) -> ExitCode {
    let (root, config) = match site.open() {
        Ok(x) => x,
        Err(code) => return code,
    };
    match scaffold::list::create(&root, req, &config) {
        Ok(w) => {
            println!("已新建公示名单：{}（名单文件已复制到同一文件夹）", w.index);
            println!("各列的用途（按表头推断，已写入 [columns]）：");
            for (h, r) in &w.columns {
                println!("  {h} → {}", r.label());
            }
            println!("公示页面将显示（前 {} 人，姓名已打码）：", w.rows.len());
            println!("  序号  {}", w.headers.join("  "));
            for (k, row) in w.rows.iter().enumerate() {
                println!("  {:<4}  {}", k + 1, row.join("  "));
            }
            println!("  共 {} 人", w.count);
            println!("请核对：");
            for c in &w.to_check {
                println!("  - {c}");
            }
            println!("核对后运行 gongshi check 检查。");
            ExitCode::SUCCESS
        }
        Err(problems) => {
            for p in &problems {
                eprintln!("{p}");
            }
            eprintln!("\n没有新建名单：请先改好名单文件再运行一次。");
            ExitCode::from(1)
        }
    }
}
