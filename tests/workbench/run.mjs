// The workbench (gongshi workbench --no-open) driven in headless Chromium
// (Debian's, through playwright-core): see a problem, fix the file, see it
// clear; build; the new-list wizard on an .xlsx gives a list that builds;
// publish to a folder target; preview and letters open in new tabs; a
// request without the token or with a foreign Host is refused; stopping
// the workbench removes its work folder. Saves screenshots of the
// overview, the problems and the new-list wizard.
// Usage: node run.mjs <gongshi binary> <screenshot dir> <work dir>
import { spawn } from "node:child_process";
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { createRequire } from "node:module";

const require = createRequire(path.resolve(process.env.NODE_MODULES_DIR || ".cache/node/node_modules") + "/");
const { chromium } = require("playwright-core");

const [binArg, shotDir, workArg] = process.argv.slice(2);
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const work = path.resolve(workArg);
const site = path.join(work, "site");
const www = path.join(work, "www");
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
fs.cpSync(path.join(repo, "tests/fixtures/basic"), site, { recursive: true });
fs.appendFileSync(path.join(site, "site-config.toml"), `\n[[publish]]\nname = "web"\nfolder = ${JSON.stringify(www)}\n`);
fs.mkdirSync(shotDir, { recursive: true });
const xlsx = path.join(repo, "content/lists/2025-qiu/zhizhuan-zhuxuejin/名单.xlsx");
const notice = path.join(site, "content/notices/dongtai.md");
const noticeText = fs.readFileSync(notice, "utf8");

let passed = 0, failed = 0;
async function check(name, fn) {
  try { await fn(); passed++; console.log(`ok - ${name}`); }
  catch (e) { failed++; console.log(`not ok - ${name}\n  ${String(e.message || e).split("\n").join("\n  ")}`); }
}
function assert(cond, msg) { if (!cond) throw new Error(msg); }

// The workbench, and the address it prints.
const bench = spawn(path.resolve(binArg), ["workbench", "--root", site, "--no-open", "--today", "2025-10-15"], { stdio: ["ignore", "pipe", "inherit"] });
const lines = readline.createInterface({ input: bench.stdout });
const said = [];
const url = await new Promise((ok, fail) => {
  const timer = setTimeout(() => fail(new Error("no address from the workbench: " + said.join(" | "))), 60000);
  lines.on("line", (l) => { said.push(l); const m = l.match(/^工作台地址：(\S+)/); if (m) { clearTimeout(timer); ok(m[1]); } });
});
const origin = new URL(url).origin;
const port = new URL(url).port;

function raw(pathname, headers = {}, method = "GET") {
  return new Promise((ok, fail) => {
    const req = http.request({ host: "127.0.0.1", port, path: pathname, method, headers }, (res) => {
      let body = ""; res.setEncoding("utf8"); res.on("data", (c) => (body += c)); res.on("end", () => ok({ status: res.statusCode, body }));
    });
    req.on("error", fail); req.end();
  });
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const context = await browser.newContext({ viewport: { width: 1000, height: 720 } });
const page = await context.newPage();
page.on("pageerror", (e) => console.log("# page error: " + e.message));
if (process.env.WORKBENCH_DEBUG) page.on("response", (r) => console.log(`# ${r.status()} ${r.request().method()} ${r.url().slice(0, 90)}`));
const external = [];
page.on("request", (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith("data:")) external.push(r.url()); });
// Times and this machine's folder differ from run to run: not in the pictures.
const steady = ".checked-at, .site-root { visibility: hidden; }";
const status = page.locator("#problems-status");

await check("the workbench opens with the site at a glance and no problem", async () => {
  await page.goto(url);
  await status.filter({ hasText: "没有发现问题" }).waitFor({ timeout: 120000 });
  const text = await page.locator("#lists-summary").textContent();
  assert(text.includes("公示中 0 份"), text);
  assert(await page.locator('button[data-target="web"]').count() === 1, "no publish button for the target");
});

// A picture of part of the page, from the top of `from` to the bottom of
// `to` (page coordinates: the page may be scrolled).
async function shot(file, from, to, width = 1000) {
  await page.locator(from).scrollIntoViewIfNeeded();
  const scrollY = await page.evaluate(() => window.scrollY);
  const top = await page.locator(from).boundingBox();
  const bottom = await page.locator(to).boundingBox();
  await page.screenshot({ path: path.join(shotDir, file), style: steady, fullPage: true,
    clip: { x: 0, y: scrollY + top.y - 8, width, height: bottom.y + bottom.height - top.y + 16 } });
}

await check("a problem appears when a file breaks and clears when it is fixed", async () => {
  fs.writeFileSync(notice, noticeText.replace("summary = ", "sumary = "));
  await page.locator("#problems li", { hasText: "content/notices/dongtai.md" }).waitFor({ timeout: 120000 });
  const item = await page.locator("#problems li").first().textContent();
  assert(item.includes("第 ") && item.includes("sumary"), item);
  await page.locator("#problems-heading").scrollIntoViewIfNeeded();
  await page.locator("section", { has: page.locator("#problems-heading") }).screenshot({ path: path.join(shotDir, "workbench-problems.png"), style: steady });
  fs.writeFileSync(notice, noticeText);
  await status.filter({ hasText: "没有发现问题" }).waitFor({ timeout: 120000 });
  assert(await page.locator("#problems li").count() === 0, "the problem did not clear");
});

await check("生成网站 builds public/", async () => {
  await page.click("#btn-build");
  await page.locator("#action-result", { hasText: "已生成网站" }).waitFor({ timeout: 120000 });
  assert(fs.existsSync(path.join(site, "public/index.html")), "no public/index.html");
});

await check("the new-list wizard reads an .xlsx, keeps private columns private and writes a list that builds", async () => {
  await page.setInputFiles("#list-file", xlsx);
  await page.locator("#list-step").waitFor({ state: "visible", timeout: 60000 });
  const idPublic = page.locator('#list-columns select[data-header="身份证号"] option[value="public"]');
  assert(await idPublic.isDisabled(), "身份证号 could be chosen as public");
  const previewText = await page.locator("#list-preview").textContent();
  assert(/[\u4e00-\u9fff]\*[\u4e00-\u9fff]/.test(previewText) && !/\d{17}[\dX]/.test(previewText), "preview not masked: " + previewText);
  // The server refuses it too, whatever the page sends.
  const refused = await page.evaluate(async (token) => {
    const cols = [...document.querySelectorAll("#list-columns select")].map((s) => [s.dataset.header, s.value]);
    const roles = Object.fromEntries(cols); roles["身份证号"] = "public";
    const r = await fetch("/api/list/preview", { method: "POST", headers: { "X-Gongshi-Token": token, "Content-Type": "application/json" }, body: JSON.stringify({ upload: "1", roles }) });
    return { status: r.status, body: await r.text() };
  }, new URL(url).searchParams.get("t"));
  assert(refused.status === 422 && refused.body.includes("不能公开"), JSON.stringify(refused));
  // Change a role: 专业 no longer public, gone from the preview.
  await page.selectOption('#list-columns select[data-header="专业"]', "private");
  await page.waitForFunction(() => ![...document.querySelectorAll("#list-preview th")].some((t) => t.textContent === "专业"));
  await page.selectOption("#list-programme", "中职免学费");
  await page.fill("#list-school", "测试县职业中专");
  await page.fill("#list-slug", "zhizhuan");
  await page.fill("#list-start", "2025-10-13");
  await page.fill("#list-days", "5");
  await page.locator("#list-period", { hasText: "2025-10-17" }).waitFor({ timeout: 10000 });
  // For the README: the columns and the masked preview.
  await shot("workbench-new-list.png", "#list-heading", "#list-preview");
  // By keyboard, as staff without a mouse would.
  await page.focus("#list-create");
  await page.keyboard.press("Enter");
  await page.locator("#list-result p").first().waitFor({ timeout: 60000 });
  const made = await page.locator("#list-result").textContent();
  assert(made.includes("已新建公示名单"), made);
  const index = fs.readFileSync(path.join(site, "content/lists/2025-qiu/zhizhuan/index.md"), "utf8");
  assert(index.includes('"专业" = "private"') && index.includes('"身份证号" = "id_number"'), index);
  await status.filter({ hasText: "没有发现问题" }).waitFor({ timeout: 120000 });
  await page.click("#btn-build");
  await page.locator("#action-result", { hasText: "公示中 1" }).waitFor({ timeout: 120000 });
  assert(fs.existsSync(path.join(site, "public/lists/2025-qiu/zhizhuan/index.html")), "the new list was not built");
  await page.locator("#lists tbody tr", { hasText: "测试县职业中专" }).waitFor({ timeout: 10000 });
  // For the README: the site at a glance, with the new list in it, wide
  // enough for the whole table; the build's message names this machine's
  // folder, so it is left out of the picture.
  await status.filter({ hasText: "没有发现问题" }).waitFor({ timeout: 120000 });
  await page.setViewportSize({ width: 1200, height: 720 });
  await page.evaluate(() => window.scrollTo(0, 0));
  const hide = await page.addStyleTag({ content: "#action-result { display: none; }" });
  await shot("workbench-overview.png", "header", "#lists", 1200);
  await hide.evaluate((tag) => tag.remove());
  await page.setViewportSize({ width: 1000, height: 720 });
});

await check("发布 brings the folder target up to date", async () => {
  await page.click('button[data-target="web"]');
  await page.locator("#action-result", { hasText: "发布" }).filter({ hasNotText: "正在进行" }).waitFor({ timeout: 120000 });
  const said = await page.locator("#action-result").textContent();
  assert(fs.existsSync(path.join(www, "lists/2025-qiu/zhizhuan/index.html")), "not published: " + said);
  await page.locator("#published li", { hasText: "相符" }).waitFor({ timeout: 60000 });
});

await check("打开预览 and 打印告知书 open in new tabs of this machine", async () => {
  const [preview] = await Promise.all([context.waitForEvent("page"), page.click("#btn-preview")]);
  await preview.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/$/, { timeout: 120000 });
  await preview.waitForLoadState();
  assert((await preview.title()).includes("测试县学生资助"), await preview.title());
  await preview.close();
  const [print] = await Promise.all([context.waitForEvent("page"), page.click("#btn-print")]);
  await print.waitForLoadState();
  const body = await print.locator("body").textContent();
  assert(!body.includes("口令"), "the print tab was refused: " + body);
  await print.close();
});

await check("requests without the token, with a foreign Host, or changing without the header are refused", async () => {
  assert((await raw("/")).status === 403, "page without token");
  assert((await raw("/api/overview")).status === 403, "API without token");
  assert((await raw(new URL(url).pathname + new URL(url).search, { Host: `evil.example:${port}` })).status === 403, "foreign Host");
  const posted = await page.evaluate(async () => (await fetch("/api/build", { method: "POST" })).status);
  assert(posted === 403, "a POST with only the cookie was answered " + posted);
  assert(external.length === 0, "external requests: " + external.join(", "));
});

await browser.close();

await check("stopping the workbench removes its work folder and the preview", async () => {
  bench.kill("SIGTERM");
  await new Promise((ok) => bench.on("exit", ok));
  const left = fs.readdirSync(path.join(site, ".gongshi-cache")).filter((n) => n.startsWith("workbench-"));
  assert(left.length === 0, "left: " + left.join(", "));
});
fs.rmSync(work, { recursive: true, force: true });

console.log(`workbench: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
