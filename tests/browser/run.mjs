// Browser checks on a built site, in headless Chromium (Debian's), driven by
// playwright-core: axe-core accessibility scans, search results, no
// horizontal scroll at 360 px, the large-text mode, and screenshots for a
// person to look at. Usage: node run.mjs <public dir> <screenshot dir>
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { compareWithReference, describe } from "./search_identity.mjs";

const require = createRequire(path.resolve(process.env.NODE_MODULES_DIR || ".cache/node/node_modules") + "/");
const { chromium } = require("playwright-core");
const axePath = require.resolve("axe-core/axe.min.js");

const [siteArg, shotDir] = process.argv.slice(2);
const siteDir = path.resolve(siteArg);
fs.mkdirSync(shotDir, { recursive: true });

const types = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".json": "application/json", ".xml": "application/xml", ".svg": "image/svg+xml" };
const server = http.createServer((req, res) => {
  let p = decodeURIComponent(new URL(req.url, "http://x").pathname);
  let file = path.join(siteDir, p);
  if (!file.startsWith(path.resolve(siteDir))) { res.writeHead(403).end(); return; }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
  if (!fs.existsSync(file)) { res.writeHead(404, { "content-type": types[".html"] }); res.end(fs.readFileSync(path.join(siteDir, "404.html"))); return; }
  res.writeHead(200, { "content-type": types[path.extname(file)] || "application/octet-stream" });
  res.end(fs.readFileSync(file));
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

let passed = 0, failed = 0;
async function check(name, fn) {
  try { await fn(); passed++; console.log(`ok - ${name}`); }
  catch (e) { failed++; console.log(`not ok - ${name}\n  ${String(e.message || e).split("\n").join("\n  ")}`); }
}
function assert(cond, msg) { if (!cond) throw new Error(msg); }

const pages = {
  home: "/",
  policy: "/policies/gaozhong-zhuxuejin-banfa/",
  explainer: "/explainers/gaozhong-zhuxuejin-zenme-shenqing/",
  notice: "/notices/2025-qiuji-shenqing-qidong/",
  programme: "/programmes/gaozhong-zhuxuejin/",
  "active-list": "/lists/2025-qiu/yizhong-zhuxuejin/",
  "withdrawn-list": "/lists/2025-chun/yizhong-zhuxuejin/",
  // Nine public columns: wider than a phone, so its table scrolls in its own box.
  "wide-list": "/lists/2025-qiu/zhizhuan-mianxuefei/",
  search: "/search/?q=助学金",
};

async function open(url, width = 1280, height = 900) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const external = [];
  page.on("request", (r) => { if (!r.url().startsWith(base) && !r.url().startsWith("data:")) external.push(r.url()); });
  await page.goto(base + url, { waitUntil: "load" });
  if (url.includes("?q=")) await page.waitForSelector("#search-results li", { timeout: 5000 });
  return { page, context, external };
}

async function axe(page) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(() => window.axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] }));
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

for (const [name, url] of Object.entries(pages)) {
  await check(`axe: no serious or critical violations on ${name}`, async () => {
    const { page, context, external } = await open(url);
    const bad = await axe(page);
    assert(external.length === 0, `loads from other hosts: ${external.join(", ")}`);
    await context.close();
    assert(bad.length === 0, bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join("; ")}`).join("\n"));
  });
  await check(`no horizontal scroll at 360 px on ${name}`, async () => {
    const { page, context } = await open(url, 360, 740);
    const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    await page.screenshot({ path: path.join(shotDir, `${name}-phone.png`), fullPage: true });
    await context.close();
    assert(scroll <= client, `page is ${scroll}px wide in a ${client}px window`);
  });
  await check(`desktop screenshot of ${name}`, async () => {
    const { page, context } = await open(url);
    await page.screenshot({ path: path.join(shotDir, `${name}-desktop.png`), fullPage: true });
    await context.close();
  });
}

await check("wide list at 360 px: its table scrolls in a focusable, labelled box, by keyboard, and passes axe", async () => {
  // A reader's clock inside the publicity period: the table is shown.
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  await page.clock.install({ time: new Date("2025-10-15T10:00:00+08:00") });
  await page.goto(base + pages["wide-list"], { waitUntil: "load" });
  const box = await page.evaluate(() => {
    const w = document.querySelector(".table-wrap");
    return { scroll: w.scrollWidth, client: w.clientWidth, tabindex: w.getAttribute("tabindex"), role: w.getAttribute("role"), label: w.getAttribute("aria-label") };
  });
  assert(box.scroll > box.client, `the table fits (${box.scroll}px in ${box.client}px): nothing to test`);
  assert(box.tabindex === "0" && box.role === "region" && box.label, `scroll box not focusable or not labelled: ${JSON.stringify(box)}`);
  await page.focus(".table-wrap");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  // Keyboard scrolling may be animated (on the page's clock).
  await page.clock.runFor(1000);
  await page.waitForTimeout(300);
  const left = await page.evaluate(() => document.querySelector(".table-wrap").scrollLeft);
  assert(left > 0, "arrow keys do not scroll the focused table");
  const bad = await axe(page);
  await page.screenshot({ path: path.join(shotDir, "wide-list-phone.png"), fullPage: true });
  await context.close();
  assert(bad.length === 0, bad.map((v) => `${v.id} (${v.impact}): ${v.help}`).join("\n"));
});

await check("large-text mode: toggles, enlarges text, is remembered, passes axe", async () => {
  const { page, context } = await open("/", 360, 740);
  const before = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  await page.click("#large-toggle");
  const after = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  assert(after >= before * 1.2, `font size ${before}px → ${after}px`);
  assert((await page.getAttribute("#large-toggle", "aria-pressed")) === "true", "aria-pressed not set");
  await page.goto(base + pages.policy);
  assert(await page.evaluate(() => document.documentElement.classList.contains("large")), "not remembered on the next page");
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert(scroll <= client, `large text scrolls sideways: ${scroll}px in ${client}px`);
  await page.screenshot({ path: path.join(shotDir, "policy-large-phone.png"), fullPage: true });
  const bad = await axe(page);
  await context.close();
  assert(bad.length === 0, bad.map((v) => `${v.id}: ${v.help}`).join("\n"));
});

// Queries typed into the search box, and the page expected first.
const queries = [
  ["助学金", "助学金", null],
  ["资助专干", "学校的资助专干是谁？能帮您做什么？", null],
  ["专干", "学校的资助专干是谁？能帮您做什么？", null],
  ["免学费", "读中职，免学费还有助学金、奖学金", null],
  ["示教发〔2025〕5号", "示例县普通高中国家助学金管理办法", null],
  ["公示期 撤下", "示例县普通高中国家助学金管理办法", "#article-8"],
  ["10个工作日内报备", "示例县教育局关于加强学校学生资助工作队伍建设的实施办法", "#article-4"],
];
for (const [query, expected, anchor] of queries) {
  await check(`search “${query}” finds “${expected}” first`, async () => {
    const { page, context } = await open("/search/");
    await page.fill("#q", query);
    await page.press("#q", "Enter");
    await page.waitForSelector("#search-results li", { timeout: 5000 });
    const first = await page.evaluate(() => {
      const a = document.querySelector("#search-results li a");
      const mark = document.querySelector("#search-results li mark");
      return { title: a.textContent, href: a.getAttribute("href"), mark: mark && mark.textContent };
    });
    await context.close();
    assert(first.title.includes(expected), `first result is “${first.title}”`);
    if (anchor) assert(first.href.endsWith(anchor), `link ${first.href} does not go to ${anchor}`);
  });
}

// The split index gives exactly what scanning every page gave (the search
// before it was split, kept in search_reference.js): one, two and longer
// Chinese terms, document numbers, digits, ASCII, full-width, several terms,
// no hit, very common words.
const identityQueries = [
  "助", "金", "的", "第", "号", "5", "2", "a", "Ｑ", "〔",
  "助学", "资助", "专干", "公示", "学生", "20", "25", "〔2", "高中", "贷款",
  "助学金", "免学费", "资助专干", "国家助学金", "家庭经济困难学生", "示教发〔2025〕5号", "示教发", "〔2025〕", "10个工作日内报备", "生源地信用助学贷款",
  "2025", "2019", "１０", "5号", "公示期 撤下", "助学金 2025", "资助 专干 学校", "资助 资助", "学 生", "助学金　申请",
  "不存在的词", "xyz", "助学金 不存在", "第一条", "第八条", "总则", "的 了", "中职 免学费", "县 教育局", "学前教育资助",
];
await check(`search results identical to the unsplit index on ${identityQueries.length} queries`, async () => {
  const context = await browser.newContext();
  const result = await compareWithReference(context, base, identityQueries);
  await context.close();
  assert(result.mismatches.length === 0, result.mismatches.slice(0, 5).map(describe).join("\n"));
});

await check("a search whose index cannot be fetched says so in Chinese", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.route((url) => url.pathname.includes("/search/") && url.pathname.endsWith(".json"), (route) => route.abort());
  await page.goto(base + "/search/?q=" + encodeURIComponent("助学金"), { waitUntil: "load" });
  await page.waitForFunction(() => !document.getElementById("search-results").hasAttribute("aria-busy"));
  const text = await page.textContent("#search-status");
  await context.close();
  assert(text.includes("搜索索引加载失败"), `status: ${text}`);
});

await check("search index is downloaded only when someone searches", async () => {
  const { page, context } = await open("/");
  const loaded = [];
  page.on("request", (r) => loaded.push(r.url()));
  await page.goto(base + pages.policy, { waitUntil: "load" });
  await context.close();
  assert(!loaded.some((u) => u.includes("/search/")), "search index fetched without a search");
});

// The list page's courtesy script (issue 16): a reader whose clock is past
// the list's end sees the withdrawal notice instead of the table, on load
// and in a tab left open across the end. The demo is built for 2025-10-15;
// this list ends on 2025-10-17.
await check("an active list's table gives way to the withdrawal notice once the reader's clock is past the end", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.clock.install({ time: new Date("2025-10-17T23:58:00+08:00") });
  await page.goto(base + pages["active-list"], { waitUntil: "load" });
  assert((await page.locator("table.recipients").count()) === 1, "the table is shown before the end");
  await page.clock.runFor(3 * 60 * 1000);
  assert((await page.locator("table.recipients").count()) === 0, "the table is still there after the end");
  const text = await page.textContent("article");
  assert(text.includes("公示期已结束，名单已撤下。"), "no withdrawal notice");
  assert((await page.getAttribute("article", "data-gongshi-status")) === "ended", "the page still says active");
  await page.screenshot({ path: path.join(shotDir, "active-list-after-end.png"), fullPage: true });
  await context.close();
  const late = await browser.newContext();
  const again = await late.newPage();
  await again.clock.install({ time: new Date("2025-10-20T09:00:00+08:00") });
  await again.goto(base + pages["active-list"], { waitUntil: "load" });
  assert((await again.locator("table.recipients").count()) === 0, "opened after the end, the table still shows");
  await late.close();
});

await browser.close();
server.close();
console.log(`\nbrowser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
