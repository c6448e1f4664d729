//! Incremental builds: unchanged lists come from the cache, and every kind
//! of change still shows up in the output, with nothing stale left behind.

mod common;
use common::{add_list, all_text, build_on, Site};

const LETTER: &str = "+++\ntitle = \"告知书\"\n+++\n\n{{ name }}（{{ row[\"班级\"] }}）\n";
const CSV: &str = "姓名,班级,身份证号\n张小明,1班,11010519491231002X\n欧阳志华,2班,110105200001010016\n";
const LETTERS: &str = "[letters]\ntemplate = \"l\"\ngroup_by = [\"班级\"]";
const DIR: &str = "print/2025-qiu/测试县第一中学/yizhong";

fn site() -> Site {
    let site = Site::fixture("lists");
    site.write("content/letters/l.md", LETTER);
    add_list(&site, "yizhong", LETTERS, "a.csv", CSV.as_bytes());
    site
}

#[test]
fn unchanged_lists_are_reused_and_nothing_is_rewritten() {
    let site = site();
    build_on(&site, "2025-10-15").ok();
    let again = build_on(&site, "2025-10-15");
    again.ok();
    assert!(again.stdout.contains("更新 0 个文件"), "{}", again.stdout);
    assert!(again.stdout.contains("沿用上次结果 2"), "{}", again.stdout);
    assert!(site.path(&format!("{DIR}/1班.html")).is_file(), "reused letters stay in place");
}

#[test]
fn the_cache_holds_however_the_site_folder_is_written() {
    let site = site();
    let absolute = site.dir.path().to_str().unwrap().to_string();
    site.run(&["build", "--root", &absolute, "--today", "2025-10-15"]).ok();
    // The same site as `--root .` (the default), as the workbench and a
    // typed command spell it differently: every list still from the cache.
    let again = build_on(&site, "2025-10-15");
    again.ok();
    assert!(again.stdout.contains("沿用上次结果 2"), "{}", again.stdout);
    assert!(again.stdout.contains("更新 0 个文件"), "{}", again.stdout);
}

#[test]
fn a_changed_csv_is_read_again_and_stale_batches_go() {
    let site = site();
    build_on(&site, "2025-10-15").ok();
    site.write(
        "content/lists/2025-qiu/yizhong/a.csv",
        "姓名,班级,身份证号\n张小明,1班,11010519491231002X\n李明,1班,110105200801010014\n",
    );
    let run = build_on(&site, "2025-10-15");
    run.ok();
    assert!(site.read("public/lists/2025-qiu/yizhong/index.html").contains("李*"));
    assert!(site.read(&format!("{DIR}/1班.html")).contains("李明"));
    assert!(!site.path(&format!("{DIR}/2班.html")).exists(), "batch of a class no longer in the list");
    assert!(!site.path(&format!("{DIR}/2班-回执登记表.html")).exists());
}

#[test]
fn deleted_outputs_are_written_again() {
    let site = site();
    build_on(&site, "2025-10-15").ok();
    std::fs::remove_dir_all(site.path("public")).unwrap();
    std::fs::remove_file(site.path(&format!("{DIR}/1班.html"))).unwrap();
    build_on(&site, "2025-10-15").ok();
    assert!(site.path("public/lists/2025-qiu/yizhong/index.html").is_file());
    assert!(site.path(&format!("{DIR}/1班.html")).is_file());
}

#[test]
fn a_new_day_withdraws_the_list_even_from_the_cache() {
    let site = site();
    build_on(&site, "2025-10-15").ok();
    build_on(&site, "2025-10-20").ok();
    let page = site.read("public/lists/2025-qiu/yizhong/index.html");
    assert!(page.contains("公示期已结束") && !page.contains("张*明"));
    assert!(!all_text(&site.path("public")).contains("张*明"));
}

#[test]
fn a_changed_letter_template_rewrites_the_letters() {
    let site = site();
    build_on(&site, "2025-10-15").ok();
    site.write("content/letters/l.md", &LETTER.replace("{{ name }}", "致{{ name }}家长"));
    build_on(&site, "2025-10-15").ok();
    assert!(site.read(&format!("{DIR}/1班.html")).contains("致张小明家长"));
}

#[test]
fn the_print_index_follows_a_list_whose_letters_are_unchanged() {
    let site = site();
    build_on(&site, "2025-10-15").ok();
    let index = site.read("print/index.html");
    // A notice changes: the index is the same.
    site.edit("content/notices/tongzhi.md", "各学校名单公示开始", "各学校名单公示已经开始");
    build_on(&site, "2025-10-15").ok();
    assert_eq!(site.read("print/index.html"), index);
    // The list's title changes: the index shows the new one.
    site.edit("content/lists/2025-qiu/yizhong/index.md", "拟资助名单公示", "拟资助名单公示（更正）");
    build_on(&site, "2025-10-15").ok();
    assert!(site.read("print/index.html").contains("拟资助名单公示（更正）"));
    std::fs::remove_file(site.path("print/index.html")).unwrap();
    build_on(&site, "2025-10-15").ok();
    assert!(site.read("print/index.html").contains("拟资助名单公示（更正）"), "written again");
}

#[test]
fn a_deleted_list_leaves_no_files() {
    let site = site();
    build_on(&site, "2025-10-15").ok();
    std::fs::remove_dir_all(site.path("content/lists/2025-qiu/yizhong")).unwrap();
    build_on(&site, "2025-10-15").ok();
    assert!(!site.path("public/lists/2025-qiu/yizhong").exists());
    assert!(!site.path(DIR).exists());
}

#[test]
fn the_name_guard_still_knows_cached_lists() {
    let site = site();
    build_on(&site, "2025-10-15").ok();
    site.edit("content/notices/tongzhi.md", "各学校名单公示开始", "各学校名单公示开始，欧阳志华同学");
    let run = build_on(&site, "2025-10-15");
    run.fails_with(1).stderr_has("出现了公示名单中学生的完整姓名“欧阳*华”");
    assert!(run.stdout.is_empty() || !run.stdout.contains("完成"));
}

// The build stamp: nothing changed since the last build → that build's
// summary, nothing read or written. Files changed less than two seconds
// before a build are not trusted to it, hence the waits.

const UNCHANGED: &str = "没有任何变化";

/// A hand edit that puts an ID number into a published page: in place,
/// the same size, its modification time set back. Gives the page as it was.
fn tamper(site: &Site, page: &str) -> String {
    let original = site.read(page);
    // 21 bytes for 21: "经审核，拟资助" is seven characters of three bytes.
    let tampered = original.replacen("经审核，拟资助", "11010519491231002X   ", 1);
    assert_eq!(tampered.len(), original.len());
    let date = std::fs::metadata(site.path(page)).unwrap().modified().unwrap();
    std::fs::write(site.path(page), &tampered).unwrap();
    std::fs::File::options().write(true).open(site.path(page)).unwrap().set_modified(date).unwrap();
    assert_eq!(std::fs::metadata(site.path(page)).unwrap().modified().unwrap(), date);
    original
}

/// Waits until the site's files are old enough to be stamped, builds (the
/// stamp is written, if the last build did not already) and checks that
/// the next build is the stamped one.
fn stamped(site: &Site, today: &str) {
    std::thread::sleep(std::time::Duration::from_millis(2100));
    build_on(site, today).ok();
    let again = build_on(site, today);
    again.ok();
    assert!(again.stdout.contains(UNCHANGED), "{}", again.stdout);
}

#[test]
fn a_stamp_taken_from_what_a_first_build_wrote_holds_for_the_next() {
    let site = site();
    std::thread::sleep(std::time::Duration::from_millis(2100));
    // Every page written afresh, the list's in parts (its table spliced
    // in): the stamp takes their prints as written, the next build reads.
    build_on(&site, "2025-10-15").ok();
    let again = build_on(&site, "2025-10-15");
    again.ok();
    assert!(again.stdout.contains(UNCHANGED), "{}", again.stdout);
    let original = tamper(&site, "public/lists/2025-qiu/yizhong/index.html");
    build_on(&site, "2025-10-15").ok();
    assert_eq!(site.read("public/lists/2025-qiu/yizhong/index.html"), original);
}

#[test]
fn a_stamped_build_still_restores_every_published_file_touched_by_hand() {
    let site = site();
    build_on(&site, "2025-10-15").ok();
    stamped(&site, "2025-10-15");
    let page = "public/lists/2025-qiu/yizhong/index.html";
    let original = tamper(&site, page);
    let run = build_on(&site, "2025-10-15");
    run.ok();
    assert!(!run.stdout.contains(UNCHANGED), "{}", run.stdout);
    assert_eq!(site.read(page), original, "the page is written again");
    // Outputs are not inputs: the next build is stamped again at once.
    assert!(build_on(&site, "2025-10-15").stdout.contains(UNCHANGED));
    std::fs::remove_file(site.path("public/index.html")).unwrap();
    std::fs::remove_file(site.path(&format!("{DIR}/1班.html"))).unwrap();
    std::fs::remove_file(site.path("print/index.html")).unwrap();
    let run = build_on(&site, "2025-10-15");
    run.ok();
    assert!(!run.stdout.contains(UNCHANGED), "{}", run.stdout);
    for f in ["public/index.html", &format!("{DIR}/1班.html"), "print/index.html"] {
        assert!(site.path(f).is_file(), "{f} written again");
    }
}

#[test]
fn a_stamped_build_sees_a_same_size_rewrite_with_the_old_date() {
    let site = site();
    stamped(&site, "2025-10-15");
    let csv = site.path("content/lists/2025-qiu/yizhong/a.csv");
    let date = std::fs::metadata(&csv).unwrap().modified().unwrap();
    // 张小明 moves from 1班 to 2班: same bytes count, date set back.
    std::fs::write(&csv, CSV.replacen("张小明,1班", "张小明,2班", 1)).unwrap();
    std::fs::File::options().write(true).open(&csv).unwrap().set_modified(date).unwrap();
    let run = build_on(&site, "2025-10-15");
    run.ok();
    assert!(!run.stdout.contains(UNCHANGED), "{}", run.stdout);
    assert!(!site.path(&format!("{DIR}/1班.html")).exists(), "nobody is left in 1班");
    assert!(site.read(&format!("{DIR}/2班.html")).contains("张小明"));
}

#[test]
fn a_stamped_site_still_withdraws_its_list_on_the_next_day_and_takes_new_files() {
    let site = site();
    stamped(&site, "2025-10-17");
    let run = build_on(&site, "2025-10-20");
    run.ok();
    assert!(!run.stdout.contains(UNCHANGED), "{}", run.stdout);
    assert!(!all_text(&site.path("public")).contains("张*明"), "withdrawn after its period");
    stamped(&site, "2025-10-20");
    site.write("content/notices/xin.md", "+++\ntitle = \"新的通知\"\ndate = 2025-10-20\n+++\n\n正文。\n");
    let run = build_on(&site, "2025-10-20");
    run.ok();
    assert!(!run.stdout.contains(UNCHANGED), "{}", run.stdout);
    assert!(all_text(&site.path("public")).contains("新的通知"));
}

#[test]
fn a_file_published_as_it_was_is_still_read_for_a_name_added_since() {
    let site = site();
    // An attachment naming a student who is on no list yet: fine.
    site.write("static/说明.txt", "联系人：王晓东\n");
    build_on(&site, "2025-10-15").ok();
    // He is added to a list. The attachment is published as it was (not
    // staged again), and must still be read for his name.
    site.write("content/lists/2025-qiu/yizhong/a.csv", &format!("{CSV}王晓东,3班,110105200801010014\n"));
    let run = build_on(&site, "2025-10-15");
    run.fails_with(1).stderr_has("出现了公示名单中学生的完整姓名“王*东”").stderr_has("说明.txt");
    assert_eq!(site.read("public/说明.txt"), "联系人：王晓东\n", "nothing published by the failed build");
}

#[test]
fn a_site_whose_list_reads_a_file_outside_it_is_never_stamped() {
    let site = site();
    let elsewhere = tempfile::tempdir().unwrap();
    let csv = elsewhere.path().join("名单.csv");
    std::fs::write(&csv, CSV).unwrap();
    let index = site.read("content/lists/2025-qiu/yizhong/index.md");
    site.write(
        "content/lists/2025-qiu/yizhong/index.md",
        &index.replace("data = \"a.csv\"", &format!("data = {:?}", csv.display().to_string())),
    );
    std::thread::sleep(std::time::Duration::from_millis(2100));
    build_on(&site, "2025-10-15").ok();
    let run = build_on(&site, "2025-10-15");
    run.ok();
    assert!(!run.stdout.contains(UNCHANGED), "{}", run.stdout);
    // The file outside changes: the list follows.
    std::fs::write(&csv, "姓名,班级,身份证号\n张小明,1班,11010519491231002X\n").unwrap();
    build_on(&site, "2025-10-15").ok();
    assert!(!site.read("public/lists/2025-qiu/yizhong/index.html").contains("欧阳*华"));
}

#[test]
fn a_publish_target_inside_the_content_hides_nothing_from_the_stamp() {
    let site = site();
    let config = site.read("site-config.toml");
    site.write(
        "site-config.toml",
        &format!("{config}\n[[publish]]\nname = \"web\"\nfolder = \"content/lists/2025-qiu\"\n"),
    );
    stamped(&site, "2025-10-15");
    site.edit("content/lists/2025-qiu/yizhong/index.md", "publicity_days = 5", "publicity_days = 1");
    let run = build_on(&site, "2025-10-15");
    run.ok();
    assert!(!run.stdout.contains(UNCHANGED), "{}", run.stdout);
    let page = site.read("public/lists/2025-qiu/yizhong/index.html");
    assert!(page.contains("公示期已结束") && !page.contains("张*明"), "the shortened period has ended: withdrawn");
}

// What a build saw of a reused list's outputs (`outputs-seen.json`): their
// versions, so the next build need not read the pages or list the letters'
// folders. Outputs changed less than two seconds before a build are not
// vouched for, hence the wait; the notice edits force builds past the stamp.

/// Builds until the list's outputs are vouched for: a build, a wait, a
/// build that reuses the list and notes what it saw.
fn seen(site: &Site) {
    build_on(site, "2025-10-15").ok();
    std::thread::sleep(std::time::Duration::from_millis(2100));
    site.edit("content/notices/tongzhi.md", "各学校名单公示开始", "各学校名单公示开始了");
    let run = build_on(site, "2025-10-15");
    run.ok();
    assert!(run.stdout.contains("沿用上次结果 2"), "{}", run.stdout);
    let seen = site.read(".gongshi-cache/outputs-seen.json");
    assert!(seen.contains("yizhong"), "{seen}");
    // Only where the file system keeps change times are dates trusted.
    let trusted = gongshi::platform::keeps_change_times(&site.path("public"));
    assert_eq!(!seen.contains("\"public\":0"), trusted, "{seen}");
}

#[test]
fn a_list_page_edited_by_hand_right_after_a_build_is_still_restored() {
    let site = site();
    seen(&site);
    let page = "public/lists/2025-qiu/yizhong/index.html";
    // At once after the build.
    let original = tamper(&site, page);
    site.edit("content/notices/tongzhi.md", "各学校名单公示开始了", "各学校名单公示开始");
    let run = build_on(&site, "2025-10-15");
    run.ok();
    assert!(run.stdout.contains("沿用上次结果 1"), "the list is rendered again: {}", run.stdout);
    assert_eq!(site.read(page), original);
    assert!(!all_text(&site.path("public")).contains("11010519491231002X"));
}

#[test]
fn a_letter_deleted_right_after_a_build_is_written_again() {
    let site = site();
    seen(&site);
    std::fs::remove_file(site.path(&format!("{DIR}/1班.html"))).unwrap();
    site.edit("content/notices/tongzhi.md", "各学校名单公示开始了", "各学校名单公示开始");
    build_on(&site, "2025-10-15").ok();
    assert!(site.read(&format!("{DIR}/1班.html")).contains("张小明"));
}

#[test]
fn a_stamped_build_sees_a_letter_deleted_with_its_folders_date_set_back() {
    let site = site();
    stamped(&site, "2025-10-15");
    let dir = site.path(DIR);
    let date = std::fs::metadata(&dir).unwrap().modified().unwrap();
    std::fs::remove_file(dir.join("1班.html")).unwrap();
    // Another file keeps the folder's size where the size counts entries (tmpfs).
    std::fs::write(dir.join("x"), "").unwrap();
    std::fs::File::open(&dir).unwrap().set_modified(date).unwrap();
    assert_eq!(std::fs::metadata(&dir).unwrap().modified().unwrap(), date);
    let run = build_on(&site, "2025-10-15");
    run.ok();
    assert!(!run.stdout.contains(UNCHANGED), "{}", run.stdout);
    assert!(site.read(&format!("{DIR}/1班.html")).contains("张小明"));
}

/// Moves `rel` out of the site to `to` and links it back; then a build
/// notes it once it is old enough.
#[cfg(unix)]
fn linked_and_seen(site: &Site, rel: &str, to: &std::path::Path) {
    seen(site);
    std::fs::rename(site.path(rel), to).unwrap();
    std::os::unix::fs::symlink(to, site.path(rel)).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(2100));
    site.edit("content/notices/tongzhi.md", "各学校名单公示开始了", "各学校名单公示开始");
    build_on(site, "2025-10-15").ok();
    site.edit("content/notices/tongzhi.md", "各学校名单公示开始", "各学校名单公示开始了");
}

#[cfg(unix)]
#[test]
fn a_list_page_replaced_by_a_link_is_read_through_it() {
    let site = site();
    let elsewhere = tempfile::tempdir().unwrap();
    let page = "public/lists/2025-qiu/yizhong/index.html";
    linked_and_seen(&site, page, &elsewhere.path().join("page.html"));
    // What the link points to changes; the link does not.
    let original = site.read(page);
    let tampered = original.replacen("经审核，拟资助", "11010519491231002X   ", 1);
    std::fs::write(elsewhere.path().join("page.html"), tampered).unwrap();
    build_on(&site, "2025-10-15").ok();
    assert_eq!(site.read(page), original);
    assert!(!all_text(&site.path("public")).contains("11010519491231002X"));
}

#[cfg(unix)]
#[test]
fn a_letter_gone_from_a_linked_letters_folder_is_not_taken_for_present() {
    let site = site();
    let elsewhere = tempfile::tempdir().unwrap();
    linked_and_seen(&site, DIR, &elsewhere.path().join("letters"));
    std::fs::remove_file(elsewhere.path().join("letters/1班.html")).unwrap();
    // The list is made again; gongshi writes into no folder it did not make.
    build_on(&site, "2025-10-15").fails_with(1).stderr_has("不是 gongshi 写的");
}

#[test]
fn a_cached_list_page_is_read_again_for_a_name_another_list_adds() {
    let site = site();
    // A public cell naming someone who is on no list yet: fine.
    let csv = format!("{CSV}李红,王晓东老师班,110105200801010014\n");
    site.write("content/lists/2025-qiu/yizhong/a.csv", &csv);
    build_on(&site, "2025-10-15").ok();
    // Its page comes from the cache and passes the guards as it is.
    site.edit("content/notices/tongzhi.md", "各学校名单公示开始", "各学校名单公示现已开始");
    let reused = build_on(&site, "2025-10-15");
    assert!(reused.ok().stdout.contains("沿用上次结果 2"), "{}", reused.stdout);
    // Another list makes him a recipient; the first list is unchanged and
    // its page comes from the cache, but must still be read for his name.
    add_list(&site, "erzhong", "", "b.csv", "姓名,班级\n王晓东,3班\n".as_bytes());
    let run = build_on(&site, "2025-10-15");
    run.fails_with(1).stderr_has("出现了公示名单中学生的完整姓名“王*东”").stderr_has("yizhong");
}

#[test]
fn a_notice_that_passed_is_read_again_at_its_source_for_a_name_added_since() {
    let site = site();
    site.edit("content/notices/tongzhi.md", "各学校名单公示开始", "各学校名单公示开始，联系人王晓东");
    build_on(&site, "2025-10-15").ok();
    build_on(&site, "2025-10-15").ok();
    // He joins a list: the notice, unchanged, names a recipient now, and
    // the finding points at its source line.
    site.write("content/lists/2025-qiu/yizhong/a.csv", &format!("{CSV}王晓东,3班,110105200801010014\n"));
    let run = build_on(&site, "2025-10-15");
    run.fails_with(1).stderr_has("content/notices/tongzhi.md 第").stderr_has("“王*东”");
}
